//! The g-set node: a [`GSet`] replica, the handler, and the gossip timer.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use runtime::crdt::{gossip_every, GSet, Replica};
use runtime::peer_stream::StreamPolicy;
use runtime::{async_trait, Ctx, Error, Handler, Message, Start};

use crate::element::Element;
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

/// A g-set node.
#[derive(Debug, Clone)]
pub struct GSetNode {
    replica: Arc<Mutex<Replica<GSet<Element>>>>,
}

impl GSetNode {
    fn lock(&self) -> MutexGuard<'_, Replica<GSet<Element>>> {
        runtime::lock(&self.replica)
    }
}

impl GSetNode {
    /// An empty replica, gossiping every [`GOSSIP_PERIOD`] paced by `policy`.
    pub fn with_policy(ctx: &Ctx, policy: StreamPolicy) -> Self {
        let replica = Arc::new(Mutex::new(Replica::new(policy)));
        gossip_every(ctx, Arc::clone(&replica), GOSSIP_PERIOD, Payload::Gossip);
        GSetNode { replica }
    }
}

impl Start for GSetNode {
    /// An empty replica, gossiping every [`GOSSIP_PERIOD`] under [`GOSSIP_POLICY`].
    fn start(ctx: &Ctx) -> Self {
        GSetNode::with_policy(ctx, GOSSIP_POLICY)
    }
}

#[async_trait]
impl Handler for GSetNode {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        match msg.payload()? {
            Payload::Add { element } => {
                self.lock().update(|set| set.insert(Element::from(element)));
                ctx.reply(&msg, &Payload::AddOk)
            }
            Payload::Read => {
                let value = self
                    .lock()
                    .state()
                    .iter()
                    .map(|e| e.value().clone())
                    .collect();
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
