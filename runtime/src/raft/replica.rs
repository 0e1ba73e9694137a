//! A replicated state machine on the Raft core: the core, the workload's [`StateMachine`]
//! it drives, and the requests waiting for it. Sans-IO like the core: callers pass `now`,
//! feed messages and requests, and send what [`Replica::pump`] hands back. Nothing here
//! awaits; a waiting request holds the receiving end of a channel that the replica
//! completes.
//!
//! How a request's answer is decided:
//! - An update is proposed at `(index, term)`. When the entry at `index` commits, every
//!   replica applies it to its state machine; if its term is the proposal's, the proposal
//!   took effect and its answer is the state machine's; if not, another leader's entry won
//!   the slot, so the proposal can never take effect and the answer is a definite error 11.
//! - A read waits for the core's read index, then is answered from the state machine,
//!   which by then has applied every entry committed up to that index.

use std::collections::HashMap;

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::{Raft, RaftConfig, RaftMessage, ReadId};
use crate::error::Error;

/// What a workload replicates: a deterministic machine that every replica feeds the same
/// updates in the same order, so all of them hold the same state and give the same answers.
pub trait StateMachine: Debug + Send + 'static {
    /// A client request, as the log carries it and a follower forwards it.
    type Request: Clone + Debug + Serialize + DeserializeOwned + Send + Sync + 'static;
    /// The answer to a request that succeeded, as a leader sends it back to a follower.
    type Reply: Debug + Serialize + DeserializeOwned + Send + Sync + 'static;

    /// True when `request` may change the state, so it must go through the log; false for
    /// reads, which are answered at a confirmed read index instead.
    fn is_update(request: &Self::Request) -> bool;

    /// Applies `request` (a read leaves the state as it is) and returns its answer.
    fn apply(&mut self, request: &Self::Request) -> Result<Self::Reply, Error>;
}

type Reply<S> = Result<<S as StateMachine>::Reply, Error>;

/// Where an answer will arrive.
pub type Answer<S> = oneshot::Receiver<Reply<S>>;

/// What became of a submitted request.
#[derive(Debug)]
pub enum Submitted<S: StateMachine> {
    /// The leader took it; the answer arrives on the channel (or never, if the outcome
    /// stays unknown).
    Waiting(Answer<S>),
    /// This node does not lead; the leader it knows of, if any.
    NotLeader(Option<String>),
}

/// A node's Raft core, state machine and waiting requests.
#[derive(Debug)]
pub struct Replica<S: StateMachine> {
    raft: Raft<S::Request>,
    machine: S,
    /// Proposals by log index, with the term they were proposed in.
    proposals: HashMap<u64, (u64, oneshot::Sender<Reply<S>>)>,
    /// Reads waiting for their read index.
    reads: HashMap<ReadId, (S::Request, oneshot::Sender<Reply<S>>)>,
    next_read: ReadId,
}

impl<S: StateMachine> Replica<S> {
    /// A follower among `node_ids` holding `machine`, its election timeouts drawn from
    /// `seed`.
    pub fn new(
        id: &str,
        node_ids: &[String],
        machine: S,
        config: RaftConfig,
        seed: u64,
        now: Instant,
    ) -> Replica<S> {
        Replica {
            raft: Raft::new(id, node_ids, config, seed, now),
            machine,
            proposals: HashMap::new(),
            reads: HashMap::new(),
            next_read: 0,
        }
    }

    /// Hands `request` to the core if this node leads.
    pub fn submit(&mut self, request: S::Request, now: Instant) -> Submitted<S> {
        let (done, answer) = oneshot::channel();
        let taken = if S::is_update(&request) {
            self.raft.propose(request, now).map(|entry| {
                self.proposals.insert(entry.index, (entry.term, done));
            })
        } else {
            let read = self.next_read;
            self.raft.read_index(read, now).map(|()| {
                self.next_read += 1;
                self.reads.insert(read, (request, done));
            })
        };
        match taken {
            Ok(()) => Submitted::Waiting(answer),
            Err(not_leader) => Submitted::NotLeader(not_leader.leader_hint),
        }
    }

    /// Takes in a peer's Raft message.
    pub fn step(&mut self, from: &str, message: RaftMessage<S::Request>, now: Instant) {
        self.raft.step(from, message, now);
    }

    /// Fires the core's timers.
    pub fn tick(&mut self, now: Instant) {
        self.raft.tick(now);
    }

    /// When [`Replica::tick`] is next due.
    pub fn next_due(&self) -> Instant {
        self.raft.next_due()
    }

    /// The leader this node knows of (itself when leading).
    pub fn leader(&self) -> Option<&str> {
        self.raft.leader()
    }

    /// Applies what committed, answers what is decided, and returns the messages to send.
    pub fn pump(&mut self) -> Vec<(String, RaftMessage<S::Request>)> {
        for entry in self.raft.take_committed() {
            let outcome = entry
                .command
                .as_ref()
                .map(|request| self.machine.apply(request));
            let Some((term, done)) = self.proposals.remove(&entry.index) else {
                continue;
            };
            let answer = match outcome {
                Some(result) if term == entry.term => result,
                _ => Err(Error::unavailable(format!(
                    "leadership changed: another entry of term {} took log index {}",
                    entry.term, entry.index
                ))),
            };
            // The requester may have given up waiting; nothing is lost then.
            let _ = done.send(answer);
        }
        // Every committed entry is applied above, and a read's index is at most the commit
        // index, so the state machine already reflects it.
        for (read, _index) in self.raft.take_ready_reads() {
            if let Some((request, done)) = self.reads.remove(&read) {
                let _ = done.send(self.machine.apply(&request));
            }
        }
        for read in self.raft.take_abandoned_reads() {
            if let Some((_, done)) = self.reads.remove(&read) {
                let _ = done.send(Err(Error::unavailable(
                    "leadership lost before the read was confirmed",
                )));
            }
        }
        self.raft.take_messages()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde::Deserialize;
    use std::time::Duration;

    /// The smallest state machine: one integer register.
    #[derive(Debug, Default)]
    struct Cell(i64);

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    enum Op {
        Read,
        Write(i64),
    }

    impl StateMachine for Cell {
        type Request = Op;
        type Reply = i64;

        fn is_update(request: &Op) -> bool {
            matches!(request, Op::Write(_))
        }

        fn apply(&mut self, request: &Op) -> Result<i64, Error> {
            if let Op::Write(value) = request {
                self.0 = *value;
            }
            Ok(self.0)
        }
    }

    /// Three replicas on a virtual clock, with the test as their network.
    struct Trio {
        replicas: Vec<Replica<Cell>>,
        ids: Vec<String>,
        now: Instant,
        /// Replicas whose messages, in and out, are dropped.
        isolated: Vec<usize>,
    }

    impl Trio {
        fn new() -> Trio {
            let ids: Vec<String> = (0..3).map(|i| format!("n{i}")).collect();
            let now = Instant::now();
            let replicas = ids
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    Replica::new(
                        id,
                        &ids,
                        Cell::default(),
                        RaftConfig::default(),
                        i as u64,
                        now,
                    )
                })
                .collect();
            Trio {
                replicas,
                ids,
                now,
                isolated: Vec::new(),
            }
        }

        /// Runs the cluster for `span` in 1 ms steps, delivering every message at once.
        fn run(&mut self, span: Duration) {
            let end = self.now + span;
            while self.now < end {
                self.now += Duration::from_millis(1);
                for i in 0..3 {
                    if self.replicas[i].next_due() <= self.now {
                        self.replicas[i].tick(self.now);
                    }
                }
                self.deliver();
            }
        }

        fn deliver(&mut self) {
            loop {
                let mut sent = Vec::new();
                for (i, replica) in self.replicas.iter_mut().enumerate() {
                    for (to, msg) in replica.pump() {
                        sent.push((i, to, msg));
                    }
                }
                if sent.is_empty() {
                    return;
                }
                for (from, to, msg) in sent {
                    let to = self.ids.iter().position(|id| *id == to).unwrap();
                    if !self.isolated.contains(&from) && !self.isolated.contains(&to) {
                        let from = self.ids[from].clone();
                        self.replicas[to].step(&from, msg, self.now);
                    }
                }
            }
        }

        fn leader(&self) -> usize {
            let leaders: Vec<usize> = (0..3)
                .filter(|&i| !self.isolated.contains(&i))
                .filter(|&i| self.replicas[i].leader() == Some(self.ids[i].as_str()))
                .collect();
            assert_eq!(
                leaders.len(),
                1,
                "expected one reachable leader, got {leaders:?}"
            );
            leaders[0]
        }

        fn submit(&mut self, at: usize, request: Op) -> Answer<Cell> {
            match self.replicas[at].submit(request, self.now) {
                Submitted::Waiting(answer) => answer,
                Submitted::NotLeader(hint) => panic!("n{at} does not lead (hint {hint:?})"),
            }
        }
    }

    fn write(value: i64) -> Op {
        Op::Write(value)
    }

    fn read() -> Op {
        Op::Read
    }

    #[test]
    fn writes_commit_and_reads_at_the_leader_see_them() {
        let mut trio = Trio::new();
        trio.run(Duration::from_secs(2));
        let leader = trio.leader();
        let mut written = trio.submit(leader, write(3));
        let mut seen = trio.submit(leader, read());
        trio.run(Duration::from_millis(200));
        assert_eq!(written.try_recv().unwrap(), Ok(3));
        assert_eq!(seen.try_recv().unwrap(), Ok(3));
        let follower = (leader + 1) % 3;
        assert!(matches!(
            trio.replicas[follower].submit(read(), trio.now),
            Submitted::NotLeader(Some(hint)) if hint == trio.ids[leader]
        ));
    }

    #[test]
    fn a_deposed_leaders_proposal_that_lost_its_slot_fails_definitely() {
        let mut trio = Trio::new();
        trio.run(Duration::from_secs(2));
        let old = trio.leader();
        trio.isolated = vec![old];
        let mut lost = trio.submit(old, write(1));
        trio.run(Duration::from_secs(2));
        let new = trio.leader();
        assert_ne!(new, old);
        let mut won = trio.submit(new, write(2));
        trio.run(Duration::from_millis(200));
        assert_eq!(won.try_recv().unwrap(), Ok(2));
        assert!(lost.try_recv().is_err(), "undecided while isolated");
        trio.isolated.clear();
        trio.run(Duration::from_secs(1));
        let answer = lost
            .try_recv()
            .expect("decided once the old leader caught up");
        assert_eq!(answer.unwrap_err().code, ErrorCode::TemporarilyUnavailable);
        let mut seen = trio.submit(new, read());
        trio.run(Duration::from_millis(200));
        assert_eq!(seen.try_recv().unwrap(), Ok(2));
    }
}
