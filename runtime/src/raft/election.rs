//! Elections: pre-votes, votes and the role changes they cause.
