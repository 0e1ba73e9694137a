//! Both kafka handlers on the explorer's cluster (the simulator's network, lin-kv, kafka
//! clients and checker around the real handlers, on the virtual clock), through their
//! registered suites shortened from 20 s to a few for a debug build: the checker finds no
//! lost, reordered or duplicated offsets and no commit going back, in 5a, 5b, 5c and 5c
//! under partitions; 5b and 5c meet their msgs/op and availability targets
//! (`kafka::suites`), and the partitions of 5c-partition really cut the nodes' syncs and
//! forwards.

use kafka::suites::{KAFKA, KAFKA_LEAN};
use runtime::explore::{undelivered_server_messages, Trial};
use runtime::{Bound, Metric, Target};

/// A debug build takes about 1.5 s per virtual second at the suites' rate of 1000, mostly
/// in the checker.
const SHORTER: &str = "--time-limit 3";

/// 5a and 5b bound no figure that depends on the rate, so they also offer less.
const SHORTER_AND_SLOWER: &str = "--time-limit 3 --rate 300";

#[test]
fn the_lin_kv_handler_passes_5a() -> anyhow::Result<()> {
    Trial::suite(runtime::start::<kafka::KafkaNode>, KAFKA, "5a")?
        .with(SHORTER_AND_SLOWER)
        .check(1)?;
    Ok(())
}

#[test]
fn the_lin_kv_handler_passes_5b_within_the_published_msgs_per_op() -> anyhow::Result<()> {
    Trial::suite(runtime::start::<kafka::KafkaNode>, KAFKA, "5b")?
        .with(SHORTER_AND_SLOWER)
        .check(1)?;
    Ok(())
}

#[test]
fn the_lean_handler_passes_5c_within_its_message_and_availability_targets() -> anyhow::Result<()> {
    Trial::suite(runtime::start::<kafka::LeanNode>, KAFKA_LEAN, "5c")?
        .with(SHORTER)
        // The suite's 0.999 counts on 20 s: the workload's `crash` ops (never ok) are mostly
        // fixed (one at the start, one per client at the end), about 5 of some 2800 ops in
        // 3 s (0.998). 0.995 still holds with three times as many.
        .target(Target {
            name: "availability over 3 s",
            metric: Metric::Availability,
            bound: Bound::AtLeast(0.995),
        })
        .check(1)?;
    Ok(())
}

#[test]
fn the_lean_handler_stays_valid_through_partitions() -> anyhow::Result<()> {
    let run = Trial::suite(
        runtime::start::<kafka::LeanNode>,
        KAFKA_LEAN,
        "5c-partition",
    )?
    // Longer than the others: partitions every second from the start hold the first
    // seconds' sends up (125 ops in 3 s, some 1700 in 6 s).
    .with("--time-limit 6 --nemesis-interval 1")
    .check(1)?;
    assert!(
        undelivered_server_messages(&run.results) > 0,
        "the partitions cut nothing"
    );
    Ok(())
}
