//! One node's broadcast state machine, free of I/O and clocks: the values it holds, the
//! star it spreads them over, and one stream per peer (a [`Queue`] of values on a
//! [`runtime::peer_stream`] session) that carries them. The handler feeds it client
//! broadcasts and peers' gossip with the current time, and sends what [`State::due`]
//! returns; tests drive whole clusters of it on simulated time.

use runtime::peer_stream::{MaxItems, Queue, Streams};
use runtime::topology::Graph;
use tokio::time::Instant;

use crate::payload::{Gossip, Value};
use crate::tuning::Tuning;
use crate::values::Values;

/// The hub of the star: the first node of Maelstrom's list, which every node knows the
/// same way from `init`.
const HUB_INDEX: usize = 0;

/// Values are small integers: a message is never too big to carry them all.
const MAX_VALUES: MaxItems = MaxItems::ALL;

#[derive(Debug, Clone)]
pub struct State {
    me: String,
    graph: Graph,
    values: Values,
    /// Every other node, the ones this node may send to.
    peers: Vec<String>,
    streams: Streams<String, Queue<Value>>,
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
            peers: nodes.iter().filter(|n| *n != me).cloned().collect(),
            streams: Streams::new(tuning.policy(is_hub)),
        }
    }

    /// A client's value: held at once (the client is answered before it spreads) and
    /// queued for the hub, or for every leaf when this node is the hub.
    pub fn broadcast(&mut self, value: Value) {
        self.learn(value, None);
    }

    /// A peer's message: its values are held and passed on along the star, its
    /// acknowledgement settles what this node sent that peer.
    pub fn gossip(&mut self, from: &str, gossip: Gossip, now: Instant) {
        self.streams.receive(from, gossip.header, now);
        for value in gossip.values {
            self.learn(value, Some(from));
        }
    }

    /// Every value this node holds.
    pub fn read(&self) -> Vec<Value> {
        self.values.all().to_vec()
    }

    /// The messages to send now, by destination.
    pub fn due(&mut self, now: Instant) -> Vec<(String, Gossip)> {
        self.streams
            .due(&self.peers, &MAX_VALUES, now)
            .into_iter()
            .map(|(peer, out)| {
                let gossip = Gossip {
                    header: out.header,
                    values: out.data.unwrap_or_default(),
                };
                (peer, gossip)
            })
            .collect()
    }

    /// When [`State::due`] next has something to send (`now` when it has already).
    pub fn next_due(&self, now: Instant) -> Option<Instant> {
        self.streams.next_due(&MAX_VALUES, now)
    }

    /// True when everything sent was acknowledged and no acknowledgement is owed.
    pub fn is_settled(&self) -> bool {
        self.streams.is_settled(&MAX_VALUES)
    }

    pub fn holds(&self, value: Value) -> bool {
        self.values.contains(value)
    }

    fn learn(&mut self, value: Value, came_from: Option<&str>) {
        if !self.values.insert(value) {
            return;
        }
        let targets: Vec<String> = self
            .graph
            .flood_targets(&self.me, came_from)
            .map(str::to_owned)
            .collect();
        for peer in &targets {
            self.streams.session(peer.as_str()).known_mut().push(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runtime::peer_stream::Header;
    use std::time::Duration;

    fn cluster(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("n{i}")).collect()
    }

    fn gossip(seq: Option<u64>, ack: Option<u64>, values: &[Value]) -> Gossip {
        Gossip {
            header: Header { seq, ack },
            values: values.to_vec(),
        }
    }

    #[test]
    fn a_leaf_sends_its_values_to_the_hub_only() {
        let now = Instant::now();
        let mut leaf = State::new("n3", &cluster(5), &Tuning::QUICK);
        leaf.broadcast(10);
        leaf.broadcast(10);
        assert_eq!(leaf.read(), [10]);
        let sent = leaf.due(now);
        assert_eq!(sent, vec![("n0".to_owned(), gossip(Some(0), None, &[10]))]);
    }

    #[test]
    fn the_hub_passes_a_leafs_values_to_every_other_leaf() {
        let now = Instant::now();
        let mut hub = State::new("n0", &cluster(4), &Tuning::QUICK);
        hub.gossip("n2", gossip(Some(0), None, &[4, 5]), now);
        hub.broadcast(6);
        let sent = hub.due(now);
        let destinations: Vec<&str> = sent.iter().map(|(to, _)| to.as_str()).collect();
        assert_eq!(destinations, ["n1", "n2", "n3"]);
        assert_eq!(sent[0].1.values, [4, 5, 6]);
        assert_eq!(
            sent[1].1,
            gossip(Some(0), Some(0), &[6]),
            "n2 gets only what it lacks, and its ack"
        );
        assert!(hub.holds(4) && hub.holds(6));
    }

    #[test]
    fn a_leaf_does_not_pass_on_what_the_hub_sent_it_but_acknowledges_it() {
        let now = Instant::now();
        let mut leaf = State::new("n1", &cluster(3), &Tuning::LEAN);
        leaf.gossip("n0", gossip(Some(0), None, &[1, 2]), now);
        assert!(leaf.due(now).is_empty());
        let later = now + Tuning::LEAN.ack_delay;
        assert_eq!(leaf.next_due(now), Some(later));
        assert_eq!(
            leaf.due(later),
            vec![("n0".to_owned(), gossip(None, Some(0), &[]))]
        );
        assert!(leaf.is_settled());
        assert!(leaf.due(later + Duration::from_secs(10)).is_empty());
    }

    #[test]
    fn a_single_node_sends_nothing() {
        let now = Instant::now();
        let mut only = State::new("n0", &cluster(1), &Tuning::QUICK);
        only.broadcast(1);
        assert!(only.due(now).is_empty() && only.next_due(now).is_none());
        assert_eq!(only.read(), [1]);
    }
}
