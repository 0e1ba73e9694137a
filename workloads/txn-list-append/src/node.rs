//! The `txn-list-append` handler: the lists replicated by a [`RaftServer`]. Peer traffic goes
//! to the server; a client's `txn` is served by it, at the leader or forwarded there.

use std::sync::OnceLock;

use runtime::raft::RaftServer;
use runtime::txn::{List, TxnRequest, TxnStore, SERVER_CONFIG};
use runtime::{async_trait, Ctx, Error, Handler, Message};

/// The replicated store.
type Lists = TxnStore<List>;

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
            .set(RaftServer::start(ctx, Lists::default(), SERVER_CONFIG))
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
