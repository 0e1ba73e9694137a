//! txn-rw-register (spec §2.8), and the transactional workload shape txn-list-append shares.
//!
//! Operations are Elle `wr-txns` transactions ([`super::wr_txns`]) with `f` `"txn"`. The
//! client sends `{"type": "txn", "txn": [["r", k, null], ["w", k, v], …]}` and records the
//! `txn_ok` reply's `txn` (reads filled in) as the `ok` value, the shape the txn checkers
//! read; a failed or indeterminate transaction keeps its invocation's micro-ops. Clients are
//! reusable and nothing is idempotent, so a definite error (30, txn-conflict, among them) is
//! `fail` and anything else, a timeout included, is `info`. No final phase. Judged by Elle's
//! rw-register checker for `--consistency-models` (default strict-serializable).

use super::gen::Generator;
use super::{elle_compat, one_rpc, wr_txns, Client, Workload};
use crate::client::outcome::Policy;
use crate::client::schema::{Field, Schema};
use crate::client::{Conn, Request};
use crate::op::{Completion, OpSpec};
use crate::options::Options;
use crate::rng::SimRng;
use checkers::checked::Checked;
use checkers::history::Op;
use checkers::txn::{ConsistencyModel, UnknownModel};
use serde_json::Value;

pub const WORKLOAD: &dyn Workload = &TxnWorkload {
    name: "txn-rw-register",
    write_f: "w",
    reply: TXN_OK,
    checker: checkers::txn::rw_register::check,
};

/// Micro-ops come back as `["r", k, v]` or `["w", k, v]` (Maelstrom's `ReadRes` and
/// `Write`); any other micro-op makes the reply malformed and the operation `info`.
const TXN_OK: Schema = Schema {
    reply_type: "txn_ok",
    fields: &[(
        "txn",
        Field::ArrayOf(&Field::Either(&[
            Field::Tuple(&[Field::Eq("r"), Field::Any, Field::Any]),
            Field::Tuple(&[Field::Eq("w"), Field::Any, Field::Any]),
        ])),
    )],
};

/// A transactional workload: its Maelstrom name, how its generator spells a write, the
/// schema of its `txn_ok` replies, and the Elle checker that judges it.
pub struct TxnWorkload {
    pub name: &'static str,
    pub write_f: &'static str,
    pub reply: Schema,
    pub checker: fn(&[Op], &[ConsistencyModel]) -> Checked,
}

impl Workload for TxnWorkload {
    fn name(&self) -> &'static str {
        self.name
    }

    fn reusable_client(&self) -> bool {
        true
    }

    fn generator(&self, opts: &Options, rng: SimRng) -> Box<dyn Generator> {
        wr_txns::generator(opts, rng, self.write_f)
    }

    fn client(&self, _opts: &Options) -> Box<dyn Client> {
        Box::new(TxnClient { reply: self.reply })
    }

    fn check(&self, history: &[Op], opts: &Options) -> Checked {
        match consistency_models(opts) {
            Ok(models) if opts.maelstrom_version.elle_reports_cycle_exists() => {
                (self.checker)(history, &models)
            }
            Ok(models) => elle_compat::without_cycle_exists((self.checker)(history, &models)),
            // Elle throws on a model it does not know; Jepsen makes that `unknown`.
            Err(unknown) => Checked::error(unknown.to_string()),
        }
    }
}

/// The models of `--consistency-models`. The options already split the value as
/// Maelstrom does (on whitespace-comma-whitespace), so each part is one model name.
pub fn consistency_models(opts: &Options) -> Result<Vec<ConsistencyModel>, UnknownModel> {
    opts.consistency_models
        .iter()
        .map(|name| ConsistencyModel::parse(name))
        .collect()
}

struct TxnClient {
    reply: Schema,
}

#[async_trait::async_trait]
impl Client for TxnClient {
    async fn invoke(&mut self, conn: &mut Conn, node: &str, op: &OpSpec) -> Completion {
        let request = Request::new("txn").with("txn", op.value.clone());
        let policy = Policy::WithErrors { idempotent: false };
        one_rpc(conn, node, op, &request, &self.reply, policy, |mut reply| {
            reply.remove("txn").unwrap_or(Value::Null)
        }).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{parse, Parsed};
    use serde_json::json;

    fn options(extra: &str) -> Options {
        let mut words = vec!["--bin".to_string(), "x".to_string()];
        words.extend(extra.split_whitespace().map(String::from));
        match parse(&words).unwrap() {
            Parsed::Run(o) => *o,
            Parsed::Help => unreachable!(),
        }
    }

    #[test]
    fn models_default_to_strict_serializable_and_accept_friendly_names() {
        assert_eq!(
            consistency_models(&options("")).unwrap(),
            [ConsistencyModel::STRICT_SERIALIZABLE]
        );
        assert_eq!(
            consistency_models(&options("--consistency-models read-committed")).unwrap(),
            [ConsistencyModel::READ_COMMITTED]
        );
        assert!(
            consistency_models(&options("--consistency-models read-committed,serializable"))
                .is_err()
        );
    }

    #[test]
    fn an_unknown_model_makes_the_verdict_unknown() {
        let checked = WORKLOAD.check(&[], &options("--consistency-models snapshotty"));
        assert_eq!(checked.validity, checkers::validity::Validity::Unknown);
        assert!(checked.results["error"]
            .as_str()
            .unwrap()
            .contains("snapshotty"));
    }

    #[test]
    fn replies_must_carry_micro_op_triples() {
        let ok = json!({"type": "txn_ok", "in_reply_to": 1, "txn": [["r", 1, 3], ["w", 1, 4]]});
        assert!(TXN_OK.validate(ok.as_object().unwrap()).is_ok());
        for bad in [json!([["r", 1]]), json!([["x", 1, 2]]), json!([["append", 1, 2]])] {
            let reply = json!({"type": "txn_ok", "in_reply_to": 1, "txn": bad});
            assert!(TXN_OK.validate(reply.as_object().unwrap()).is_err(), "{bad}");
        }
    }
}
