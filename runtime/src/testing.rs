//! Drivers for testing handlers without Maelstrom: a [`TestNode`] runs one handler on its
//! own thread behind the in-memory transport, and the test writes what Maelstrom would
//! write to the node's stdin and reads what the node writes to its stdout. A [`Mesh`] runs
//! several such nodes with the test as their network, relaying (or, while cut, dropping)
//! node-to-node messages and acting as the client. Both fail the test, rather than hang,
//! when a node stays silent.
//!
//! - `node`: [`TestNode`], one handler behind the in-memory transport.
//! - `mesh`: [`Mesh`], a cluster of test nodes whose network is the test.

mod mesh;
mod node;

pub use mesh::Mesh;
pub use node::{TestNode, TEST_SEED, WAIT};
