//! Response schemas, checked as strictly as Maelstrom's Prismatic schemas (spec §1.4).
//!
//! A response body must have exactly its schema's keys plus `in_reply_to` (a required
//! integer) and an optional integer `msg_id`; no other key is allowed. Integers must be JSON
//! integers (`5.0` is not one). Array fields accept `null`, map fields do not. A response that
//! fails its schema makes the operation indeterminate (`info`), never `ok`.

use serde_json::{Map, Value};

/// The type a field must have.
#[derive(Debug, Clone, Copy)]
pub enum Field {
    /// Anything, including `null`.
    Any,
    /// A JSON integer.
    Int,
    /// A JSON string.
    Str,
    /// Exactly this JSON string (Prismatic `(s/eq "r")`).
    Eq(&'static str),
    /// Any one of these (Prismatic `s/either`).
    Either(&'static [Field]),
    /// `null` or an array whose elements all match.
    ArrayOf(&'static Field),
    /// An object whose values all match (keys are strings in JSON).
    MapOf(&'static Field),
    /// An array of exactly these elements, in order (Prismatic `[(s/one ..) ..]`).
    Tuple(&'static [Field]),
}

/// The body a successful reply must have.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    /// The reply's `type`, e.g. `"echo_ok"`.
    pub reply_type: &'static str,
    /// The required workload fields besides `type`, `in_reply_to` and `msg_id`.
    pub fields: &'static [(&'static str, Field)],
}

impl Schema {
    /// Checks a reply body; the error explains the first violation found.
    pub fn validate(&self, body: &Map<String, Value>) -> Result<(), String> {
        match body.get("type") {
            Some(Value::String(t)) if t == self.reply_type => {}
            other => {
                return Err(format!(
                    "type should be {:?}, got {}",
                    self.reply_type,
                    show(other)
                ))
            }
        }
        match body.get("in_reply_to") {
            Some(v) if is_int(v) => {}
            other => {
                return Err(format!(
                    "in_reply_to should be an integer, got {}",
                    show(other)
                ))
            }
        }
        if let Some(v) = body.get("msg_id") {
            if !is_int(v) {
                return Err(format!("msg_id should be an integer, got {v}"));
            }
        }
        for (name, field) in self.fields {
            let value = body
                .get(*name)
                .ok_or_else(|| format!("missing required key {name:?}"))?;
            check(field, value).map_err(|why| format!("{name}: {why}"))?;
        }
        for key in body.keys() {
            let known = matches!(key.as_str(), "type" | "in_reply_to" | "msg_id")
                || self.fields.iter().any(|(name, _)| name == key);
            if !known {
                return Err(format!("disallowed key {key:?}"));
            }
        }
        Ok(())
    }
}

fn is_int(value: &Value) -> bool {
    value.is_i64() || value.is_u64()
}

fn show(value: Option<&Value>) -> String {
    value.map_or_else(|| "nothing".to_string(), Value::to_string)
}

fn check(field: &Field, value: &Value) -> Result<(), String> {
    match (field, value) {
        (Field::Any, _) => Ok(()),
        (Field::Int, v) if is_int(v) => Ok(()),
        (Field::Str, Value::String(_)) => Ok(()),
        (Field::Eq(want), Value::String(got)) if want == got => Ok(()),
        (Field::Either(choices), v) if choices.iter().any(|c| check(c, v).is_ok()) => Ok(()),
        (Field::ArrayOf(_), Value::Null) => Ok(()),
        (Field::ArrayOf(inner), Value::Array(items)) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check(inner, v).map_err(|why| format!("[{i}]: {why}"))),
        (Field::MapOf(inner), Value::Object(map)) => map
            .iter()
            .try_for_each(|(k, v)| check(inner, v).map_err(|why| format!("{k:?}: {why}"))),
        (Field::Tuple(parts), Value::Array(items)) if parts.len() == items.len() => parts
            .iter()
            .zip(items)
            .enumerate()
            .try_for_each(|(i, (p, v))| check(p, v).map_err(|why| format!("[{i}]: {why}"))),
        (expected, got) => Err(format!("expected {}, got {got}", describe(expected))),
    }
}

fn describe(field: &Field) -> String {
    match field {
        Field::Any => "anything".into(),
        Field::Int => "an integer".into(),
        Field::Str => "a string".into(),
        Field::Eq(want) => format!("{want:?}"),
        Field::Either(choices) => {
            let each: Vec<String> = choices.iter().map(describe).collect();
            format!("one of ({})", each.join(", "))
        }
        Field::ArrayOf(_) => "an array".into(),
        Field::MapOf(_) => "an object".into(),
        Field::Tuple(parts) => {
            let each: Vec<String> = parts.iter().map(describe).collect();
            format!("[{}]", each.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const READ_OK: Schema = Schema {
        reply_type: "read_ok",
        fields: &[("messages", Field::ArrayOf(&Field::Any))],
    };
    const COUNTER_OK: Schema = Schema {
        reply_type: "read_ok",
        fields: &[("value", Field::Int)],
    };
    const POLL_OK: Schema = Schema {
        reply_type: "poll_ok",
        fields: &[(
            "msgs",
            Field::MapOf(&Field::ArrayOf(&Field::Tuple(&[Field::Int, Field::Any]))),
        )],
    };

    const TAGGED: Field = Field::Either(&[
        Field::Tuple(&[Field::Eq("r"), Field::Any, Field::ArrayOf(&Field::Any)]),
        Field::Tuple(&[Field::Eq("append"), Field::Any, Field::Any]),
    ]);

    #[test]
    fn exact_strings_and_alternatives() {
        let ok = |v: Value| check(&TAGGED, &v).is_ok();
        assert!(ok(json!(["r", 1, [2, 3]])));
        assert!(ok(json!(["r", 1, null])));
        assert!(ok(json!(["append", 1, 4])));
        assert!(!ok(json!(["r", 1, 4])), "a read's value must be a list");
        assert!(!ok(json!(["w", 1, 4])), "no such micro-op here");
        assert!(!ok(json!(["append", 1])));
        let why = check(&TAGGED, &json!(["x", 1, 2])).unwrap_err();
        assert!(
            why.contains(r#"one of (["r", anything, an array]"#),
            "{why}"
        );
    }

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn table_of_reply_bodies() {
        let cases: &[(&Schema, Value, bool)] = &[
            (
                &READ_OK,
                json!({"type":"read_ok","messages":[1,2],"in_reply_to":3}),
                true,
            ),
            (
                &READ_OK,
                json!({"type":"read_ok","messages":null,"in_reply_to":3,"msg_id":9}),
                true,
            ),
            (
                &READ_OK,
                json!({"type":"read_ok","messages":[1],"in_reply_to":3,"extra":1}),
                false,
            ),
            (&READ_OK, json!({"type":"read_ok","messages":[1]}), false),
            (
                &READ_OK,
                json!({"type":"read_ok","messages":[1],"in_reply_to":3.0}),
                false,
            ),
            (
                &READ_OK,
                json!({"type":"read_ok","messages":[1],"in_reply_to":3,"msg_id":"x"}),
                false,
            ),
            (
                &READ_OK,
                json!({"type":"broadcast_ok","messages":[1],"in_reply_to":3}),
                false,
            ),
            (&READ_OK, json!({"type":"read_ok","in_reply_to":3}), false),
            (
                &READ_OK,
                json!({"type":"read_ok","messages":{"a":1},"in_reply_to":3}),
                false,
            ),
            (
                &COUNTER_OK,
                json!({"type":"read_ok","value":5,"in_reply_to":1}),
                true,
            ),
            (
                &COUNTER_OK,
                json!({"type":"read_ok","value":5.0,"in_reply_to":1}),
                false,
            ),
            (
                &COUNTER_OK,
                json!({"type":"read_ok","value":null,"in_reply_to":1}),
                false,
            ),
            (
                &POLL_OK,
                json!({"type":"poll_ok","msgs":{"9":[[12,3],[13,4]]},"in_reply_to":1}),
                true,
            ),
            (
                &POLL_OK,
                json!({"type":"poll_ok","msgs":null,"in_reply_to":1}),
                false,
            ),
            (
                &POLL_OK,
                json!({"type":"poll_ok","msgs":{"9":[[12,3,4]]},"in_reply_to":1}),
                false,
            ),
            (
                &POLL_OK,
                json!({"type":"poll_ok","msgs":{"9":[[1.5,3]]},"in_reply_to":1}),
                false,
            ),
        ];
        for (schema, reply, ok) in cases {
            assert_eq!(
                schema.validate(&body(reply.clone())).is_ok(),
                *ok,
                "{reply}"
            );
        }
    }

    #[test]
    fn errors_name_the_offending_key() {
        let why = READ_OK
            .validate(&body(
                json!({"type":"read_ok","messages":[],"in_reply_to":1,"oops":2}),
            ))
            .unwrap_err();
        assert!(why.contains("oops"), "{why}");
    }
}
