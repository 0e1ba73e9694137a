//! How values Maelstrom writes into `results.edn` look once converted to JSON: numeric map
//! keys become their decimal text, and Clojure `float`s (32-bit, printed shortest) keep the
//! digits Maelstrom prints (`19.95`, not `19.950000762939453`).

use serde_json::{Number, Value};

/// A JSON object key for a map key: strings stay as they are, numbers become their decimal
/// text, anything else its compact JSON text.
pub fn map_key(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Clojure's `(float (/ numerator denominator))` as a JSON number with the digits Clojure
/// prints. The ratio is rounded to a 32-bit float, as upstream does, and then written with
/// the shortest decimal that reads back as that float.
pub fn float_ratio(numerator: u64, denominator: u64) -> Value {
    let single = (numerator as f64 / denominator as f64) as f32;
    float32(single)
}

/// A 32-bit float as the JSON number Clojure would print for it.
pub fn float32(x: f32) -> Value {
    // Rust's `Display` for f32 is the shortest round-trip decimal, like Java's Float.toString.
    let shortest: f64 = x
        .to_string()
        .parse()
        .expect("a finite f32 prints as a number");
    Number::from_f64(shortest).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_and_floats_look_like_maelstrom_output() {
        assert_eq!(map_key(&json!(0.5)), "0.5");
        assert_eq!(map_key(&json!(12)), "12");
        assert_eq!(map_key(&json!("n1-3")), "n1-3");
        assert_eq!(map_key(&json!([1, 2])), "[1,2]");
        assert_eq!(float_ratio(399, 20).to_string(), "19.95");
        assert_eq!(float_ratio(2, 3).to_string(), "0.6666667");
        assert_eq!(float_ratio(4, 2).to_string(), "2.0");
    }
}
