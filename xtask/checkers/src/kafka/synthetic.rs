//! A test-only generator of long, valid Kafka histories shaped like Maelstrom's: sends and
//! polls over a pool of 10 active keys (each retired after 16 messages, so long runs touch
//! hundreds of keys), sparse and huge offsets, occasional reassignments, crashes (which
//! renumber the process) and indeterminate sends, then a final phase in which every worker
//! crashes, assigns every key and polls everything. Ops run in batches of `concurrency`
//! overlapping ops, each taking effect at its completion.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::history::History;
use crate::testing::HistoryBuilder;
use crate::txn::synthetic::Rng;

struct Worker {
    process: u64,
    /// Assigned keys → next position to read in that key's log.
    positions: Vec<(u64, usize)>,
}

/// What one op of a batch does when it completes.
enum Planned {
    Send {
        key: u64,
        msg: u64,
        lands: bool,
        ok: bool,
    },
    Poll,
    Assign(Vec<u64>),
    Crash,
}

/// `seconds` × `rate` ops by `concurrency` workers, then the final phase.
pub fn kafka_history(seconds: u64, rate: u64, concurrency: u64, seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let mut logs: HashMap<u64, Vec<(i64, u64)>> = HashMap::new();
    let mut sent: HashMap<u64, u64> = HashMap::new();
    let mut pool: Vec<u64> = (0..10).collect();
    let mut next_key = 10;
    let mut workers: Vec<Worker> = (0..concurrency)
        .map(|p| Worker {
            process: p,
            positions: Vec::new(),
        })
        .collect();
    let mut b = HistoryBuilder::new();
    let total = seconds * rate;
    let mut done = 0;
    while done < total {
        let mut batch = Vec::new();
        for w in workers.iter_mut() {
            let roll = rng.below(200);
            let plan = if roll == 0 {
                Planned::Crash
            } else if roll < 10 {
                let mut keys: Vec<u64> = (0..1 + rng.below(3))
                    .map(|_| pool[rng.below(10) as usize])
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                Planned::Assign(keys)
            } else if roll < 105 {
                let key = pool[rng.below(10) as usize];
                let n = sent.entry(key).or_insert(0);
                *n += 1;
                let msg = *n;
                if msg == 16 {
                    let slot = pool
                        .iter()
                        .position(|&k| k == key)
                        .expect("a sent-to key is active");
                    pool[slot] = next_key;
                    next_key += 1;
                }
                Planned::Send {
                    key,
                    msg,
                    lands: rng.below(2) == 0,
                    ok: rng.below(100) != 0,
                }
            } else {
                Planned::Poll
            };
            b = match &plan {
                Planned::Send { key, msg, .. } => {
                    b.invoke(w.process, "send", json!([["send", key.to_string(), msg]]))
                }
                Planned::Poll => b.invoke(w.process, "poll", json!([["poll"]])),
                Planned::Assign(keys) => b.invoke(
                    w.process,
                    "assign",
                    json!(keys.iter().map(u64::to_string).collect::<Vec<_>>()),
                ),
                Planned::Crash => b.invoke(w.process, "crash", Value::Null),
            };
            batch.push(plan);
        }
        b = b.at_ms(done * 1000 / rate);
        for (w, plan) in workers.iter_mut().zip(batch) {
            b = complete(b, w, plan, &mut logs, &mut rng, concurrency);
        }
        done += concurrency;
    }
    // Final phase: crash, assign everything from the beginning, poll everything.
    let mut all: Vec<u64> = logs.keys().copied().collect();
    all.sort_unstable();
    for w in workers.iter_mut() {
        b = b.invoke(w.process, "crash", Value::Null);
        b = complete(b, w, Planned::Crash, &mut logs, &mut rng, concurrency);
        let keys: Value = json!(all.iter().map(u64::to_string).collect::<Vec<_>>());
        b = b.invoke(w.process, "assign", keys);
        b = complete(
            b,
            w,
            Planned::Assign(all.clone()),
            &mut logs,
            &mut rng,
            concurrency,
        );
        b = b.invoke(w.process, "poll", json!([["poll"]]));
        b = complete_poll(b, w, &logs, usize::MAX);
    }
    b.build()
}

fn complete(
    b: HistoryBuilder,
    w: &mut Worker,
    plan: Planned,
    logs: &mut HashMap<u64, Vec<(i64, u64)>>,
    rng: &mut Rng,
    concurrency: u64,
) -> HistoryBuilder {
    match plan {
        Planned::Send {
            key,
            msg,
            lands,
            ok,
        } => {
            let log = logs.entry(key).or_default();
            // Sparse, huge offsets: each key starts far out, with gaps of up to a million.
            let mut append = |log: &mut Vec<(i64, u64)>| {
                let offset = log.last().map_or(key as i64 * 1_000_000_000_000, |l| {
                    l.0 + 1 + rng.below(1_000_000) as i64
                });
                log.push((offset, msg));
                offset
            };
            if ok {
                let offset = append(log);
                b.ok(
                    w.process,
                    "send",
                    json!([["send", key.to_string(), [offset, msg]]]),
                )
            } else {
                // An indeterminate send: it may or may not have landed.
                if lands {
                    append(log);
                }
                let b = b
                    .info(w.process, "send", json!([["send", key.to_string(), msg]]))
                    .error(json!(["net-timeout"]));
                w.process += concurrency;
                b
            }
        }
        Planned::Poll => complete_poll(b, w, logs, 5),
        Planned::Assign(keys) => {
            w.positions = keys
                .iter()
                .map(|k| {
                    (
                        *k,
                        w.positions.iter().find(|(x, _)| x == k).map_or(0, |p| p.1),
                    )
                })
                .collect();
            let value = json!(keys.iter().map(u64::to_string).collect::<Vec<_>>());
            b.ok(w.process, "assign", value)
        }
        Planned::Crash => {
            let b = b.info(w.process, "crash", Value::Null);
            w.process += concurrency;
            w.positions.clear();
            b
        }
    }
}

/// Completes a poll returning up to `limit` messages per assigned key, from where the
/// worker's last poll stopped.
fn complete_poll(
    b: HistoryBuilder,
    w: &mut Worker,
    logs: &HashMap<u64, Vec<(i64, u64)>>,
    limit: usize,
) -> HistoryBuilder {
    let mut result = Map::new();
    for (key, position) in w.positions.iter_mut() {
        let Some(log) = logs.get(key) else { continue };
        let batch: Vec<Value> = log
            .iter()
            .skip(*position)
            .take(limit)
            .map(|(o, m)| json!([o, m]))
            .collect();
        *position += batch.len();
        if !batch.is_empty() {
            result.insert(key.to_string(), Value::Array(batch));
        }
    }
    b.ok(w.process, "poll", json!([["poll", result]]))
}
