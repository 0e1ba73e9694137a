//! Jepsen's `frequency-distribution`: a handful of quantiles of a list of latencies, taken
//! by index into the sorted list rather than interpolated, so every reported value is one
//! that actually occurred.

use serde_json::{Map, Value};

/// The points Jepsen's set-full reports, with their JSON keys (`{0 .., 0.5 .., 1 ..}` in EDN).
pub const POINTS: [(f64, &str); 5] = [
    (0.0, "0"),
    (0.5, "0.5"),
    (0.95, "0.95"),
    (0.99, "0.99"),
    (1.0, "1"),
];

/// The value at quantile `q` of an ascending list: index `min(n-1, floor(n*q))`, computed in
/// f64 as upstream does in Java doubles (so `n*0.95` rounds exactly as there).
pub fn quantile(sorted: &[u64], q: f64) -> Option<u64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let idx = ((n as f64) * q).floor() as usize;
    Some(sorted[idx.min(n - 1)])
}

/// `{"0": min, "0.5": .., "0.95": .., "0.99": .., "1": max}`, or `None` for an empty list
/// (upstream then leaves the key out).
pub fn distribution(values: &[u64]) -> Option<Value> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mut map = Map::new();
    for (q, key) in POINTS {
        map.insert(key.to_owned(), Value::from(quantile(&sorted, q)?));
    }
    Some(Value::Object(map))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn takes_quantiles_by_index() {
        assert_eq!(distribution(&[]), None);
        assert_eq!(
            distribution(&[7]),
            Some(json!({"0": 7, "0.5": 7, "0.95": 7, "0.99": 7, "1": 7}))
        );
        // n = 4: indices 0, 2, floor(3.8) = 3, 3, min(3, 4) = 3.
        assert_eq!(
            distribution(&[40, 10, 30, 20]),
            Some(json!({"0": 10, "0.5": 30, "0.95": 40, "0.99": 40, "1": 40}))
        );
        // n = 20: 20 * 0.95 is exactly 19 in doubles, so the 0.95 point is the maximum.
        let twenty: Vec<u64> = (0..20).collect();
        assert_eq!(quantile(&twenty, 0.95), Some(19));
        assert_eq!(quantile(&twenty, 0.5), Some(10));
    }
}
