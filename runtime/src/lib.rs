//! Maelstrom node runtime (being built).
pub mod suite;
