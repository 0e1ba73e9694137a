//! Telling a silent node apart from a slow one. A node that stops reading its stdin or
//! stops answering neither exits nor goes deaf, so nothing else names it: its operations
//! just time out. Each node's pipes record three moments here, and at the end of a run a
//! node silent for [`PATIENCE`] is named with its last stderr lines, as a crashed one is.
//!
//! - *Stopped reading*: a write to its stdin has been blocked that long (its pipe is full).
//! - *Stopped answering*: a client request reached it that long ago and it has written
//!   nothing to any client since. Twice Maelstrom's 5 s client timeout, so a node that
//!   only let its last operation time out, or answers slowly, is not called silent.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a node may stay silent before it is named.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// What a node's pipe threads saw, as milliseconds since `epoch` plus one (0: never).
#[derive(Debug)]
pub struct Activity {
    epoch: Instant,
    /// When a write to stdin started that has not finished.
    write_blocked_since: AtomicU64,
    /// When the first client request arrived since the node last wrote to a client.
    unanswered_since: AtomicU64,
}

impl Activity {
    pub fn new(epoch: Instant) -> Activity {
        Activity {
            epoch,
            write_blocked_since: AtomicU64::new(0),
            unanswered_since: AtomicU64::new(0),
        }
    }

    fn stamp(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.epoch).as_millis()).unwrap_or(u64::MAX - 1)
            + 1
    }

    fn since(&self, stamp: u64, now: Instant) -> Option<Duration> {
        let at = self.epoch + Duration::from_millis(stamp.checked_sub(1)?);
        Some(now.saturating_duration_since(at))
    }

    /// The stdin writer is about to write; `to_client_request` when a client's request is in
    /// the batch.
    pub fn writing(&self, at: Instant, client_request: bool) {
        let stamp = self.stamp(at);
        self.write_blocked_since.store(stamp, Ordering::Relaxed);
        if client_request {
            // Only the first unanswered request counts: later ones must not reset the clock.
            let _ = self.unanswered_since.compare_exchange(
                0,
                stamp,
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
    }

    /// The stdin writer's write finished.
    pub fn written(&self) {
        self.write_blocked_since.store(0, Ordering::Relaxed);
    }

    /// The node wrote a line to a client.
    pub fn answered(&self) {
        self.unanswered_since.store(0, Ordering::Relaxed);
    }

    /// Why the node counts as silent at `now`, if it does.
    pub fn silence(&self, now: Instant) -> Option<String> {
        let blocked = self.write_blocked_since.load(Ordering::Relaxed);
        if let Some(waited) = self.since(blocked, now).filter(|w| *w >= PATIENCE) {
            return Some(format!(
                "stopped reading its stdin (a write to it has been blocked for {} s)",
                waited.as_secs()
            ));
        }
        let unanswered = self.unanswered_since.load(Ordering::Relaxed);
        let waited = self.since(unanswered, now).filter(|w| *w >= PATIENCE)?;
        Some(format!(
            "stopped answering (nothing to any client for {} s after a client request reached it)",
            waited.as_secs()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_long_silence_counts_and_an_answer_ends_it() {
        let epoch = Instant::now();
        let at = |secs: u64| epoch + Duration::from_secs(secs);
        let activity = Activity::new(epoch);
        assert_eq!(activity.silence(at(100)), None, "never asked anything");
        activity.writing(at(1), true);
        activity.written();
        activity.writing(at(4), true);
        activity.written();
        assert_eq!(activity.silence(at(10)), None, "9 s is within patience");
        let silent = activity.silence(at(12)).unwrap();
        assert!(
            silent.contains("stopped answering") && silent.contains("11 s"),
            "{silent}"
        );
        activity.answered();
        assert_eq!(activity.silence(at(12)), None);
        activity.writing(at(20), false);
        let blocked = activity.silence(at(31)).unwrap();
        assert!(blocked.contains("stopped reading"), "{blocked}");
        activity.written();
        assert_eq!(
            activity.silence(at(31)),
            None,
            "peer traffic alone needs no answer"
        );
    }
}
