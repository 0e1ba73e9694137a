//! Per-message latency (spec §4.2 `--latency-dist`, §4.4): drawn in whole milliseconds for
//! every message whose endpoints are both non-clients; client traffic gets none.

use crate::options::LatencyDist;
use crate::rng::SimRng;
use rand::Rng;

/// A latency distribution with its mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    pub dist: LatencyDist,
    /// Mean milliseconds.
    pub mean: u64,
}

impl Latency {
    /// One sample in milliseconds, truncated to an integer as Maelstrom does.
    pub fn sample(&self, rng: &mut SimRng) -> u64 {
        match self.dist {
            LatencyDist::Constant => self.mean,
            // Clojure's (rand-int (* 2 mean)): uniform on [0, 2·mean), 0 when the mean is 0.
            LatencyDist::Uniform if self.mean == 0 => 0,
            LatencyDist::Uniform => rng.gen_range(0..2 * self.mean),
            LatencyDist::Exponential => {
                // Inverse transform; 1 - U lies in (0, 1], so the logarithm is finite.
                let u: f64 = rng.gen();
                (-(1.0 - u).ln() * self.mean as f64) as u64
            }
        }
    }

    /// Whether any message can be delayed at all (otherwise delivery is immediate).
    pub fn is_zero(&self) -> bool {
        self.mean == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Stream};

    fn mean_of(latency: Latency) -> f64 {
        let mut rng = stream(1, Stream::Latency);
        (0..20_000)
            .map(|_| latency.sample(&mut rng) as f64)
            .sum::<f64>()
            / 20_000.0
    }

    #[test]
    fn distributions_have_the_requested_mean() {
        assert_eq!(
            Latency {
                dist: LatencyDist::Constant,
                mean: 100
            }
            .sample(&mut stream(1, Stream::Latency)),
            100
        );
        let uniform = mean_of(Latency {
            dist: LatencyDist::Uniform,
            mean: 100,
        });
        assert!((uniform - 99.5).abs() < 2.0, "uniform mean {uniform}");
        // Truncation to whole ms lowers the exponential's mean by about half a millisecond.
        let exp = mean_of(Latency {
            dist: LatencyDist::Exponential,
            mean: 100,
        });
        assert!((exp - 99.5).abs() < 4.0, "exponential mean {exp}");
        let mut rng = stream(2, Stream::Latency);
        assert!((0..1000).all(|_| Latency {
            dist: LatencyDist::Uniform,
            mean: 3
        }
        .sample(&mut rng)
            < 6));
        assert_eq!(
            Latency {
                dist: LatencyDist::Uniform,
                mean: 0
            }
            .sample(&mut rng),
            0
        );
    }
}
