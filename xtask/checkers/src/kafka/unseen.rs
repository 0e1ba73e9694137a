//! `unseen` (spec `checkers.md` §2.6 rule 10): acknowledged sends that no committed poll
//! ever returned, by the end of the history.
//!
//! We implement the intended rule: per key, messages sent by ok ops minus messages read by
//! ok polls. Upstream's running merge can also list keys that were polled but never sent by
//! an ok op when the last op polls them; we do not reproduce that quirk (§7.4).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::context::Ctx;
use super::ops::Kind;
use crate::history::OpType;
use crate::txn::atom::Atom;

/// How many unseen messages per key the report lists (Maelstrom's condenser keeps 32).
pub const MESSAGES_PER_KEY: usize = 32;

/// The `unseen` error map, if any acknowledged message went unseen.
pub fn unseen(ctx: &Ctx) -> Option<Value> {
    let mut missing: BTreeMap<&str, BTreeSet<&Atom>> = BTreeMap::new();
    let mut time = None;
    for op in ctx
        .ops
        .iter()
        .filter(|op| op.kind == OpType::Ok && op.f != Kind::Assign)
    {
        time = Some(ctx.history[op.pos].time);
        for (key, msgs) in &op.sends {
            for (_, msg) in msgs {
                if !ctx.index.ok_read(*key, msg) {
                    missing.entry(ctx.keys.name(*key)).or_default().insert(msg);
                }
            }
        }
    }
    if missing.is_empty() {
        return None;
    }
    let counts: Map<String, Value> = missing
        .iter()
        .map(|(k, m)| (k.to_string(), Value::from(m.len())))
        .collect();
    let messages: Map<String, Value> = missing
        .iter()
        .map(|(k, m)| {
            (
                k.to_string(),
                m.iter()
                    .take(MESSAGES_PER_KEY)
                    .map(|a| a.to_json())
                    .collect::<Vec<_>>()
                    .into(),
            )
        })
        .collect();
    Some(json!({"time": time, "unseen": counts, "messages": messages}))
}
