//! echo (spec §2.1): every thread, forever, echoes `"Please echo <k>"` with `k` in 0..127.
//! The `ok` value is the whole reply body, which the checker compares with what was sent.
//! No final phase; clients are not reusable.

use super::gen::{Generator, Stream};
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

pub const WORKLOAD: &dyn Workload = &Echo;

const ECHO_OK: Schema = Schema { reply_type: "echo_ok", fields: &[("echo", Field::Any)] };

struct Echo;

impl Workload for Echo {
    fn name(&self) -> &'static str {
        "echo"
    }

    fn reusable_client(&self) -> bool {
        false
    }

    fn generator(&self, _opts: &Options, rng: SimRng) -> Box<dyn Generator> {
        Stream::boxed(rng, |rng| OpSpec::new("echo", json!(format!("Please echo {}", rng.gen_range(0..128)))))
    }

    fn client(&self, _opts: &Options) -> Box<dyn Client> {
        Box::new(EchoClient)
    }

    fn check(&self, history: &[Op], _opts: &Options) -> Checked {
        checkers::echo::check(history)
    }
}

struct EchoClient;

#[async_trait::async_trait]
impl Client for EchoClient {
    async fn invoke(&mut self, conn: &mut Conn, node: &str, op: &OpSpec) -> Completion {
        let request = Request::new("echo").with("echo", op.value.clone());
        one_rpc(conn, node, op, &request, &ECHO_OK, Policy::WithErrors { idempotent: false }, Value::Object).await
    }
}
