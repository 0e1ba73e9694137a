//! A deliberately broken unique-ids node, compiled only for the explorer (feature
//! `mutants`): `cargo xtask explore --mutants` runs it on challenge 2 until a seed fails,
//! which shows that the checker sees ids handed out twice across nodes.

use runtime::{async_trait, Ctx, Error, Handler, Message, Mutant};

use crate::{Payload, UniqueIdsNode};

/// Counts on its own, leaving its node index out of the id: every node hands out
/// 0, 1, 2, ..., so two nodes give the same ids.
#[derive(Debug, Default)]
struct WithoutNodeIndex(UniqueIdsNode);

#[async_trait]
impl Handler for WithoutNodeIndex {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        match msg.payload()? {
            Payload::Generate => {
                let id = self
                    .0
                    .next_id(0, 1)
                    .ok_or_else(|| Error::crash("this node has handed out every id it has"))?;
                ctx.reply(&msg, &Payload::GenerateOk { id })
            }
            Payload::GenerateOk { .. } => Err(Error::not_supported(
                "generate_ok is a reply, not a request",
            )),
        }
    }
}

fn without_node_index(_: &Ctx) -> Box<dyn Handler> {
    Box::new(WithoutNodeIndex::default())
}

runtime::inventory::submit! {
    Mutant {
        name: "unique-ids-no-node-index",
        suite: "2",
        breaks: "leaves the node's index out of its ids, so nodes hand out the same ones",
        start: without_node_index,
    }
}
