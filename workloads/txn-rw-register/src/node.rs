//! The txn-rw-register node: answers every transaction from its own store at once, and
//! replicates committed writes to its peers in the background.
//!
//! A client's `txn` never waits on the network: it runs under the store's lock, is
//! committed, is queued for every peer, and is answered. A timer sends each peer what its
//! [`Outbox`] has due, as one-way `replicate` messages; the peer applies a whole message
//! under its own store lock and acknowledges it on its own stream back, and only then are
//! those transactions dropped from the queue. Until then (a partition, a lost message) they
//! are sent again, until the network heals.

use std::sync::{Arc, Mutex};

use runtime::peer_stream::send_every;
use runtime::{async_trait, Ctx, Error, Handler, Message, Start};

use crate::outbox::{Outbox, FLUSH_PERIOD};
use crate::payload::Payload;
use crate::store::Store;

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
    outbox: Mutex<Outbox>,
}

impl Replica {
    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A transaction's writes are installed only at its end, so a panic cannot leave
        // one half-applied.
        runtime::lock(&self.store)
    }

    fn outbox(&self) -> std::sync::MutexGuard<'_, Outbox> {
        runtime::lock(&self.outbox)
    }
}

impl Start for TxnNode {
    /// Empty registers, and a flush timer per peer.
    fn start(ctx: &Ctx) -> Self {
        let index = u32::try_from(ctx.node_index()).expect("fewer than 2^32 nodes");
        let replica = Arc::new(Replica {
            store: Mutex::new(Store::new(index)),
            outbox: Mutex::new(Outbox::new(ctx.peers().map(str::to_owned))),
        });
        let sender = Arc::clone(&replica);
        send_every(ctx, FLUSH_PERIOD, move |_, now| sender.outbox().due(now));
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
                    replica.outbox().push(&committed);
                }
                ctx.reply(&msg, &Payload::TxnOk { txn })
            }
            Payload::Replicate { stream, txns } => {
                ctx.require_peer(&msg)?;
                txns.iter().try_for_each(Store::admit)?;
                // One lock for the whole message: readers on this node see all of it or
                // none of it, and each transaction in it is applied whole.
                let mut store = replica.store();
                txns.iter().for_each(|committed| store.apply(committed));
                drop(store);
                // Only now is the message acknowledged: it has been applied.
                replica.outbox().receive(&msg.src, stream, ctx.now());
                Ok(())
            }
            Payload::TxnOk { .. } => Err(Error::not_supported(format!(
                "{} is a reply, not a request",
                msg.kind
            ))),
        }
    }
}
