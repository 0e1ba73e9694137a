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

use runtime::peer_stream::{send_every, StreamPolicy, Streams};
use runtime::{async_trait, lock, Ctx, Error, Handler, Message, RetryPolicy, Start};
use serde_json::Value;
use tokio::time::Instant;

use crate::commits::Commits;
use crate::log::{Extended, Logs, MAX_POLL_ENTRIES};
use crate::ownership::owner;
use crate::payload::{Payload, Polled};
use crate::peer::{PeerMessage, Segment};
use crate::replication::{self, Copies, Progress};

/// How often a node offers each peer what it is missing. Shorter keeps copies fresher;
/// each period with news costs one message per peer (acknowledgements ride on the syncs
/// going back), so at Maelstrom's ~1000 ops/s this stays far below one message per
/// operation.
const SYNC_PERIOD: Duration = Duration::from_millis(50);

/// The sync period paces the messages; an acknowledgement waits two periods for a sync to
/// ride on; a sync nobody acknowledged is repeated after 250 ms.
const SYNC_POLICY: StreamPolicy = StreamPolicy {
    min_gap: Duration::ZERO,
    ack_delay: Duration::from_millis(100),
    resend_after: Duration::from_millis(250),
};

/// Forward attempts: at most about 4 s in all (7 × 400 ms plus jittered pauses that add up
/// to at most 1.1 s), inside Maelstrom's 5 s client timeout, so the client hears our answer.
const FORWARD_POLICY: RetryPolicy = RetryPolicy {
    attempts: 7,
    timeout: Duration::from_millis(400),
    backoff: Duration::from_millis(20),
    max_backoff: Duration::from_millis(500),
};

/// Everything a node holds, behind one lock (never held across an await).
#[derive(Debug)]
struct State {
    /// Owned keys' logs, and copies of the others'.
    logs: Logs,
    commits: Commits,
    /// Per peer, the sync stream and what the peer is confirmed to hold.
    streams: Streams<String, Progress>,
    /// Forwards already appended, by (origin node, forward id), with their offsets.
    forwarded: HashMap<(String, u64), u64>,
}

impl Default for State {
    fn default() -> Self {
        State {
            logs: Logs::default(),
            commits: Commits::default(),
            streams: Streams::new(SYNC_POLICY),
            forwarded: HashMap::new(),
        }
    }
}

impl State {
    /// The syncs due now, to the peers of the node `ctx` runs, which owns its keys among
    /// `members`.
    fn due(&mut self, ctx: &Ctx, members: &[String], now: Instant) -> Vec<(String, PeerMessage)> {
        let me = ctx.node_id();
        let owned = |key: &str| owner(key, members) == me;
        let copies = Copies {
            logs: &self.logs,
            commits: &self.commits,
            owned: &owned,
        };
        self.streams
            .due(ctx.peers(), &copies, now)
            .into_iter()
            .map(|(peer, out)| {
                let sync = PeerMessage::Sync {
                    stream: out.header,
                    batch: out.data.unwrap_or_default(),
                };
                (peer, sync)
            })
            .collect()
    }
}

/// A node of the owner-per-key design.
#[derive(Debug)]
pub struct LeanNode {
    state: Arc<Mutex<State>>,
    /// The node list keys are hashed over to find their owner: the `init` list, the same
    /// on every node.
    members: Arc<[String]>,
    next_forward_id: AtomicU64,
}

impl LeanNode {
    /// A node holding no log yet that finds owners among `members`, syncing with its peers
    /// every [`SYNC_PERIOD`].
    pub(crate) fn with_members(ctx: &Ctx, members: Vec<String>) -> Self {
        let state = Arc::<Mutex<State>>::default();
        let members: Arc<[String]> = members.into();
        let syncing = Arc::clone(&state);
        let syncing_members = Arc::clone(&members);
        send_every(ctx, SYNC_PERIOD, move |ctx, now| {
            lock(&syncing).due(ctx, &syncing_members, now)
        });
        LeanNode {
            state,
            members,
            next_forward_id: AtomicU64::new(0),
        }
    }

    /// The owner of `key`.
    fn owner(&self, key: &str) -> &str {
        owner(key, &self.members)
    }
}

impl Start for LeanNode {
    /// A node holding no log yet, owning keys among the `init` node list.
    fn start(ctx: &Ctx) -> Self {
        LeanNode::with_members(ctx, ctx.node_ids().to_vec())
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
                let offset = if self.owner(&key) == ctx.node_id() {
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
        let owner = self.owner(&key).to_owned();
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
                if self.owner(&key) != ctx.node_id() {
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
            PeerMessage::Sync { stream, batch } => {
                let mut guard = lock(&self.state);
                let state = &mut *guard;
                replication::apply(&mut state.logs, &mut state.commits, &batch);
                // Acknowledged (on our next sync back) only now that it is applied.
                state.streams.receive(msg.src.as_str(), stream, ctx.now());
                return Ok(());
            }
            PeerMessage::ForwardOk { .. } => {
                // A reply that outlived its request; the runtime normally drops these.
                tracing::debug!(src = %msg.src, kind = %msg.kind, "late peer reply ignored");
                return Ok(());
            }
        };
        ctx.reply(msg, &reply)
    }
}
