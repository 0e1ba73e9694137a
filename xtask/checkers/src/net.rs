//! Maelstrom's network statistics (`net/checker.clj`): how many messages the network
//! accepted and delivered, split into client traffic and server traffic, and messages per
//! operation, the number Fly.io's efficiency targets are stated in.
//!
//! A message is a client message iff its source or destination is a client (`c*`); that
//! includes `init` and `topology`. Everything else, node to node and node to service, is
//! server traffic. A dropped message (sent across a partition) has a `send` and no `recv`.
//! `msg-count` counts distinct message ids. `msgs-per-op` is `msg-count / op-count` as a
//! 32-bit float, for `all` and `servers` only, and absent when there were no operations.
//!
//! The counts are kept in a [`NetTally`] of fixed size, so a run's message statistics cost
//! no memory per message however many its nodes send. A message is counted once, at its
//! `send`: the network records every message's send before any delivery of it, so that is
//! the number of distinct ids Maelstrom counts.

use serde_json::{Map, Value};

use crate::checked::Checked;
use crate::edn::float_ratio;
use crate::history::{Op, OpType};
use crate::journal::{is_client_id, NetEvent, NetEventKind};
use crate::validity::Validity;

/// The operations messages are divided by: invocations of client (non-nemesis) processes,
/// main phase and final phase alike.
pub fn op_count(history: &[Op]) -> usize {
    history
        .iter()
        .filter(|op| op.is_client() && op.kind == OpType::Invoke)
        .count()
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Bucket {
    sends: u64,
    recvs: u64,
}

impl Bucket {
    fn add(&mut self, kind: NetEventKind) {
        match kind {
            NetEventKind::Send => self.sends += 1,
            NetEventKind::Recv => self.recvs += 1,
        }
    }

    fn to_json(self, op_count: usize, per_op: bool) -> Value {
        let mut map = Map::new();
        map.insert("send-count".into(), self.sends.into());
        map.insert("recv-count".into(), self.recvs.into());
        // Every message is sent exactly once, under its own id.
        map.insert("msg-count".into(), self.sends.into());
        if per_op && op_count > 0 {
            map.insert(
                "msgs-per-op".into(),
                float_ratio(self.sends, op_count as u64),
            );
        }
        Value::Object(map)
    }
}

/// The network statistics of a run so far, counted event by event in constant memory.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct NetTally {
    all: Bucket,
    clients: Bucket,
    servers: Bucket,
}

impl NetTally {
    /// Counts one journal event between `src` and `dest`.
    pub fn add(&mut self, kind: NetEventKind, src: &str, dest: &str) {
        self.all.add(kind);
        if is_client_id(src) || is_client_id(dest) {
            self.clients.add(kind);
        } else {
            self.servers.add(kind);
        }
    }

    /// A tally of a whole journal.
    pub fn of(journal: &[NetEvent]) -> NetTally {
        let mut tally = NetTally::default();
        for event in journal {
            tally.add(event.kind, &event.src, &event.dest);
        }
        tally
    }
}

/// Keys: `all`, `clients`, `servers` (each `send-count`, `recv-count`, `msg-count`; `all`
/// and `servers` also `msgs-per-op` when `op_count > 0`), and `valid?`, always true.
pub fn check(journal: &[NetEvent], op_count: usize) -> Checked {
    check_tally(&NetTally::of(journal), op_count)
}

/// [`check`] from counts taken while the run went on.
pub fn check_tally(tally: &NetTally, op_count: usize) -> Checked {
    let mut map = Map::new();
    map.insert("all".into(), tally.all.to_json(op_count, true));
    map.insert("clients".into(), tally.clients.to_json(op_count, false));
    map.insert("servers".into(), tally.servers.to_json(op_count, true));
    Checked::new(Validity::Valid, map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{HistoryBuilder, JournalBuilder};
    use serde_json::json;

    #[test]
    fn splits_client_and_server_traffic_and_counts_drops() {
        let journal = JournalBuilder::new()
            .deliver(0, "c0", "n0") // init
            .deliver(1, "n0", "c0") // init_ok
            .deliver(2, "c1", "n0") // broadcast
            .deliver(3, "n0", "n1") // gossip
            .send(4, "n0", "n2") // gossip dropped by a partition
            .deliver(5, "n1", "lin-kv") // a service call is server traffic
            .deliver(6, "n0", "c1") // broadcast_ok
            .build();
        let history = HistoryBuilder::new()
            .call(0, "broadcast", json!(1), json!(1))
            .nemesis("start-partition", json!(null))
            .invoke(1, "read", json!(null))
            .build();
        assert_eq!(op_count(&history), 2, "invocations of clients only");
        let c = check(&journal, op_count(&history));
        assert_eq!(c.validity, Validity::Valid);
        assert_eq!(
            c.results,
            json!({
                "all": {"send-count": 7, "recv-count": 6, "msg-count": 7, "msgs-per-op": 3.5},
                "clients": {"send-count": 4, "recv-count": 4, "msg-count": 4},
                "servers": {"send-count": 3, "recv-count": 2, "msg-count": 3, "msgs-per-op": 1.5},
                "valid?": true
            })
        );
    }

    #[test]
    fn msgs_per_op_is_absent_without_operations() {
        let journal = JournalBuilder::new().deliver(0, "c0", "n0").build();
        let c = check(&journal, 0);
        assert_eq!(
            c.results["all"],
            json!({"send-count": 1, "recv-count": 1, "msg-count": 1})
        );
        assert!(c.results["servers"].get("msgs-per-op").is_none());
        assert_eq!(check(&[], 3).results["servers"]["msgs-per-op"], json!(0.0));
    }
}
