//! [`RaftNode`]: the whole handler of a workload that is one Raft-replicated state machine.
//! It starts a [`RaftServer`] at `init`, passes peer traffic to it, and serves each client
//! request through it (at the leader, or forwarded there), so such a workload writes only its
//! state machine and its timing ([`Replicated`]) and registers `RaftNode<ItsMachine>`.

use async_trait::async_trait;

use super::replica::StateMachine;
use super::server::{RaftServer, ServerConfig};
use crate::ctx::Ctx;
use crate::error::Error;
use crate::handler::{Handler, Start};
use crate::protocol::Message;

/// A state machine that is a whole workload: it starts empty, and is served with this timing.
pub trait Replicated: StateMachine + Default {
    const CONFIG: ServerConfig;
}

/// A node serving the replicated state machine `S`.
#[derive(Debug)]
pub struct RaftNode<S: Replicated> {
    server: RaftServer<S>,
}

impl<S: Replicated> Start for RaftNode<S> {
    fn start(ctx: &Ctx) -> Self {
        RaftNode {
            server: RaftServer::start(ctx, S::default(), S::CONFIG),
        }
    }
}

#[async_trait]
impl<S: Replicated> Handler for RaftNode<S> {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        if RaftServer::<S>::PEER_KINDS.contains(&msg.kind.as_str()) {
            return self.server.handle_peer(ctx, &msg).await;
        }
        let reply = self.server.serve(ctx, msg.payload::<S::Request>()?).await?;
        ctx.reply(&msg, &reply)
    }
}
