//! The committed transactions one peer has not acknowledged yet.
//!
//! Every local commit is queued for every peer. A flush sends the oldest queued
//! transactions (whole ones, at most [`Outbox::batch`]'s `limit`) and remembers nothing
//! about the attempt: an acknowledgement names the sequence number it covers and drops
//! everything up to it, so a lost message or a lost acknowledgement simply means the same
//! transactions go again on the next flush. That is safe because applying a transaction
//! twice changes nothing (last-writer-wins by timestamp), and it is what lets replication
//! outlast any partition: nothing is dropped until the peer has said it has it.

use std::collections::VecDeque;

use crate::payload::Committed;

/// Unacknowledged transactions for one peer, oldest first.
#[derive(Debug, Default)]
pub struct Outbox {
    /// Sequence number the next queued transaction gets.
    next_seq: u64,
    pending: VecDeque<(u64, Committed)>,
}

/// What one flush sends: the transactions, and the sequence number an acknowledgement of
/// them covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub txns: Vec<Committed>,
    pub through: u64,
}

impl Outbox {
    /// Queues a committed transaction.
    pub fn push(&mut self, committed: Committed) {
        self.pending.push_back((self.next_seq, committed));
        self.next_seq += 1;
    }

    /// The oldest `limit` unacknowledged transactions, or `None` when there are none.
    pub fn batch(&self, limit: usize) -> Option<Batch> {
        let taken: Vec<&(u64, Committed)> = self.pending.iter().take(limit).collect();
        let through = taken.last()?.0;
        Some(Batch {
            txns: taken.into_iter().map(|(_, c)| c.clone()).collect(),
            through,
        })
    }

    /// The peer has applied everything up to and including `through`.
    pub fn acknowledge(&mut self, through: u64) {
        while self.pending.front().is_some_and(|(seq, _)| *seq <= through) {
            self.pending.pop_front();
        }
    }

    /// How many transactions wait for the peer.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
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

    fn counters(batch: &Batch) -> Vec<u64> {
        batch.txns.iter().map(|c| c.ts.0).collect()
    }

    #[test]
    fn batches_are_the_oldest_whole_transactions_up_to_the_limit() {
        let mut outbox = Outbox::default();
        assert_eq!(outbox.batch(10), None);
        (1..=5).for_each(|c| outbox.push(unit(c)));
        let batch = outbox.batch(3).unwrap();
        assert_eq!((counters(&batch), batch.through), (vec![1, 2, 3], 2));
        // Until acknowledged, the same transactions are offered again.
        assert_eq!(outbox.batch(3), Some(batch));
    }

    #[test]
    fn acknowledgements_drop_only_what_they_cover() {
        let mut outbox = Outbox::default();
        (1..=3).for_each(|c| outbox.push(unit(c)));
        let first = outbox.batch(10).unwrap();
        outbox.push(unit(4));
        outbox.acknowledge(first.through);
        let rest = outbox.batch(10).unwrap();
        assert_eq!((counters(&rest), rest.through), (vec![4], 3));
        // A late acknowledgement of the first batch, after a retry, changes nothing.
        outbox.acknowledge(first.through);
        assert_eq!(outbox.len(), 1);
        outbox.acknowledge(rest.through);
        assert!(outbox.is_empty());
    }
}
