//! A driver for testing one handler without Maelstrom: a [`TestNode`] runs it on its own
//! thread behind the in-memory transport, and the test writes what Maelstrom would write to
//! the node's stdin and reads what the node writes to its stdout, failing rather than
//! hanging when the node stays silent. Clusters are the explorer's (`explore::Trial`,
//! feature `explore`): the simulator's network, services and checkers on the virtual clock.
//!
//! - `node`: [`TestNode`], one handler behind the in-memory transport.

mod node;

pub use node::{TestNode, TEST_SEED, WAIT};
