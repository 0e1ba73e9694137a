//! `index.html` of a run folder: one self-contained page (inline CSS, script and data; no
//! network, no external fonts) that says whether the run was valid and, if not, what went
//! wrong in words, with the operations involved linked to a message diagram (one lane per
//! node, service and client, partitions shaded, zoomable) and to the operation timeline per
//! process, then the plots, the network statistics and the suite's targets.
//!
//! The page is rendered from the folder's files alone ([`Run`]), so one renderer serves the
//! simulator at the end of a run, `cargo xtask report FOLDER`, and a real Maelstrom `store/`
//! folder (whose loader lives in the xtask, beside its EDN reader).
//!
//! Files: [`load`] (a simulator run folder), [`messages`] (the journal read back),
//! [`spans`] (operations from invocation to completion), [`matching`] (the messages that
//! carried each operation), [`context`] (look-ups shared by what follows), [`explain`] and
//! [`describe`] (the verdict in words), [`data`] (the script's data), [`sections`] (the
//! static tables), [`html`] (escaping). The drawing is `page.js`, the look `page.css`.

pub mod context;
pub mod data;
pub mod describe;
pub mod explain;
pub mod html;
pub mod load;
pub mod matching;
pub mod messages;
pub mod sections;
pub mod spans;

use anyhow::Context as _;
use checkers::history::Op;
use context::Context;
use html::escape;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Everything a report shows, read from one run folder.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// The heading, e.g. `3d (broadcast)`.
    pub title: String,
    /// The results tree (`results.json`, or `results.edn` as JSON).
    pub results: Value,
    pub history: Vec<Op>,
    /// The message journal, when the folder has one (Maelstrom's is binary).
    pub journal: Option<messages::Journal>,
    /// The suite's outcome with its targets (`outcome.json`, written by `cargo xtask test`).
    pub outcome: Option<Value>,
    /// Other files of the folder worth opening, as (label, relative path).
    pub links: Vec<(String, String)>,
    /// Plot images in the folder, as relative paths.
    pub plots: Vec<String>,
    /// What could not be read, said on the page rather than failing the report.
    pub problems: Vec<String>,
}

/// The page style, shared with `store/index.html`.
pub const STYLE: &str = include_str!("page.css");

/// The file name of the report inside a run folder.
pub const FILE: &str = "index.html";

/// Renders and writes the report of the simulator's run folder `folder`.
pub fn write(folder: &Path) -> anyhow::Result<PathBuf> {
    let run = load::load(folder)?;
    write_run(folder, &run)
}

/// Writes `run`'s report into `folder`.
pub fn write_run(folder: &Path, run: &Run) -> anyhow::Result<PathBuf> {
    let path = folder.join(FILE);
    std::fs::write(&path, render(run)).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// The whole page.
pub fn render(run: &Run) -> String {
    let mut problems = run.problems.clone();
    let spans = spans::spans(&run.history).unwrap_or_else(|e| {
        problems.push(format!(
            "the history could not be paired, so the timeline is empty: {e}"
        ));
        Vec::new()
    });
    let carried = match &run.journal {
        Some(j) => matching::carried(&spans, &j.messages),
        None => vec![None; spans.len()],
    };
    let cx = Context {
        results: &run.results,
        history: &run.history,
        spans: &spans,
        carried: &carried,
        messages: run.journal.as_ref().map_or(&[][..], |j| &j.messages[..]),
        sampled: run.journal.as_ref().is_some_and(|j| j.stride > 1),
    };
    let explanation = explain::explain(&cx);
    let involved: BTreeSet<usize> = explanation
        .findings
        .iter()
        .flat_map(|f| f.ops.iter().copied())
        .collect();
    let data = data::data(&cx, run.journal.as_ref(), &involved);

    let mut page = String::with_capacity(1 << 20);
    page.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>{}</style></head><body>\n",
        escape(&run.title),
        STYLE
    ));
    page.push_str(&format!("<h1>{}</h1>\n", escape(&run.title)));
    page.push_str(&sections::verdict(&cx, &explanation));
    for p in &problems {
        page.push_str(&format!("<p class=\"note\">Note: {}</p>\n", escape(p)));
    }
    page.push_str(&sections::diagram(run.journal.is_some(), &run.links));
    page.push_str(&sections::timeline());
    page.push_str(&sections::plots(&run.plots));
    page.push_str(&sections::targets(run.outcome.as_ref()));
    page.push_str(&sections::stats(&run.results));
    page.push_str(&sections::network(&run.results));
    page.push_str(&sections::run_facts(&run.results, run.outcome.as_ref()));
    page.push_str(&sections::files(&run.links));
    page.push_str("<h2>Results</h2>\n");
    page.push_str(&html::json_details("results, as JSON", &run.results));
    page.push_str("<div id=\"tip\"></div>\n<script type=\"application/json\" id=\"report-data\">");
    page.push_str(&html::script_json(&data));
    page.push_str("</script>\n<script>");
    page.push_str(include_str!("page.js"));
    page.push_str("</script>\n</body></html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkers::testing::HistoryBuilder;
    use serde_json::json;

    #[test]
    fn text_from_the_run_cannot_inject_markup_or_script() {
        let evil = "</script><script>alert(1)</script>";
        let run = Run {
            title: format!("<b>{evil}</b>"),
            results: json!({"valid?": false, "workload": {"valid?": false, "error": evil}}),
            history: HistoryBuilder::new()
                .call(0, "echo", json!(evil), json!({"echo": evil}))
                .build(),
            links: vec![(evil.to_string(), "node-logs/n0.log".to_string())],
            problems: vec![evil.to_string()],
            ..Run::default()
        };
        let page = render(&run);
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(!page.contains("<b></script>"));
        assert_eq!(
            page.matches("<script").count(),
            2,
            "the data and the drawing only"
        );
        assert!(page.contains("workload: the checker could not decide"));
    }
}
