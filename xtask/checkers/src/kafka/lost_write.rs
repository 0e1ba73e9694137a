//! `lost-write` (spec `checkers.md` §2.6 rule 4): a message that must have committed, sits
//! in a key's log at or before the furthest position some committed poll reached, and yet
//! no committed poll ever returned it.
//!
//! "At or before" is measured by each message's *last* appearance against the *first*
//! appearance of the furthest message read, so a message seen at two offsets only counts
//! once the later one is covered.

use std::collections::HashMap;

use serde_json::json;

use super::context::{Case, Ctx};
use crate::txn::atom::Atom;

/// The lost writes, or the message that was observed but that nobody sent (upstream
/// throws `no-writer-of` there, so the verdict must be unknown).
pub fn lost_writes<'a>(ctx: &'a Ctx<'a>) -> Result<Vec<Case<'a>>, String> {
    let mut cases = Vec::new();
    for key in ctx.keys.sorted() {
        let Some(read) = ctx.index.ok_reads.get(&key) else {
            continue;
        };
        let order = ctx.order(key);
        let mut first: HashMap<&Atom, usize> = HashMap::new();
        let mut last: HashMap<&Atom, usize> = HashMap::new();
        for (i, (_, msgs)) in order.log.iter().enumerate() {
            for m in msgs {
                first.entry(m).or_insert(i);
                last.insert(m, i);
            }
        }
        // The furthest first appearance of any message a committed poll read, and that message.
        let Some((bound, furthest)) = read
            .iter()
            .filter_map(|m| first.get(m).map(|&i| (i, m)))
            .max()
        else {
            continue;
        };
        let mut missing: Vec<(usize, &Atom)> = last
            .iter()
            .filter(|(m, &i)| i <= bound && !read.contains(**m))
            .map(|(m, _)| (first[m], *m))
            .collect();
        missing.sort();
        for (index, msg) in missing {
            let Some(&writer) = ctx.index.writer_of.get(&(key, msg.clone())) else {
                return Err(format!(
                    "no-writer-of: key {} message {} was polled but never sent",
                    ctx.keys.name(key),
                    msg
                ));
            };
            if !ctx.index.committed[writer] {
                continue;
            }
            let max_read = ctx
                .index
                .readers_of
                .get(&(key, furthest.clone()))
                .and_then(|rs| {
                    rs.iter()
                        .copied()
                        .find(|&r| ctx.ops[r].kind == crate::history::OpType::Ok)
                });
            cases.push(Case::new(0, move || {
                json!({"key": ctx.key_json(key), "value": msg.to_json(), "index": index, "max-read-index": bound,
                       "writer": ctx.op_json(writer), "max-read": max_read.map(|r| ctx.op_json(r))})
            }));
        }
    }
    Ok(cases)
}
