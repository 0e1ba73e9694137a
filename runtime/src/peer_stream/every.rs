//! The one place a node's streams meet a [`Ctx`] on a timer: every period, the caller's
//! closure takes what is due from its (sans-IO) streams, wrapped in the workload's own
//! message type, and this sends it. A message that cannot be sent is logged; the streams
//! resend it when it stays unacknowledged.

use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;

use crate::Ctx;

/// Every `period` from now until shutdown, sends each `(peer, message)` that `due`
/// returns for the current time.
pub fn send_every<M, F>(ctx: &Ctx, period: Duration, mut due: F)
where
    M: Serialize,
    F: FnMut(&Ctx, Instant) -> Vec<(String, M)> + Send + 'static,
{
    ctx.every(period, move |ctx| {
        for (peer, message) in due(&ctx, ctx.now()) {
            if let Err(err) = ctx.send(&peer, &message) {
                tracing::warn!(%peer, "stream message not sent: {err}");
            }
        }
        async {}
    });
}
