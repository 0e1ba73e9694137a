//! lww-kv (spec §3.4): Maelstrom's intentionally pathological last-write-wins store.
//!
//! Maelstrom simulates two replicas, runs each request on a random one, and computes a merge
//! whose result it then discards. The observable behaviour is two independent stores with
//! each request hitting one at random, which is what this implements (the Lamport stamps of
//! the original can never be observed, so they are left out). `create_if_not_exists` is
//! ignored here, as in Maelstrom.

use super::kv::{KvOp, Reply, Store};
use crate::rng::SimRng;
use rand::Rng;

const REPLICAS: usize = 2;

/// The lww-kv service state.
pub struct LwwKv {
    replicas: [Store; REPLICAS],
    rng: SimRng,
}

impl LwwKv {
    pub fn new(rng: SimRng) -> LwwKv {
        LwwKv {
            replicas: Default::default(),
            rng,
        }
    }

    pub fn handle(&mut self, op: &KvOp) -> Reply {
        let op = match op {
            KvOp::Cas { key, from, to, .. } => KvOp::Cas {
                key: key.clone(),
                from: from.clone(),
                to: to.clone(),
                create: false,
            },
            other => other.clone(),
        };
        let replica = self.rng.gen_range(0..REPLICAS);
        let (reply, changed) = op.apply(&self.replicas[replica]);
        if let Some(next) = changed {
            self.replicas[replica] = next;
        }
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

    #[test]
    fn two_replicas_never_merge() {
        let mut kv = LwwKv::new(stream(1, Stream::LwwKv));
        kv.handle(&op(json!({"type":"write","key":"k","value":1})))
            .unwrap();
        let reads: Vec<bool> = (0..64)
            .map(|_| kv.handle(&op(json!({"type":"read","key":"k"}))).is_ok())
            .collect();
        assert!(
            reads.contains(&true) && reads.contains(&false),
            "the write is on exactly one replica: {reads:?}"
        );
        let creates = (0..16)
            .filter(|_| {
                kv.handle(&op(
                    json!({"type":"cas","key":"new","from":0,"to":1,"create_if_not_exists":true}),
                ))
                .is_ok()
            })
            .count();
        assert_eq!(creates, 0, "create_if_not_exists is ignored");
    }
}
