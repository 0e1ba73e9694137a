//! One seed, many independent random streams.
//!
//! Every random choice of a run comes from the run's single seed, so a printed seed replays
//! the run's schedule. Each purpose draws from its own ChaCha stream: how many latency samples
//! the nodes happened to cause can then never shift the operations the generator produces or
//! the faults the nemesis picks. ChaCha8 is named explicitly (not `StdRng`) because its output
//! is fixed by its specification, not by the version of `rand`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The generator type every stream uses.
pub type SimRng = ChaCha8Rng;

/// What a stream is used for; the discriminant is the ChaCha stream number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Operation values of the main and final phases.
    Generator = 1,
    /// Which free worker gets the next operation, and the stagger gaps between operations.
    Schedule = 2,
    /// Per-message network latency samples.
    Latency = 3,
    /// The nemesis: partition kinds, shuffles and the gaps between faults.
    Nemesis = 4,
    /// seq-kv's choice of which past state a request runs against.
    SeqKv = 5,
    /// lww-kv's choice of replica.
    LwwKv = 6,
    /// The explorer's in-process nodes: one seed per node, drawn in node order.
    Nodes = 7,
}

/// A deterministic generator for `stream` of the run seeded with `seed`.
pub fn stream(seed: u64, which: Stream) -> SimRng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(which as u64);
    rng
}

/// A fresh seed for a run that was not given one.
pub fn random_seed() -> u64 {
    // Keep seeds short enough to type: 2^53 keeps them exact in JSON numbers too.
    rand::thread_rng().gen_range(0..(1u64 << 53))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let draw = |seed, s| -> Vec<u32> {
            let mut r = stream(seed, s);
            (0..8).map(|_| r.gen()).collect()
        };
        assert_eq!(draw(7, Stream::Generator), draw(7, Stream::Generator));
        assert_ne!(draw(7, Stream::Generator), draw(7, Stream::Nemesis));
        assert_ne!(draw(7, Stream::Generator), draw(8, Stream::Generator));
    }
}
