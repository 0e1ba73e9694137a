//! The node processes of a run and their start-up (spec §1.5, §7): spawn every node, send
//! each `init` from its own fresh client (`c0`..`c(N-1)`, in parallel, 10 s to answer), close
//! those clients, then open one setup client per node (`c(N)`..`c(2N-1)`, kept until the
//! end) and send the workload's setup request (broadcast's `topology`, 5 s to answer) to
//! each node that has one.
//!
//! A node that goes deaf (§1.2) while start-up is waiting for answers is remembered, so the
//! run's `sim.deaf-nodes` names it like any node that goes deaf later.
//!
//! A node that exits, never answers `init`, or answers it wrongly ends the run with an error
//! naming the node, how it ended, and the last lines of its stderr. Dropping the cluster
//! SIGKILLs every node, so no error path leaves processes behind.

use crate::client::{Answer, Conn, Request};
use crate::metrics::DelayRecorder;
use crate::net::Network;
use crate::options::Options;
use crate::process::{NodeEvent, NodeProcess, Spawn};
use crate::workload::{Workload, DEFAULT_TIMEOUT};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

/// Maelstrom's deadline for `init_ok`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// The running nodes.
/// One node of a cluster as start-up and teardown see it: a node process, or a node the
/// explorer runs in-process.
pub trait Node: Send {
    fn id(&self) -> &str;
    /// True once the node has ended (its process exited, or its task finished).
    fn has_exited(&mut self) -> bool;
    /// The most messages that were ever undelivered to it at once.
    fn peak_backlog(&self) -> usize;
    /// Why the node counts as silent now (see [`crate::silence`]), if it does.
    fn silence(&self) -> Option<String>;
    /// An error report: the node, what happened, and its last log lines.
    fn report(&mut self, what: &str) -> String;
    /// How a node that sent [`NodeEvent::Exited`] ended, `when` it did.
    fn report_ending(&mut self, when: &str) -> String;
    /// Takes the node off the network and stops it.
    fn kill(self: Box<Self>);
}

impl Node for NodeProcess {
    fn id(&self) -> &str {
        &self.id
    }
    fn has_exited(&mut self) -> bool {
        self.exit_status().is_some()
    }
    fn peak_backlog(&self) -> usize {
        NodeProcess::peak_backlog(self)
    }
    fn silence(&self) -> Option<String> {
        NodeProcess::silence(self)
    }
    fn report(&mut self, what: &str) -> String {
        NodeProcess::report(self, what)
    }
    fn report_ending(&mut self, when: &str) -> String {
        NodeProcess::report_ending(self, when)
    }
    fn kill(self: Box<Self>) {
        NodeProcess::kill(*self)
    }
}

pub struct Cluster {
    net: Arc<Network>,
    nodes: Vec<Box<dyn Node>>,
    /// Node exits and deafness, for whoever is driving the run.
    events: UnboundedReceiver<NodeEvent>,
    setup_clients: Vec<Conn>,
    /// Nodes that went deaf during start-up, with the reason.
    startup_deaf: BTreeMap<String, String>,
}

impl Cluster {
    /// Spawns one process per node of `opts` and registers each on `net`.
    pub fn spawn(
        opts: &Options,
        bin: &Path,
        net: &Arc<Network>,
        delays: &Arc<DelayRecorder>,
        log_dir: &Path,
        seed: u64,
    ) -> anyhow::Result<Cluster> {
        let (tx, events) = unbounded_channel();
        let how = Spawn {
            bin,
            args: &opts.node_args,
            log_dir,
            echo_stderr: opts.log_stderr,
            net,
            delays,
            events: &tx,
            seed,
        };
        let mut nodes: Vec<Box<dyn Node>> = Vec::new();
        for id in &opts.nodes {
            nodes.push(Box::new(NodeProcess::spawn(id, &how)?));
        }
        Ok(Cluster::of(net, nodes, events))
    }

    /// A cluster of nodes started elsewhere (the explorer's), whose events arrive on
    /// `events`.
    pub fn of(
        net: &Arc<Network>,
        nodes: Vec<Box<dyn Node>>,
        events: UnboundedReceiver<NodeEvent>,
    ) -> Cluster {
        Cluster {
            net: Arc::clone(net),
            nodes,
            events,
            setup_clients: Vec::new(),
            startup_deaf: BTreeMap::new(),
        }
    }

    /// A channel for node events, for [`Cluster::of`].
    pub fn event_channel() -> (UnboundedSender<NodeEvent>, UnboundedReceiver<NodeEvent>) {
        unbounded_channel()
    }

    /// An error report for `node`.
    pub fn report(&mut self, node: &str, what: &str) -> String {
        match self.nodes.iter_mut().find(|n| n.id() == node) {
            Some(n) => n.report(what),
            None => format!("node {node} {what}"),
        }
    }

    /// The report for `node` after it sent [`NodeEvent::Exited`] `when` ("during
    /// start-up"): "exited" or "closed its stdout", with its last stderr lines.
    pub fn report_ending(&mut self, node: &str, when: &str) -> String {
        match self.nodes.iter_mut().find(|n| n.id() == node) {
            Some(n) => n.report_ending(when),
            None => format!("node {node} exited {when}"),
        }
    }

    /// The most messages ever undelivered to any one node at once.
    pub fn peak_backlog(&self) -> usize {
        self.nodes
            .iter()
            .map(|n| n.peak_backlog())
            .max()
            .unwrap_or(0)
    }

    /// Nodes silent at the end of the run (see [`crate::silence`]): for each, why, and the
    /// full report with its last stderr lines.
    pub fn silent_nodes(&mut self) -> BTreeMap<String, (String, String)> {
        let mut silent = BTreeMap::new();
        for node in &mut self.nodes {
            if let Some(reason) = node.silence() {
                let report = node.report(&reason);
                silent.insert(node.id().to_string(), (reason, report));
            }
        }
        silent
    }

    /// Nodes that went deaf during start-up (the events this cluster consumed itself), for
    /// the dispatcher's deaf set; later deafness reaches the dispatcher through `events`.
    pub fn take_startup_deaf(&mut self) -> BTreeMap<String, String> {
        std::mem::take(&mut self.startup_deaf)
    }

    /// Sends each request to node `nodes[i]` from its client, all in parallel, and returns
    /// the answers in the order asked; a node exit ends the wait with its report.
    /// The node events (exits, deafness) from now on, for the dispatcher; start-up has
    /// consumed the earlier ones.
    pub fn take_events(&mut self) -> UnboundedReceiver<NodeEvent> {
        std::mem::replace(&mut self.events, unbounded_channel().1)
    }

    /// Sends every request at once, each on its own connection, and waits for all answers,
    /// failing as soon as a node exits.
    async fn ask_all(
        &mut self,
        asks: Vec<(usize, Conn, Request)>,
        timeout: Duration,
    ) -> anyhow::Result<Vec<(usize, Conn, Answer)>> {
        let count = asks.len();
        let mut asking = tokio::task::JoinSet::new();
        for (slot, (i, mut conn, request)) in asks.into_iter().enumerate() {
            let node = self.nodes[i].id().to_string();
            asking.spawn(async move {
                let answer = conn.call(&node, &request, timeout).await;
                (slot, i, conn, answer)
            });
        }
        let mut answers: Vec<Option<(usize, Conn, Answer)>> = (0..count).map(|_| None).collect();
        loop {
            tokio::select! {
                biased;
                got = asking.join_next() => match got {
                    None => break,
                    Some(Ok((slot, i, conn, answer))) => answers[slot] = Some((i, conn, answer)),
                    Some(Err(e)) => anyhow::bail!("a start-up request failed: {e}"),
                },
                Some(event) = self.events.recv() => match event {
                    NodeEvent::Exited { node } => {
                        anyhow::bail!("{}", self.report_ending(&node, "during start-up"));
                    }
                    NodeEvent::Deaf { node, reason } => {
                        self.startup_deaf.insert(node, reason);
                    }
                },
            }
        }
        Ok(answers
            .into_iter()
            .map(|a| a.expect("all answered"))
            .collect())
    }

    pub async fn init(&mut self, net: &Arc<Network>, node_ids: &[String]) -> anyhow::Result<()> {
        let conns: Vec<Conn> = self.nodes.iter().map(|_| Conn::open(net)).collect();
        let asks = self
            .nodes
            .iter()
            .zip(conns)
            .enumerate()
            .map(|(i, (n, conn))| {
                let request = Request::new("init")
                    .with("node_id", json!(n.id()))
                    .with("node_ids", json!(node_ids));
                (i, conn, request)
            })
            .collect();
        let answers = self.ask_all(asks, INIT_TIMEOUT).await?;
        for (i, conn, answer) in answers {
            conn.close();
            let node = self.nodes[i].id().to_string();
            match answer {
                Answer::Reply(body) if body.get("type") == Some(&json!("init_ok")) => {}
                Answer::Reply(body) if body.get("type") == Some(&json!("error")) => {
                    anyhow::bail!(
                        "{}",
                        self.report(
                            &node,
                            &format!("answered init with an error: {}", Value::Object(body))
                        )
                    );
                }
                Answer::Reply(body) => {
                    let what = format!("was expected to answer init with an init_ok message, but responded with {}", Value::Object(body));
                    anyhow::bail!("{}", self.report(&node, &what));
                }
                Answer::Timeout => {
                    let what = format!("did not respond to an init message within {} s (Maelstrom: \"Expected node {node} to respond to an init message, but node did not respond.\")", INIT_TIMEOUT.as_secs());
                    anyhow::bail!("{}", self.report(&node, &what));
                }
            }
        }
        Ok(())
    }

    /// Opens the setup clients and sends the workload's setup request, if it has one.
    pub async fn setup(
        &mut self,
        net: &Arc<Network>,
        workload: &dyn Workload,
        opts: &Options,
    ) -> anyhow::Result<()> {
        // Every node gets a setup client (ids c(N)..c(2N-1) in node order), as Maelstrom
        // opens one per node whether or not the workload sends anything on it.
        let conns: Vec<Conn> = self.nodes.iter().map(|_| Conn::open(net)).collect();
        let mut asks = Vec::new();
        let mut setups = Vec::new();
        for (i, conn) in conns.into_iter().enumerate() {
            match workload.setup(opts, self.nodes[i].id()) {
                Some((request, schema)) => {
                    asks.push((i, conn, request.clone()));
                    setups.push((request, schema));
                }
                None => self.setup_clients.push(conn),
            }
        }
        if asks.is_empty() {
            return Ok(());
        }
        let answers = self.ask_all(asks, DEFAULT_TIMEOUT).await?;
        for ((i, conn, answer), (request, schema)) in answers.into_iter().zip(&setups) {
            self.setup_clients.push(conn);
            let node = self.nodes[i].id().to_string();
            let problem = match answer {
                Answer::Timeout => format!(
                    "did not answer {} within {} s",
                    request.kind,
                    DEFAULT_TIMEOUT.as_secs()
                ),
                Answer::Reply(body) => match schema.validate(&body) {
                    Ok(()) => continue,
                    Err(why) => format!(
                        "answered {} with a malformed reply ({why}): {}",
                        request.kind,
                        Value::Object(body)
                    ),
                },
            };
            anyhow::bail!("{}", self.report(&node, &problem));
        }
        Ok(())
    }

    /// Ends every node; returns reports for nodes that had already exited (Maelstrom's
    /// "Node nX crashed" at teardown).
    pub fn teardown(mut self) -> Vec<String> {
        // Nodes killed one after another would otherwise see the others' ids vanish.
        self.net.close();
        let mut crashed = Vec::new();
        for node in &mut self.nodes {
            if node.has_exited() {
                crashed.push(node.report("crashed (exited before the end of the test)"));
            }
        }
        for conn in self.setup_clients.drain(..) {
            conn.close();
        }
        for node in self.nodes.drain(..) {
            node.kill();
        }
        crashed
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in self.nodes.drain(..) {
            node.kill();
        }
    }
}
