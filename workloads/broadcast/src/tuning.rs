//! The pacing of a broadcast node: how long the hub and the leaves hold values back to
//! batch them, and how patient acknowledgements and resends are. Two profiles,
//! one per registered handler; the crate's top comment gives the arithmetic behind them.

use std::time::Duration;

use runtime::peer_stream::StreamPolicy;

/// Timing of one node profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// Least time between two batches from the hub to one leaf.
    pub hub_gap: Duration,
    /// Least time between two batches from a leaf to the hub.
    pub leaf_gap: Duration,
    /// How long an acknowledgement waits for a data batch to ride on.
    pub ack_delay: Duration,
    /// How long sent values may go unacknowledged before they are sent again.
    pub resend_after: Duration,
}

const fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

impl Tuning {
    /// For `broadcast` (challenges 3a-3d): a value is at most `leaf_gap` + hop + `hub_gap`
    /// + hop from every node, about 450 ms at 100 ms per hop.
    pub const QUICK: Tuning = Tuning {
        hub_gap: ms(150),
        leaf_gap: ms(100),
        ack_delay: ms(400),
        resend_after: ms(1500),
    };

    /// For `broadcast-lean` (challenge 3e): fewer, fuller batches, about 1.3 s end to end
    /// at worst.
    pub const LEAN: Tuning = Tuning {
        hub_gap: ms(500),
        leaf_gap: ms(700),
        ack_delay: ms(1000),
        resend_after: ms(2500),
    };

    /// The stream policy of the hub (`is_hub`) or of a leaf.
    pub fn policy(&self, is_hub: bool) -> StreamPolicy {
        StreamPolicy {
            min_gap: if is_hub { self.hub_gap } else { self.leaf_gap },
            ack_delay: self.ack_delay,
            resend_after: self.resend_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A resend must not overtake the acknowledgement it waits for: one hop
    /// there, the peer's wait for a ride (at most `ack_delay`), one hop back. With hops
    /// of up to 250 ms (2.5 times the challenges' 100) that must still fit.
    #[test]
    fn a_resend_waits_longer_than_an_acknowledgement_can_take() {
        for tuning in [Tuning::QUICK, Tuning::LEAN] {
            let slowest_ack = ms(250) + tuning.ack_delay + ms(250);
            assert!(tuning.resend_after > slowest_ack, "{tuning:?}");
            assert_eq!(tuning.policy(true).min_gap, tuning.hub_gap);
            assert_eq!(tuning.policy(false).min_gap, tuning.leaf_gap);
        }
    }
}
