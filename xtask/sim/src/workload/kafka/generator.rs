//! The kafka main-phase generator, following jepsen 0.3.7's `jepsen.tests.kafka/workload`
//! as Maelstrom configures it (`txn? false`, `crash-clients? true`, `sub-via #{:assign}`):
//!
//! - Elle's `wr-txns` ([`WrTxns`], with `max-txn-length 1`) gives one micro-op per
//!   operation: an append becomes a `send` of the key's next value, a read a `poll` (half
//!   each; keys exponential over a pool of 10, retired after `--max-writes-per-key`).
//! - Before handing out an operation, with probability 1/64 (`sub-p`; with
//!   `--maelstrom-version 0.2.3` 1/8, jepsen 0.3.1's `subscribe-ratio`) an `assign` of that
//!   operation's key is handed out instead, and the operation itself comes next time.
//! - About 1/3 of assigns are widened with every key that has sent-but-unpolled messages
//!   (`poll-unseen`), learnt from `ok` completions.
//! - Independently, a `crash` is due at the start and then after gaps uniform in
//!   `[0, 2 × 30 / concurrency)` s (`crash-client-gen`, a stagger of `30 / concurrency`).
//! - The highest offset of every key any `ok` send or poll touched is recorded for the
//!   final phase (`track-key-offsets`).
//!
//! Keys are integers inside and strings in operations, as Maelstrom's `gen-string-keys`
//! renders them. Three random streams, all split from the run's generator stream, keep the
//! sequence of sends, polls and assigns a function of the seed alone: micro-ops, the
//! assign draws, and crash gaps (whose draws happen at timing-dependent moments).

use super::offsets::{self, MaxOffsets};
use crate::op::OpSpec;
use crate::rng::SimRng;
use crate::workload::gen::{GenContext, Generator, Step};
use crate::workload::wr_txns::WrTxns;
use checkers::history::Op;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Probability that an inserted assign also takes every key with unseen messages.
pub const WIDEN_PROBABILITY: f64 = 1.0 / 3.0;

/// Jepsen's `crash-client-interval`: each client crashes about once per this many seconds.
pub const CRASH_INTERVAL_SECS: f64 = 30.0;

/// One micro-op of Elle's stream: `[:append k v]` (a send) or `[:r k nil]` (a poll derived
/// from a read of `key`; the poll names no key, the key only matters to an inserted assign).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mop {
    Send { key: u64, value: u64 },
    Poll { key: u64 },
}

impl Mop {
    fn key(self) -> u64 {
        match self {
            Mop::Send { key, .. } | Mop::Poll { key } => key,
        }
    }
}

/// The main-phase generator.
pub struct KafkaGenerator {
    txns: WrTxns,
    txn_rng: SimRng,
    /// An operation postponed by the assign inserted before it.
    postponed: Option<Mop>,
    choices: SimRng,
    /// Probability that an assign is inserted before an operation.
    assign_probability: f64,
    crash_gaps: SimRng,
    next_crash: Duration,
    /// Per key, the highest offset sent and polled by `ok` operations, only while some
    /// sent message is still unpolled (jepsen's `poll-unseen` state).
    sent: MaxOffsets,
    polled: MaxOffsets,
    /// Highest offsets touched, for the final phase.
    touched: Arc<Mutex<MaxOffsets>>,
}

impl KafkaGenerator {
    /// A generator drawing from `rng`, with `key_count` active keys and the given chance of
    /// an assign before each operation, that records touched offsets in `touched`.
    pub fn new(
        mut rng: SimRng,
        key_count: u64,
        max_writes_per_key: u64,
        assign_probability: f64,
        touched: Arc<Mutex<MaxOffsets>>,
    ) -> KafkaGenerator {
        KafkaGenerator {
            txns: WrTxns::new(key_count, 1, max_writes_per_key, "append"),
            txn_rng: SimRng::seed_from_u64(rng.gen()),
            postponed: None,
            choices: SimRng::seed_from_u64(rng.gen()),
            assign_probability,
            crash_gaps: SimRng::seed_from_u64(rng.gen()),
            next_crash: Duration::ZERO,
            sent: MaxOffsets::new(),
            polled: MaxOffsets::new(),
            touched,
        }
    }

    /// The next micro-op of Elle's stream.
    fn next_mop(&mut self) -> Mop {
        let txn = self.txns.next_txn(&mut self.txn_rng);
        let mop = &txn[0];
        let key = mop[1].as_u64().expect("Elle keys are integers");
        match mop[2].as_u64() {
            Some(value) => Mop::Send { key, value },
            None => Mop::Poll { key },
        }
    }

    fn assign(&mut self, key: u64) -> OpSpec {
        let mut keys = vec![key.to_string()];
        if !self.sent.is_empty() && self.choices.gen_bool(WIDEN_PROBABILITY) {
            for unseen in self.sent.keys() {
                if !keys.contains(unseen) {
                    keys.push(unseen.clone());
                }
            }
        }
        OpSpec::new("assign", json!(keys))
    }
}

/// The operation a micro-op becomes.
fn operation(mop: Mop) -> OpSpec {
    match mop {
        Mop::Send { key, value } => OpSpec::new("send", json!([["send", key.to_string(), value]])),
        Mop::Poll { .. } => OpSpec::new("poll", json!([["poll"]])),
    }
}

impl Generator for KafkaGenerator {
    fn next(&mut self, ctx: &GenContext<'_>) -> Step {
        if ctx.free.is_empty() {
            return Step::Pending;
        }
        if ctx.elapsed >= self.next_crash {
            let mean = CRASH_INTERVAL_SECS / ctx.concurrency.max(1) as f64;
            let gap = self.crash_gaps.gen::<f64>() * 2.0 * mean;
            self.next_crash = ctx.elapsed + Duration::from_secs_f64(gap);
            return Step::Op {
                thread: None,
                op: OpSpec::new("crash", Value::Null),
            };
        }
        let mop = match self.postponed.take() {
            Some(mop) => mop,
            None => self.next_mop(),
        };
        let op = if self.choices.gen_bool(self.assign_probability) {
            self.postponed = Some(mop);
            self.assign(mop.key())
        } else {
            operation(mop)
        };
        Step::Op { thread: None, op }
    }

    fn update(&mut self, completion: &Op) {
        let sent = offsets::max_send_offsets(completion);
        let polled = offsets::max_poll_offsets(completion);
        if sent.is_empty() && polled.is_empty() {
            return;
        }
        {
            let mut touched = self.touched.lock().expect("touched offsets lock");
            offsets::merge_max(&mut touched, sent.clone());
            offsets::merge_max(&mut touched, polled.clone());
        }
        offsets::merge_max(&mut self.sent, sent);
        offsets::merge_max(&mut self.polled, polled);
        // Forget keys whose polls have caught up with their sends.
        let caught_up: Vec<String> = self
            .sent
            .keys()
            .chain(self.polled.keys())
            .filter(|k| {
                self.polled.get(*k).copied().unwrap_or(-1)
                    >= self.sent.get(*k).copied().unwrap_or(-1)
            })
            .cloned()
            .collect();
        for key in caught_up {
            self.sent.remove(&key);
            self.polled.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Stream};
    use crate::version::MaelstromVersion;
    use crate::workload::gen::take;
    use checkers::history::{OpType, Process};

    fn generator(seed: u64) -> KafkaGenerator {
        let p = MaelstromVersion::V0_2_4.kafka_assign_probability();
        KafkaGenerator::new(stream(seed, Stream::Generator), 10, 16, p, Arc::default())
    }

    fn ops(g: &mut KafkaGenerator, n: usize) -> Vec<OpSpec> {
        take(g, 4, n)
            .into_iter()
            .map(|s| match s {
                Step::Op { thread: None, op } => op,
                other => panic!("expected an op for any thread, got {other:?}"),
            })
            .collect()
    }

    fn completion(f: &str, value: Value) -> Op {
        Op {
            index: 0,
            time: 0,
            process: Process::Client(0),
            kind: OpType::Ok,
            f: f.into(),
            value,
            error: None,
            is_final: false,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_operations() {
        assert_eq!(ops(&mut generator(5), 2_000), ops(&mut generator(5), 2_000));
        assert_ne!(ops(&mut generator(5), 2_000), ops(&mut generator(6), 2_000));
    }

    #[test]
    fn the_mix_is_half_sends_half_polls_with_rare_assigns_and_one_crash_at_the_start() {
        let all = ops(&mut generator(7), 64_000);
        let count = |f: &str| all.iter().filter(|o| o.f == f).count();
        assert_eq!(all[0].f, "crash", "the crash stagger fires at once");
        assert_eq!(count("crash"), 1, "later crashes wait for their time");
        let (sends, polls, assigns) = (count("send"), count("poll"), count("assign"));
        assert!((30_000..33_000).contains(&sends), "{sends} sends");
        assert!((30_000..33_000).contains(&polls), "{polls} polls");
        assert!(
            (800..1_200).contains(&assigns),
            "{assigns} assigns (expected ~1000)"
        );
        assert!(all.iter().all(|o| !o.is_final));
    }

    #[test]
    fn maelstrom_0_2_3_inserts_an_assign_eight_times_as_often() {
        let p = MaelstromVersion::V0_2_3.kafka_assign_probability();
        let mut old = KafkaGenerator::new(stream(7, Stream::Generator), 10, 16, p, Arc::default());
        let all = ops(&mut old, 64_000);
        let assigns = all.iter().filter(|o| o.f == "assign").count();
        // Every item handed out is an assign with probability 1/8 (postponed operations are
        // drawn for again), against ~1000 with 0.2.4's 1/64.
        assert!((7_500..8_500).contains(&assigns), "{assigns} assigns");
    }

    #[test]
    fn each_key_gets_messages_one_to_sixteen_then_retires() {
        let all = ops(&mut generator(11), 40_000);
        let mut values: std::collections::BTreeMap<u64, Vec<u64>> = Default::default();
        for op in all.iter().filter(|o| o.f == "send") {
            let mop = &op.value[0];
            let key: u64 = mop[1].as_str().unwrap().parse().unwrap();
            values
                .entry(key)
                .or_default()
                .push(mop[2].as_u64().unwrap());
        }
        for (key, vs) in &values {
            let expected: Vec<u64> = (1..=vs.len() as u64).collect();
            assert_eq!(vs, &expected, "key {key}: values 1, 2, ... in order");
            assert!(vs.len() <= 16, "key {key} got {} messages", vs.len());
        }
        let full = values.values().filter(|vs| vs.len() == 16).count();
        assert!(full > 500, "only {full} keys were used up");
        assert!(
            *values.keys().last().unwrap() > 500,
            "retired keys are replaced by new ones"
        );
    }

    #[test]
    fn an_assign_names_the_key_of_the_operation_it_precedes() {
        let all = ops(&mut generator(8), 20_000);
        let mut checked = 0;
        for pair in all.windows(2) {
            if pair[0].f == "assign" && pair[1].f == "send" {
                assert_eq!(pair[0].value[0], pair[1].value[0][1], "{pair:?}");
                checked += 1;
            }
        }
        assert!(checked > 50, "{checked} assigns checked");
    }

    #[test]
    fn assigns_are_sometimes_widened_with_keys_that_have_unseen_messages() {
        let mut g = generator(9);
        g.update(&completion("send", json!([["send", "900", [3, 1]]])));
        g.update(&completion("send", json!([["send", "901", [0, 1]]])));
        g.update(&completion("poll", json!([["poll", {"901": [[0, 1]]}]])));
        let assigns: Vec<OpSpec> = ops(&mut g, 20_000)
            .into_iter()
            .filter(|o| o.f == "assign")
            .collect();
        let widened = assigns
            .iter()
            .filter(|o| o.value.as_array().unwrap().len() > 1)
            .count();
        let share = widened as f64 / assigns.len() as f64;
        assert!(
            (0.2..0.47).contains(&share),
            "{widened} of {} widened",
            assigns.len()
        );
        for a in &assigns {
            let keys = a.value.as_array().unwrap();
            assert!(
                !keys.contains(&json!("901")),
                "901 was polled up to its send: {a:?}"
            );
            if keys.len() > 1 {
                assert!(keys.contains(&json!("900")), "{a:?}");
            }
        }
        let touched = g.touched.lock().unwrap().clone();
        assert_eq!(
            touched,
            MaxOffsets::from([("900".into(), 3), ("901".into(), 0)])
        );
    }

    #[test]
    fn crashes_come_every_thirty_over_concurrency_seconds_on_average() {
        let mut g = generator(10);
        let free = [0, 1, 2, 3];
        let mut crashes = 0;
        for tenth in 0..60_000 {
            let ctx = GenContext {
                free: &free,
                concurrency: 4,
                elapsed: Duration::from_millis(tenth * 100),
            };
            if let Step::Op { op, .. } = g.next(&ctx) {
                crashes += usize::from(op.f == "crash");
            }
        }
        // 6000 s at one crash per 7.5 s: about 800.
        assert!((700..900).contains(&crashes), "{crashes} crashes");
    }
}
