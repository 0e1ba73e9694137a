//! [`RaftNode`]: the whole handler of a workload that is one Raft-replicated state machine.
//! It starts a [`RaftServer`] at `init`, passes peer traffic to it, and serves each client
//! request through it (at the leader, or forwarded there), so such a workload writes only its
//! state machine and its timing ([`Replicated`]) and registers `RaftNode<ItsMachine>`.

use std::sync::OnceLock;

use async_trait::async_trait;

use super::replica::StateMachine;
use super::server::{RaftServer, ServerConfig};
use crate::ctx::Ctx;
use crate::error::Error;
use crate::handler::Handler;
use crate::protocol::Message;

/// A state machine that is a whole workload: it starts empty, and is served with this timing.
pub trait Replicated: StateMachine + Default {
    const CONFIG: ServerConfig;
}

/// A node serving the replicated state machine `S`.
#[derive(Debug)]
pub struct RaftNode<S: Replicated> {
    server: OnceLock<RaftServer<S>>,
}

impl<S: Replicated> Default for RaftNode<S> {
    fn default() -> Self {
        RaftNode {
            server: OnceLock::new(),
        }
    }
}

#[async_trait]
impl<S: Replicated> Handler for RaftNode<S> {
    fn on_init(&self, ctx: &Ctx) {
        if self
            .server
            .set(RaftServer::start(ctx, S::default(), S::CONFIG))
            .is_err()
        {
            tracing::error!("initialised twice; keeping the first replica");
        }
    }

    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        let server = self
            .server
            .get()
            .ok_or_else(|| Error::unavailable("the replica is not initialised"))?;
        if RaftServer::<S>::PEER_KINDS.contains(&msg.kind.as_str()) {
            return server.handle_peer(ctx, &msg).await;
        }
        let reply = server.serve(ctx, msg.payload::<S::Request>()?).await?;
        ctx.reply(&msg, &reply)
    }
}
