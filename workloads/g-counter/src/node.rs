//! The g-counter node: its state (its own total and its view of the others'), the handler,
//! and the background refresh started at init.

use std::sync::Arc;
use std::time::Duration;

use runtime::{async_trait, Ctx, Error, Handler, Message, Start};

use crate::own::OwnTotal;
use crate::payload::Payload;
use crate::view::{Freshness, View};

/// How often the view of the other nodes is refreshed from seq-kv. Final reads come at
/// least 10 s after the last add (Maelstrom's recovery pause), so about five refreshes
/// start and finish in between; a shorter period only makes mid-test reads fresher, which
/// nothing checks, at 2·N messages per node per refresh.
pub const REFRESH_PERIOD: Duration = Duration::from_secs(2);

/// How long an add waits for seq-kv before answering with an indefinite error, safely
/// inside the client's 5 s timeout.
pub const ADD_DEADLINE: Duration = Duration::from_secs(4);

/// A g-counter node.
#[derive(Debug)]
pub struct GCounterNode {
    own: Arc<OwnTotal>,
    view: Arc<View>,
}

impl GCounterNode {
    /// What a read answers: this node's stored total plus the others' as last read.
    fn value(&self) -> u64 {
        self.own.stored().saturating_add(self.view.peers_total())
    }
}

impl Start for GCounterNode {
    /// A node with nothing counted yet, refreshing its view every [`REFRESH_PERIOD`].
    fn start(ctx: &Ctx) -> Self {
        GCounterNode::refreshing(ctx, Freshness::Barrier)
    }
}

impl GCounterNode {
    /// A node with nothing counted yet, refreshing its view every [`REFRESH_PERIOD`] with
    /// reads made fresh as `freshness` says.
    pub(crate) fn refreshing(ctx: &Ctx, freshness: Freshness) -> Self {
        let (own, view) = (Arc::<OwnTotal>::default(), Arc::<View>::default());
        let node = GCounterNode {
            own: Arc::clone(&own),
            view: Arc::clone(&view),
        };
        ctx.every(REFRESH_PERIOD, move |ctx| {
            let (own, view) = (Arc::clone(&own), Arc::clone(&view));
            async move { view.refresh(&ctx, &own, freshness).await }
        });
        node
    }
}

#[async_trait]
impl Handler for GCounterNode {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        match msg.payload()? {
            Payload::Add { delta } => {
                // A zero delta changes nothing, so it needs no round trip to seq-kv.
                if delta > 0 {
                    let target = self.own.accept(delta);
                    let deadline = ctx.now() + ADD_DEADLINE;
                    self.own.persist(ctx, target, deadline).await?;
                }
                ctx.reply(&msg, &Payload::AddOk)
            }
            Payload::Read => ctx.reply(
                &msg,
                &Payload::ReadOk {
                    value: self.value(),
                },
            ),
            Payload::AddOk | Payload::ReadOk { .. } => Err(Error::not_supported(format!(
                "{} is a reply, not a request",
                msg.kind
            ))),
        }
    }
}
