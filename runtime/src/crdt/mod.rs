//! State-based CRDTs (conflict-free replicated data types) for workloads that replicate by
//! gossip: each replica updates its own copy, copies are combined with [`Crdt::merge`], and
//! because merge is commutative, associative and idempotent, replicas that have seen the
//! same updates hold the same state, whatever order, grouping or repetition the network
//! delivered them in. Nothing here knows a workload or a message type.
//!
//! - [`g_counter`]: a grow-only counter, one monotone count per replica, merged by max.
//! - [`pn_counter`]: a counter that also goes down: two grow-only counters.
//! - [`g_set`]: a grow-only set, merged by union.
//! - [`replica`]: one node's copy replicated by delta gossip over a
//!   [`peer_stream`](crate::peer_stream): each peer gets what it may lack, until it acknowledges.
//! - [`gossip`]: the timer that sends a replica's due envelopes to the node's peers.
//! - `laws`: property tests of the merge laws for every type above.

pub mod g_counter;
pub mod g_set;
pub mod gossip;
pub mod pn_counter;
pub mod replica;

#[cfg(test)]
mod laws;

pub use g_counter::GCounter;
pub use g_set::GSet;
pub use gossip::gossip_every;
pub use pn_counter::PnCounter;
pub use replica::{Envelope, Held, Replica};

/// A state-based CRDT: a join semilattice whose [`Default`] is the bottom element.
pub trait Crdt: Clone + Default + PartialEq + std::fmt::Debug {
    /// Joins `other` into `self`: afterwards `self` is the least state that includes both.
    /// Commutative, associative and idempotent.
    fn merge(&mut self, other: &Self);

    /// What `self` holds that `known` lacks, as a (usually small) state of its own, or
    /// `None` when `known` already includes all of `self`. Merging the delta into `known`
    /// gives the same state as merging all of `self` into it, which is what lets gossip
    /// send deltas instead of whole states.
    fn delta_since(&self, known: &Self) -> Option<Self>;

    /// The semilattice order: true when merging `self` into `other` would change nothing.
    fn is_included_in(&self, other: &Self) -> bool {
        self.delta_since(other).is_none()
    }
}
