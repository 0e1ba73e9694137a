//! A test handler that exercises every runtime feature on request, started behind the
//! in-memory transport by [`runtime::testing::TestNode`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use runtime::testing::TestNode;
use runtime::{async_trait, Ctx, Error, ErrorCode, Handler, Message, RetryPolicy, RpcError, Start};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Request {
    Ping,
    Fail,
    Explode,
    Ask {
        peer: String,
    },
    Insist {
        peer: String,
    },
    Slow,
    /// A message only the cluster's nodes may send.
    Gossip,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Reply {
    Pong {
        node_index: usize,
        /// The id the handler was built with, at `init`.
        started_as: String,
    },
    Asked {
        result: Value,
    },
    SlowOk,
    Question,
    Tick {
        count: u64,
    },
    GossipOk,
}

#[derive(Deserialize)]
struct Answer {
    value: Value,
}

struct Probe {
    started_as: String,
}

impl Start for Probe {
    fn start(ctx: &Ctx) -> Self {
        // Ticks go to a client id only while the node has a single member, so tests with
        // peers see no ticks mixed into their exchanges.
        if ctx.node_ids().len() == 1 {
            let count = AtomicU64::new(0);
            ctx.every(Duration::from_millis(200), move |ctx| {
                let count = count.fetch_add(1, Ordering::Relaxed) + 1;
                async move {
                    // The second tick panics: the timer must go on regardless.
                    assert!(count != 2, "tick {count} fails on purpose");
                    let _ = ctx.send("c0", &Reply::Tick { count });
                }
            });
        }
        Probe {
            started_as: ctx.node_id().to_owned(),
        }
    }
}

#[async_trait]
impl Handler for Probe {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        match msg.payload()? {
            Request::Ping => ctx.reply(
                &msg,
                &Reply::Pong {
                    node_index: ctx.node_index(),
                    started_as: self.started_as.clone(),
                },
            ),
            Request::Fail => Err(Error::new(ErrorCode::Abort, "asked to fail")),
            Request::Explode => panic!("boom"),
            Request::Gossip => {
                ctx.require_peer(&msg)?;
                ctx.reply(&msg, &Reply::GossipOk)
            }
            Request::Ask { peer } => {
                let result = match ctx
                    .call::<_, Answer>(&peer, &Reply::Question, Duration::from_millis(300))
                    .await
                {
                    Ok(answer) => answer.value,
                    Err(RpcError::Timeout { .. }) => json!("timeout"),
                    Err(other) => return Err(other.into()),
                };
                ctx.reply(&msg, &Reply::Asked { result })
            }
            Request::Insist { peer } => {
                let policy = RetryPolicy {
                    attempts: 3,
                    timeout: Duration::from_millis(200),
                    ..RetryPolicy::default()
                };
                let answer: Answer = ctx
                    .call_with_retry(&peer, &Reply::Question, &policy)
                    .await?;
                ctx.reply(
                    &msg,
                    &Reply::Asked {
                        result: answer.value,
                    },
                )
            }
            Request::Slow => {
                ctx.sleep(Duration::from_millis(100)).await;
                ctx.reply(&msg, &Reply::SlowOk)
            }
        }
    }
}

/// A probe node on its own thread behind the in-memory transport, not yet initialised.
pub fn start() -> TestNode {
    TestNode::start(runtime::start::<Probe>)
}
