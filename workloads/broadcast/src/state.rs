//! One node's broadcast state machine, free of I/O and clocks: the values it holds, the
//! star it spreads them over, and the batching outbox that carries them. The handler
//! feeds it client broadcasts and peers' gossip with the current time, and sends what
//! [`State::due`] returns; tests drive whole clusters of it on simulated time.

use runtime::batcher::{Batch, Batcher};
use runtime::topology::Graph;
use tokio::time::Instant;

use crate::payload::Value;
use crate::tuning::Tuning;
use crate::values::Values;

/// The hub of the star: the first node of Maelstrom's list, which every node knows the
/// same way from `init`.
const HUB_INDEX: usize = 0;

#[derive(Debug, Clone)]
pub struct State {
    me: String,
    graph: Graph,
    values: Values,
    outbox: Batcher<String, Value>,
}

impl State {
    /// The state of node `me` of the cluster `nodes`.
    pub fn new(me: &str, nodes: &[String], tuning: &Tuning) -> State {
        let graph = Graph::star(nodes, HUB_INDEX);
        let is_hub = nodes.get(HUB_INDEX).is_some_and(|hub| hub == me);
        State {
            me: me.to_owned(),
            graph,
            values: Values::default(),
            outbox: Batcher::new(tuning.policy(is_hub)),
        }
    }

    /// A client's value: held at once (the client is answered before it spreads) and
    /// queued for the hub, or for every leaf when this node is the hub.
    pub fn broadcast(&mut self, value: Value, now: Instant) {
        self.learn(value, None, now);
    }

    /// A peer's batch: its values are held and passed on along the star, its
    /// acknowledgement settles what this node sent that peer.
    pub fn gossip(&mut self, from: &str, batch: Batch<Value>, now: Instant) {
        for value in self.outbox.receive(&from.to_owned(), batch, now) {
            self.learn(value, Some(from), now);
        }
    }

    /// Every value this node holds.
    pub fn read(&self) -> Vec<Value> {
        self.values.all().to_vec()
    }

    /// The batches to send now, by destination.
    pub fn due(&mut self, now: Instant) -> Vec<(String, Batch<Value>)> {
        self.outbox.due(now)
    }

    /// When [`State::due`] next has something to send.
    pub fn next_due(&self) -> Option<Instant> {
        self.outbox.next_due()
    }

    /// True when everything sent was acknowledged and no acknowledgement is owed.
    pub fn is_settled(&self) -> bool {
        self.outbox.is_settled()
    }

    pub fn holds(&self, value: Value) -> bool {
        self.values.contains(value)
    }

    fn learn(&mut self, value: Value, came_from: Option<&str>, now: Instant) {
        if !self.values.insert(value) {
            return;
        }
        let targets: Vec<String> = self
            .graph
            .flood_targets(&self.me, came_from)
            .map(str::to_owned)
            .collect();
        for peer in &targets {
            self.outbox.push(peer, value, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn cluster(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("n{i}")).collect()
    }

    #[test]
    fn a_leaf_sends_its_values_to_the_hub_only() {
        let now = Instant::now();
        let mut leaf = State::new("n3", &cluster(5), &Tuning::QUICK);
        leaf.broadcast(10, now);
        leaf.broadcast(10, now);
        assert_eq!(leaf.read(), [10]);
        let sent = leaf.due(now);
        assert_eq!(
            sent,
            vec![(
                "n0".to_owned(),
                Batch {
                    from: 0,
                    values: vec![10],
                    ack: 0
                }
            )]
        );
    }

    #[test]
    fn the_hub_passes_a_leafs_values_to_every_other_leaf() {
        let now = Instant::now();
        let mut hub = State::new("n0", &cluster(4), &Tuning::QUICK);
        hub.gossip(
            "n2",
            Batch {
                from: 0,
                values: vec![4, 5],
                ack: 0,
            },
            now,
        );
        hub.broadcast(6, now);
        let sent = hub.due(now);
        let destinations: Vec<&str> = sent.iter().map(|(to, _)| to.as_str()).collect();
        assert_eq!(destinations, ["n1", "n2", "n3"]);
        assert_eq!(sent[0].1.values, [4, 5, 6]);
        assert_eq!(
            sent[1].1,
            Batch {
                from: 0,
                values: vec![6],
                ack: 2
            },
            "n2 gets only what it lacks, and its ack"
        );
        assert!(hub.holds(4) && hub.holds(6));
    }

    #[test]
    fn a_leaf_does_not_pass_on_what_the_hub_sent_it_but_acknowledges_it() {
        let now = Instant::now();
        let mut leaf = State::new("n1", &cluster(3), &Tuning::LEAN);
        leaf.gossip(
            "n0",
            Batch {
                from: 0,
                values: vec![1, 2],
                ack: 0,
            },
            now,
        );
        assert!(leaf.due(now).is_empty());
        let later = now + Tuning::LEAN.ack_delay;
        assert_eq!(leaf.next_due(), Some(later));
        assert_eq!(
            leaf.due(later),
            vec![(
                "n0".to_owned(),
                Batch {
                    from: 0,
                    values: vec![],
                    ack: 2
                }
            )]
        );
        assert!(leaf.is_settled());
        assert!(leaf.due(later + Duration::from_secs(10)).is_empty());
    }

    #[test]
    fn a_single_node_sends_nothing() {
        let now = Instant::now();
        let mut only = State::new("n0", &cluster(1), &Tuning::QUICK);
        only.broadcast(1, now);
        assert!(only.due(now).is_empty() && only.next_due().is_none());
        assert_eq!(only.read(), [1]);
    }
}
