//! How a stream paces its messages: the gap between data messages, how long an
//! acknowledgement waits for a ride, and how long a peer may stay silent before what it
//! lacks is sent again.

use std::time::Duration;

/// The pacing of every [`Session`](super::Session) of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamPolicy {
    /// Least time between two data messages to one peer; news arriving meanwhile waits and
    /// travels in the next one. Zero when the caller paces by how often it asks.
    pub min_gap: Duration,
    /// How long an acknowledgement may wait to ride on a data message before it is sent
    /// alone. At least the caller's polling period, so that busy peers never send lone
    /// acknowledgements.
    pub ack_delay: Duration,
    /// How long after the last data message what the peer still lacks is sent again. Must
    /// exceed a round trip plus the peer's `ack_delay` (and its `min_gap`), or messages are
    /// resent needlessly.
    pub resend_after: Duration,
}
