//! A deliberately broken echo node, compiled only for the explorer (feature `mutants`):
//! `cargo xtask explore --mutants` runs it on challenge 1 until a seed fails, which shows
//! that the echo checker compares each reply with its own request.

use std::sync::Mutex;

use runtime::{async_trait, Ctx, Error, Handler, Message, Mutant};
use serde_json::Value;

use crate::Payload;

/// Keeps the last value it was asked to echo in one shared slot, and answers each request
/// with what the slot held when it arrived: the previous request's value, not its own.
#[derive(Debug, Default)]
struct EchoesThePrevious {
    last: Mutex<Option<Value>>,
}

#[async_trait]
impl Handler for EchoesThePrevious {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        match msg.payload()? {
            Payload::Echo { echo } => {
                let previous = runtime::lock(&self.last).replace(echo.clone());
                let echo = previous.unwrap_or(echo);
                ctx.reply(&msg, &Payload::EchoOk { echo })
            }
            Payload::EchoOk { .. } => {
                Err(Error::not_supported("echo_ok is a reply, not a request"))
            }
        }
    }
}

fn echoes_the_previous(_: &Ctx) -> Box<dyn Handler> {
    Box::new(EchoesThePrevious::default())
}

runtime::inventory::submit! {
    Mutant {
        name: "echo-previous",
        suite: "1",
        breaks: "answers each echo with the value of the request before it",
        start: echoes_the_previous,
    }
}
