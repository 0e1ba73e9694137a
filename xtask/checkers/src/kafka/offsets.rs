//! `inconsistent-offsets` (two different messages observed at one offset of a key) and
//! `duplicate` (one message observed at several offsets of a key).

use std::collections::BTreeMap;

use serde_json::json;

use super::context::{Case, Ctx};
use crate::txn::atom::Atom;

pub fn inconsistent_offsets<'a>(ctx: &'a Ctx<'a>) -> Vec<Case<'a>> {
    let mut cases = Vec::new();
    for key in ctx.keys.sorted() {
        for (index, (offset, msgs)) in ctx.order(key).log.iter().enumerate() {
            if msgs.len() >= 2 {
                cases.push(Case::new(msgs.len() as i64, move || {
                    json!({"key": ctx.key_json(key), "offset": offset, "index": index,
                           "values": msgs.iter().map(Atom::to_json).collect::<Vec<_>>()})
                }));
            }
        }
    }
    cases
}

pub fn duplicates<'a>(ctx: &'a Ctx<'a>) -> Vec<Case<'a>> {
    let mut cases = Vec::new();
    for key in ctx.keys.sorted() {
        let mut offsets: BTreeMap<&Atom, Vec<i64>> = BTreeMap::new();
        for (offset, msgs) in &ctx.order(key).log {
            for m in msgs {
                offsets.entry(m).or_default().push(*offset);
            }
        }
        for (msg, offsets) in offsets.into_iter().filter(|(_, o)| o.len() > 1) {
            cases.push(Case::new(offsets.len() as i64, move || {
                json!({"key": ctx.key_json(key), "value": msg.to_json(), "count": offsets.len(), "offsets": offsets})
            }));
        }
    }
    cases
}
