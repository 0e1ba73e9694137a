//! What a workload implements: a [`Handler`] sees one message at a time through a [`Ctx`]
//! and never the process, stdin or stdout. Each request runs in a task of its own, so a
//! handler that awaits an RPC does not hold up the node; state shared between requests
//! lives behind the handler's own locks.
//!
//! A handler is built once the node knows who it is: after `init`, from a [`Ctx`] that
//! knows the node's id and its peers ([`Start`]). Its state therefore exists from the first
//! request on, sized for the cluster, and there is no "not initialised yet" for a workload
//! to answer (the runtime answers requests that come before `init`).

use async_trait::async_trait;

use crate::ctx::Ctx;
use crate::error::Error;
use crate::protocol::Message;

/// A workload's node logic.
#[async_trait]
pub trait Handler: Send + Sync + 'static {
    /// Handles one message that is not a reply to this node's own RPCs. Returning an error
    /// answers the request with it (a panic is answered with error 13); the node goes on.
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error>;
}

/// How a handler comes to be: built once, right after `init`, from the node's [`Ctx`]. It
/// must not wait on the network (no reply could be read yet); start timers or spawn tasks
/// here, through `ctx`.
pub trait Start: Handler + Sized {
    fn start(ctx: &Ctx) -> Self;
}

/// Builds the handler `H` for the node `ctx` describes: the constructor most registrations
/// name (`start: runtime::start::<EchoNode>`).
pub fn start<H: Start>(ctx: &Ctx) -> Box<dyn Handler> {
    Box::new(H::start(ctx))
}
