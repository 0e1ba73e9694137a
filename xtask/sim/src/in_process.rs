//! Nodes that run inside the simulator's process, for the explorer: each node is a future
//! that reads the lines Maelstrom would write to its stdin and sends the lines it would
//! print, on the same runtime as the network, the services and the clients. The runtime's
//! clock is paused, so time moves only when every task waits, and one seed fixes the run.
//!
//! What a node writes goes through the same [`NodeOutput`] as a process's stdout (the
//! wire rules, deafness), and what the network delivers to it is the same line a process
//! reads. The simulator knows no node code: whoever links the handlers implements
//! [`StartNode`] (the workspace's explorer binary does, with the node runtime).

use crate::cluster::{Cluster, Node};
use crate::line_reader;
use crate::net::{node_line, Endpoint, Network};
use crate::process::{NodeEvent, NodeOutput, Tail};
use crate::rng::{stream, Stream};
use rand::Rng;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

/// A node's run: ends when the node's input ends (or the node stops by itself).
pub type NodeRun = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Starts in-process nodes.
pub trait StartNode: Sync {
    /// The run of node `id`: it reads each line Maelstrom would write to its stdin from
    /// `input` and sends each line it would print to `output`; `seed` seeds whatever
    /// randomness the node draws.
    fn start(
        &self,
        id: &str,
        seed: u64,
        input: UnboundedReceiver<String>,
        output: UnboundedSender<String>,
    ) -> NodeRun;
}

/// Starts one node per id on `net` (each with its own seed from the run's), as a cluster.
pub fn cluster(net: &Arc<Network>, ids: &[String], start: &dyn StartNode, seed: u64) -> Cluster {
    let (events, events_rx) = Cluster::event_channel();
    let mut seeds = stream(seed, Stream::Nodes);
    let nodes = ids
        .iter()
        .map(|id| {
            Box::new(InProcessNode::start(id, net, &events, start, seeds.gen())) as Box<dyn Node>
        })
        .collect();
    Cluster::of(net, nodes, events_rx)
}

/// One in-process node and the two tasks that carry its lines.
struct InProcessNode {
    id: String,
    net: Arc<Network>,
    tasks: Vec<JoinHandle<()>>,
    tail: Tail,
}

impl InProcessNode {
    fn start(
        id: &str,
        net: &Arc<Network>,
        events: &UnboundedSender<NodeEvent>,
        start: &dyn StartNode,
        seed: u64,
    ) -> InProcessNode {
        let (to_node, input) = unbounded_channel();
        let (output, mut from_node) = unbounded_channel::<String>();
        let (mailbox, mut delivered) = unbounded_channel();
        net.register(id, Endpoint::Mailbox(mailbox));
        let tail = Tail::default();
        let run = start.start(id, seed, input, output);
        let node_task = tokio::spawn({
            let (node, events) = (id.to_string(), events.clone());
            async move {
                run.await;
                let _ = events.send(NodeEvent::Exited { node });
            }
        });
        let deliver = tokio::spawn(async move {
            while let Some(envelope) = delivered.recv().await {
                let line = node_line(envelope.id, &envelope.src, &envelope.dest, &envelope.body);
                let text = String::from_utf8(line).expect("node lines are JSON text");
                if to_node.send(text).is_err() {
                    return;
                }
            }
        });
        let read = tokio::spawn({
            let mut out = NodeOutput::new(id, net, events, &tail);
            async move {
                while let Some(line) = from_node.recv().await {
                    if line.len() > line_reader::MAX_LINE {
                        out.too_long(&line, line.len());
                    } else {
                        out.line(&line);
                    }
                }
                out.finish();
            }
        });
        InProcessNode {
            id: id.to_string(),
            net: Arc::clone(net),
            tasks: vec![node_task, deliver, read],
            tail,
        }
    }
}

impl Node for InProcessNode {
    fn id(&self) -> &str {
        &self.id
    }

    fn has_exited(&mut self) -> bool {
        self.tasks[0].is_finished()
    }

    /// Nothing waits for a pipe in process: messages are handed over as they are delivered.
    fn peak_backlog(&self) -> usize {
        0
    }

    /// Silence is a property of a process's pipes; an in-process node that stops
    /// answering shows in the history instead.
    fn silence(&self) -> Option<String> {
        None
    }

    fn report(&mut self, what: &str) -> String {
        let mut text = format!("node {} (in-process) {what}", self.id);
        for line in self.tail.lines() {
            text.push_str("\n  | ");
            text.push_str(&line);
        }
        text
    }

    fn report_ending(&mut self, when: &str) -> String {
        self.report(&format!("stopped {when}"))
    }

    fn kill(self: Box<Self>) {
        self.net.unregister(&self.id);
        for task in &self.tasks {
            task.abort();
        }
    }
}
