//! Both directions of the stream between this node and one peer: the numbering and
//! receipts of what this node sent, the acknowledgement it owes, and the decision of when
//! a message is due. Sans-IO and clock-free: every call takes `now`.

use std::collections::BTreeMap;

use tokio::time::Instant;

use super::{Header, Known, Offer, Pending, StreamPolicy};

/// Receipts kept per peer for acknowledgement; older ones are forgotten, which can only
/// cost a resend, never a loss, since later messages carry their content again.
const KEPT_RECEIPTS: usize = 64;

/// A message a session wants sent: the header, and the content unless it is a lone
/// acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing<M> {
    pub header: Header,
    /// `Some` exactly when `header.seq` is.
    pub data: Option<M>,
}

/// The stream with one peer, over content `K`.
#[derive(Debug, Clone)]
pub struct Session<K: Known> {
    known: K,
    next_seq: u64,
    /// Receipts of sent, unacknowledged messages and when they went, by number.
    receipts: BTreeMap<u64, (Instant, K::Receipt)>,
    /// When the last data message went and its receipt, to tell news from a resend.
    last_sent: Option<(Instant, K::Receipt)>,
    /// The highest message number received from the peer.
    received: Option<u64>,
    /// Since when the peer is owed an acknowledgement.
    ack_owed_since: Option<Instant>,
    /// When anything last came from the peer.
    heard_at: Option<Instant>,
}

impl<K: Known + Default> Default for Session<K> {
    fn default() -> Self {
        Session::new(K::default())
    }
}

impl<K: Known> Session<K> {
    /// A session with a peer known to hold `known`.
    pub fn new(known: K) -> Session<K> {
        Session {
            known,
            next_seq: 0,
            receipts: BTreeMap::new(),
            last_sent: None,
            received: None,
            ack_owed_since: None,
            heard_at: None,
        }
    }

    /// What the peer is known to hold.
    pub fn known(&self) -> &K {
        &self.known
    }

    /// For the caller's own evidence (what the peer sent us) or, for content that owns its
    /// items, to queue more.
    pub fn known_mut(&mut self) -> &mut K {
        &mut self.known
    }

    /// Takes in the header of a message from the peer: its acknowledgement confirms the
    /// receipts of every message up to it, and a data message is owed an acknowledgement,
    /// even one already received (it was resent because our acknowledgement got lost).
    /// The caller applies the message's content itself.
    pub fn receive(&mut self, header: Header, now: Instant) {
        self.heard_at = Some(now);
        // Only messages actually sent can be acknowledged; anything else is bogus.
        if let Some(ack) = header.ack.filter(|&ack| ack < self.next_seq) {
            while let Some(entry) = self.receipts.first_entry() {
                if *entry.key() > ack {
                    break;
                }
                self.known.confirm(entry.remove().1);
            }
        }
        if let Some(seq) = header.seq {
            self.received = Some(self.received.map_or(seq, |r| r.max(seq)));
            self.ack_owed_since.get_or_insert(now);
        }
    }

    /// The message due now, if any, marked as sent: data when there is news and the gap
    /// has passed, or when what the peer lacks has gone unacknowledged for
    /// `resend_after`; else an acknowledgement that has waited `ack_delay`.
    pub fn due<S: ?Sized>(
        &mut self,
        source: &S,
        policy: &StreamPolicy,
        now: Instant,
    ) -> Option<Outgoing<K::Message>>
    where
        K: Offer<S>,
    {
        let data = self
            .data_due_at(source, policy, now)
            .filter(|at| *at <= now)
            .and_then(|_| self.known.cut(source));
        let ack_due = self
            .ack_owed_since
            .is_some_and(|since| since + policy.ack_delay <= now);
        if data.is_none() && !ack_due {
            return None;
        }
        self.ack_owed_since = None;
        let Some((message, receipt)) = data else {
            return Some(Outgoing {
                header: Header {
                    seq: None,
                    ack: self.received,
                },
                data: None,
            });
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        self.receipts.insert(seq, (now, receipt.clone()));
        if self.receipts.len() > KEPT_RECEIPTS {
            self.receipts.pop_first();
        }
        self.last_sent = Some((now, receipt));
        Some(Outgoing {
            header: Header {
                seq: Some(seq),
                ack: self.received,
            },
            data: Some(message),
        })
    }

    /// The earliest instant, `now` or later, at which [`Session::due`] has something to
    /// give, if any.
    pub fn next_due<S: ?Sized>(
        &self,
        source: &S,
        policy: &StreamPolicy,
        now: Instant,
    ) -> Option<Instant>
    where
        K: Offer<S>,
    {
        let ack = self.ack_owed_since.map(|since| since + policy.ack_delay);
        [self.data_due_at(source, policy, now), ack]
            .into_iter()
            .flatten()
            .min()
            .map(|at| at.max(now))
    }

    /// True when the peer is known to hold everything and no acknowledgement is owed: the
    /// session sends nothing until something new happens.
    pub fn is_settled<S: ?Sized>(&self, source: &S) -> bool
    where
        K: Offer<S>,
    {
        self.ack_owed_since.is_none()
            && self.known.pending(source, self.last_receipt()) == Pending::Nothing
    }

    /// Sent messages not acknowledged yet (as far as receipts are kept).
    pub fn unacknowledged(&self) -> usize {
        self.receipts.len()
    }

    fn last_receipt(&self) -> Option<&K::Receipt> {
        self.last_sent.as_ref().map(|(_, receipt)| receipt)
    }

    /// True when the oldest unacknowledged message went `resend_after` ago or more and
    /// nothing came from the peer for as long: it is cut off or gone, so the session stops
    /// sending news at every gap and only resends, once per `resend_after`, until the peer
    /// is heard from again. On a working link an acknowledgement always comes sooner.
    fn peer_silent(&self, policy: &StreamPolicy, now: Instant) -> bool {
        let overdue = |at: Instant| at + policy.resend_after <= now;
        self.receipts
            .first_key_value()
            .is_some_and(|(_, (sent, _))| overdue(*sent))
            && self.heard_at.is_none_or(overdue)
    }

    /// When data is next due, possibly in the past: at once for a peer never sent
    /// anything, a gap after the last message for news, `resend_after` after it for what
    /// is still in flight or when the peer has gone silent.
    fn data_due_at<S: ?Sized>(
        &self,
        source: &S,
        policy: &StreamPolicy,
        now: Instant,
    ) -> Option<Instant>
    where
        K: Offer<S>,
    {
        let pending = self.known.pending(source, self.last_receipt());
        match (pending, &self.last_sent) {
            (Pending::Nothing, _) => None,
            (_, None) => Some(now),
            (Pending::News, Some((at, _))) if !self.peer_silent(policy, now) => {
                Some(*at + policy.min_gap)
            }
            (_, Some((at, _))) => Some(*at + policy.resend_after),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::peer_stream::{MaxItems, Queue};

    const POLICY: StreamPolicy = StreamPolicy {
        min_gap: Duration::from_millis(100),
        ack_delay: Duration::from_millis(300),
        resend_after: Duration::from_millis(1000),
    };

    type QueueSession = Session<Queue<u32>>;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn push(session: &mut QueueSession, items: &[u32]) {
        items.iter().for_each(|&i| session.known_mut().push(i));
    }

    fn due(session: &mut QueueSession, now: Instant) -> Option<Outgoing<Vec<u32>>> {
        session.due(&MaxItems::ALL, &POLICY, now)
    }

    fn next_due(session: &QueueSession, now: Instant) -> Option<Instant> {
        session.next_due(&MaxItems::ALL, &POLICY, now)
    }

    fn data(seq: u64, ack: Option<u64>, items: &[u32]) -> Outgoing<Vec<u32>> {
        Outgoing {
            header: Header {
                seq: Some(seq),
                ack,
            },
            data: Some(items.to_vec()),
        }
    }

    fn ack(n: u64) -> Header {
        Header {
            seq: None,
            ack: Some(n),
        }
    }

    #[test]
    fn news_waits_for_the_gap_and_carries_everything_unacknowledged() {
        let t0 = Instant::now();
        let mut a = QueueSession::default();
        push(&mut a, &[1]);
        assert_eq!(next_due(&a, t0), Some(t0));
        assert_eq!(due(&mut a, t0), Some(data(0, None, &[1])));
        push(&mut a, &[2, 3]);
        assert_eq!(
            next_due(&a, t0 + ms(10)),
            Some(t0 + ms(100)),
            "the gap holds them back"
        );
        assert_eq!(due(&mut a, t0 + ms(99)), None);
        assert_eq!(
            due(&mut a, t0 + ms(100)),
            Some(data(1, None, &[1, 2, 3])),
            "messages are cumulative"
        );
        a.receive(ack(1), t0 + ms(200));
        assert_eq!(a.unacknowledged(), 0);
        assert!(a.is_settled(&MaxItems::ALL));
        assert_eq!(next_due(&a, t0 + ms(200)), None);
    }

    #[test]
    fn an_acknowledgement_confirms_its_message_and_every_earlier_one() {
        let t0 = Instant::now();
        let mut a = QueueSession::default();
        push(&mut a, &[1]);
        due(&mut a, t0);
        push(&mut a, &[2]);
        due(&mut a, t0 + ms(100));
        // Message 0 may be lost; message 1 carried both items.
        a.receive(ack(1), t0 + ms(200));
        assert!(a.known().is_empty());
        assert_eq!(a.unacknowledged(), 0);
    }

    #[test]
    fn stale_and_bogus_acknowledgements_change_nothing() {
        let t0 = Instant::now();
        let mut a = QueueSession::default();
        push(&mut a, &[1]);
        due(&mut a, t0);
        push(&mut a, &[2]);
        due(&mut a, t0 + ms(100));
        a.receive(ack(0), t0 + ms(200));
        assert_eq!(a.known().len(), 1);
        a.receive(ack(0), t0 + ms(300));
        a.receive(ack(7), t0 + ms(300));
        assert_eq!(
            a.known().len(),
            1,
            "a number never sent acknowledges nothing"
        );
        assert_eq!(a.unacknowledged(), 1);
    }

    #[test]
    fn what_stays_unacknowledged_is_sent_again_after_resend_after() {
        let t0 = Instant::now();
        let mut a = QueueSession::default();
        push(&mut a, &[1, 2]);
        let _lost = due(&mut a, t0);
        assert_eq!(next_due(&a, t0 + ms(10)), Some(t0 + ms(1000)));
        assert_eq!(due(&mut a, t0 + ms(999)), None);
        assert_eq!(due(&mut a, t0 + ms(1000)), Some(data(1, None, &[1, 2])));
        // Silence again: again after resend_after from the resend.
        assert_eq!(next_due(&a, t0 + ms(1000)), Some(t0 + ms(2000)));
    }

    #[test]
    fn a_silent_peer_gets_news_only_at_the_resend_pace() {
        let t0 = Instant::now();
        let mut a = QueueSession::default();
        push(&mut a, &[1]);
        due(&mut a, t0);
        // News within resend_after of the unanswered message goes at the gap.
        push(&mut a, &[2]);
        assert_eq!(due(&mut a, t0 + ms(100)), Some(data(1, None, &[1, 2])));
        // Past it, with nothing acknowledged, news waits for the resend pace.
        push(&mut a, &[3]);
        assert_eq!(next_due(&a, t0 + ms(1000)), Some(t0 + ms(1100)));
        assert_eq!(due(&mut a, t0 + ms(1000)), None);
        assert_eq!(due(&mut a, t0 + ms(1100)), Some(data(2, None, &[1, 2, 3])));
        push(&mut a, &[4]);
        assert_eq!(due(&mut a, t0 + ms(1200)), None);
        // Anything from the peer ends the silence, even an acknowledgement of an old message:
        // news goes at the gap again.
        a.receive(ack(0), t0 + ms(1300));
        assert_eq!(due(&mut a, t0 + ms(1300)), Some(data(3, None, &[2, 3, 4])));
        // Silent again only once it is both overdue and unheard from for resend_after.
        push(&mut a, &[5]);
        assert_eq!(
            due(&mut a, t0 + ms(2299)),
            Some(data(4, None, &[2, 3, 4, 5]))
        );
        push(&mut a, &[6]);
        assert_eq!(next_due(&a, t0 + ms(2300)), Some(t0 + ms(3299)));
    }

    #[test]
    fn acknowledgements_ride_on_data_going_back() {
        let t0 = Instant::now();
        let (mut a, mut b) = (QueueSession::default(), QueueSession::default());
        push(&mut a, &[1]);
        let to_b = due(&mut a, t0).unwrap();
        b.receive(to_b.header, t0 + ms(50));
        assert_eq!(
            next_due(&b, t0 + ms(50)),
            Some(t0 + ms(350)),
            "an ack is owed"
        );
        push(&mut b, &[9]);
        let to_a = due(&mut b, t0 + ms(60)).unwrap();
        assert_eq!(to_a, data(0, Some(0), &[9]));
        assert_eq!(
            next_due(&b, t0 + ms(60)),
            Some(t0 + ms(1060)),
            "the ack rode along: only b's own item may need resending"
        );
        a.receive(to_a.header, t0 + ms(110));
        assert!(a.known().is_empty());
        assert_eq!(
            next_due(&a, t0 + ms(110)),
            Some(t0 + ms(410)),
            "a owes b an ack now"
        );
    }

    #[test]
    fn an_acknowledgement_travels_alone_after_the_delay_and_is_never_acknowledged() {
        let t0 = Instant::now();
        let (mut a, mut b) = (QueueSession::default(), QueueSession::default());
        push(&mut a, &[1, 2]);
        let to_b = due(&mut a, t0).unwrap();
        b.receive(to_b.header, t0 + ms(50));
        assert_eq!(due(&mut b, t0 + ms(349)), None);
        let alone = due(&mut b, t0 + ms(350)).unwrap();
        assert_eq!(
            alone,
            Outgoing {
                header: ack(0),
                data: None
            }
        );
        a.receive(alone.header, t0 + ms(400));
        assert!(a.is_settled(&MaxItems::ALL) && b.is_settled(&MaxItems::ALL));
        assert_eq!(
            next_due(&a, t0 + ms(400)),
            None,
            "a lone ack is owed nothing"
        );
        assert_eq!(due(&mut a, t0 + ms(5000)), None);
    }

    #[test]
    fn a_resent_message_already_held_is_acknowledged_again() {
        let t0 = Instant::now();
        let (mut a, mut b) = (QueueSession::default(), QueueSession::default());
        push(&mut a, &[1]);
        let first = due(&mut a, t0).unwrap();
        b.receive(first.header, t0 + ms(50));
        let _lost_ack = due(&mut b, t0 + ms(350)).unwrap();
        let again = due(&mut a, t0 + ms(1000)).unwrap();
        b.receive(again.header, t0 + ms(1050));
        assert_eq!(due(&mut b, t0 + ms(1350)).unwrap().header, ack(1));
    }

    #[test]
    fn a_capped_queue_sends_the_rest_once_the_first_part_is_acknowledged() {
        let t0 = Instant::now();
        let mut a = QueueSession::default();
        push(&mut a, &[1, 2, 3]);
        let cap = MaxItems(2);
        assert_eq!(a.due(&cap, &POLICY, t0), Some(data(0, None, &[1, 2])));
        assert_eq!(a.due(&cap, &POLICY, t0 + ms(500)), None, "the rest waits");
        a.receive(ack(0), t0 + ms(600));
        assert_eq!(
            a.due(&cap, &POLICY, t0 + ms(600)),
            Some(data(1, None, &[3]))
        );
    }
}
