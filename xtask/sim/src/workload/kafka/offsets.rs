//! The highest offsets an `ok` send or poll touched, per key, read from its history value
//! (jepsen's `op->max-send-offsets` / `op->max-poll-offsets`). The generator uses them to
//! know which keys have unseen messages and how far the final polls must reach.
//!
//! Keys are the history's strings. A poll that returned a key with no pairs counts as
//! offset -1 for it, as jepsen's `(reduce max -1)` does.

use checkers::history::{Op, OpType};
use serde_json::Value;
use std::collections::BTreeMap;

/// Highest offset per key.
pub type MaxOffsets = BTreeMap<String, i64>;

/// The text of a key as the history holds it (a string; numbers are taken as their text).
pub fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The micro-ops of an `ok` completion (nothing for other types).
fn ok_mops(op: &Op) -> &[Value] {
    match (&op.kind, &op.value) {
        (OpType::Ok, Value::Array(mops)) => mops,
        _ => &[],
    }
}

/// Keys an `ok` send wrote, with the highest offset it got for each.
pub fn max_send_offsets(op: &Op) -> MaxOffsets {
    let mut offsets = MaxOffsets::new();
    for mop in ok_mops(op) {
        let Some([f, key, pair]) = mop.as_array().map(Vec::as_slice) else {
            continue;
        };
        let (Some("send"), Some(key), Some(offset)) = (
            f.as_str(),
            key_text(key),
            pair.get(0).and_then(Value::as_i64),
        ) else {
            continue;
        };
        raise(&mut offsets, key, offset);
    }
    offsets
}

/// Keys an `ok` poll returned, with the highest offset among their pairs (-1 for none).
pub fn max_poll_offsets(op: &Op) -> MaxOffsets {
    let mut offsets = MaxOffsets::new();
    for mop in ok_mops(op) {
        let Some(mop) = mop.as_array() else { continue };
        let (Some("poll"), Some(Value::Object(msgs))) =
            (mop.first().and_then(Value::as_str), mop.get(1))
        else {
            continue;
        };
        for (key, pairs) in msgs {
            let highest = pairs
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|pair| pair.get(0).and_then(Value::as_i64))
                .fold(-1, i64::max);
            raise(&mut offsets, key.clone(), highest);
        }
    }
    offsets
}

/// Raises `offsets[key]` to `offset`.
pub fn raise(offsets: &mut MaxOffsets, key: String, offset: i64) {
    let entry = offsets.entry(key).or_insert(offset);
    *entry = (*entry).max(offset);
}

/// Merges `from` into `into`, keeping the larger offset per key.
pub fn merge_max(into: &mut MaxOffsets, from: MaxOffsets) {
    for (key, offset) in from {
        raise(into, key, offset);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkers::history::Process;
    use serde_json::json;

    fn op(kind: OpType, f: &str, value: Value) -> Op {
        Op {
            index: 0,
            time: 0,
            process: Process::Client(0),
            kind,
            f: f.into(),
            value,
            error: None,
            is_final: false,
        }
    }

    #[test]
    fn sends_report_their_offset_and_only_when_ok() {
        let ok = op(OpType::Ok, "send", json!([["send", "3", [7, 12]]]));
        assert_eq!(max_send_offsets(&ok), MaxOffsets::from([("3".into(), 7)]));
        let info = op(OpType::Info, "send", json!([["send", "3", 12]]));
        assert!(max_send_offsets(&info).is_empty());
        assert!(max_poll_offsets(&ok).is_empty());
    }

    #[test]
    fn polls_report_the_highest_offset_per_key_and_minus_one_for_empty_keys() {
        let ok = op(
            OpType::Ok,
            "poll",
            json!([["poll", {"1": [[0, 5], [4, 6]], "2": []}]]),
        );
        assert_eq!(
            max_poll_offsets(&ok),
            MaxOffsets::from([("1".into(), 4), ("2".into(), -1)])
        );
        let failed = op(OpType::Fail, "poll", json!([["poll"]]));
        assert!(max_poll_offsets(&failed).is_empty());
    }

    #[test]
    fn merging_keeps_maxima() {
        let mut a = MaxOffsets::from([("1".into(), 3)]);
        merge_max(&mut a, MaxOffsets::from([("1".into(), 2), ("2".into(), 0)]));
        assert_eq!(a, MaxOffsets::from([("1".into(), 3), ("2".into(), 0)]));
    }
}
