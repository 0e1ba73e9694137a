//! The `lin-kv` handler: a [`Replica`] per node behind one lock, a driver task that ticks
//! the Raft core when it is due, and the client side: requests the leader serves itself,
//! requests a follower forwards to the leader, and a definite error 11 only when no leader
//! can be reached.
//!
//! Server messages per client operation: one forward and its reply for requests that reach
//! a follower, plus the leader's rounds of AppendEntries (one message and one reply per
//! follower per round), which gather every proposal and read of a batching gap.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use runtime::raft::{RaftConfig, RaftMessage};
use runtime::{async_trait, Ctx, Error, ErrorCode, Handler, Message, RpcError};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::payload::{Reply, Request};
use crate::replica::{Answer, Replica, Submitted};

/// How long a request may take here before it is answered as timed out. The lin-kv
/// workload's clients wait `max(10 × latency, 1000)` ms; answering a little earlier lets a
/// read fail definitely instead of the client guessing.
const REQUEST_BUDGET: Duration = Duration::from_millis(800);

/// How long a node that knows no leader waits for an election before it answers 11.
const LEADER_PATIENCE: Duration = Duration::from_millis(300);

/// How often a waiting node looks again for a leader.
const LEADER_POLL: Duration = Duration::from_millis(20);

/// Timing tuned for Maelstrom's lin-kv command lines (0-10 ms one way): elections settle
/// within about half a second, and a leader under load sends at most one round of
/// AppendEntries per 40 ms, which is what keeps messages per operation low at 5 nodes.
const CONFIG: RaftConfig = RaftConfig {
    heartbeat_interval: Duration::from_millis(100),
    election_timeout_min: Duration::from_millis(400),
    election_timeout_max: Duration::from_millis(800),
    batch_gap: Duration::from_millis(40),
    max_entries_per_message: 256,
};

/// Messages between nodes.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum PeerMessage {
    /// The Raft core's traffic.
    Raft { msg: RaftMessage<Request> },
    /// A client request a follower passes to the leader; answered like the client's.
    Forward { request: Request },
}

impl PeerMessage {
    const KINDS: [&'static str; 2] = ["raft", "forward"];
}

/// One node's replica and the signal that its timers may have moved.
#[derive(Debug)]
struct Shared {
    replica: Mutex<Replica>,
    /// Woken after every input, so the driver recomputes when the core is next due.
    moved: Notify,
}

/// A node of the Raft key-value store.
#[derive(Debug, Default)]
pub struct RaftNode {
    shared: OnceLock<Arc<Shared>>,
}

#[async_trait]
impl Handler for RaftNode {
    fn on_init(&self, ctx: &Ctx) {
        let replica = Replica::new(
            ctx.node_id(),
            ctx.node_ids(),
            CONFIG,
            seed(ctx.node_id()),
            Instant::now(),
        );
        let shared = Arc::new(Shared {
            replica: Mutex::new(replica),
            moved: Notify::new(),
        });
        if self.shared.set(Arc::clone(&shared)).is_err() {
            tracing::error!("initialised twice; keeping the first replica");
            return;
        }
        ctx.spawn(drive(ctx.clone(), shared));
    }

    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        let shared = self
            .shared
            .get()
            .ok_or_else(|| Error::unavailable("the replica is not initialised"))?;
        if PeerMessage::KINDS.contains(&msg.kind.as_str()) {
            if !ctx.node_ids().contains(&msg.src) {
                return Err(Error::not_supported(format!(
                    "{} is a peer message and {} is no peer",
                    msg.kind, msg.src
                )));
            }
            return match msg.payload::<PeerMessage>()? {
                PeerMessage::Raft { msg: raft } => {
                    shared.input(ctx, |replica, now| replica.step(&msg.src, raft, now));
                    Ok(())
                }
                PeerMessage::Forward { request } => {
                    // Served here or refused: forwarding again could loop between two
                    // nodes that each think the other leads.
                    let answer = match shared.submit(ctx, request) {
                        Submitted::Waiting(answer) => wait(answer, REQUEST_BUDGET).await?,
                        Submitted::NotLeader(_) => {
                            return Err(Error::unavailable(format!(
                                "{} is not the leader",
                                ctx.node_id()
                            )))
                        }
                    };
                    ctx.reply(&msg, &answer)
                }
            };
        }
        let request = msg.payload::<Request>()?;
        let reply = serve(ctx, shared, request).await?;
        ctx.reply(&msg, &reply)
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Replica> {
        // Every change to the replica is made by the core or a map insert that either
        // happened or did not, so a panic elsewhere cannot leave it half-updated.
        self.replica
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Feeds the replica one input, sends what it produced and wakes the driver.
    fn input<T>(&self, ctx: &Ctx, feed: impl FnOnce(&mut Replica, Instant) -> T) -> T {
        let mut replica = self.lock();
        let result = feed(&mut replica, Instant::now());
        send_all(ctx, replica.pump());
        drop(replica);
        self.moved.notify_one();
        result
    }

    fn submit(&self, ctx: &Ctx, request: Request) -> Submitted {
        self.input(ctx, |replica, now| replica.submit(request, now))
    }
}

/// Serves a client request: at the leader, or forwarded to it.
async fn serve(ctx: &Ctx, shared: &Shared, request: Request) -> Result<Reply, Error> {
    let deadline = Instant::now() + REQUEST_BUDGET;
    let mut leaderless_since: Option<Instant> = None;
    loop {
        let leader = match shared.submit(ctx, request.clone()) {
            Submitted::Waiting(answer) => {
                return wait(answer, deadline.saturating_duration_since(Instant::now())).await
            }
            Submitted::NotLeader(leader) => leader,
        };
        let now = Instant::now();
        match leader {
            Some(leader) if leader != ctx.node_id() => {
                leaderless_since = None;
                match forward(
                    ctx,
                    &leader,
                    &request,
                    deadline.saturating_duration_since(now),
                )
                .await
                {
                    // The node we took for the leader does not lead (any more) and
                    // proposed nothing: look again, while there is time.
                    Err(err)
                        if err.code == ErrorCode::TemporarilyUnavailable
                            && Instant::now() + LEADER_POLL < deadline => {}
                    answer => return answer,
                }
            }
            _ => {
                let since = *leaderless_since.get_or_insert(now);
                if now.duration_since(since) >= LEADER_PATIENCE || now + LEADER_POLL >= deadline {
                    return Err(Error::unavailable("no leader is known; try again"));
                }
            }
        }
        tokio::time::sleep(LEADER_POLL).await;
    }
}

/// Passes `request` to `leader` and returns its answer.
async fn forward(
    ctx: &Ctx,
    leader: &str,
    request: &Request,
    timeout: Duration,
) -> Result<Reply, Error> {
    let forwarded = PeerMessage::Forward {
        request: request.clone(),
    };
    match ctx.call::<_, Reply>(leader, &forwarded, timeout).await {
        Ok(reply) => Ok(reply),
        Err(RpcError::Remote { error, .. }) => Err(error),
        Err(err) => Err(err.into()),
    }
}

/// Waits for a submitted request's answer until `timeout`.
async fn wait(answer: Answer, timeout: Duration) -> Result<Reply, Error> {
    match tokio::time::timeout(timeout, answer).await {
        Ok(Ok(answer)) => answer,
        // The replica dropped the request without deciding it; it may still commit.
        Ok(Err(_)) => Err(Error::crash("the request was dropped undecided")),
        Err(_) => Err(Error::new(
            ErrorCode::Timeout,
            "not committed in time; it may still take effect",
        )),
    }
}

/// The driver: ticks the core whenever it is due, until the node shuts down.
async fn drive(ctx: Ctx, shared: Arc<Shared>) {
    loop {
        let due = shared.lock().next_due();
        tokio::select! {
            () = tokio::time::sleep_until(due) => shared.input(&ctx, Replica::tick),
            () = shared.moved.notified() => {}
        }
    }
}

fn send_all(ctx: &Ctx, messages: Vec<(String, RaftMessage<Request>)>) {
    for (peer, msg) in messages {
        if let Err(err) = ctx.send(&peer, &PeerMessage::Raft { msg }) {
            tracing::warn!(%peer, "cannot send a raft message: {err}");
        }
    }
}

/// A seed for the node's election timeouts: fixed per node id, so nodes draw different
/// timeouts and a rerun of the same test draws the same ones.
fn seed(node_id: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    node_id.hash(&mut hasher);
    hasher.finish()
}
