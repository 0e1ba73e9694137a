//! The g-counter / pn-counter checker (Maelstrom `workload/pn_counter.clj`): every final
//! read must equal the sum of the adds that certainly happened plus some subset of the adds
//! that may have happened.
//!
//! `ok` adds are certain, `fail` adds certainly did not happen, `info` adds may or may not
//! have; an add that never completed is not counted, as upstream. Only `ok` reads flagged
//! `final` are judged (one per client thread after the recovery pause); reads during the
//! test are not, and with no final read the result is vacuously valid. Each add's delta is
//! taken from its invocation, which is where the history records what was sent.
//!
//! A non-integer delta or final read makes upstream throw, so the verdict is `unknown`.

use serde_json::{Map, Value};

use crate::checked::Checked;
use crate::history::{Op, OpType};
use crate::pairing::Pairs;
use crate::ranges::RangeSet;
use crate::validity::Validity;

/// Keys: `valid?`, `errors` (the offending final read ops, or null), `final-reads` (their
/// values, in history order), `acceptable` (`[[lo, hi], ...]`, closed, ascending).
pub fn check(history: &[Op]) -> Checked {
    match judge(history) {
        Ok(checked) => checked,
        Err(message) => Checked::error(message),
    }
}

fn judge(history: &[Op]) -> Result<Checked, String> {
    let pairs = Pairs::of(history).map_err(|e| e.to_string())?;
    // The value an add was invoked with; completions carry it too, but the invocation is
    // authoritative.
    let delta = |pos: usize| -> Result<i64, String> {
        let op = &history[pairs.invocation(pos).unwrap_or(pos)];
        op.value
            .as_i64()
            .ok_or_else(|| format!("add op {} has a non-integer delta {}", op.index, op.value))
    };

    let adds = history
        .iter()
        .enumerate()
        .filter(|(_, op)| op.is_client() && op.f == "add");
    let mut definite: i64 = 0;
    let mut indefinite = Vec::new();
    for (pos, op) in adds {
        match op.kind {
            OpType::Ok => {
                definite = definite
                    .checked_add(delta(pos)?)
                    .ok_or("the definite sum overflows")?
            }
            OpType::Info => indefinite.push(delta(pos)?),
            OpType::Invoke | OpType::Fail => {}
        }
    }
    let mut acceptable = RangeSet::single(definite);
    for d in indefinite {
        acceptable
            .union_shifted(d)
            .map_err(|_| "the acceptable range overflows")?;
    }

    let mut final_reads = Vec::new();
    let mut errors = Vec::new();
    for (pos, op) in history.iter().enumerate() {
        let flagged = op.is_final
            || pairs
                .invocation(pos)
                .is_some_and(|inv| history[inv].is_final);
        if !(op.is_client() && op.f == "read" && op.kind == OpType::Ok && flagged) {
            continue;
        }
        let value = op.value.as_i64().ok_or_else(|| {
            format!(
                "final read op {} returned a non-integer {}",
                op.index, op.value
            )
        })?;
        final_reads.push(Value::from(value));
        if !acceptable.contains(value) {
            errors.push(serde_json::to_value(op).expect("an Op always serialises"));
        }
    }

    let validity = Validity::from_bool(errors.is_empty());
    let mut map = Map::new();
    // Upstream's `(seq errors)`: nil when there are none.
    map.insert(
        "errors".into(),
        if errors.is_empty() {
            Value::Null
        } else {
            Value::Array(errors)
        },
    );
    map.insert("final-reads".into(), Value::Array(final_reads));
    let ranges = acceptable
        .ranges()
        .iter()
        .map(|&(lo, hi)| Value::from(vec![lo, hi]))
        .collect();
    map.insert("acceptable".into(), Value::Array(ranges));
    Ok(Checked::new(validity, map))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use serde_json::json;

    fn final_read(b: HistoryBuilder, process: u64, value: i64) -> HistoryBuilder {
        b.invoke(process, "read", json!(null))
            .final_()
            .ok(process, "read", json!(value))
            .final_()
    }

    #[test]
    fn exact_totals_with_only_ok_adds_are_valid() {
        let b = HistoryBuilder::new()
            .call(0, "add", json!(3), json!(3))
            .call(1, "add", json!(4), json!(4))
            .invoke(0, "add", json!(5))
            .fail(0, "add", json!(5))
            .call(1, "read", json!(null), json!(3)); // a mid-test read is not judged
        let h = final_read(final_read(b, 0, 7), 1, 7).build();
        let c = check(&h);
        assert_eq!(c.validity, Validity::Valid);
        assert_eq!(
            c.results,
            json!({"valid?": true, "errors": null, "final-reads": [7, 7], "acceptable": [[7, 7]]})
        );
    }

    #[test]
    fn a_final_read_outside_the_acceptable_set_is_invalid() {
        let b = HistoryBuilder::new().call(0, "add", json!(2), json!(2));
        let h = final_read(final_read(b, 0, 2), 1, 3).build();
        let c = check(&h);
        assert_eq!(c.validity, Validity::Invalid);
        assert_eq!(c.results["final-reads"], json!([2, 3]));
        let errors = c.results["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0]["value"].clone(), errors[0]["type"].clone()),
            (json!(3), json!("ok"))
        );
    }

    #[test]
    fn info_adds_widen_the_acceptable_set_to_subset_sums() {
        // The upstream test: ok 10, info 5, -1, -1 → [[8 10] [13 15]]; 11 is out, 15 is in.
        let mut b = HistoryBuilder::new().call(0, "add", json!(10), json!(10));
        for (p, d) in [(1, 5), (2, -1), (3, -1)] {
            b = b.invoke(p, "add", json!(d)).info(p, "add", json!(d));
        }
        let ok = final_read(b.clone(), 4, 15).build();
        let c = check(&ok);
        assert_eq!(c.validity, Validity::Valid);
        assert_eq!(c.results["acceptable"], json!([[8, 10], [13, 15]]));
        let bad = final_read(b, 4, 11).build();
        assert_eq!(check(&bad).validity, Validity::Invalid);
    }

    #[test]
    fn without_final_reads_the_result_is_vacuously_valid() {
        let h = HistoryBuilder::new()
            .call(0, "add", json!(1), json!(1))
            .call(0, "read", json!(null), json!(99)) // wrong, but not final
            .invoke(1, "read", json!(null))
            .final_()
            .info(1, "read", json!(null))
            .final_()
            .build();
        let c = check(&h);
        assert_eq!(c.validity, Validity::Valid);
        assert_eq!(c.results["final-reads"], json!([]));
        assert_eq!(c.results["errors"], json!(null));
        assert_eq!(check(&[]).results["acceptable"], json!([[0, 0]]));
    }

    #[test]
    fn a_non_integer_final_read_is_unknown() {
        let h = final_read(HistoryBuilder::new(), 0, 0).build();
        let mut h = h;
        h[1].value = json!(1.5);
        let c = check(&h);
        assert_eq!(c.validity, Validity::Unknown);
        assert!(c.results["error"].as_str().unwrap().contains("non-integer"));
    }
}
