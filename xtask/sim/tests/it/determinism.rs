//! The same seed gives the same operations and the same faults; another seed does not.

use sim::options::{parse, Options, Parsed};
use sim::rng::{stream, Stream};
use sim::workload::gen::{take, Step};
use std::time::Duration;

fn options(line: &str) -> Options {
    let words: Vec<String> = line.split(' ').map(String::from).collect();
    match parse(&words).unwrap() {
        Parsed::Run(o) => *o,
        Parsed::Help => unreachable!(),
    }
}

fn operations(workload: &str, seed: u64) -> Vec<Step> {
    // Two threads per node: lin-kv's thread groups need a multiple of 2n.
    let opts = options(&format!(
        "-w {workload} --bin x --node-count 3 --concurrency 2n"
    ));
    let w = sim::workload::find(workload).unwrap();
    let mut g = w.generator(&opts, stream(seed, Stream::Generator));
    take(g.as_mut(), opts.concurrency, 300)
}

#[test]
fn every_workload_generates_the_same_operations_for_the_same_seed() {
    for w in sim::workload::all() {
        let name = w.name();
        assert_eq!(operations(name, 42), operations(name, 42), "{name}");
    }
    for name in [
        "echo",
        "broadcast",
        "g-set",
        "g-counter",
        "pn-counter",
        "lin-kv",
    ] {
        assert_ne!(
            operations(name, 42),
            operations(name, 43),
            "{name} should depend on the seed"
        );
    }
}

#[test]
fn the_nemesis_schedule_follows_the_seed() {
    let opts =
        options("-w broadcast --bin x --node-count 5 --nemesis partition --nemesis-interval 2");
    let schedule = |seed| {
        let interval = Duration::from_secs_f64(opts.nemesis_interval);
        sim::nemesis::schedule(
            &opts.nodes,
            interval,
            Duration::from_secs(60),
            stream(seed, Stream::Nemesis),
        )
    };
    assert_eq!(schedule(7), schedule(7));
    assert_ne!(schedule(7), schedule(8));
    assert!(schedule(7).len() > 10);
}
