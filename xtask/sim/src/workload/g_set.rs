//! g-set (spec §2.4): a mix of adds of 0, 1, 2, ... and reads (the reply field is `value`);
//! the final phase is one read per thread, *not* flagged final. The client has no
//! `with-errors`, so every error or timeout is `info`. Judged by set-full with `add`.

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

pub const WORKLOAD: &dyn Workload = &GSet;

const ADD_OK: Schema = Schema { reply_type: "add_ok", fields: &[] };
const READ_OK: Schema = Schema { reply_type: "read_ok", fields: &[("value", Field::ArrayOf(&Field::Any))] };

struct GSet;

impl Workload for GSet {
    fn name(&self) -> &'static str {
        "g-set"
    }

    fn reusable_client(&self) -> bool {
        false
    }

    fn generator(&self, _opts: &Options, rng: SimRng) -> Box<dyn Generator> {
        let mut next_element = 0u64;
        Stream::boxed(rng, move |rng| {
            if rng.gen_bool(0.5) {
                next_element += 1;
                OpSpec::new("add", json!(next_element - 1))
            } else {
                OpSpec::new("read", Value::Null)
            }
        })
    }

    fn final_generator(&self, _opts: &Options) -> Option<Box<dyn Generator>> {
        Some(EachThread::boxed(OpSpec::new("read", Value::Null)))
    }

    fn client(&self, _opts: &Options) -> Box<dyn Client> {
        Box::new(GSetClient)
    }

    fn check(&self, history: &[Op], _opts: &Options) -> Checked {
        checkers::set_full::check(history, "add")
    }
}

struct GSetClient;

#[async_trait::async_trait]
impl Client for GSetClient {
    async fn invoke(&mut self, conn: &mut Conn, node: &str, op: &OpSpec) -> Completion {
        if op.f == "read" {
            let read = Request::new("read");
            one_rpc(conn, node, op, &read, &READ_OK, Policy::Indeterminate, |mut r| r.remove("value").unwrap_or(Value::Null)).await
        } else {
            let request = Request::new("add").with("element", op.value.clone());
            let value = op.value.clone();
            one_rpc(conn, node, op, &request, &ADD_OK, Policy::Indeterminate, |_| value).await
        }
    }
}
