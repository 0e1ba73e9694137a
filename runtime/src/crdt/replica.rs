//! One node's copy of a CRDT, replicated to its peers by delta gossip, sans-IO and
//! clock-free: callers pass `now`, send what [`Replica::due`] returns however they like, and
//! hand what peers send to [`Replica::receive`].
//!
//! For each peer the replica keeps `known`, a state the peer certainly holds. It grows only
//! from evidence: a delta the peer sent us, or one of ours the peer acknowledged. A message
//! to a peer carries `state.delta_since(known)`, so every message is *cumulative*: it holds
//! everything the peer might lack, not just what changed since the last message. That is
//! what keeps the protocol small: a lost message needs no go-back or gap tracking, the
//! next one repairs it; and an acknowledgement of message `s` confirms every earlier
//! message too, because whatever an earlier one carried is either already known or carried
//! again by `s` (deltas satisfy `known ⊔ delta = known ⊔ state`).
//!
//! Messages are numbered per peer; each one also acknowledges the highest number received
//! from its destination, so acknowledgements ride on gossip flowing the other way. Only
//! when an acknowledgement has waited `ack_delay` without a ride does it travel alone, as
//! an envelope with no delta, which is itself never acknowledged (so acks cannot
//! ping-pong). A delta nobody acknowledged is sent again after `resend_after`; a delta with
//! something new goes out at the next call of `due`, so callers pace the gossip by how
//! often they call it.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::Crdt;

/// Sent deltas kept per peer for acknowledgement; older ones are forgotten (which can
/// only cost a resend, never a loss, since later deltas carry their content).
const KEPT_UNACKNOWLEDGED: usize = 64;

/// How a [`Replica`] paces resends and lone acknowledgements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GossipPolicy {
    /// How long an unacknowledged delta waits before it is sent again unchanged. Must
    /// exceed a round trip plus the peer's `ack_delay`, or deltas are resent needlessly.
    pub resend_after: Duration,
    /// How long an acknowledgement waits to ride on a delta before travelling alone. At
    /// least the caller's gossip period, so that busy peers never send lone acks.
    pub ack_delay: Duration,
}

/// One gossip message between two replicas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<C> {
    /// This message's number in the stream to its destination; absent in a lone
    /// acknowledgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// The highest message number the sender has received from the destination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack: Option<u64>,
    /// What the destination may lack; absent in a lone acknowledgement.
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub delta: Option<C>,
}

fn none<C>() -> Option<C> {
    None
}

/// Both directions between this replica and one peer.
#[derive(Debug, Clone)]
struct Link<C> {
    /// A state the peer certainly holds.
    known: C,
    next_seq: u64,
    /// Deltas sent and not yet acknowledged, by message number.
    unacked: BTreeMap<u64, C>,
    /// The last delta sent and when, to tell a resend from news.
    last_sent: Option<(Instant, C)>,
    /// The highest message number received from the peer.
    received: Option<u64>,
    /// Since when the peer is owed an acknowledgement.
    ack_owed_since: Option<Instant>,
}

impl<C: Crdt> Default for Link<C> {
    fn default() -> Self {
        Link {
            known: C::default(),
            next_seq: 0,
            unacked: BTreeMap::new(),
            last_sent: None,
            received: None,
            ack_owed_since: None,
        }
    }
}

impl<C: Crdt> Link<C> {
    fn accept_ack(&mut self, ack: u64) {
        let confirmed: Vec<u64> = self.unacked.range(..=ack).map(|(&seq, _)| seq).collect();
        for seq in confirmed {
            if let Some(delta) = self.unacked.remove(&seq) {
                self.known.merge(&delta);
            }
        }
    }

    fn take_due(&mut self, state: &C, policy: &GossipPolicy, now: Instant) -> Option<Envelope<C>> {
        let delta = state.delta_since(&self.known);
        let send_delta = delta.as_ref().is_some_and(|delta| match &self.last_sent {
            None => true,
            Some((at, last)) => !delta.is_included_in(last) || *at + policy.resend_after <= now,
        });
        let ack_due = self
            .ack_owed_since
            .is_some_and(|since| since + policy.ack_delay <= now);
        if !send_delta && !ack_due {
            return None;
        }
        self.ack_owed_since = None;
        let Some(delta) = delta.filter(|_| send_delta) else {
            return Some(Envelope {
                seq: None,
                ack: self.received,
                delta: None,
            });
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        self.unacked.insert(seq, delta.clone());
        if self.unacked.len() > KEPT_UNACKNOWLEDGED {
            self.unacked.pop_first();
        }
        self.last_sent = Some((now, delta.clone()));
        Some(Envelope {
            seq: Some(seq),
            ack: self.received,
            delta: Some(delta),
        })
    }
}

/// A CRDT replica with what each peer is known to hold, for delta gossip.
#[derive(Debug, Clone)]
pub struct Replica<C: Crdt> {
    state: C,
    policy: GossipPolicy,
    links: BTreeMap<String, Link<C>>,
}

impl<C: Crdt> Replica<C> {
    pub fn new(policy: GossipPolicy) -> Replica<C> {
        Replica {
            state: C::default(),
            policy,
            links: BTreeMap::new(),
        }
    }

    /// This replica's state.
    pub fn state(&self) -> &C {
        &self.state
    }

    /// Changes the state locally (an update only this replica may make, such as adding to
    /// its own entry of a counter). Peers learn of it at the next [`Replica::due`].
    pub fn update<R>(&mut self, change: impl FnOnce(&mut C) -> R) -> R {
        change(&mut self.state)
    }

    /// Takes in a message from `peer`: merges its delta (which the peer evidently holds)
    /// and its acknowledgement, and owes the peer an acknowledgement of its own.
    pub fn receive(&mut self, peer: &str, envelope: Envelope<C>, now: Instant) {
        let link = self.links.entry(peer.to_owned()).or_default();
        if let Some(ack) = envelope.ack {
            link.accept_ack(ack);
        }
        if let Some(delta) = &envelope.delta {
            self.state.merge(delta);
            link.known.merge(delta);
        }
        if let Some(seq) = envelope.seq {
            link.received = Some(link.received.map_or(seq, |r| r.max(seq)));
            // Owed even for a message already held: it was resent because our last
            // acknowledgement got lost.
            link.ack_owed_since.get_or_insert(now);
        }
    }

    /// The messages due now, at most one per peer: a delta when the peer may lack
    /// something new (or an unacknowledged delta is due again), else a lone
    /// acknowledgement that has waited long enough.
    pub fn due<'p>(
        &mut self,
        peers: impl IntoIterator<Item = &'p str>,
        now: Instant,
    ) -> Vec<(String, Envelope<C>)> {
        let mut out = Vec::new();
        for peer in peers {
            let link = self.links.entry(peer.to_owned()).or_default();
            if let Some(envelope) = link.take_due(&self.state, &self.policy, now) {
                out.push((peer.to_owned(), envelope));
            }
        }
        out
    }

    /// A state `peer` is known to hold.
    pub fn known_by(&self, peer: &str) -> C {
        self.links
            .get(peer)
            .map(|link| link.known.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::GSet;

    const POLICY: GossipPolicy = GossipPolicy {
        resend_after: Duration::from_millis(1000),
        ack_delay: Duration::from_millis(300),
    };

    fn set(elements: &[u32]) -> GSet<u32> {
        elements.iter().copied().collect()
    }

    fn ms(start: Instant, millis: u64) -> Instant {
        start + Duration::from_millis(millis)
    }

    #[test]
    fn news_goes_out_at_once_and_an_unacknowledged_delta_only_after_resend_after() {
        let t = Instant::now();
        let mut r: Replica<GSet<u32>> = Replica::new(POLICY);
        r.update(|s| s.insert(1));
        let first = r.due(["n1"], t);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].1.delta, Some(set(&[1])));
        assert_eq!(first[0].1.seq, Some(0));
        assert!(
            r.due(["n1"], ms(t, 500)).is_empty(),
            "nothing new, not yet due again"
        );
        r.update(|s| s.insert(2));
        let news = r.due(["n1"], ms(t, 600));
        assert_eq!(news[0].1.delta, Some(set(&[1, 2])), "deltas are cumulative");
        assert!(r.due(["n1"], ms(t, 1500)).is_empty());
        let resent = r.due(["n1"], ms(t, 1600));
        assert_eq!(
            (resent[0].1.seq, resent[0].1.delta.clone()),
            (Some(2), Some(set(&[1, 2])))
        );
    }

    #[test]
    fn an_acknowledgement_confirms_its_message_and_every_earlier_one() {
        let t = Instant::now();
        let mut r: Replica<GSet<u32>> = Replica::new(POLICY);
        r.update(|s| s.insert(1));
        r.due(["n1"], t);
        r.update(|s| s.insert(2));
        r.due(["n1"], ms(t, 100));
        // The peer got message 1 (message 0 may be lost): that covers both elements.
        r.receive(
            "n1",
            Envelope {
                seq: None,
                ack: Some(1),
                delta: None,
            },
            ms(t, 200),
        );
        assert_eq!(r.known_by("n1"), set(&[1, 2]));
        assert!(
            r.due(["n1"], ms(t, 5000)).is_empty(),
            "a lone ack is not acknowledged"
        );
    }

    #[test]
    fn acknowledgements_ride_on_deltas_and_travel_alone_only_after_ack_delay() {
        let t = Instant::now();
        let mut r: Replica<GSet<u32>> = Replica::new(POLICY);
        r.receive(
            "n1",
            Envelope {
                seq: Some(4),
                ack: None,
                delta: Some(set(&[7])),
            },
            t,
        );
        assert_eq!(r.state(), &set(&[7]));
        assert!(
            r.due(["n1"], ms(t, 100)).is_empty(),
            "what n1 sent is not sent back"
        );
        r.update(|s| s.insert(8));
        let ride = r.due(["n1"], ms(t, 200));
        assert_eq!(
            ride[0].1,
            Envelope {
                seq: Some(0),
                ack: Some(4),
                delta: Some(set(&[8]))
            }
        );
        r.receive(
            "n1",
            Envelope {
                seq: Some(5),
                ack: None,
                delta: Some(set(&[9])),
            },
            ms(t, 300),
        );
        assert!(r.due(["n1"], ms(t, 500)).is_empty());
        let alone = r.due(["n1"], ms(t, 600));
        assert_eq!(
            alone[0].1,
            Envelope {
                seq: None,
                ack: Some(5),
                delta: None
            }
        );
    }

    #[test]
    fn two_replicas_converge_over_a_lossy_link() {
        // Every other message in each direction is lost; both sides still end with the
        // union, and once everything is acknowledged the link falls silent.
        let t = Instant::now();
        let mut a: Replica<GSet<u32>> = Replica::new(POLICY);
        let mut b: Replica<GSet<u32>> = Replica::new(POLICY);
        let (mut sent_by_a, mut sent_by_b) = (0, 0);
        for step in 0..60u64 {
            let now = ms(t, step * 250);
            if step < 10 {
                a.update(|s| s.insert(step as u32));
                b.update(|s| s.insert(100 + step as u32));
            }
            let (from_a, from_b) = (a.due(["b"], now), b.due(["a"], now));
            for (_, envelope) in from_a {
                sent_by_a += 1;
                if sent_by_a % 2 == 0 {
                    b.receive("a", envelope, now);
                }
            }
            for (_, envelope) in from_b {
                sent_by_b += 1;
                if sent_by_b % 2 == 1 {
                    a.receive("b", envelope, now);
                }
            }
        }
        assert_eq!(a.state(), b.state());
        assert_eq!(a.state().len(), 20);
        assert!(a.due(["b"], ms(t, 60_000)).is_empty());
        assert!(b.due(["a"], ms(t, 60_000)).is_empty());
    }

    proptest::proptest! {
        /// Three replicas gossip over links that lose any pattern of messages for a while
        /// (a partition, in both directions, of any shape); once the links are whole again
        /// every replica ends with every element and the links fall silent.
        #[test]
        fn replicas_converge_once_losses_stop(
            adds in proptest::collection::vec((0..3usize, 0..50u32), 0..30),
            losses in proptest::collection::vec(proptest::bool::ANY, 0..200),
        ) {
            let names = ["a", "b", "c"];
            let t = Instant::now();
            let mut replicas: Vec<Replica<GSet<u32>>> = (0..3).map(|_| Replica::new(POLICY)).collect();
            let mut sent = 0usize;
            for step in 0..80u64 {
                let now = ms(t, step * 250);
                if let Some(&(r, element)) = adds.get(step as usize) {
                    replicas[r].update(|s| s.insert(element));
                }
                for from in 0..3 {
                    let peers: Vec<&str> = names.iter().copied().filter(|p| *p != names[from]).collect();
                    for (to, envelope) in replicas[from].due(peers, now) {
                        let lost = losses.get(sent).copied().unwrap_or(false);
                        sent += 1;
                        if !lost {
                            let to = names.iter().position(|n| *n == to).unwrap();
                            replicas[to].receive(names[from], envelope, now);
                        }
                    }
                }
            }
            let all: GSet<u32> = adds.iter().map(|&(_, e)| e).collect();
            for r in &replicas {
                proptest::prop_assert_eq!(r.state(), &all);
            }
            // Acknowledgements still owed settle within a few more rounds, then nothing is
            // sent at all.
            let mut quiet_rounds = 0;
            for step in 80..120u64 {
                let now = ms(t, step * 250);
                let mut any = false;
                for from in 0..3 {
                    let peers: Vec<&str> = names.iter().copied().filter(|p| *p != names[from]).collect();
                    for (to, envelope) in replicas[from].due(peers, now) {
                        any = true;
                        let to = names.iter().position(|n| *n == to).unwrap();
                        replicas[to].receive(names[from], envelope, now);
                    }
                }
                quiet_rounds = if any { 0 } else { quiet_rounds + 1 };
            }
            proptest::prop_assert!(quiet_rounds >= 20, "links must fall silent");
        }
    }

    #[test]
    fn envelopes_leave_out_what_they_do_not_carry() {
        let ack: Envelope<GSet<u32>> = Envelope {
            seq: None,
            ack: Some(3),
            delta: None,
        };
        assert_eq!(
            serde_json::to_value(&ack).unwrap(),
            serde_json::json!({"ack": 3})
        );
        let parsed: Envelope<GSet<u32>> =
            serde_json::from_value(serde_json::json!({"seq": 1, "delta": [2]})).unwrap();
        assert_eq!(
            parsed,
            Envelope {
                seq: Some(1),
                ack: None,
                delta: Some(set(&[2]))
            }
        );
    }
}
