//! A whole cluster of broadcast [`State`]s on simulated time: a network with a fixed
//! latency per hop and optional partitions, clients spread over the nodes at Maelstrom's
//! rate and mix, and the 10 s recovery wait before the final reads. It measures what the
//! challenges measure (server messages per operation, and how long after its broadcast a
//! value reaches the last node, an upper bound of the checker's stable latency), so the
//! profiles' arithmetic is checked without the simulator, deterministically.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::time::Duration;

use broadcast::payload::Gossip;
use broadcast::{State, Tuning};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

/// Which messages the network drops: `(sent at, from, to) -> dropped?`.
pub type Cut = fn(Duration, usize, usize) -> bool;

/// A test like Maelstrom's broadcast tests.
#[derive(Clone, Copy)]
pub struct Run {
    pub nodes: usize,
    pub rate: f64,
    pub time_limit: Duration,
    pub latency: Duration,
    pub cut: Cut,
    pub seed: u64,
}

/// What a run measured.
#[derive(Debug)]
pub struct Figures {
    pub ops: usize,
    pub messages: usize,
    pub msgs_per_op: f64,
    pub p50_ms: u128,
    pub max_ms: u128,
    /// Values some node lacks at the end.
    pub missing: usize,
    /// Nodes with unacknowledged values or owed acknowledgements at the end.
    pub unsettled: usize,
}

enum Event {
    Broadcast {
        node: usize,
        value: u64,
    },
    Deliver {
        to: usize,
        from: usize,
        batch: Gossip,
    },
    Wake {
        node: usize,
    },
}

struct Cluster {
    run: Run,
    t0: Instant,
    ids: Vec<String>,
    nodes: Vec<State>,
    events: BinaryHeap<Reverse<(Duration, u64)>>,
    payloads: BTreeMap<u64, Event>,
    next_seq: u64,
    wake_at: Vec<Option<Duration>>,
    messages: usize,
    /// Per value: when it was broadcast, and when the last node got it so far.
    spread: BTreeMap<u64, (Duration, Duration, usize)>,
}

impl Cluster {
    fn schedule(&mut self, at: Duration, event: Event) {
        self.events.push(Reverse((at, self.next_seq)));
        self.payloads.insert(self.next_seq, event);
        self.next_seq += 1;
    }

    fn arrived(&mut self, value: u64, at: Duration) {
        let entry = self.spread.entry(value).or_insert((at, at, 0));
        entry.1 = at;
        entry.2 += 1;
    }

    /// Sends what node `i` has due at `now` and books its next wake-up, as the node's
    /// sender task does.
    fn flush(&mut self, i: usize, now: Duration) {
        for (peer, batch) in self.nodes[i].due(self.t0 + now) {
            let to = self
                .ids
                .iter()
                .position(|id| *id == peer)
                .expect("a known peer");
            self.messages += 1;
            if !(self.run.cut)(now, i, to) {
                self.schedule(
                    now + self.run.latency,
                    Event::Deliver { to, from: i, batch },
                );
            }
        }
        if let Some(next) = self.nodes[i].next_due(self.t0 + now) {
            let next = (next - self.t0).max(now);
            if self.wake_at[i].is_none_or(|booked| next < booked || booked < now) {
                self.wake_at[i] = Some(next);
                self.schedule(next, Event::Wake { node: i });
            }
        }
    }

    fn step(&mut self, now: Duration, event: Event) {
        match event {
            Event::Broadcast { node, value } => {
                self.nodes[node].broadcast(value);
                self.arrived(value, now);
                self.flush(node, now);
            }
            Event::Deliver { to, from, batch } => {
                let fresh: Vec<u64> = batch
                    .values
                    .iter()
                    .copied()
                    .filter(|v| !self.nodes[to].holds(*v))
                    .collect();
                let from_id = self.ids[from].clone();
                self.nodes[to].gossip(&from_id, batch, self.t0 + now);
                for value in fresh {
                    self.arrived(value, now);
                }
                self.flush(to, now);
            }
            Event::Wake { node } => {
                if self.wake_at[node] == Some(now) {
                    self.wake_at[node] = None;
                }
                self.flush(node, now);
            }
        }
    }
}

/// Runs the test to the end of the recovery wait.
pub fn simulate(run: Run, tuning: &Tuning) -> Figures {
    let ids: Vec<String> = (0..run.nodes).map(|i| format!("n{i}")).collect();
    let mut cluster = Cluster {
        run,
        t0: Instant::now(),
        nodes: ids.iter().map(|id| State::new(id, &ids, tuning)).collect(),
        ids,
        events: BinaryHeap::new(),
        payloads: BTreeMap::new(),
        next_seq: 0,
        wake_at: vec![None; run.nodes],
        messages: 0,
        spread: BTreeMap::new(),
    };
    // Maelstrom staggers operations by uniform gaps in [0, 2/rate) and mixes broadcasts
    // and reads evenly; reads cost no server messages, so only their number matters.
    let mut rng = StdRng::seed_from_u64(run.seed);
    let mut at = Duration::ZERO;
    let (mut ops, mut value) = (0, 0);
    loop {
        at += Duration::from_secs_f64(rng.gen_range(0.0..2.0 / run.rate));
        if at >= run.time_limit {
            break;
        }
        ops += 1;
        if rng.gen_bool(0.5) {
            let node = rng.gen_range(0..run.nodes);
            cluster.schedule(at, Event::Broadcast { node, value });
            value += 1;
        }
    }
    ops += run.nodes; // one final read per node
    let end = run.time_limit + Duration::from_secs(10);
    while let Some(Reverse((now, seq))) = cluster.events.pop() {
        if now > end {
            break;
        }
        let event = cluster
            .payloads
            .remove(&seq)
            .expect("every event has a payload");
        cluster.step(now, event);
    }
    let mut latencies: Vec<u128> = cluster
        .spread
        .values()
        .map(|(sent, last, _)| (*last - *sent).as_millis())
        .collect();
    latencies.sort_unstable();
    let quantile = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    let missing = cluster
        .spread
        .values()
        .filter(|(_, _, holders)| *holders < run.nodes)
        .count()
        + (value as usize - cluster.spread.len());
    Figures {
        ops,
        messages: cluster.messages,
        msgs_per_op: cluster.messages as f64 / ops as f64,
        p50_ms: quantile(0.5),
        max_ms: quantile(1.0),
        missing,
        unsettled: cluster.nodes.iter().filter(|n| !n.is_settled()).count(),
    }
}
