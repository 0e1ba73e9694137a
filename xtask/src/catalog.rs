//! The workloads and suites the `glomers` binary registers, as it prints them with
//! `glomers --list --json`, and the resolution of `cargo xtask test` selectors to suites.
//!
//! The types mirror `runtime/src/suite.rs` field for field, but are the xtask's own: the xtask
//! never links workload or runtime code, it learns everything from the binary.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// One registered node handler and the suites it declares.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Workload {
    pub name: String,
    pub summary: String,
    pub suites: Vec<Suite>,
}

/// One Maelstrom test of a workload (`runtime::suite::Suite`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Suite {
    pub id: String,
    pub title: String,
    /// Maelstrom's `-w`.
    pub workload: String,
    /// Maelstrom `test` options other than `-w` and `--bin`.
    pub args: Vec<String>,
    pub targets: Vec<Target>,
}

/// A figure of a run and the bound it should meet.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Target {
    pub name: String,
    pub metric: Metric,
    pub bound: Bound,
}

/// The figures a target can bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    ServersMsgsPerOp,
    LatencyP50Ms,
    LatencyMaxMs,
    Availability,
}

impl Metric {
    /// The short name the tables use.
    pub fn label(self) -> &'static str {
        match self {
            Metric::ServersMsgsPerOp => "msgs/op",
            Metric::LatencyP50Ms => "p50",
            Metric::LatencyMaxMs => "max",
            Metric::Availability => "availability",
        }
    }
}

/// A comparison against a number, `{"op": "<", "value": 30.0}`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
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

impl fmt::Display for Bound {
    /// `<30`, `<=5`, `>=0.99`: the symbol and the number as short as it is exact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Below(v) => write!(f, "<{v}"),
            Bound::AtMost(v) => write!(f, "<={v}"),
            Bound::AtLeast(v) => write!(f, ">={v}"),
        }
    }
}

/// A suite together with the node handler that runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The registered workload name, i.e. the node link `nodes/<node>`.
    pub node: String,
    pub suite: Suite,
}

/// Everything one `glomers` binary registers.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub workloads: Vec<Workload>,
}

impl Catalog {
    /// Runs `<glomers> --list --json` and parses its answer.
    pub fn load(glomers: &Path) -> Result<Catalog> {
        let output = Command::new(glomers)
            .args(["--list", "--json"])
            .output()
            .with_context(|| {
                format!(
                    "could not run {}; build it with `cargo xtask build`",
                    glomers.display()
                )
            })?;
        if !output.status.success() {
            bail!(
                "`{} --list --json` failed ({}): {}",
                glomers.display(),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let text = String::from_utf8(output.stdout)
            .with_context(|| format!("`{} --list --json` printed non-UTF-8", glomers.display()))?;
        Catalog::parse(&text).with_context(|| {
            format!(
                "reading the output of `{} --list --json`",
                glomers.display()
            )
        })
    }

    /// Parses the `--list --json` text.
    pub fn parse(json: &str) -> Result<Catalog> {
        let workloads: Vec<Workload> = serde_json::from_str(json).context(
            "the workload list does not match the shape of runtime/src/suite.rs; \
             rebuild xtask and glomers from the same checkout",
        )?;
        Ok(Catalog { workloads })
    }

    /// The registered workload names, in the binary's order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.workloads.iter().map(|w| w.name.as_str())
    }

    /// Every suite with its node handler, ordered by suite id.
    pub fn entries(&self) -> Vec<Entry> {
        let mut entries: Vec<Entry> = self
            .workloads
            .iter()
            .flat_map(|w| {
                w.suites.iter().map(|s| Entry {
                    node: w.name.clone(),
                    suite: s.clone(),
                })
            })
            .collect();
        entries.sort_by(|a, b| suite_order(&a.suite.id).cmp(&suite_order(&b.suite.id)));
        entries
    }

    /// The suites named by `selectors`, each once, ordered by suite id. A selector is `all`, a
    /// registered workload name, a Maelstrom `-w` name, or a suite id.
    pub fn select(&self, selectors: &[String]) -> Result<Vec<Entry>> {
        if selectors.is_empty() {
            bail!("name what to test: {}", self.known_selectors());
        }
        let entries = self.entries();
        let mut chosen = BTreeSet::new();
        for selector in selectors {
            let matched: Vec<usize> = (0..entries.len())
                .filter(|&i| {
                    let e = &entries[i];
                    selector == "all"
                        || e.node == *selector
                        || e.suite.workload == *selector
                        || e.suite.id == *selector
                })
                .collect();
            if matched.is_empty() {
                bail!(
                    "unknown selector `{selector}`: use {}",
                    self.known_selectors()
                );
            }
            chosen.extend(matched);
        }
        Ok(chosen.into_iter().map(|i| entries[i].clone()).collect())
    }

    /// The list of valid selectors, for error messages.
    fn known_selectors(&self) -> String {
        let entries = self.entries();
        let join = |items: BTreeSet<&str>| items.into_iter().collect::<Vec<_>>().join(", ");
        let nodes: BTreeSet<&str> = self.names().collect();
        let maelstrom: BTreeSet<&str> = entries.iter().map(|e| e.suite.workload.as_str()).collect();
        let ids: Vec<&str> = entries.iter().map(|e| e.suite.id.as_str()).collect();
        format!(
            "`all`, a workload ({}), a Maelstrom workload ({}) or a suite id ({})",
            join(nodes),
            join(maelstrom),
            ids.join(", ")
        )
    }
}

/// Sorts challenge ids as people read them: by leading number, then the rest, so `"10"` comes
/// after `"9"` and `"3d"` before `"3d-partition"`.
fn suite_order(id: &str) -> (u64, &str) {
    let digits = id.len() - id.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let number = id[..digits].parse().unwrap_or(u64::MAX);
    (number, &id[digits..])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A list shaped like `glomers --list --json`, with the suites out of order on purpose.
    pub(crate) const LIST: &str = r#"[
      {"name":"broadcast","summary":"Gossip","suites":[
        {"id":"3d","title":"Efficient broadcast I","workload":"broadcast",
         "args":["--node-count","25","--time-limit","20","--rate","100","--latency","100"],
         "targets":[{"name":"challenge msgs/op","metric":"servers_msgs_per_op","bound":{"op":"<","value":30.0}},
                    {"name":"challenge median","metric":"latency_p50_ms","bound":{"op":"<","value":400.0}}]},
        {"id":"3a","title":"Single-node broadcast","workload":"broadcast","args":["--node-count","1"],"targets":[]}]},
      {"name":"echo","summary":"Echoes","suites":[
        {"id":"1","title":"Echo","workload":"echo","args":["--node-count","1","--time-limit","10"],"targets":[]}]},
      {"name":"txn","summary":"Transactions","suites":[
        {"id":"10","title":"Late","workload":"txn-rw-register","args":[],
         "targets":[{"name":"ok","metric":"availability","bound":{"op":">=","value":0.99}}]}]}
    ]"#;

    pub(crate) fn catalog() -> Catalog {
        Catalog::parse(LIST).unwrap()
    }

    fn ids(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(|e| e.suite.id.as_str()).collect()
    }

    fn select(selectors: &[&str]) -> Result<Vec<Entry>> {
        catalog().select(&selectors.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_the_list_shape_including_bounds_and_metrics() {
        let catalog = catalog();
        let target = &catalog.workloads[0].suites[0].targets[0];
        assert_eq!(target.metric, Metric::ServersMsgsPerOp);
        assert_eq!(target.bound, Bound::Below(30.0));
        assert_eq!(
            catalog.workloads[2].suites[0].targets[0].bound,
            Bound::AtLeast(0.99)
        );
        assert_eq!(
            catalog.names().collect::<Vec<_>>(),
            ["broadcast", "echo", "txn"]
        );
    }

    #[test]
    fn a_list_of_another_shape_is_an_error_that_says_so() {
        let error = Catalog::parse(r#"[{"name":"echo"}]"#).unwrap_err();
        assert!(
            format!("{error:#}").contains("runtime/src/suite.rs"),
            "{error:#}"
        );
    }

    #[test]
    fn selectors_pick_by_every_kind_of_name_in_suite_order() {
        assert_eq!(ids(&select(&["all"]).unwrap()), ["1", "3a", "3d", "10"]);
        assert_eq!(ids(&select(&["broadcast"]).unwrap()), ["3a", "3d"]);
        assert_eq!(ids(&select(&["txn-rw-register"]).unwrap()), ["10"]);
        assert_eq!(ids(&select(&["3d", "1", "3d"]).unwrap()), ["1", "3d"]);
        assert_eq!(select(&["txn"]).unwrap()[0].node, "txn");
    }

    #[test]
    fn an_unknown_selector_lists_the_known_ones() {
        let message = format!("{:#}", select(&["kafka"]).unwrap_err());
        assert!(message.contains("unknown selector `kafka`"), "{message}");
        assert!(message.contains("broadcast, echo, txn"), "{message}");
        assert!(message.contains("txn-rw-register"), "{message}");
        assert!(message.contains("1, 3a, 3d, 10"), "{message}");
        assert!(select(&[]).is_err());
    }

    #[test]
    fn bounds_print_and_compare_as_their_symbols_say() {
        assert_eq!(Bound::Below(30.0).to_string(), "<30");
        assert_eq!(Bound::AtLeast(0.99).to_string(), ">=0.99");
        assert!(Bound::AtMost(5.0).is_met_by(5.0));
        assert!(!Bound::Below(30.0).is_met_by(30.0));
        assert!(!Bound::AtLeast(1.0).is_met_by(0.5));
    }

    #[test]
    fn suite_ids_sort_numerically_then_by_suffix() {
        let mut ids = ["10", "3d-partition", "2", "3d", "3a", "x"];
        ids.sort_by_key(|id| suite_order(id));
        assert_eq!(ids, ["2", "3a", "3d", "3d-partition", "10", "x"]);
    }
}
