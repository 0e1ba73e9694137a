//! Jepsen's `stats` checker with Maelstrom's Kafka wrapper: completion counts overall and
//! per `f`. An `f` with no `ok` completion at all makes the test invalid, so a workload
//! whose every `cas` fails, or whose every broadcast times out, fails here even when its
//! own checker is happy. Maelstrom always applies the wrapper, which exempts `f`s such as
//! Kafka's `crash` and `debug-topic-partitions`: they keep `"valid?": false` in `by-f`, but
//! no longer fail the whole.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::checked::{json_validity, Checked};
use crate::history::{Op, OpType};
use crate::validity::Validity;

/// The `f`s Maelstrom's stats wrapper exempts (it wraps every workload's stats this way).
pub const MAELSTROM_EXEMPT_FS: [&str; 2] = ["crash", "debug-topic-partitions"];

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    ok: u64,
    fail: u64,
    info: u64,
}

impl Counts {
    fn add(&mut self, kind: OpType) {
        match kind {
            OpType::Ok => self.ok += 1,
            OpType::Fail => self.fail += 1,
            OpType::Info => self.info += 1,
            OpType::Invoke => {}
        }
    }

    fn validity(&self) -> Validity {
        Validity::from_bool(self.ok > 0)
    }

    fn to_map(self) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("valid?".into(), json_validity(self.validity()));
        map.insert("count".into(), (self.ok + self.fail + self.info).into());
        map.insert("ok-count".into(), self.ok.into());
        map.insert("fail-count".into(), self.fail.into());
        map.insert("info-count".into(), self.info.into());
        map
    }
}

/// Counts the client completions of `history`; invalid when some `f` outside `exempt_fs`
/// never completed `ok`. Keys: `valid?`, `count`, `ok-count`, `fail-count`, `info-count`,
/// `by-f` (each `f` with the same counts and its own `valid?`).
pub fn check(history: &[Op], exempt_fs: &[&str]) -> Checked {
    let mut all = Counts::default();
    let mut by_f: BTreeMap<&str, Counts> = BTreeMap::new();
    for op in history
        .iter()
        .filter(|op| op.is_client() && op.kind != OpType::Invoke)
    {
        all.add(op.kind);
        by_f.entry(op.f.as_str()).or_default().add(op.kind);
    }
    let merged = Validity::worst(by_f.values().map(Counts::validity));
    let exempted = by_f
        .iter()
        .filter(|(f, _)| !exempt_fs.contains(f))
        .all(|(_, counts)| counts.ok > 0);
    let validity = if exempted { Validity::Valid } else { merged };

    let mut map = all.to_map();
    map.remove("valid?");
    let by_f: Map<String, Value> = by_f
        .into_iter()
        .map(|(f, counts)| (f.to_owned(), Value::Object(counts.to_map())))
        .collect();
    map.insert("by-f".into(), Value::Object(by_f));
    Checked::new(validity, map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use serde_json::json;

    #[test]
    fn counts_completions_overall_and_per_f() {
        let h = HistoryBuilder::new()
            .call(0, "broadcast", json!(1), json!(1))
            .invoke(1, "read", json!(null))
            .nemesis("start-partition", json!(null))
            .fail(1, "read", json!(null))
            .call(2, "read", json!(null), json!([1]))
            .invoke(3, "broadcast", json!(2))
            .info(3, "broadcast", json!(2))
            .build();
        let c = check(&h, &MAELSTROM_EXEMPT_FS);
        assert_eq!(c.validity, Validity::Valid);
        assert_eq!(
            c.results,
            json!({"valid?": true, "count": 4, "ok-count": 2, "fail-count": 1, "info-count": 1,
                   "by-f": {
                     "broadcast": {"valid?": true, "count": 2, "ok-count": 1, "fail-count": 0, "info-count": 1},
                     "read": {"valid?": true, "count": 2, "ok-count": 1, "fail-count": 1, "info-count": 0}}})
        );
    }

    #[test]
    fn an_f_without_any_ok_is_invalid_unless_exempt() {
        let h = HistoryBuilder::new()
            .call(0, "read", json!(null), json!(1))
            .invoke(1, "cas", json!([1, 2]))
            .fail(1, "cas", json!([1, 2]))
            .build();
        let c = check(&h, &MAELSTROM_EXEMPT_FS);
        assert_eq!(c.validity, Validity::Invalid);
        assert_eq!(c.results["by-f"]["cas"]["valid?"], json!(false));

        let kafka = HistoryBuilder::new()
            .call(0, "send", json!(["k", 1]), json!(["k", 1, 0]))
            .invoke(1, "crash", json!(null))
            .info(1, "crash", json!(null))
            .build();
        let c = check(&kafka, &MAELSTROM_EXEMPT_FS);
        assert_eq!(c.validity, Validity::Valid, "crash is exempt");
        assert_eq!(
            c.results["by-f"]["crash"]["valid?"],
            json!(false),
            "but still reported"
        );
        assert_eq!(check(&kafka, &[]).validity, Validity::Invalid);
    }

    #[test]
    fn an_empty_history_is_valid_with_zero_counts() {
        let c = check(&[], &[]);
        assert_eq!(c.validity, Validity::Valid);
        assert_eq!(c.results["count"], json!(0));
        assert_eq!(c.results["by-f"], json!({}));
    }
}
