//! [`RaftServer`]: a [`Replica`] wired to a node's [`Ctx`]. A driver task ticks the core
//! whenever it is due; peers' Raft messages are stepped in as they arrive; and a client
//! request is served at the leader, or forwarded by a follower to the leader it knows, with
//! a definite error 11 only when no leader can be reached (nothing was proposed then).
//!
//! A workload's handler creates the server when it starts (at `init`), passes it the messages whose type
//! is in [`RaftServer::PEER_KINDS`], and calls [`RaftServer::serve`] for its own requests.
//! Server messages per client operation: one forward and its reply for requests that reach
//! a follower, plus the leader's rounds of AppendEntries (one message and one reply per
//! follower per round), which gather every proposal and read of a batching gap.
//!
//! The server relays its peer traffic around one-way cuts ([`crate::relay`], turned on at
//! start with [`relay_config`]): on a 3-node `majorities-ring` no two nodes hear each other,
//! so without it no leader is elected, and a forwarded request's reply could never come back.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rand::Rng;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::replica::{Answer, Replica, StateMachine, Submitted};
use super::{RaftConfig, RaftMessage};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorCode, RpcError};
use crate::protocol::Message;
use crate::relay::RelayConfig;

/// The core's timing plus how long requests may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerConfig {
    pub raft: RaftConfig,
    /// How long a request may take here before it is answered as timed out (an update
    /// then stays indefinite: it may still commit). Keep it below the client's timeout,
    /// so a read fails definitely instead of the client guessing.
    pub request_budget: Duration,
    /// How long a node that knows no leader waits for an election before it answers 11.
    pub leader_patience: Duration,
}

/// How often a waiting node looks again for a leader.
const LEADER_POLL: Duration = Duration::from_millis(20);

/// When a Raft server takes a link for cut: after two heartbeat intervals without an
/// answer. Between Raft peers that hear each other no write goes unanswered for longer
/// than one heartbeat interval and a round trip: every request (pre-vote, vote,
/// AppendEntries) is answered at once, and a leader writes to each follower at least once
/// per heartbeat interval, which is the follower's answer to its replies. The second
/// interval is the margin for the round trip (milliseconds on Maelstrom's command lines,
/// against 100 ms intervals), so a live link is not relayed for nothing. It is also well
/// below the minimum election timeout: relaying starts before a follower cut off from the
/// leader campaigns, and before a leader that hears no majority straight steps down
/// (CheckQuorum) when it could still reach one around the cut.
pub fn relay_config(raft: &RaftConfig) -> RelayConfig {
    RelayConfig {
        silence: raft.heartbeat_interval * 2,
    }
}

/// Messages between the nodes of a Raft server.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[serde(bound = "R: Serialize + serde::de::DeserializeOwned")]
enum PeerMessage<R> {
    /// The Raft core's traffic.
    Raft { msg: RaftMessage<R> },
    /// A client request a follower passes to the leader; answered like the client's.
    Forward { request: R },
}

/// A node's replica and the signal that its timers may have moved.
#[derive(Debug)]
struct Shared<S: StateMachine> {
    replica: Mutex<Replica<S>>,
    /// Woken after every input, so the driver recomputes when the core is next due.
    moved: Notify,
    config: ServerConfig,
}

/// One node's share of a Raft-replicated state machine. Cheap to clone.
#[derive(Debug)]
pub struct RaftServer<S: StateMachine> {
    shared: Arc<Shared<S>>,
}

impl<S: StateMachine> Clone for RaftServer<S> {
    fn clone(&self) -> Self {
        RaftServer {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<S: StateMachine> RaftServer<S> {
    /// The message types [`RaftServer::handle_peer`] takes.
    pub const PEER_KINDS: [&'static str; 2] = ["raft", "forward"];

    /// Starts this node's replica of `machine` and its driver task. Election timeouts are
    /// seeded from the node's generator ([`Ctx::random`]), so nodes draw different ones and
    /// a run with the same seed draws the same.
    pub fn start(ctx: &Ctx, machine: S, config: ServerConfig) -> RaftServer<S> {
        ctx.relay_around_cuts(relay_config(&config.raft));
        let seed = ctx.random(|rng| rng.gen());
        let replica = Replica::new(
            ctx.node_id(),
            ctx.node_ids(),
            machine,
            config.raft,
            seed,
            ctx.now(),
        );
        let server = RaftServer {
            shared: Arc::new(Shared {
                replica: Mutex::new(replica),
                moved: Notify::new(),
                config,
            }),
        };
        ctx.spawn(server.clone().drive(ctx.clone()));
        server
    }

    /// Handles a message whose type is one of [`RaftServer::PEER_KINDS`]. Only the
    /// cluster's nodes may send them.
    pub async fn handle_peer(&self, ctx: &Ctx, msg: &Message) -> Result<(), Error> {
        ctx.require_peer(msg)?;
        match msg.payload::<PeerMessage<S::Request>>()? {
            PeerMessage::Raft { msg: raft } => {
                self.input(ctx, |replica, now| replica.step(&msg.src, raft, now));
                Ok(())
            }
            PeerMessage::Forward { request } => {
                // Served here or refused: forwarding again could loop between two nodes
                // that each think the other leads.
                let answer = match self.submit(ctx, request) {
                    Submitted::Waiting(answer) => {
                        self.wait(ctx, answer, self.shared.config.request_budget)
                            .await?
                    }
                    Submitted::NotLeader(_) => {
                        return Err(Error::unavailable(format!(
                            "{} is not the leader",
                            ctx.node_id()
                        )))
                    }
                };
                ctx.reply(msg, &answer)
            }
        }
    }

    /// Serves a client request: at the leader, or forwarded to it.
    pub async fn serve(&self, ctx: &Ctx, request: S::Request) -> Result<S::Reply, Error> {
        let config = self.shared.config;
        let deadline = ctx.now() + config.request_budget;
        let mut leaderless_since: Option<Instant> = None;
        loop {
            let leader = match self.submit(ctx, request.clone()) {
                Submitted::Waiting(answer) => {
                    return self
                        .wait(ctx, answer, deadline.saturating_duration_since(ctx.now()))
                        .await
                }
                Submitted::NotLeader(leader) => leader,
            };
            let now = ctx.now();
            match leader {
                Some(leader) if leader != ctx.node_id() => {
                    leaderless_since = None;
                    match forward::<S>(
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
                                && ctx.now() + LEADER_POLL < deadline => {}
                        answer => return answer,
                    }
                }
                _ => {
                    let since = *leaderless_since.get_or_insert(now);
                    if now.duration_since(since) >= config.leader_patience
                        || now + LEADER_POLL >= deadline
                    {
                        return Err(Error::unavailable("no leader is known; try again"));
                    }
                }
            }
            ctx.sleep(LEADER_POLL).await;
        }
    }

    fn lock(&self) -> MutexGuard<'_, Replica<S>> {
        // Every change to the replica is made by the core or a map insert that either
        // happened or did not, so a panic elsewhere cannot leave it half-updated.
        crate::lock::lock(&self.shared.replica)
    }

    /// Feeds the replica one input, sends what it produced and wakes the driver.
    fn input<T>(&self, ctx: &Ctx, feed: impl FnOnce(&mut Replica<S>, Instant) -> T) -> T {
        let mut replica = self.lock();
        let result = feed(&mut replica, ctx.now());
        for (peer, msg) in replica.pump() {
            if let Err(err) = ctx.send(&peer, &PeerMessage::Raft { msg }) {
                tracing::warn!(%peer, "cannot send a raft message: {err}");
            }
        }
        drop(replica);
        self.shared.moved.notify_one();
        result
    }

    fn submit(&self, ctx: &Ctx, request: S::Request) -> Submitted<S> {
        self.input(ctx, |replica, now| replica.submit(request, now))
    }

    /// Waits for a submitted request's answer until `timeout`.
    async fn wait(
        &self,
        ctx: &Ctx,
        answer: Answer<S>,
        timeout: Duration,
    ) -> Result<S::Reply, Error> {
        match ctx.timeout(timeout, answer).await {
            Some(Ok(answer)) => answer,
            // The replica dropped the request without deciding it; it may still commit.
            Some(Err(_)) => Err(Error::crash("the request was dropped undecided")),
            None => Err(Error::new(
                ErrorCode::Timeout,
                "not committed in time; it may still take effect",
            )),
        }
    }

    /// The driver: ticks the core whenever it is due, until the node shuts down.
    async fn drive(self, ctx: Ctx) {
        loop {
            let due = self.lock().next_due();
            // `biased`: polled in this order, not at random, so a run on a virtual clock is
            // replayable.
            tokio::select! {
                biased;
                () = ctx.sleep_until(due) => self.input(&ctx, Replica::tick),
                () = self.shared.moved.notified() => {}
            }
        }
    }
}

/// Passes `request` to `leader` and returns its answer.
async fn forward<S: StateMachine>(
    ctx: &Ctx,
    leader: &str,
    request: &S::Request,
    timeout: Duration,
) -> Result<S::Reply, Error> {
    let forwarded = PeerMessage::Forward {
        request: request.clone(),
    };
    match ctx.call::<_, S::Reply>(leader, &forwarded, timeout).await {
        Ok(reply) => Ok(reply),
        Err(RpcError::Remote { error, .. }) => Err(error),
        Err(err) => Err(err.into()),
    }
}
