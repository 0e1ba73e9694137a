//! Reads waiting for the leadership confirmation that makes them linearizable
//! (ReadIndex, thesis §6.4). A read registered while round `r` was the latest needs a
//! majority to acknowledge round `r + 1` or later: only such a round began after the read
//! arrived, so its acknowledgements prove no newer leader had taken over by then. Rounds
//! only grow, so reads become ready in registration order.

use std::collections::VecDeque;

use super::core::ReadId;

/// Registered reads not yet ready, and outcomes not yet taken.
#[derive(Debug, Default)]
pub(super) struct Reads {
    /// Each read with the round that must be acknowledged, in registration order.
    waiting: VecDeque<(ReadId, u64)>,
    ready: Vec<(ReadId, u64)>,
    abandoned: Vec<ReadId>,
}

impl Reads {
    pub(super) fn register(&mut self, read: ReadId, needs_round: u64) {
        self.waiting.push_back((read, needs_round));
    }

    /// Makes ready every read whose round a majority confirmed, at `commit`.
    pub(super) fn release(&mut self, confirmed_round: u64, commit: u64) {
        while let Some(&(read, needs_round)) = self.waiting.front() {
            if needs_round > confirmed_round {
                break;
            }
            self.waiting.pop_front();
            self.ready.push((read, commit));
        }
    }

    /// Gives up every waiting read: the node stopped leading.
    pub(super) fn abandon_all(&mut self) {
        self.abandoned
            .extend(self.waiting.drain(..).map(|(read, _)| read));
    }

    pub(super) fn take_ready(&mut self) -> Vec<(ReadId, u64)> {
        std::mem::take(&mut self.ready)
    }

    pub(super) fn take_abandoned(&mut self) -> Vec<ReadId> {
        std::mem::take(&mut self.abandoned)
    }
}
