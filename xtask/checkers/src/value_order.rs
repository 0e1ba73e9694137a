//! Clojure's `compare` over JSON values, which Jepsen uses to sort elements and take
//! `[min max]` ranges. Values of different kinds (a number and a string) are incomparable
//! and Clojure throws, which turns a checker's verdict into `unknown`; we report that as
//! [`Incomparable`] so checkers can do the same.
//!
//! The rules: `null` sorts before everything; numbers compare numerically (`1` equals
//! `1.0` here, though they are different elements); strings by UTF-16 code units, as
//! Java's `String.compareTo`; `false < true`; arrays (Clojure vectors) by length first,
//! then element by element; objects (Clojure maps) are not comparable at all.

use std::cmp::Ordering;
use std::fmt;

use serde_json::{Number, Value};

/// Two values that Clojure's `compare` would refuse.
#[derive(Debug, Clone, PartialEq)]
pub struct Incomparable(pub Value, pub Value);

impl fmt::Display for Incomparable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot compare {} with {}", self.0, self.1)
    }
}

impl std::error::Error for Incomparable {}

/// Clojure's `compare`, or `None` where it would throw.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        (Value::Null, _) => Some(Ordering::Less),
        (_, Value::Null) => Some(Ordering::Greater),
        (Value::Number(x), Value::Number(y)) => Some(compare_numbers(x, y)),
        (Value::String(x), Value::String(y)) => Some(x.encode_utf16().cmp(y.encode_utf16())),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(x.len().cmp(&y.len()));
            }
            for (p, q) in x.iter().zip(y) {
                match compare(p, q)? {
                    Ordering::Equal => continue,
                    other => return Some(other),
                }
            }
            Some(Ordering::Equal)
        }
        _ => None,
    }
}

/// Sorts values as Clojure's `sort` would, or reports a pair it would throw on.
///
/// We sort by a total order first (kinds ranked, then [`compare`]) so the sort itself can
/// never see an inconsistent comparator, then check that neighbours are comparable: after
/// that sort, any two incomparable kinds end up adjacent somewhere.
pub fn sorted(mut values: Vec<Value>) -> Result<Vec<Value>, Incomparable> {
    values.sort_by(total_order);
    for pair in values.windows(2) {
        if compare(&pair[0], &pair[1]).is_none() {
            return Err(Incomparable(pair[0].clone(), pair[1].clone()));
        }
    }
    Ok(values)
}

/// A total order that agrees with [`compare`] wherever `compare` is defined; safe for
/// `sort_by` on any values (incomparable kinds are ranked null, bool, number, string,
/// array, object).
pub fn total_order(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
        }
    }
    match (a, b) {
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .map(|(p, q)| total_order(p, q))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal),
        // Objects have no order in Clojure; their canonical text keeps the sort total.
        (Value::Object(_), Value::Object(_)) => a.to_string().cmp(&b.to_string()),
        _ => compare(a, b).unwrap_or_else(|| rank(a).cmp(&rank(b))),
    }
}

fn compare_numbers(x: &Number, y: &Number) -> Ordering {
    if let (Some(p), Some(q)) = (x.as_i64(), y.as_i64()) {
        return p.cmp(&q);
    }
    if let (Some(p), Some(q)) = (x.as_u64(), y.as_u64()) {
        return p.cmp(&q);
    }
    // Mixed signs beyond i64, or floats: JSON has no NaN, so partial_cmp always answers.
    let (p, q) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
    p.partial_cmp(&q).unwrap_or(Ordering::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_clojure_compare() {
        assert_eq!(compare(&json!(2), &json!(10)), Some(Ordering::Less));
        assert_eq!(compare(&json!(1), &json!(1.0)), Some(Ordering::Equal));
        assert_eq!(compare(&json!("b"), &json!("a")), Some(Ordering::Greater));
        assert_eq!(compare(&json!(null), &json!("a")), Some(Ordering::Less));
        assert_eq!(
            compare(&json!([9]), &json!([1, 1])),
            Some(Ordering::Less),
            "length first"
        );
        assert_eq!(
            compare(&json!([1, 2]), &json!([1, 3])),
            Some(Ordering::Less)
        );
        assert_eq!(compare(&json!(1), &json!("1")), None);
        assert_eq!(compare(&json!({"a": 1}), &json!({"a": 1})), None);
        assert_eq!(compare(&json!([1]), &json!(["a"])), None);
        // U+FF61 is above the surrogates that encode U+1F600 in UTF-16, unlike in UTF-8.
        assert_eq!(
            compare(&json!("\u{FF61}"), &json!("\u{1F600}")),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn sorts_or_names_an_incomparable_pair() {
        assert_eq!(
            sorted(vec![json!(3), json!(null), json!(1.5)]).unwrap(),
            vec![json!(null), json!(1.5), json!(3)]
        );
        let err = sorted(vec![json!(3), json!("x"), json!(1)]).unwrap_err();
        assert_eq!(err, Incomparable(json!(3), json!("x")));
        assert!(
            sorted(vec![json!({"a": 1})]).is_ok(),
            "one value needs no comparison"
        );
        assert!(sorted(vec![json!({"a": 1}), json!({"a": 2})]).is_err());
    }
}
