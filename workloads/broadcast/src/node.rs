//! The handler: answers Maelstrom's RPCs from the [`State`], and runs one sender task
//! that sends whatever batches are due and sleeps until the next one, woken early
//! whenever a request may have made something due sooner.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use runtime::{async_trait, Ctx, Error, Handler, Message};
use tokio::sync::Notify;

use crate::payload::Payload;
use crate::state::State;
use crate::tuning::Tuning;

/// A broadcast node with one of the [`Tuning`] profiles.
#[derive(Debug)]
pub struct BroadcastNode {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Raised after every change, so the sender task looks at the outbox again.
    wake: Notify,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves a state that is still a valid set of
        // values and an outbox; carrying on is better than refusing every request.
        runtime::lock(&self.state)
    }
}

impl BroadcastNode {
    /// The node `ctx` describes, with its sender task running.
    pub fn start(ctx: &Ctx, tuning: Tuning) -> BroadcastNode {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(ctx.node_id(), ctx.node_ids(), &tuning)),
            wake: Notify::new(),
        });
        ctx.spawn(send_when_due(Arc::clone(&shared), ctx.clone()));
        BroadcastNode { shared }
    }
}

#[async_trait]
impl Handler for BroadcastNode {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        match msg.payload()? {
            Payload::Broadcast { message } => {
                self.shared.state().broadcast(message);
                self.shared.wake.notify_one();
                ctx.reply(&msg, &Payload::BroadcastOk)
            }
            Payload::Read => {
                let messages = self.shared.state().read();
                ctx.reply(&msg, &Payload::ReadOk { messages })
            }
            Payload::Topology { .. } => ctx.reply(&msg, &Payload::TopologyOk),
            Payload::Gossip(batch) => {
                ctx.require_peer(&msg)?;
                self.shared.state().gossip(&msg.src, batch, ctx.now());
                self.shared.wake.notify_one();
                Ok(())
            }
            Payload::BroadcastOk | Payload::ReadOk { .. } | Payload::TopologyOk => Err(
                Error::not_supported(format!("{} is a reply, not a request", msg.kind)),
            ),
        }
    }
}

/// Never sleep less than this between looks at the outbox, so a clock that has not
/// moved cannot make the task spin.
const MIN_PAUSE: Duration = Duration::from_millis(1);

/// The sender task: sends what is due, then waits for the next deadline or a wake-up.
async fn send_when_due(shared: Arc<Shared>, ctx: Ctx) {
    loop {
        let now = ctx.now();
        let (batches, next) = {
            let mut state = shared.state();
            (state.due(now), state.next_due(now))
        };
        for (peer, batch) in batches {
            if let Err(err) = ctx.send(&peer, &Payload::Gossip(batch)) {
                tracing::warn!(%peer, "could not send gossip: {err}");
            }
        }
        match next {
            // `biased`: polled in this order, not at random, so a run on a virtual clock is
            // replayable.
            Some(at) => tokio::select! {
                biased;
                () = ctx.sleep_until(at.max(now + MIN_PAUSE)) => {}
                () = shared.wake.notified() => {}
            },
            None => shared.wake.notified().await,
        }
    }
}
