//! The run's plots, `latency.svg` and `rate.svg`, like Jepsen's `latency-raw.png` and
//! `rate.png`: one series per operation `f` and outcome, with partitions shaded. Written as
//! plain SVG text by the small renderer in [`svg`], so no plotting program or font is needed.

mod svg;

use checkers::history::{Op, OpType, Process};
use std::collections::{BTreeMap, HashMap};
use svg::{render, y_range, Chart, Mark, Series};

/// Colours by outcome, with shades per `f` so reads and writes can be told apart.
fn color(kind: OpType, nth_f: usize) -> &'static str {
    const OK: [&str; 4] = ["#1b7837", "#2166ac", "#5aae61", "#4393c3"];
    const FAIL: [&str; 4] = ["#b2182b", "#d6604d", "#8e0152", "#c51b7d"];
    const INFO: [&str; 4] = ["#e08214", "#b35806", "#fdb863", "#8c510a"];
    let palette = match kind {
        OpType::Ok | OpType::Invoke => &OK,
        OpType::Fail => &FAIL,
        OpType::Info => &INFO,
    };
    palette[nth_f % palette.len()]
}

fn kind_name(kind: OpType) -> &'static str {
    match kind {
        OpType::Invoke => "invoke",
        OpType::Ok => "ok",
        OpType::Fail => "fail",
        OpType::Info => "info",
    }
}

/// Completed client operations as (f, kind, invoke seconds, latency ms).
fn completions(history: &[Op]) -> Vec<(&str, OpType, f64, f64)> {
    let mut open: HashMap<u64, &Op> = HashMap::new();
    let mut done = Vec::new();
    for op in history {
        let Process::Client(p) = op.process else {
            continue;
        };
        if op.kind == OpType::Invoke {
            open.insert(p, op);
        } else if let Some(inv) = open.remove(&p) {
            let latency = op.time.saturating_sub(inv.time) as f64 / 1e6;
            done.push((op.f.as_str(), op.kind, inv.time as f64 / 1e9, latency));
        }
    }
    done
}

/// Partition intervals in seconds, from a `start-partition` to the next `stop-partition` (a
/// partition still in force at the end runs to the last record); the report shades them too.
pub(crate) fn bands(history: &[Op]) -> Vec<(f64, f64)> {
    let end = history.last().map_or(0.0, |o| o.time as f64 / 1e9);
    let marks = history.iter().filter(|o| o.process == Process::Nemesis);
    let mut out = Vec::new();
    let mut open: Option<f64> = None;
    for op in marks {
        let t = op.time as f64 / 1e9;
        match op.f.as_str() {
            "start-partition" if open.is_none() => open = Some(t),
            "stop-partition" => out.extend(open.take().map(|s| (s, t))),
            _ => {}
        }
    }
    out.extend(open.map(|s| (s, end)));
    out
}

/// `latency.svg`: every completed operation at its invocation time, by latency.
pub fn latency_svg(history: &[Op], title: &str) -> String {
    let fs: Vec<&str> = sorted_fs(history);
    let mut groups: BTreeMap<(usize, u8), Series> = BTreeMap::new();
    for (f, kind, at, latency) in completions(history) {
        let nth = fs.iter().position(|x| *x == f).unwrap_or(0);
        let series = groups.entry((nth, kind as u8)).or_insert_with(|| Series {
            name: format!("{f} {}", kind_name(kind)),
            color: color(kind, nth),
            points: Vec::new(),
        });
        series.points.push((at, latency.max(0.001)));
    }
    let series: Vec<Series> = groups.into_values().collect();
    let (lo, hi) = y_range(&series);
    let chart = Chart {
        title: format!("{title}: latency"),
        x_label: "time (s)",
        y_label: "latency (ms)",
        mark: Mark::Dots,
        log_y: lo > 0.0 && hi / lo > 100.0,
        series,
        bands: bands(history),
    };
    render(&chart)
}

/// `rate.svg`: completions per second, per `f` and outcome, in one-second buckets.
pub fn rate_svg(history: &[Op], title: &str) -> String {
    let fs: Vec<&str> = sorted_fs(history);
    let end = history.last().map_or(0.0, |o| o.time as f64 / 1e9);
    let buckets = end.ceil().max(1.0) as usize;
    let mut counts: BTreeMap<(usize, u8), (String, OpType, Vec<f64>)> = BTreeMap::new();
    for (f, kind, at, latency) in completions(history) {
        let nth = fs.iter().position(|x| *x == f).unwrap_or(0);
        let done_at = at + latency / 1000.0;
        let entry = counts
            .entry((nth, kind as u8))
            .or_insert_with(|| (f.to_string(), kind, vec![0.0; buckets + 1]));
        let b = (done_at.floor() as usize).min(buckets);
        entry.2[b] += 1.0;
    }
    let series = counts
        .into_iter()
        .map(|((nth, _), (f, kind, per_second))| Series {
            name: format!("{f} {}", kind_name(kind)),
            color: color(kind, nth),
            points: per_second
                .iter()
                .enumerate()
                .map(|(s, &n)| (s as f64 + 0.5, n))
                .collect(),
        })
        .collect();
    let chart = Chart {
        title: format!("{title}: throughput"),
        x_label: "time (s)",
        y_label: "completions / s",
        mark: Mark::Line,
        log_y: false,
        series,
        bands: bands(history),
    };
    render(&chart)
}

fn sorted_fs(history: &[Op]) -> Vec<&str> {
    let mut fs: Vec<&str> = history
        .iter()
        .filter(|o| o.is_client())
        .map(|o| o.f.as_str())
        .collect();
    fs.sort_unstable();
    fs.dedup();
    fs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn op(index: usize, ms: u64, process: Process, kind: OpType, f: &str, value: Value) -> Op {
        Op {
            index,
            time: ms * 1_000_000,
            process,
            kind,
            f: f.into(),
            value,
            error: None,
            is_final: false,
        }
    }

    fn history() -> Vec<Op> {
        let c = Process::Client;
        vec![
            op(
                0,
                0,
                Process::Nemesis,
                OpType::Info,
                "start-partition",
                json!("one"),
            ),
            op(
                1,
                1,
                Process::Nemesis,
                OpType::Info,
                "start-partition",
                json!(["isolated", {}]),
            ),
            op(2, 10, c(0), OpType::Invoke, "read", Value::Null),
            op(3, 25, c(0), OpType::Ok, "read", json!([])),
            op(4, 1500, c(1), OpType::Invoke, "broadcast", json!(1)),
            op(5, 1800, c(1), OpType::Info, "broadcast", json!(1)),
            op(
                6,
                2000,
                Process::Nemesis,
                OpType::Info,
                "stop-partition",
                Value::Null,
            ),
            op(
                7,
                2001,
                Process::Nemesis,
                OpType::Info,
                "stop-partition",
                json!("network-healed"),
            ),
        ]
    }

    #[test]
    fn plots_are_svg_with_one_legend_entry_per_series_and_the_partition() {
        let latency = latency_svg(&history(), "broadcast");
        assert!(latency.starts_with("<svg") && latency.trim_end().ends_with("</svg>"));
        assert!(latency.contains(">read ok<") && latency.contains(">broadcast info<"));
        assert!(latency.contains(">partitioned<"));
        assert_eq!(latency.matches("<circle").count(), 2);
        let rate = rate_svg(&history(), "broadcast");
        assert_eq!(rate.matches("<polyline").count(), 2);
        assert_eq!(bands(&history()), vec![(0.0, 2.0)]);
    }

    #[test]
    fn empty_histories_still_render() {
        assert!(latency_svg(&[], "x").contains("</svg>"));
        assert!(rate_svg(&[], "x").contains("</svg>"));
    }
}
