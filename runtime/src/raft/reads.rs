//! Reads waiting for the leadership confirmation that makes them linearizable.

/// Registered reads not yet ready, and outcomes not yet taken.
#[derive(Debug, Default)]
pub(super) struct Reads {}
