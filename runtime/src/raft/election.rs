//! Elections: pre-votes, votes and the role changes they cause (Raft §5.2, thesis §9.6).
//!
//! A node whose election timer fires becomes a pre-candidate: it asks its peers whether
//! they would vote for it at the next term, changing no one's term. Only with a majority
//! of such grants does it become a candidate, bump its term and ask for real votes. A peer
//! grants a pre-vote as it would a vote (the asker's log is at least as up to date, and
//! the asked term is above its own), except that it has not promised anything. Peers that
//! heard from a live leader within the minimum election timeout ignore both kinds of
//! request, so a node that merely lost contact with a healthy leader cannot depose it.

use tokio::time::Instant;

use super::core::{Raft, Role};
use super::log::Entry;
use super::message::RaftMessage;
use super::replication::LeaderState;

impl<C: Clone> Raft<C> {
    /// Whether this node trusts a leader of its term to be alive: it leads, or it heard
    /// from the leader less than the minimum election timeout ago.
    pub(super) fn in_lease(&self, now: Instant) -> bool {
        self.role == Role::Leader
            || self
                .leader_contact
                .is_some_and(|at| now < at + self.config.election_timeout_min)
    }

    /// Becomes a follower at `term` (at least the current one) with no known leader.
    /// A leader that steps down abandons its waiting reads.
    pub(super) fn become_follower(&mut self, term: u64, now: Instant) {
        if term > self.term {
            self.term = term;
            self.voted_for = None;
        }
        if self.leading.take().is_some() {
            self.reads.abandon_all();
        }
        self.role = Role::Follower;
        self.leader = None;
        self.leader_contact = None;
        self.grants.clear();
        self.reset_election_timer(now);
    }

    pub(super) fn campaign_pre_vote(&mut self, now: Instant) {
        self.role = Role::PreCandidate;
        self.leader = None;
        self.leader_contact = None;
        self.grants.clear();
        self.grants.insert(self.id.clone());
        self.reset_election_timer(now);
        if self.grants.len() >= self.quorum() {
            self.campaign_vote(now);
            return;
        }
        self.send_to_peers(RaftMessage::PreVote {
            term: self.term + 1,
            last_index: self.log.last_index(),
            last_term: self.log.last_term(),
        });
    }

    fn campaign_vote(&mut self, now: Instant) {
        self.term += 1;
        self.role = Role::Candidate;
        self.voted_for = Some(self.id.clone());
        self.grants.clear();
        self.grants.insert(self.id.clone());
        self.reset_election_timer(now);
        if self.grants.len() >= self.quorum() {
            self.become_leader(now);
            return;
        }
        self.send_to_peers(RaftMessage::Vote {
            term: self.term,
            last_index: self.log.last_index(),
            last_term: self.log.last_term(),
        });
    }

    pub(super) fn on_pre_vote(
        &mut self,
        from: &str,
        term: u64,
        last_index: u64,
        last_term: u64,
        now: Instant,
    ) {
        if self.in_lease(now) {
            return;
        }
        let granted = term > self.term && self.log.is_outdated_by(last_index, last_term);
        let term = if granted { term } else { self.term };
        self.send(from, RaftMessage::PreVoteReply { term, granted });
    }

    pub(super) fn on_pre_vote_reply(&mut self, from: &str, term: u64, granted: bool, now: Instant) {
        if self.role != Role::PreCandidate || !granted || term != self.term + 1 {
            return;
        }
        self.grants.insert(from.to_owned());
        if self.grants.len() >= self.quorum() {
            self.campaign_vote(now);
        }
    }

    /// A vote request at a term not above the current one (the caller has moved to a
    /// higher term already, unless the request was ignored for the lease).
    pub(super) fn on_vote(
        &mut self,
        from: &str,
        term: u64,
        last_index: u64,
        last_term: u64,
        now: Instant,
    ) {
        let granted = term == self.term
            && self.voted_for.as_deref().is_none_or(|voted| voted == from)
            && self.log.is_outdated_by(last_index, last_term);
        if granted {
            self.voted_for = Some(from.to_owned());
            self.reset_election_timer(now);
        }
        self.send(
            from,
            RaftMessage::VoteReply {
                term: self.term,
                granted,
            },
        );
    }

    pub(super) fn on_vote_reply(&mut self, from: &str, term: u64, granted: bool, now: Instant) {
        if self.role != Role::Candidate || !granted || term != self.term {
            return;
        }
        self.grants.insert(from.to_owned());
        if self.grants.len() >= self.quorum() {
            self.become_leader(now);
        }
    }

    /// Takes office: appends the no-op that will commit this term (reads wait for it)
    /// and sends it with the first round at once.
    fn become_leader(&mut self, now: Instant) {
        self.role = Role::Leader;
        self.leader = Some(self.id.clone());
        self.leader_contact = None;
        self.grants.clear();
        let next = self.log.last_index() + 1;
        let term_start = self.log.push(Entry {
            term: self.term,
            command: None,
        });
        self.leading = Some(LeaderState::new(&self.peers, next, term_start, now));
        self.advance_commit();
        self.broadcast_round(now);
    }
}
