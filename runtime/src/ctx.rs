//! `Ctx`: everything a handler may do to the world. It knows the node's identity, sends
//! messages and replies, makes RPCs that wait for their reply until a deadline (optionally
//! retrying), runs timers and background tasks, tells the time, draws random numbers, and
//! hands out service clients. It is cheap to clone: clones share one node.
//!
//! Time and randomness come only from here, so the same handler runs on the stdio binary and
//! in a simulated cluster. The clock is the one of the tokio runtime the node runs on: the
//! wall clock normally, a virtual clock that jumps from timer to timer when that runtime's
//! clock is paused (`start_paused`). The random numbers come from the node's own generator,
//! seeded by whoever launched the node ([`crate::NodeEnv`]).
//!
//! Every message to a peer leaves through one place, so a node that relays around cuts
//! ([`Ctx::relay_around_cuts`]) relays all of its peer traffic, requests, replies and RPCs
//! alike, and handlers do not change.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use rand::distributions::uniform::{SampleRange, SampleUniform};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::error::{Error, RpcError};
use crate::in_flight::InFlight;
use crate::protocol::{render, ErrorPayload, Message};
use crate::random::NodeRng;
use crate::relay::{Envelope, Inbound, Relay, RelayConfig, Route, ENVELOPE_KIND};
use crate::retry::RetryPolicy;
use crate::services::{Kv, Tso};
use crate::transport::Outbox;

/// A node's handle on the world, given to every handler call.
#[derive(Clone)]
pub struct Ctx {
    shared: Arc<Shared>,
}

struct Shared {
    node_id: String,
    node_ids: Vec<String>,
    next_msg_id: AtomicU64,
    outbox: Arc<Outbox>,
    in_flight: Arc<InFlight>,
    /// Handler and background tasks, awaited at shutdown.
    tasks: TaskTracker,
    /// Cancelled when input ends: waiting RPCs give up, timers and background tasks stop.
    shutdown: CancellationToken,
    rng: NodeRng,
    /// Set once the node relays around cuts ([`Ctx::relay_around_cuts`]).
    relay: OnceLock<Mutex<Relay>>,
}

impl Ctx {
    /// A node `node_id` of the cluster `node_ids`. An `init` whose list leaves this node out
    /// (or is empty) gets it appended: every workload may then rely on the node being one of
    /// [`Ctx::node_ids`], e.g. to pick an owner among them, instead of panicking on a list
    /// Maelstrom never sends. Its random numbers follow from `seed` and `node_id`.
    pub(crate) fn new(
        node_id: String,
        mut node_ids: Vec<String>,
        outbox: Arc<Outbox>,
        seed: u64,
    ) -> Ctx {
        if !node_ids.contains(&node_id) {
            tracing::warn!(%node_id, ?node_ids, "init does not list this node; adding it");
            node_ids.push(node_id.clone());
        }
        let rng = NodeRng::new(seed, &node_id);
        Ctx {
            shared: Arc::new(Shared {
                rng,
                node_id,
                node_ids,
                next_msg_id: AtomicU64::new(1),
                outbox,
                in_flight: Arc::default(),
                tasks: TaskTracker::new(),
                shutdown: CancellationToken::new(),
                relay: OnceLock::new(),
            }),
        }
    }

    /// This node's id, e.g. `"n3"`.
    pub fn node_id(&self) -> &str {
        &self.shared.node_id
    }

    /// Every node of the cluster in Maelstrom's order, this one included (never empty).
    pub fn node_ids(&self) -> &[String] {
        &self.shared.node_ids
    }

    /// Every other node of the cluster.
    pub fn peers(&self) -> impl Iterator<Item = &str> {
        self.node_ids()
            .iter()
            .map(String::as_str)
            .filter(move |id| *id != self.node_id())
    }

    /// Refuses `msg` unless a node of the cluster sent it: the check every handler makes
    /// before acting on a message only peers send (replication, gossip, sync, forward).
    /// Clients (`c*`) and ids outside the cluster get error 10, so a forged peer message is
    /// answered and never applied.
    pub fn require_peer(&self, msg: &Message) -> Result<(), Error> {
        if self.node_ids().contains(&msg.src) {
            return Ok(());
        }
        Err(Error::not_supported(format!(
            "{} is a message between the cluster's nodes, and {} is not one of them",
            msg.kind, msg.src
        )))
    }

    /// This node's position in [`Ctx::node_ids`].
    pub fn node_index(&self) -> usize {
        self.node_ids()
            .iter()
            .position(|id| id == self.node_id())
            .unwrap_or(0)
    }

    /// Sends a message that expects no reply. The payload serialises to an object with a
    /// `type`; a fresh `msg_id` is added.
    pub fn send<P: Serialize + ?Sized>(&self, dest: &str, payload: &P) -> Result<(), Error> {
        self.emit(dest, payload, Some(self.next_msg_id()), None)
    }

    /// Answers `request` with `payload`.
    pub fn reply<P: Serialize + ?Sized>(
        &self,
        request: &Message,
        payload: &P,
    ) -> Result<(), Error> {
        if client_gave_up(&request.src, request.received, self.now()) {
            return Ok(());
        }
        self.emit(
            &request.src,
            payload,
            Some(self.next_msg_id()),
            request.msg_id,
        )
    }

    /// Answers a request with an `error` message.
    pub fn reply_error(
        &self,
        dest: &str,
        in_reply_to: Option<u64>,
        error: &Error,
    ) -> Result<(), Error> {
        let payload = ErrorPayload::new(error);
        self.emit(dest, &payload, Some(self.next_msg_id()), in_reply_to)
    }

    /// Sends a request and waits for its reply until `timeout`. An `error` reply is returned
    /// as [`RpcError::Remote`]. Dropping the future forgets the request.
    pub async fn rpc<P: Serialize + ?Sized>(
        &self,
        dest: &str,
        payload: &P,
        timeout: Duration,
    ) -> Result<Message, RpcError> {
        let msg_id = self.next_msg_id();
        let mut pending = InFlight::register(&self.shared.in_flight, msg_id);
        let lines =
            self.lines(dest, payload, Some(msg_id), None)
                .map_err(|e| RpcError::Encode {
                    dest: dest.to_owned(),
                    reason: e.text,
                })?;
        for line in lines {
            self.write(line).map_err(|_| RpcError::Shutdown)?;
        }
        // `biased`: the branches are polled in this order, not at random, so a run on a
        // virtual clock is replayable; a reply that is there wins over a deadline just passed.
        let reply = tokio::select! {
            biased;
            reply = &mut pending.reply => reply.map_err(|_| RpcError::Shutdown)?,
            () = self.sleep(timeout) => {
                return Err(RpcError::Timeout { dest: dest.to_owned(), after: timeout });
            }
            () = self.shared.shutdown.cancelled() => return Err(RpcError::Shutdown),
        };
        match reply.error() {
            Some(error) => Err(RpcError::Remote {
                dest: dest.to_owned(),
                error,
            }),
            None => Ok(reply),
        }
    }

    /// [`Ctx::rpc`], decoding the reply's payload as `R`.
    pub async fn call<P: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        dest: &str,
        payload: &P,
        timeout: Duration,
    ) -> Result<R, RpcError> {
        let reply = self.rpc(dest, payload, timeout).await?;
        decode_reply(dest, &reply)
    }

    /// [`Ctx::rpc`] repeated while [`RetryPolicy::should_retry`] allows, at most
    /// `policy.attempts` times, pausing with jittered backoff between attempts. Each attempt
    /// is a new request with its own `msg_id`, so the request must be safe to repeat.
    pub async fn rpc_with_retry<P: Serialize + ?Sized>(
        &self,
        dest: &str,
        payload: &P,
        policy: &RetryPolicy,
    ) -> Result<Message, RpcError> {
        let mut attempt = 1;
        loop {
            match self.rpc(dest, payload, policy.timeout).await {
                Err(err) if attempt < policy.attempts && RetryPolicy::should_retry(&err) => {
                    let pause = self.random(|rng| policy.pause_after(attempt, rng));
                    tracing::debug!(%dest, attempt, ?pause, "retrying after {err}");
                    tokio::select! {
                        biased;
                        () = self.sleep(pause) => {}
                        () = self.shared.shutdown.cancelled() => return Err(RpcError::Shutdown),
                    }
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    /// [`Ctx::rpc_with_retry`], decoding the reply's payload as `R`. A reply that does not
    /// decode is [`RpcError::BadReply`] and is not retried: the request was answered.
    pub async fn call_with_retry<P: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        dest: &str,
        payload: &P,
        policy: &RetryPolicy,
    ) -> Result<R, RpcError> {
        let reply = self.rpc_with_retry(dest, payload, policy).await?;
        decode_reply(dest, &reply)
    }

    /// The node's clock: now.
    pub fn now(&self) -> Instant {
        now()
    }

    /// Waits `duration` on the node's clock.
    pub async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }

    /// Waits until `deadline` on the node's clock (at once if it has passed).
    pub async fn sleep_until(&self, deadline: Instant) {
        tokio::time::sleep_until(deadline).await;
    }

    /// Runs `work` until it ends or `duration` has passed; `None` when time ran out first.
    pub async fn timeout<F: Future>(&self, duration: Duration, work: F) -> Option<F::Output> {
        tokio::time::timeout(duration, work).await.ok()
    }

    /// Runs `work` until it ends or the clock reaches `deadline`; `None` when time ran out.
    pub async fn timeout_at<F: Future>(&self, deadline: Instant, work: F) -> Option<F::Output> {
        tokio::time::timeout_at(deadline, work).await.ok()
    }

    /// Runs `draw` on this node's random number generator, e.g.
    /// `ctx.random(|rng| policy.pause_after(attempt, rng))`.
    pub fn random<T>(&self, draw: impl FnOnce(&mut ChaCha8Rng) -> T) -> T {
        self.shared.rng.with(draw)
    }

    /// A number drawn uniformly from `range`, e.g. `ctx.random_range(0..100)`.
    pub fn random_range<T: SampleUniform, R: SampleRange<T>>(&self, range: R) -> T {
        self.random(|rng| rng.gen_range(range))
    }

    /// Runs `work` in the background until it ends or the node shuts down. A panic in it is
    /// logged; the node goes on.
    pub fn spawn<F>(&self, work: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let shutdown = self.shared.shutdown.clone();
        self.shared.tasks.spawn(async move {
            tokio::select! {
                biased;
                () = logging_panics(work, "background task") => {}
                () = shutdown.cancelled() => {}
            }
        });
    }

    /// Runs `tick` every `period` (the first time one period from now) until shutdown. A
    /// tick that overruns delays the next one rather than bunching them up.
    pub fn every<F, Fut>(&self, period: Duration, mut tick: F)
    where
        F: FnMut(Ctx) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let ctx = self.clone();
        self.spawn(async move {
            let mut interval = tokio::time::interval_at(ctx.now() + period, period);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                // A panicking tick must not end the timer: the next tick runs as usual.
                logging_panics(tick(ctx.clone()), "timer tick").await;
            }
        });
    }

    /// Runs `work` once, `delay` from now, unless the node shuts down first.
    pub fn after<F>(&self, delay: Duration, work: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let ctx = self.clone();
        self.spawn(async move {
            ctx.sleep(delay).await;
            work.await;
        });
    }

    /// A client of Maelstrom's linearizable key-value service.
    pub fn lin_kv(&self) -> Kv {
        Kv::new(self.clone(), "lin-kv")
    }

    /// A client of Maelstrom's sequentially consistent key-value service.
    pub fn seq_kv(&self) -> Kv {
        Kv::new(self.clone(), "seq-kv")
    }

    /// A client of Maelstrom's last-write-wins key-value service.
    pub fn lww_kv(&self) -> Kv {
        Kv::new(self.clone(), "lww-kv")
    }

    /// A client of Maelstrom's timestamp oracle.
    pub fn lin_tso(&self) -> Tso {
        Tso::new(self.clone())
    }

    /// True once the node's input has ended.
    pub fn is_shutting_down(&self) -> bool {
        self.shared.shutdown.is_cancelled()
    }

    pub(crate) fn next_msg_id(&self) -> u64 {
        self.shared.next_msg_id.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn in_flight(&self) -> &InFlight {
        &self.shared.in_flight
    }

    pub(crate) fn tasks(&self) -> &TaskTracker {
        &self.shared.tasks
    }

    pub(crate) fn begin_shutdown(&self) {
        self.shared.shutdown.cancel();
    }

    /// Sends this node's messages to peers that seem not to get them through the other
    /// peers as well, and passes on what peers relay (see [`crate::relay`]). For nodes whose
    /// peers answer each other within `config.silence`, as Raft's do; until a peer stays
    /// silent that long, nothing changes. A second call changes nothing.
    pub fn relay_around_cuts(&self, config: RelayConfig) {
        let relay = Relay::new(self.node_id(), self.node_ids(), config);
        if self.shared.relay.set(Mutex::new(relay)).is_err() {
            tracing::warn!("relaying around cuts was already on");
        }
    }

    /// Takes in a message as it arrived: a relayed message for this node comes out as the
    /// message its origin sent, one for another node is passed on, and `None` says there
    /// is nothing more to do. Without relaying, every message comes out as it went in.
    pub(crate) fn arrived(&self, msg: Message) -> Option<Message> {
        let Some(relay) = self.shared.relay.get() else {
            return Some(msg);
        };
        {
            let mut relay = crate::lock(relay);
            // Only peers relay; anything else called `relay` is handled like any message.
            if msg.kind != ENVELOPE_KIND || !relay.is_peer(&msg.src) {
                relay.heard_plain(&msg.src, self.now());
                return Some(msg);
            }
        }
        let envelope: Envelope<serde_json::Value> = match msg.payload() {
            Ok(envelope) => envelope,
            Err(err) => {
                tracing::warn!(src = %msg.src, "skipped an unreadable relayed message: {err}");
                return None;
            }
        };
        let inner = match Message::from_body(
            envelope.origin.clone(),
            self.node_id().to_owned(),
            envelope.body.clone(),
            msg.received,
        ) {
            Ok(inner) => inner,
            Err(reason) => {
                tracing::warn!(src = %msg.src, "skipped a relayed message ({reason})");
                return None;
            }
        };
        let inbound =
            crate::lock(relay).heard_envelope(&msg.src, &envelope, inner.msg_id, self.now());
        match inbound {
            Inbound::Deliver => Some(inner),
            Inbound::Forward(target) => {
                let sent = render(self.node_id(), &target, &envelope, None, None)
                    .and_then(|line| self.write(line));
                if let Err(err) = sent {
                    tracing::warn!(%target, "cannot pass on a relayed message: {err}");
                }
                None
            }
            Inbound::Drop => None,
        }
    }

    /// Sends one message, routed around a cut when relaying is on.
    fn emit<P: Serialize + ?Sized>(
        &self,
        dest: &str,
        payload: &P,
        msg_id: Option<u64>,
        in_reply_to: Option<u64>,
    ) -> Result<(), Error> {
        for line in self.lines(dest, payload, msg_id, in_reply_to)? {
            self.write(line)?;
        }
        Ok(())
    }

    /// The lines that carry one message to `dest`: the message itself, or its envelopes to
    /// `dest` and to each peer that relays it.
    fn lines<P: Serialize + ?Sized>(
        &self,
        dest: &str,
        payload: &P,
        msg_id: Option<u64>,
        in_reply_to: Option<u64>,
    ) -> Result<Vec<String>, Error> {
        let route = match self.shared.relay.get() {
            Some(relay) => crate::lock(relay).route(dest, self.now()),
            None => Route::Direct,
        };
        let Route::Enveloped { deaf, via } = route else {
            return Ok(vec![render(
                self.node_id(),
                dest,
                payload,
                msg_id,
                in_reply_to,
            )?]);
        };
        let envelope = Envelope {
            origin: self.node_id().to_owned(),
            target: dest.to_owned(),
            deaf,
            body: crate::protocol::body(payload, msg_id, in_reply_to)?,
        };
        std::iter::once(dest)
            .chain(via.iter().map(String::as_str))
            .map(|hop| render(self.node_id(), hop, &envelope, None, None))
            .collect()
    }

    fn write(&self, line: String) -> Result<(), Error> {
        self.shared.outbox.push(line).map_err(Error::crash)
    }
}

/// How long a Maelstrom client waits for a reply (`client.clj/default-timeout` is 5 s), less
/// a margin for the trip back. A later reply would reach a client id that Maelstrom may have
/// closed, and a message to an unknown id makes Maelstrom stop reading this node's output
/// for the rest of the test; dropping it loses nothing, since nobody waits for it.
pub const CLIENT_PATIENCE: Duration = Duration::from_millis(4900);

/// The node's clock, read by [`Ctx::now`] and, before a node has a `Ctx`, by the event loop:
/// the one place in node code that reads the time.
pub(crate) fn now() -> Instant {
    Instant::now()
}

/// Decodes an RPC's reply as `R`; a reply of another shape is [`RpcError::BadReply`].
fn decode_reply<R: DeserializeOwned>(dest: &str, reply: &Message) -> Result<R, RpcError> {
    reply.payload().map_err(|e| RpcError::BadReply {
        dest: dest.to_owned(),
        reason: e.text,
    })
}

/// True (and logged) when `dest` is a Maelstrom client that, at `now`, has stopped waiting
/// for a reply to a request received at `received`.
pub(crate) fn client_gave_up(dest: &str, received: Instant, now: Instant) -> bool {
    let waited = now.saturating_duration_since(received);
    let gave_up = dest.starts_with('c') && waited > CLIENT_PATIENCE;
    if gave_up {
        tracing::warn!(%dest, ?waited, "dropped a reply the client stopped waiting for");
    }
    gave_up
}

/// Runs `work`, turning a panic into an error log.
async fn logging_panics<F: Future<Output = ()>>(work: F, what: &str) {
    use futures::FutureExt;
    if let Err(panic) = std::panic::AssertUnwindSafe(work).catch_unwind().await {
        tracing::error!("{what} panicked: {}", crate::node::panic_text(&panic));
    }
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("node_id", &self.shared.node_id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_clients_past_their_timeout_lose_their_reply() {
        let received = Instant::now();
        let later = received + Duration::from_secs(6);
        assert!(client_gave_up("c7", received, later));
        assert!(
            !client_gave_up("n1", received, later),
            "peers have no client timeout"
        );
        assert!(!client_gave_up("c7", received, received));
    }
}
