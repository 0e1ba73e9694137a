//! Arbitrary messages from members and strangers, between ticks and proposals: a
//! node must never panic and must keep its own invariants.

use std::time::Duration;

use proptest::prelude::*;
use tokio::time::Instant;

use super::config::RaftConfig;
use super::core::Raft;
use super::log::Entry;
use super::message::{RaftMessage, RejectHint};
use super::sim::TEST_CONFIG;

const CONFIG: RaftConfig = TEST_CONFIG;

fn number() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..6,
        Just(u64::MAX / 2),
        Just(u64::MAX - 1),
        Just(u64::MAX)
    ]
}

fn message() -> impl Strategy<Value = RaftMessage<u64>> {
    let entries = proptest::collection::vec(
        (number(), proptest::option::of(any::<u64>()))
            .prop_map(|(term, command)| Entry { term, command }),
        0..4,
    );
    prop_oneof![
        (number(), number(), number()).prop_map(|(term, last_index, last_term)| {
            RaftMessage::PreVote {
                term,
                last_index,
                last_term,
            }
        }),
        (number(), any::<bool>())
            .prop_map(|(term, granted)| RaftMessage::PreVoteReply { term, granted }),
        (number(), number(), number()).prop_map(|(term, last_index, last_term)| {
            RaftMessage::Vote {
                term,
                last_index,
                last_term,
            }
        }),
        (number(), any::<bool>())
            .prop_map(|(term, granted)| RaftMessage::VoteReply { term, granted }),
        (number(), number(), number(), entries, number(), number()).prop_map(
            |(term, prev_index, prev_term, entries, commit, round)| RaftMessage::Append {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
                round,
            }
        ),
        (
            number(),
            number(),
            number(),
            proptest::option::of((number(), number()))
        )
            .prop_map(|(term, round, index, hint)| RaftMessage::AppendReply {
                term,
                round,
                index,
                reject: hint.map(|(index, term)| RejectHint { index, term }),
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x6a4b_a6e5),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_node_survives_garbage(
        inputs in proptest::collection::vec((0usize..4, message(), 0u64..300), 1..60)
    ) {
        let t0 = Instant::now();
        let ids: Vec<String> = ["n0", "n1", "n2"].map(String::from).to_vec();
            let mut node: Raft<u64> = Raft::new("n0", &ids, CONFIG, 3, t0);
        let mut now = t0;
        for (sender, message, wait) in inputs {
            now += Duration::from_millis(wait);
            let from = ["n0", "n1", "n2", "stranger"][sender];
            node.step(from, message, now);
            node.tick(now);
            let _ = node.propose(wait, now);
            let _ = node.read_index(wait, now);
            prop_assert!(node.commit_index() <= node.log().last_index());
            prop_assert!(node.next_due() > now);
            for committed in node.take_committed() {
                prop_assert!(committed.index <= node.commit_index());
            }
            node.take_messages();
        }
    }
}
