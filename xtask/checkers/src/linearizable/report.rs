//! A key's search outcome as Knossos reports it under `linearizable` (checkers.md §2.5):
//! `valid?` and `analyzer`, and for a key that is not linearizable the `ok` op that could
//! not be linearized (`op`), the `ok` op before it (`previous-ok`), up to ten `final-paths`
//! (each a list of `{op, model}` steps from a configuration the search reached to the
//! failing op, whose model is the inconsistency), plus `explanation`, the same in words.
//! An undecided key says why under `cause`. Ours, beside Knossos's keys: `effort`, the
//! search's steps, configurations and memo bytes, so a slow key can be told from a hard one.
//! Ops are shown as Jepsen shows them to Knossos: the record, with the value stripped of
//! its key.

use serde_json::{json, Map, Value};

use super::prepare::KeyHistory;
use super::register::{Action, Interner, State, NIL};
use super::search::{Effort, Failure, Verdict};
use crate::checked::json_validity;
use crate::history::Op;
use crate::validity::Validity;
use crate::value_order;

/// Final paths reported, as Knossos truncates them.
pub const FINAL_PATHS: usize = 10;
/// Open operations tried before the failing op on a final path.
const PATH_DEPTH: usize = 3;

/// The `linearizable` map of one key.
pub fn linearizable(
    history: &[Op],
    key: &KeyHistory,
    values: &Interner,
    verdict: &Verdict,
    effort: Effort,
) -> (Validity, Value) {
    let mut map = Map::new();
    map.insert("analyzer".to_owned(), json!("wgl"));
    map.insert(
        "effort".to_owned(),
        json!({"steps": effort.steps, "configs": effort.configs, "memo-bytes": effort.memo_bytes}),
    );
    let validity = match verdict {
        Verdict::Linearizable => Validity::Valid,
        Verdict::Unknown(cause) => {
            map.insert("cause".to_owned(), json!(cause));
            Validity::Unknown
        }
        Verdict::NotLinearizable(failure) => {
            let show = |i: usize| op_json(history, key, i);
            map.insert("op".to_owned(), show(failure.op));
            map.insert(
                "previous-ok".to_owned(),
                failure.previous_ok.map_or(Value::Null, show),
            );
            map.insert(
                "final-paths".to_owned(),
                Value::Array(final_paths(history, key, values, failure)),
            );
            map.insert(
                "explanation".to_owned(),
                json!(explanation(history, key, values, failure)),
            );
            Validity::Invalid
        }
    };
    map.insert("valid?".to_owned(), json_validity(validity));
    (validity, Value::Object(map))
}

/// An op of the key as Knossos shows it: its record with the key-less value.
fn op_json(history: &[Op], key: &KeyHistory, i: usize) -> Value {
    let op = &key.ops[i];
    let mut record =
        serde_json::to_value(&history[op.record]).expect("a history op always serialises");
    record["value"] = op.value.clone();
    record
}

/// Paths from the frontier configurations: up to [`PATH_DEPTH`] open operations that the
/// register allowed, in every order, then the failing op. Shortest first, duplicates once.
/// As in the search, an indeterminate op appears only where it changes the register and is
/// never followed by a write.
fn final_paths(history: &[Op], key: &KeyHistory, values: &Interner, f: &Failure) -> Vec<Value> {
    let mut found: Vec<Vec<(usize, State)>> = Vec::new();
    for depth in 0..=PATH_DEPTH {
        for frontier in &f.frontier {
            let mut path = Vec::new();
            extend(
                key,
                frontier.state,
                &frontier.open,
                depth,
                &mut path,
                &mut found,
            );
            if found.len() >= FINAL_PATHS {
                break;
            }
        }
        if found.len() >= FINAL_PATHS {
            break;
        }
    }
    found.truncate(FINAL_PATHS);
    let failing = &key.ops[f.op];
    found
        .into_iter()
        .map(|path| {
            let end = path.last().map_or(f.frontier[0].state, |s| s.1);
            let mut steps: Vec<Value> = path
                .iter()
                .map(|&(i, s)| json!({"op": op_json(history, key, i), "model": {"value": values.value(s)}}))
                .collect();
            steps.push(json!({
                "op": op_json(history, key, f.op),
                "model": {"msg": inconsistency(failing.action, end, values)},
            }));
            Value::Array(steps)
        })
        .collect()
}

/// Depth-first: every sequence of exactly `depth` distinct open ops the register allows.
fn extend(
    key: &KeyHistory,
    state: State,
    open: &[usize],
    depth: usize,
    path: &mut Vec<(usize, State)>,
    found: &mut Vec<Vec<(usize, State)>>,
) {
    if found.len() >= FINAL_PATHS {
        return;
    }
    if path.len() == depth {
        if !found.contains(path) {
            found.push(path.clone());
        }
        return;
    }
    let after_info = path.last().is_some_and(|&(p, _)| !key.ops[p].definite);
    for &i in open {
        let op = &key.ops[i];
        if path.iter().any(|&(p, _)| p == i)
            || (after_info && matches!(op.action, Action::Write(_)))
        {
            continue;
        }
        let step = op.action.step(state);
        if let Some(next) = step.filter(|&next| op.definite || next != state) {
            path.push((i, next));
            extend(key, next, open, depth, path, found);
            path.pop();
        }
    }
}

/// Knossos-style model message for an op the register refuses.
fn inconsistency(action: Action, state: State, values: &Interner) -> String {
    let v = |s: State| show(values.value(s));
    match action {
        Action::Read(r) => format!("can't read {} from register {}", v(r), v(state)),
        Action::Cas { from, to } => {
            format!("can't CAS {} from {} to {}", v(state), v(from), v(to))
        }
        Action::Write(w) => format!("can't write {}", v(w)),
    }
}

/// The failure in one sentence, e.g. "process 7's read (invoked at 1.200 s, ok at 1.204 s)
/// returned 3, but the register could only hold 1 or 4 then".
fn explanation(history: &[Op], key: &KeyHistory, values: &Interner, f: &Failure) -> String {
    let op = &key.ops[f.op];
    let invoked = &history[op.invoked];
    let when = format!(
        "invoked at {:.3} s, ok at {:.3} s",
        seconds(invoked.time),
        seconds(history[op.record].time)
    );
    let what = match op.action {
        Action::Read(r) => format!(
            "read of key {} ({when}) returned {}",
            show(&key.key),
            show(values.value(r))
        ),
        Action::Cas { from, to } => format!(
            "cas of key {} from {} to {} ({when}) succeeded",
            show(&key.key),
            show(values.value(from)),
            show(values.value(to))
        ),
        Action::Write(w) => format!(
            "write of {} to key {} ({when})",
            show(values.value(w)),
            show(&key.key)
        ),
    };
    let mut states: Vec<&Value> = f.states.iter().map(|&s| values.value(s)).collect();
    states.sort_by(|a, b| value_order::total_order(a, b));
    let held: Vec<String> = states
        .iter()
        .map(|v| {
            if v.is_null() {
                "nil (no value yet)".to_owned()
            } else {
                show(v)
            }
        })
        .collect();
    let could = match held.as_slice() {
        [] => "nothing".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    };
    let process = serde_json::to_value(invoked.process).expect("a process serialises");
    let only = if f.states.len() == 1 && f.states[0] == NIL {
        "the register could only be empty then".to_owned()
    } else {
        format!("the register could only hold {could} then")
    };
    format!("process {}'s {what}, but {only}", show(&process))
}

fn seconds(nanos: u64) -> f64 {
    nanos as f64 / 1e9
}

/// A value as text: strings bare, everything else as JSON.
fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
