//! The committed transactions each peer has not acknowledged yet: a
//! [`runtime::peer_stream`] stream per peer whose content is a [`Queue`] of transactions.
//!
//! Every local commit is queued for every peer. Each `replicate` carries the oldest
//! unacknowledged transactions (whole ones, at most [`BATCH_LIMIT`]) and acknowledges the
//! peer's own stream, so while both nodes commit, acknowledgements cost no message of
//! their own. Nothing leaves a queue before the peer has said it has it, so a lost message
//! or a lost acknowledgement only means the same transactions go again, which is safe
//! because applying a transaction twice changes nothing (last-writer-wins by timestamp),
//! and it is what lets replication outlast any partition.

use std::time::Duration;

use runtime::peer_stream::{Header, MaxItems, Queue, StreamPolicy, Streams};
use tokio::time::Instant;

use crate::payload::{Committed, Payload};

/// How often the streams are polled: a peer sees writes within a few tens of
/// milliseconds, and at Maelstrom's 1000 ops/s one message carries dozens of transactions.
pub const FLUSH_PERIOD: Duration = Duration::from_millis(25);

/// At most this many transactions go in one `replicate`, so catching up after a long
/// partition sends several moderate messages rather than one huge one.
pub const BATCH_LIMIT: MaxItems = MaxItems(1000);

/// The polling period paces the messages; an acknowledgement waits two periods for a
/// ride; what stays unacknowledged for half a second is sent again.
pub const POLICY: StreamPolicy = StreamPolicy {
    min_gap: Duration::ZERO,
    ack_delay: Duration::from_millis(50),
    resend_after: Duration::from_millis(500),
};

/// Per peer, the transactions it has not acknowledged.
#[derive(Debug)]
pub struct Outbox {
    peers: Vec<String>,
    streams: Streams<String, Queue<Committed>>,
}

impl Outbox {
    /// An empty outbox towards `peers`.
    pub fn new(peers: impl IntoIterator<Item = String>) -> Outbox {
        Outbox {
            peers: peers.into_iter().collect(),
            streams: Streams::new(POLICY),
        }
    }

    /// Queues a local commit for every peer.
    pub fn push(&mut self, committed: &Committed) {
        for peer in &self.peers {
            self.streams
                .session(peer.as_str())
                .known_mut()
                .push(committed.clone());
        }
    }

    /// Takes in the stream header of a `replicate` from `peer`, once its transactions are
    /// applied.
    pub fn receive(&mut self, peer: &str, header: Header, now: Instant) {
        self.streams.receive(peer, header, now);
    }

    /// The `replicate` messages due now, by destination.
    pub fn due(&mut self, now: Instant) -> Vec<(String, Payload)> {
        self.streams
            .due(&self.peers, &BATCH_LIMIT, now)
            .into_iter()
            .map(|(peer, out)| {
                let message = Payload::Replicate {
                    stream: out.header,
                    txns: out.data.unwrap_or_default(),
                };
                (peer, message)
            })
            .collect()
    }

    /// How many transactions wait for `peer`.
    pub fn waiting(&self, peer: &str) -> usize {
        self.streams
            .sessions()
            .find(|(p, _)| p.as_str() == peer)
            .map_or(0, |(_, session)| session.known().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::Timestamp;
    use serde_json::json;

    fn unit(counter: u64) -> Committed {
        Committed {
            ts: Timestamp(counter, 0),
            writes: vec![(1, json!(counter))],
        }
    }

    fn replicate(out: &(String, Payload)) -> (Header, Vec<u64>) {
        let Payload::Replicate { stream, txns } = &out.1 else {
            panic!("expected a replicate, got {out:?}")
        };
        (*stream, txns.iter().map(|c| c.ts.0).collect())
    }

    #[test]
    fn messages_carry_the_oldest_unacknowledged_transactions_up_to_the_limit() {
        let t0 = Instant::now();
        let mut outbox = Outbox::new(["n1".to_owned()]);
        assert!(outbox.due(t0).is_empty());
        (1..=1001).for_each(|c| outbox.push(&unit(c)));
        let first = outbox.due(t0);
        let (header, counters) = replicate(&first[0]);
        assert_eq!(header.seq, Some(0));
        assert_eq!(counters, (1..=1000).collect::<Vec<_>>());
        // Until acknowledged, nothing more goes; then the rest.
        assert!(outbox.due(t0 + FLUSH_PERIOD).is_empty());
        let ack = Header {
            seq: None,
            ack: Some(0),
        };
        outbox.receive("n1", ack, t0 + FLUSH_PERIOD);
        assert_eq!(outbox.waiting("n1"), 1);
        let rest = outbox.due(t0 + FLUSH_PERIOD * 2);
        assert_eq!(replicate(&rest[0]).1, vec![1001]);
    }

    #[test]
    fn unacknowledged_transactions_go_again_and_acknowledged_ones_never() {
        let t0 = Instant::now();
        let mut outbox = Outbox::new(["n1".to_owned()]);
        (1..=3).for_each(|c| outbox.push(&unit(c)));
        let _lost = outbox.due(t0);
        let again = outbox.due(t0 + POLICY.resend_after);
        assert_eq!(
            replicate(&again[0]),
            (
                Header {
                    seq: Some(1),
                    ack: None
                },
                vec![1, 2, 3]
            )
        );
        // The peer's own message acknowledges it.
        let theirs = Header {
            seq: Some(0),
            ack: Some(1),
        };
        outbox.receive("n1", theirs, t0 + POLICY.resend_after);
        assert_eq!(outbox.waiting("n1"), 0);
        outbox.push(&unit(4));
        let next = outbox.due(t0 + POLICY.resend_after + FLUSH_PERIOD);
        assert_eq!(
            replicate(&next[0]),
            (
                Header {
                    seq: Some(2),
                    ack: Some(0)
                },
                vec![4]
            ),
            "only the new one, with the acknowledgement riding along"
        );
    }
}
