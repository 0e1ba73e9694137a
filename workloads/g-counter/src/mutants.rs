//! A deliberately broken g-counter node, compiled only for the explorer (feature
//! `mutants`): `cargo xtask explore --mutants` runs it on challenge 4 until a seed fails,
//! which shows that the final reads catch a view built from stale seq-kv reads.

use runtime::{Ctx, Handler, Mutant};

use crate::view::Freshness;
use crate::GCounterNode;

/// Reads the peers' totals without the barrier: seq-kv may serve each read from an old
/// state, so a node's final read can miss adds acknowledged long before.
fn trusts_stale_reads(ctx: &Ctx) -> Box<dyn Handler> {
    Box::new(GCounterNode::refreshing(ctx, Freshness::TrustStaleReads))
}

runtime::inventory::submit! {
    Mutant {
        name: "g-counter-stale-reads",
        suite: "4",
        breaks: "reads the other nodes' totals without a barrier first, trusting stale seq-kv states",
        start: trusts_stale_reads,
    }
}
