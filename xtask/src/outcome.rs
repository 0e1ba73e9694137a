//! The outcome of one suite run: its verdict and figures, read from the results tree (Maelstrom's
//! `results.edn` as JSON, or the simulator's `results.json`) by one pure function, so both
//! backends are judged the same way.

use std::path::PathBuf;

use checkers::validity::Validity;
use serde::Serialize;
use serde_json::Value;

use crate::catalog::{Bound, Entry, Metric, Target};

/// One row of the summary, one entry of `store/summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The suite id, e.g. `"3d"`.
    pub suite: String,
    pub title: String,
    /// Maelstrom's `-w`.
    pub workload: String,
    /// The registered workload that ran as the node.
    pub node: String,
    /// `"sim"` or `"maelstrom"`.
    pub backend: String,
    /// `true`, `false` or `"unknown"`.
    pub valid: Validity,
    pub ops: Option<u64>,
    /// `[:availability :ok-fraction]`.
    pub availability: Option<f64>,
    /// `[:net :servers :msgs-per-op]`.
    pub msgs_per_op: Option<f64>,
    /// `[:workload :stable-latencies]`; null when the workload has none.
    pub latency_ms: Option<Latency>,
    /// Invocation-to-`ok` latencies of all operations (the simulator's
    /// `[:sim :ok-latencies :all]`); null where the backend does not report them.
    pub ok_latency_ms: Option<Latency>,
    pub targets: Vec<TargetOutcome>,
    pub anomalies: Vec<String>,
    /// The run's folder.
    pub store: PathBuf,
    /// The simulator's seed; null for Maelstrom, whose randomness cannot be seeded.
    pub seed: Option<u64>,
    /// A command that reruns this suite the same way.
    pub replay: String,
}

/// Latency quantiles in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Latency {
    pub p50: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
}

/// How a run fared against one of its suite's targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetOutcome {
    pub name: String,
    /// The table's short form, e.g. `msgs/op<30`.
    pub bound: String,
    /// The measured figure; null when the run did not produce it.
    pub figure: Option<f64>,
    /// Whether the figure meets the bound; false when the figure is missing.
    pub met: bool,
}

/// What a backend reports besides the results tree.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub backend: &'static str,
    pub store: PathBuf,
    pub seed: Option<u64>,
    pub replay: String,
}

/// Reads a suite's outcome from its results tree.
pub fn extract(entry: &Entry, run: RunInfo, results: &Value) -> Outcome {
    let workload = &results["workload"];
    let latency_ms = latency(&workload["stable-latencies"]);
    let msgs_per_op = results["net"]["servers"]["msgs-per-op"].as_f64();
    let availability = results["availability"]["ok-fraction"].as_f64();
    let targets = entry
        .suite
        .targets
        .iter()
        .map(|target| {
            let figure = match target.metric {
                Metric::ServersMsgsPerOp => msgs_per_op,
                Metric::LatencyP50Ms => latency_ms.and_then(|l| l.p50),
                Metric::LatencyMaxMs => latency_ms.and_then(|l| l.max),
                Metric::Availability => availability,
            };
            judge(target, figure)
        })
        .collect();
    Outcome {
        suite: entry.suite.id.clone(),
        title: entry.suite.title.clone(),
        workload: entry.suite.workload.clone(),
        node: entry.node.clone(),
        backend: run.backend.to_string(),
        valid: validity(&results["valid?"]),
        ops: ops(&results["stats"]),
        availability,
        msgs_per_op,
        latency_ms,
        ok_latency_ms: latency(&results["sim"]["ok-latencies"]["all"]),
        targets,
        anomalies: anomalies(results),
        store: run.store,
        seed: run.seed,
        replay: run.replay,
    }
}

fn judge(target: &Target, figure: Option<f64>) -> TargetOutcome {
    TargetOutcome {
        name: target.name.clone(),
        bound: format!("{}{}", target.metric.label(), target.bound),
        figure,
        met: figure.is_some_and(|f| Bound::is_met_by(target.bound, f)),
    }
}

/// `true` and `false` as they are; anything else (`"unknown"`, missing) is unknown.
fn validity(value: &Value) -> Validity {
    match value {
        Value::Bool(ok) => Validity::from_bool(*ok),
        _ => Validity::Unknown,
    }
}

/// `stats.count`, else the sum of the per-`f` counts.
fn ops(stats: &Value) -> Option<u64> {
    stats["count"].as_u64().or_else(|| {
        let by_f = stats["by-f"].as_object()?;
        Some(by_f.values().filter_map(|f| f["count"].as_u64()).sum())
    })
}

fn latency(stable: &Value) -> Option<Latency> {
    let quantiles = stable.as_object().filter(|q| !q.is_empty())?;
    let at = |keys: &[&str]| keys.iter().find_map(|k| quantiles.get(*k)?.as_f64());
    Some(Latency {
        p50: at(&["0.5"]),
        p99: at(&["0.99"]),
        max: at(&["1", "1.0"]),
    })
}

/// The names of what went wrong, in a fixed order: the workload's own anomaly and error types,
/// lost and duplicated elements, workload errors, then every other top-level checker whose
/// verdict is not true (the workload's too, when nothing more specific was found).
fn anomalies(results: &Value) -> Vec<String> {
    let workload = &results["workload"];
    let mut found: Vec<String> = Vec::new();
    let add = |found: &mut Vec<String>, name: String| {
        if !found.contains(&name) {
            found.push(name);
        }
    };
    for key in ["anomaly-types", "bad-error-types"] {
        for name in workload[key].as_array().into_iter().flatten() {
            add(
                &mut found,
                name.as_str()
                    .map_or_else(|| name.to_string(), str::to_string),
            );
        }
    }
    if workload["lost-count"].as_u64().unwrap_or(0) > 0 {
        add(&mut found, "lost".to_string());
    }
    if workload["duplicated-count"].as_u64().unwrap_or(0) > 0 {
        add(&mut found, "duplicated".to_string());
    }
    let errors = &workload["errors"];
    let has_errors = match errors {
        Value::Array(items) => !items.is_empty(),
        Value::Object(items) => !items.is_empty(),
        Value::Null => false,
        _ => true,
    };
    if has_errors {
        add(&mut found, "errors".to_string());
    }
    let workload_explained = !found.is_empty();
    for (name, part) in results.as_object().into_iter().flatten() {
        let Some(verdict) = part.get("valid?") else {
            continue;
        };
        if verdict == &Value::Bool(true) || (name == "workload" && workload_explained) {
            continue;
        }
        let verdict = match verdict {
            Value::Bool(false) => "invalid",
            _ => "unknown",
        };
        add(&mut found, format!("{name} {verdict}"));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tests::catalog;
    use serde_json::json;

    fn suite(id: &str) -> Entry {
        catalog()
            .entries()
            .into_iter()
            .find(|e| e.suite.id == id)
            .unwrap()
    }

    fn run() -> RunInfo {
        RunInfo {
            backend: "sim",
            store: PathBuf::from("store/3d/latest"),
            seed: Some(7),
            replay: "cargo xtask sim ...".to_string(),
        }
    }

    fn broadcast_results() -> Value {
        crate::edn::to_json(include_str!("../tests/fixtures/broadcast-results.edn")).unwrap()
    }

    #[test]
    fn figures_come_from_the_contract_paths() {
        let outcome = extract(&suite("3d"), run(), &broadcast_results());
        assert_eq!(outcome.valid, Validity::Valid);
        assert_eq!(outcome.ops, Some(2011));
        assert_eq!(outcome.availability, Some(1.0));
        assert_eq!(outcome.msgs_per_op, Some(17.9));
        assert_eq!(
            outcome.latency_ms,
            Some(Latency {
                p50: Some(388.0),
                p99: Some(577.0),
                max: Some(598.0)
            })
        );
        assert_eq!(outcome.anomalies, Vec::<String>::new());
        assert_eq!(
            (outcome.suite.as_str(), outcome.node.as_str()),
            ("3d", "broadcast")
        );
        assert_eq!(outcome.seed, Some(7));
    }

    #[test]
    fn the_unknown_variant_of_the_spec_example_reads_as_unknown() {
        let text = include_str!("../tests/fixtures/broadcast-results.edn")
            .replace(":stable-count 1002", ":stable-count 0")
            .replace(
                "{:valid? true, :attempt-count",
                "{:valid? :unknown, :attempt-count",
            )
            .replace(" :valid? true}\n", " :valid? :unknown}\n");
        let results = crate::edn::to_json(&text).unwrap();
        assert_eq!(results["valid?"], json!("unknown"));
        let outcome = extract(&suite("3d"), run(), &results);
        assert_eq!(outcome.valid, Validity::Unknown);
        assert_eq!(outcome.anomalies, ["workload unknown"]);
    }

    #[test]
    fn targets_are_met_missed_or_missing() {
        let mut results = broadcast_results();
        let met = extract(&suite("3d"), run(), &results).targets;
        assert_eq!(
            met,
            [
                TargetOutcome {
                    name: "challenge msgs/op".into(),
                    bound: "msgs/op<30".into(),
                    figure: Some(17.9),
                    met: true
                },
                TargetOutcome {
                    name: "challenge median".into(),
                    bound: "p50<400".into(),
                    figure: Some(388.0),
                    met: true
                },
            ]
        );
        results["net"]["servers"]["msgs-per-op"] = json!(30.0);
        results["workload"]
            .as_object_mut()
            .unwrap()
            .remove("stable-latencies");
        let outcome = extract(&suite("3d"), run(), &results);
        assert!(!outcome.targets[0].met, "30 is not below 30");
        assert_eq!(
            (outcome.targets[1].figure, outcome.targets[1].met),
            (None, false)
        );
        assert_eq!(outcome.latency_ms, None);
    }

    #[test]
    fn unknown_and_missing_verdicts_are_unknown_and_ops_fall_back_to_by_f() {
        let results = json!({
            "valid?": "unknown",
            "stats": {"valid?": true, "by-f": {"echo": {"count": 40}, "read": {"count": 2}}},
            "workload": {"valid?": "unknown"}
        });
        let outcome = extract(&suite("1"), run(), &results);
        assert_eq!(outcome.valid, Validity::Unknown);
        assert_eq!(outcome.ops, Some(42));
        assert_eq!(outcome.anomalies, ["workload unknown"]);
        assert_eq!(
            extract(&suite("1"), run(), &json!({})).valid,
            Validity::Unknown
        );
    }

    #[test]
    fn anomalies_name_each_kind_of_failure_once() {
        let results = json!({
            "valid?": false,
            "availability": {"valid?": false, "ok-fraction": 0.5},
            "perf": {"valid?": "unknown"},
            "stats": {"valid?": true, "count": 10},
            "workload": {
                "valid?": false,
                "anomaly-types": ["G1c", "G0"],
                "bad-error-types": ["lost-write", "G1c"],
                "lost-count": 2, "duplicated-count": 1,
                "errors": [["Expected a message with :echo"]]
            }
        });
        assert_eq!(
            extract(&suite("1"), run(), &results).anomalies,
            [
                "G1c",
                "G0",
                "lost-write",
                "lost",
                "duplicated",
                "errors",
                "availability invalid",
                "perf unknown"
            ]
        );
    }

    #[test]
    fn empty_error_lists_are_no_anomaly() {
        let results = json!({"valid?": true,
            "workload": {"valid?": true, "errors": [], "lost-count": 0, "anomaly-types": []}});
        assert!(extract(&suite("1"), run(), &results).anomalies.is_empty());
    }
}
