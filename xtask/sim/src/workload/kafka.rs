//! kafka (spec §2.6; generator and final phase from jepsen 0.3.7's `jepsen.tests.kafka`, as
//! Maelstrom's `workload/kafka.clj` configures it): sends and polls over rotating keys with
//! occasional assigns and client crashes, then a final phase in which every thread polls
//! every key from the beginning. Clients are not reusable (a crash opens a fresh one);
//! `assign` is the idempotent operation. Judged by `checkers::kafka`; the stats checker
//! already exempts `crash` (always `info`) and `debug-topic-partitions`.
//!
//! - [`generator`]: the main phase (Elle's `wr-txns` as sends and polls, assign insertion
//!   and widening, crashes, offset tracking).
//! - [`final_polls`]: the final phase.
//! - [`client`]: per-connection offsets and the RPCs of each operation.
//! - [`offsets`]: highest offsets read from completions.
//!
//! The final phase needs what the main phase learnt (the keys and their highest offsets),
//! but the [`Workload`] trait builds the two generators in separate calls. Both calls of one
//! run receive the same `Options` value, so the main generator leaves a [`Handoff`] under
//! that value's address and the final generator takes it back; concurrent runs have
//! distinct options, and a run that stops before its final phase only leaves its entry
//! to be overwritten.

mod client;
mod final_polls;
mod generator;
mod offsets;

use super::gen::Generator;
use super::wr_txns::DEFAULT_KEY_COUNT;
use super::{Client, Workload};
use crate::options::Options;
use crate::rng::SimRng;
use checkers::checked::Checked;
use checkers::history::Op;
use offsets::MaxOffsets;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const WORKLOAD: &dyn Workload = &Kafka;

struct Kafka;

/// What the main phase passes to the final phase of the same run.
struct Handoff {
    /// Highest offset per key touched by `ok` operations, filled in as they complete.
    touched: Arc<Mutex<MaxOffsets>>,
    /// The final phase's random stream, split from the run's generator stream.
    rng: SimRng,
}

/// Handoffs by the address of the run's options.
static HANDOFFS: Mutex<Option<HashMap<usize, Handoff>>> = Mutex::new(None);

fn run_key(opts: &Options) -> usize {
    opts as *const Options as usize
}

impl Workload for Kafka {
    fn name(&self) -> &'static str {
        "kafka"
    }

    fn reusable_client(&self) -> bool {
        false
    }

    fn generator(&self, opts: &Options, mut rng: SimRng) -> Box<dyn Generator> {
        let touched = Arc::new(Mutex::new(MaxOffsets::new()));
        let handoff = Handoff {
            touched: Arc::clone(&touched),
            rng: SimRng::seed_from_u64(rng.gen()),
        };
        HANDOFFS
            .lock()
            .expect("kafka handoff lock")
            .get_or_insert_with(HashMap::new)
            .insert(run_key(opts), handoff);
        let key_count = opts.key_count.unwrap_or(DEFAULT_KEY_COUNT);
        Box::new(generator::KafkaGenerator::new(
            rng,
            key_count,
            opts.max_writes_per_key,
            opts.maelstrom_version.kafka_assign_probability(),
            touched,
        ))
    }

    fn final_generator(&self, opts: &Options) -> Option<Box<dyn Generator>> {
        let handoff = HANDOFFS
            .lock()
            .expect("kafka handoff lock")
            .get_or_insert_with(HashMap::new)
            .remove(&run_key(opts));
        let (targets, rng) = match handoff {
            Some(h) => (
                h.touched.lock().expect("touched offsets lock").clone(),
                h.rng,
            ),
            // No main phase ran for these options: nothing was touched, nothing to poll.
            None => (MaxOffsets::new(), SimRng::seed_from_u64(0)),
        };
        Some(Box::new(final_polls::FinalPolls::new(targets, rng)))
    }

    fn client(&self, _opts: &Options) -> Box<dyn Client> {
        Box::new(client::KafkaClient::default())
    }

    fn check(&self, history: &[Op], _opts: &Options) -> Checked {
        checkers::kafka::check(history)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Stream};
    use crate::workload::gen::{GenContext, Step};
    use checkers::history::{OpType, Process};
    use serde_json::json;
    use std::time::Duration;

    fn options() -> Options {
        match crate::options::parse(&["-w".into(), "kafka".into(), "--bin".into(), "x".into()]) {
            Ok(crate::options::Parsed::Run(o)) => *o,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_final_phase_polls_the_keys_the_main_phase_touched() {
        let opts = options();
        let mut main = WORKLOAD.generator(&opts, stream(4, Stream::Generator));
        main.update(&Op {
            index: 1,
            time: 0,
            process: Process::Client(0),
            kind: OpType::Ok,
            f: "send".into(),
            value: json!([["send", "7", [2, 1]]]),
            error: None,
            is_final: false,
        });
        let mut last = WORKLOAD.final_generator(&opts).unwrap();
        let ctx = GenContext {
            free: &[0],
            concurrency: 1,
            elapsed: Duration::ZERO,
        };
        let mut ops = Vec::new();
        for _ in 0..2 {
            match last.next(&ctx) {
                Step::Op { op, .. } => ops.push(op),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(ops[0].f, "crash");
        assert_eq!(
            (ops[1].f.as_str(), &ops[1].value),
            ("assign", &json!(["7"]))
        );
        // The handoff was taken: options the main phase never saw get an empty phase.
        let mut none = WORKLOAD.final_generator(&opts).unwrap();
        assert_eq!(none.next(&ctx), Step::Done);
    }
}
