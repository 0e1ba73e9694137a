//! Back-pressure on a node that floods another. Maelstrom queues every message for a node
//! without limit, so a node that sends hundreds of thousands of messages a second grows the
//! harness until the machine runs out of memory. Here each node has a [`Backlog`]: the
//! messages accepted for it and not yet written to its stdin (held for latency, waiting
//! behind the message its delivery slot has taken, or queued for its stdin writer). While
//! that passes [`LIMIT`], the stdout reader of a node sending to it pauses before each
//! message, so the sender slows down to what the receiver takes instead of piling up.
//!
//! The pause is bounded by [`MAX_PAUSE`] per message: two nodes flooding each other, each
//! too busy writing to read, would otherwise stop each other for ever. Past it the message
//! goes anyway, so a backlog can only creep past the limit, at one message per pause.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// Undelivered messages for one node beyond which its senders are slowed down. Far above
/// what any of our suites keeps in flight (at 100 ms latency, 3d holds a few hundred).
pub const LIMIT: usize = 100_000;

/// The longest one message's send is held back.
pub const MAX_PAUSE: Duration = Duration::from_secs(1);

/// One node's count of undelivered messages.
#[derive(Debug)]
pub struct Backlog {
    /// The current count and the highest it has been.
    count: Mutex<(usize, usize)>,
    room: Condvar,
    limit: usize,
}

impl Backlog {
    pub fn new(limit: usize) -> Backlog {
        Backlog {
            count: Mutex::new((0, 0)),
            room: Condvar::new(),
            limit,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (usize, usize)> {
        self.count.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A message for the node was accepted.
    pub fn add(&self) {
        let mut count = self.lock();
        count.0 += 1;
        count.1 = count.1.max(count.0);
    }

    /// `n` messages for the node were written to its stdin or dropped on the way.
    pub fn remove(&self, n: usize) {
        let mut count = self.lock();
        count.0 = count.0.saturating_sub(n);
        if count.0 < self.limit {
            self.room.notify_all();
        }
    }

    /// Messages accepted and not yet delivered.
    pub fn undelivered(&self) -> usize {
        self.lock().0
    }

    /// The most messages ever undelivered at once.
    pub fn peak(&self) -> usize {
        self.lock().1
    }

    /// Waits while the backlog is at its limit, at most `max`; true if there is room.
    pub fn wait_for_room(&self, max: Duration) -> bool {
        let until = Instant::now() + max;
        let mut count = self.lock();
        while count.0 >= self.limit {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            count = self
                .room
                .wait_timeout(count, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_full_backlog_holds_senders_until_the_receiver_takes_messages() {
        let backlog = Arc::new(Backlog::new(2));
        backlog.add();
        assert!(backlog.wait_for_room(Duration::ZERO), "below the limit");
        backlog.add();
        assert!(!backlog.wait_for_room(Duration::ZERO), "at the limit");
        let sender = std::thread::spawn({
            let backlog = Arc::clone(&backlog);
            move || backlog.wait_for_room(Duration::from_secs(60))
        });
        backlog.remove(1);
        assert!(sender.join().unwrap(), "woken by the delivery");
        assert_eq!(backlog.undelivered(), 1);
        backlog.remove(5);
        assert_eq!(backlog.undelivered(), 0, "never below zero");
        assert_eq!(backlog.peak(), 2);
    }
}
