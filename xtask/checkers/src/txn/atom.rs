//! [`Atom`]: a key, value or message of a transactional or Kafka history, in a form that can
//! be hashed and ordered.
//!
//! The history stores values as `serde_json::Value`, which is neither `Hash` nor `Ord`, yet
//! every analysis here indexes by key and by value. Maelstrom's generators only ever produce
//! integers (txn keys and values, Kafka messages) and strings (Kafka keys), so those two get
//! cheap variants; anything else is kept as its canonical JSON text, which still compares
//! equal exactly when the JSON values are equal (serde_json writes object keys sorted).

use std::fmt;

use serde_json::Value;

/// A JSON scalar (or, rarely, a compound) used as a key, a written value or a message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Atom {
    Int(i64),
    Str(String),
    /// Any other JSON (floats, booleans, arrays, objects) as its canonical text.
    Other(String),
}

impl Atom {
    /// The atom for a JSON value; `None` for `null`, which histories use for "no value".
    pub fn from_json(value: &Value) -> Option<Atom> {
        match value {
            Value::Null => None,
            Value::Number(n) => Some(
                n.as_i64()
                    .map(Atom::Int)
                    .unwrap_or_else(|| Atom::Other(n.to_string())),
            ),
            Value::String(s) => Some(Atom::Str(s.clone())),
            other => Some(Atom::Other(other.to_string())),
        }
    }

    /// The JSON value this atom came from.
    pub fn to_json(&self) -> Value {
        match self {
            Atom::Int(i) => Value::from(*i),
            Atom::Str(s) => Value::String(s.clone()),
            Atom::Other(text) => {
                serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
            }
        }
    }

    /// The text used when this atom is a key of a JSON object in a report.
    pub fn to_key_string(&self) -> String {
        match self {
            Atom::Int(i) => i.to_string(),
            Atom::Str(s) => s.clone(),
            Atom::Other(text) => text.clone(),
        }
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_key_string())
    }
}

/// An optional atom as JSON: `null` for `None`.
pub fn opt_json(atom: Option<&Atom>) -> Value {
    atom.map_or(Value::Null, Atom::to_json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_and_distinguishes_kinds() {
        for v in [
            json!(3),
            json!("3"),
            json!(1.5),
            json!([1, 2]),
            json!({"b": 1, "a": 2}),
        ] {
            assert_eq!(Atom::from_json(&v).unwrap().to_json(), v);
        }
        assert_ne!(Atom::from_json(&json!(3)), Atom::from_json(&json!("3")));
        assert_eq!(Atom::from_json(&json!(null)), None);
        assert_eq!(Atom::Int(7).to_key_string(), "7");
        assert_eq!(opt_json(None), json!(null));
    }
}
