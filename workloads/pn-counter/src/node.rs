//! The pn-counter node: a [`PnCounter`] replica, the handler, and the gossip timer.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use runtime::crdt::{gossip_every, PnCounter, Replica};
use runtime::peer_stream::StreamPolicy;
use runtime::{async_trait, Ctx, Error, Handler, Message, Start};

use crate::payload::Payload;

/// How often a node gossips: at most one message per peer per period.
pub const GOSSIP_PERIOD: Duration = Duration::from_millis(500);

/// The gossip timer paces deltas (no gap of their own); acknowledgements wait one period
/// for gossip to ride on; deltas are resent when a period, a round trip and the peer's
/// acknowledgement delay have passed unanswered.
pub const GOSSIP_POLICY: StreamPolicy = StreamPolicy {
    min_gap: Duration::ZERO,
    resend_after: Duration::from_millis(1500),
    ack_delay: GOSSIP_PERIOD,
};

/// A pn-counter node.
#[derive(Debug, Clone)]
pub struct PnCounterNode {
    replica: Arc<Mutex<Replica<PnCounter>>>,
}

impl PnCounterNode {
    fn lock(&self) -> MutexGuard<'_, Replica<PnCounter>> {
        runtime::lock(&self.replica)
    }
}

impl Start for PnCounterNode {
    /// An empty replica, gossiping every [`GOSSIP_PERIOD`] under [`GOSSIP_POLICY`].
    fn start(ctx: &Ctx) -> Self {
        PnCounterNode::gossiping(ctx, GOSSIP_POLICY)
    }
}

impl PnCounterNode {
    /// An empty replica, gossiping every [`GOSSIP_PERIOD`] under `policy`.
    pub(crate) fn gossiping(ctx: &Ctx, policy: StreamPolicy) -> Self {
        let replica = Arc::new(Mutex::new(Replica::new(policy)));
        gossip_every(ctx, Arc::clone(&replica), GOSSIP_PERIOD, Payload::Gossip);
        PnCounterNode { replica }
    }
}

#[async_trait]
impl Handler for PnCounterNode {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        match msg.payload()? {
            Payload::Add { delta } => {
                self.lock()
                    .update(|counter| counter.add(ctx.node_id(), delta));
                ctx.reply(&msg, &Payload::AddOk)
            }
            Payload::Read => {
                let value = self.lock().state().value();
                ctx.reply(&msg, &Payload::ReadOk { value })
            }
            Payload::Gossip(envelope) => {
                ctx.require_peer(&msg)?;
                self.lock().receive(&msg.src, envelope, ctx.now());
                Ok(())
            }
            Payload::AddOk | Payload::ReadOk { .. } => Err(Error::not_supported(format!(
                "{} is a reply, not a request",
                msg.kind
            ))),
        }
    }
}
