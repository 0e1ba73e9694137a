//! lin-kv (spec §2.7), Maelstrom's default workload: independent registers 0, 1, 2, … read,
//! written and compare-and-set through `read`, `write` and `cas` RPCs, judged per key for
//! linearizability against a CAS register (checkers.md §2.5).
//!
//! - [`generator`]: thread groups of `2 × node-count`, one key per group, readers and a 1:2
//!   write/cas mix, values 0..4, a fresh key after 20 distinct processes.
//! - [`independent`]: the per-key `independent/<key>/` files.
//!
//! The client (`workload/lin_kv.clj`) is reusable and uses `with-errors` with `read` as the
//! only idempotent operation: errors 20 (key does not exist) and 22 (precondition failed)
//! are definite, so `fail`; a read that times out is `fail`, a write or CAS that times out
//! `info`. Every RPC waits `max(10 × --latency, 1000)` ms. An `ok` read records
//! `[key, value read]`; every other completion keeps the invocation's value. No final
//! phase.
//!
//! `--concurrency` must be a multiple of `2 × node-count`, or jepsen's generator asserts;
//! we refuse the options instead. With more than 10 nodes a group alone has more than the 20
//! processes a key allows, so Maelstrom's generator never hands out an operation and spins
//! through keys for ever; we refuse that too.

mod generator;
mod independent;

use super::gen::Generator;
use super::{lin_kv_timeout, Client, RunFile, Workload};
use crate::client::outcome::{Failure, Policy};
use crate::client::schema::{Field, Schema};
use crate::client::{Conn, Request};
use crate::op::{Completion, OpSpec};
use crate::options::{ArgError, Options};
use crate::rng::SimRng;
use checkers::checked::Checked;
use checkers::history::Op;
use serde_json::{json, Map, Value};
use std::time::Duration;

pub use generator::{LinKvGenerator, PROCESS_LIMIT};

pub const WORKLOAD: &dyn Workload = &LinKv;

const READ_OK: Schema = Schema {
    reply_type: "read_ok",
    fields: &[("value", Field::Any)],
};
const WRITE_OK: Schema = Schema {
    reply_type: "write_ok",
    fields: &[],
};
const CAS_OK: Schema = Schema {
    reply_type: "cas_ok",
    fields: &[],
};

struct LinKv;

impl Workload for LinKv {
    fn name(&self) -> &'static str {
        "lin-kv"
    }

    fn reusable_client(&self) -> bool {
        true
    }

    fn check_options(&self, opts: &Options) -> Result<(), ArgError> {
        let nodes = opts.nodes.len();
        let group = 2 * nodes;
        if group > PROCESS_LIMIT {
            return Err(ArgError {
                flag: "--node-count".into(),
                message: format!(
                    "lin-kv works each key with 2 × node-count = {group} threads, more than the \
                     {PROCESS_LIMIT} processes a key allows: Maelstrom's generator would never \
                     issue an operation; use at most {} nodes",
                    PROCESS_LIMIT / 2
                ),
            });
        }
        if !opts.concurrency.is_multiple_of(group) {
            return Err(ArgError {
                flag: "--concurrency".into(),
                message: format!(
                    "lin-kv runs thread groups of 2 × node-count = {group} threads, so it must be \
                     a multiple of {group} (e.g. 2n), got {}",
                    opts.concurrency
                ),
            });
        }
        Ok(())
    }

    fn generator(&self, opts: &Options, rng: SimRng) -> Box<dyn Generator> {
        Box::new(LinKvGenerator::new(
            rng,
            opts.nodes.len(),
            opts.concurrency,
        ))
    }

    fn client(&self, opts: &Options) -> Box<dyn Client> {
        Box::new(LinKvClient {
            timeout: lin_kv_timeout(opts),
        })
    }

    fn check(&self, history: &[Op], _opts: &Options) -> Checked {
        checkers::linearizable::check(history)
    }

    fn files(&self, history: &[Op], results: &Value) -> Vec<RunFile> {
        independent::files(history, results)
    }
}

/// A lin-kv client; it holds nothing per connection but the RPC timeout.
struct LinKvClient {
    timeout: Duration,
}

#[async_trait::async_trait]
impl Client for LinKvClient {
    async fn invoke(&mut self, conn: &mut Conn, node: &str, op: &OpSpec) -> Completion {
        let (request, schema) = request(op);
        let reply = conn.rpc(node, &request, schema, self.timeout).await;
        completion(op, reply)
    }
}

/// The RPC for an operation whose value is `[key, argument]`, and its reply's schema.
fn request(op: &OpSpec) -> (Request, &'static Schema) {
    let (key, argument) = (op.value[0].clone(), &op.value[1]);
    match op.f.as_str() {
        "read" => (Request::new("read").with("key", key), &READ_OK),
        "write" => (
            Request::new("write")
                .with("key", key)
                .with("value", argument.clone()),
            &WRITE_OK,
        ),
        "cas" => (
            Request::new("cas")
                .with("key", key)
                .with("from", argument[0].clone())
                .with("to", argument[1].clone()),
            &CAS_OK,
        ),
        other => panic!("the lin-kv generator made an unknown operation {other:?}"),
    }
}

/// `with-errors` with reads idempotent.
fn policy(f: &str) -> Policy {
    Policy::WithErrors {
        idempotent: f == "read",
    }
}

/// How an operation ends given its RPC's outcome.
fn completion(op: &OpSpec, reply: Result<Map<String, Value>, Failure>) -> Completion {
    match reply {
        Ok(mut body) if op.f == "read" => {
            let value = body.remove("value").unwrap_or(Value::Null);
            Completion::ok(json!([op.value[0], value]))
        }
        Ok(_) => Completion::ok(op.value.clone()),
        Err(failure) => failure.completion(policy(&op.f), op.value.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkers::history::OpType;

    fn options(line: &str) -> Options {
        let words: Vec<String> = line.split(' ').map(String::from).collect();
        match crate::options::parse(&words) {
            Ok(crate::options::Parsed::Run(o)) => *o,
            other => panic!("{other:?}"),
        }
    }

    fn error(code: i64) -> Failure {
        Failure::Error {
            code: Some(code),
            text: json!("why"),
        }
    }

    fn read() -> OpSpec {
        OpSpec::new("read", json!([3, null]))
    }
    fn write() -> OpSpec {
        OpSpec::new("write", json!([3, 4]))
    }
    fn cas() -> OpSpec {
        OpSpec::new("cas", json!([3, [1, 2]]))
    }

    #[test]
    fn requests_carry_the_key_and_arguments() {
        let (r, schema) = request(&cas());
        assert_eq!(r.kind, "cas");
        assert_eq!(
            r.fields,
            [
                ("key".to_string(), json!(3)),
                ("from".to_string(), json!(1)),
                ("to".to_string(), json!(2))
            ]
        );
        assert_eq!(schema.reply_type, "cas_ok");
        let (w, _) = request(&write());
        assert_eq!(
            w.fields,
            [("key".to_string(), json!(3)), ("value".to_string(), json!(4))]
        );
        let (r, schema) = request(&read());
        assert_eq!(r.fields, [("key".to_string(), json!(3))]);
        assert_eq!(schema.reply_type, "read_ok");
    }

    #[test]
    fn an_ok_read_records_the_key_and_the_value_read_and_writes_keep_theirs() {
        let body = json!({"type": "read_ok", "value": 2, "in_reply_to": 1});
        let done = completion(&read(), Ok(body.as_object().unwrap().clone()));
        assert_eq!(done, Completion::ok(json!([3, 2])));
        assert_eq!(completion(&write(), Ok(Map::new())).value, json!([3, 4]));
        assert_eq!(completion(&cas(), Ok(Map::new())).value, json!([3, [1, 2]]));
    }

    #[test]
    fn errors_20_and_22_are_definite_failures() {
        for op in [read(), write(), cas()] {
            for code in [20, 22] {
                let done = completion(&op, Err(error(code)));
                assert_eq!(done.kind, OpType::Fail, "{} with {code}", op.f);
                assert_eq!(done.value, op.value, "a failure keeps the invocation's value");
            }
        }
        let missing = completion(&cas(), Err(error(20)));
        assert_eq!(missing.error, Some(json!(["key-does-not-exist", "why"])));
        let mismatch = completion(&cas(), Err(error(22)));
        assert_eq!(mismatch.error, Some(json!(["precondition-failed", "why"])));
    }

    #[test]
    fn a_read_timeout_fails_and_a_write_or_cas_timeout_is_info() {
        assert_eq!(completion(&read(), Err(Failure::Timeout)).kind, OpType::Fail);
        assert_eq!(completion(&write(), Err(Failure::Timeout)).kind, OpType::Info);
        assert_eq!(completion(&cas(), Err(Failure::Timeout)).kind, OpType::Info);
        // An indefinite error: a read still fails (idempotent), a write may have happened.
        assert_eq!(completion(&read(), Err(error(13))).kind, OpType::Fail);
        assert_eq!(completion(&write(), Err(error(13))).kind, OpType::Info);
    }

    #[test]
    fn a_malformed_reply_is_info() {
        let done = completion(&read(), Err(Failure::Malformed("missing value".into())));
        assert_eq!(done.kind, OpType::Info);
    }

    #[test]
    fn rpcs_wait_ten_latencies_or_a_second() {
        let slow = options("--bin x --latency 300");
        let client = LinKvClient {
            timeout: lin_kv_timeout(&slow),
        };
        assert_eq!(client.timeout, Duration::from_secs(3));
    }

    #[test]
    fn concurrency_must_be_a_multiple_of_twice_the_node_count() {
        let check = |line: &str| WORKLOAD.check_options(&options(line));
        assert_eq!(check("--bin x --node-count 3 --concurrency 2n"), Ok(()));
        assert_eq!(check("--bin x --node-count 3 --concurrency 12"), Ok(()));
        let bad = check("--bin x --node-count 3 --concurrency 5").unwrap_err();
        assert_eq!(bad.flag, "--concurrency");
        assert!(
            bad.message.contains("multiple of 6") && bad.message.contains("got 5"),
            "{}",
            bad.message
        );
        // Maelstrom's default, one thread per node, is not enough for lin-kv.
        assert_eq!(check("--bin x").unwrap_err().flag, "--concurrency");
        assert_eq!(
            check("--bin x --node-count 11 --concurrency 2n")
                .unwrap_err()
                .flag,
            "--node-count"
        );
        assert_eq!(check("--bin x --node-count 10 --concurrency 2n"), Ok(()));
    }
}
