//! Deliberately broken g-set nodes, compiled only for the explorer (feature `mutants`):
//! `cargo xtask explore --mutants` runs each on its suite until a seed fails, which shows
//! that the suite and set-full catch what the mutant breaks.

use std::time::Duration;

use runtime::{Ctx, Handler, Mutant};

use crate::{GSetNode, GOSSIP_POLICY};

/// Never resends a delta nobody acknowledged: gossip carries only news, so elements whose
/// delta was lost to the last partition reach no peer once no more adds follow, and the
/// final reads on the far side miss them (set-full: lost).
fn no_resend(ctx: &Ctx) -> Box<dyn Handler> {
    let policy = runtime::peer_stream::StreamPolicy {
        resend_after: Duration::from_secs(24 * 3600),
        ..GOSSIP_POLICY
    };
    Box::new(GSetNode::with_policy(ctx, policy))
}

runtime::inventory::submit! {
    Mutant {
        name: "g-set-no-resend",
        suite: "g-set",
        breaks: "never resends unacknowledged deltas, so elements gossiped into a partition are lost",
        start: no_resend,
    }
}
