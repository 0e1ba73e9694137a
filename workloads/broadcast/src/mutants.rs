//! Deliberately broken broadcast nodes, compiled only for the explorer (feature `mutants`):
//! `cargo xtask explore --mutants` runs each on its suite until a seed fails, which shows
//! that the suite and its checker catch what the mutant breaks.

use std::time::Duration;

use runtime::{Ctx, Handler, Mutant};

use crate::{BroadcastNode, Tuning};

/// Never resends: a batch lost to a partition is lost for good, so some node misses values
/// in the final reads once the partition heals.
fn no_resend(ctx: &Ctx) -> Box<dyn Handler> {
    let tuning = Tuning {
        resend_after: Duration::from_secs(24 * 3600),
        ..Tuning::QUICK
    };
    Box::new(BroadcastNode::start(ctx, tuning))
}

runtime::inventory::submit! {
    Mutant {
        name: "broadcast-no-resend",
        suite: "3c",
        breaks: "never resends unacknowledged values, so values sent into a partition are lost",
        start: no_resend,
    }
}
