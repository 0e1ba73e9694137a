//! The node's event loop: the init handshake, then every line becomes a reply to a waiting
//! RPC or a handler task. Nothing a peer sends can stop the loop: a malformed line is
//! logged and skipped, a handler's error or panic is answered with an error reply, and the
//! loop ends only when input ends, after letting in-flight work finish.
//!
//! [`serve`] is the loop itself, on whatever tokio runtime the caller runs it (an in-process
//! cluster runs many in one); [`run`] gives it a runtime of its own, for the stdio binary.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::task::Context;
use std::time::Duration;

use futures::FutureExt;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::Error;
use crate::handler::Handler;
use crate::protocol::{render, ErrorPayload, Message};
use crate::transport::Transport;

/// How long in-flight handlers may keep running after input ends.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);
/// How much of an unparsable line goes into the log.
const LOGGED_LINE_CHARS: usize = 200;

#[derive(Deserialize)]
struct Init {
    node_id: String,
    node_ids: Vec<String>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum InitReply {
    InitOk,
}

/// What the launcher of a node decides for it, beside its transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeEnv {
    /// Seeds the node's random numbers, together with its node id ([`Ctx::random`]).
    pub seed: u64,
}

/// Runs the handler that `start` builds at `init` as a node over `transport` until its
/// input ends, on a tokio runtime of its own: the stdio binary's entry.
pub fn run(start: impl Fn(&Ctx) -> Box<dyn Handler>, transport: Transport, env: NodeEnv) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("cannot start the node's tokio runtime");
    runtime.block_on(serve(start, transport, env));
}

/// A node before and after `init`.
enum Node {
    Waiting,
    Running { ctx: Ctx, handler: Arc<dyn Handler> },
}

/// Runs a node over `transport` until its input ends, on the caller's tokio runtime: the
/// handler is built by `start` right after `init`. Several nodes may run this way in one
/// current-thread runtime, each over its own transport; with that runtime's clock paused,
/// every node's time is virtual.
pub async fn serve(
    start: impl Fn(&Ctx) -> Box<dyn Handler>,
    mut transport: Transport,
    env: NodeEnv,
) {
    let flusher = tokio::spawn(Arc::clone(&transport.outbox).run_flusher());
    let mut node = Node::Waiting;
    while let Some(batch) = transport.inbound.recv().await {
        for line in batch {
            node = handle_line(&start, &transport, env, node, &line);
        }
    }
    if let Node::Running { ctx, .. } = node {
        ctx.begin_shutdown();
        ctx.tasks().close();
        if ctx
            .timeout(DRAIN_TIMEOUT, ctx.tasks().wait())
            .await
            .is_none()
        {
            tracing::warn!(
                "in-flight work did not finish within {DRAIN_TIMEOUT:?} of end of input"
            );
        }
    }
    flusher.abort();
    transport.finish();
}

/// Handles one input line; returns the node as it is afterwards.
fn handle_line(
    start: &impl Fn(&Ctx) -> Box<dyn Handler>,
    transport: &Transport,
    env: NodeEnv,
    node: Node,
    line: &str,
) -> Node {
    let msg = match Message::parse(line, crate::ctx::now()) {
        Ok(msg) => msg,
        Err(reason) => {
            let shown: String = line.chars().take(LOGGED_LINE_CHARS).collect();
            tracing::warn!("skipped a malformed line ({reason}): {shown}");
            return node;
        }
    };
    let Node::Running { ctx, handler } = node else {
        if msg.kind == "init" {
            return initialise(start, transport, env, &msg);
        }
        tracing::warn!(src = %msg.src, kind = %msg.kind, "message before init");
        answer_error(
            transport,
            &msg,
            &Error::unavailable("node is not initialised yet"),
        );
        return Node::Waiting;
    };
    let Some(msg) = ctx.arrived(msg) else {
        return Node::Running { ctx, handler };
    };
    if msg.kind == "init" {
        tracing::warn!(src = %msg.src, "init received twice; answering it again");
        reply_or_log(ctx.reply(&msg, &InitReply::InitOk));
    } else if msg.in_reply_to.is_some() {
        if let Some(orphan) = ctx.in_flight().complete(msg) {
            tracing::debug!(src = %orphan.src, in_reply_to = ?orphan.in_reply_to, "dropped a reply nobody waits for");
        }
    } else {
        dispatch(&handler, &ctx, msg);
    }
    Node::Running { ctx, handler }
}

/// Answers `init` and builds the handler; a node whose handler cannot be built stays
/// uninitialised (and says why).
fn initialise(
    start: &impl Fn(&Ctx) -> Box<dyn Handler>,
    transport: &Transport,
    env: NodeEnv,
    msg: &Message,
) -> Node {
    let init: Init = match msg.payload() {
        Ok(init) => init,
        Err(error) => {
            tracing::error!("unusable init message: {}", error.text);
            answer_error(transport, msg, &error);
            return Node::Waiting;
        }
    };
    tracing::info!(node_id = %init.node_id, nodes = init.node_ids.len(), "initialised");
    let ctx = Ctx::new(
        init.node_id,
        init.node_ids,
        Arc::clone(&transport.outbox),
        env.seed,
    );
    let handler = match std::panic::catch_unwind(AssertUnwindSafe(|| start(&ctx))) {
        Ok(handler) => Arc::from(handler),
        Err(panic) => {
            let error = Error::crash(format!(
                "starting the handler panicked: {}",
                panic_text(&panic)
            ));
            tracing::error!("{}", error.text);
            // Timers the half-built handler started must not outlive it.
            ctx.begin_shutdown();
            answer_error(transport, msg, &error);
            return Node::Waiting;
        }
    };
    reply_or_log(ctx.reply(msg, &InitReply::InitOk));
    Node::Running { ctx, handler }
}

fn dispatch(handler: &Arc<dyn Handler>, ctx: &Ctx, msg: Message) {
    let handler = Arc::clone(handler);
    let task_ctx = ctx.clone();
    let mut task = Box::pin(async move {
        let ctx = task_ctx;
        let (src, msg_id, kind, received) =
            (msg.src.clone(), msg.msg_id, msg.kind.clone(), msg.received);
        let outcome = AssertUnwindSafe(handler.handle(&ctx, msg))
            .catch_unwind()
            .await;
        let error = match outcome {
            Ok(Ok(())) => return,
            Ok(Err(error)) => error,
            Err(panic) => Error::crash(format!("handler panicked: {}", panic_text(&panic))),
        };
        tracing::warn!(%src, %kind, "request failed: {error}");
        if msg_id.is_some() && !crate::ctx::client_gave_up(&src, received, ctx.now()) {
            reply_or_log(ctx.reply_error(&src, msg_id, &error));
        }
    });
    // Most requests finish without waiting on anything (echo, reads, local updates), so the
    // handler runs once right here and becomes a task only if it has to wait. This saves a
    // task per message, and keeps the scheduler's queue from growing faster than it drains
    // when input arrives in bursts. Polling with a no-op waker is sound: the spawned task
    // polls the future again at once, registering its real waker.
    let mut first_poll = Context::from_waker(futures::task::noop_waker_ref());
    if task.as_mut().poll(&mut first_poll).is_pending() {
        ctx.tasks().spawn(task);
    }
}

/// Answers a request the node cannot handle at all. Before init there is no node id, so
/// the reply comes from the id the sender addressed.
fn answer_error(transport: &Transport, msg: &Message, error: &Error) {
    if msg.msg_id.is_none() {
        return;
    }
    let sent = render(
        &msg.dest,
        &msg.src,
        &ErrorPayload::new(error),
        None,
        msg.msg_id,
    )
    .map_err(|e| e.to_string())
    .and_then(|line| transport.outbox.push(line));
    if let Err(err) = sent {
        tracing::error!("could not answer {}: {err}", msg.src);
    }
}

fn reply_or_log(result: Result<(), Error>) {
    if let Err(err) = result {
        tracing::error!("could not send a reply: {err}");
    }
}

pub(crate) fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "non-text panic payload".to_owned()
    }
}
