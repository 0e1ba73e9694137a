//! The verdict of a finished run: Maelstrom's checker composition (spec §2.0, §5.3) over the
//! history and the message journal, shaped like `results.edn` as JSON.
//!
//! Parts: `perf`, `timeline` and `exceptions` (always valid: in Maelstrom they draw plots
//! and pages), `stats`, `availability`, `net` and `workload`; the top-level `valid?` is the
//! worst of them. A checker that panics counts as `unknown` with the panic message, as
//! Jepsen's `check-safe` does with a checker that throws.

use crate::options::Options;
use crate::workload::Workload;
use checkers::checked::{compose, Checked};
use checkers::history::{Op, OpType};
use checkers::net::NetTally;
use checkers::validity::Validity;
use serde_json::{json, Map, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `check`, turning a panic into an `unknown` result.
fn safely(name: &str, check: impl FnOnce() -> Checked) -> Checked {
    catch_unwind(AssertUnwindSafe(check)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into());
        Checked::error(format!("the {name} checker crashed: {why}"))
    })
}

fn always_valid(extra: Map<String, Value>) -> Checked {
    Checked::new(Validity::Valid, extra)
}

/// Jepsen's `exceptions` part: valid, listing the distinct indeterminate errors of `info` ops.
fn exceptions(history: &[Op]) -> Checked {
    let mut counts: Vec<(String, u64)> = Vec::new();
    for op in history
        .iter()
        .filter(|o| o.is_client() && o.kind == OpType::Info)
    {
        let Some(Value::String(error)) = &op.error else {
            continue;
        };
        if !error.starts_with("indeterminate") {
            continue;
        }
        match counts.iter_mut().find(|(e, _)| e == error) {
            Some((_, n)) => *n += 1,
            None => counts.push((error.clone(), 1)),
        }
    }
    let mut map = Map::new();
    if !counts.is_empty() {
        let list = counts
            .into_iter()
            .map(|(e, n)| json!({"count": n, "example": e}))
            .collect();
        map.insert("exceptions".into(), Value::Array(list));
    }
    always_valid(map)
}

/// The composed results of a run.
pub fn judge(
    workload: &dyn Workload,
    opts: &Options,
    history: &[Op],
    journal: &NetTally,
    plots_ok: bool,
) -> Checked {
    let perf_valid = if plots_ok {
        json!(true)
    } else {
        json!("unknown")
    };
    let mut perf = Map::new();
    perf.insert("latency-graph".into(), json!({"valid?": perf_valid}));
    perf.insert("rate-graph".into(), json!({"valid?": perf_valid}));
    let perf = if plots_ok {
        always_valid(perf)
    } else {
        Checked::new(Validity::Unknown, perf)
    };
    let required = opts.availability.map(|a| a.fraction());
    compose(vec![
        ("perf", perf),
        ("timeline", always_valid(Map::new())),
        ("exceptions", safely("exceptions", || exceptions(history))),
        (
            "stats",
            safely("stats", || {
                checkers::stats::check(history, &checkers::stats::MAELSTROM_EXEMPT_FS)
            }),
        ),
        (
            "availability",
            safely("availability", || {
                checkers::availability::check(history, required)
            }),
        ),
        (
            "net",
            safely("net", || {
                checkers::net::check_tally(journal, checkers::net::op_count(history))
            }),
        ),
        (
            "workload",
            safely("workload", || workload.check(history, opts)),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkers::history::Process;

    #[test]
    fn panicking_checkers_are_unknown() {
        let c = safely("boom", || panic!("no way"));
        assert_eq!(c.validity, Validity::Unknown);
        assert!(c.results["error"].as_str().unwrap().contains("no way"));
    }

    #[test]
    fn exceptions_count_indeterminate_errors() {
        let info = |index, error: &str| Op {
            index,
            time: 0,
            process: Process::Client(0),
            kind: OpType::Info,
            f: "add".into(),
            value: json!(1),
            error: Some(json!(error)),
            is_final: false,
        };
        let c = exceptions(&[
            info(0, "indeterminate: x"),
            info(1, "indeterminate: x"),
            info(2, "net-timeout"),
        ]);
        assert_eq!(
            c.results["exceptions"],
            json!([{"count": 2, "example": "indeterminate: x"}])
        );
    }
}
