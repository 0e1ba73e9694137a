//! A deliberately broken pn-counter node, compiled only for the explorer (feature
//! `mutants`): `cargo xtask explore --mutants` runs it on the pn-counter suite until a seed
//! fails, which shows that the final reads catch deltas lost to a partition.

use std::time::Duration;

use runtime::peer_stream::StreamPolicy;
use runtime::{Ctx, Handler, Mutant};

use crate::{PnCounterNode, GOSSIP_POLICY};

/// Never resends a delta: one lost to a partition is lost for good, so nodes disagree on
/// the total once the network heals.
fn no_resend(ctx: &Ctx) -> Box<dyn Handler> {
    let policy = StreamPolicy {
        resend_after: Duration::from_secs(24 * 3600),
        ..GOSSIP_POLICY
    };
    Box::new(PnCounterNode::gossiping(ctx, policy))
}

runtime::inventory::submit! {
    Mutant {
        name: "pn-counter-no-resend",
        suite: "pn-counter",
        breaks: "never resends unacknowledged deltas, so deltas sent into a partition are lost",
        start: no_resend,
    }
}
