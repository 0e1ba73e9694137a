//! Resend to a peer until it acknowledges: one sans-IO, clock-free building block for every
//! workload that replicates by pushing to its peers (broadcast's batches, the CRDT replicas'
//! gossip, txn's committed writes, kafka-lean's log syncs).
//!
//! Each ordered pair of nodes forms a *stream*, kept on each side by a [`Session`]:
//!
//! - **Numbering.** The sender numbers its data messages to one peer 0, 1, 2, ... in the
//!   [`Header`] they carry.
//! - **Cumulative content.** A data message carries everything the peer is not known to
//!   hold (what [`Offer::cut`] returns), not only what changed since the last message. So
//!   an acknowledgement of message `n` proves that the peer holds what every message up to
//!   `n` carried, a lost message needs no gap tracking or go-back (the next one repairs it),
//!   and duplicated or reordered messages are harmless.
//! - **Acknowledgement.** Every message carries, as `ack`, the highest number received from
//!   its destination, so acknowledgements ride on traffic flowing the other way. Only when
//!   one has waited `ack_delay` for a ride does it travel alone: a header with no `seq`,
//!   which is itself never acknowledged, so acks cannot ping-pong.
//! - **When a message is due.** When the peer lacks something the last message did not
//!   carry (news) and `min_gap` has passed since the last data message; or when the peer
//!   still lacks something `resend_after` after the last data message (a loss, a
//!   partition); or when an acknowledgement is due alone. A peer that has acknowledged
//!   nothing for `resend_after` gets news only at that resend pace, so a partition costs
//!   one message per `resend_after`, not one per gap.
//! - **What the peer is known to hold** ([`Known`]) grows only from evidence: the receipt
//!   of an acknowledged message (and whatever else the caller can prove, such as what the
//!   peer itself sent).
//!
//! What differs between users is the content, behind two traits: [`Known`], what a peer is
//! known to hold and what an acknowledgement proves, and [`Offer`], what to send the peer
//! given a source (a shared state, or nothing when the content owns its items). [`Queue`]
//! is the content for explicit queues of items; workloads implement the traits for state
//! they compute messages from (a CRDT, kafka's logs).
//!
//! - `header`: [`Header`], the stream's part of a message on the wire.
//! - `content`: the [`Known`] and [`Offer`] traits and [`Pending`].
//! - `policy`: [`StreamPolicy`], the pacing.
//! - `session`: [`Session`], both directions with one peer.
//! - `streams`: [`Streams`], one session per peer.
//! - `queue`: [`Queue`], an explicit queue of items as content.
//! - `every`: [`send_every`], a timer that sends what is due through a [`crate::Ctx`].
//! - `lossy` (tests only): a lossy, duplicating, reordering link to drive sessions over.

mod content;
mod every;
mod header;
mod policy;
mod queue;
mod session;
mod streams;

#[cfg(test)]
pub(crate) mod lossy;

pub use content::{Known, Offer, Pending};
pub use every::send_every;
pub use header::Header;
pub use policy::StreamPolicy;
pub use queue::{MaxItems, Queue};
pub use session::{Outgoing, Session};
pub use streams::Streams;
