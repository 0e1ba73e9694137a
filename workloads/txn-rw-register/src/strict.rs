//! The `txn-rw-register-strict` handler: strict-serializable transactions over registers,
//! beside the crate's totally available store. The store is `runtime::txn::TxnStore<Register>`,
//! the same transactional state machine `txn-list-append` replicates over lists, on a
//! [`RaftServer`]: a transaction that writes is one log entry, applied in log order
//! everywhere; a read-only one is answered at a confirmed read index. The log order is the
//! serial order and respects real time, so every model up to strict serializability holds,
//! at the price of total availability: a node without a majority answers error 11 (see
//! `txn-list-append`'s crate doc for the argument, which does not depend on the model).

use std::sync::OnceLock;

use runtime::raft::RaftServer;
use runtime::txn::{Register, TxnRequest, TxnStore, SERVER_CONFIG};
use runtime::{async_trait, Ctx, Error, Handler, Message};

/// The replicated store.
type Registers = TxnStore<Register>;

/// A node of the strict register store.
#[derive(Debug, Default)]
pub struct StrictTxnNode {
    server: OnceLock<RaftServer<Registers>>,
}

#[async_trait]
impl Handler for StrictTxnNode {
    fn on_init(&self, ctx: &Ctx) {
        if self
            .server
            .set(RaftServer::start(ctx, Registers::default(), SERVER_CONFIG))
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
        let reply = server
            .serve(ctx, msg.payload::<TxnRequest<Register>>()?)
            .await?;
        ctx.reply(&msg, &reply)
    }
}
