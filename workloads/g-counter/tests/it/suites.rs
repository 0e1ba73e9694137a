//! The g-counter handler on the explorer's cluster through its registered suites (the
//! simulator's network, partitions, seq-kv with its stale reads, and the counter checker
//! around the real handler, on the virtual clock): every add is acknowledged, through
//! partitions, and every node's final read is the exact total. What the scripted seq-kv
//! of the other tests holds back (a lost CAS reply, the stalest reads the spec allows) the
//! simulator's seq-kv only does at random, so those stay there.

use g_counter::GCounterNode;
use runtime::explore::{figure, Trial};
use runtime::Metric;

#[test]
fn adds_stay_available_in_partitions_and_final_reads_are_exact() -> anyhow::Result<()> {
    // The suites' 20 s at rate 100, partitions every 10 s; halved, with partitions every
    // 2 s so that several come and go.
    for id in ["4", "4-5n"] {
        let run = Trial::suite(runtime::start::<GCounterNode>, g_counter::SUITES, id)?
            .with("--time-limit 10 --nemesis-interval 2")
            .check(1)?;
        assert_eq!(figure(&run.results, Metric::Availability), Some(1.0));
    }
    Ok(())
}
