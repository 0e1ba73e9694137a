//! Order across one process's successive ops (spec `checkers.md` §2.6 rules 5 and 6):
//! `poll-skip` and `nonmonotonic-poll` compare where a poll starts on a key with where the
//! process's previous committed poll of that key ended; `nonmonotonic-send` does the same
//! for sends. Positions are dense indices in the key's version order, so offsets nobody
//! observed are not skips.
//!
//! An ok or info `assign` keeps tracking only for the keys still assigned. A process that
//! crashed comes back under a new process id, so tracking restarts with it.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::context::{Case, Ctx};
use super::ops::{KOp, Key, Kind};
use crate::history::{OpType, Process};
use crate::txn::atom::Atom;

/// Which rule a finding breaks.
pub struct Found<'a> {
    pub poll_skips: Vec<Case<'a>>,
    pub nonmonotonic_polls: Vec<Case<'a>>,
    pub nonmonotonic_sends: Vec<Case<'a>>,
}

#[derive(Default)]
struct Tracking {
    last_read: HashMap<Key, usize>,
    last_send: HashMap<Key, usize>,
}

pub fn process_order<'a>(ctx: &'a Ctx<'a>) -> Found<'a> {
    let mut found = Found {
        poll_skips: Vec::new(),
        nonmonotonic_polls: Vec::new(),
        nonmonotonic_sends: Vec::new(),
    };
    let mut by_process: HashMap<Process, Tracking> = HashMap::new();
    for (i, op) in ctx.ops.iter().enumerate() {
        let t = by_process.entry(op.process).or_default();
        if op.f == Kind::Assign {
            if matches!(op.kind, OpType::Ok | OpType::Info) {
                t.last_read.retain(|k, _| op.assigned.contains(k));
                t.last_send.retain(|k, _| op.assigned.contains(k));
            }
            continue;
        }
        for (key, pairs) in &op.polls {
            let Some(&prev) = t.last_read.get(key) else {
                continue;
            };
            let (Some(v), Some(v2)) = (
                last_polled(&ctx.ops[prev], *key),
                pairs.first().map(|p| &p.1),
            ) else {
                continue;
            };
            let key = *key;
            let order = ctx.order(key);
            let delta = order.delta(v, v2);
            let ops = move || vec![ctx.op_json(prev), ctx.op_json(i)];
            if delta > 1 {
                let (from, to) = (
                    order.index_of(v).unwrap_or(0),
                    order.index_of(v2).unwrap_or(0),
                );
                found.poll_skips.push(Case::new(delta, move || {
                    let skipped: Vec<Value> = order.between(from, to).into_iter().map(Atom::to_json).collect();
                    json!({"key": ctx.key_json(key), "delta": delta, "skipped": skipped, "ops": ops()})
                }));
            } else if delta < 1 {
                found.nonmonotonic_polls.push(Case::new(delta, move || {
                    json!({"key": ctx.key_json(key), "values": [v.to_json(), v2.to_json()], "delta": delta, "ops": ops()})
                }));
            }
        }
        if op.kind == OpType::Ok {
            for (key, _) in &op.polls {
                t.last_read.insert(*key, i);
            }
        }
        if matches!(op.kind, OpType::Ok | OpType::Info) {
            for (key, msgs) in &op.sends {
                if let Some(&prev) = t.last_send.get(key) {
                    let v = ctx.ops[prev]
                        .sent_to(*key)
                        .and_then(|m| m.last())
                        .map(|m| &m.1);
                    if let (Some(v), Some((_, v2))) = (v, msgs.first()) {
                        let key = *key;
                        let delta = ctx.order(key).delta(v, v2);
                        if delta < 1 {
                            found.nonmonotonic_sends.push(Case::new(delta, move || {
                                json!({"key": ctx.key_json(key), "values": [v.to_json(), v2.to_json()], "delta": delta,
                                       "ops": [ctx.op_json(prev), ctx.op_json(i)]})
                            }));
                        }
                    }
                }
                t.last_send.insert(*key, i);
            }
        }
    }
    found
}

fn last_polled(op: &KOp, key: Key) -> Option<&Atom> {
    op.polled_from(key).and_then(|p| p.last()).map(|p| &p.1)
}
