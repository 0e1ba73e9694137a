//! A set element: any JSON value, as Maelstrom allows (its generator sends integers).
//! JSON values have no order of their own, so an element is ordered and compared by its
//! compact JSON text, which is canonical here: serde_json writes object keys sorted (the
//! workspace does not enable its `preserve_order` feature) and keeps `1` and `1.0` apart,
//! as Maelstrom's Clojure equality does.

use std::cmp::Ordering;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// One element of the set; serialises as the value itself.
#[derive(Debug, Clone)]
pub struct Element {
    text: String,
    value: Value,
}

impl Element {
    pub fn value(&self) -> &Value {
        &self.value
    }
}

impl From<Value> for Element {
    fn from(value: Value) -> Element {
        Element {
            text: value.to_string(),
            value,
        }
    }
}

impl PartialEq for Element {
    fn eq(&self, other: &Element) -> bool {
        self.text == other.text
    }
}

impl Eq for Element {}

impl PartialOrd for Element {
    fn partial_cmp(&self, other: &Element) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Element {
    fn cmp(&self, other: &Element) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl Serialize for Element {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Element, D::Error> {
        Value::deserialize(deserializer).map(Element::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn elements_are_equal_exactly_when_their_json_is() {
        let e = |v: Value| Element::from(v);
        assert_eq!(e(json!({"b": 1, "a": [2]})), e(json!({"a": [2], "b": 1})));
        assert_ne!(e(json!(1)), e(json!(1.0)));
        assert_ne!(e(json!(1)), e(json!("1")));
        let parsed: Element = serde_json::from_str("{\"a\":1}").unwrap();
        assert_eq!(serde_json::to_string(&parsed).unwrap(), "{\"a\":1}");
    }
}
