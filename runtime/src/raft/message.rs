//! What Raft peers send each other. The enum is internally tagged with `kind` (Maelstrom
//! reserves `type`) so a node can carry it as one field of its own message body. Field
//! names follow the paper's, shortened.

use serde::{Deserialize, Serialize};

use super::log::Entry;

/// One message between Raft peers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RaftMessage<C> {
    /// "Would you vote for me at `term`?" `term` is the sender's term plus one; neither
    /// side changes its term for it.
    PreVote {
        term: u64,
        last_index: u64,
        last_term: u64,
    },
    /// The answer to a [`RaftMessage::PreVote`]: `term` echoes the asked term when granted,
    /// else it is the replier's own term.
    PreVoteReply {
        term: u64,
        granted: bool,
    },
    /// RequestVote: the sender is a candidate at `term`.
    Vote {
        term: u64,
        last_index: u64,
        last_term: u64,
    },
    VoteReply {
        term: u64,
        granted: bool,
    },
    /// AppendEntries: `entries` go after `prev_index`, whose entry must have `prev_term`.
    /// An empty one is a heartbeat. `round` numbers the leader's rounds of AppendEntries
    /// within its term, so its acknowledgements confirm leadership for reads.
    Append {
        term: u64,
        prev_index: u64,
        prev_term: u64,
        entries: Vec<Entry<C>>,
        commit: u64,
        round: u64,
    },
    /// The answer to an [`RaftMessage::Append`], echoing its `round`. On success `index`
    /// is the last index known to match the leader's log; on rejection it is the
    /// rejected `prev_index` and `reject` says where the leader should probe next.
    AppendReply {
        term: u64,
        round: u64,
        index: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reject: Option<RejectHint>,
    },
}

/// A follower's hint after rejecting AppendEntries: the last entry of its log at or
/// below the rejected `prev_index` whose term is at most the leader's `prev_term`. The
/// leader probes next at the last entry of its own log at or below `index` with a term
/// at most `term`, skipping whole terms of conflict in one round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectHint {
    pub index: u64,
    pub term: u64,
}

impl<C> RaftMessage<C> {
    /// The sender's term as the message states it (the asked term for a pre-vote).
    pub fn term(&self) -> u64 {
        match self {
            RaftMessage::PreVote { term, .. }
            | RaftMessage::PreVoteReply { term, .. }
            | RaftMessage::Vote { term, .. }
            | RaftMessage::VoteReply { term, .. }
            | RaftMessage::Append { term, .. }
            | RaftMessage::AppendReply { term, .. } => *term,
        }
    }
}
