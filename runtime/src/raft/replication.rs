//! Replication (Raft §5.3): the leader's rounds of AppendEntries, a follower's handling of
//! them, and commitment by counting replicas.
//!
//! The leader sends in *rounds*: one AppendEntries to every follower carrying whatever
//! that follower has not been sent yet (nothing, for a heartbeat). A round starts when
//! the heartbeat interval has passed since the last one, or when proposals or reads wait
//! and the batch gap since the last round has passed. Rounds are numbered within the
//! term and every reply echoes the number, so a majority of replies to round `r` proves
//! the node still led after round `r` began: that is what releases reads. Sending is
//! optimistic (a follower's `next` moves on as soon as entries are sent); a rejection
//! moves it back, guided by the follower's hint. Between rounds the leader writes to a
//! follower only to answer a rejection, or to go on catching it up when the last round
//! could not carry all it lacked. A follower silent for half the minimum election
//! timeout is left out of rounds except at the heartbeat pace, so a partition does not
//! cost a message per batch.

use std::collections::BTreeMap;

use tokio::time::Instant;

use super::core::{Raft, Role};
use super::log::Entry;
use super::message::{RaftMessage, RejectHint};

/// What a leader knows about its followers and its rounds.
#[derive(Debug)]
pub(super) struct LeaderState {
    progress: BTreeMap<String, Progress>,
    /// The number of the latest round (the first is 1).
    pub(super) round: u64,
    last_round_at: Instant,
    /// The log's last index when the latest round started: a follower whose `next` is
    /// at or below it is behind what the round meant to send.
    round_end: u64,
    /// Since when proposals or reads wait for a round.
    work_since: Option<Instant>,
    /// Index of this term's no-op: once it commits, the commit index is the leader's
    /// own and reads may use it.
    pub(super) term_start: u64,
}

#[derive(Debug)]
struct Progress {
    /// The next index to send.
    next: u64,
    /// The last index known to match.
    matched: u64,
    /// The highest round the follower acknowledged.
    acked_round: u64,
    /// When the follower last answered in this term (for CheckQuorum).
    heard_at: Instant,
    /// When the leader last sent it an AppendEntries.
    sent_at: Instant,
}

impl LeaderState {
    pub(super) fn new(peers: &[String], next: u64, term_start: u64, now: Instant) -> Self {
        let progress = peers
            .iter()
            .map(|peer| {
                let progress = Progress {
                    next,
                    matched: 0,
                    acked_round: 0,
                    heard_at: now,
                    sent_at: now,
                };
                (peer.clone(), progress)
            })
            .collect();
        LeaderState {
            progress,
            round: 0,
            last_round_at: now,
            round_end: 0,
            work_since: None,
            term_start,
        }
    }

    /// The value a majority reaches or exceeds, the leader itself counting as above every
    /// follower (its log is the longest, it confirms itself, it hears itself): the
    /// `quorum - 1`-th highest among the followers, `None` when the leader alone is a
    /// majority.
    fn quorum_value<T: Ord + Copy>(&self, quorum: usize, of: impl Fn(&Progress) -> T) -> Option<T> {
        let needed = quorum.checked_sub(1).filter(|needed| *needed > 0)?;
        let mut values: Vec<T> = self.progress.values().map(of).collect();
        values.sort_unstable_by(|a, b| b.cmp(a));
        values.get(needed - 1).copied()
    }
}

/// An AppendEntries as received, before validation.
pub(super) struct AppendRequest<C> {
    pub(super) term: u64,
    pub(super) prev_index: u64,
    pub(super) prev_term: u64,
    pub(super) entries: Vec<Entry<C>>,
    pub(super) commit: u64,
    pub(super) round: u64,
}

impl<C> AppendRequest<C> {
    /// Whether the request could come from a correct leader: entry terms never exceed
    /// the leader's, never decrease, and start at or above `prev_term`; indexes fit.
    fn is_well_formed(&self) -> bool {
        let mut floor = self.prev_term;
        self.prev_term <= self.term
            && self
                .prev_index
                .checked_add(self.entries.len() as u64)
                .is_some()
            && self.entries.iter().all(|entry| {
                let ok = floor <= entry.term && entry.term <= self.term;
                floor = entry.term;
                ok
            })
    }
}

impl<C: Clone> Raft<C> {
    /// The leader's timers: CheckQuorum, then a round if one is due.
    pub(super) fn lead(&mut self, now: Instant) {
        if now >= self.quorum_contact_deadline() {
            self.become_follower(self.term, now);
            return;
        }
        if now >= self.round_due_at() {
            self.broadcast_round(now);
        }
    }

    /// When the leader next has something to do.
    pub(super) fn lead_due(&self) -> Instant {
        self.round_due_at().min(self.quorum_contact_deadline())
    }

    fn leading(&self) -> &LeaderState {
        self.leading
            .as_ref()
            .expect("raft: leader state exists while leading")
    }

    fn leading_mut(&mut self) -> &mut LeaderState {
        self.leading
            .as_mut()
            .expect("raft: leader state exists while leading")
    }

    fn round_due_at(&self) -> Instant {
        let leading = self.leading();
        let heartbeat = leading.last_round_at + self.config.heartbeat_interval;
        match leading.work_since {
            Some(since) => heartbeat.min(since.max(leading.last_round_at + self.config.batch_gap)),
            None => heartbeat,
        }
    }

    /// A leader steps down once a majority has been silent for the minimum election
    /// timeout: by then the others may have elected someone else.
    fn quorum_contact_deadline(&self) -> Instant {
        let leading = self.leading();
        match leading.quorum_value(self.quorum(), |progress| progress.heard_at) {
            Some(heard) => heard + self.config.election_timeout_min,
            // Alone, a leader cannot lose its majority; look again at the next heartbeat.
            None => leading.last_round_at + self.config.heartbeat_interval,
        }
    }

    /// Marks proposals or reads as waiting for the next round.
    pub(super) fn note_work(&mut self, now: Instant) {
        self.leading_mut().work_since.get_or_insert(now);
    }

    pub(super) fn broadcast_round(&mut self, now: Instant) {
        let last_index = self.log.last_index();
        let (heartbeat, silence) = (
            self.config.heartbeat_interval,
            self.config.election_timeout_min / 2,
        );
        let leading = self.leading_mut();
        leading.round += 1;
        leading.last_round_at = now;
        leading.round_end = last_index;
        leading.work_since = None;
        let recipients: Vec<String> = leading
            .progress
            .iter()
            .filter(|(_, progress)| {
                // A follower that stopped answering (cut off, most likely) hears only
                // heartbeats, not every batch, until it answers again.
                let silent = now >= progress.heard_at + silence;
                !silent || now >= progress.sent_at + heartbeat
            })
            .map(|(peer, _)| peer.clone())
            .collect();
        for peer in recipients {
            self.send_append(&peer, now);
        }
    }

    /// Sends `peer` what it has not been sent yet, from its `next`, and moves `next` on.
    fn send_append(&mut self, peer: &str, now: Instant) {
        let max = self.config.max_entries_per_message.max(1);
        let leading = self.leading.as_mut().expect("raft: leading");
        let round = leading.round;
        let progress = leading
            .progress
            .get_mut(peer)
            .expect("raft: progress exists for every peer");
        let prev_index = progress.next - 1;
        let prev_term = self
            .log
            .term_at(prev_index)
            .expect("raft: a follower's next index lies within the leader's log plus one");
        let entries = self.log.slice(progress.next, max);
        progress.next += entries.len() as u64;
        progress.sent_at = now;
        let message = RaftMessage::Append {
            term: self.term,
            prev_index,
            prev_term,
            entries,
            commit: self.commit,
            round,
        };
        self.send(peer, message);
    }

    pub(super) fn on_append(&mut self, from: &str, request: AppendRequest<C>, now: Instant) {
        if !request.is_well_formed() {
            tracing::warn!(from, "raft: ignoring a malformed AppendEntries");
            return;
        }
        if request.term < self.term {
            // Tell a deposed leader about the newer term so it steps down.
            let (index, term) = self
                .log
                .last_at_or_below(request.prev_index, request.prev_term);
            self.reply_append(
                from,
                request.round,
                request.prev_index,
                Some(RejectHint { index, term }),
            );
            return;
        }
        if self.role == Role::Leader {
            tracing::warn!(from, term = self.term, "raft: a second leader in this term");
            return;
        }
        if self.role != Role::Follower {
            self.become_follower(request.term, now);
        }
        self.leader = Some(from.to_owned());
        self.leader_contact = Some(now);
        self.reset_election_timer(now);
        let AppendRequest {
            prev_index,
            prev_term,
            entries,
            commit,
            round,
            ..
        } = request;
        if !self.log.matches(prev_index, prev_term) {
            let (index, term) = self.log.last_at_or_below(prev_index, prev_term);
            self.reply_append(from, round, prev_index, Some(RejectHint { index, term }));
            return;
        }
        if let Some(cut) = self.log.first_conflict(prev_index, &entries) {
            if cut <= self.commit {
                tracing::warn!(
                    from,
                    cut,
                    commit = self.commit,
                    "raft: refusing to cut committed entries"
                );
                return;
            }
        }
        self.log.append_from(prev_index, &entries);
        let matched = prev_index + entries.len() as u64;
        self.commit = self.commit.max(commit.min(matched));
        self.reply_append(from, round, matched, None);
    }

    fn reply_append(&mut self, to: &str, round: u64, index: u64, reject: Option<RejectHint>) {
        let message = RaftMessage::AppendReply {
            term: self.term,
            round,
            index,
            reject,
        };
        self.send(to, message);
    }

    pub(super) fn on_append_reply(
        &mut self,
        from: &str,
        term: u64,
        round: u64,
        index: u64,
        reject: Option<RejectHint>,
        now: Instant,
    ) {
        if self.role != Role::Leader || term != self.term {
            return;
        }
        let last_index = self.log.last_index();
        let leading = self.leading.as_mut().expect("raft: leading");
        let (current_round, round_end) = (leading.round, leading.round_end);
        let progress = leading
            .progress
            .get_mut(from)
            .expect("raft: progress exists for every peer");
        progress.heard_at = now;
        progress.acked_round = progress.acked_round.max(round.min(current_round));
        let resend = match reject {
            None if index <= last_index => {
                progress.matched = progress.matched.max(index);
                progress.next = progress.next.max(progress.matched + 1);
                progress.next <= round_end
            }
            None => false,
            // A rejection of an index the follower matched since, or that the leader has
            // already backed away from, is stale.
            Some(hint) if progress.matched < index && index < progress.next => {
                let (probe, _) = self.log.last_at_or_below(hint.index, hint.term);
                progress.next = (probe + 1).clamp(progress.matched + 1, index);
                true
            }
            Some(_) => false,
        };
        if resend {
            self.send_append(from, now);
        }
        self.advance_commit();
        self.release_reads();
    }

    /// Commits up to the highest index a majority holds, if it is of the current term
    /// (Raft §5.4.2: earlier terms' entries commit only by being below such an index).
    pub(super) fn advance_commit(&mut self) {
        let Some(leading) = self.leading.as_ref() else {
            return;
        };
        let majority_holds = leading
            .quorum_value(self.quorum(), |progress| progress.matched)
            .unwrap_or(self.log.last_index());
        if majority_holds > self.commit && self.log.term_at(majority_holds) == Some(self.term) {
            self.commit = majority_holds;
        }
    }

    /// Releases the reads a majority's acknowledged rounds have confirmed, once this
    /// term's no-op is committed.
    pub(super) fn release_reads(&mut self) {
        let Some(leading) = self.leading.as_ref() else {
            return;
        };
        if self.commit < leading.term_start {
            return;
        }
        let confirmed = leading
            .quorum_value(self.quorum(), |progress| progress.acked_round)
            .unwrap_or(u64::MAX);
        self.reads.release(confirmed, self.commit);
    }
}
