//! unique-ids (spec §2.2): `generate` forever; the `ok` value is the returned id. No final
//! phase; clients are reusable; nothing is idempotent, so errors and timeouts are `info`.

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
use serde_json::Value;

pub const WORKLOAD: &dyn Workload = &UniqueIds;

const GENERATE_OK: Schema = Schema { reply_type: "generate_ok", fields: &[("id", Field::Any)] };

struct UniqueIds;

impl Workload for UniqueIds {
    fn name(&self) -> &'static str {
        "unique-ids"
    }

    fn reusable_client(&self) -> bool {
        true
    }

    fn generator(&self, _opts: &Options, rng: SimRng) -> Box<dyn Generator> {
        Stream::boxed(rng, |_| OpSpec::new("generate", Value::Null))
    }

    fn client(&self, _opts: &Options) -> Box<dyn Client> {
        Box::new(UniqueIdsClient)
    }

    fn check(&self, history: &[Op], _opts: &Options) -> Checked {
        checkers::unique_ids::check(history)
    }
}

struct UniqueIdsClient;

#[async_trait::async_trait]
impl Client for UniqueIdsClient {
    async fn invoke(&mut self, conn: &mut Conn, node: &str, op: &OpSpec) -> Completion {
        let request = Request::new("generate");
        one_rpc(conn, node, op, &request, &GENERATE_OK, Policy::WithErrors { idempotent: false }, |mut reply| {
            reply.remove("id").unwrap_or(Value::Null)
        }).await
    }
}
