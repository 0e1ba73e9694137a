//! Raft's safety properties under random faults: proptest picks a cluster size, how
//! lossy, duplicating and slow the network is, a seed for the schedule of partitions and
//! client operations, whether the nodes relay around cuts, and the simulated cluster runs
//! it with the [`super::checks`]
//! checks after every event. Once the network heals, the cluster must recover: a leader
//! is elected and both a proposal and a read complete.

use std::time::Duration;

use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::config::RaftConfig;
use super::core::Role;
use super::sim::{Cluster, Faults, TEST_CONFIG};

/// Two entries a message, so that catching up takes many messages.
const CONFIG: RaftConfig = RaftConfig {
    max_entries_per_message: 2,
    ..TEST_CONFIG
};

/// How long the faults last, and the step of the client schedule.
const FAULTY_FOR: Duration = Duration::from_secs(6);
const STEP: Duration = Duration::from_millis(10);

#[derive(Debug, Clone)]
struct Schedule {
    size: usize,
    faults: Faults,
    partitions: bool,
    relaying: bool,
    seed: u64,
}

fn schedules() -> impl Strategy<Value = Schedule> {
    (
        prop_oneof![Just(3usize), Just(5usize)],
        0.0f64..0.25,
        0.0f64..0.1,
        1u64..80,
        0.0f64..0.05,
        any::<bool>(),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(
            |(size, drop, duplicate, max_latency, stall_chance, partitions, relaying, seed)| {
                Schedule {
                    size,
                    faults: Faults {
                        min_latency: Duration::from_millis(1),
                        max_latency: Duration::from_millis(max_latency),
                        drop,
                        duplicate,
                        stall_chance,
                        stall: Duration::from_secs(2),
                    },
                    partitions,
                    relaying,
                    seed,
                }
            },
        )
}

/// Runs the faulty phase: clients propose and read at random nodes while partitions
/// come and go. Returns the cluster and the next unused command.
fn run_faulty(schedule: &Schedule) -> (Cluster, u64) {
    let mut cluster = Cluster::new(schedule.size, CONFIG, schedule.faults, schedule.seed);
    if schedule.relaying {
        cluster.relay_around_cuts();
    }
    let mut rng = StdRng::seed_from_u64(schedule.seed ^ 0x5eed);
    let mut command = 0;
    let mut read = 0;
    let steps = FAULTY_FOR.as_millis() / STEP.as_millis();
    for _ in 0..steps {
        // Clients mostly find a node that believes it leads, stale ones included, so
        // that deposed leaders grow entries that must later be cut.
        let leaders: Vec<usize> = (0..schedule.size)
            .filter(|n| cluster.nodes[*n].role() == Role::Leader)
            .collect();
        let node = if !leaders.is_empty() && rng.gen_bool(0.8) {
            leaders[rng.gen_range(0..leaders.len())]
        } else {
            rng.gen_range(0..schedule.size)
        };
        if rng.gen_bool(0.3) {
            command += 1;
            let _ = cluster.propose(node, command);
        }
        if rng.gen_bool(0.2) {
            read += 1;
            let _ = cluster.read(node, read);
        }
        if schedule.partitions && rng.gen_bool(0.03) {
            if rng.gen_bool(0.3) {
                cluster.heal();
            } else {
                let groups = (0..schedule.size).map(|_| rng.gen_range(0..3)).collect();
                cluster.partition(groups);
                // Sometimes some links fail one way on top.
                for from in 0..schedule.size {
                    for to in 0..schedule.size {
                        if rng.gen_bool(0.05) {
                            cluster.cut_link(from, to);
                        }
                    }
                }
            }
        }
        cluster.run_for(STEP);
    }
    (cluster, command + 1)
}

/// Heals the network and checks that the cluster serves again within a few seconds: a
/// proposal to the leader commits on every node, and a read at the leader is answered.
fn check_recovery(mut cluster: Cluster, mut command: u64) -> Result<(), TestCaseError> {
    cluster.heal();
    cluster.faults = Faults::none(Duration::from_millis(5));
    let healed_at = cluster.now;
    // A node that led before the heal may take a proposal and then be deposed, so the
    // clients try again, as clients do, until one proposal wins.
    loop {
        prop_assert!(
            cluster.now - healed_at < Duration::from_secs(5),
            "no proposal committed everywhere within 5 s of healing"
        );
        let Some(proposed) = cluster
            .leader()
            .and_then(|leader| cluster.propose(leader, command).ok())
        else {
            cluster.run_for(STEP);
            continue;
        };
        command += 1;
        let won = |c: &Cluster| {
            c.checker
                .committed()
                .get(&proposed.index)
                .map(|(term, _)| *term)
                == Some(proposed.term)
                && c.nodes
                    .iter()
                    .all(|node| node.commit_index() >= proposed.index)
        };
        if cluster.run_until(Duration::from_millis(500), won) {
            break;
        }
    }
    let leader = cluster.leader().expect("a leader after a commit");
    let read = u64::MAX;
    cluster.read(leader, read).expect("the leader takes a read");
    let ready = cluster.run_until(Duration::from_secs(2), |c| {
        c.checker.reads_ready.iter().any(|(id, _)| *id == read)
    });
    prop_assert!(ready, "the read was not answered after healing");
    cluster.checker.check_all(&cluster.nodes);
    Ok(())
}

proptest! {
    // A fixed seed and no regression files: the same cases on every run.
    #![proptest_config(ProptestConfig {
        cases: 96,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x4af7_5afe),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn safety_holds_under_faults_and_the_cluster_recovers(schedule in schedules()) {
        let (cluster, command) = run_faulty(&schedule);
        check_recovery(cluster, command)?;
    }
}
