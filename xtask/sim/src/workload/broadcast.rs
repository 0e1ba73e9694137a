//! broadcast (spec §2.3): each node gets `topology` at setup; then a 50/50 mix of
//! broadcasts of 0, 1, 2, ... (each value once) and reads; the final phase is one read per
//! thread, flagged final. Reads are idempotent (a failed read is `fail`); clients are not
//! reusable. Judged by set-full with `broadcast` as the add.

use super::gen::{EachThread, Generator, Stream};
use super::topology::{self, topology};
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

pub const WORKLOAD: &dyn Workload = &Broadcast;

const TOPOLOGY_OK: Schema = Schema { reply_type: "topology_ok", fields: &[] };
const BROADCAST_OK: Schema = Schema { reply_type: "broadcast_ok", fields: &[] };
const READ_OK: Schema = Schema { reply_type: "read_ok", fields: &[("messages", Field::ArrayOf(&Field::Any))] };

struct Broadcast;

impl Workload for Broadcast {
    fn name(&self) -> &'static str {
        "broadcast"
    }

    fn reusable_client(&self) -> bool {
        false
    }

    fn generator(&self, _opts: &Options, rng: SimRng) -> Box<dyn Generator> {
        let mut next_value = 0u64;
        Stream::boxed(rng, move |rng| {
            if rng.gen_bool(0.5) {
                next_value += 1;
                OpSpec::new("broadcast", json!(next_value - 1))
            } else {
                OpSpec::new("read", Value::Null)
            }
        })
    }

    fn final_generator(&self, _opts: &Options) -> Option<Box<dyn Generator>> {
        Some(EachThread::boxed(OpSpec::new("read", Value::Null).final_op()))
    }

    fn setup(&self, opts: &Options, _node: &str) -> Option<(Request, Schema)> {
        let map = topology::to_json(&topology(opts.topology, &opts.nodes));
        Some((Request::new("topology").with("topology", map), TOPOLOGY_OK))
    }

    fn client(&self, _opts: &Options) -> Box<dyn Client> {
        Box::new(BroadcastClient)
    }

    fn check(&self, history: &[Op], _opts: &Options) -> Checked {
        checkers::set_full::check(history, "broadcast")
    }
}

struct BroadcastClient;

#[async_trait::async_trait]
impl Client for BroadcastClient {
    async fn invoke(&mut self, conn: &mut Conn, node: &str, op: &OpSpec) -> Completion {
        let idempotent = op.f == "read";
        let policy = Policy::WithErrors { idempotent };
        if idempotent {
            let read = Request::new("read");
            one_rpc(conn, node, op, &read, &READ_OK, policy, |mut r| r.remove("messages").unwrap_or(Value::Null)).await
        } else {
            let request = Request::new("broadcast").with("message", op.value.clone());
            let value = op.value.clone();
            one_rpc(conn, node, op, &request, &BROADCAST_OK, policy, |_| value).await
        }
    }
}
