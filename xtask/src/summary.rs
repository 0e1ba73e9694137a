//! The summary of a test run: a markdown table of outcomes with notes on the suites that failed,
//! printed and written to `store/summary.md`, the outcomes as `store/summary.json`, and the
//! table as a page, `store/index.html` (see [`crate::index_page`]).
//!
//! `render` is a pure function of the outcomes, so its text is tested exactly.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use checkers::validity::Validity;
use comfy_table::{presets, Table};

use crate::outcome::Outcome;

/// The table's columns, in order; [`row`] gives one outcome's cells.
pub const COLUMNS: [&str; 14] = [
    "suite",
    "title",
    "backend",
    "seed",
    "verdict",
    "ops",
    "availability",
    "msgs/op",
    "p50 ms",
    "p99 ms",
    "max ms",
    "ok p50 ms",
    "ok p99 ms",
    "targets",
];

/// One outcome's cells under [`COLUMNS`], as plain text (the page escapes and links them).
pub fn row(o: &Outcome) -> Vec<String> {
    let latency = |pick: fn(&crate::outcome::Latency) -> Option<f64>| {
        number(o.latency_ms.as_ref().and_then(pick), 0)
    };
    vec![
        o.suite.clone(),
        o.title.clone(),
        o.backend.clone(),
        o.seed.map_or_else(|| "n/a".to_string(), |s| s.to_string()),
        verdict(o.valid).to_string(),
        o.ops.map_or_else(|| "-".to_string(), |n| n.to_string()),
        o.availability
            .map_or_else(|| "-".to_string(), |a| format!("{:.1}%", a * 100.0)),
        number(o.msgs_per_op, 2),
        latency(|l| l.p50),
        latency(|l| l.p99),
        latency(|l| l.max),
        number(o.ok_latency_ms.and_then(|l| l.p50), 1),
        number(o.ok_latency_ms.and_then(|l| l.p99), 1),
        targets(o),
    ]
}

/// The table of outcomes, then one note per suite that is not valid or misses a target.
pub fn render(outcomes: &[Outcome]) -> String {
    let rows = outcomes.iter().map(row);
    let header = COLUMNS;
    let mut text = markdown_table(&header, rows);
    for o in outcomes {
        let missed = o.targets.iter().any(|t| !t.met);
        if o.valid == Validity::Valid && !missed {
            continue;
        }
        text.push_str(&format!("\n{} {}", o.suite, verdict(o.valid)));
        if !o.anomalies.is_empty() {
            text.push_str(&format!(": {}", o.anomalies.join(", ")));
        }
        text.push_str(&format!(
            "\n  store:  {}\n  replay: {}\n",
            o.store.display(),
            o.replay
        ));
    }
    let valid = outcomes
        .iter()
        .filter(|o| o.valid == Validity::Valid)
        .count();
    text.push_str(&format!("\n{valid} of {} suites valid\n", outcomes.len()));
    text
}

/// Writes `summary.md` (the rendered table), `summary.json` (the outcomes) and `index.html`
/// (the table as a page linking each run's report) into `store`.
pub fn write(store: &Path, outcomes: &[Outcome]) -> Result<()> {
    fs::create_dir_all(store).with_context(|| format!("could not create {}", store.display()))?;
    let markdown = store.join("summary.md");
    fs::write(&markdown, render(outcomes))
        .with_context(|| format!("could not write {}", markdown.display()))?;
    let json = store.join("summary.json");
    let text =
        serde_json::to_string_pretty(outcomes).context("could not serialise the outcomes")?;
    fs::write(&json, text + "\n").with_context(|| format!("could not write {}", json.display()))?;
    let page = store.join("index.html");
    fs::write(&page, crate::index_page::render(outcomes, store))
        .with_context(|| format!("could not write {}", page.display()))?;
    Ok(())
}

/// A markdown table with a header row; every line ends in a newline.
pub fn markdown_table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::ASCII_MARKDOWN)
        .set_header(header.to_vec());
    for row in rows {
        table.add_row(row);
    }
    table.to_string() + "\n"
}

/// A verdict as the table shows it; `INVALID` shouts because it is the one that matters.
pub fn verdict(valid: Validity) -> &'static str {
    match valid {
        Validity::Valid => "valid",
        Validity::Invalid => "INVALID",
        Validity::Unknown => "unknown",
    }
}

fn number(figure: Option<f64>, decimals: usize) -> String {
    figure.map_or_else(|| "-".to_string(), |x| format!("{x:.decimals$}"))
}

/// `msgs/op<30 ✓, p50<400 ✗`, or `-` when the suite has no target.
fn targets(outcome: &Outcome) -> String {
    if outcome.targets.is_empty() {
        return "-".to_string();
    }
    let marked: Vec<String> = outcome
        .targets
        .iter()
        .map(|t| format!("{} {}", t.bound, if t.met { "✓" } else { "✗" }))
        .collect();
    marked.join(", ")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::outcome::{Latency, TargetOutcome};
    use std::path::PathBuf;

    pub(crate) fn outcomes() -> Vec<Outcome> {
        let echo = Outcome {
            suite: "1".into(),
            title: "Echo".into(),
            workload: "echo".into(),
            node: "echo".into(),
            backend: "maelstrom".into(),
            valid: Validity::Valid,
            ops: Some(50),
            availability: Some(1.0),
            msgs_per_op: Some(0.0),
            latency_ms: None,
            ok_latency_ms: None,
            targets: vec![],
            anomalies: vec![],
            store: PathBuf::from("store/maelstrom/1/store/echo/latest"),
            seed: None,
            replay: "cd store/maelstrom/1 && maelstrom test -w echo".into(),
        };
        let broadcast = Outcome {
            suite: "3d".into(),
            title: "Efficient broadcast I".into(),
            workload: "broadcast".into(),
            node: "broadcast".into(),
            backend: "sim".into(),
            valid: Validity::Invalid,
            ops: Some(2011),
            availability: Some(0.9951),
            msgs_per_op: Some(31.456),
            latency_ms: Some(Latency {
                p50: Some(388.0),
                p99: Some(577.0),
                max: Some(598.4),
            }),
            ok_latency_ms: Some(Latency {
                p50: Some(0.26),
                p99: Some(12.04),
                max: Some(30.0),
            }),
            targets: vec![
                TargetOutcome {
                    name: "challenge msgs/op".into(),
                    bound: "msgs/op<30".into(),
                    figure: Some(31.456),
                    met: false,
                },
                TargetOutcome {
                    name: "challenge median".into(),
                    bound: "p50<400".into(),
                    figure: Some(388.0),
                    met: true,
                },
            ],
            anomalies: vec!["lost".into(), "availability invalid".into()],
            store: PathBuf::from("store/3d/latest"),
            seed: Some(42),
            replay: "cargo xtask sim -w broadcast --seed 42".into(),
        };
        vec![echo, broadcast]
    }

    #[test]
    fn renders_the_fixed_table_and_notes_on_failures() {
        let expected = "\
| suite | title                 | backend   | seed | verdict | ops  | availability | msgs/op | p50 ms | p99 ms | max ms | ok p50 ms | ok p99 ms | targets                 |
|-------|-----------------------|-----------|------|---------|------|--------------|---------|--------|--------|--------|-----------|-----------|-------------------------|
| 1     | Echo                  | maelstrom | n/a  | valid   | 50   | 100.0%       | 0.00    | -      | -      | -      | -         | -         | -                       |
| 3d    | Efficient broadcast I | sim       | 42   | INVALID | 2011 | 99.5%        | 31.46   | 388    | 577    | 598    | 0.3       | 12.0      | msgs/op<30 ✗, p50<400 ✓ |

3d INVALID: lost, availability invalid
  store:  store/3d/latest
  replay: cargo xtask sim -w broadcast --seed 42

1 of 2 suites valid
";
        assert_eq!(render(&outcomes()), expected);
    }

    #[test]
    fn writes_markdown_and_json_with_the_interface_fields() {
        let temp = tempfile::tempdir().unwrap();
        let store = temp.path().join("store");
        write(&store, &outcomes()).unwrap();
        assert_eq!(
            fs::read_to_string(store.join("summary.md")).unwrap(),
            render(&outcomes())
        );
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(store.join("summary.json")).unwrap()).unwrap();
        let entry = &json[1];
        for key in [
            "suite",
            "title",
            "workload",
            "backend",
            "valid",
            "ops",
            "availability",
            "msgs_per_op",
            "latency_ms",
            "ok_latency_ms",
            "targets",
            "anomalies",
            "store",
            "seed",
        ] {
            assert!(entry.get(key).is_some(), "summary.json lacks `{key}`");
        }
        assert_eq!(entry["valid"], serde_json::json!(false));
        assert_eq!(entry["latency_ms"]["p99"], serde_json::json!(577.0));
        assert_eq!(entry["targets"][0]["met"], serde_json::json!(false));
        assert_eq!(json[0]["seed"], serde_json::Value::Null);
        assert_eq!(json[0]["latency_ms"], serde_json::Value::Null);
        let page = fs::read_to_string(store.join("index.html")).unwrap();
        assert!(page.contains("<table>") && page.contains(">3d</a>"));
    }
}
