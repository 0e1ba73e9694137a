//! Deliberately broken kafka nodes, compiled only for the explorer (feature `mutants`):
//! `cargo xtask explore --mutants` runs each on its suite until a seed fails, which shows
//! that the suite and the kafka checker catch what the mutant breaks.
//!
//! Each is the real handler with one realistic mistake: made by a wrapper that handles one
//! message type its own (wrong) way and passes everything else on, or by building the
//! node from a wrong input.
//!
//! Not here: an owner that ignores forward ids (appending a retried forward twice). Our
//! suites never retry a forward that reached the owner: with zero latency a reply is lost
//! only to a partition, which outlasts the forward's retries (`FORWARD_POLICY`), so such a
//! mutant passes 5c-partition. It needs a suite with latency and short partitions.

use runtime::{async_trait, Ctx, Error, Handler, Message, Mutant, Start};
use serde_json::Value;

use crate::kv_log::log_key;
use crate::payload::Payload;
use crate::{KafkaNode, LeanNode};

/// `kafka` whose sends read the log from lin-kv and write it back longer, with a plain
/// write instead of a compare-and-set: two sends to one key that overlap both take the
/// same offset, and the later write erases the earlier message.
#[derive(Debug)]
struct BlindAppend {
    node: KafkaNode,
}

#[async_trait]
impl Handler for BlindAppend {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        let Ok(Payload::Send { key, msg: value }) = msg.payload() else {
            return self.node.handle(ctx, msg).await;
        };
        let kv = ctx.lin_kv();
        let mut log: Vec<Value> = kv.read_opt(&log_key(&key)).await?.unwrap_or_default();
        let offset = log.len() as u64;
        log.push(value);
        kv.write(&log_key(&key), &log).await?;
        ctx.reply(&msg, &Payload::SendOk { offset })
    }
}

fn blind_append(ctx: &Ctx) -> Box<dyn Handler> {
    Box::new(BlindAppend {
        node: KafkaNode::start(ctx),
    })
}

runtime::inventory::submit! {
    Mutant {
        name: "kafka-blind-append",
        suite: "5b",
        breaks: "appends with a read and a plain write instead of a CAS, so concurrent sends share an offset",
        start: blind_append,
    }
}

/// `kafka-lean` that builds the node list it hashes keys over as itself followed by its
/// peers, instead of taking the `init` list as it is: each node then sees a different list,
/// so two nodes can both take themselves for a key's owner and hand out the same offsets
/// to different messages (and for other keys each forwards to the other, which refuses).
fn self_first_members(ctx: &Ctx) -> Box<dyn Handler> {
    let members = std::iter::once(ctx.node_id())
        .chain(ctx.peers())
        .map(str::to_owned)
        .collect();
    Box::new(LeanNode::with_members(ctx, members))
}

runtime::inventory::submit! {
    Mutant {
        name: "kafka-lean-self-first-members",
        suite: "5c",
        breaks: "hashes keys over a node list that starts with itself, so nodes disagree on owners and reuse offsets",
        start: self_first_members,
    }
}
