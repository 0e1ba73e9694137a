//! The harness measuring itself: how late server messages reach their node compared with the
//! latency they were meant to have, and (through [`crate::cpu`]) how much CPU the harness burns. The harness
//! exists to measure nodes' latencies, so its own error has to be known.

use serde_json::{json, Value};
use std::sync::Mutex;
use std::time::Duration;

/// Collects, for every server-to-server message written to a node, the time from the send
/// to the end of the write, minus the latency that message was given (so 0 is perfect).
///
/// The samples are counted in a fixed-size histogram rather than kept, so that a node
/// flooding its peers (hundreds of thousands of messages a second) costs nothing per
/// message: exact below [`EXACT_BELOW`] µs, and above it in buckets of 1/[`EXACT_BELOW`]
/// of their power of two (an error under 0.1 %); the maximum is kept exactly.
#[derive(Debug)]
pub struct DelayRecorder {
    inner: Mutex<Histogram>,
}

/// Microseconds below which every value has a bucket of its own; also how many buckets
/// share each power of two above it.
const EXACT_BELOW: u32 = 1 << SUB_BITS;
const SUB_BITS: u32 = 10;
/// One row of [`EXACT_BELOW`] buckets for the exact range, then one per power of two above.
const BUCKETS: usize = ((32 - SUB_BITS + 1) << SUB_BITS) as usize;

#[derive(Debug)]
struct Histogram {
    counts: Vec<u64>,
    count: usize,
    max: u32,
}

impl Default for DelayRecorder {
    fn default() -> DelayRecorder {
        DelayRecorder {
            inner: Mutex::new(Histogram {
                counts: vec![0; BUCKETS],
                count: 0,
                max: 0,
            }),
        }
    }
}

/// The bucket of `micros`.
fn bucket(micros: u32) -> usize {
    if micros < EXACT_BELOW {
        return micros as usize;
    }
    let power = 31 - micros.leading_zeros(); // >= SUB_BITS
    let shift = power - SUB_BITS;
    let row = shift + 1;
    ((row << SUB_BITS) + ((micros >> shift) - EXACT_BELOW)) as usize
}

/// The smallest value in bucket `b`.
fn lower_bound(b: usize) -> u32 {
    let (row, offset) = ((b >> SUB_BITS) as u32, (b as u32) & (EXACT_BELOW - 1));
    if row == 0 {
        return offset;
    }
    (EXACT_BELOW + offset) << (row - 1)
}

impl DelayRecorder {
    pub fn record(&self, lateness: Duration) {
        let micros = lateness.as_micros().min(u32::MAX as u128) as u32;
        let mut h = self.inner.lock().expect("delay lock poisoned");
        h.counts[bucket(micros)] += 1;
        h.count += 1;
        h.max = h.max.max(micros);
    }

    /// Quantiles of the lateness so far, indexed as the checkers do: the sample at
    /// `floor(count × q)` in sorted order.
    pub fn summary(&self) -> DelaySummary {
        let h = self.inner.lock().expect("delay lock poisoned");
        let at = |q: f64| -> f64 {
            if h.count == 0 {
                return 0.0;
            }
            let i = ((h.count as f64 * q) as usize).min(h.count - 1) as u64;
            let mut seen = 0u64;
            for (b, &n) in h.counts.iter().enumerate() {
                seen += n;
                if seen > i {
                    return f64::from(lower_bound(b).min(h.max)) / 1000.0;
                }
            }
            f64::from(h.max) / 1000.0
        };
        DelaySummary {
            count: h.count,
            p50_ms: at(0.5),
            p99_ms: at(0.99),
            max_ms: f64::from(h.max) / 1000.0,
        }
    }
}

/// Lateness of server-message delivery beyond the intended latency, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DelaySummary {
    pub count: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl DelaySummary {
    pub fn to_json(self) -> Value {
        json!({"count": self.count, "p50-ms": self.p50_ms, "p99-ms": self.p99_ms, "max-ms": self.max_ms})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_index_like_the_checkers() {
        let r = DelayRecorder::default();
        for micros in 1..=100u64 {
            r.record(Duration::from_micros(micros * 10));
        }
        let s = r.summary();
        assert_eq!(
            (s.count, s.p50_ms, s.p99_ms, s.max_ms),
            (100, 0.51, 1.0, 1.0),
            "exact below {EXACT_BELOW} µs"
        );
        assert_eq!(DelayRecorder::default().summary().count, 0);
    }

    #[test]
    fn larger_values_are_within_a_thousandth_and_the_maximum_is_exact() {
        let r = DelayRecorder::default();
        for ms in 1..=100u64 {
            r.record(Duration::from_millis(ms));
        }
        r.record(Duration::from_micros(123_457));
        let s = r.summary();
        assert_eq!(s.count, 101);
        assert!((s.p50_ms - 51.0).abs() <= 51.0 / 1000.0, "{}", s.p50_ms);
        assert!((s.p99_ms - 100.0).abs() <= 0.1, "{}", s.p99_ms);
        assert_eq!(s.max_ms, 123.457);
    }

    #[test]
    fn buckets_cover_every_value_in_order() {
        let samples = [
            0,
            1,
            1023,
            1024,
            1025,
            2047,
            2048,
            4097,
            1 << 20,
            u32::MAX - 1,
            u32::MAX,
        ];
        for w in samples.windows(2) {
            assert!(bucket(w[0]) <= bucket(w[1]), "{w:?}");
        }
        for v in samples {
            let b = bucket(v);
            assert!(b < BUCKETS, "{v}");
            let low = lower_bound(b);
            assert!(low <= v, "{v}: {low}");
            assert!(u64::from(v - low) * 1024 <= u64::from(v), "{v}: {low}");
        }
        assert_eq!(bucket(u32::MAX), BUCKETS - 1);
    }

    #[test]
    fn a_flood_of_samples_takes_no_more_room() {
        let r = DelayRecorder::default();
        for i in 0..1_000_000u64 {
            r.record(Duration::from_micros(i % 5000));
        }
        let h = r.inner.lock().unwrap();
        assert_eq!((h.counts.len(), h.counts.capacity()), (BUCKETS, BUCKETS));
        assert_eq!(h.count, 1_000_000);
    }
}
