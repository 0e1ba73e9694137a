//! The client workers (spec §2.0): Jepsen's worker thread *i* always talks to node `i mod N`,
//! runs one operation at a time, and records each completion in the history itself (so
//! completion times are taken the moment the reply arrives). Here each worker is a task of
//! the run's client-side runtime, which keeps the same code on real time and on the
//! explorer's virtual clock; "thread" still names Jepsen's worker numbering.
//!
//! A worker opens its Maelstrom client lazily, on its first operation, taking the next `c<k>`
//! id. After an `info`, a workload whose client is not reusable marks its session stale; as
//! in Jepsen's interpreter ("New process, new client!" in `ClientWorker`'s `invoke!`), the old
//! client is closed only at that thread's *next* operation, which then opens a fresh one (new
//! `c<k>` id, `msg_id` from 1, fresh workload-client state). Until then the old id stays on
//! the network, so a late reply to it is quietly dropped by the client rather than refused
//! by the network (which would make the replying node deaf).

use crate::client::Conn;
use crate::net::Network;
use crate::op::OpSpec;
use crate::options::Options;
use crate::recorder::Recorder;
use crate::workload::{Client, Workload};
use checkers::history::{Op, OpType};
use std::sync::Arc;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::task::JoinHandle;

/// An operation for a worker.
#[derive(Debug, Clone)]
pub struct Job {
    pub process: u64,
    pub op: OpSpec,
}

/// A worker's report that it finished an operation (the completion is already recorded).
#[derive(Debug, Clone)]
pub struct Done {
    pub thread: usize,
    pub completion: Op,
}

/// The running workers.
pub struct Workers {
    jobs: Vec<UnboundedSender<Job>>,
    tasks: Vec<JoinHandle<()>>,
}

/// A worker's client connection and workload-client state, opened lazily.
struct Session<C> {
    current: Option<(Conn, C)>,
    /// Set after an `info` for a non-reusable client: replace it before the next operation.
    stale: bool,
}

impl<C> Default for Session<C> {
    fn default() -> Self {
        Session {
            current: None,
            stale: false,
        }
    }
}

impl<C> Session<C> {
    /// The session for the next operation: a stale one is closed now and a fresh one opened
    /// (as is a first one).
    fn for_next_op(&mut self, open: impl FnOnce() -> (Conn, C)) -> &mut (Conn, C) {
        if std::mem::take(&mut self.stale) {
            self.close();
        }
        self.current.get_or_insert_with(open)
    }

    /// Marks the session for replacement at the next operation; the client stays open (and
    /// its id registered) until then.
    fn retire(&mut self) {
        self.stale = true;
    }

    /// Takes the client off the network.
    fn close(&mut self) {
        if let Some((conn, _)) = self.current.take() {
            conn.close();
        }
    }
}

/// What every worker shares.
pub struct Shared {
    pub net: Arc<Network>,
    pub recorder: Arc<Recorder>,
    pub workload: &'static dyn Workload,
    pub opts: Arc<Options>,
}

impl Workers {
    /// Starts `opts.concurrency` workers reporting to `done`, as tasks of the current runtime.
    pub fn start(shared: &Arc<Shared>, done: &UnboundedSender<Done>) -> Workers {
        let mut jobs = Vec::new();
        let mut tasks = Vec::new();
        for thread in 0..shared.opts.concurrency {
            let (tx, mut rx) = unbounded_channel::<Job>();
            let (shared, done) = (Arc::clone(shared), done.clone());
            tasks.push(tokio::spawn(async move {
                let node = &shared.opts.nodes[thread % shared.opts.nodes.len()];
                let mut session: Session<Box<dyn Client>> = Session::default();
                while let Some(job) = rx.recv().await {
                    let (conn, client) = session.for_next_op(|| {
                        (
                            Conn::open(&shared.net),
                            shared.workload.client(&shared.opts),
                        )
                    });
                    let outcome = client.invoke(conn, node, &job.op).await;
                    let info = outcome.kind == OpType::Info;
                    let completion = shared.recorder.complete(job.process, &job.op, outcome);
                    if info && !shared.workload.reusable_client() {
                        session.retire();
                    }
                    if done.send(Done { thread, completion }).is_err() {
                        break;
                    }
                }
                session.close();
            }));
            jobs.push(tx);
        }
        Workers { jobs, tasks }
    }

    /// Hands `job` to `thread` (which the dispatcher knows to be idle).
    pub fn send(&self, thread: usize, job: Job) {
        self.jobs[thread]
            .send(job)
            .expect("workers outlive the dispatcher");
    }

    /// Lets the workers finish; waits for them only if `join` (an aborted run does not wait
    /// for operations still blocked on their timeouts: they are cancelled).
    pub async fn stop(self, join: bool) {
        drop(self.jobs);
        for task in self.tasks {
            if join {
                let _ = task.await;
            } else {
                task.abort();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Journal;
    use crate::latency::Latency;
    use crate::options::LatencyDist;
    use crate::rng::{stream, Stream};
    use serde_json::value::RawValue;
    use tokio::time::Instant;

    #[test]
    fn a_retired_client_stays_registered_until_the_next_operation() {
        let latency = Latency {
            dist: LatencyDist::Constant,
            mean: 0,
        };
        let net = Network::new(
            Instant::now(),
            latency,
            stream(0, Stream::Latency),
            Journal::create(None, false, false).unwrap(),
        );
        net.register_mailbox("n0");
        let late_reply = |to: &str| {
            net.send("n0", to, RawValue::from_string("{}".into()).unwrap())
                .is_ok()
        };
        let mut session: Session<()> = Session::default();
        let first = session
            .for_next_op(|| (Conn::open(&net), ()))
            .0
            .id()
            .to_string();
        session.retire();
        assert!(
            late_reply(&first),
            "after an info the old client is still on the network"
        );
        let second = session
            .for_next_op(|| (Conn::open(&net), ()))
            .0
            .id()
            .to_string();
        assert_ne!(first, second, "the next operation gets a fresh client");
        assert!(!late_reply(&first), "the old client is closed now");
        assert!(late_reply(&second));
        let again = session
            .for_next_op(|| (Conn::open(&net), ()))
            .0
            .id()
            .to_string();
        assert_eq!(again, second, "a session that is not retired is kept");
        session.close();
        assert!(!late_reply(&second));
    }
}
