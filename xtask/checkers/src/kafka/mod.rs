//! Jepsen's Kafka checker as Maelstrom's kafka workload runs it (spec `checkers.md` §2.6,
//! `maelstrom.md` §2.6): `check(history) -> Checked`.
//!
//! History shapes (what the simulator must record; values are lists of micro-ops, one per
//! op in Maelstrom):
//! - `send`: invoke `[["send", k, msg]]`; ok `[["send", k, [offset, msg]]]`; fail/info
//!   `[["send", k, msg]]` (no offset known).
//! - `poll`: invoke `[["poll"]]`; ok `[["poll", {k: [[offset, msg], …], …}]]`; fail/info
//!   `[["poll"]]`.
//! - `assign` (and `subscribe`): value `[k, …]` on every record.
//! - `crash`, `debug-topic-partitions`: any value; ignored here.
//! - `txn`: a list mixing send and poll micro-ops (not used by Maelstrom, accepted).
//!
//! Keys are strings (numbers are read as their text). Messages are any JSON, integers in
//! practice, but not `[integer, x]` pairs, which a send reads as `[offset, msg]`. Offsets
//! are integers; they may be sparse and huge, and nothing is sized by them.
//!
//! Result keys: `valid?`, `bad-error-types`, `error-types`, `info-txn-causes`,
//! `worst-realtime-lag`, one `{count, errs}` entry per error type (`unseen` has its own
//! shape), and `error` when the analysis hit something upstream throws on (a message
//! polled that nobody sent, a malformed record): then `valid?` is `unknown`.
//!
//! Files: [`ops`] (parsing), [`index`] and [`version_order`] (derived structures),
//! [`context`] (what rules read), one file per rule family ([`offsets`], [`aborted`],
//! [`lost_write`], [`unseen`], [`process_order`], [`internal`], [`cycles`], [`lag`]), and
//! [`errors`] (sampling and the verdict).

pub mod aborted;
pub mod context;
pub mod cycles;
pub mod errors;
pub mod index;
pub mod internal;
pub mod lag;
pub mod lost_write;
pub mod offsets;
pub mod ops;
pub mod process_order;
pub mod unseen;
pub mod version_order;

#[cfg(test)]
mod synthetic;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use self::context::Ctx;
use self::errors::Errors;
use self::index::Index;
use self::ops::{read_ops, Keys};
use self::version_order::version_orders;
use crate::checked::Checked;
use crate::history::{Op, OpType};
use crate::pairing::Pairs;
use crate::validity::Validity;

/// Checks a Maelstrom kafka history.
pub fn check(history: &[Op]) -> Checked {
    run(history).unwrap_or_else(Checked::error)
}

fn run(history: &[Op]) -> Result<Checked, String> {
    let pairs = Pairs::of(history).map_err(|e| e.to_string())?;
    let mut keys = Keys::default();
    let ops = read_ops(history, &mut keys).map_err(|e| e.to_string())?;
    let index = Index::of(&ops);
    let orders = version_orders(&ops, &index, keys.len());
    let ctx = Ctx {
        history,
        ops: &ops,
        keys: &keys,
        index: &index,
        orders: &orders,
    };

    let mut errors = Errors::default();
    // Findings that upstream would throw on: the verdict becomes unknown.
    let mut unknown: Vec<String> = Vec::new();
    errors.add("inconsistent-offsets", offsets::inconsistent_offsets(&ctx));
    errors.add("duplicate", offsets::duplicates(&ctx));
    errors.add("G1a", aborted::aborted_reads(&ctx));
    errors.add("precommitted-read", aborted::precommitted_reads(&ctx));
    match lost_write::lost_writes(&ctx) {
        Ok(cases) => errors.add("lost-write", cases),
        Err(e) => unknown.push(e),
    }
    let across = process_order::process_order(&ctx);
    errors.add("poll-skip", across.poll_skips);
    errors.add("nonmonotonic-poll", across.nonmonotonic_polls);
    errors.add("nonmonotonic-send", across.nonmonotonic_sends);
    let within = internal::internal_order(&ctx);
    errors.add("int-poll-skip", within.poll_skips);
    errors.add("int-nonmonotonic-poll", within.nonmonotonic_polls);
    errors.add("int-send-skip", within.send_skips);
    errors.add("int-nonmonotonic-send", within.nonmonotonic_sends);
    if let Some(entry) = unseen::unseen(&ctx) {
        errors.insert("unseen", entry);
    }
    match cycles::cycle_errors(&ctx, &pairs) {
        Ok(found) => {
            for (kind, cases) in found {
                errors.add(&kind, cases);
            }
        }
        Err(e) => unknown.push(e),
    }

    let bad = errors
        .bad_types()
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let validity = if !unknown.is_empty() {
        Validity::Unknown
    } else {
        Validity::from_bool(bad.is_empty())
    };
    let mut map = Map::new();
    map.insert("bad-error-types".into(), Value::from(bad));
    map.insert(
        "error-types".into(),
        Value::from(
            errors
                .types()
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        ),
    );
    map.insert("info-txn-causes".into(), info_txn_causes(history));
    map.insert(
        "worst-realtime-lag".into(),
        lag::worst_realtime_lag(&ctx, &pairs),
    );
    if !unknown.is_empty() {
        map.insert("error".into(), Value::from(unknown.join("; ")));
    }
    for (kind, entry) in errors.into_entries() {
        map.insert(kind, entry);
    }
    Ok(Checked::new(validity, map))
}

/// The distinct `error`s of info send, poll and txn completions, sorted.
fn info_txn_causes(history: &[Op]) -> Value {
    let causes: BTreeMap<String, Value> = history
        .iter()
        .filter(|op| {
            op.is_client()
                && op.kind == OpType::Info
                && matches!(op.f.as_str(), "send" | "poll" | "txn")
        })
        .filter_map(|op| op.error.clone())
        .map(|e| (e.to_string(), e))
        .collect();
    Value::Array(causes.into_values().collect())
}
