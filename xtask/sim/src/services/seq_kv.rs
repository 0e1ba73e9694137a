//! seq-kv (spec §3.3): sequentially consistent, with Maelstrom's exact behaviour.
//!
//! The service keeps the last 32 states and, per caller, the index of the latest state that
//! caller has seen. A request runs against a state chosen uniformly between the caller's index
//! and the newest. If that changes nothing (a read, a failing CAS, a write of the same value),
//! its result is the reply and the caller's index moves to the chosen state; otherwise the
//! request is applied to the newest state instead, which becomes a new newest state and the
//! caller's index. So a caller never goes back in time and always sees its own writes, while
//! other callers' writes can stay invisible to it for a while.

use super::kv::{KvOp, Reply, Store};
use crate::rng::SimRng;
use rand::Rng;
use std::collections::{HashMap, VecDeque};

const KEPT_STATES: usize = 32;

/// The seq-kv service state.
pub struct SeqKv {
    /// `states[i]` has index `first + i`; the last one is the newest.
    states: VecDeque<Store>,
    first: u64,
    seen: HashMap<String, u64>,
    rng: SimRng,
}

impl SeqKv {
    pub fn new(rng: SimRng) -> SeqKv {
        SeqKv {
            states: VecDeque::from([Store::new()]),
            first: 0,
            seen: HashMap::new(),
            rng,
        }
    }

    fn newest(&self) -> u64 {
        self.first + self.states.len() as u64 - 1
    }

    /// Runs `op` for caller `src`.
    pub fn handle(&mut self, src: &str, op: &KvOp) -> Reply {
        let newest = self.newest();
        // A caller whose state has left the window starts from the oldest state kept.
        let lowest = self.seen.get(src).copied().unwrap_or(0).max(self.first);
        let chosen = self.rng.gen_range(lowest..=newest);
        let (reply, changed) = op.apply(&self.states[(chosen - self.first) as usize]);
        if changed.is_none() {
            self.seen.insert(src.to_string(), chosen);
            return reply;
        }
        let (reply, changed) = op.apply(&self.states[(newest - self.first) as usize]);
        let next = changed.unwrap_or_else(|| self.states.back().expect("never empty").clone());
        self.states.push_back(next);
        if self.states.len() > KEPT_STATES {
            self.states.pop_front();
            self.first += 1;
        }
        self.seen.insert(src.to_string(), self.newest());
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Stream};
    use serde_json::{json, Value};

    fn op(v: Value) -> KvOp {
        KvOp::parse(v.as_object().unwrap()).unwrap()
    }

    fn read(kv: &mut SeqKv, src: &str) -> Option<Value> {
        kv.handle(src, &op(json!({"type":"read","key":"k"})))
            .ok()
            .map(|b| b["value"].clone())
    }

    #[test]
    fn callers_see_their_own_writes_and_never_go_back() {
        for seed in 0..20 {
            let mut kv = SeqKv::new(stream(seed, Stream::SeqKv));
            for v in 0..10 {
                kv.handle("n0", &op(json!({"type":"write","key":"k","value":v})))
                    .unwrap();
                assert_eq!(read(&mut kv, "n0"), Some(json!(v)));
            }
            let mut last = -1;
            for _ in 0..50 {
                let seen = read(&mut kv, "n1").map_or(-1, |v| v.as_i64().unwrap());
                assert!(seen >= last, "n1 went back in time from {last} to {seen}");
                last = seen;
            }
        }
    }

    #[test]
    fn other_callers_can_read_stale_values_but_a_write_catches_up() {
        let mut stale = false;
        for seed in 0..20 {
            let mut kv = SeqKv::new(stream(seed, Stream::SeqKv));
            for v in 0..5 {
                kv.handle("n0", &op(json!({"type":"write","key":"k","value":v})))
                    .unwrap();
            }
            stale |= read(&mut kv, "n1") != Some(json!(4));
            kv.handle(
                "n1",
                &op(json!({"type":"write","key":"other","value":seed})),
            )
            .unwrap();
            assert_eq!(
                read(&mut kv, "n1"),
                Some(json!(4)),
                "a changing op moves n1 to the newest state"
            );
        }
        assert!(stale, "some seed must show n1 a stale value");
    }

    #[test]
    fn only_the_last_32_states_are_kept() {
        let mut kv = SeqKv::new(stream(3, Stream::SeqKv));
        for v in 0..100 {
            kv.handle("n0", &op(json!({"type":"write","key":"k","value":v})))
                .unwrap();
        }
        assert_eq!(kv.states.len(), KEPT_STATES);
        for _ in 0..50 {
            let v = read(&mut kv, "n1").unwrap().as_i64().unwrap();
            assert!(
                v >= 100 - KEPT_STATES as i64,
                "read {v} from a state that should be gone"
            );
        }
    }
}
