//! The facts behind consistency models, as Elle's `consistency_model.clj` relates them
//! (spec `checkers.md` §4.5), and the graph closures over them.
//!
//! Three small tables carry the facts: which model implies which weaker ones, which
//! anomalies each model proscribes directly, and which anomalies imply which others (a G0
//! cycle is also a G1c, and so on). Everything else is a closure over them: prohibited
//! anomalies, the models a set of anomalies rules out, and Elle's `:not` / `:also-not`
//! boundary. Models here are canonical names (`PL-2`); [`super::models`] maps the names
//! people type onto them.

use std::collections::{BTreeSet, HashSet};

use super::models::friendly;

/// Canonical model → the weaker models it implies (a history satisfying it satisfies them).
pub(super) const IMPLIES: &[(&str, &[&str])] = &[
    ("causal-cerone", &["read-atomic"]),
    ("PL-2+", &["PL-CS", "PL-2L"]),
    ("PL-CS", &["PL-2"]),
    ("PL-FCV", &["PL-2+"]),
    ("PL-2", &["PL-1"]),
    ("PL-3", &["view-serializable", "PL-2.99", "PL-3U", "PL-SI"]),
    ("PL-3U", &["PL-FCV"]),
    ("monotonic-atomic-view", &["PL-2"]),
    ("PL-2L", &["PL-2"]),
    ("PL-MSR", &["PL-2"]),
    ("parallel-snapshot-isolation", &["causal-cerone", "ROLA"]),
    ("prefix", &["causal-cerone"]),
    ("read-atomic", &["monotonic-atomic-view"]),
    ("PL-2.99", &["PL-CS", "monotonic-atomic-view"]),
    ("ROLA", &["read-atomic"]),
    ("session-serializable", &["1SR"]),
    (
        "PL-SI",
        &[
            "PL-FCV",
            "monotonic-atomic-view",
            "PL-MSR",
            "parallel-snapshot-isolation",
            "prefix",
        ],
    ),
    (
        "PL-SS",
        &[
            "PL-3",
            "linearizable",
            "PL-SI",
            "strong-snapshot-isolation",
            "strong-session-serializable",
            "session-serializable",
        ],
    ),
    ("strong-session-PL-1", &["PL-1"]),
    ("strong-session-PL-2", &["PL-2", "strong-session-PL-1"]),
    ("strong-PL-1", &["strong-session-PL-1"]),
    ("strong-PL-2", &["strong-session-PL-2", "strong-PL-1"]),
    (
        "strong-session-serializable",
        &["PL-3", "strong-session-snapshot-isolation"],
    ),
    (
        "strong-session-snapshot-isolation",
        &["PL-SI", "strong-session-PL-2"],
    ),
    (
        "strong-snapshot-isolation",
        &["strong-session-snapshot-isolation", "strong-PL-2"],
    ),
    ("linearizable", &["sequential"]),
    ("sequential", &["causal"]),
    ("causal", &["writes-follow-reads", "PRAM"]),
    (
        "PRAM",
        &["monotonic-reads", "monotonic-writes", "read-your-writes"],
    ),
];

/// Canonical model → anomalies it directly proscribes (over what its weaker models do).
const PROSCRIBES: &[(&str, &[&str])] = &[
    ("causal-cerone", &["internal", "G1a"]),
    ("PL-CS", &["G1", "G-cursor", "lost-update"]),
    ("PL-2L", &["G1", "G-monotonic"]),
    ("PL-MSR", &["G1", "G-MSR"]),
    ("PL-2+", &["G1", "G-single"]),
    ("PL-FCV", &["G1", "G-SIb"]),
    ("parallel-snapshot-isolation", &["internal", "G1a"]),
    (
        "PL-3",
        &[
            "G1",
            "G2",
            "predicate-read-miss",
            "PL-3-cycle-exists",
            "internal",
        ],
    ),
    ("PL-2", &["G1", "PL-2-cycle-exists"]),
    (
        "PL-1",
        &[
            "G0",
            "duplicate-elements",
            "cyclic-versions",
            "PL-1-cycle-exists",
        ],
    ),
    ("prefix", &["internal", "G1a"]),
    (
        "PL-SI",
        &[
            "internal",
            "G1",
            "G-SI",
            "G-nonadjacent",
            "PL-SI-cycle-exists",
        ],
    ),
    ("read-atomic", &["internal", "G1a", "future-read"]),
    (
        "PL-2.99",
        &["G1", "G2-item", "PL-2.99-cycle-exists", "lost-update"],
    ),
    ("ROLA", &["lost-update"]),
    (
        "PL-SS",
        &["G1", "G1c-realtime", "G2-realtime", "PL-SS-cycle-exists"],
    ),
    (
        "strong-session-PL-1",
        &["strong-session-PL-1-cycle-exists", "G0-process"],
    ),
    (
        "strong-session-PL-2",
        &["strong-session-PL-2-cycle-exists", "G1c-process"],
    ),
    ("strong-PL-1", &["strong-PL-1-cycle-exists", "G0-realtime"]),
    ("strong-PL-2", &["strong-PL-2-cycle-exists", "G1c-realtime"]),
    (
        "strong-session-snapshot-isolation",
        &[
            "internal",
            "G1-process",
            "G-nonadjacent-process",
            "strong-session-snapshot-isolation-cycle-exists",
        ],
    ),
    (
        "strong-snapshot-isolation",
        &[
            "internal",
            "G1-realtime",
            "G-nonadjacent-realtime",
            "strong-snapshot-isolation-cycle-exists",
        ],
    ),
    (
        "strong-session-serializable",
        &[
            "G1-process",
            "G2-process",
            "strong-session-serializable-cycle-exists",
        ],
    ),
    ("PL-3U", &["G1", "G-update"]),
];

/// Anomaly → the anomalies its presence implies.
const IMPLIED_ANOMALIES: &[(&str, &[&str])] = &[
    ("G0", &["G1c", "G0-process"]),
    ("G0-process", &["G1c-process", "G0-realtime"]),
    ("G0-realtime", &["G1c-realtime"]),
    ("G1a", &["G1"]),
    ("G1b", &["G1"]),
    ("G1c", &["G1", "G1c-process"]),
    ("G1c-process", &["G1c-realtime", "G1-process"]),
    ("G1c-realtime", &["G1-realtime"]),
    ("G1", &["G1-process"]),
    ("G1-process", &["G1-realtime"]),
    (
        "G-single-item",
        &["G-single", "G-single-item-process", "G-nonadjacent-item"],
    ),
    (
        "G-single-item-process",
        &[
            "G-single-process",
            "G-single-item-realtime",
            "G-nonadjacent-item-process",
        ],
    ),
    (
        "G-single-item-realtime",
        &["G-single-realtime", "G-nonadjacent-item-realtime"],
    ),
    ("G-single", &["G-nonadjacent", "GSIb", "G-single-process"]),
    (
        "G-single-process",
        &["G-nonadjacent-process", "G-single-realtime"],
    ),
    ("G-single-realtime", &["G-nonadjacent-realtime"]),
    (
        "G-nonadjacent-item",
        &["G-nonadjacent", "G2-item", "G-nonadjacent-item-process"],
    ),
    (
        "G-nonadjacent-item-process",
        &[
            "G-nonadjacent-process",
            "G2-item-process",
            "G-nonadjacent-item-realtime",
        ],
    ),
    (
        "G-nonadjacent-item-realtime",
        &["G2-item-realtime", "G-nonadjacent-realtime"],
    ),
    ("G-nonadjacent", &["G2", "G-nonadjacent-process"]),
    (
        "G-nonadjacent-process",
        &["G2-process", "G-nonadjacent-realtime"],
    ),
    ("G-nonadjacent-realtime", &["G2-realtime"]),
    ("G2", &["G2-process"]),
    ("G2-item", &["G2", "G2-item-process"]),
    ("G2-item-process", &["G2-process", "G2-item-realtime"]),
    ("G2-item-realtime", &["G2-realtime"]),
    ("G2-process", &["G2-realtime"]),
    ("GSIa", &["GSI"]),
    ("GSIb", &["GSI"]),
    ("incompatible-order", &["G1a"]),
    ("future-read", &["G1c"]),
    ("dirty-update", &["G1a"]),
    ("lost-update", &["write-skew", "G2-item"]),
    ("write-skew", &["G2"]),
];

fn table_out<'a>(
    table: &'a [(&'static str, &'static [&'static str])],
    node: &str,
) -> &'a [&'static str] {
    table
        .iter()
        .find(|(n, _)| *n == node)
        .map_or(&[], |(_, out)| out)
}

fn table_in(table: &[(&'static str, &'static [&'static str])], node: &str) -> Vec<&'static str> {
    table
        .iter()
        .filter(|(_, out)| out.contains(&node))
        .map(|(n, _)| *n)
        .collect()
}

/// Everything reachable from `start` (itself included) along `step`.
fn closure(
    start: impl IntoIterator<Item = &'static str>,
    step: impl Fn(&str) -> Vec<&'static str>,
) -> BTreeSet<&'static str> {
    let mut seen: BTreeSet<&'static str> = BTreeSet::new();
    let mut todo: Vec<&'static str> = start.into_iter().collect();
    while let Some(x) = todo.pop() {
        if seen.insert(x) {
            todo.extend(step(x));
        }
    }
    seen
}

/// Interns an anomaly name found by a checker as one of the table's static names, when
/// the tables know it.
fn known_anomaly(name: &str) -> Option<&'static str> {
    IMPLIED_ANOMALIES
        .iter()
        .flat_map(|(a, out)| std::iter::once(*a).chain(out.iter().copied()))
        .chain(PROSCRIBES.iter().flat_map(|(_, out)| out.iter().copied()))
        .find(|a| *a == name)
}

/// The anomalies which, if present, rule out at least one of `models` (canonical names).
pub fn prohibited_by(models: impl IntoIterator<Item = &'static str>) -> BTreeSet<&'static str> {
    let implied_models = closure(models, |m| table_out(IMPLIES, m).to_vec());
    let direct = implied_models
        .iter()
        .flat_map(|m| table_out(PROSCRIBES, m).iter().copied());
    closure(direct, |a| table_in(IMPLIED_ANOMALIES, a))
}

/// The anomalies implied by `anomalies` (themselves included).
pub fn implied_anomalies<'a>(
    anomalies: impl IntoIterator<Item = &'a str>,
) -> BTreeSet<&'static str> {
    closure(anomalies.into_iter().filter_map(known_anomaly), |a| {
        table_out(IMPLIED_ANOMALIES, a).to_vec()
    })
}

/// Every model (canonical name) that the presence of `anomalies` rules out.
pub fn impossible_models<'a>(
    anomalies: impl IntoIterator<Item = &'a str>,
) -> BTreeSet<&'static str> {
    let implied = implied_anomalies(anomalies);
    let direct: Vec<&'static str> = PROSCRIBES
        .iter()
        .filter(|(_, out)| out.iter().any(|a| implied.contains(a)))
        .map(|(m, _)| *m)
        .collect();
    closure(direct, |m| table_in(IMPLIES, m))
}

/// `model` and every model stronger than it (all ruled out when `model` is).
pub fn stronger_models(model: &'static str) -> BTreeSet<&'static str> {
    closure([model], |m| table_in(IMPLIES, m))
}

/// Elle's `friendly-boundary`: the weakest models `anomalies` rule out (`not`), and the
/// other ruled-out models (`also-not`), both by friendly name, sorted.
pub fn boundary<'a>(
    anomalies: impl IntoIterator<Item = &'a str>,
) -> (Vec<&'static str>, Vec<&'static str>) {
    let impossible = impossible_models(anomalies);
    let mut not = BTreeSet::new();
    let mut also_not = BTreeSet::new();
    for &m in &impossible {
        let weaker = closure([m], |x| table_out(IMPLIES, x).to_vec());
        if weaker.iter().any(|w| *w != m && impossible.contains(w)) {
            also_not.insert(friendly(m));
        } else {
            not.insert(friendly(m));
        }
    }
    (not.into_iter().collect(), also_not.into_iter().collect())
}

/// True for the cheap "a cycle exists somewhere" marker anomalies.
pub fn is_cycle_exists_marker(anomaly: &str) -> bool {
    anomaly.ends_with("-cycle-exists")
}

/// The models a set of anomaly names rules out, as a set for membership tests.
pub fn impossible_model_set<'a>(
    anomalies: impl IntoIterator<Item = &'a str>,
) -> HashSet<&'static str> {
    impossible_models(anomalies).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::txn::models::ConsistencyModel;

    fn prohibited(name: &str) -> BTreeSet<&'static str> {
        prohibited_by([ConsistencyModel::parse(name).unwrap().canonical_name()])
    }

    #[test]
    fn prohibitions_match_the_spec_table() {
        let ru: Vec<_> = prohibited("read-uncommitted").into_iter().collect();
        assert_eq!(
            ru,
            vec![
                "G0",
                "PL-1-cycle-exists",
                "cyclic-versions",
                "duplicate-elements"
            ]
        );
        let rc = prohibited("read-committed");
        for a in [
            "G0",
            "G1a",
            "G1b",
            "G1c",
            "dirty-update",
            "future-read",
            "incompatible-order",
            "PL-2-cycle-exists",
        ] {
            assert!(rc.contains(a), "{a}");
        }
        for a in [
            "internal",
            "lost-update",
            "G-single-item",
            "G2-item",
            "G1c-realtime",
        ] {
            assert!(!rc.contains(a), "read-committed allows {a}");
        }
        let ser = prohibited("serializable");
        for a in [
            "internal",
            "lost-update",
            "G-single-item",
            "G-nonadjacent-item",
            "G2-item",
            "PL-3-cycle-exists",
        ] {
            assert!(ser.contains(a), "{a}");
        }
        assert!(!ser.contains("G1c-realtime") && !ser.contains("G0-process"));
        let si = prohibited("snapshot-isolation");
        assert!(
            si.contains("G-single-item")
                && si.contains("G-nonadjacent-item")
                && !si.contains("G2-item")
        );
        let ss = prohibited("strict-serializable");
        for a in [
            "G0-realtime",
            "G1c-realtime",
            "G-single-item-realtime",
            "G2-item-process",
            "strong-PL-2-cycle-exists",
        ] {
            assert!(ss.contains(a), "{a}");
        }
    }

    #[test]
    fn boundary_names_the_weakest_ruled_out_models() {
        let (not, also_not) = boundary(["G0"]);
        assert_eq!(not, vec!["read-uncommitted"]);
        assert!(also_not.contains(&"strict-serializable") && also_not.contains(&"read-committed"));
        assert_eq!(boundary(["G1a"]).0, vec!["read-committed"]);
        assert_eq!(boundary(["G2-item"]).0, vec!["repeatable-read"]);
        assert_eq!(boundary(["G1c-realtime"]).0, vec!["strong-read-committed"]);
        assert!(boundary(["empty-transaction-graph"]).0.is_empty());
    }

    #[test]
    fn stronger_models_include_the_model() {
        let s = stronger_models("strong-PL-2");
        assert!(
            s.contains("strong-PL-2")
                && s.contains("PL-SS")
                && s.contains("strong-snapshot-isolation")
        );
        assert!(!s.contains("PL-3"));
        assert!(impossible_model_set(["G1a"]).contains("PL-2"));
        assert!(is_cycle_exists_marker("PL-1-cycle-exists"));
    }
}
