//! What every checker returns, [`Checked`], and Jepsen's `compose`, which gathers named
//! checker results into one map whose `valid?` is the worst of its parts.
//!
//! `results` is always a JSON object that carries its own `"valid?"` key, so a part can be
//! written into `results.json` exactly where Maelstrom writes that part of `results.edn`.

use serde_json::{Map, Value};

use crate::validity::Validity;

/// A checker's verdict and its part of the results tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub validity: Validity,
    /// A JSON object shaped like the checker's part of Maelstrom's `results.edn`, including
    /// `"valid?"`, plus our own extra keys (e.g. `"warnings"`).
    pub results: Value,
}

impl Checked {
    /// Builds a result from a verdict and the other keys; `"valid?"` is set from `validity`
    /// so the two can never disagree.
    pub fn new(validity: Validity, mut results: Map<String, Value>) -> Checked {
        results.insert("valid?".to_owned(), json_validity(validity));
        Checked {
            validity,
            results: Value::Object(results),
        }
    }

    /// What Jepsen's `check-safe` makes of a checker that throws: `unknown` with the reason.
    /// We use it where upstream would throw on a history (malformed pairs, incomparable
    /// values), so the verdict matches Maelstrom's.
    pub fn error(message: impl Into<String>) -> Checked {
        let mut map = Map::new();
        map.insert("error".to_owned(), Value::String(message.into()));
        Checked::new(Validity::Unknown, map)
    }

    /// Looks up a key of the results map (tests and callers use it to read numbers).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.results.get(key)
    }
}

/// The JSON spelling of a verdict: `true`, `false` or `"unknown"`.
pub fn json_validity(validity: Validity) -> Value {
    serde_json::to_value(validity).expect("a Validity always serialises")
}

/// Jepsen's `checker/compose`: each part's results under its name, plus a top-level
/// `"valid?"` that is the worst of the parts (`false` > `"unknown"` > `true`).
///
/// Takes a `Vec` or array of `(name, Checked)`, or a slice of them by reference (cloned).
/// Panics if two parts share a name: that is a bug in the caller's list, not in a history.
pub fn compose<P: Part>(parts: impl IntoIterator<Item = P>) -> Checked {
    let mut map = Map::new();
    let mut verdicts = Vec::new();
    for part in parts {
        let (name, part) = part.into_part();
        assert!(
            name != "valid?",
            "a checker part cannot be named \"valid?\""
        );
        verdicts.push(part.validity);
        let previous = map.insert(name.clone(), part.results);
        assert!(
            previous.is_none(),
            "two checker parts are both named {name:?}"
        );
    }
    Checked::new(Validity::worst(verdicts), map)
}

/// A named checker result that [`compose`] accepts: owned or borrowed.
pub trait Part {
    fn into_part(self) -> (String, Checked);
}

impl Part for (&str, Checked) {
    fn into_part(self) -> (String, Checked) {
        (self.0.to_owned(), self.1)
    }
}

impl Part for (String, Checked) {
    fn into_part(self) -> (String, Checked) {
        self
    }
}

impl Part for &(&str, Checked) {
    fn into_part(self) -> (String, Checked) {
        (self.0.to_owned(), self.1.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn part(validity: Validity) -> Checked {
        Checked::new(validity, Map::new())
    }

    #[test]
    fn compose_nests_parts_and_takes_the_worst_verdict() {
        let all = compose(vec![
            ("stats", part(Validity::Valid)),
            ("workload", part(Validity::Unknown)),
        ]);
        assert_eq!(all.validity, Validity::Unknown);
        assert_eq!(
            all.results,
            json!({"stats": {"valid?": true}, "workload": {"valid?": "unknown"}, "valid?": "unknown"})
        );
        let worse = compose([
            ("a", part(Validity::Unknown)),
            ("b", part(Validity::Invalid)),
        ]);
        assert_eq!(worse.get("valid?"), Some(&json!(false)));
        assert_eq!(
            compose(Vec::<(&str, Checked)>::new()).validity,
            Validity::Valid
        );
        let borrowed = [("net", part(Validity::Valid))];
        assert_eq!(
            compose(&borrowed).results,
            json!({"net": {"valid?": true}, "valid?": true})
        );
    }

    #[test]
    #[should_panic(expected = "both named")]
    fn compose_rejects_duplicate_names() {
        compose([("a", part(Validity::Valid)), ("a", part(Validity::Valid))]);
    }

    #[test]
    fn errors_are_unknown_with_a_reason() {
        let e = Checked::error("boom");
        assert_eq!(e.results, json!({"valid?": "unknown", "error": "boom"}));
    }
}
