//! Back-pressure on a node that floods another. Maelstrom queues every message for a node
//! without limit, so a node that sends hundreds of thousands of messages a second grows the
//! harness until the machine runs out of memory. Here each node has a [`Backlog`]: the
//! messages accepted for it and not yet written to its stdin (held for latency, waiting
//! behind the message its delivery slot has taken, or queued for its stdin writer), counted
//! and measured in body bytes. While either passes its limit ([`LIMIT`] messages,
//! [`LIMIT_BYTES`] bytes), the stdout reader of a node sending to it pauses before each
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

/// Undelivered body bytes for one node beyond which its senders are slowed down: 64 MiB,
/// so that a flood of large messages is held in bytes as a flood of small ones is in
/// number (100,000 messages of a 1 MB body would otherwise be 100 GB).
pub const LIMIT_BYTES: usize = 64 << 20;

/// The longest one message's send is held back.
pub const MAX_PAUSE: Duration = Duration::from_secs(1);

/// One node's undelivered messages.
#[derive(Debug)]
pub struct Backlog {
    count: Mutex<Count>,
    room: Condvar,
    limit: usize,
    limit_bytes: usize,
}

#[derive(Debug, Default, Clone, Copy)]
struct Count {
    messages: usize,
    bytes: usize,
    /// The most messages there have been at once.
    peak: usize,
}

impl Backlog {
    /// A backlog of at most `limit` messages and `limit_bytes` body bytes.
    pub fn new(limit: usize, limit_bytes: usize) -> Backlog {
        Backlog {
            count: Mutex::new(Count::default()),
            room: Condvar::new(),
            limit,
            limit_bytes,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Count> {
        self.count.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn full(&self, count: &Count) -> bool {
        count.messages >= self.limit || count.bytes >= self.limit_bytes
    }

    /// A message with a body of `bytes` for the node was accepted.
    pub fn add(&self, bytes: usize) {
        let mut count = self.lock();
        count.messages += 1;
        count.bytes += bytes;
        count.peak = count.peak.max(count.messages);
    }

    /// `n` messages for the node, with `bytes` of bodies in all, were written to its stdin
    /// or dropped on the way.
    pub fn remove(&self, n: usize, bytes: usize) {
        let mut count = self.lock();
        count.messages = count.messages.saturating_sub(n);
        count.bytes = count.bytes.saturating_sub(bytes);
        if !self.full(&count) {
            self.room.notify_all();
        }
    }

    /// Messages accepted and not yet delivered.
    pub fn undelivered(&self) -> usize {
        self.lock().messages
    }

    /// The body bytes of those messages.
    pub fn undelivered_bytes(&self) -> usize {
        self.lock().bytes
    }

    /// The most messages ever undelivered at once.
    pub fn peak(&self) -> usize {
        self.lock().peak
    }

    /// Waits while the backlog is at a limit, at most `max`; true if there is room.
    pub fn wait_for_room(&self, max: Duration) -> bool {
        let until = Instant::now() + max;
        let mut count = self.lock();
        while self.full(&count) {
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
        let backlog = Arc::new(Backlog::new(2, 1000));
        backlog.add(1);
        assert!(backlog.wait_for_room(Duration::ZERO), "below the limit");
        backlog.add(1);
        assert!(!backlog.wait_for_room(Duration::ZERO), "at the limit");
        let sender = std::thread::spawn({
            let backlog = Arc::clone(&backlog);
            move || backlog.wait_for_room(Duration::from_secs(60))
        });
        backlog.remove(1, 1);
        assert!(sender.join().unwrap(), "woken by the delivery");
        assert_eq!(backlog.undelivered(), 1);
        backlog.remove(5, 5);
        assert_eq!(backlog.undelivered(), 0, "never below zero");
        assert_eq!(backlog.peak(), 2);
    }

    #[test]
    fn a_few_large_messages_fill_the_backlog_by_their_bytes() {
        let backlog = Backlog::new(100, 1000);
        backlog.add(600);
        assert!(backlog.wait_for_room(Duration::ZERO), "600 of 1000 bytes");
        backlog.add(600);
        assert_eq!(backlog.undelivered_bytes(), 1200);
        assert!(
            !backlog.wait_for_room(Duration::ZERO),
            "two messages, but 1200 bytes"
        );
        backlog.remove(1, 600);
        assert!(backlog.wait_for_room(Duration::ZERO));
        assert_eq!(
            (backlog.undelivered(), backlog.undelivered_bytes()),
            (1, 600)
        );
    }
}
