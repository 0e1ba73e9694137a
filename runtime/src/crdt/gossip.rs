//! Drives a shared [`Replica`] from a node: a timer that, every period, sends each peer the
//! envelope [`Replica::due`] has for it, wrapped in the workload's own message type. The
//! replica stays sans-IO; this is the one place its gossip meets a [`Ctx`].

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use super::{Crdt, Envelope, Replica};
use crate::Ctx;

/// Every `period` from now until shutdown, sends each peer what `replica` has due for it,
/// as `wrap(envelope)`. A message that cannot be sent is logged; the next period repairs it.
pub fn gossip_every<C, P, W>(ctx: &Ctx, replica: Arc<Mutex<Replica<C>>>, period: Duration, wrap: W)
where
    C: Crdt + Send + 'static,
    P: Serialize,
    W: Fn(Envelope<C>) -> P + Send + 'static,
{
    ctx.every(period, move |ctx| {
        let due = crate::lock::lock(&replica).due(ctx.peers(), ctx.now());
        for (peer, envelope) in due {
            if let Err(err) = ctx.send(&peer, &wrap(envelope)) {
                tracing::warn!(%peer, "gossip not sent: {err}");
            }
        }
        async {}
    });
}
