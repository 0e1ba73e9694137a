//! txn-list-append (spec §2.9): txn-rw-register's workload with appends in place of writes
//! (`["append", k, v]`, values unique per key) and reads that return whole lists. Judged by
//! Elle's list-append checker, whose verdict is reported unwrapped (it can be `unknown`).
//! Replies must carry `["r", k, list-or-null]` and `["append", k, v]` micro-ops only
//! (Maelstrom's `ReadRes` and `Append`); anything else makes the operation `info`.

use super::txn_rw_register::TxnWorkload;
use super::Workload;
use crate::client::schema::{Field, Schema};

pub const WORKLOAD: &dyn Workload = &TxnWorkload {
    name: "txn-list-append",
    write_f: "append",
    reply: TXN_OK,
    checker: checkers::txn::list_append::check,
};

const TXN_OK: Schema = Schema {
    reply_type: "txn_ok",
    fields: &[(
        "txn",
        Field::ArrayOf(&Field::Either(&[
            Field::Tuple(&[Field::Eq("r"), Field::Any, Field::ArrayOf(&Field::Any)]),
            Field::Tuple(&[Field::Eq("append"), Field::Any, Field::Any]),
        ])),
    )],
};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replies_must_carry_reads_of_lists_and_appends() {
        let ok = json!({"type": "txn_ok", "in_reply_to": 1,
                        "txn": [["r", 1, [3]], ["r", 2, null], ["append", 1, 4]]});
        assert!(TXN_OK.validate(ok.as_object().unwrap()).is_ok());
        for bad in [json!([["r", 1, 3]]), json!([["w", 1, 2]]), json!([["append", 1]])] {
            let reply = json!({"type": "txn_ok", "in_reply_to": 1, "txn": bad});
            assert!(TXN_OK.validate(reply.as_object().unwrap()).is_err(), "{bad}");
        }
    }
}
