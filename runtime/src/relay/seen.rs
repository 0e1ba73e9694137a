//! [`Seen`]: which relayed messages a node already handled, so that the copies of one
//! message that came by several paths (straight and through each relaying peer) are handled
//! once. A message is known by its origin and the origin's `msg_id`, which a node numbers
//! upwards across all its messages.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use tokio::time::Instant;

/// How long a handled message is remembered one by one. Its copies arrive within the
/// spread of the paths' latencies, far less than this. Afterwards only its `msg_id` as a
/// floor is kept: a copy at or below the floor is taken for handled, so a message that
/// arrives this long after a later one from the same origin is dropped, as a lost one
/// would be.
const REMEMBERED_FOR: Duration = Duration::from_secs(10);

/// Relayed messages handled, per origin.
#[derive(Debug, Default)]
pub(super) struct Seen {
    origins: HashMap<String, Handled>,
}

#[derive(Debug, Default)]
struct Handled {
    /// Every `msg_id` at or below this is taken for handled.
    floor: Option<u64>,
    /// Handled `msg_id`s above the floor, with when they arrived.
    recent: BTreeMap<u64, Instant>,
}

impl Seen {
    /// Notes message `id` of `origin`, arrived at `now`; true the first time.
    pub(super) fn first_time(&mut self, origin: &str, id: u64, now: Instant) -> bool {
        let handled = self.origins.entry(origin.to_owned()).or_default();
        while let Some(entry) = handled.recent.first_entry() {
            if now.saturating_duration_since(*entry.get()) < REMEMBERED_FOR {
                break;
            }
            let (old, _) = entry.remove_entry();
            handled.floor = handled.floor.max(Some(old));
        }
        if handled.floor.is_some_and(|floor| id <= floor) {
            return false;
        }
        handled.recent.insert(id, now).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_handled_once_and_origins_are_apart() {
        let now = Instant::now();
        let mut seen = Seen::default();
        assert!(seen.first_time("n1", 5, now));
        assert!(!seen.first_time("n1", 5, now));
        assert!(seen.first_time("n2", 5, now), "another origin's 5");
        assert!(seen.first_time("n1", 3, now), "an earlier id arriving late");
    }

    #[test]
    fn forgotten_messages_leave_a_floor_behind() {
        let start = Instant::now();
        let mut seen = Seen::default();
        assert!(seen.first_time("n1", 5, start));
        let later = start + REMEMBERED_FOR;
        assert!(seen.first_time("n1", 9, later));
        assert!(
            !seen.first_time("n1", 5, later),
            "a copy of a forgotten one"
        );
        assert!(!seen.first_time("n1", 4, later), "below the floor");
        assert!(!seen.first_time("n1", 9, later), "still remembered");
        assert_eq!(seen.origins["n1"].recent.len(), 1, "memory is bounded");
    }
}
