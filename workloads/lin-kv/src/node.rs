//! The `lin-kv` handler: the registers replicated by a [`RaftServer`]. Peer traffic goes to
//! the server; a client request is served by it, at the leader or forwarded there.

use std::sync::OnceLock;
use std::time::Duration;

use runtime::raft::{RaftConfig, RaftServer, ServerConfig};
use runtime::{async_trait, Ctx, Error, Handler, Message};

use crate::payload::Request;
use crate::registers::Registers;

/// Timing tuned for Maelstrom's lin-kv command lines (0-10 ms one way). Elections settle
/// within about half a second; a leader under load sends at most one round of
/// AppendEntries per 40 ms, which is what keeps messages per operation low at 5 nodes;
/// and a request is answered within 800 ms, inside the workload's client timeout of
/// `max(10 × latency, 1000)` ms.
const CONFIG: ServerConfig = ServerConfig {
    raft: RaftConfig {
        heartbeat_interval: Duration::from_millis(100),
        election_timeout_min: Duration::from_millis(400),
        election_timeout_max: Duration::from_millis(800),
        batch_gap: Duration::from_millis(40),
        max_entries_per_message: 256,
    },
    request_budget: Duration::from_millis(800),
    leader_patience: Duration::from_millis(300),
};

/// A node of the Raft key-value store.
#[derive(Debug, Default)]
pub struct RaftNode {
    server: OnceLock<RaftServer<Registers>>,
}

#[async_trait]
impl Handler for RaftNode {
    fn on_init(&self, ctx: &Ctx) {
        if self
            .server
            .set(RaftServer::start(ctx, Registers::default(), CONFIG))
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
        if RaftServer::<Registers>::PEER_KINDS.contains(&msg.kind.as_str()) {
            return server.handle_peer(ctx, &msg).await;
        }
        let reply = server.serve(ctx, msg.payload::<Request>()?).await?;
        ctx.reply(&msg, &reply)
    }
}
