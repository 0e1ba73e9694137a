//! Jepsen's `set-full` checker (jepsen 0.3.7, non-linearizable mode), which judges
//! broadcast (`add_f = "broadcast"`) and g-set (`add_f = "add"`): every element that was
//! certainly added must, from some point on, be in every read.
//!
//! For each element (created when its add is *invoked*; a re-add starts it afresh) we track
//! `known`, the first proof that it exists (the add's `ok`, or the first `ok` read that
//! saw it), and the *invocations* of the latest-invoked `ok` reads that did and did not
//! contain it (`last-present`, `last-absent`). Comparing history indices (missing = -1):
//! - stable: `last-present` exists and `last-absent` was invoked before it;
//! - lost: known, and `last-absent` was invoked after both `last-present` and `known`
//!   (so a read concurrent with the add that missed it is not a loss);
//! - never-read: neither.
//!
//! Stable latency is `last-absent.time + 1ns` (0 without one) minus the known time, floored
//! at 0 and truncated to whole milliseconds; stable elements with a positive latency are
//! *stale*. Lost latency likewise from `last-present`. The verdict is `false` with any lost
//! element, else `unknown` with no stable element, else `true`.
//!
//! Two deliberate additions, neither of which changes the verdict:
//! - Duplicates. Upstream means to report elements that occur more than once within one
//!   read, but its filter keeps frequencies below 1, which never happens, so Maelstrom
//!   always reports `duplicated-count 0` and cannot fail on them. We match the verdict but
//!   compute `duplicated-count` and `duplicated` (element → highest multiplicity in a read)
//!   as intended, with a `"duplicates: ..."` line in `"warnings"`.
//! - Unexpected values. Read values that no add ever carried are ignored by set-full; we
//!   list them as `unexpected-count` / `unexpected` with an `"unexpected: ..."` warning.
//!
//! Where upstream throws (a read that returned something other than a list, elements that
//! cannot be sorted), the verdict is `unknown` with an `"error"`, as Maelstrom's would be.
//! The `known` and `last-absent` ops in `worst-stale` keep their recorded `f` (upstream
//! shows broadcast's renamed to `add`).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::checked::Checked;
use crate::edn::map_key;
use crate::history::{Op, OpType};
use crate::pairing::Pairs;
use crate::quantiles;
use crate::validity::Validity;
use crate::value_order;

/// How many stale elements `worst-stale` details, as upstream.
pub const WORST_STALE: usize = 8;

const NANOS_PER_MS: i128 = 1_000_000;

/// What is known about one element; every field is a position in the history.
#[derive(Debug, Clone)]
struct Element {
    value: Value,
    known: Option<usize>,
    last_present: Option<usize>,
    last_absent: Option<usize>,
}

/// A value's identity: equal JSON values, equal keys. Integers are keys as numbers, so no
/// value is written out to be matched; anything else is keyed by its canonical JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Integer(i128),
    Text(String),
}

impl Key {
    fn of(value: &Value) -> Key {
        let integer = match value {
            Value::Number(n) => n.as_u64().map(i128::from).or(n.as_i64().map(i128::from)),
            _ => None,
        };
        integer.map_or_else(|| Key::Text(value.to_string()), Key::Integer)
    }
}

/// Where each element's record is in the list of elements, by value. A read is matched
/// value by value, thousands of values a read in broadcast, so the small non-negative
/// integers that broadcast and g-set add are found by indexing a vector, not by hashing.
#[derive(Default)]
struct Slots {
    /// By integer value below [`Slots::DENSE`]; `u32::MAX` where no element is.
    dense: Vec<u32>,
    keyed: HashMap<Key, usize>,
}

impl Slots {
    /// The bound on the integers kept in the vector (of 4 bytes each).
    const DENSE: u64 = 1 << 20;

    fn dense_index(value: &Value) -> Option<usize> {
        let n = value.as_u64().filter(|n| *n < Slots::DENSE)?;
        usize::try_from(n).ok()
    }

    fn get(&self, value: &Value) -> Option<usize> {
        match Slots::dense_index(value) {
            Some(i) => self
                .dense
                .get(i)
                .filter(|slot| **slot != u32::MAX)
                .map(|slot| *slot as usize),
            None => self.keyed.get(&Key::of(value)).copied(),
        }
    }

    fn insert(&mut self, value: &Value, slot: usize) {
        match Slots::dense_index(value) {
            Some(i) => {
                if self.dense.len() <= i {
                    self.dense.resize(i + 1, u32::MAX);
                }
                self.dense[i] = u32::try_from(slot).expect("fewer than 2^32 elements");
            }
            None => {
                self.keyed.insert(Key::of(value), slot);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Stable,
    Lost,
    NeverRead,
}

/// One element's classification and latencies (upstream's `set-full-element-results`).
#[derive(Debug, Clone)]
struct Judged {
    element: Element,
    outcome: Outcome,
    stable_latency: Option<u64>,
    lost_latency: Option<u64>,
}

/// Runs set-full over `history`, treating records with `f == add_f` as adds and `f ==
/// "read"` as reads. Keys (upstream's): `valid?`, `attempt-count`, `stable-count`,
/// `lost-count`, `lost`, `never-read-count`, `never-read`, `stale-count`, `stale`,
/// `worst-stale`, `stable-latencies` and `lost-latencies` (when non-empty),
/// `duplicated-count`, `duplicated`; ours: `unexpected-count`, `unexpected`, `warnings`.
pub fn check(history: &[Op], add_f: &str) -> Checked {
    match judge(history, add_f) {
        Ok(checked) => checked,
        Err(message) => Checked::error(message),
    }
}

fn judge(history: &[Op], add_f: &str) -> Result<Checked, String> {
    let pairs = Pairs::of(history).map_err(|e| e.to_string())?;
    let index = |pos: Option<usize>| pos.map_or(-1, |p| history[p].index as i64);
    let client = || history.iter().enumerate().filter(|(_, op)| op.is_client());

    let ever_added: HashSet<Key> = client()
        .filter(|(_, op)| op.f == add_f && op.kind == OpType::Invoke)
        .map(|(_, op)| Key::of(&op.value))
        .collect();
    let mut elements: Vec<Element> = Vec::new();
    let mut slots = Slots::default();
    // Per element slot, the number of the read that last saw it and how often it saw it:
    // a read is matched against every element, and this makes that a lookup in a vector.
    let mut seen_by: Vec<(usize, usize)> = Vec::new();
    let mut reads = 0;
    let mut duplicated: HashMap<Key, (Value, usize)> = HashMap::new();
    let mut unexpected: HashMap<Key, Value> = HashMap::new();

    for (pos, op) in client() {
        if op.f == add_f {
            match op.kind {
                OpType::Invoke => {
                    let fresh = Element {
                        value: op.value.clone(),
                        known: None,
                        last_present: None,
                        last_absent: None,
                    };
                    match slots.get(&op.value) {
                        Some(slot) => elements[slot] = fresh,
                        None => {
                            slots.insert(&op.value, elements.len());
                            elements.push(fresh);
                            seen_by.push((0, 0));
                        }
                    }
                }
                OpType::Ok => {
                    // The element is what the add was invoked with.
                    let invoked = &history[pairs.invocation(pos).unwrap_or(pos)].value;
                    if let Some(slot) = slots.get(invoked) {
                        elements[slot].known.get_or_insert(pos);
                    }
                }
                OpType::Fail | OpType::Info => {}
            }
        } else if op.f == "read" && op.kind == OpType::Ok {
            let inv = pairs
                .invocation(pos)
                .expect("Pairs::of pairs every ok completion");
            let read = match &op.value {
                Value::Array(values) => values.as_slice(),
                Value::Null => &[],
                other => return Err(format!("read op {} returned {other}, not a list", op.index)),
            };
            reads += 1;
            // Values that are no element (yet), counted apart.
            let mut others: HashMap<Key, (&Value, usize)> = HashMap::new();
            for value in read {
                let times = match slots.get(value) {
                    Some(slot) => {
                        let seen = &mut seen_by[slot];
                        if seen.0 != reads {
                            *seen = (reads, 0);
                        }
                        seen.1 += 1;
                        seen.1
                    }
                    None => {
                        let key = Key::of(value);
                        if !ever_added.contains(&key) {
                            unexpected
                                .entry(key.clone())
                                .or_insert_with(|| value.clone());
                        }
                        let other = others.entry(key).or_insert((value, 0));
                        other.1 += 1;
                        other.1
                    }
                };
                if times > 1 {
                    let entry = duplicated
                        .entry(Key::of(value))
                        .or_insert((value.clone(), times));
                    entry.1 = entry.1.max(times);
                }
            }
            for (element, seen) in elements.iter_mut().zip(&seen_by) {
                if seen.0 == reads {
                    element.known.get_or_insert(pos);
                    if index(element.last_present) < index(Some(inv)) {
                        element.last_present = Some(inv);
                    }
                } else if index(element.last_absent) < index(Some(inv)) {
                    element.last_absent = Some(inv);
                }
            }
        }
    }

    // Upstream sorts elements before judging them, and throws on incomparable ones.
    let order = value_order::sorted(elements.iter().map(|e| e.value.clone()).collect())
        .map_err(|e| format!("elements are not mutually comparable: {e}"))?;
    let judged: Vec<Judged> = order
        .iter()
        .map(|value| {
            let slot = slots.get(value).expect("every element has a slot");
            judge_element(history, &elements[slot])
        })
        .collect();
    Ok(summarise(history, judged, duplicated, unexpected))
}

fn judge_element(history: &[Op], element: &Element) -> Judged {
    let index = |pos: Option<usize>| pos.map_or(-1, |p| history[p].index as i64);
    let time = |pos: usize| i128::from(history[pos].time);
    let e = element;
    let stable = e.last_present.is_some() && index(e.last_absent) < index(e.last_present);
    let lost = e.known.is_some()
        && e.last_absent.is_some()
        && index(e.last_present) < index(e.last_absent)
        && index(e.known) < index(e.last_absent);
    // Both outcomes imply a known point: a present read sets it, and lost requires it.
    let latency = |since: Option<usize>| -> Option<u64> {
        let known = time(e.known?);
        let until = since.map_or(0, |p| time(p) + 1);
        Some(((until - known).max(0) / NANOS_PER_MS) as u64)
    };
    let (outcome, stable_latency, lost_latency) = if stable {
        (Outcome::Stable, latency(e.last_absent), None)
    } else if lost {
        (Outcome::Lost, None, latency(e.last_present))
    } else {
        (Outcome::NeverRead, None, None)
    };
    Judged {
        element: e.clone(),
        outcome,
        stable_latency,
        lost_latency,
    }
}

fn summarise(
    history: &[Op],
    judged: Vec<Judged>,
    duplicated: HashMap<Key, (Value, usize)>,
    unexpected: HashMap<Key, Value>,
) -> Checked {
    let of = |outcome: Outcome| judged.iter().filter(move |j| j.outcome == outcome);
    let values = |it: &mut dyn Iterator<Item = &Judged>| -> Value {
        Value::Array(it.map(|j| j.element.value.clone()).collect())
    };
    let stale: Vec<&Judged> = of(Outcome::Stable)
        .filter(|j| j.stable_latency.is_some_and(|ms| ms > 0))
        .collect();
    // Upstream: sort by latency (stable, so element order breaks ties), reverse, take 8.
    let mut worst: Vec<&Judged> = stale.clone();
    worst.sort_by_key(|j| j.stable_latency);
    worst.reverse();
    let op_json = |pos: Option<usize>| {
        pos.map_or(Value::Null, |p| serde_json::to_value(&history[p]).unwrap())
    };
    let worst_stale: Vec<Value> = worst
        .iter()
        .take(WORST_STALE)
        .map(|j| {
            serde_json::json!({
                "element": j.element.value,
                "outcome": "stable",
                "stable-latency": j.stable_latency,
                "lost-latency": j.lost_latency,
                "known": op_json(j.element.known),
                "last-absent": op_json(j.element.last_absent),
            })
        })
        .collect();

    let (lost_count, stable_count) = (of(Outcome::Lost).count(), of(Outcome::Stable).count());
    let validity = if lost_count > 0 {
        Validity::Invalid
    } else if stable_count == 0 {
        Validity::Unknown
    } else {
        Validity::Valid
    };

    let mut map = Map::new();
    map.insert("attempt-count".into(), judged.len().into());
    map.insert("stable-count".into(), stable_count.into());
    map.insert("lost-count".into(), lost_count.into());
    map.insert("lost".into(), values(&mut of(Outcome::Lost)));
    map.insert(
        "never-read-count".into(),
        of(Outcome::NeverRead).count().into(),
    );
    map.insert("never-read".into(), values(&mut of(Outcome::NeverRead)));
    map.insert("stale-count".into(), stale.len().into());
    map.insert("stale".into(), values(&mut stale.iter().copied()));
    map.insert("worst-stale".into(), Value::Array(worst_stale));
    let stable_latencies: Vec<u64> = judged.iter().filter_map(|j| j.stable_latency).collect();
    if let Some(dist) = quantiles::distribution(&stable_latencies) {
        map.insert("stable-latencies".into(), dist);
    }
    let lost_latencies: Vec<u64> = judged.iter().filter_map(|j| j.lost_latency).collect();
    if let Some(dist) = quantiles::distribution(&lost_latencies) {
        map.insert("lost-latencies".into(), dist);
    }

    let mut warnings = Vec::new();
    let mut dups: Vec<(Value, usize)> = duplicated.into_values().collect();
    dups.sort_by(|a, b| value_order::total_order(&a.0, &b.0));
    if let Some((example, times)) = dups.first() {
        warnings.push(format!(
            "duplicates: {} element(s) appeared more than once within a single read (e.g. {example} {times} times); \
             Maelstrom never reports duplicates, so they do not affect the verdict",
            dups.len()
        ));
    }
    map.insert("duplicated-count".into(), dups.len().into());
    let dup_map: Map<String, Value> = dups
        .iter()
        .map(|(v, n)| (map_key(v), Value::from(*n)))
        .collect();
    map.insert("duplicated".into(), Value::Object(dup_map));

    let mut unexpected: Vec<Value> = unexpected.into_values().collect();
    unexpected.sort_by(value_order::total_order);
    if !unexpected.is_empty() {
        warnings.push(format!(
            "unexpected: {} value(s) were read but never added (e.g. {}); set-full ignores them, as Maelstrom does",
            unexpected.len(),
            unexpected[0]
        ));
    }
    map.insert("unexpected-count".into(), unexpected.len().into());
    map.insert("unexpected".into(), Value::Array(unexpected));
    if !warnings.is_empty() {
        map.insert(
            "warnings".into(),
            Value::Array(warnings.into_iter().map(Value::from).collect()),
        );
    }
    Checked::new(validity, map)
}

#[cfg(test)]
mod tests;
