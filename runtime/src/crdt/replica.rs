//! One node's copy of a CRDT, replicated to its peers by delta gossip over
//! [`peer_stream`](crate::peer_stream) sessions, sans-IO and clock-free: callers pass `now`,
//! send what [`Replica::due`] returns however they like, and hand what peers send to
//! [`Replica::receive`].
//!
//! For each peer the session keeps a state the peer certainly holds ([`Held`]). It grows
//! only from evidence: a delta the peer sent us, or one of ours the peer acknowledged. A
//! message to a peer carries `state.delta_since(held)`, everything the peer might lack,
//! which is the cumulative content the stream needs: deltas satisfy
//! `held ⊔ delta = held ⊔ state`, so an acknowledgement of message `s` confirms every
//! earlier message too. A delta with something new goes out at the next call of `due`
//! (the policy's `min_gap` is normally zero: callers pace the gossip by how often they
//! call it), an unacknowledged one again after `resend_after`, and acknowledgements ride
//! on gossip flowing the other way or travel alone after `ack_delay`.

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::Crdt;
use crate::peer_stream::{Header, Known, Offer, Pending, StreamPolicy, Streams};

/// One gossip message between two replicas: `{"seq": s, "ack": a, "delta": d}`, each part
/// left out when absent (a lone acknowledgement is `{"ack": a}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<C> {
    #[serde(flatten)]
    pub header: Header,
    /// What the destination may lack; absent in a lone acknowledgement.
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub delta: Option<C>,
}

fn none<C>() -> Option<C> {
    None
}

/// A state one peer certainly holds: the content of a CRDT stream.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Held<C>(pub C);

impl<C: Crdt> Known for Held<C> {
    /// The delta an acknowledged message carried.
    type Receipt = C;

    fn confirm(&mut self, delta: C) {
        self.0.merge(&delta);
    }
}

impl<C: Crdt> Offer<C> for Held<C> {
    type Message = C;

    fn pending(&self, state: &C, last_sent: Option<&C>) -> Pending {
        match state.delta_since(&self.0) {
            None => Pending::Nothing,
            Some(delta) if last_sent.is_some_and(|last| delta.is_included_in(last)) => {
                Pending::InFlight
            }
            Some(_) => Pending::News,
        }
    }

    fn cut(&self, state: &C) -> Option<(C, C)> {
        state
            .delta_since(&self.0)
            .map(|delta| (delta.clone(), delta))
    }
}

/// A CRDT replica with a gossip stream to each peer.
#[derive(Debug, Clone)]
pub struct Replica<C: Crdt> {
    state: C,
    streams: Streams<String, Held<C>>,
}

impl<C: Crdt> Replica<C> {
    pub fn new(policy: StreamPolicy) -> Replica<C> {
        Replica {
            state: C::default(),
            streams: Streams::new(policy),
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
        let session = self.streams.session(peer);
        session.receive(envelope.header, now);
        if let Some(delta) = &envelope.delta {
            self.state.merge(delta);
            session.known_mut().0.merge(delta);
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
        self.streams
            .due(peers, &self.state, now)
            .into_iter()
            .map(|(peer, out)| {
                let envelope = Envelope {
                    header: out.header,
                    delta: out.data,
                };
                (peer, envelope)
            })
            .collect()
    }

    /// A state `peer` is known to hold.
    pub fn known_by(&self, peer: &str) -> C {
        self.streams
            .sessions()
            .find(|(p, _)| p.as_str() == peer)
            .map(|(_, session)| session.known().0.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::crdt::GSet;
    use crate::peer_stream::lossy;

    const POLICY: StreamPolicy = StreamPolicy {
        min_gap: Duration::ZERO,
        resend_after: Duration::from_millis(1000),
        ack_delay: Duration::from_millis(300),
    };

    fn envelope(
        seq: Option<u64>,
        ack: Option<u64>,
        delta: Option<GSet<u32>>,
    ) -> Envelope<GSet<u32>> {
        Envelope {
            header: Header { seq, ack },
            delta,
        }
    }

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
        assert_eq!(first[0].1.header.seq, Some(0));
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
            (resent[0].1.header.seq, resent[0].1.delta.clone()),
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
        r.receive("n1", envelope(None, Some(1), None), ms(t, 200));
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
        r.receive("n1", envelope(Some(4), None, Some(set(&[7]))), t);
        assert_eq!(r.state(), &set(&[7]));
        assert!(
            r.due(["n1"], ms(t, 100)).is_empty(),
            "what n1 sent is not sent back"
        );
        r.update(|s| s.insert(8));
        let ride = r.due(["n1"], ms(t, 200));
        assert_eq!(ride[0].1, envelope(Some(0), Some(4), Some(set(&[8]))));
        r.receive("n1", envelope(Some(5), None, Some(set(&[9]))), ms(t, 300));
        assert!(r.due(["n1"], ms(t, 500)).is_empty());
        let alone = r.due(["n1"], ms(t, 600));
        assert_eq!(alone[0].1, envelope(None, Some(5), None));
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
        // A fixed seed and no regression files: the same cases on every run.
        #![proptest_config(proptest::prelude::ProptestConfig {
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x0060_551e),
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

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

    /// A replica as the lossy test network sees it.
    struct Gossiper {
        peers: Vec<usize>,
        replica: Replica<GSet<u32>>,
    }

    fn name(node: usize) -> String {
        format!("n{node}")
    }

    impl lossy::Node for Gossiper {
        type Data = GSet<u32>;

        fn due(&mut self, now: Instant) -> Vec<(usize, Header, Option<GSet<u32>>)> {
            let names: Vec<String> = self.peers.iter().map(|&p| name(p)).collect();
            self.replica
                .due(names.iter().map(String::as_str), now)
                .into_iter()
                .map(|(to, envelope)| {
                    let to = to[1..].parse().expect("peers are named n<i>");
                    (to, envelope.header, envelope.delta)
                })
                .collect()
        }

        fn receive(&mut self, from: usize, header: Header, delta: Option<GSet<u32>>, now: Instant) {
            self.replica
                .receive(&name(from), Envelope { header, delta }, now);
        }
    }

    proptest::proptest! {
        // A fixed seed and no regression files: the same cases on every run.
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 64,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x0060_551f),
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Three replicas gossip every 250 ms over links that drop, duplicate and reorder
        /// their first messages; every replica ends with every element, and then nothing
        /// is due at all: no delta, no acknowledgement.
        #[test]
        fn replicas_converge_despite_loss_duplication_and_reordering(
            adds in proptest::collection::vec((0..3usize, 0..50u32), 0..30),
            fates in lossy::fates(200),
        ) {
            let mut nodes: Vec<Gossiper> = (0..3)
                .map(|me| Gossiper {
                    peers: (0..3).filter(|&p| p != me).collect(),
                    replica: Replica::new(POLICY),
                })
                .collect();
            let mut end = Instant::now();
            lossy::run(&mut nodes, &fates, 160, Duration::from_millis(250), |round, nodes, now| {
                if let Some(&(r, element)) = adds.get(round as usize) {
                    nodes[r].replica.update(|s| s.insert(element));
                }
                end = now;
            });
            let all: GSet<u32> = adds.iter().map(|&(_, e)| e).collect();
            for node in &mut nodes {
                proptest::prop_assert_eq!(node.replica.state(), &all);
                let quiet = lossy::Node::due(node, end + Duration::from_secs(3600));
                proptest::prop_assert!(quiet.is_empty(), "still sending {:?}", quiet);
            }
        }
    }

    #[test]
    fn envelopes_leave_out_what_they_do_not_carry() {
        let ack: Envelope<GSet<u32>> = envelope(None, Some(3), None);
        assert_eq!(
            serde_json::to_value(&ack).unwrap(),
            serde_json::json!({"ack": 3})
        );
        let parsed: Envelope<GSet<u32>> =
            serde_json::from_value(serde_json::json!({"seq": 1, "delta": [2]})).unwrap();
        assert_eq!(parsed, envelope(Some(1), None, Some(set(&[2]))));
    }
}
