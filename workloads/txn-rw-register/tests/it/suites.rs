//! Both handlers on the explorer's cluster (the simulator's network, txn clients and Elle's
//! rw-register checker around the real handlers, on the virtual clock), through their
//! registered suites shortened from 20 s to a few, at a third of the rate, for a debug build: the totally available
//! handler is valid at 6a's and 6b's read uncommitted and 6c's read committed, answers every
//! transaction through 6c's partitions while its replication keeps flowing; the strict
//! handler is judged strict serializable, with and without partitions.

use runtime::explore::{figure, undelivered_server_messages, Trial};
use runtime::Metric;
use txn_rw_register::{StrictTxnNode, TxnNode};

/// A debug build takes about 1.5 s per virtual second at the suites' 1000 a second, mostly
/// in the checker, so these runs offer 300.
const SHORTER: &str = "--time-limit 3 --rate 300";

/// Longer, with partitions every second, so that several come and go.
const PARTITIONED: &str = "--time-limit 5 --rate 300 --nemesis-interval 1";

#[test]
fn the_available_handler_passes_6a_and_6b() -> anyhow::Result<()> {
    for id in ["6a", "6b"] {
        let run = Trial::suite(runtime::start::<TxnNode>, txn_rw_register::SUITES, id)?
            .with(SHORTER)
            .check(1)?;
        if id == "6b" {
            let servers = &run.results["net"]["servers"];
            assert!(
                servers["recv-count"].as_u64() > Some(0),
                "no replication: {servers}"
            );
        }
    }
    Ok(())
}

#[test]
fn the_available_handler_is_read_committed_and_answers_everything_through_partitions(
) -> anyhow::Result<()> {
    let run = Trial::suite(runtime::start::<TxnNode>, txn_rw_register::SUITES, "6c")?
        .with(PARTITIONED)
        .check(1)?;
    assert_eq!(figure(&run.results, Metric::Availability), Some(1.0));
    let servers = &run.results["net"]["servers"];
    assert!(
        servers["recv-count"].as_u64() > Some(0),
        "no replication: {servers}"
    );
    assert!(
        undelivered_server_messages(&run.results) > 0,
        "the partitions cut nothing: {servers}"
    );
    Ok(())
}

#[test]
fn the_strict_handler_is_strict_serializable_with_and_without_partitions() -> anyhow::Result<()> {
    let strict = txn_rw_register::strict_suites::SUITES;
    Trial::suite(
        runtime::start::<StrictTxnNode>,
        strict,
        "txn-rw-register-strict",
    )?
    .with(SHORTER)
    .check(1)?;
    let run = Trial::suite(
        runtime::start::<StrictTxnNode>,
        strict,
        "txn-rw-register-strict-partition",
    )?
    .with(PARTITIONED)
    .check(1)?;
    assert!(
        undelivered_server_messages(&run.results) > 0,
        "the partitions cut nothing"
    );
    Ok(())
}
