//! An explicit queue of items as a stream's content: the caller pushes items for a peer,
//! each message carries the unacknowledged ones (from the oldest, at most [`MaxItems`]),
//! and an acknowledgement drops what its message carried. Items are numbered by their
//! position in the queue; a receipt is the position a message's items reach.
//!
//! A message always starts at the acknowledged position, so whatever an earlier message
//! carried is acknowledged or carried again, which is the law [`Offer`] asks for. The
//! receiver may get an item more than once (a resend after a lost acknowledgement);
//! duplicates are the caller's business.

use std::collections::VecDeque;

use super::{Known, Offer, Pending};

/// The most items one message carries: the source a [`Queue`] cuts its messages with.
/// Catching up after a long partition then takes several moderate messages, each sent once
/// the previous one is acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxItems(pub usize);

impl MaxItems {
    /// No limit.
    pub const ALL: MaxItems = MaxItems(usize::MAX);
}

/// Items queued for one peer that it has not acknowledged, oldest first.
#[derive(Debug, Clone)]
pub struct Queue<T> {
    /// `unacked[0]` is at position `acked`.
    unacked: VecDeque<T>,
    acked: u64,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue {
            unacked: VecDeque::new(),
            acked: 0,
        }
    }
}

impl<T> Queue<T> {
    /// Queues `item` for the peer.
    pub fn push(&mut self, item: T) {
        self.unacked.push_back(item);
    }

    /// Items the peer has not acknowledged.
    pub fn len(&self) -> usize {
        self.unacked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.unacked.is_empty()
    }

    /// The position the next message's items reach.
    fn cut_end(&self, max: MaxItems) -> u64 {
        self.acked + self.unacked.len().min(max.0) as u64
    }
}

impl<T> Known for Queue<T> {
    /// The position the acknowledged message's items reach.
    type Receipt = u64;

    fn confirm(&mut self, end: u64) {
        while self.acked < end && self.unacked.pop_front().is_some() {
            self.acked += 1;
        }
    }
}

impl<T: Clone> Offer<MaxItems> for Queue<T> {
    type Message = Vec<T>;

    fn pending(&self, max: &MaxItems, last_sent: Option<&u64>) -> Pending {
        if self.unacked.is_empty() {
            Pending::Nothing
        } else if last_sent.is_none_or(|&end| self.cut_end(*max) > end) {
            Pending::News
        } else {
            Pending::InFlight
        }
    }

    fn cut(&self, max: &MaxItems) -> Option<(Vec<T>, u64)> {
        if self.unacked.is_empty() {
            return None;
        }
        let items = self.unacked.iter().take(max.0).cloned().collect();
        Some((items, self.cut_end(*max)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_start_at_the_acknowledged_item_and_respect_the_limit() {
        let mut queue = Queue::default();
        assert_eq!(queue.pending(&MaxItems::ALL, None), Pending::Nothing);
        (1..=5).for_each(|i| queue.push(i));
        assert_eq!(queue.pending(&MaxItems(3), None), Pending::News);
        let (items, end) = queue.cut(&MaxItems(3)).unwrap();
        assert_eq!((items, end), (vec![1, 2, 3], 3));
        assert_eq!(
            queue.pending(&MaxItems(3), Some(&3)),
            Pending::InFlight,
            "the rest waits for the acknowledgement"
        );
        assert_eq!(queue.pending(&MaxItems::ALL, Some(&3)), Pending::News);
        queue.confirm(3);
        assert_eq!(queue.pending(&MaxItems(3), Some(&3)), Pending::News);
        assert_eq!(queue.cut(&MaxItems(3)).unwrap(), (vec![4, 5], 5));
        // A stale receipt changes nothing; a later one empties the queue.
        queue.confirm(2);
        assert_eq!(queue.len(), 2);
        queue.confirm(5);
        assert!(queue.is_empty());
        assert_eq!(queue.pending(&MaxItems::ALL, Some(&5)), Pending::Nothing);
        assert_eq!(queue.cut(&MaxItems::ALL), None);
    }
}
