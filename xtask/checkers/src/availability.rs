//! Maelstrom's availability checker (`--availability`): the fraction of client invocations
//! that completed `ok`. Fly.io runs unique-ids with `--availability total`, so every
//! `generate` must succeed even under partitions.
//!
//! Like upstream, the fraction is a 32-bit float (`(float (/ oks invokes))`) and the bound
//! is compared against that float, and a history without invocations has fraction `1`.

use serde_json::{Map, Value};

use crate::checked::Checked;
use crate::edn::float32;
use crate::history::{Op, OpType};
use crate::validity::Validity;

/// `ok-fraction = #ok / #invoke` over client records. With `required = Some(a)` the result
/// is valid iff `a <= ok-fraction` (Maelstrom's `total` is `Some(1.0)`); with `None` it is
/// always valid and only reports the fraction. Keys: `valid?`, `ok-fraction`.
pub fn check(history: &[Op], required: Option<f64>) -> Checked {
    let count = |kind: OpType| {
        history
            .iter()
            .filter(|op| op.is_client() && op.kind == kind)
            .count() as u64
    };
    let (oks, invokes) = (count(OpType::Ok), count(OpType::Invoke));
    // Upstream compares the bound with the 32-bit float itself (widened), not its digits.
    let (fraction, achieved) = if invokes == 0 {
        (Value::from(1), 1.0)
    } else {
        let single = (oks as f64 / invokes as f64) as f32;
        (float32(single), f64::from(single))
    };
    let validity = match required {
        None => Validity::Valid,
        Some(bound) => Validity::from_bool(bound <= achieved),
    };
    let mut map = Map::new();
    map.insert("ok-fraction".into(), fraction);
    Checked::new(validity, map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use serde_json::json;

    /// Four generates, three of which succeed.
    fn three_of_four() -> Vec<Op> {
        HistoryBuilder::new()
            .call(0, "generate", json!(null), json!(1))
            .call(1, "generate", json!(null), json!(2))
            .call(0, "generate", json!(null), json!(3))
            .nemesis("start-partition", json!(null))
            .invoke(1, "generate", json!(null))
            .info(1, "generate", json!(null))
            .build()
    }

    #[test]
    fn reports_the_fraction_and_applies_the_bound() {
        let h = three_of_four();
        let free = check(&h, None);
        assert_eq!(free.validity, Validity::Valid);
        assert_eq!(free.results, json!({"valid?": true, "ok-fraction": 0.75}));
        assert_eq!(
            check(&h, Some(0.75)).validity,
            Validity::Valid,
            "the bound is inclusive"
        );
        assert_eq!(check(&h, Some(0.8)).validity, Validity::Invalid);
        assert_eq!(check(&h, Some(1.0)).validity, Validity::Invalid, "total");
    }

    #[test]
    fn total_holds_when_everything_succeeds_or_nothing_ran() {
        let all_ok = HistoryBuilder::new()
            .call(0, "generate", json!(null), json!(1))
            .build();
        assert_eq!(
            check(&all_ok, Some(1.0)).results,
            json!({"valid?": true, "ok-fraction": 1.0})
        );
        let empty = check(&[], Some(1.0));
        assert_eq!(empty.validity, Validity::Valid);
        assert_eq!(empty.results["ok-fraction"], json!(1));
    }

    #[test]
    fn the_fraction_is_a_single_precision_float_like_upstream() {
        // 2/3 as a Java float is 0.666666686..., printed 0.6666667. A bound between the
        // double 2/3 and that float is met, as upstream; the printed digits are not.
        let h = HistoryBuilder::new()
            .call(0, "generate", json!(null), json!(1))
            .call(0, "generate", json!(null), json!(2))
            .invoke(0, "generate", json!(null))
            .fail(0, "generate", json!(null))
            .build();
        assert_eq!(
            check(&h, None).results["ok-fraction"].to_string(),
            "0.6666667"
        );
        assert_eq!(check(&h, Some(0.66666667)).validity, Validity::Valid);
        assert_eq!(check(&h, Some(0.6666667)).validity, Validity::Invalid);
    }
}
