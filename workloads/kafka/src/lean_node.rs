//! The `kafka-lean` handler (challenge 5c): each key has one owner node that assigns its
//! offsets in memory; every node keeps a copy of every log and of the commits, and answers
//! polls, commits and `list_committed_offsets` from its own copy.
//!
//! Only a send to a key owned elsewhere costs server messages on its own (one `forward`
//! and its reply). Everything else reaches peers through the periodic [`replication`]
//! syncs, whose cost is per period, not per operation. Forwards are retried with the same id
//! until just before the client would give up; the owner remembers ids it has appended, so
//! a retry never appends twice, and a send that still gets no answer is reported as
//! indefinite (the owner may have appended it).
//!
//! [`replication`]: crate::replication

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use runtime::{async_trait, lock, Ctx, Error, Handler, Message, RetryPolicy, Start};
use serde_json::Value;

use crate::commits::Commits;
use crate::log::{Extended, Logs, MAX_POLL_ENTRIES};
use crate::ownership::owner;
use crate::payload::{Payload, Polled};
use crate::peer::{PeerMessage, Segment};
use crate::replication::{self, Progress};

/// How often a node offers each peer what it is missing. Shorter keeps copies fresher;
/// each period with news costs two messages per peer, so at Maelstrom's ~1000 ops/s this
/// stays far below one message per operation.
const SYNC_PERIOD: Duration = Duration::from_millis(50);

/// How long a sync waits for its acknowledgement; a lost one is simply repeated next period.
const SYNC_TIMEOUT: Duration = Duration::from_millis(250);

/// Forward attempts: at most about 4 s in all (7 × 400 ms plus jittered pauses that add up
/// to at most 1.1 s), inside Maelstrom's 5 s client timeout, so the client hears our answer.
const FORWARD_POLICY: RetryPolicy = RetryPolicy {
    attempts: 7,
    timeout: Duration::from_millis(400),
    backoff: Duration::from_millis(20),
    max_backoff: Duration::from_millis(500),
};

/// Everything a node holds, behind one lock (never held across an await).
#[derive(Debug, Default)]
struct State {
    /// Owned keys' logs, and copies of the others'.
    logs: Logs,
    commits: Commits,
    /// Per peer, what it is confirmed to hold.
    progress: HashMap<String, Progress>,
    /// Forwards already appended, by (origin node, forward id), with their offsets.
    forwarded: HashMap<(String, u64), u64>,
}

/// A node of the owner-per-key design.
#[derive(Debug)]
pub struct LeanNode {
    state: Arc<Mutex<State>>,
    next_forward_id: AtomicU64,
}

impl Start for LeanNode {
    /// A node holding no log yet, syncing with each peer every [`SYNC_PERIOD`].
    fn start(ctx: &Ctx) -> Self {
        let state = Arc::<Mutex<State>>::default();
        for peer in ctx.peers() {
            let (state, peer) = (state.clone(), peer.to_owned());
            ctx.every(SYNC_PERIOD, move |ctx| {
                sync(ctx, state.clone(), peer.clone())
            });
        }
        LeanNode {
            state,
            next_forward_id: AtomicU64::new(0),
        }
    }
}

#[async_trait]
impl Handler for LeanNode {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        if PeerMessage::KINDS.contains(&msg.kind.as_str()) {
            return self.handle_peer(ctx, &msg);
        }
        let reply = match msg.payload()? {
            Payload::Send { key, msg: value } => {
                let offset = if owner(&key, ctx.node_ids()) == ctx.node_id() {
                    lock(&self.state).logs.append(&key, value)
                } else {
                    self.forward(ctx, key, value).await?
                };
                Payload::SendOk { offset }
            }
            Payload::Poll { offsets } => {
                let state = lock(&self.state);
                let msgs: Polled = offsets
                    .iter()
                    .map(|(key, &offset)| (key.clone(), state.logs.read_from(key, offset)))
                    .filter(|(_, entries)| !entries.is_empty())
                    .collect();
                Payload::PollOk { msgs }
            }
            Payload::CommitOffsets { offsets } => {
                let mut state = lock(&self.state);
                for (key, &offset) in &offsets {
                    state.commits.raise(key, offset);
                }
                Payload::CommitOffsetsOk
            }
            Payload::ListCommittedOffsets { keys } => Payload::ListCommittedOffsetsOk {
                offsets: lock(&self.state).commits.of(&keys),
            },
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

impl LeanNode {
    /// Has the owner of `key` append `value`; returns its offset.
    async fn forward(&self, ctx: &Ctx, key: String, value: Value) -> Result<u64, Error> {
        let owner = owner(&key, ctx.node_ids()).to_owned();
        let request = PeerMessage::Forward {
            key: key.clone(),
            msg: value,
            id: self.next_forward_id.fetch_add(1, Ordering::Relaxed),
            have: lock(&self.state).logs.len(&key),
        };
        // Once the owner has answered, it has appended: a reply that does not decode, or is
        // not a `forward_ok`, keeps the error indefinite (13, crash).
        let reply = ctx
            .call_with_retry::<_, PeerMessage>(&owner, &request, &FORWARD_POLICY)
            .await?;
        let PeerMessage::ForwardOk { offset, tail } = reply else {
            return Err(Error::crash(format!(
                "unexpected reply to a forward: {reply:?}"
            )));
        };
        let extended = lock(&self.state)
            .logs
            .extend(&key, tail.start, &tail.entries);
        if let Extended::Conflict { offset } = extended {
            tracing::error!(%key, offset, "forward reply disagrees with our copy");
        }
        Ok(offset)
    }

    fn handle_peer(&self, ctx: &Ctx, msg: &Message) -> Result<(), Error> {
        ctx.require_peer(msg)?;
        let reply = match msg.payload::<PeerMessage>()? {
            PeerMessage::Forward {
                key,
                msg: value,
                id,
                have,
            } => {
                if owner(&key, ctx.node_ids()) != ctx.node_id() {
                    return Err(Error::unavailable(format!(
                        "{} does not own {key}",
                        ctx.node_id()
                    )));
                }
                let mut guard = lock(&self.state);
                let state = &mut *guard;
                let offset = *state
                    .forwarded
                    .entry((msg.src.clone(), id))
                    .or_insert_with(|| state.logs.append(&key, value));
                let length = state.logs.len(&key);
                let start = have
                    .min(length)
                    .max(length.saturating_sub(MAX_POLL_ENTRIES as u64));
                let entries = state.logs.get(&key).unwrap_or_default()[start as usize..].to_vec();
                PeerMessage::ForwardOk {
                    offset,
                    tail: Segment { start, entries },
                }
            }
            PeerMessage::Sync(batch) => {
                let mut guard = lock(&self.state);
                let state = &mut *guard;
                PeerMessage::SyncOk {
                    lengths: replication::apply(&mut state.logs, &mut state.commits, &batch),
                }
            }
            PeerMessage::ForwardOk { .. } | PeerMessage::SyncOk { .. } => {
                // A reply that outlived its request; the runtime normally drops these.
                tracing::debug!(src = %msg.src, kind = %msg.kind, "late peer reply ignored");
                return Ok(());
            }
        };
        ctx.reply(msg, &reply)
    }
}

/// One sync round with `peer`: sends what it is missing, if anything, and records its answer.
async fn sync(ctx: Ctx, state: Arc<Mutex<State>>, peer: String) {
    let batch = {
        let mut guard = lock(&state);
        let state = &mut *guard;
        let progress = state.progress.entry(peer.clone()).or_default();
        let me = ctx.node_id();
        progress.batch(&state.logs, &state.commits, |key| {
            owner(key, ctx.node_ids()) == me
        })
    };
    let Some(batch) = batch else { return };
    match ctx
        .call::<_, PeerMessage>(&peer, &PeerMessage::Sync(batch.clone()), SYNC_TIMEOUT)
        .await
    {
        Ok(PeerMessage::SyncOk { lengths }) => lock(&state)
            .progress
            .entry(peer)
            .or_default()
            .acknowledge(&batch, &lengths),
        Ok(other) => tracing::warn!(%peer, "unexpected reply to sync: {other:?}"),
        Err(err) => tracing::debug!(%peer, "sync not acknowledged: {err}"),
    }
}
