//! The Raft flows one at a time: elections, replication, the commit rule, read-index,
//! stepping down, PreVote, CheckQuorum, input validation, message economy, and relaying
//! around one-way cuts. Some drive one core by hand with crafted messages, the rest a
//! fault-free simulated cluster.

use std::time::Duration;

use tokio::time::Instant;

use super::config::RaftConfig;
use super::core::{Committed, Raft, Role};
use super::log::Entry;
use super::message::RaftMessage;
use super::sim::{Cluster, Faults, TEST_CONFIG};

const CONFIG: RaftConfig = TEST_CONFIG;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn ids(size: usize) -> Vec<String> {
    (0..size).map(|n| format!("n{n}")).collect()
}

/// Node n0 of a cluster of `size`, driven by hand.
fn lone_node(size: usize, t0: Instant) -> Raft<u64> {
    Raft::new("n0", &ids(size), CONFIG, 7, t0)
}

/// Makes n0 leader with the help of n1's pre-vote and vote, at `now`.
fn elect_n0(node: &mut Raft<u64>, now: Instant) {
    node.take_messages();
    node.tick(now.max(node.next_due()));
    let term = node.term() + 1;
    assert_eq!(node.role(), Role::PreCandidate);
    assert!(node
        .take_messages()
        .iter()
        .all(|(_, m)| matches!(m, RaftMessage::PreVote { term: t, .. } if *t == term)));
    node.step(
        "n1",
        RaftMessage::PreVoteReply {
            term,
            granted: true,
        },
        now,
    );
    assert_eq!((node.role(), node.term()), (Role::Candidate, term));
    node.step(
        "n1",
        RaftMessage::VoteReply {
            term,
            granted: true,
        },
        now,
    );
    assert_eq!(node.role(), Role::Leader);
}

fn append_reply(term: u64, round: u64, index: u64) -> RaftMessage<u64> {
    RaftMessage::AppendReply {
        term,
        round,
        index,
        reject: None,
    }
}

fn cluster(size: usize, seed: u64) -> Cluster {
    Cluster::new(size, CONFIG, Faults::none(ms(10)), seed)
}

fn elect(cluster: &mut Cluster) -> usize {
    assert!(
        cluster.run_until(Duration::from_secs(3), |c| c.leader().is_some()),
        "no leader within 3 s"
    );
    // Let the first round reach everyone.
    cluster.run_for(ms(100));
    cluster.leader().expect("a leader")
}

#[test]
fn a_three_node_cluster_elects_one_leader_that_everyone_follows() {
    let mut cluster = cluster(3, 1);
    let leader = elect(&mut cluster);
    cluster.run_for(ms(500));
    assert_eq!(cluster.leader(), Some(leader), "the leader stays");
    let leader_id = format!("n{leader}");
    let term = cluster.nodes[leader].term();
    for node in &cluster.nodes {
        assert_eq!(node.term(), term);
        assert_eq!(node.leader(), Some(leader_id.as_str()));
        assert_eq!(
            node.commit_index(),
            1,
            "the leader's no-op commits everywhere"
        );
    }
}

#[test]
fn a_proposal_commits_on_every_node_and_only_at_the_leader() {
    let mut cluster = cluster(3, 2);
    let leader = elect(&mut cluster);
    let follower = (leader + 1) % 3;
    let refused = cluster.propose(follower, 5).unwrap_err();
    assert_eq!(refused.leader_hint, Some(format!("n{leader}")));
    let id = cluster.propose(leader, 42).expect("the leader accepts");
    assert!(cluster.run_until(ms(500), |c| c
        .nodes
        .iter()
        .all(|node| node.commit_index() >= id.index)));
    assert_eq!(
        cluster.checker.committed().get(&id.index),
        Some(&(id.term, Some(42)))
    );
}

#[test]
fn entries_of_an_earlier_term_commit_only_with_one_of_the_current_term() {
    let t0 = Instant::now();
    let mut node = lone_node(3, t0);
    elect_n0(&mut node, t0);
    let proposed = node.propose(7, t0).unwrap();
    assert_eq!((proposed.index, proposed.term), (2, 1));
    // n1 leads term 2 for a while without n0's entries reaching anyone.
    let now = t0 + ms(1);
    node.step(
        "n1",
        RaftMessage::Append {
            term: 2,
            prev_index: 0,
            prev_term: 0,
            entries: vec![],
            commit: 0,
            round: 1,
        },
        now,
    );
    assert_eq!((node.role(), node.term()), (Role::Follower, 2));
    // n0 is elected at term 3 and appends its no-op at index 3.
    let now = now + CONFIG.election_timeout_max;
    elect_n0(&mut node, now);
    assert_eq!(node.term(), 3);
    node.take_messages();
    // A majority (n0, n1) now holds index 2, but it is of term 1: no commit yet.
    node.step("n1", append_reply(3, 1, 2), now);
    assert_eq!(
        node.commit_index(),
        0,
        "an earlier term's entry is not counted"
    );
    node.step("n1", append_reply(3, 1, 3), now);
    assert_eq!(
        node.commit_index(),
        3,
        "the current term's entry commits all before it"
    );
    let committed: Vec<(u64, u64, Option<u64>)> = node
        .take_committed()
        .into_iter()
        .map(
            |Committed {
                 index,
                 term,
                 command,
             }| (index, term, command),
        )
        .collect();
    assert_eq!(committed, vec![(1, 1, None), (2, 1, Some(7)), (3, 3, None)]);
    assert!(
        node.take_committed().is_empty(),
        "each entry is handed out once"
    );
}

#[test]
fn a_read_waits_for_the_no_op_and_for_a_round_that_started_after_it() {
    let t0 = Instant::now();
    let mut node = lone_node(3, t0);
    elect_n0(&mut node, t0);
    let term = node.term();
    node.take_messages();
    node.read_index(1, t0).expect("the leader takes reads");
    // Round 1 (the no-op's) began before the read: it commits the no-op but confirms
    // nothing about the read.
    node.step("n1", append_reply(term, 1, 1), t0 + ms(1));
    assert_eq!(node.commit_index(), 1);
    assert!(node.take_ready_reads().is_empty());
    // The read starts round 2 once the batch gap has passed.
    let flush = node.next_due();
    assert!(
        flush <= t0 + CONFIG.batch_gap,
        "a waiting read brings the round forward"
    );
    node.tick(flush);
    let round_two: Vec<_> = node.take_messages();
    assert_eq!(round_two.len(), 2);
    assert!(round_two
        .iter()
        .all(|(_, m)| matches!(m, RaftMessage::Append { round: 2, .. })));
    node.step("n2", append_reply(term, 2, 1), flush + ms(1));
    assert_eq!(node.take_ready_reads(), vec![(1, 1)]);
}

#[test]
fn a_leader_steps_down_on_a_higher_term_and_abandons_its_reads() {
    let t0 = Instant::now();
    let mut node = lone_node(3, t0);
    elect_n0(&mut node, t0);
    node.read_index(9, t0).unwrap();
    let higher = node.term() + 3;
    node.step(
        "n2",
        RaftMessage::AppendReply {
            term: higher,
            round: 1,
            index: 0,
            reject: None,
        },
        t0 + ms(1),
    );
    assert_eq!(
        (node.role(), node.term(), node.leader()),
        (Role::Follower, higher, None)
    );
    assert_eq!(node.take_abandoned_reads(), vec![9]);
    assert!(node.propose(1, t0 + ms(1)).is_err());
    assert!(node.read_index(10, t0 + ms(1)).is_err());
}

#[test]
fn an_isolated_follower_does_not_inflate_its_term_or_depose_the_leader_on_return() {
    let mut cluster = cluster(3, 3);
    let leader = elect(&mut cluster);
    let term = cluster.nodes[leader].term();
    let loner = (leader + 1) % 3;
    let mut groups = vec![0; 3];
    groups[loner] = 1;
    cluster.partition(groups);
    cluster.run_for(Duration::from_secs(5));
    assert_eq!(
        cluster.nodes[loner].term(),
        term,
        "pre-votes changed no term"
    );
    assert_ne!(cluster.nodes[loner].role(), Role::Leader);
    cluster.heal();
    cluster.run_for(Duration::from_secs(1));
    assert_eq!(cluster.leader(), Some(leader));
    assert_eq!(
        cluster.nodes[leader].term(),
        term,
        "the leader kept its term"
    );
    assert_eq!(
        cluster.nodes[loner].leader(),
        Some(format!("n{leader}").as_str())
    );
}

#[test]
fn a_leader_cut_off_from_the_majority_steps_down_within_the_election_timeout() {
    let mut cluster = cluster(5, 4);
    let leader = elect(&mut cluster);
    let mut groups = vec![0; 5];
    groups[leader] = 1;
    groups[(leader + 1) % 5] = 1;
    cluster.partition(groups);
    cluster.read(leader, 77).expect("still leading for now");
    let cut_at = cluster.now;
    assert!(cluster.run_until(
        CONFIG.election_timeout_min + CONFIG.heartbeat_interval,
        |c| c.nodes[leader].role() != Role::Leader
    ));
    assert!(cluster.now - cut_at >= CONFIG.election_timeout_min - CONFIG.heartbeat_interval);
    assert_eq!(cluster.checker.reads_abandoned, vec![77]);
    // The majority side elects a new leader, which serves.
    assert!(cluster.run_until(Duration::from_secs(3), |c| c
        .leader()
        .is_some_and(|n| c.nodes[n].term() > c.nodes[leader].term())));
}

#[test]
fn a_follower_that_hears_its_leader_ignores_votes() {
    let mut cluster = cluster(3, 5);
    let leader = elect(&mut cluster);
    let follower = (leader + 1) % 3;
    let other = format!("n{}", (leader + 2) % 3);
    let node = &mut cluster.nodes[follower];
    let term = node.term();
    let now = cluster.now;
    for message in [
        RaftMessage::Vote {
            term: term + 1,
            last_index: 100,
            last_term: term,
        },
        RaftMessage::PreVote {
            term: term + 1,
            last_index: 100,
            last_term: term,
        },
    ] {
        node.step(&other, message, now);
        assert!(node.take_messages().is_empty());
        assert_eq!((node.term(), node.role()), (term, Role::Follower));
    }
}

#[test]
fn messages_from_strangers_or_with_impossible_fields_change_nothing() {
    let t0 = Instant::now();
    let mut node = lone_node(3, t0);
    let append = |term: u64, prev_index: u64, entries: Vec<Entry<u64>>| RaftMessage::Append {
        term,
        prev_index,
        prev_term: 0,
        entries,
        commit: 5,
        round: 1,
    };
    let entry = |term| Entry {
        term,
        command: Some(1),
    };
    let inputs: Vec<(&str, RaftMessage<u64>)> = vec![
        ("n9", append(1, 0, vec![entry(1)])),
        ("n0", append(1, 0, vec![entry(1)])),
        ("n1", append(0, 0, vec![])),
        ("n1", append(u64::MAX, 0, vec![])),
        ("n1", append(1, 0, vec![entry(2)])),
        ("n1", append(2, 0, vec![entry(2), entry(1)])),
        ("n1", append(1, u64::MAX, vec![entry(1)])),
    ];
    for (from, message) in inputs {
        node.step(from, message, t0);
        assert!(node.take_messages().is_empty(), "from {from}");
        assert_eq!(node.log().last_index(), 0);
        assert_eq!(node.commit_index(), 0);
    }
    // Replies nobody asked for, including ones claiming entries the log lacks, are
    // ignored too.
    elect_n0(&mut node, t0);
    node.take_messages();
    node.step("n1", append_reply(node.term(), 1, 50), t0);
    assert_eq!(node.commit_index(), 0);
    assert!(node.take_messages().is_empty());
}

#[test]
fn a_follower_keeps_entries_a_stale_duplicate_would_cut_and_catches_up_in_chunks() {
    let config = RaftConfig {
        max_entries_per_message: 3,
        ..CONFIG
    };
    let mut cluster = Cluster::new(3, config, Faults::none(ms(10)), 6);
    let leader = elect(&mut cluster);
    let loner = (leader + 1) % 3;
    let mut groups = vec![0; 3];
    groups[loner] = 1;
    cluster.partition(groups);
    let mut last = None;
    for command in 0..20 {
        last = Some(cluster.propose(leader, command).unwrap());
        cluster.run_for(ms(3));
    }
    let last = last.unwrap();
    cluster.run_for(ms(200));
    assert!(cluster.nodes[leader].commit_index() >= last.index);
    cluster.heal();
    assert!(cluster.run_until(ms(500), |c| c.nodes[loner].commit_index() >= last.index));
}

#[test]
fn an_idle_cluster_sends_only_heartbeats() {
    let mut cluster = cluster(5, 7);
    elect(&mut cluster);
    cluster.run_for(ms(200));
    let before = cluster.messages_sent();
    cluster.run_for(Duration::from_secs(10));
    let per_second = (cluster.messages_sent() - before) / 10;
    // One round per heartbeat interval: 4 AppendEntries and 4 replies.
    let expected = 8 * 1000 / CONFIG.heartbeat_interval.as_millis() as u64;
    assert!(per_second <= expected, "{per_second} messages a second");
}

#[test]
fn proposals_within_the_batch_gap_share_one_round() {
    let config = RaftConfig {
        batch_gap: ms(50),
        ..CONFIG
    };
    let mut cluster = Cluster::new(5, config, Faults::none(ms(10)), 8);
    let leader = elect(&mut cluster);
    cluster.run_for(ms(200));
    let before = cluster.messages_sent();
    // 100 proposals a second for 5 s.
    for command in 0..500 {
        cluster.propose(leader, command).unwrap();
        cluster.run_for(ms(10));
    }
    cluster.run_for(ms(100));
    let per_op = (cluster.messages_sent() - before) as f64 / 500.0;
    // One round per 50 ms gap, 8 messages each: 160 a second, 1.6 per proposal.
    assert!(per_op <= 1.7, "{per_op} messages per proposal");
    assert!(cluster.checker.committed().len() >= 501);
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let run = |seed| {
        let faults = Faults {
            min_latency: ms(1),
            max_latency: ms(40),
            drop: 0.1,
            duplicate: 0.05,
            stall_chance: 0.01,
            stall: Duration::from_secs(1),
        };
        let mut cluster = Cluster::new(5, CONFIG, faults, seed);
        for command in 0..100 {
            if let Some(leader) = cluster.leader() {
                let _ = cluster.propose(leader, command);
            }
            cluster.run_for(ms(30));
        }
        (cluster.messages_sent(), cluster.checker.committed().clone())
    };
    assert_eq!(run(11), run(11));
    assert_ne!(run(11).0, run(12).0);
}

#[test]
fn messages_travel_as_json_tagged_with_kind() {
    let message: RaftMessage<String> = RaftMessage::Append {
        term: 3,
        prev_index: 1,
        prev_term: 2,
        entries: vec![
            Entry {
                term: 3,
                command: None,
            },
            Entry {
                term: 3,
                command: Some("x".to_owned()),
            },
        ],
        commit: 1,
        round: 4,
    };
    let json = serde_json::to_value(&message).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "append", "term": 3, "prev_index": 1, "prev_term": 2,
            "entries": [{"t": 3}, {"t": 3, "c": "x"}], "commit": 1, "round": 4})
    );
    assert_eq!(
        serde_json::from_value::<RaftMessage<String>>(json).unwrap(),
        message
    );
    let reply: RaftMessage<String> =
        serde_json::from_str(r#"{"kind":"append_reply","term":3,"round":4,"index":2}"#).unwrap();
    assert_eq!(
        reply,
        RaftMessage::AppendReply {
            term: 3,
            round: 4,
            index: 2,
            reject: None
        }
    );
}

/// The default configuration against the workload's budget at 5 nodes, 100 operations a
/// second and 10 ms one-way latency: messages per operation and the time a partition
/// that cuts the leader off leaves the majority without one.
#[test]
fn the_default_config_batches_and_fails_over_within_budget() {
    let config = RaftConfig::default();
    let mut cluster = Cluster::new(5, config, Faults::none(ms(10)), 9);
    let leader = elect(&mut cluster);
    let before = cluster.messages_sent();
    for command in 0..1000 {
        cluster.propose(leader, command).unwrap();
        cluster.run_for(ms(10));
    }
    let per_op = (cluster.messages_sent() - before) as f64 / 1000.0;
    let rounds_per_second =
        1000.0 / config.batch_gap.min(config.heartbeat_interval).as_millis() as f64;
    let budget = 8.0 * rounds_per_second / 100.0;
    assert!(
        per_op <= budget + 0.05,
        "{per_op} messages per operation, budget {budget}"
    );

    let mut groups = vec![0; 5];
    groups[leader] = 1;
    groups[(leader + 1) % 5] = 1;
    cluster.partition(groups);
    let cut_at = cluster.now;
    let majority: Vec<usize> = (0..5)
        .filter(|n| *n != leader && *n != (leader + 1) % 5)
        .collect();
    assert!(cluster.run_until(Duration::from_secs(3), |c| majority
        .iter()
        .any(|n| c.nodes[*n].role() == Role::Leader)));
    let new_leader = cluster.leader().expect("the majority elected a leader");
    let id = cluster.propose(new_leader, 5000).unwrap();
    assert!(
        cluster.run_until(Duration::from_secs(1), |c| c.nodes[new_leader]
            .commit_index()
            >= id.index)
    );
    let downtime = cluster.now - cut_at;
    // The followers' timers run out at most the maximum timeout after the last
    // heartbeat; a pre-vote, a vote and a round follow, two one-way trips each.
    let bound = config.election_timeout_max + config.heartbeat_interval + ms(6 * 10 + 20);
    assert!(
        downtime <= bound,
        "the majority served again after {downtime:?}, bound {bound:?}"
    );
    assert!(
        cluster.nodes[leader].role() != Role::Leader,
        "CheckQuorum deposed the old leader"
    );
}

/// Maelstrom's `majorities-ring` partition: at 5 nodes each node reaches only its two
/// ring neighbours, a majority with itself. The leader keeps its majority, so it must
/// keep leading, and the two nodes it cannot reach must not win pre-votes (their other
/// neighbours still hear the leader) and bump terms; relaying changes none of that.
#[test]
fn a_majorities_ring_keeps_its_leader_and_its_term() {
    for relaying in [false, true] {
        a_five_node_majorities_ring_keeps_its_leader_and_its_term(relaying);
    }
}

fn a_five_node_majorities_ring_keeps_its_leader_and_its_term(relaying: bool) {
    let mut cluster = cluster(5, 10);
    if relaying {
        cluster.relay_around_cuts();
    }
    let leader = elect(&mut cluster);
    let term = cluster.nodes[leader].term();
    let ring: Vec<usize> = (0..5).map(|k| (leader + k) % 5).collect();
    for (position, from) in ring.iter().enumerate() {
        for (other, to) in ring.iter().enumerate() {
            let distance = (position + 5 - other) % 5;
            if distance == 2 || distance == 3 {
                cluster.cut_link(*from, *to);
            }
        }
    }
    // Idle first: the cut-off nodes' logs are as up to date as anyone's, so only the
    // neighbours' trust in the leader refuses their pre-votes.
    cluster.run_for(Duration::from_secs(2));
    assert!(
        cluster.nodes.iter().all(|node| node.term() == term),
        "no term moved while idle"
    );
    let mut last = None;
    for command in 0..100 {
        last = Some(
            cluster
                .propose(leader, command)
                .expect("the leader keeps leading"),
        );
        cluster.run_for(ms(50));
    }
    assert!(
        cluster.nodes.iter().all(|node| node.term() == term),
        "no term moved"
    );
    let last = last.unwrap();
    assert!(cluster.run_until(ms(200), |c| c.nodes[leader].commit_index() >= last.index));
}

/// The 3-node `majorities-ring` of a Maelstrom run (grudges n0: [n2], n1: [n0], n2: [n1]):
/// every node sends to one other and hears one other, so no two hear each other.
fn three_node_ring(cluster: &mut Cluster) {
    cluster.cut_link(2, 0);
    cluster.cut_link(0, 1);
    cluster.cut_link(1, 2);
}

#[test]
fn a_three_node_majorities_ring_elects_and_commits_only_through_relays() {
    for relaying in [false, true] {
        let mut cluster = cluster(3, 11);
        if relaying {
            cluster.relay_around_cuts();
        }
        three_node_ring(&mut cluster);
        let elected = cluster.run_until(Duration::from_secs(5), |c| c.leader().is_some());
        assert_eq!(elected, relaying, "relaying: {relaying}");
        if !relaying {
            continue;
        }
        let leader = cluster.leader().expect("a leader");
        let id = cluster.propose(leader, 5).expect("the leader accepts");
        assert!(
            cluster.run_until(ms(500), |c| c
                .nodes
                .iter()
                .all(|node| node.commit_index() >= id.index)),
            "committed on every node, each reached around the ring"
        );
    }
}

#[test]
fn relaying_carries_a_leader_through_a_ring_and_stops_after_the_heal() {
    let mut cluster = cluster(3, 12);
    cluster.relay_around_cuts();
    let leader = elect(&mut cluster);
    let term = cluster.nodes[leader].term();
    three_node_ring(&mut cluster);
    let before = cluster.messages_sent();
    let mut last = None;
    for command in 0..40 {
        last = Some(
            cluster
                .propose(leader, command)
                .expect("relays keep the leader's majority"),
        );
        cluster.run_for(ms(50));
    }
    let last = last.unwrap();
    assert!(cluster.run_until(ms(500), |c| c
        .nodes
        .iter()
        .all(|node| node.commit_index() >= last.index)));
    assert_eq!(cluster.nodes[leader].term(), term, "no election was needed");
    let in_ring = cluster.messages_sent() - before;
    cluster.heal();
    cluster.run_for(Duration::from_secs(1));
    let before = cluster.messages_sent();
    cluster.run_for(Duration::from_secs(2));
    let healed = cluster.messages_sent() - before;
    // Idle and healed: one round per heartbeat interval, 2 AppendEntries and 2 replies.
    let heartbeats = 4 * 2000 / CONFIG.heartbeat_interval.as_millis() as u64;
    assert!(
        healed <= heartbeats,
        "{healed} messages in 2 s after the heal"
    );
    assert!(
        in_ring > 2 * heartbeats,
        "the ring took relayed copies: {in_ring} messages in 2 s"
    );
}

#[test]
fn relaying_nodes_send_what_plain_ones_do_while_nothing_is_cut() {
    let run = |relaying| {
        let mut cluster = cluster(5, 13);
        if relaying {
            cluster.relay_around_cuts();
        }
        let leader = elect(&mut cluster);
        for command in 0..200 {
            cluster.propose(leader, command).unwrap();
            cluster.run_for(ms(10));
        }
        cluster.run_for(Duration::from_secs(2));
        (cluster.messages_sent(), cluster.checker.committed().len())
    };
    assert_eq!(run(true), run(false));
}
