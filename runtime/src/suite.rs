//! Suites: the Maelstrom tests a workload declares for itself, with the challenge's exact
//! options and the targets its run is measured against. They travel to the xtask as JSON
//! (`glomers --list --json`), so the serde shape here is an interface: keep it stable.

use serde::Serialize;

/// One Maelstrom test of a registered workload, e.g. Fly.io's challenge 3d.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Suite {
    /// Selector and table key: the challenge id (`"3d"`), or a variant (`"3d-partition"`).
    pub id: &'static str,
    /// A few words for the table, e.g. `"Efficient broadcast I"`.
    pub title: &'static str,
    /// Maelstrom's workload (`-w`) the test runs, e.g. `"broadcast"`.
    pub workload: &'static str,
    /// Maelstrom `test` options other than `-w` and `--bin`, exactly as published.
    pub args: &'static [&'static str],
    /// What the run is measured against, beyond a valid verdict.
    pub targets: &'static [Target],
}

/// A measured figure and the bound it should meet.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Target {
    /// Shown in the table, e.g. `"challenge msgs/op"` or `"ours msgs/op"`.
    pub name: &'static str,
    pub metric: Metric,
    pub bound: Bound,
}

/// The figures of a run that a target can bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// `[:net :servers :msgs-per-op]`.
    ServersMsgsPerOp,
    /// `[:workload :stable-latencies 0.5]`, in milliseconds.
    LatencyP50Ms,
    /// `[:workload :stable-latencies 1]`, in milliseconds.
    LatencyMaxMs,
    /// `[:availability :ok-fraction]`.
    Availability,
}

/// A comparison against a number; serialised as `{"op": "<", "value": 30.0}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "op", content = "value")]
pub enum Bound {
    #[serde(rename = "<")]
    Below(f64),
    #[serde(rename = "<=")]
    AtMost(f64),
    #[serde(rename = ">=")]
    AtLeast(f64),
}

impl Bound {
    /// Whether a measured figure meets the bound.
    pub fn is_met_by(self, figure: f64) -> bool {
        match self {
            Bound::Below(limit) => figure < limit,
            Bound::AtMost(limit) => figure <= limit,
            Bound::AtLeast(limit) => figure >= limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_serialise_to_the_list_json_shape() {
        const TARGETS: &[Target] = &[Target {
            name: "challenge msgs/op",
            metric: Metric::ServersMsgsPerOp,
            bound: Bound::Below(30.0),
        }];
        let suite = Suite {
            id: "3d",
            title: "Efficient broadcast I",
            workload: "broadcast",
            args: &["--node-count", "25"],
            targets: TARGETS,
        };
        let json = serde_json::to_value(suite).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "3d", "title": "Efficient broadcast I", "workload": "broadcast",
                "args": ["--node-count", "25"],
                "targets": [{"name": "challenge msgs/op", "metric": "servers_msgs_per_op",
                             "bound": {"op": "<", "value": 30.0}}]
            })
        );
    }

    #[test]
    fn bounds_compare_as_their_symbols_say() {
        assert!(Bound::Below(30.0).is_met_by(29.9));
        assert!(!Bound::Below(30.0).is_met_by(30.0));
        assert!(Bound::AtMost(5.0).is_met_by(5.0));
        assert!(!Bound::AtLeast(1.0).is_met_by(0.99));
    }
}
