//! Order inside one op (spec `checkers.md` §2.6 rules 7 and 8): consecutive messages one
//! op polled from a key must be consecutive in the key's version order
//! (`int-poll-skip`, `int-nonmonotonic-poll`), and consecutive sends of one op to a key
//! must land in increasing positions (`int-nonmonotonic-send`; gaps, `int-send-skip`, are
//! allowed). Maelstrom's ops hold one micro-op, so only polls can break these.

use serde_json::{json, Value};

use super::context::{Case, Ctx};
use crate::history::OpType;
use crate::txn::atom::Atom;

/// Cases by rule: poll skips, nonmonotonic polls, send skips, nonmonotonic sends.
pub struct Found<'a> {
    pub poll_skips: Vec<Case<'a>>,
    pub nonmonotonic_polls: Vec<Case<'a>>,
    pub send_skips: Vec<Case<'a>>,
    pub nonmonotonic_sends: Vec<Case<'a>>,
}

pub fn internal_order<'a>(ctx: &'a Ctx<'a>) -> Found<'a> {
    let mut found = Found {
        poll_skips: Vec::new(),
        nonmonotonic_polls: Vec::new(),
        send_skips: Vec::new(),
        nonmonotonic_sends: Vec::new(),
    };
    for (i, op) in ctx.ops.iter().enumerate() {
        for (key, pairs) in &op.polls {
            let msgs: Vec<&Atom> = pairs.iter().map(|p| &p.1).collect();
            pairs_of(
                ctx,
                i,
                *key,
                msgs,
                &mut found.poll_skips,
                &mut found.nonmonotonic_polls,
            );
        }
        if matches!(op.kind, OpType::Ok | OpType::Info) {
            for (key, sends) in &op.sends {
                let msgs: Vec<&Atom> = sends.iter().map(|s| &s.1).collect();
                pairs_of(
                    ctx,
                    i,
                    *key,
                    msgs,
                    &mut found.send_skips,
                    &mut found.nonmonotonic_sends,
                );
            }
        }
    }
    found
}

fn pairs_of<'a>(
    ctx: &'a Ctx<'a>,
    i: usize,
    key: u32,
    msgs: Vec<&'a Atom>,
    skips: &mut Vec<Case<'a>>,
    backwards: &mut Vec<Case<'a>>,
) {
    let order = ctx.order(key);
    for w in msgs.windows(2) {
        let (v, v2) = (w[0], w[1]);
        let delta = order.delta(v, v2);
        if delta > 1 {
            let (from, to) = (
                order.index_of(v).unwrap_or(0),
                order.index_of(v2).unwrap_or(0),
            );
            skips.push(Case::new(delta, move || {
                let skipped: Vec<Value> = order.between(from, to).into_iter().map(Atom::to_json).collect();
                json!({"key": ctx.key_json(key), "values": [v.to_json(), v2.to_json()], "delta": delta, "skipped": skipped, "op": ctx.op_json(i)})
            }));
        } else if delta < 1 {
            backwards.push(Case::new(delta, move || {
                json!({"key": ctx.key_json(key), "values": [v.to_json(), v2.to_json()], "delta": delta, "op": ctx.op_json(i)})
            }));
        }
    }
}
