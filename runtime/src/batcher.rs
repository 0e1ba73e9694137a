//! A batching, acknowledging outbox per peer: values bound for one peer wait and travel
//! together, at most one data batch per `min_gap`, and every value is sent again until the
//! peer acknowledges it, so a network that drops messages (a partition) only delays them.
//!
//! Each ordered pair of nodes forms a *stream*: the sender numbers the values it queues
//! for a peer 0, 1, 2, ... and each [`Batch`] says where its values start. The receiver
//! keeps how much of the stream it holds without a gap and tells the sender in the `ack`
//! of its own batches, so acknowledgements ride on traffic that flows anyway. Only when
//! an acknowledgement has waited `ack_delay` for such a ride does it travel alone (an
//! empty batch, which is itself never acknowledged, so acks cannot ping-pong). A sender
//! whose oldest unacknowledged value has seen no progress for `retransmit_after` goes
//! back to the acknowledged point and sends the rest again (go-back-N), which also heals
//! a gap left by one lost batch between later ones.
//!
//! The type is sans-IO and clock-free: callers pass `now`, take the batches that are due
//! with [`Batcher::due`], send them however they like, and ask [`Batcher::next_due`] when
//! to look again. It knows nothing of what the values mean; duplicates are the caller's
//! business (a retransmission may deliver a value twice).

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// How a [`Batcher`] paces its sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchPolicy {
    /// Least time between two data batches to one peer; values queued meanwhile wait and
    /// travel together. Zero sends every value as soon as [`Batcher::due`] is asked.
    pub min_gap: Duration,
    /// A peer with this many unsent values gets them at once, gap or not.
    pub max_batch: usize,
    /// How long an acknowledgement may wait to ride on a data batch before it is sent
    /// alone.
    pub ack_delay: Duration,
    /// How long unacknowledged values may go without any acknowledged progress before
    /// they are sent again. Must exceed a round trip plus `ack_delay` plus the peer's own
    /// `min_gap`, or values are resent needlessly.
    pub retransmit_after: Duration,
}

/// Values of one stream on the wire, with the sender's acknowledgement of the reverse
/// stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch<T> {
    /// Stream position of `values[0]` (or, for an acknowledgement alone, of the next
    /// value the sender would send).
    pub from: u64,
    pub values: Vec<T>,
    /// How many values of the recipient's stream to the sender the sender holds, counted
    /// from the start without a gap.
    pub ack: u64,
}

/// One outbox per peer, keyed by the peer's id.
#[derive(Debug, Clone)]
pub struct Batcher<P, T> {
    policy: BatchPolicy,
    links: BTreeMap<P, Link<T>>,
}

/// Both directions between this node and one peer.
#[derive(Debug, Clone)]
struct Link<T> {
    /// Queued values the peer has not acknowledged; `unacked[0]` is at position `acked`.
    unacked: VecDeque<T>,
    acked: u64,
    /// Values before this position have been sent since the last go-back.
    sent: u64,
    last_data_sent: Option<Instant>,
    /// Since when some queued value waits to be sent; set exactly while there is one.
    unsent_since: Option<Instant>,
    /// When unacknowledged sent values are sent again, unless progress comes first.
    retransmit_at: Option<Instant>,
    /// How much of the peer's stream to us we hold without a gap.
    received: u64,
    /// Since when the peer is owed an acknowledgement.
    ack_owed_since: Option<Instant>,
}

impl<T> Default for Link<T> {
    fn default() -> Self {
        Link {
            unacked: VecDeque::new(),
            acked: 0,
            sent: 0,
            last_data_sent: None,
            unsent_since: None,
            retransmit_at: None,
            received: 0,
            ack_owed_since: None,
        }
    }
}

impl<T: Clone> Link<T> {
    fn end(&self) -> u64 {
        self.acked + self.unacked.len() as u64
    }

    fn unsent(&self) -> usize {
        (self.end() - self.sent) as usize
    }

    /// Keeps `unsent_since` set exactly while some value waits to be sent.
    fn note_unsent(&mut self, now: Instant) {
        if self.unsent() == 0 {
            self.unsent_since = None;
        } else {
            self.unsent_since.get_or_insert(now);
        }
    }

    /// When data may next go out, if there is any to send: once the gap since the last
    /// data batch has passed, or at once for a full batch.
    fn data_due_at(&self, policy: &BatchPolicy) -> Option<Instant> {
        let since = self.unsent_since?;
        match self.last_data_sent {
            Some(last) if self.unsent() < policy.max_batch => {
                Some(since.max(last + policy.min_gap))
            }
            _ => Some(since),
        }
    }

    fn next_due(&self, policy: &BatchPolicy) -> Option<Instant> {
        [
            self.data_due_at(policy),
            self.ack_owed_since.map(|since| since + policy.ack_delay),
            self.retransmit_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn take_due(&mut self, policy: &BatchPolicy, now: Instant) -> Option<Batch<T>> {
        if let Some(at) = self.retransmit_at.filter(|at| *at <= now) {
            self.sent = self.acked;
            self.retransmit_at = None;
            self.note_unsent(at);
        }
        let data_due = self.data_due_at(policy).is_some_and(|at| at <= now);
        let ack_due = self
            .ack_owed_since
            .is_some_and(|since| since + policy.ack_delay <= now);
        if !data_due && !ack_due {
            return None;
        }
        let from = self.sent;
        let values: Vec<T> = if data_due {
            let skip = (self.sent - self.acked) as usize;
            self.unacked.iter().skip(skip).cloned().collect()
        } else {
            Vec::new()
        };
        if data_due {
            self.sent = self.end();
            self.unsent_since = None;
            self.last_data_sent = Some(now);
            self.retransmit_at
                .get_or_insert(now + policy.retransmit_after);
        }
        self.ack_owed_since = None;
        Some(Batch {
            from,
            values,
            ack: self.received,
        })
    }

    fn accept_ack(&mut self, ack: u64, policy: &BatchPolicy, now: Instant) {
        // An acknowledgement can only cover values that were queued; anything else is
        // stale or bogus and is ignored.
        if ack <= self.acked || ack > self.end() {
            return;
        }
        let newly = (ack - self.acked) as usize;
        self.unacked.drain(..newly);
        self.acked = ack;
        self.sent = self.sent.max(ack);
        self.note_unsent(now);
        self.retransmit_at = (self.sent > self.acked).then(|| now + policy.retransmit_after);
    }

    fn accept_data(&mut self, from: u64, count: usize, now: Instant) {
        if count == 0 {
            return;
        }
        if from <= self.received {
            self.received = self.received.max(from + count as u64);
        }
        // Owed even for a batch already held: it was resent because our last
        // acknowledgement got lost.
        self.ack_owed_since.get_or_insert(now);
    }
}

impl<P: Ord + Clone, T: Clone> Batcher<P, T> {
    pub fn new(policy: BatchPolicy) -> Batcher<P, T> {
        Batcher {
            policy,
            links: BTreeMap::new(),
        }
    }

    pub fn policy(&self) -> &BatchPolicy {
        &self.policy
    }

    /// Queues `value` for `peer` at `now`; it goes out with the next batch
    /// [`Batcher::due`] gives for that peer.
    pub fn push(&mut self, peer: &P, value: T, now: Instant) {
        let link = self.link(peer);
        link.unacked.push_back(value);
        link.note_unsent(now);
    }

    /// Takes in a batch `peer` sent: records its acknowledgement and the data's position,
    /// and returns the values (possibly some already delivered before) for the caller.
    pub fn receive(&mut self, peer: &P, batch: Batch<T>, now: Instant) -> Vec<T> {
        let policy = self.policy;
        let link = self.link(peer);
        link.accept_ack(batch.ack, &policy, now);
        link.accept_data(batch.from, batch.values.len(), now);
        batch.values
    }

    /// The batches to send at `now`, each marked as sent: data whose gap has passed (or
    /// whose values were never acknowledged in time), and acknowledgements that waited
    /// long enough.
    pub fn due(&mut self, now: Instant) -> Vec<(P, Batch<T>)> {
        let policy = self.policy;
        self.links
            .iter_mut()
            .filter_map(|(peer, link)| {
                link.take_due(&policy, now)
                    .map(|batch| (peer.clone(), batch))
            })
            .collect()
    }

    /// The earliest instant at which [`Batcher::due`] has something to give, if any.
    pub fn next_due(&self) -> Option<Instant> {
        self.links
            .values()
            .filter_map(|link| link.next_due(&self.policy))
            .min()
    }

    /// Values queued for `peer` that it has not acknowledged yet.
    pub fn unacknowledged(&self, peer: &P) -> usize {
        self.links.get(peer).map_or(0, |link| link.unacked.len())
    }

    /// True when every queued value is acknowledged and no acknowledgement is owed: the
    /// batcher will send nothing more until something new happens.
    pub fn is_settled(&self) -> bool {
        self.links
            .values()
            .all(|link| link.unacked.is_empty() && link.ack_owed_since.is_none())
    }

    fn link(&mut self, peer: &P) -> &mut Link<T> {
        if !self.links.contains_key(peer) {
            self.links.insert(peer.clone(), Link::default());
        }
        self.links
            .get_mut(peer)
            .expect("the link was inserted just above")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const POLICY: BatchPolicy = BatchPolicy {
        min_gap: Duration::from_millis(100),
        max_batch: 1000,
        ack_delay: Duration::from_millis(300),
        retransmit_after: Duration::from_millis(1000),
    };

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn values_queued_within_a_gap_travel_together() {
        let t0 = Instant::now();
        let mut a: Batcher<&str, u32> = Batcher::new(POLICY);
        a.push(&"b", 1, t0);
        assert_eq!(a.next_due(), Some(t0));
        assert_eq!(
            a.due(t0),
            vec![(
                "b",
                Batch {
                    from: 0,
                    values: vec![1],
                    ack: 0
                }
            )]
        );
        a.push(&"b", 2, t0 + ms(10));
        a.push(&"b", 3, t0 + ms(20));
        assert_eq!(a.next_due(), Some(t0 + ms(100)), "the gap holds them back");
        assert!(a.due(t0 + ms(99)).is_empty());
        assert_eq!(
            a.due(t0 + ms(100)),
            vec![(
                "b",
                Batch {
                    from: 1,
                    values: vec![2, 3],
                    ack: 0
                }
            )]
        );
        assert_eq!(a.unacknowledged(&"b"), 3);
    }

    #[test]
    fn a_full_batch_leaves_at_once() {
        let policy = BatchPolicy {
            max_batch: 2,
            ..POLICY
        };
        let t0 = Instant::now();
        let mut a: Batcher<&str, u32> = Batcher::new(policy);
        a.push(&"b", 1, t0);
        a.due(t0);
        a.push(&"b", 2, t0 + ms(1));
        assert!(a.due(t0 + ms(1)).is_empty());
        a.push(&"b", 3, t0 + ms(2));
        assert_eq!(a.due(t0 + ms(2))[0].1.values, vec![2, 3]);
    }

    #[test]
    fn acknowledgements_ride_on_data_going_back() {
        let t0 = Instant::now();
        let mut a: Batcher<&str, u32> = Batcher::new(POLICY);
        let mut b: Batcher<&str, u32> = Batcher::new(POLICY);
        a.push(&"b", 1, t0);
        let (_, to_b) = a.due(t0).pop().unwrap();
        assert_eq!(b.receive(&"a", to_b, t0 + ms(50)), vec![1]);
        assert_eq!(b.next_due(), Some(t0 + ms(350)), "an ack is owed");
        b.push(&"a", 9, t0 + ms(60));
        let (_, to_a) = b.due(t0 + ms(60)).pop().unwrap();
        assert_eq!(
            to_a,
            Batch {
                from: 0,
                values: vec![9],
                ack: 1
            }
        );
        assert_eq!(
            b.next_due(),
            Some(t0 + ms(1060)),
            "the ack rode along: only b's own value may need resending"
        );
        a.receive(&"b", to_a, t0 + ms(110));
        assert_eq!(a.unacknowledged(&"b"), 0);
        assert_eq!(a.next_due(), Some(t0 + ms(410)), "a owes b an ack now");
    }

    #[test]
    fn an_acknowledgement_travels_alone_after_the_delay_and_is_never_acknowledged() {
        let t0 = Instant::now();
        let mut a: Batcher<&str, u32> = Batcher::new(POLICY);
        let mut b: Batcher<&str, u32> = Batcher::new(POLICY);
        a.push(&"b", 1, t0);
        a.push(&"b", 2, t0);
        let (_, to_b) = a.due(t0).pop().unwrap();
        b.receive(&"a", to_b, t0 + ms(50));
        assert!(b.due(t0 + ms(349)).is_empty());
        let (_, ack) = b.due(t0 + ms(350)).pop().unwrap();
        assert_eq!(
            ack,
            Batch {
                from: 0,
                values: vec![],
                ack: 2
            }
        );
        a.receive(&"b", ack, t0 + ms(400));
        assert!(a.is_settled() && b.is_settled());
        assert_eq!(a.next_due(), None);
    }

    #[test]
    fn a_lost_batch_is_sent_again_from_the_acknowledged_point() {
        let t0 = Instant::now();
        let mut a: Batcher<&str, u32> = Batcher::new(POLICY);
        let mut b: Batcher<&str, u32> = Batcher::new(POLICY);
        a.push(&"b", 1, t0);
        let _lost = a.due(t0);
        a.push(&"b", 2, t0 + ms(200));
        let (_, second) = a.due(t0 + ms(200)).pop().unwrap();
        assert_eq!(second.from, 1);
        b.receive(&"a", second, t0 + ms(250));
        let (_, ack) = b.due(t0 + ms(550)).pop().unwrap();
        assert_eq!(ack.ack, 0, "a gap holds the acknowledgement back");
        a.receive(&"b", ack, t0 + ms(600));
        assert_eq!(a.next_due(), Some(t0 + ms(1000)));
        let (_, resent) = a.due(t0 + ms(1000)).pop().unwrap();
        assert_eq!(
            resent,
            Batch {
                from: 0,
                values: vec![1, 2],
                ack: 0
            }
        );
        b.receive(&"a", resent, t0 + ms(1050));
        let (_, ack) = b.due(t0 + ms(1350)).pop().unwrap();
        assert_eq!(ack.ack, 2);
        a.receive(&"b", ack, t0 + ms(1400));
        assert!(a.is_settled() && b.is_settled());
    }

    #[test]
    fn progress_postpones_retransmission_and_stale_acks_change_nothing() {
        let t0 = Instant::now();
        let mut a: Batcher<&str, u32> = Batcher::new(POLICY);
        a.push(&"b", 1, t0);
        a.due(t0);
        a.push(&"b", 2, t0 + ms(100));
        a.due(t0 + ms(100));
        let ack = |n| Batch {
            from: 0,
            values: vec![],
            ack: n,
        };
        a.receive(&"b", ack(1), t0 + ms(800));
        assert_eq!(a.next_due(), Some(t0 + ms(1800)));
        a.receive(&"b", ack(0), t0 + ms(900));
        a.receive(&"b", ack(7), t0 + ms(900));
        assert_eq!(a.unacknowledged(&"b"), 1);
        assert_eq!(a.next_due(), Some(t0 + ms(1800)));
    }

    /// Two batchers over a link with 50 ms latency that drops what `lossy` says while the
    /// first `lossy.len()` messages travel, then nothing.
    fn exchange(lossy: &[bool], a_values: u32, b_values: u32) -> (Vec<u32>, Vec<u32>, usize) {
        let t0 = Instant::now();
        let mut nodes: [Batcher<usize, u32>; 2] = [Batcher::new(POLICY), Batcher::new(POLICY)];
        let mut got: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
        let mut wire: Vec<(Instant, usize, Batch<u32>)> = Vec::new();
        let mut sent = 0;
        let mut now = t0;
        for step in 0..2000u32 {
            now = t0 + ms(u64::from(step) * 10);
            if step < a_values {
                nodes[0].push(&1, step, now);
            }
            if step < b_values {
                nodes[1].push(&0, 1000 + step, now);
            }
            let (arrived, rest): (Vec<_>, Vec<_>) =
                wire.drain(..).partition(|(at, _, _)| *at <= now);
            wire = rest;
            for (_, to, batch) in arrived {
                let values = nodes[to].receive(&(1 - to), batch, now);
                got[to].extend(values);
            }
            for node in &mut nodes {
                for (to, batch) in node.due(now) {
                    let dropped = lossy.get(sent).copied().unwrap_or(false);
                    sent += 1;
                    if !dropped {
                        wire.push((now + ms(50), to, batch));
                    }
                }
            }
        }
        assert!(now > t0 + ms(15_000));
        assert!(
            nodes[0].is_settled() && nodes[1].is_settled(),
            "the link settles"
        );
        for values in &mut got {
            values.sort_unstable();
            values.dedup();
        }
        let [to_a, to_b] = got;
        (to_a, to_b, sent)
    }

    #[test]
    fn a_clean_link_sends_little_beyond_the_gap_rhythm() {
        let (to_a, to_b, sent) = exchange(&[], 100, 100);
        assert_eq!(to_b, (0..100).collect::<Vec<_>>());
        assert_eq!(to_a, (1000..1100).collect::<Vec<_>>());
        // 1 s of values at one batch per 100 ms each way, plus the closing acks.
        assert!(sent <= 2 * 11 + 2, "{sent} messages");
    }

    proptest! {
        // A fixed seed and no regression files: the same cases on every run.
        #![proptest_config(ProptestConfig {
            cases: 64,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0xb47c_4e55),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn every_value_arrives_once_losses_stop(
            lossy in proptest::collection::vec(any::<bool>(), 0..200),
            a_values in 0u32..300,
            b_values in 0u32..300,
        ) {
            let (to_a, to_b, _) = exchange(&lossy, a_values, b_values);
            prop_assert_eq!(to_b, (0..a_values).collect::<Vec<_>>());
            prop_assert_eq!(to_a, (1000..1000 + b_values).collect::<Vec<_>>());
        }
    }
}
