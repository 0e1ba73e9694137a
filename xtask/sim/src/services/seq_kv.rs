//! seq-kv (spec §3.3, errata 3): sequentially consistent, with Maelstrom's exact behaviour.
//!
//! The service keeps the last 32 states in a ring and, per caller, the index of the state that
//! caller used last (0 for a new caller). A request runs against a state index chosen
//! uniformly between the caller's index and the newest. If that changes nothing (a read, a
//! failing CAS, a write of the same value), its result is the reply and the caller's index
//! becomes the chosen one; otherwise the request is applied to the newest state instead, which
//! becomes a new newest state and the caller's index. A caller within the window therefore
//! never goes back in time and always sees its own writes, while other callers' writes can
//! stay invisible to it for a while. A caller 32 or more states behind is Maelstrom's quirk:
//! its ring buffer reads index `i` at position `i mod 32`, so the chosen state is a random one
//! of the last 32 and the caller's index stays far behind, and its reads can go backwards
//! until a state-changing request brings it to the newest state.

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

    /// The state Maelstrom's ring buffer holds for `index`: `index` itself while it is in the
    /// window, else the one as far behind the newest as `index` is, modulo the window.
    fn state_at(&self, index: u64) -> &Store {
        let behind = (self.newest() - index) % self.states.len() as u64;
        &self.states[self.states.len() - 1 - behind as usize]
    }

    /// Runs `op` for caller `src`.
    pub fn handle(&mut self, src: &str, op: &KvOp) -> Reply {
        let newest = self.newest();
        let lowest = self.seen.get(src).copied().unwrap_or(0);
        let chosen = self.rng.gen_range(lowest..=newest);
        let (reply, changed) = op.apply(self.state_at(chosen));
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
    fn a_caller_more_than_32_states_behind_reads_random_recent_states_and_can_go_back() {
        // After 1000 writes by n0, fresh callers (index 0, far behind) read 10 times each.
        let mut kv = SeqKv::new(stream(5, Stream::SeqKv));
        for v in 0..1000 {
            kv.handle("n0", &op(json!({"type":"write","key":"k","value":v})))
                .unwrap();
        }
        let mut backward = 0;
        for caller in 1..=20 {
            let caller = format!("n{caller}");
            let reads: Vec<i64> = (0..10)
                .map(|_| read(&mut kv, &caller).unwrap().as_i64().unwrap())
                .collect();
            assert!(
                reads
                    .iter()
                    .all(|v| (1000 - KEPT_STATES as i64..1000).contains(v)),
                "every read comes from the last 32 states: {reads:?}"
            );
            backward += reads.windows(2).filter(|w| w[1] < w[0]).count();
        }
        assert!(backward > 0, "callers far behind must sometimes go back");
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
