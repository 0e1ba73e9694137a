//! txn-list-append (spec §2.9): txn-rw-register's workload with appends in place of writes
//! (`["append", k, v]`, values unique per key) and reads that return whole lists. Judged by
//! Elle's list-append checker, whose verdict is reported unwrapped (it can be `unknown`).

use super::txn_rw_register::TxnWorkload;
use super::Workload;

pub const WORKLOAD: &dyn Workload = &TxnWorkload {
    name: "txn-list-append",
    write_f: "append",
    checker: checkers::txn::list_append::check,
};
