//! pn-counter (spec §2.5): a mix of adds with deltas in -5..=4 and reads; the final phase is
//! one read per thread, flagged final. g-counter is the same workload with negative adds
//! filtered out (see `g_counter`). No `with-errors`: every error or timeout is `info`.
//! Judged by the counter checker (final reads within the possible sums).

use super::gen::{EachThread, Generator, Stream};
use super::{one_rpc, Client, Workload};
use crate::client::outcome::Policy;
use crate::client::schema::{Field, Schema};
use crate::client::{Conn, Request};
use crate::op::{Completion, OpSpec};
use crate::options::Options;
use crate::rng::SimRng;
use checkers::checked::Checked;
use checkers::history::Op;
use rand::Rng;
use serde_json::{json, Value};

pub const WORKLOAD: &dyn Workload = &Counter { grow_only: false };

const ADD_OK: Schema = Schema { reply_type: "add_ok", fields: &[] };
const READ_OK: Schema = Schema { reply_type: "read_ok", fields: &[("value", Field::Int)] };

/// A counter workload; `grow_only` drops the negative adds (g-counter).
pub struct Counter {
    pub grow_only: bool,
}

impl Workload for Counter {
    fn name(&self) -> &'static str {
        if self.grow_only {
            "g-counter"
        } else {
            "pn-counter"
        }
    }

    fn reusable_client(&self) -> bool {
        false
    }

    fn generator(&self, _opts: &Options, rng: SimRng) -> Box<dyn Generator> {
        let grow_only = self.grow_only;
        // Jepsen mixes adds and reads 50/50, then g-counter's filter discards negative adds
        // and draws again, so reads are 2/3 of g-counter's operations.
        Stream::boxed(rng, move |rng| loop {
            if !rng.gen_bool(0.5) {
                return OpSpec::new("read", Value::Null);
            }
            let delta: i64 = rng.gen_range(-5..=4);
            if delta >= 0 || !grow_only {
                return OpSpec::new("add", json!(delta));
            }
        })
    }

    fn final_generator(&self, _opts: &Options) -> Option<Box<dyn Generator>> {
        Some(EachThread::boxed(OpSpec::new("read", Value::Null).final_op()))
    }

    fn client(&self, _opts: &Options) -> Box<dyn Client> {
        Box::new(CounterClient)
    }

    fn check(&self, history: &[Op], _opts: &Options) -> Checked {
        checkers::counter::check(history)
    }
}

struct CounterClient;

#[async_trait::async_trait]
impl Client for CounterClient {
    async fn invoke(&mut self, conn: &mut Conn, node: &str, op: &OpSpec) -> Completion {
        if op.f == "read" {
            let read = Request::new("read");
            one_rpc(conn, node, op, &read, &READ_OK, Policy::Indeterminate, |mut r| r.remove("value").unwrap_or(Value::Null)).await
        } else {
            let request = Request::new("add").with("delta", op.value.clone());
            let value = op.value.clone();
            one_rpc(conn, node, op, &request, &ADD_OK, Policy::Indeterminate, |_| value).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Stream as RngStream};
    use crate::workload::gen::{take, Step};

    fn deltas(grow_only: bool) -> (Vec<i64>, usize) {
        let opts = crate::options::parse(&["--bin".into(), "x".into()]).unwrap();
        let crate::options::Parsed::Run(opts) = opts else { unreachable!() };
        let mut g = Counter { grow_only }.generator(&opts, stream(1, RngStream::Generator));
        let steps = take(g.as_mut(), 1, 3000);
        let mut adds = Vec::new();
        let mut reads = 0;
        for s in steps {
            let Step::Op { op, .. } = s else { panic!("streams never stop") };
            match op.f.as_str() {
                "add" => adds.push(op.value.as_i64().unwrap()),
                _ => reads += 1,
            }
        }
        (adds, reads)
    }

    #[test]
    fn pn_deltas_span_minus_five_to_four_and_g_deltas_are_not_negative() {
        let (pn, _) = deltas(false);
        assert_eq!((pn.iter().min(), pn.iter().max()), (Some(&-5), Some(&4)));
        let (g, reads) = deltas(true);
        assert_eq!((g.iter().min(), g.iter().max()), (Some(&0), Some(&4)));
        assert!(reads > g.len() * 3 / 2, "reads are about two thirds of g-counter ops");
    }
}
