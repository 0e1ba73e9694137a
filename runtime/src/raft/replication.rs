//! Replication: AppendEntries between leader and followers, and commitment.

/// What a leader knows about its followers.
#[derive(Debug)]
pub(super) struct LeaderState {}
