//! The search checked against brute force: thousands of small random single-key histories
//! (three processes, a few operations each, values 0..2, completions ok, fail or info, reads
//! returning anything), judged by [`search`](super::search) and by trying every order of
//! the operations that respects real time, with indeterminate ones optional. Most are not
//! linearizable, so both answers get exercised.

use serde_json::{json, Value};

use super::prepare::{split, KeyOp};
use super::register::{Interner, State, NIL};
use super::search::{search, Verdict};
use super::Budget;
use crate::history::History;
use crate::testing::{HistoryBuilder, Rng};

/// Tries every real-time-respecting order of the ops not yet in `placed`.
fn brute_force(ops: &[KeyOp], placed: u32, state: State) -> bool {
    let all_ok_placed = ops
        .iter()
        .enumerate()
        .all(|(i, op)| !op.definite || placed & (1 << i) != 0);
    if all_ok_placed {
        return true;
    }
    (0..ops.len()).any(|i| {
        if placed & (1 << i) != 0 {
            return false;
        }
        // Some unplaced op that completed before this one was invoked must go first.
        let blocked = ops.iter().enumerate().any(|(j, other)| {
            placed & (1 << j) == 0 && other.completed.is_some_and(|c| c < ops[i].invoked)
        });
        !blocked
            && ops[i]
                .action
                .step(state)
                .is_some_and(|next| brute_force(ops, placed | 1 << i, next))
    })
}

fn value(rng: &mut Rng) -> Value {
    json!(rng.below(3))
}

fn random_history(rng: &mut Rng) -> History {
    let mut b = HistoryBuilder::new();
    // Per process: the outstanding op's f and argument, and how many it may still start.
    let mut busy: Vec<Option<(&str, Value)>> = vec![None; 3];
    let mut left = [3u64; 3];
    for _ in 0..14 {
        let p = rng.below(3) as usize;
        match busy[p].take() {
            None if left[p] > 0 => {
                left[p] -= 1;
                let (f, argument) = match rng.below(3) {
                    0 => ("read", Value::Null),
                    1 => ("write", value(rng)),
                    _ => ("cas", json!([rng.below(3), rng.below(3)])),
                };
                b = b.invoke(p as u64, f, json!([0, argument]));
                busy[p] = Some((f, argument));
            }
            None => {}
            Some((f, argument)) => {
                let roll = rng.below(10);
                b = match roll {
                    0 | 1 => b.fail(p as u64, f, json!([0, argument])),
                    2 | 3 => b.info(p as u64, f, json!([0, argument])),
                    _ if f == "read" => {
                        let read = if rng.below(4) == 0 {
                            Value::Null
                        } else {
                            value(rng)
                        };
                        b.ok(p as u64, f, json!([0, read]))
                    }
                    _ => b.ok(p as u64, f, json!([0, argument])),
                };
                // After an info the worker would be a new process: this one is done.
                if matches!(roll, 2 | 3) {
                    left[p] = 0;
                }
            }
        }
    }
    b.build()
}

#[test]
fn the_search_agrees_with_brute_force() {
    let mut rng = Rng::new(2026);
    let (mut linearizable, mut not) = (0, 0);
    for case in 0..3000 {
        let h = random_history(&mut rng);
        let mut values = Interner::default();
        let keys = split(&h, &mut values).unwrap();
        let Some(key) = keys.first() else { continue };
        let expected = brute_force(&key.ops, 0, NIL);
        let (verdict, _) = search(&key.ops, &Budget::default());
        let got = match verdict {
            Verdict::Linearizable => true,
            Verdict::NotLinearizable(_) => false,
            Verdict::Unknown(cause) => panic!("case {case}: unknown ({cause})"),
        };
        assert_eq!(got, expected, "case {case}: {h:#?}");
        if expected {
            linearizable += 1;
        } else {
            not += 1;
        }
    }
    assert!(
        linearizable > 300 && not > 300,
        "{linearizable} linearizable, {not} not"
    );
}
