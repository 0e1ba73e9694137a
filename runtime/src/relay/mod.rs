//! Relaying around one-way cuts: a node whose messages to a peer seem not to arrive also
//! sends them through the other peers, each of which passes them on once. A sans-IO state
//! machine ([`Relay`]) decides, from what the node sent and heard, how each message to a
//! peer travels and what becomes of each relayed message that arrives; [`crate::Ctx`]
//! applies it to every message a node sends to or receives from a peer, once the node
//! turns it on ([`crate::Ctx::relay_around_cuts`]).
//!
//! Why: Maelstrom's partitions are grudges, and some are one-way. Its 3-node
//! `majorities-ring` lets every node send to exactly one other and hear exactly one other,
//! so no two nodes hear each other and a protocol of requests and replies (Raft) cannot
//! form a majority, although every message could still get anywhere around the ring.
//!
//! What a node knows of a link, and how it learns it (`links`):
//! - **It does not hear the peer** ("deaf") when it sent to the peer and nothing came
//!   straight from it for `silence`.
//! - **The peer does not get its messages** ("cut") when the peer says so: it is deaf to
//!   this node. Hearing a peer directly does not prove the peer hears us (on a one-way cut
//!   exactly that is false), and silence does not prove a cut that relaying could cross (a
//!   cut both ways looks the same), so only the peer's complaint counts.
//! - A message to a peer that is neither deaf nor cut goes straight, as it always did. To a
//!   deaf one it goes straight in an [`Envelope`] that says so, so the peer learns to relay
//!   to this node. To a cut one it goes in the same envelope straight *and* through every
//!   other peer that neither complains nor left a message unanswered for `silence` (through
//!   all of them when none is left), unless this node reaches a majority of the cluster
//!   both ways without relaying: a majority is what
//!   a quorum protocol needs to go on, and a node that has one would spend messages on
//!   peers beyond a cut for no progress (at 5 nodes, Maelstrom's `majorities-ring` leaves
//!   every node such a majority). A plain message says "I hear you"; relaying toward a peer
//!   stops once it is heard again and its messages say it hears this node.
//!
//! What a node does with an envelope ([`Relay::heard_envelope`]): addressed to it, it is
//! handled as if its origin had sent it straight, once (copies that came by several paths
//! are told apart by the origin's `msg_id`, `seen`); addressed to another node and
//! received from its origin, it is passed on once, straight to its target; received from
//! anyone else it has travelled its one hop and is dropped. So a message takes at most two
//! hops, and relays cannot loop or multiply.
//!
//! What it costs: nothing while every peer answers within `silence` (a message is plain, as
//! before), so only protocols whose peers answer each other (requests and replies, or a
//! leader's regular heartbeats) should turn it on. Toward a cut peer, from a node without
//! a majority both ways, a message in a cluster of `n` costs up to `1 + 2 (n - 2)` messages
//! instead of one: 3 at 3 nodes.
//!
//! - [`envelope`]: the relayed message on the wire.
//! - `links`: what a node knows of its link with one peer.
//! - `seen`: which relayed messages were already handled.

pub mod envelope;
mod links;
mod seen;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::time::Instant;

pub use self::envelope::{Envelope, ENVELOPE_KIND};
use self::links::Link;
use self::seen::Seen;

/// When a link is taken for cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelayConfig {
    /// How long after sending to a peer a node waits for something straight back before it
    /// takes itself for deaf to the peer (and says so). Longer than the longest quiet spell
    /// between peers that hear each other, or live links are relayed for nothing.
    pub silence: Duration,
}

/// How one message to a peer travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Straight and plain, as without a relay.
    Direct,
    /// In an [`Envelope`] carrying `deaf`, straight to the peer and through each of `via`.
    Enveloped { deaf: bool, via: Vec<String> },
}

/// What to do with an envelope that arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// Handle its body as a message from its origin.
    Deliver,
    /// Pass it on, unchanged, straight to this node.
    Forward(String),
    /// Already handled, past its hop, or nonsense.
    Drop,
}

/// One node's relaying: its links with every peer and the relayed messages it handled.
#[derive(Debug)]
pub struct Relay {
    id: String,
    config: RelayConfig,
    /// Every other node of the cluster, by id.
    links: BTreeMap<String, Link>,
    seen: Seen,
}

impl Relay {
    /// Node `id` of the cluster `node_ids`; every link is taken for sound until the traffic
    /// says otherwise.
    pub fn new(id: &str, node_ids: &[String], config: RelayConfig) -> Relay {
        let links = node_ids
            .iter()
            .filter(|node| *node != id)
            .map(|node| (node.clone(), Link::default()))
            .collect();
        Relay {
            id: id.to_owned(),
            config,
            links,
            seen: Seen::default(),
        }
    }

    /// True for the other nodes of the cluster: the only ones messages are relayed between.
    pub fn is_peer(&self, node: &str) -> bool {
        self.links.contains_key(node)
    }

    /// Notes a message to `to`, sent at `now`, and says how it travels. Anything but a
    /// peer gets [`Route::Direct`].
    pub fn route(&mut self, to: &str, now: Instant) -> Route {
        let silence = self.config.silence;
        let Some(link) = self.links.get_mut(to) else {
            return Route::Direct;
        };
        link.sent(now);
        let deaf = link.deaf(now, silence);
        let both_ways = self
            .links
            .values()
            .filter(|link| link.both_ways(now, silence))
            .count();
        // This node and those peers make more than half of the cluster.
        let majority = 2 * (1 + both_ways) > self.links.len() + 1;
        if majority || !self.links[to].cut(now, silence) {
            return if deaf {
                Route::Enveloped { deaf, via: vec![] }
            } else {
                Route::Direct
            };
        }
        let others = || self.links.keys().filter(|peer| *peer != to);
        let mut via: Vec<String> = others()
            .filter(|peer| !self.links[*peer].unpromising(now, silence))
            .cloned()
            .collect();
        if via.is_empty() {
            via = others().cloned().collect();
        }
        Route::Enveloped { deaf, via }
    }

    /// Notes a plain message straight from `from` at `now`: the link from it works, and it
    /// hears this node (or it would have sent an envelope saying otherwise).
    pub fn heard_plain(&mut self, from: &str, now: Instant) {
        if let Some(link) = self.links.get_mut(from) {
            link.heard_directly(now);
            link.heard_word(false, None);
        }
    }

    /// Notes an envelope straight from `from` whose body has the origin's `msg_id` `id`,
    /// and says what to do with it.
    pub fn heard_envelope<B>(
        &mut self,
        from: &str,
        envelope: &Envelope<B>,
        id: Option<u64>,
        now: Instant,
    ) -> Inbound {
        let Some(link) = self.links.get_mut(from) else {
            return Inbound::Drop;
        };
        link.heard_directly(now);
        if envelope.target != self.id {
            let first_hop = envelope.origin == from;
            let passable = self.is_peer(&envelope.target) && envelope.target != from;
            return if first_hop && passable {
                Inbound::Forward(envelope.target.clone())
            } else {
                Inbound::Drop
            };
        }
        let Some(origin) = self.links.get_mut(&envelope.origin) else {
            return Inbound::Drop;
        };
        origin.heard_word(envelope.deaf, Some(now));
        match id {
            Some(id) if !self.seen.first_time(&envelope.origin, id, now) => Inbound::Drop,
            _ => Inbound::Deliver,
        }
    }
}
