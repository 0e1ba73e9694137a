//! `G1a` (a committed poll saw a message whose send failed) and `precommitted-read` (an op
//! polled a message it sent itself, which only a transactional op could do).

use serde_json::json;

use super::context::{Case, Ctx};
use crate::history::OpType;

pub fn aborted_reads<'a>(ctx: &'a Ctx<'a>) -> Vec<Case<'a>> {
    let mut cases = Vec::new();
    for (i, op) in ctx
        .ops
        .iter()
        .enumerate()
        .filter(|(_, op)| op.kind == OpType::Ok)
    {
        for (key, pairs) in &op.polls {
            for (_, msg) in pairs {
                if ctx.index.failed_writes.contains(&(*key, msg.clone())) {
                    let writer = ctx.index.writer_of[&(*key, msg.clone())];
                    cases.push(Case::new(0, move || {
                        json!({"key": ctx.key_json(*key), "value": msg.to_json(), "writer": ctx.op_json(writer), "reader": ctx.op_json(i)})
                    }));
                }
            }
        }
    }
    cases
}

pub fn precommitted_reads<'a>(ctx: &'a Ctx<'a>) -> Vec<Case<'a>> {
    let mut cases = Vec::new();
    for (i, op) in ctx.ops.iter().enumerate() {
        for (key, pairs) in &op.polls {
            let Some(sent) = op.sent_to(*key) else {
                continue;
            };
            for (_, msg) in pairs
                .iter()
                .filter(|(_, m)| sent.iter().any(|(_, s)| s == m))
            {
                cases.push(Case::new(0, move || json!({"key": ctx.key_json(*key), "value": msg.to_json(), "op": ctx.op_json(i)})));
            }
        }
    }
    cases
}
