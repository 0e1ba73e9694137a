//! Drives a shared [`Replica`] from a node: every period, each peer gets the envelope
//! [`Replica::due`] has for it, wrapped in the workload's own message type, through the
//! streams' one timer ([`send_every`]). The replica stays sans-IO.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use super::{Crdt, Envelope, Replica};
use crate::peer_stream::send_every;
use crate::Ctx;

/// Every `period` from now until shutdown, sends each peer what `replica` has due for it,
/// as `wrap(envelope)`.
pub fn gossip_every<C, P, W>(ctx: &Ctx, replica: Arc<Mutex<Replica<C>>>, period: Duration, wrap: W)
where
    C: Crdt + Send + 'static,
    P: Serialize,
    W: Fn(Envelope<C>) -> P + Send + 'static,
{
    send_every(ctx, period, move |ctx, now| {
        let due = crate::lock::lock(&replica).due(ctx.peers(), now);
        due.into_iter()
            .map(|(peer, envelope)| (peer, wrap(envelope)))
            .collect()
    });
}
