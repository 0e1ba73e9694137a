//! The messages of Maelstrom's g-counter workload (spec §2.5): clients `add` a delta and
//! `read` the total. Nodes talk to each other only through `seq-kv`, whose messages the
//! runtime's [`runtime::Kv`] client speaks.

use serde::{Deserialize, Serialize};

/// The messages this workload receives and sends.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    /// Adds `delta` (0..=4 from Maelstrom's generator; never negative for a G-counter).
    Add {
        delta: u64,
    },
    AddOk,
    Read,
    ReadOk {
        value: u64,
    },
}
