//! The client worker threads (spec §2.0): thread *i* always talks to node `i mod N`, runs one
//! operation at a time, and records each completion in the history itself (so completion
//! times are taken the moment the reply arrives).
//!
//! A worker opens its Maelstrom client lazily, on its first operation, taking the next `c<k>`
//! id. After an `info`, a workload whose client is not reusable closes it (the id leaves the
//! network) and opens a fresh one, with a fresh `msg_id` counter and fresh workload-client
//! state, on the next operation.

use crate::client::Conn;
use crate::net::Network;
use crate::op::OpSpec;
use crate::options::Options;
use crate::recorder::Recorder;
use crate::workload::{Client, Workload};
use checkers::history::{Op, OpType};
use crossbeam_channel::{unbounded, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

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
    jobs: Vec<Sender<Job>>,
    threads: Vec<JoinHandle<()>>,
}

/// What every worker shares.
pub struct Shared {
    pub net: Arc<Network>,
    pub recorder: Arc<Recorder>,
    pub workload: &'static dyn Workload,
    pub opts: Arc<Options>,
}

impl Workers {
    /// Starts `opts.concurrency` workers reporting to `done`.
    pub fn start(shared: &Arc<Shared>, done: &Sender<Done>) -> anyhow::Result<Workers> {
        let mut jobs = Vec::new();
        let mut threads = Vec::new();
        for thread in 0..shared.opts.concurrency {
            let (tx, rx) = unbounded::<Job>();
            let (shared, done) = (Arc::clone(shared), done.clone());
            let handle = std::thread::Builder::new()
                .name(format!("worker-{thread}"))
                .spawn(move || {
                    let node = &shared.opts.nodes[thread % shared.opts.nodes.len()];
                    let mut session: Option<(Conn, Box<dyn Client>)> = None;
                    for job in rx {
                        let (conn, client) = session.get_or_insert_with(|| {
                            (
                                Conn::open(&shared.net),
                                shared.workload.client(&shared.opts),
                            )
                        });
                        let outcome = client.invoke(conn, node, &job.op);
                        let info = outcome.kind == OpType::Info;
                        let completion = shared.recorder.complete(job.process, &job.op, outcome);
                        if info && !shared.workload.reusable_client() {
                            if let Some((conn, _)) = session.take() {
                                conn.close();
                            }
                        }
                        if done.send(Done { thread, completion }).is_err() {
                            break;
                        }
                    }
                    if let Some((conn, _)) = session.take() {
                        conn.close();
                    }
                })?;
            jobs.push(tx);
            threads.push(handle);
        }
        Ok(Workers { jobs, threads })
    }

    /// Hands `job` to `thread` (which the dispatcher knows to be idle).
    pub fn send(&self, thread: usize, job: Job) {
        self.jobs[thread]
            .send(job)
            .expect("worker threads outlive the dispatcher");
    }

    /// Lets the workers finish; waits for them only if `join` (an aborted run does not wait
    /// for operations still blocked on their timeouts).
    pub fn stop(self, join: bool) {
        drop(self.jobs);
        if join {
            for t in self.threads {
                let _ = t.join();
            }
        }
    }
}
