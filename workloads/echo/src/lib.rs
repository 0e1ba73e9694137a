//! Challenge 1, echo: every `echo` request is answered with an `echo_ok` carrying the same
//! `echo` value. The smallest complete workload, and the template `cargo xtask new` copies:
//! payload enum, node state, handler, registration with suites, and (feature `mutants`)
//! a deliberately broken node for the explorer in `mutants`.

#[cfg(feature = "mutants")]
mod mutants;

use runtime::{async_trait, Ctx, Error, Handler, Message, Start, Suite, Workload};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The messages this workload receives and sends.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Payload {
    Echo { echo: Value },
    EchoOk { echo: Value },
}

/// An echo node keeps no state.
#[derive(Debug)]
pub struct EchoNode;

impl Start for EchoNode {
    fn start(_: &Ctx) -> Self {
        EchoNode
    }
}

#[async_trait]
impl Handler for EchoNode {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        match msg.payload()? {
            Payload::Echo { echo } => ctx.reply(&msg, &Payload::EchoOk { echo }),
            Payload::EchoOk { .. } => {
                Err(Error::not_supported("echo_ok is a reply, not a request"))
            }
        }
    }
}

/// Fly.io's challenge 1, exactly as published.
const SUITES: &[Suite] = &[Suite {
    id: "1",
    title: "Echo",
    workload: "echo",
    args: &["--node-count", "1", "--time-limit", "10"],
    targets: &[],
}];

runtime::inventory::submit! {
    Workload {
        name: "echo",
        summary: "Echoes every request back (challenge 1)",
        start: runtime::start::<EchoNode>,
        suites: SUITES,
    }
}
