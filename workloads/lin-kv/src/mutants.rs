//! Deliberately broken lin-kv nodes, compiled only for the explorer (feature `mutants`):
//! `cargo xtask explore --mutants` runs each on its suite until a seed fails, which shows
//! that the suite and the linearizability checker catch what the mutant breaks.

use std::collections::HashMap;
use std::sync::Mutex;

use runtime::raft::{RaftServer, Replicated};
use runtime::{async_trait, lock, Ctx, Error, Handler, Message, Mutant};
use serde_json::Value;

use crate::payload::{Reply, Request};
use crate::registers::Registers;

/// The Raft store with a read cache in front: each node remembers the last value its own
/// clients wrote, swapped in or read for a key, and answers later reads of that key from
/// memory instead of at a confirmed read index. Nothing invalidates an entry when another
/// node's client changes the key, so reads there return a value that was overwritten
/// before they began: stale, not linearizable.
#[derive(Debug)]
struct ReadCache {
    server: RaftServer<Registers>,
    /// Last known value per key, by the key's JSON text.
    cache: Mutex<HashMap<String, Value>>,
}

impl ReadCache {
    async fn serve(&self, ctx: &Ctx, request: Request) -> Result<Reply, Error> {
        if let Request::Read { key } = &request {
            if let Some(value) = lock(&self.cache).get(&key.to_string()) {
                return Ok(Reply::ReadOk {
                    value: value.clone(),
                });
            }
        }
        let reply = self.server.serve(ctx, request.clone()).await?;
        let learnt = match (&request, &reply) {
            (Request::Read { key }, Reply::ReadOk { value }) => Some((key, value)),
            (Request::Write { key, value }, Reply::WriteOk) => Some((key, value)),
            (Request::Cas { key, to, .. }, Reply::CasOk) => Some((key, to)),
            _ => None,
        };
        if let Some((key, value)) = learnt {
            lock(&self.cache).insert(key.to_string(), value.clone());
        }
        Ok(reply)
    }
}

#[async_trait]
impl Handler for ReadCache {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        if RaftServer::<Registers>::PEER_KINDS.contains(&msg.kind.as_str()) {
            return self.server.handle_peer(ctx, &msg).await;
        }
        let reply = self.serve(ctx, msg.payload()?).await?;
        ctx.reply(&msg, &reply)
    }
}

fn read_cache(ctx: &Ctx) -> Box<dyn Handler> {
    Box::new(ReadCache {
        server: RaftServer::start(ctx, Registers::default(), Registers::CONFIG),
        cache: Mutex::new(HashMap::new()),
    })
}

runtime::inventory::submit! {
    Mutant {
        name: "lin-kv-read-cache",
        suite: "lin-kv-3-partition",
        breaks: "answers reads from a per-node cache that other nodes' writes never invalidate, so reads are stale",
        start: read_cache,
    }
}
