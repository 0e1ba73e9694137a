//! The messages of Maelstrom's g-set workload (spec §2.4: clients `add` an `element` and
//! `read` the set as `value`) and the gossip between nodes, which carries a delta of the
//! node's [`GSet`] with sequence numbers and acknowledgements (see
//! [`runtime::crdt::replica`]).

use runtime::crdt::{Envelope, GSet};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::element::Element;

/// The messages this workload receives and sends.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    Add {
        element: Value,
    },
    AddOk,
    Read,
    ReadOk {
        value: Vec<Value>,
    },
    /// Node to node, one way: the elements the sender thinks the recipient lacks, plus an
    /// acknowledgement of the recipient's own gossip.
    Gossip(Envelope<GSet<Element>>),
}
