//! Raft's safety properties, checked by the test cluster after every event (Raft §5.4,
//! figure 3), plus the guarantee reads rely on:
//! - election safety: at most one leader per term;
//! - log matching: two logs with an entry of the same index and term agree up to it;
//! - leader completeness: an entry committed in a term is in the log of every leader of
//!   a later term;
//! - state machine safety: every node commits the same entry at an index, each entry
//!   exactly once and in index order;
//! - read safety: a read is answered at a commit index no lower than any entry seen
//!   committed anywhere before the read was registered.
//!
//! Every check panics with the property's name, so a failing proptest case says which.

use std::collections::btree_map::Entry as MapEntry;
use std::collections::BTreeMap;

use super::core::{Raft, ReadId, Role};

#[derive(Debug, Default)]
pub(super) struct Checker {
    leader_of_term: BTreeMap<u64, usize>,
    /// Index to the (term, command) every node must commit there.
    committed: BTreeMap<u64, (u64, Option<u64>)>,
    /// Index to the entry's term and the lowest term of a leader that counted it
    /// committed.
    committed_in: BTreeMap<u64, (u64, u64)>,
    delivered: Vec<u64>,
    commit_seen: Vec<u64>,
    highest_committed: u64,
    read_floors: BTreeMap<ReadId, u64>,
    pub(super) reads_ready: Vec<(ReadId, u64)>,
    pub(super) reads_abandoned: Vec<ReadId>,
    events: u64,
}

impl Checker {
    pub(super) fn new(size: usize) -> Checker {
        Checker {
            delivered: vec![0; size],
            commit_seen: vec![0; size],
            ..Checker::default()
        }
    }

    /// Entries committed so far, by index.
    pub(super) fn committed(&self) -> &BTreeMap<u64, (u64, Option<u64>)> {
        &self.committed
    }

    /// Notes a read about to be registered, with the highest index committed so far.
    /// Read ids must be unique within a run.
    pub(super) fn read_registered(&mut self, read: ReadId) {
        let earlier = self.read_floors.insert(read, self.highest_committed);
        assert!(earlier.is_none(), "the test reused read id {read}");
    }

    pub(super) fn read_refused(&mut self, read: ReadId) {
        self.read_floors.remove(&read);
    }

    /// Looks at node `n` after it handled an event, and takes its committed entries and
    /// reads.
    pub(super) fn observe(&mut self, nodes: &mut [Raft<u64>], n: usize) {
        let node = &mut nodes[n];
        if node.role() == Role::Leader {
            let term = node.term();
            match self.leader_of_term.entry(term) {
                MapEntry::Vacant(slot) => {
                    slot.insert(n);
                    self.check_leader_completeness(node);
                }
                MapEntry::Occupied(slot) => assert_eq!(
                    *slot.get(),
                    n,
                    "election safety: n{} and n{n} both led term {term}",
                    slot.get()
                ),
            }
            for index in self.commit_seen[n] + 1..=node.commit_index() {
                let entry_term = node.log().term_at(index).expect("committed within the log");
                let slot = self.committed_in.entry(index).or_insert((entry_term, term));
                slot.1 = slot.1.min(term);
            }
        }
        self.commit_seen[n] = node.commit_index();
        for committed in node.take_committed() {
            assert_eq!(
                committed.index,
                self.delivered[n] + 1,
                "state machine safety: n{n} skipped or repeated an index"
            );
            self.delivered[n] = committed.index;
            let entry = (committed.term, committed.command);
            let expected = self.committed.entry(committed.index).or_insert(entry);
            assert_eq!(
                *expected, entry,
                "state machine safety: n{n} committed another entry at {}",
                committed.index
            );
            self.highest_committed = self.highest_committed.max(committed.index);
        }
        for (read, index) in node.take_ready_reads() {
            let floor = self
                .read_floors
                .remove(&read)
                .expect("a ready read was registered");
            assert!(
                index >= floor,
                "read safety: read {read} at n{n} answered at {index}, below committed {floor}"
            );
            assert!(
                index <= node.commit_index(),
                "read safety: read beyond the commit index"
            );
            self.reads_ready.push((read, index));
        }
        for read in node.take_abandoned_reads() {
            self.read_floors.remove(&read);
            self.reads_abandoned.push(read);
        }
        self.events += 1;
        // The cross-node checks cost a pass over every log, so they run now and then.
        if self.events.is_multiple_of(64) {
            self.check_all(nodes);
        }
    }

    /// The checks that compare whole logs: log matching, and leader completeness of every
    /// current leader.
    pub(super) fn check_all(&self, nodes: &[Raft<u64>]) {
        for a in 0..nodes.len() {
            for b in a + 1..nodes.len() {
                check_log_matching(&nodes[a], &nodes[b]);
            }
            if nodes[a].role() == Role::Leader {
                self.check_leader_completeness(&nodes[a]);
            }
        }
    }

    fn check_leader_completeness(&self, leader: &Raft<u64>) {
        for (index, (entry_term, commit_term)) in &self.committed_in {
            if *commit_term < leader.term() {
                assert_eq!(
                    leader.log().term_at(*index),
                    Some(*entry_term),
                    "leader completeness: {} leads term {} without entry {index} committed in term {commit_term}",
                    leader.id(),
                    leader.term()
                );
            }
        }
    }
}

fn check_log_matching(a: &Raft<u64>, b: &Raft<u64>) {
    let top = a.log().last_index().min(b.log().last_index());
    let Some(agreed) = (1..=top)
        .rev()
        .find(|index| a.log().term_at(*index) == b.log().term_at(*index))
    else {
        return;
    };
    for index in 1..=agreed {
        assert_eq!(
            a.log().get(index),
            b.log().get(index),
            "log matching: {} and {} agree at {agreed} but differ at {index}",
            a.id(),
            b.id()
        );
    }
}
