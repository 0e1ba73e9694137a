//! The harness measuring itself: how late server messages reach their node compared with the
//! latency they were meant to have, and (through [`crate::cpu`]) how much CPU the harness burns. The harness
//! exists to measure nodes' latencies, so its own error has to be known.

use serde_json::{json, Value};
use std::sync::Mutex;
use std::time::Duration;

/// Collects, for every server-to-server message written to a node, the time from the send
/// to the end of the write, minus the latency that message was given (so 0 is perfect).
#[derive(Debug, Default)]
pub struct DelayRecorder {
    /// Lateness in microseconds; may be negative never, so unsigned.
    samples: Mutex<Vec<u32>>,
}

impl DelayRecorder {
    pub fn record(&self, lateness: Duration) {
        let micros = lateness.as_micros().min(u32::MAX as u128) as u32;
        self.samples
            .lock()
            .expect("delay lock poisoned")
            .push(micros);
    }

    /// Quantiles of the lateness so far.
    pub fn summary(&self) -> DelaySummary {
        let mut samples = self.samples.lock().expect("delay lock poisoned").clone();
        samples.sort_unstable();
        let at = |q: f64| -> f64 {
            if samples.is_empty() {
                return 0.0;
            }
            let i = ((samples.len() as f64 * q) as usize).min(samples.len() - 1);
            samples[i] as f64 / 1000.0
        };
        DelaySummary {
            count: samples.len(),
            p50_ms: at(0.5),
            p99_ms: at(0.99),
            max_ms: at(1.0),
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
        for ms in 1..=100u64 {
            r.record(Duration::from_millis(ms));
        }
        let s = r.summary();
        assert_eq!(
            (s.count, s.p50_ms, s.p99_ms, s.max_ms),
            (100, 51.0, 100.0, 100.0)
        );
        assert_eq!(DelayRecorder::default().summary().count, 0);
    }
}
