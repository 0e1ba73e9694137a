//! The `kafka` handler (challenges 5a and 5b): a stateless front end over [`KvLog`], so any
//! node answers any request and lin-kv keeps every node consistent.
//!
//! A poll reads its keys concurrently and leaves out any key whose read failed (a poll may
//! return nothing for a key), and `list_committed_offsets` does the same (a consumer then
//! starts that key from its beginning, which re-reads but never skips). Sends and commits
//! report failures, keeping their definiteness.

use futures::future::join_all;
use runtime::{async_trait, Ctx, Error, Handler, Message, Start};

use crate::kv_log::KvLog;
use crate::payload::{Offsets, Payload, Polled};

/// A node of the lin-kv design.
#[derive(Debug)]
pub struct KafkaNode {
    store: KvLog,
}

impl Start for KafkaNode {
    /// A node that has cached nothing yet.
    fn start(_: &Ctx) -> Self {
        KafkaNode {
            store: KvLog::default(),
        }
    }
}

#[async_trait]
impl Handler for KafkaNode {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        let kv = ctx.lin_kv();
        let reply = match msg.payload()? {
            Payload::Send { key, msg: value } => Payload::SendOk {
                offset: self.store.append(&kv, &key, &value).await?,
            },
            Payload::Poll { offsets } => {
                let reads = offsets.iter().map(|(key, &offset)| {
                    let kv = &kv;
                    async move { (key, self.store.read_from(kv, key, offset).await) }
                });
                let mut msgs = Polled::new();
                for (key, read) in join_all(reads).await {
                    match read {
                        Ok(entries) if !entries.is_empty() => {
                            msgs.insert(key.clone(), entries);
                        }
                        Ok(_) => {}
                        Err(err) => tracing::warn!(%key, "poll skips a key: {err}"),
                    }
                }
                Payload::PollOk { msgs }
            }
            Payload::CommitOffsets { offsets } => {
                let commits = offsets
                    .iter()
                    .map(|(key, &offset)| self.store.commit(&kv, key, offset));
                join_all(commits)
                    .await
                    .into_iter()
                    .collect::<Result<Vec<()>, Error>>()?;
                Payload::CommitOffsetsOk
            }
            Payload::ListCommittedOffsets { keys } => {
                let reads = keys.iter().map(|key| {
                    let kv = &kv;
                    async move { (key, self.store.committed(kv, key).await) }
                });
                let mut offsets = Offsets::new();
                for (key, read) in join_all(reads).await {
                    match read {
                        Ok(Some(offset)) => {
                            offsets.insert(key.clone(), offset);
                        }
                        Ok(None) => {}
                        Err(err) => tracing::warn!(%key, "listing skips a key: {err}"),
                    }
                }
                Payload::ListCommittedOffsetsOk { offsets }
            }
            Payload::SendOk { .. }
            | Payload::PollOk { .. }
            | Payload::CommitOffsetsOk
            | Payload::ListCommittedOffsetsOk { .. } => {
                return Err(Error::not_supported(format!(
                    "{} is a reply, not a request",
                    msg.kind
                )))
            }
        };
        ctx.reply(&msg, &reply)
    }
}
