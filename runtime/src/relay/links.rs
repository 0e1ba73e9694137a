//! [`Link`]: what a node knows of its link with one peer, learnt only from what it sent
//! and what arrived: whether it hears the peer, and whether the peer gets its messages.
//! This node is deaf to the peer when nothing came straight from it for `silence` after
//! this node wrote to it; the peer does not get this node's messages when it says so (its
//! own deafness, in a complaint no older than `silence`).

use std::time::Duration;

use tokio::time::Instant;

/// One peer's link, as this node sees it.
#[derive(Debug, Default, Clone)]
pub(super) struct Link {
    /// When the latest message came straight from the peer.
    heard_at: Option<Instant>,
    /// The first message to the peer since the last one that came straight from it.
    unheard_since: Option<Instant>,
    /// The first message to the peer since the last word from it by any path.
    unanswered_since: Option<Instant>,
    /// When the peer's latest word said that it does not hear this node; `None` once a
    /// later word says it does.
    complained_at: Option<Instant>,
}

impl Link {
    /// This node wrote to the peer at `now`.
    pub(super) fn sent(&mut self, now: Instant) {
        self.unheard_since.get_or_insert(now);
        self.unanswered_since.get_or_insert(now);
    }

    /// A message came straight from the peer at `now` (its own, or one it passes on): the
    /// link from it works and it is alive.
    pub(super) fn heard_directly(&mut self, now: Instant) {
        self.heard_at = Some(now);
        self.unheard_since = None;
        self.unanswered_since = None;
    }

    /// A message of the peer's own arrived, by any path, saying at `deaf` whether the peer
    /// hears this node; `now` is when a complaint arrived.
    pub(super) fn heard_word(&mut self, deaf: bool, now: Option<Instant>) {
        self.unanswered_since = None;
        self.complained_at = if deaf { now } else { None };
    }

    /// True when this node does not hear the peer: nothing came straight from it for
    /// `silence` after this node wrote to it.
    pub(super) fn deaf(&self, now: Instant, silence: Duration) -> bool {
        quiet_for(self.unheard_since, now, silence)
    }

    /// True when the peer says that it does not get this node's messages straight: it
    /// complained within `silence`. Silence alone is no proof: it is also what a cut both
    /// ways looks like, or a peer with nothing to say, and relaying through the peers on
    /// this side of a cut would cross neither for free.
    pub(super) fn cut(&self, now: Instant, silence: Duration) -> bool {
        self.complains(now, silence)
    }

    /// True when the peer is no good relayer: it complains, or nothing at all came from it
    /// for `silence` after this node wrote to it.
    pub(super) fn unpromising(&self, now: Instant, silence: Duration) -> bool {
        self.complains(now, silence) || self.unanswered(now, silence)
    }

    /// True when nothing at all came from the peer for `silence` after this node wrote to it.
    fn unanswered(&self, now: Instant, silence: Duration) -> bool {
        quiet_for(self.unanswered_since, now, silence)
    }

    /// True when the peer said within `silence` that it does not hear this node.
    pub(super) fn complains(&self, now: Instant, silence: Duration) -> bool {
        self.complained_at
            .is_some_and(|at| now.saturating_duration_since(at) < silence)
    }

    /// True when the link is known to work both ways: something came straight from the
    /// peer within `silence`, and the peer neither complains nor left a message unanswered.
    pub(super) fn both_ways(&self, now: Instant, silence: Duration) -> bool {
        let heard_lately = self
            .heard_at
            .is_some_and(|at| now.saturating_duration_since(at) < silence);
        heard_lately && !self.complains(now, silence) && !self.unanswered(now, silence)
    }
}

fn quiet_for(since: Option<Instant>, now: Instant, silence: Duration) -> bool {
    since.is_some_and(|since| now.saturating_duration_since(since) >= silence)
}
