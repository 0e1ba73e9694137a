//! The echo checker (Maelstrom `workload/echo.clj`): every echo that completed `ok` or
//! `fail` must have come back `ok` with an `echo` field equal to what was sent.
//!
//! Pairing follows Knossos' `pair-index`, which pairs invocations with `ok`/`fail`
//! completions only. So a `fail` (a definite error reply) is flagged, because its value is
//! the sent string, which has no `echo` field; an `info` (a timeout or indefinite error) is
//! never paired and so never checked, and neither is an invocation that never completed.
//! We list the unchecked `info`s under our own `"warnings"` key; they do not change the
//! verdict (the availability checker is where they count).
//!
//! The `ok` completion's value is the reply body, e.g. `{"type":"echo_ok","echo":"..."}`.

use serde_json::{Map, Value};

use crate::checked::Checked;
use crate::history::{Op, OpType};
use crate::pairing::Pairs;
use crate::validity::Validity;

/// Keys: `valid?`, `errors` (each `["Expected a message with :echo", sent, "But received",
/// received]`, in history order), and `warnings` when some echoes ended `info`.
pub fn check(history: &[Op]) -> Checked {
    let pairs = match Pairs::of(history) {
        Ok(pairs) => pairs,
        Err(e) => return Checked::error(e.to_string()),
    };
    let mut errors = Vec::new();
    let mut unchecked = 0usize;
    for (pos, invoke) in history.iter().enumerate() {
        if invoke.kind != OpType::Invoke || !invoke.is_client() {
            continue;
        }
        let Some(done) = pairs.completion(pos).map(|c| &history[c]) else {
            continue;
        };
        if done.kind == OpType::Info {
            unchecked += 1;
            continue;
        }
        let echoed = done.value.get("echo").unwrap_or(&Value::Null);
        if *echoed != invoke.value {
            errors.push(Value::Array(vec![
                "Expected a message with :echo".into(),
                invoke.value.clone(),
                "But received".into(),
                done.value.clone(),
            ]));
        }
    }
    let validity = Validity::from_bool(errors.is_empty());
    let mut map = Map::new();
    map.insert("errors".into(), Value::Array(errors));
    if unchecked > 0 {
        let warning = format!(
            "indeterminate: {unchecked} echo operation(s) ended info (timeout or indefinite error) \
             and were not checked, as in Maelstrom"
        );
        map.insert("warnings".into(), Value::Array(vec![warning.into()]));
    }
    Checked::new(validity, map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use serde_json::json;

    fn reply(text: &str) -> Value {
        json!({"type": "echo_ok", "echo": text, "in_reply_to": 1, "msg_id": 1})
    }

    #[test]
    fn matching_echoes_are_valid() {
        let h = HistoryBuilder::new()
            .invoke(0, "echo", json!("Please echo 1"))
            .invoke(1, "echo", json!("Please echo 2"))
            .ok(1, "echo", reply("Please echo 2"))
            .ok(0, "echo", reply("Please echo 1"))
            .invoke(0, "echo", json!("Please echo 3")) // still running at the end: not checked
            .build();
        let c = check(&h);
        assert_eq!(c.validity, Validity::Valid);
        assert_eq!(c.results, json!({"valid?": true, "errors": []}));
    }

    #[test]
    fn a_wrong_echo_is_an_error() {
        let h = HistoryBuilder::new()
            .call(0, "echo", json!("Please echo 7"), reply("Please echo 8"))
            .build();
        let c = check(&h);
        assert_eq!(c.validity, Validity::Invalid);
        assert_eq!(
            c.results["errors"],
            json!([[
                "Expected a message with :echo",
                "Please echo 7",
                "But received",
                reply("Please echo 8")
            ]])
        );
    }

    #[test]
    fn a_failed_echo_is_an_error_but_a_timed_out_one_is_only_a_warning() {
        let failed = HistoryBuilder::new()
            .invoke(0, "echo", json!("Please echo 5"))
            .fail(0, "echo", json!("Please echo 5"))
            .error(json!(["not-supported", "no echo here"]))
            .build();
        let c = check(&failed);
        assert_eq!(c.validity, Validity::Invalid);
        assert_eq!(c.results["errors"][0][3], json!("Please echo 5"));

        let timed_out = HistoryBuilder::new()
            .invoke(0, "echo", json!("Please echo 5"))
            .info(0, "echo", json!("Please echo 5"))
            .error(json!("net-timeout"))
            .call(1, "echo", json!("Please echo 6"), reply("Please echo 6"))
            .build();
        let c = check(&timed_out);
        assert_eq!(c.validity, Validity::Valid);
        assert_eq!(c.results["errors"], json!([]));
        let warning = c.results["warnings"][0].as_str().unwrap();
        assert!(warning.starts_with("indeterminate: 1 echo"), "{warning}");
    }

    #[test]
    fn a_malformed_history_is_unknown() {
        let h = HistoryBuilder::new().ok(0, "echo", reply("x")).build();
        assert_eq!(check(&h).validity, Validity::Unknown);
    }
}
