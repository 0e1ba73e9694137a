//! The lin-kv generator: jepsen's `linearizable-register` test generator as Maelstrom runs it
//! (`independent/concurrent-generator` of `(gen/process-limit 20 (gen/reserve n r (gen/mix
//! [w cas cas])))` with groups of `2n` threads, n the node count), in jepsen 0.3.1 and 0.3.7
//! alike:
//!
//! - The worker threads, in order, form groups of `2n`; each group works one key at a time.
//!   Keys are handed out 0, 1, 2, …: group g starts on key g, and a group that is done with
//!   its key takes the lowest key not handed out yet.
//! - A group is done with its key when more than 20 distinct processes would have touched
//!   it (`process-limit`): the processes counted are every process its threads had whenever
//!   the group was given an operation. Each `info` completion renumbers a thread's process,
//!   so the operation after the group's (21 − 2n)-th `info` goes to a fresh key.
//! - Reads go to the reserved threads, writes and CASes (1 : 2) to the others. `gen/reserve`
//!   reserves thread *ids* 0..n, not the first n threads of each group, so only the first
//!   group has readers: every thread of the other groups writes and CASes. (Jepsen's own
//!   comment in `reserve` suspects this; spec §2.7 describes the intent, this is what runs.)
//! - Values are uniform in 0..4: a write's value, a CAS's `from` and `to`.
//! - When several groups, or a group's readers and writers, can take an operation, jepsen's
//!   `soonest-op-map` breaks the tie at random in proportion to thread counts: groups are
//!   equally likely, and in the first group readers and writers are too. The operation then
//!   goes to a random free thread of the chosen range.
//!
//! Operation values are `[key, value]` tuples: read `[k, null]`, write `[k, v]`, cas
//! `[k, [from, to]]`. Which thread and key an operation gets depends on which threads are
//! free, so only the seed and the order of completions together fix the operations.

use crate::op::OpSpec;
use crate::rng::SimRng;
use crate::workload::gen::{GenContext, Generator, Step};
use checkers::history::{Op, OpType, Process};
use rand::Rng;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Jepsen's `:process-limit` for one key.
pub const PROCESS_LIMIT: usize = 20;

/// Values are drawn from `0..VALUES` (`rand-int 5`).
pub const VALUES: u64 = 5;

/// One thread group and the key it works on.
#[derive(Debug, Clone)]
struct Group {
    /// The group's worker threads, ascending.
    threads: std::ops::Range<usize>,
    key: u64,
    /// Processes that have touched this key (jepsen's `ProcessLimit` `procs`).
    processes: BTreeSet<u64>,
}

/// The main-phase generator of lin-kv.
pub struct LinKvGenerator {
    rng: SimRng,
    /// Thread ids `0..readers` only read.
    readers: usize,
    groups: Vec<Group>,
    /// The lowest key no group has had yet.
    next_key: u64,
    /// The process each thread runs as, followed from `info` completions as the scheduler
    /// renumbers them (thread `p mod concurrency` becomes `p + concurrency`).
    process: Vec<u64>,
}

impl LinKvGenerator {
    /// A generator for `node_count` nodes and `concurrency` threads, which must be a
    /// positive multiple of `2 × node_count` (the options check says so to the user first).
    pub fn new(rng: SimRng, node_count: usize, concurrency: usize) -> LinKvGenerator {
        let size = 2 * node_count;
        assert!(
            size > 0 && concurrency > 0 && concurrency.is_multiple_of(size),
            "lin-kv needs a positive multiple of {size} threads, got {concurrency}: \
             Workload::check_options should have refused the options"
        );
        let groups = (0..concurrency / size)
            .map(|g| Group {
                threads: g * size..(g + 1) * size,
                key: g as u64,
                processes: BTreeSet::new(),
            })
            .collect::<Vec<_>>();
        LinKvGenerator {
            rng,
            readers: node_count,
            next_key: groups.len() as u64,
            groups,
            process: (0..concurrency as u64).collect(),
        }
    }

    /// The processes of a group's threads right now.
    fn current_processes(&self, group: usize) -> impl Iterator<Item = u64> + '_ {
        self.groups[group]
            .threads
            .clone()
            .map(|thread| self.process[thread])
    }

    /// Moves `group` to a fresh key if its key would now be touched by too many processes.
    fn retire_key_if_exhausted(&mut self, group: usize) {
        let touched = &self.groups[group].processes;
        let new = self
            .current_processes(group)
            .filter(|p| !touched.contains(p))
            .count();
        if touched.len() + new > PROCESS_LIMIT {
            let g = &mut self.groups[group];
            g.key = self.next_key;
            g.processes.clear();
            self.next_key += 1;
        }
    }

    /// A random element of `items` (which is not empty).
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.gen_range(0..items.len())]
    }

    fn value(&mut self) -> u64 {
        self.rng.gen_range(0..VALUES)
    }

    /// The write or CAS a writer thread runs on `key` (`gen/mix [w cas cas]`).
    fn write_or_cas(&mut self, key: u64) -> OpSpec {
        if self.rng.gen_range(0..3) == 0 {
            OpSpec::new("write", json!([key, self.value()]))
        } else {
            let (from, to) = (self.value(), self.value());
            OpSpec::new("cas", json!([key, [from, to]]))
        }
    }
}

impl Generator for LinKvGenerator {
    fn next(&mut self, ctx: &GenContext<'_>) -> Step {
        if ctx.free.is_empty() {
            return Step::Pending;
        }
        let free_groups: Vec<usize> = (0..self.groups.len())
            .filter(|&g| ctx.free.iter().any(|t| self.groups[g].threads.contains(t)))
            .collect();
        // Jepsen's `ConcurrentGenerator` asks every free group for an operation and keeps
        // the key changes of the groups it then does not pick, so each checks its limit.
        for &g in &free_groups {
            self.retire_key_if_exhausted(g);
        }
        let group = self.pick(&free_groups);
        let free: Vec<usize> = ctx
            .free
            .iter()
            .copied()
            .filter(|t| self.groups[group].threads.contains(t))
            .collect();
        let (readers, writers): (Vec<usize>, Vec<usize>) =
            free.iter().partition(|&&t| t < self.readers);
        let read = if readers.is_empty() {
            false
        } else if writers.is_empty() {
            true
        } else {
            // Readers and writers of the first group weigh n threads each.
            self.rng.gen_bool(0.5)
        };
        let thread = self.pick(if read { &readers } else { &writers });
        let current: Vec<u64> = self.current_processes(group).collect();
        let g = &mut self.groups[group];
        g.processes.extend(current);
        let key = g.key;
        let op = if read {
            OpSpec::new("read", json!([key, Value::Null]))
        } else {
            self.write_or_cas(key)
        };
        Step::Op {
            thread: Some(thread),
            op,
        }
    }

    fn update(&mut self, completion: &Op) {
        if let (OpType::Info, Process::Client(p)) = (completion.kind, completion.process) {
            let concurrency = self.process.len() as u64;
            self.process[(p % concurrency) as usize] = p + concurrency;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Stream};
    use crate::workload::gen::take;
    use std::collections::BTreeMap;
    use std::time::Duration;

    fn generator(seed: u64, nodes: usize, concurrency: usize) -> LinKvGenerator {
        LinKvGenerator::new(stream(seed, Stream::Generator), nodes, concurrency)
    }

    /// `(thread, op)` for `n` steps with every thread free.
    fn ops(g: &mut LinKvGenerator, concurrency: usize, n: usize) -> Vec<(usize, OpSpec)> {
        take(g, concurrency, n)
            .into_iter()
            .map(|s| match s {
                Step::Op {
                    thread: Some(t),
                    op,
                } => (t, op),
                other => panic!("expected an op for a thread, got {other:?}"),
            })
            .collect()
    }

    fn key(op: &OpSpec) -> u64 {
        op.value[0].as_u64().unwrap()
    }

    fn info(process: u64) -> Op {
        Op {
            index: 0,
            time: 0,
            process: Process::Client(process),
            kind: OpType::Info,
            f: "write".into(),
            value: json!([0, 1]),
            error: Some(json!("net-timeout")),
            is_final: false,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_operations() {
        assert_eq!(
            ops(&mut generator(3, 2, 8), 8, 1_000),
            ops(&mut generator(3, 2, 8), 8, 1_000)
        );
        assert_ne!(
            ops(&mut generator(3, 2, 8), 8, 1_000),
            ops(&mut generator(4, 2, 8), 8, 1_000)
        );
    }

    #[test]
    fn groups_of_two_n_threads_work_their_own_keys() {
        // 3 nodes, 12 threads: groups 0..6 on key 0 and 6..12 on key 1.
        let all = ops(&mut generator(5, 3, 12), 12, 6_000);
        for (thread, op) in &all {
            assert_eq!(key(op), (*thread / 6) as u64, "thread {thread}: {op:?}");
        }
        let per_group = |g: usize| all.iter().filter(|(t, _)| t / 6 == g).count();
        let (first, second) = (per_group(0), per_group(1));
        assert!(
            (2_700..3_300).contains(&first),
            "groups are equally likely: {first} / {second}"
        );
        let threads: BTreeSet<usize> = all.iter().map(|(t, _)| *t).collect();
        assert_eq!(threads.len(), 12, "every thread gets operations");
    }

    #[test]
    fn reads_go_to_thread_ids_below_n_and_the_rest_write_and_cas_one_to_two() {
        let all = ops(&mut generator(6, 3, 12), 12, 12_000);
        let mut by_f: BTreeMap<&str, usize> = BTreeMap::new();
        for (thread, op) in &all {
            *by_f.entry(op.f.as_str()).or_default() += 1;
            assert_eq!(op.f == "read", *thread < 3, "thread {thread}: {op:?}");
        }
        // Half of the first group's operations are reads: a quarter of all.
        let (reads, writes, cases) = (by_f["read"], by_f["write"], by_f["cas"]);
        assert!((2_700..3_300).contains(&reads), "{by_f:?}");
        let share = writes as f64 / (writes + cases) as f64;
        assert!((0.30..0.37).contains(&share), "{by_f:?}");
    }

    #[test]
    fn values_are_tuples_of_the_key_and_zero_to_four() {
        let all = ops(&mut generator(7, 1, 2), 2, 3_000);
        let mut seen = BTreeSet::new();
        for (_, op) in &all {
            let value = &op.value[1];
            match op.f.as_str() {
                "read" => assert!(value.is_null(), "{op:?}"),
                "write" => {
                    seen.insert(value.as_u64().unwrap());
                }
                "cas" => {
                    let pair = value.as_array().unwrap();
                    assert_eq!(pair.len(), 2, "{op:?}");
                    seen.extend(pair.iter().map(|v| v.as_u64().unwrap()));
                }
                other => panic!("unexpected f {other}"),
            }
        }
        assert_eq!(seen, (0..VALUES).collect(), "every value 0..4, nothing else");
    }

    #[test]
    fn a_group_takes_the_next_fresh_key_once_a_21st_process_would_touch_its_key() {
        // 2 nodes, 8 threads: groups {0..4} on key 0 and {4..8} on key 1; 4 processes each.
        let mut g = generator(8, 2, 8);
        let free: Vec<usize> = (0..8).collect();
        let ctx = GenContext {
            free: &free,
            concurrency: 8,
            elapsed: Duration::ZERO,
        };
        let next_for = |g: &mut LinKvGenerator, group: usize| loop {
            if let Step::Op {
                thread: Some(t),
                op,
            } = g.next(&ctx)
            {
                if t / 4 == group {
                    return key(&op);
                }
            }
        };
        assert_eq!(next_for(&mut g, 1), 1);
        // Thread 5's operations end `info` 16 times: processes 5, 13, …, 133 make 4 + 16 = 20
        // distinct processes on key 1, which is still within the limit.
        let mut process = 5;
        for _ in 0..16 {
            g.update(&info(process));
            process += 8;
            assert_eq!(next_for(&mut g, 1), 1);
        }
        // One more: a 21st process; the group moves to key 2, the first fresh one.
        g.update(&info(process));
        assert_eq!(next_for(&mut g, 1), 2);
        assert_eq!(next_for(&mut g, 0), 0, "the other group keeps its key");
        // Group 0 wears out its key the same way and takes key 3.
        let mut process = 2;
        for _ in 0..16 {
            g.update(&info(process));
            process += 8;
            assert_eq!(next_for(&mut g, 0), 0);
        }
        g.update(&info(process));
        assert_eq!(next_for(&mut g, 0), 3);
        assert_eq!(next_for(&mut g, 1), 2);
    }

    #[test]
    fn only_free_threads_get_operations_and_none_is_pending() {
        let mut g = generator(9, 2, 4);
        let ctx = |free: &'static [usize]| GenContext {
            free,
            concurrency: 4,
            elapsed: Duration::ZERO,
        };
        for _ in 0..200 {
            match g.next(&ctx(&[1, 3])) {
                Step::Op {
                    thread: Some(t),
                    op,
                } => {
                    assert!(t == 1 || t == 3);
                    assert_eq!(op.f == "read", t == 1);
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(g.next(&ctx(&[])), Step::Pending);
    }
}
