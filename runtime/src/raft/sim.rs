//! A deterministic in-memory cluster for tests: N Raft cores on a virtual clock, joined
//! by a network that delays each message by a random latency (which reorders them),
//! drops, duplicates and stalls some, and drops everything on a cut link: between the
//! groups of a partition, or one way only, as Maelstrom's grudges can be. Nodes may relay
//! around cuts ([`Cluster::relay_around_cuts`]), deciding as a node's `Ctx` does
//! ([`crate::relay::Relay`]).
//! Every random choice comes from one seed, so a failing run replays exactly. After every
//! event the [`Checker`] looks at the node that changed.

use std::collections::BTreeMap;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

use super::checks::Checker;
use super::config::RaftConfig;
use super::core::{EntryId, NotLeader, Raft, ReadId, Role};
use super::message::RaftMessage;
use super::server::relay_config;
use crate::relay::{Envelope, Inbound, Relay, Route};

/// The timing the tests use: a 50 ms heartbeat and elections after 200-400 ms of
/// silence, against simulated latencies of a few to tens of milliseconds.
pub(super) const TEST_CONFIG: RaftConfig = RaftConfig {
    heartbeat_interval: Duration::from_millis(50),
    election_timeout_min: Duration::from_millis(200),
    election_timeout_max: Duration::from_millis(400),
    batch_gap: Duration::from_millis(10),
    max_entries_per_message: 64,
};

/// How the network misbehaves.
#[derive(Debug, Clone, Copy)]
pub(super) struct Faults {
    pub(super) min_latency: Duration,
    pub(super) max_latency: Duration,
    /// Probability that a message is lost.
    pub(super) drop: f64,
    /// Probability that a delivered message arrives twice.
    pub(super) duplicate: f64,
    /// Probability that a message is held up to `stall` beyond its latency: a message
    /// older than an election is what exposes reliance on timing.
    pub(super) stall_chance: f64,
    pub(super) stall: Duration,
}

impl Faults {
    /// A reliable network with a fixed latency.
    pub(super) fn none(latency: Duration) -> Faults {
        Faults {
            min_latency: latency,
            max_latency: latency,
            drop: 0.0,
            duplicate: 0.0,
            stall_chance: 0.0,
            stall: Duration::ZERO,
        }
    }
}

/// A message on the wire.
struct InFlight {
    from: usize,
    to: usize,
    packet: Packet,
}

/// What travels: a Raft message, or one in a relay envelope with its origin's number.
#[derive(Clone)]
enum Packet {
    Plain(RaftMessage<u64>),
    Enveloped {
        id: u64,
        envelope: Envelope<RaftMessage<u64>>,
    },
}

pub(super) struct Cluster {
    pub(super) nodes: Vec<Raft<u64>>,
    ids: Vec<String>,
    pub(super) now: Instant,
    rng: StdRng,
    pub(super) faults: Faults,
    /// `cut[from][to]`: messages from `from` to `to` are dropped, on sending and on
    /// delivery.
    cut: Vec<Vec<bool>>,
    /// Keyed by delivery time, then by send order, which makes ties deterministic.
    wire: BTreeMap<(Instant, u64), InFlight>,
    next_seq: u64,
    sent: u64,
    /// Each node's relay, when the nodes relay around cuts.
    relays: Option<Vec<Relay>>,
    pub(super) checker: Checker,
}

impl Cluster {
    pub(super) fn new(size: usize, config: RaftConfig, faults: Faults, seed: u64) -> Cluster {
        let now = Instant::now();
        let ids: Vec<String> = (0..size).map(|n| format!("n{n}")).collect();
        let nodes = ids
            .iter()
            .enumerate()
            .map(|(n, id)| Raft::new(id, &ids, config, seed.wrapping_add(n as u64 + 1), now))
            .collect();
        Cluster {
            nodes,
            ids,
            now,
            rng: StdRng::seed_from_u64(seed),
            faults,
            cut: vec![vec![false; size]; size],
            wire: BTreeMap::new(),
            next_seq: 0,
            sent: 0,
            relays: None,
            checker: Checker::new(size),
        }
    }

    /// Makes every node relay around cuts, as a Raft server does with this configuration.
    pub(super) fn relay_around_cuts(&mut self) {
        let config = relay_config(&self.nodes[0].config);
        let relays = self
            .ids
            .iter()
            .map(|id| Relay::new(id, &self.ids, config))
            .collect();
        self.relays = Some(relays);
    }

    /// Messages the nodes have sent so far, lost ones included.
    pub(super) fn messages_sent(&self) -> u64 {
        self.sent
    }

    /// Splits the cluster: node `n` can reach exactly the nodes of group `group[n]`.
    pub(super) fn partition(&mut self, group: Vec<usize>) {
        assert_eq!(group.len(), self.nodes.len());
        for from in 0..group.len() {
            for to in 0..group.len() {
                self.cut[from][to] = group[from] != group[to];
            }
        }
    }

    /// Cuts the link from `from` to `to`, one way only.
    pub(super) fn cut_link(&mut self, from: usize, to: usize) {
        self.cut[from][to] = true;
    }

    pub(super) fn heal(&mut self) {
        for links in &mut self.cut {
            links.fill(false);
        }
    }

    /// The node that leads at the highest term, if any.
    pub(super) fn leader(&self) -> Option<usize> {
        (0..self.nodes.len())
            .filter(|n| self.nodes[*n].role() == Role::Leader)
            .max_by_key(|n| self.nodes[*n].term())
    }

    pub(super) fn propose(&mut self, node: usize, command: u64) -> Result<EntryId, NotLeader> {
        let now = self.now;
        let result = self.nodes[node].propose(command, now);
        self.after_event(node);
        result
    }

    pub(super) fn read(&mut self, node: usize, read: ReadId) -> Result<(), NotLeader> {
        let now = self.now;
        self.checker.read_registered(read);
        let result = self.nodes[node].read_index(read, now);
        if result.is_err() {
            self.checker.read_refused(read);
        }
        self.after_event(node);
        result
    }

    /// Runs every event up to `now + span`.
    pub(super) fn run_for(&mut self, span: Duration) {
        let deadline = self.now + span;
        while self.run_next_event(deadline) {}
        self.now = deadline;
    }

    /// Runs events until `done` holds or `span` has passed; says whether it held.
    pub(super) fn run_until(
        &mut self,
        span: Duration,
        mut done: impl FnMut(&Cluster) -> bool,
    ) -> bool {
        let deadline = self.now + span;
        loop {
            if done(self) {
                return true;
            }
            if !self.run_next_event(deadline) {
                self.now = deadline;
                return done(self);
            }
        }
    }

    /// Runs the earliest event at or before `deadline`, deliveries before timers, and
    /// says whether there was one.
    fn run_next_event(&mut self, deadline: Instant) -> bool {
        let delivery = self.wire.keys().next().map(|(at, _)| *at);
        let (timer_node, timer_at) = (0..self.nodes.len())
            .map(|n| (n, self.nodes[n].next_due()))
            .min_by_key(|(_, at)| *at)
            .expect("a cluster has nodes");
        let next = delivery.map_or(timer_at, |at| at.min(timer_at));
        if next > deadline {
            return false;
        }
        assert!(next >= self.now, "the virtual clock never goes back");
        self.now = next;
        if delivery == Some(next) {
            let (_, in_flight) = self.wire.pop_first().expect("a delivery is due");
            if !self.cut[in_flight.from][in_flight.to] {
                self.deliver(in_flight);
            }
        } else {
            self.nodes[timer_node].tick(next);
            assert!(
                self.nodes[timer_node].next_due() > next,
                "a tick leaves nothing due at once"
            );
            self.after_event(timer_node);
        }
        true
    }

    /// Hands a message that arrived to its node: through the node's relay, if it has one.
    fn deliver(&mut self, in_flight: InFlight) {
        let InFlight { from, to, packet } = in_flight;
        let from_id = self.ids[from].clone();
        let (origin, message) = match &packet {
            Packet::Plain(message) => {
                if let Some(relays) = &mut self.relays {
                    relays[to].heard_plain(&from_id, self.now);
                }
                (from_id, message.clone())
            }
            Packet::Enveloped { id, envelope } => {
                let relays = self
                    .relays
                    .as_mut()
                    .expect("only relaying nodes send envelopes");
                match relays[to].heard_envelope(&from_id, envelope, Some(*id), self.now) {
                    Inbound::Deliver => (envelope.origin.clone(), envelope.body.clone()),
                    Inbound::Forward(target) => {
                        let target = self.index(&target);
                        self.put(to, target, packet);
                        return;
                    }
                    Inbound::Drop => return,
                }
            }
        };
        self.nodes[to].step(&origin, message, self.now);
        self.after_event(to);
    }

    fn index(&self, id: &str) -> usize {
        self.ids
            .iter()
            .position(|node| node == id)
            .expect("raft sends only to cluster members")
    }

    /// Puts what `node` sent on the wire, routed by its relay if it has one, and lets the
    /// checker look at it.
    fn after_event(&mut self, node: usize) {
        for (to, message) in self.nodes[node].take_messages() {
            let route = match &mut self.relays {
                Some(relays) => relays[node].route(&to, self.now),
                None => Route::Direct,
            };
            let to = self.index(&to);
            match route {
                Route::Direct => self.put(node, to, Packet::Plain(message)),
                Route::Enveloped { deaf, via } => {
                    self.next_seq += 1;
                    let packet = Packet::Enveloped {
                        id: self.next_seq,
                        envelope: Envelope {
                            origin: self.ids[node].clone(),
                            target: self.ids[to].clone(),
                            deaf,
                            body: message,
                        },
                    };
                    for hop in via {
                        let hop = self.index(&hop);
                        self.put(node, hop, packet.clone());
                    }
                    self.put(node, to, packet);
                }
            }
        }
        self.checker.observe(&mut self.nodes, node);
    }

    /// Puts one packet from `from` on the wire to `to`, unless the link is cut or the
    /// network loses it.
    fn put(&mut self, from: usize, to: usize, packet: Packet) {
        self.sent += 1;
        if self.cut[from][to] || self.rng.gen_bool(self.faults.drop) {
            return;
        }
        let copies = if self.rng.gen_bool(self.faults.duplicate) {
            2
        } else {
            1
        };
        for _ in 0..copies {
            let faults = self.faults;
            let mut latency = if faults.max_latency > faults.min_latency {
                self.rng.gen_range(faults.min_latency..=faults.max_latency)
            } else {
                faults.min_latency
            };
            if faults.stall > Duration::ZERO && self.rng.gen_bool(faults.stall_chance) {
                latency += self.rng.gen_range(Duration::ZERO..=faults.stall);
            }
            self.next_seq += 1;
            let in_flight = InFlight {
                from,
                to,
                packet: packet.clone(),
            };
            self.wire
                .insert((self.now + latency, self.next_seq), in_flight);
        }
    }
}
