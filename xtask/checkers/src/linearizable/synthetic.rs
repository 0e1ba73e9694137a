//! Generated lin-kv histories for the linearizability bench and the checker's tests.
//! Deterministic: a seed fixes everything.
//!
//! - [`lin_kv_history`]: what a healthy Maelstrom lin-kv run records, linearizable by
//!   construction. Worker threads form groups of `2 × nodes`; in each group the first
//!   `nodes` threads only read and the others mix writes and CASes 1:2, values 0..4, as
//!   Maelstrom's generator does. A group works one key until 20 distinct processes have
//!   touched it, then moves to the next unused key (a process is renumbered after an `info`).
//!   Each operation takes effect on one real register per key at a random instant inside its
//!   interval; reads of a missing key and CASes that do not match fail; about 1% of writes
//!   and CASes time out after 1 s (`info`) and take effect, or not, at a random instant
//!   within 1.5 s of their invocation; about 1% of reads time out and fail.
//! - [`hard_history`]: one key with many concurrent indeterminate writes and CASes that never
//!   complete, then a long run of sequential writes and reads whose last read returns a value
//!   nobody wrote. It is not linearizable, but the search can only tell after ruling out
//!   every subset of the indeterminate operations at every point: a history to exhaust a
//!   budget on.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use serde_json::{json, Value};

use crate::history::History;
use crate::testing::{HistoryBuilder, Rng};

const MS: u64 = 1_000_000;
/// Maelstrom's lin-kv RPC timeout at `--latency 0`.
const TIMEOUT: u64 = 1_000 * MS;
/// Distinct processes a key serves before its group moves on (`gen/process-limit 20`).
const PROCESS_LIMIT: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Invoke { thread: usize },
    Apply { op: usize },
    Complete { op: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Read,
    Write(u64),
    Cas(u64, u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    Fail,
    Info,
}

struct Planned {
    thread: usize,
    process: u64,
    key: u64,
    kind: Kind,
    outcome: Outcome,
    /// What a read saw.
    read: Option<u64>,
}

struct Group {
    key: u64,
    touched: HashSet<u64>,
}

/// `seconds × rate` operations by `concurrency` workers against a `nodes`-node cluster;
/// `concurrency` must be a multiple of `2 × nodes`, as Maelstrom requires.
pub fn lin_kv_history(seconds: u64, rate: u64, nodes: u64, concurrency: u64, seed: u64) -> History {
    let group_size = 2 * nodes as usize;
    assert!(
        (concurrency as usize).is_multiple_of(group_size),
        "lin-kv's concurrency must be a multiple of 2 × node count"
    );
    let mut rng = Rng::new(seed);
    let total = seconds * rate;
    // Each worker leaves `concurrency / rate` seconds between its ops on average.
    let mean_gap = concurrency * 1_000_000_000 / rate;
    let mut processes: Vec<u64> = (0..concurrency).collect();
    let mut groups: Vec<Group> = (0..concurrency as usize / group_size)
        .map(|g| Group {
            key: g as u64,
            touched: HashSet::new(),
        })
        .collect();
    let mut next_key = groups.len() as u64;
    let mut registers: HashMap<u64, u64> = HashMap::new();
    let mut ops: Vec<Planned> = Vec::new();
    let mut queue = BinaryHeap::new();
    let mut seq = 0u64;
    let mut schedule = |queue: &mut BinaryHeap<_>, time: u64, event: Event| {
        queue.push(Reverse((time, seq, event)));
        seq += 1;
    };
    for thread in 0..concurrency as usize {
        let start = rng.below(mean_gap);
        schedule(&mut queue, start, Event::Invoke { thread });
    }
    let mut invoked = 0;
    let mut b = HistoryBuilder::new();
    while let Some(Reverse((time, _, event))) = queue.pop() {
        match event {
            Event::Invoke { thread } => {
                if invoked == total {
                    continue;
                }
                invoked += 1;
                let process = processes[thread];
                let group = &mut groups[thread / group_size];
                if !group.touched.contains(&process) && group.touched.len() == PROCESS_LIMIT {
                    group.key = next_key;
                    next_key += 1;
                    group.touched.clear();
                }
                group.touched.insert(process);
                let key = group.key;
                let reader = thread % group_size < nodes as usize;
                let kind = if reader {
                    Kind::Read
                } else if rng.below(3) == 0 {
                    Kind::Write(rng.below(5))
                } else {
                    Kind::Cas(rng.below(5), rng.below(5))
                };
                let timed_out = rng.below(100) == 0;
                let latency = MS + rng.below(4 * MS);
                let (apply_at, complete_at) = if timed_out {
                    (time + rng.below(TIMEOUT * 3 / 2), time + TIMEOUT)
                } else {
                    (time + rng.below(latency + 1), time + latency)
                };
                let outcome = match (timed_out, kind) {
                    (true, Kind::Read) => Outcome::Fail,
                    (true, _) => Outcome::Info,
                    (false, _) => Outcome::Ok,
                };
                let op = ops.len();
                ops.push(Planned {
                    thread,
                    process,
                    key,
                    kind,
                    outcome,
                    read: None,
                });
                b = b.at_ns(time).invoke(process, f(kind), argument(key, kind));
                // A timed-out read and half the timed-out updates never take effect.
                let takes_effect = !timed_out || (kind != Kind::Read && rng.below(2) == 0);
                if takes_effect {
                    schedule(&mut queue, apply_at, Event::Apply { op });
                }
                schedule(&mut queue, complete_at, Event::Complete { op });
            }
            Event::Apply { op } => {
                let planned = &mut ops[op];
                let register = registers.get(&planned.key).copied();
                let succeeded = match planned.kind {
                    Kind::Read => {
                        planned.read = register;
                        register.is_some()
                    }
                    Kind::Write(v) => {
                        registers.insert(planned.key, v);
                        true
                    }
                    Kind::Cas(from, to) => {
                        let matches = register == Some(from);
                        if matches {
                            registers.insert(planned.key, to);
                        }
                        matches
                    }
                };
                // Error 20 (no such key) and 22 (CAS mismatch) are definite failures.
                if !succeeded && planned.outcome == Outcome::Ok {
                    planned.outcome = Outcome::Fail;
                }
            }
            Event::Complete { op } => {
                let planned = &ops[op];
                let (key, kind, process) = (planned.key, planned.kind, planned.process);
                b = b.at_ns(time);
                b = match planned.outcome {
                    Outcome::Ok => {
                        let value = match kind {
                            Kind::Read => json!([key, planned.read]),
                            _ => argument(key, kind),
                        };
                        b.ok(process, f(kind), value)
                    }
                    Outcome::Fail => b.fail(process, f(kind), argument(key, kind)),
                    Outcome::Info => {
                        processes[planned.thread] += concurrency;
                        b.info(process, f(kind), argument(key, kind))
                            .error(json!(["net-timeout"]))
                    }
                };
                let gap = rng.below(2 * mean_gap);
                schedule(
                    &mut queue,
                    time + gap,
                    Event::Invoke {
                        thread: planned.thread,
                    },
                );
            }
        }
    }
    b.build()
}

/// `infos` indeterminate writes and CASes (two writes to one CAS) invoked at once and never
/// completed, then `sequential` ok writes and reads by one process, alternating, of which the
/// last read returns 5, a value nobody wrote.
pub fn hard_history(infos: u64, sequential: u64, seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let mut b = HistoryBuilder::new();
    for p in 0..infos {
        let kind = if p % 3 == 2 {
            Kind::Cas(rng.below(5), rng.below(5))
        } else {
            Kind::Write(rng.below(5))
        };
        b = b.invoke(1 + p, f(kind), argument(0, kind));
    }
    let mut register = 0;
    for i in 0..sequential {
        let kind = if i % 2 == 0 && i + 1 < sequential {
            register = rng.below(5);
            Kind::Write(register)
        } else {
            Kind::Read
        };
        let read = if i + 1 == sequential { 5 } else { register };
        let value = match kind {
            Kind::Read => json!([0, read]),
            _ => argument(0, kind),
        };
        b = b
            .invoke(0, f(kind), argument(0, kind))
            .ok(0, f(kind), value);
    }
    b.build()
}

fn f(kind: Kind) -> &'static str {
    match kind {
        Kind::Read => "read",
        Kind::Write(_) => "write",
        Kind::Cas(..) => "cas",
    }
}

/// The invocation's `[key, value]`.
fn argument(key: u64, kind: Kind) -> Value {
    match kind {
        Kind::Read => json!([key, null]),
        Kind::Write(v) => json!([key, v]),
        Kind::Cas(from, to) => json!([key, [from, to]]),
    }
}
