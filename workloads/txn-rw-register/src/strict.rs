//! The `txn-rw-register-strict` handler: strict-serializable transactions over registers,
//! beside the crate's totally available store. The store is `runtime::txn::TxnStore<Register>`,
//! the same transactional state machine `txn-list-append` replicates over lists, on a
//! [`RaftServer`]: a transaction that writes is one log entry, applied in log order
//! everywhere; a read-only one is answered at a confirmed read index. The log order is the
//! serial order and respects real time, so every model up to strict serializability holds,
//! at the price of total availability: a node without a majority answers error 11 (see
//! `txn-list-append`'s crate doc for the argument, which does not depend on the model).

use std::sync::OnceLock;
use std::time::Duration;

use runtime::raft::{RaftConfig, RaftServer, ServerConfig};
use runtime::txn::{Register, TxnRequest, TxnStore};
use runtime::{async_trait, Ctx, Error, Handler, Message};

/// The replicated store.
type Registers = TxnStore<Register>;

/// Timing for Maelstrom's txn command lines (a few ms one way, clients waiting 5 s): at most
/// one round of AppendEntries per 20 ms, elections within about half a second, and every
/// request answered within 1 s.
const CONFIG: ServerConfig = ServerConfig {
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
        let reply = server
            .serve(ctx, msg.payload::<TxnRequest<Register>>()?)
            .await?;
        ctx.reply(&msg, &reply)
    }
}
