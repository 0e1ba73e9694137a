//! Maelstrom's `results.edn`, read with a real EDN reader and turned into the JSON results tree
//! both backends share (the contract's rules):
//!
//! - keyword keys and values lose their colon (`:valid?` → `"valid?"`, `:unknown` → `"unknown"`);
//! - numeric map keys become their decimal text (`{0.5 388, 1 598}` → `{"0.5": 388, "1": 598}`);
//! - sets, lists and vectors become arrays; `nil` becomes null;
//! - tagged values keep only their value, so a Jepsen record `#jepsen.history.Op{...}` becomes
//!   the map it wraps; ratios become floats; any other map key is written as its EDN text;
//! - Clojure's symbolic numbers `##NaN`, `##Inf` and `##-Inf`, which the reader does not know
//!   and JSON cannot hold, become null.

use std::borrow::Cow;

use anyhow::{anyhow, Result};
use clojure_reader::edn::{self, Edn};
use serde_json::{Map, Number, Value};

/// Parses EDN text into the JSON results tree.
pub fn to_json(text: &str) -> Result<Value> {
    let text = without_symbolic_numbers(text);
    let parsed = edn::read_string(&text).map_err(|e| anyhow!("not valid EDN: {e:?}"))?;
    Ok(convert(&parsed))
}

/// Replaces `##NaN`, `##Inf` and `##-Inf` outside string literals by `nil`.
fn without_symbolic_numbers(text: &str) -> Cow<'_, str> {
    if !text.contains("##") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if !in_string {
            if let Some(symbol) = ["##NaN", "##Inf", "##-Inf"]
                .into_iter()
                .find(|s| rest.starts_with(s))
            {
                out.push_str("nil");
                rest = &rest[symbol.len()..];
                continue;
            }
        }
        match c {
            '"' => in_string = !in_string,
            // An escaped character inside a string, e.g. `\"`, never ends the string.
            '\\' if in_string => {
                let escaped = rest[1..].chars().next().map_or(0, char::len_utf8);
                out.push_str(&rest[..1 + escaped]);
                rest = &rest[1 + escaped..];
                continue;
            }
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

fn convert(value: &Edn<'_>) -> Value {
    match value {
        Edn::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(key, value)| (key_text(key), convert(value)))
                .collect::<Map<String, Value>>(),
        ),
        Edn::Vector(items) | Edn::List(items) => Value::Array(items.iter().map(convert).collect()),
        Edn::Set(items) => Value::Array(items.iter().map(convert).collect()),
        Edn::Key(name) | Edn::Symbol(name) | Edn::Str(name) => Value::String(name.to_string()),
        Edn::Int(n) => Value::from(*n),
        Edn::Double(x) => float(x.into_inner()),
        Edn::Rational((numerator, denominator)) => float(*numerator as f64 / *denominator as f64),
        Edn::Tagged(_, inner) => convert(inner),
        Edn::Char(c) => Value::String(c.to_string()),
        Edn::Bool(b) => Value::Bool(*b),
        Edn::Nil => Value::Null,
        // The reader may learn new kinds of value; keep their printed form rather than fail.
        other => Value::String(other.to_string()),
    }
}

/// JSON has no NaN or infinity; those become null.
fn float(x: f64) -> Value {
    Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// A map key as JSON object key text: names without their colon, numbers in decimal (`1.0` and
/// `1` both give `"1"`, as Rust prints a whole float without a fraction), other values as EDN.
fn key_text(key: &Edn<'_>) -> String {
    match key {
        Edn::Key(name) | Edn::Symbol(name) | Edn::Str(name) => name.to_string(),
        Edn::Int(n) => n.to_string(),
        Edn::Double(x) => x.into_inner().to_string(),
        Edn::Rational((numerator, denominator)) => {
            (*numerator as f64 / *denominator as f64).to_string()
        }
        Edn::Tagged(_, inner) => key_text(inner),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The broadcast example of spec/maelstrom.md §5.3, with `:stale` and `:worst-stale` filled
    /// in as Maelstrom prints them (sets, records) instead of elided.
    const BROADCAST: &str = include_str!("../tests/fixtures/broadcast-results.edn");

    #[test]
    fn the_spec_example_converts_by_the_contract_rules() {
        let tree = to_json(BROADCAST).unwrap();
        assert_eq!(tree["valid?"], json!(true));
        assert_eq!(tree["net"]["servers"]["msgs-per-op"], json!(17.9));
        assert_eq!(tree["stats"]["count"], json!(2011));
        assert_eq!(tree["stats"]["by-f"]["broadcast"]["ok-count"], json!(1002));
        assert_eq!(tree["availability"]["ok-fraction"], json!(1.0));
        assert_eq!(
            tree["workload"]["stable-latencies"],
            json!({"0": 0, "0.5": 388, "0.95": 541, "0.99": 577, "1": 598})
        );
        assert_eq!(tree["workload"]["lost"], json!([]));
        assert_eq!(tree["workload"]["duplicated"], json!({}));
        assert_eq!(tree["workload"]["stale"], json!([3, 7, 12]));
        let worst = &tree["workload"]["worst-stale"][0];
        assert_eq!(worst["outcome"], json!("stable"));
        assert_eq!(worst["known"]["type"], json!("ok"));
        assert_eq!(worst["known"]["value"], json!(12));
        assert_eq!(tree["perf"]["latency-graph"]["valid?"], json!(true));
    }

    #[test]
    fn keywords_nil_sets_ratios_and_odd_keys() {
        let tree = to_json(
            r#"{:valid? :unknown, :error nil, :anomaly-types #{:G1c :G0},
                :fraction 1/4, 1.0 "whole", [1 2] :vector-key, :c \x}"#,
        )
        .unwrap();
        assert_eq!(
            tree,
            json!({"valid?": "unknown", "error": null, "anomaly-types": ["G0", "G1c"],
                   "fraction": 0.25, "1": "whole", "[1 2]": "vector-key", "c": "x"})
        );
    }

    #[test]
    fn symbolic_numbers_become_null_but_not_inside_strings() {
        let tree =
            to_json(r###"{:lag ##Inf, :low ##-Inf, :rate ##NaN, :note "a \"##NaN\" ##Inf"}"###)
                .unwrap();
        assert_eq!(
            tree,
            json!({"lag": null, "low": null, "rate": null, "note": "a \"##NaN\" ##Inf"})
        );
    }

    #[test]
    fn broken_text_is_an_error() {
        assert!(to_json("{:valid? true").is_err());
    }
}
