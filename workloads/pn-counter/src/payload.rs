//! The messages of Maelstrom's pn-counter workload (spec §2.5: clients `add` a signed
//! delta and `read` the total) and the gossip between nodes, which carries a delta of the
//! node's [`PnCounter`] with sequence numbers and acknowledgements (see
//! [`runtime::crdt::replica`]).

use runtime::crdt::{Envelope, PnCounter};
use serde::{Deserialize, Serialize};

/// The messages this workload receives and sends.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    /// Adds `delta` (−5..=4 from Maelstrom's generator).
    Add {
        delta: i64,
    },
    AddOk,
    Read,
    ReadOk {
        value: i64,
    },
    /// Node to node, one way: what the sender thinks the recipient lacks, plus an
    /// acknowledgement of the recipient's own gossip.
    Gossip(Envelope<PnCounter>),
}
