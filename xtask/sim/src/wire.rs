//! What Maelstrom's stdout parser makes of a line a node writes (spec §1.2, errata 6): the
//! rules that decide whether the message is sent or the node goes deaf.
//!
//! Maelstrom parses the line with cheshire, which reads the first JSON value and ignores
//! whatever follows it, and keeps the last of duplicate keys. It then turns the keys of the
//! envelope and of the body into keywords, one level deep, by reducing over each as if it
//! were a map, and checks the schema `{src: String, dest: String, body: Any, id?: Int}` with
//! no other keys. The keyword step is what makes some bodies fatal: a number, a boolean or a
//! non-empty string cannot be reduced that way and throws, and so does an array holding a
//! number, a boolean or an object; `null`, `""` and `[]` become the empty map `{}`. An object
//! body passes through; the simulator forwards its text untouched.

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// A message a node wrote, as Maelstrom would send it.
#[derive(Debug)]
pub struct Written {
    pub src: String,
    pub dest: String,
    pub body: Box<RawValue>,
}

/// Reads one stdout line; an error is the reason Maelstrom would make the node deaf.
pub fn parse_line(text: &str) -> Result<Written, String> {
    let first = serde_json::Deserializer::from_str(text)
        .into_iter::<Fields>()
        .next();
    let fields = match first {
        Some(Ok(fields)) => fields,
        Some(Err(e)) => return Err(format!("malformed network message ({e})")),
        None => return Err("malformed network message (an empty line)".to_string()),
    };
    if let Some(key) = fields.disallowed {
        return Err(format!(
            "malformed network message (disallowed key `{key}`)"
        ));
    }
    let string = |value: Option<Value>, key: &str| match value {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!(
            "malformed network message (`{key}` is not a string: {other})"
        )),
        None => Err(format!("malformed network message (missing key `{key}`)")),
    };
    let src = string(fields.src, "src")?;
    let dest = string(fields.dest, "dest")?;
    if let Some(id) = fields.id {
        if !is_integer_literal(id.get()) {
            return Err(format!(
                "malformed network message (`id` is not an integer: {})",
                id.get()
            ));
        }
    }
    let body = fields
        .body
        .ok_or("malformed network message (missing key `body`)")?;
    let body = keywordizable(body)?;
    Ok(Written { src, dest, body })
}

/// The body Maelstrom goes on with, or why turning its keys into keywords throws.
fn keywordizable(body: Box<RawValue>) -> Result<Box<RawValue>, String> {
    let empty = || RawValue::from_string("{}".to_string()).expect("`{}` is JSON");
    let fatal = |what: &str| {
        Err(format!(
            "the body is {what}, which Maelstrom's parser cannot read as a map"
        ))
    };
    match body.get().as_bytes()[0] {
        b'{' => Ok(body),
        b'n' => Ok(empty()),
        b'"' if body.get() == "\"\"" => Ok(empty()),
        b'"' => fatal("a non-empty string"),
        b't' | b'f' => fatal("a boolean"),
        b'[' => {
            let items: Vec<Value> =
                serde_json::from_str(body.get()).expect("a raw array parses as an array");
            if items.is_empty() {
                return Ok(empty());
            }
            // Each item is destructured as a [key value] pair: nulls, strings and arrays
            // survive that, anything else throws.
            match items
                .iter()
                .any(|i| matches!(i, Value::Number(_) | Value::Bool(_) | Value::Object(_)))
            {
                true => fatal("an array holding a number, boolean or object"),
                false => Ok(body),
            }
        }
        _ => fatal("a number"),
    }
}

/// Whether a JSON number is written as an integer (Maelstrom's `Int`, of any size).
fn is_integer_literal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The envelope's keys, the last of each kept; `disallowed` is the first other key.
#[derive(Default)]
struct Fields {
    src: Option<Value>,
    dest: Option<Value>,
    body: Option<Box<RawValue>>,
    id: Option<Box<RawValue>>,
    disallowed: Option<String>,
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Fields, D::Error> {
        deserializer.deserialize_map(FieldsVisitor)
    }
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object with src, dest and body")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "src" => fields.src = Some(map.next_value()?),
                "dest" => fields.dest = Some(map.next_value()?),
                "body" => fields.body = Some(map.next_value()?),
                "id" => fields.id = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    fields.disallowed.get_or_insert(key);
                }
            }
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body Maelstrom would send, or `None` for a deaf node.
    fn body(line: &str) -> Option<String> {
        parse_line(line).ok().map(|w| w.body.get().to_string())
    }

    #[test]
    fn envelopes_follow_the_schema() {
        let cases = [
            (r#"{"src":"n0","dest":"c0","body":{"type":"x"}}"#, true),
            (r#"{"dest":"c0","src":"n0","body":{},"id":4}"#, true),
            (
                r#"{"src":"n0","dest":"c0","body":{},"id":123456789012345678901234}"#,
                true,
            ),
            (r#"{"src":"n0","dest":"c0","body":{},"extra":1}"#, false),
            (r#"{"src":"n0","dest":"c0"}"#, false),
            (r#"{"src":"n0","body":{}}"#, false),
            (r#"{"src":1,"dest":"c0","body":{}}"#, false),
            (r#"{"src":"n0","dest":"c0","body":{},"id":1.5}"#, false),
            (r#"{"src":"n0","dest":"c0","body":{},"id":null}"#, false),
            (r#"{"src":"n0","dest":"c0","body":{},"id":"1"}"#, false),
            ("not json", false),
            ("null", false),
            ("[]", false),
            ("7", false),
            ("", false),
        ];
        for (line, ok) in cases {
            assert_eq!(parse_line(line).is_ok(), ok, "{line}");
        }
    }

    #[test]
    fn trailing_garbage_and_duplicate_keys_do_not_make_a_node_deaf() {
        let w = parse_line(r#"{"src":"n0","dest":"c0","body":{"a":1}} trailing {garbage"#).unwrap();
        assert_eq!((w.src.as_str(), w.body.get()), ("n0", r#"{"a":1}"#));
        let w = parse_line(r#"{"src":"n9","src":"n0","dest":1,"dest":"c0","body":1,"body":{}}"#)
            .unwrap();
        assert_eq!(
            (w.src.as_str(), w.dest.as_str(), w.body.get()),
            ("n0", "c0", "{}"),
            "the last of duplicate keys counts"
        );
    }

    #[test]
    fn bodies_that_cannot_be_read_as_maps_make_a_node_deaf() {
        let line = |b: &str| format!(r#"{{"src":"n0","dest":"c0","body":{b}}}"#);
        for empty in ["null", r#""""#, "[]"] {
            assert_eq!(body(&line(empty)).as_deref(), Some("{}"), "{empty}");
        }
        for kept in [r#"{"type":"x"}"#, r#"[["type","x"]]"#, r#"["ab",null]"#] {
            assert_eq!(body(&line(kept)).as_deref(), Some(kept), "{kept}");
        }
        for fatal in [
            "1",
            "-2.5",
            "true",
            r#""text""#,
            "[1]",
            r#"[["a"],{}]"#,
            "[false]",
        ] {
            assert_eq!(body(&line(fatal)), None, "{fatal}");
        }
        assert_eq!(body(&line("  null")).as_deref(), Some("{}"), "space before");
        assert_eq!(body(&line(" 7 ")), None, "spaces around");
    }
}
