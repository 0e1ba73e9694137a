//! The profiles meet the challenges' figures on the cluster model: every value reaches
//! every node, the network goes quiet, and messages per operation and spread latency stay
//! within our targets for 3d (`broadcast`) and 3e (`broadcast-lean`), also across seeds.

use std::time::Duration;

use broadcast::Tuning;

use crate::cluster::{simulate, Figures, Run};

const EFFICIENT: Run = Run {
    nodes: 25,
    rate: 100.0,
    time_limit: Duration::from_secs(20),
    latency: Duration::from_millis(100),
    cut: |_, _, _| false,
    seed: 0,
};

fn converged(figures: &Figures) {
    assert_eq!(figures.missing, 0, "{figures:?}");
    assert_eq!(figures.unsettled, 0, "{figures:?}");
}

#[test]
fn quick_meets_challenge_3d_with_at_most_5_messages_per_op() {
    for seed in 0..3 {
        let figures = simulate(Run { seed, ..EFFICIENT }, &Tuning::QUICK);
        eprintln!("3d seed {seed}: {figures:?}");
        converged(&figures);
        assert!(figures.msgs_per_op <= 5.0, "{figures:?}");
        assert!(figures.p50_ms < 400 && figures.max_ms < 600, "{figures:?}");
    }
}

#[test]
fn lean_meets_challenge_3e_with_at_most_1_5_messages_per_op() {
    for seed in 0..3 {
        let figures = simulate(Run { seed, ..EFFICIENT }, &Tuning::LEAN);
        eprintln!("3e seed {seed}: {figures:?}");
        converged(&figures);
        assert!(figures.msgs_per_op <= 1.5, "{figures:?}");
        assert!(
            figures.p50_ms < 1000 && figures.max_ms < 2000,
            "{figures:?}"
        );
    }
}

/// The hub alone from 0 to 6 s, then two halves apart from 8 to 14 s, then one leaf
/// alone until the end of the main phase, when the network heals.
fn partitions(sent_at: Duration, from: usize, to: usize) -> bool {
    let secs = sent_at.as_secs_f64();
    let apart = |group: fn(usize) -> bool| group(from) != group(to);
    if secs < 6.0 {
        apart(|n| n == 0)
    } else if (8.0..14.0).contains(&secs) {
        apart(|n| n % 2 == 0)
    } else if (15.0..20.0).contains(&secs) {
        apart(|n| n == 3)
    } else {
        false
    }
}

#[test]
fn every_value_reaches_every_node_once_partitions_heal() {
    for tuning in [Tuning::QUICK, Tuning::LEAN] {
        let figures = simulate(
            Run {
                cut: partitions,
                ..EFFICIENT
            },
            &tuning,
        );
        eprintln!("partitioned {tuning:?}: {figures:?}");
        converged(&figures);
        let small = Run {
            nodes: 5,
            rate: 10.0,
            latency: Duration::ZERO,
            cut: partitions,
            ..EFFICIENT
        };
        converged(&simulate(small, &tuning));
    }
}

#[test]
fn one_node_sends_nothing() {
    let alone = Run {
        nodes: 1,
        rate: 10.0,
        ..EFFICIENT
    };
    let figures = simulate(alone, &Tuning::QUICK);
    converged(&figures);
    assert!(
        figures.ops > 150,
        "about 200 operations in 20 s at rate 10: {figures:?}"
    );
    assert_eq!(figures.messages, 0);
}
