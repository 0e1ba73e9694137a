//! What a workload implements: a [`Handler`] sees one message at a time through a [`Ctx`]
//! and never the process, stdin or stdout. Each request runs in a task of its own, so a
//! handler that awaits an RPC does not hold up the node; state shared between requests
//! lives behind the handler's own locks.

use async_trait::async_trait;

use crate::ctx::Ctx;
use crate::error::Error;
use crate::protocol::Message;

/// A workload's node logic.
#[async_trait]
pub trait Handler: Send + Sync + 'static {
    /// Called once, after `init` and before any other message is handled. It must not
    /// wait on the network (no reply could be read yet); start timers or spawn tasks here.
    fn on_init(&self, _ctx: &Ctx) {}

    /// Handles one message that is not a reply to this node's own RPCs. Returning an error
    /// answers the request with it (a panic is answered with error 13); the node goes on.
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error>;
}

/// Builds a handler from its `Default`: the constructor most registrations use.
pub fn construct<H: Handler + Default>() -> Box<dyn Handler> {
    Box::new(H::default())
}
