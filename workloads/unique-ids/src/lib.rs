//! Challenge 2, unique ids: every `generate` request gets an id no other request, on any
//! node, ever gets, with total availability under partitions. That rules out asking
//! anyone, so ids are made locally: node `i` of `N` hands out `i, i + N, i + 2N, ...`.
//! Node indices are distinct and fixed by `init`, so the sequences never meet, and plain
//! integers keep the replies small and comparable (the checker needs comparable ids).
//! A node's counter lives in memory: Maelstrom never restarts a node in these tests.
//! `mutants` (feature `mutants`) holds a deliberately broken node for the explorer.

#[cfg(feature = "mutants")]
mod mutants;

use std::sync::atomic::{AtomicU64, Ordering};

use runtime::{async_trait, Ctx, Error, Handler, Message, Start, Suite, Workload};
use serde::{Deserialize, Serialize};

/// The messages this workload receives and sends.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Payload {
    Generate,
    GenerateOk { id: u64 },
}

/// How many ids this node has handed out.
#[derive(Debug, Default)]
pub struct UniqueIdsNode {
    issued: AtomicU64,
}

impl Start for UniqueIdsNode {
    fn start(_: &Ctx) -> Self {
        UniqueIdsNode::default()
    }
}

impl UniqueIdsNode {
    /// The next id for node `index` of `count`, or `None` once the node's sequence has
    /// run past `u64::MAX`: wrapping would hand out ids already given (after some 10^19
    /// requests, but the arithmetic must not depend on that).
    fn next_id(&self, index: usize, count: usize) -> Option<u64> {
        let sequence = self
            .issued
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1))
            .ok()?;
        sequence
            .checked_mul(count.max(1) as u64)?
            .checked_add(index as u64)
    }
}

#[async_trait]
impl Handler for UniqueIdsNode {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        match msg.payload()? {
            Payload::Generate => {
                let id = self
                    .next_id(ctx.node_index(), ctx.node_ids().len())
                    .ok_or_else(|| Error::crash("this node has handed out every id it has"))?;
                ctx.reply(&msg, &Payload::GenerateOk { id })
            }
            Payload::GenerateOk { .. } => Err(Error::not_supported(
                "generate_ok is a reply, not a request",
            )),
        }
    }
}

/// Fly.io's challenge 2, exactly as published.
const SUITES: &[Suite] = &[Suite {
    id: "2",
    title: "Unique ID generation",
    workload: "unique-ids",
    args: &[
        "--time-limit",
        "30",
        "--rate",
        "1000",
        "--node-count",
        "3",
        "--availability",
        "total",
        "--nemesis",
        "partition",
    ],
    targets: &[],
}];

runtime::inventory::submit! {
    Workload {
        name: "unique-ids",
        summary: "Globally unique ids without coordination (challenge 2)",
        start: runtime::start::<UniqueIdsNode>,
        suites: SUITES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_of_different_nodes_never_collide() {
        let nodes: Vec<UniqueIdsNode> = (0..5).map(|_| UniqueIdsNode::default()).collect();
        let mut seen = HashSet::new();
        for round in 0..1000 {
            for (index, node) in nodes.iter().enumerate() {
                if round % (index + 1) == 0 {
                    assert!(
                        seen.insert(node.next_id(index, nodes.len()).unwrap()),
                        "duplicate id"
                    );
                }
            }
        }
    }

    #[test]
    fn the_sequence_ends_instead_of_wrapping_onto_issued_ids() {
        let node = UniqueIdsNode {
            issued: AtomicU64::new(u64::MAX / 3),
        };
        assert_eq!(node.next_id(0, 3), Some(u64::MAX), "3 divides u64::MAX");
        assert_eq!(node.next_id(0, 3), None, "the next id would wrap");
        let exhausted = UniqueIdsNode {
            issued: AtomicU64::new(u64::MAX),
        };
        assert_eq!(exhausted.next_id(0, 1), None);
        assert_eq!(exhausted.next_id(0, 1), None, "the count stays exhausted");
    }
}
