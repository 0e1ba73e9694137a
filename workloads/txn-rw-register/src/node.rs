//! The txn-rw-register node: answers every transaction from its own store at once, and
//! replicates committed writes to its peers in the background.
//!
//! A client's `txn` never waits on the network: it runs under the store's lock, is
//! committed, is queued for every peer, and is answered. Per peer, a timer flushes the
//! queue as one `replicate` RPC at a time; the peer applies the whole message under its own
//! store lock and acknowledges it, and only then are those transactions dropped from the
//! queue. A flush that times out (a partition, a lost message) leaves the queue as it was,
//! so the next flush sends the same transactions again, until the network heals.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use runtime::{async_trait, Ctx, Error, Handler, Message, Start};

use crate::outbox::Outbox;
use crate::payload::{Committed, Payload};
use crate::store::Store;

/// How often each peer's queue is flushed. Short enough that peers see writes within a few
/// tens of milliseconds, long enough that at Maelstrom's 1000 ops/s one message carries
/// dozens of transactions.
const FLUSH_PERIOD: Duration = Duration::from_millis(25);
/// How long a flush waits for its acknowledgement before trying again on a later tick.
const ACK_TIMEOUT: Duration = Duration::from_millis(500);
/// At most this many transactions go in one `replicate`, so catching up after a long
/// partition sends several moderate messages rather than one huge one.
const BATCH_LIMIT: usize = 1000;

/// The txn-rw-register handler, built at `init`, when the node learns its index (part of
/// every timestamp) and its peers.
#[derive(Debug)]
pub struct TxnNode {
    replica: Arc<Replica>,
}

/// A node's state: its registers, and per peer what that peer has not acknowledged.
#[derive(Debug)]
struct Replica {
    store: Mutex<Store>,
    outboxes: Mutex<HashMap<String, Outbox>>,
}

impl Replica {
    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A transaction's writes are installed only at its end, so a panic cannot leave
        // one half-applied.
        runtime::lock(&self.store)
    }

    fn outboxes(&self) -> std::sync::MutexGuard<'_, HashMap<String, Outbox>> {
        runtime::lock(&self.outboxes)
    }

    /// Queues a local commit for every peer.
    fn queue(&self, committed: Committed) {
        let mut outboxes = self.outboxes();
        for outbox in outboxes.values_mut() {
            outbox.push(committed.clone());
        }
    }

    /// Sends `peer` what it has not acknowledged, and forgets it once acknowledged.
    async fn flush(&self, ctx: &Ctx, peer: &str) {
        let Some(batch) = self
            .outboxes()
            .get(peer)
            .and_then(|outbox| outbox.batch(BATCH_LIMIT))
        else {
            return;
        };
        let request = Payload::Replicate { txns: batch.txns };
        match ctx.rpc(peer, &request, ACK_TIMEOUT).await {
            Ok(_) => {
                if let Some(outbox) = self.outboxes().get_mut(peer) {
                    outbox.acknowledge(batch.through);
                }
            }
            // Nothing to undo: the transactions are still queued and go again next tick.
            Err(err) => tracing::debug!(%peer, "replication not acknowledged: {err}"),
        }
    }
}

impl Start for TxnNode {
    /// Empty registers, and a flush timer per peer.
    fn start(ctx: &Ctx) -> Self {
        let index = u32::try_from(ctx.node_index()).expect("fewer than 2^32 nodes");
        let outboxes = ctx
            .peers()
            .map(|peer| (peer.to_owned(), Outbox::default()))
            .collect();
        let replica = Arc::new(Replica {
            store: Mutex::new(Store::new(index)),
            outboxes: Mutex::new(outboxes),
        });
        for peer in ctx.peers() {
            let (replica, peer) = (Arc::clone(&replica), peer.to_owned());
            ctx.every(FLUSH_PERIOD, move |ctx| {
                let (replica, peer) = (Arc::clone(&replica), peer.clone());
                async move { replica.flush(&ctx, &peer).await }
            });
        }
        TxnNode { replica }
    }
}

#[async_trait]
impl Handler for TxnNode {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        let replica = &self.replica;
        match msg.payload()? {
            Payload::Txn { txn } => {
                let (txn, committed) = replica.store().execute(txn);
                if let Some(committed) = committed {
                    replica.queue(committed);
                }
                ctx.reply(&msg, &Payload::TxnOk { txn })
            }
            Payload::Replicate { txns } => {
                ctx.require_peer(&msg)?;
                txns.iter().try_for_each(Store::admit)?;
                // One lock for the whole message: readers on this node see all of it or
                // none of it, and each transaction in it is applied whole.
                let mut store = replica.store();
                txns.iter().for_each(|committed| store.apply(committed));
                drop(store);
                ctx.reply(&msg, &Payload::ReplicateOk)
            }
            Payload::TxnOk { .. } | Payload::ReplicateOk => Err(Error::not_supported(format!(
                "{} is a reply, not a request",
                msg.kind
            ))),
        }
    }
}
