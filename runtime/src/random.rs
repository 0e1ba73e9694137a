//! A node's randomness: one seeded generator per node, owned by its [`crate::Ctx`], so that
//! everything a handler draws (retry jitter, election timeouts, ...) follows from the seed the
//! launcher gave ([`crate::NodeEnv`]) and the node's id. The stdio binary seeds from entropy
//! (or `$GLOMERS_SEED`); an in-process cluster seeds every node from the run's one seed, and
//! mixing in the node id keeps nodes of one run from drawing the same numbers in lock-step.
//! The generator is ChaCha8, as in the simulator: its output is fixed by its specification,
//! so a seed means the same draws across `rand` releases.

use std::sync::Mutex;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The generator of one node. `Send` and `Sync`, behind a lock no caller holds across an
/// await (draws are closures that cannot await).
#[derive(Debug)]
pub(crate) struct NodeRng {
    rng: Mutex<ChaCha8Rng>,
}

impl NodeRng {
    /// The generator of node `node_id` in a run seeded with `seed`.
    pub(crate) fn new(seed: u64, node_id: &str) -> NodeRng {
        NodeRng {
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(node_seed(seed, node_id))),
        }
    }

    /// Runs `draw` on the generator.
    pub(crate) fn with<T>(&self, draw: impl FnOnce(&mut ChaCha8Rng) -> T) -> T {
        // A panic inside a draw leaves a generator in some valid state; any state will do.
        draw(&mut crate::lock::lock(&self.rng))
    }
}

/// The seed of `node_id`'s generator: the run's seed and the id, mixed by FNV-1a then a
/// SplitMix64 finaliser. Both are fixed arithmetic, unlike `std`'s `DefaultHasher`, whose
/// algorithm may change between Rust releases and would change every run's draws with it.
pub(crate) fn node_seed(seed: u64, node_id: &str) -> u64 {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    let id_hash = node_id.bytes().fold(FNV_OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
    });
    let mut z = seed ^ id_hash;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn draws(rng: &NodeRng) -> Vec<u64> {
        (0..8).map(|_| rng.with(|r| r.gen())).collect()
    }

    #[test]
    fn the_same_seed_and_node_draw_the_same_numbers() {
        assert_eq!(
            draws(&NodeRng::new(42, "n1")),
            draws(&NodeRng::new(42, "n1"))
        );
    }

    #[test]
    fn other_nodes_and_other_seeds_draw_other_numbers() {
        let n1 = draws(&NodeRng::new(42, "n1"));
        assert_ne!(n1, draws(&NodeRng::new(42, "n2")));
        assert_ne!(n1, draws(&NodeRng::new(43, "n1")));
    }

    #[test]
    fn node_seeds_are_fixed_arithmetic() {
        // Pinned (the value computed apart from this code, in Python) so that a change to
        // the mixing, which would change every recorded run's draws, is a deliberate one.
        assert_ne!(node_seed(0, "n0"), node_seed(0, "n1"));
        assert_eq!(node_seed(7, "n3"), 0xb765_af7f_b33c_34f8);
    }
}
