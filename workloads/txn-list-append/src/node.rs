//! The `txn-list-append` handler: the lists replicated by a [`RaftServer`]. Peer traffic goes
//! to the server; a client's `txn` is served by it, at the leader or forwarded there.

use std::sync::OnceLock;
use std::time::Duration;

use runtime::raft::{RaftConfig, RaftServer, ServerConfig};
use runtime::txn::{List, TxnRequest, TxnStore};
use runtime::{async_trait, Ctx, Error, Handler, Message};

/// The replicated store.
type Lists = TxnStore<List>;

/// Timing for Maelstrom's txn command lines (a few ms one way, clients waiting 5 s).
/// Elections settle within about half a second; a leader sends at most one round of
/// AppendEntries per 20 ms, so at 1000 transactions a second one round carries about 20 of
/// them; and a request is answered within 1 s, well inside the client's timeout, so a
/// request stuck behind a partition fails here rather than as the client's timeout.
pub const CONFIG: ServerConfig = ServerConfig {
    raft: RaftConfig {
        heartbeat_interval: Duration::from_millis(100),
        election_timeout_min: Duration::from_millis(400),
        election_timeout_max: Duration::from_millis(800),
        batch_gap: Duration::from_millis(20),
        max_entries_per_message: 256,
    },
    request_budget: Duration::from_millis(1000),
    leader_patience: Duration::from_millis(300),
};

/// A node of the list-append store.
#[derive(Debug, Default)]
pub struct ListAppendNode {
    server: OnceLock<RaftServer<Lists>>,
}

#[async_trait]
impl Handler for ListAppendNode {
    fn on_init(&self, ctx: &Ctx) {
        if self
            .server
            .set(RaftServer::start(ctx, Lists::default(), CONFIG))
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
        if RaftServer::<Lists>::PEER_KINDS.contains(&msg.kind.as_str()) {
            return server.handle_peer(ctx, &msg).await;
        }
        let reply = server
            .serve(ctx, msg.payload::<TxnRequest<List>>()?)
            .await?;
        ctx.reply(&msg, &reply)
    }
}
