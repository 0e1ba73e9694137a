//! The simulated network (spec §1.3, §4.4, errata 1): who is registered, message ids,
//! latency, partitions, delivery, and the journal.
//!
//! Every message gets a network id (from 0, global per test) that is delivered as the
//! top-level `id`. A message whose endpoints are both non-clients is given a sampled latency;
//! client traffic gets none. Messages to a client are delivered at once, on the sender's
//! thread: Maelstrom's client queues only ever hold zero-delay messages, so nothing makes them
//! wait.
//!
//! Every message to a node or service goes through a model of Maelstrom's per-destination
//! delivery thread (§4.4), which *takes* the earliest-deadline message off the destination's
//! one queue, checks the partition table, then sleeps until that deadline and delivers, and
//! only then takes the next. Here each destination has a queue of waiting messages and at most
//! one *taken* message. A message is taken when it arrives at an idle destination, or when the
//! previous taken message for its destination is delivered; the partition is checked at that
//! moment and the decision travels with it, so a partition that starts after a message was
//! taken does not stop it, and a heal does not save a message that was taken while blocked.
//! Zero-delay messages (client requests, and server messages whose sampled latency is 0) join
//! the same queue: at an idle destination they are delivered at once, but while the
//! destination's thread sleeps on a taken message they wait for it, as on Maelstrom, where a
//! client request can wait up to one `--latency` behind a peer's message. Taken messages (one
//! per destination) wait in one deadline heap served by one delivery thread that sleeps on a
//! condition variable until the earliest deadline (no polling). A blocked message is
//! journaled as sent and never as received.
//!
//! Time is tokio's clock: real time for node processes (the delivery thread, outside any
//! runtime, reads the system clock), and the virtual clock of a paused runtime when the
//! explorer runs in-process nodes, where [`Network::deliver_on_clock`] replaces the thread.
//! Harness-side mailboxes are tokio channels, so the async client side waits on them in
//! either case.

use crate::backlog::Backlog;
use crate::journal::Journal;
use crate::latency::Latency;
use crate::rng::SimRng;
use checkers::journal::{is_client_id, NetEventKind};
use crossbeam_channel::Sender;
use serde_json::value::RawValue;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::sync::Notify;
use tokio::time::Instant;

/// What a harness-side endpoint (client or service) reads its messages from.
pub type Mailbox = UnboundedReceiver<Envelope>;

/// A message as delivered to a harness-side endpoint (client or service).
#[derive(Debug, Clone)]
pub struct Envelope {
    pub id: u64,
    pub src: String,
    pub dest: String,
    pub body: Box<RawValue>,
}

/// A message line for a node's stdin, with what its writer needs to measure lateness.
#[derive(Debug)]
pub struct Outgoing {
    /// `{"id":..,"src":..,"dest":..,"body":..}` and a newline.
    pub line: Vec<u8>,
    /// When the message is due (send time plus its latency, or when it was taken if that is
    /// later); `None` for client traffic and for messages delivered the moment they are sent.
    pub due: Option<Instant>,
    /// True when a client sent it (a request the node owes an answer).
    pub from_client: bool,
    /// The length of its body, as counted in the node's backlog.
    pub body_bytes: usize,
}

/// Where delivered messages go.
#[derive(Debug, Clone)]
pub enum Endpoint {
    /// A node process: lines for its stdin writer, and its count of undelivered messages.
    Node(Sender<Outgoing>, Arc<Backlog>),
    /// A harness-side client or service, or an in-process node of the explorer.
    Mailbox(UnboundedSender<Envelope>),
}

/// Why the network refused a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    UnknownSrc(String),
    UnknownDest(String),
    /// The test is over and nodes are being taken down; nothing is delivered any more.
    Closed,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::UnknownSrc(id) => write!(
                f,
                "Invalid source for message: {id:?} is not on the network"
            ),
            SendError::UnknownDest(id) => {
                write!(f, "Invalid dest for message: {id:?} is not on the network")
            }
            SendError::Closed => write!(f, "the test is over; the network is closed"),
        }
    }
}

/// A directional partition: destination → the sources whose messages it drops.
pub type Grudge = HashMap<String, HashSet<String>>;

struct Held {
    due: Instant,
    /// Between two non-clients: its lateness is the harness's error (see `metrics`).
    server: bool,
    id: u64,
    src: String,
    dest: String,
    body: Box<RawValue>,
}

impl PartialEq for Held {
    fn eq(&self, other: &Self) -> bool {
        (self.due, self.id) == (other.due, other.id)
    }
}
impl Eq for Held {}
impl PartialOrd for Held {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Held {
    /// Earliest deadline first; ties in send order.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.due, self.id).cmp(&(other.due, other.id))
    }
}

struct State {
    endpoints: HashMap<String, Endpoint>,
    next_msg_id: u64,
    next_client: u64,
    /// Taken messages, at most one per destination, that passed the partition check.
    held: BinaryHeap<Reverse<Held>>,
    /// Messages waiting to be taken, per destination.
    waiting: HashMap<String, BinaryHeap<Reverse<Held>>>,
    /// Destinations with a taken message in `held`.
    busy: HashSet<String>,
    grudge: Grudge,
    rng: SimRng,
    stopped: bool,
}

/// The network of one run.
pub struct Network {
    origin: Instant,
    latency: Latency,
    state: Mutex<State>,
    /// Wakes the delivery thread, or the delivery task on a virtual clock.
    wake: Condvar,
    wake_task: Notify,
    journal: Journal,
    /// Messages accepted between two non-clients (nodes and services).
    server_sends: AtomicU64,
    /// Set at teardown: nodes still running while others are killed may write to ids that
    /// are gone, which after the test is nobody's fault.
    closed: AtomicBool,
}

impl Network {
    /// A network whose times count from `origin`, drawing latencies from `rng`.
    pub fn new(origin: Instant, latency: Latency, rng: SimRng, journal: Journal) -> Arc<Network> {
        let state = State {
            endpoints: HashMap::new(),
            next_msg_id: 0,
            next_client: 0,
            held: BinaryHeap::new(),
            waiting: HashMap::new(),
            busy: HashSet::new(),
            grudge: Grudge::new(),
            rng,
            stopped: false,
        };
        Arc::new(Network {
            origin,
            latency,
            state: Mutex::new(state),
            wake: Condvar::new(),
            wake_task: Notify::new(),
            journal,
            server_sends: AtomicU64::new(0),
            closed: AtomicBool::new(false),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("network lock poisoned")
    }

    /// Nanoseconds since the run's origin.
    pub fn now_ns(&self) -> u64 {
        self.origin.elapsed().as_nanos() as u64
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Registers a node or service under a fixed id.
    pub fn register(&self, id: &str, endpoint: Endpoint) {
        self.lock().endpoints.insert(id.to_string(), endpoint);
    }

    /// A mailbox for a harness-side endpoint with a fixed id (a service).
    pub fn register_mailbox(&self, id: &str) -> Mailbox {
        let (tx, rx) = unbounded_channel();
        self.register(id, Endpoint::Mailbox(tx));
        rx
    }

    /// Opens a client: the next `c<k>` id from the one global counter, and its mailbox.
    pub fn open_client(&self) -> (String, Mailbox) {
        let (tx, rx) = unbounded_channel();
        let mut state = self.lock();
        let id = format!("c{}", state.next_client);
        state.next_client += 1;
        state.endpoints.insert(id.clone(), Endpoint::Mailbox(tx));
        (id, rx)
    }

    /// Removes an endpoint; later messages to it are refused (or, if in flight, dropped).
    /// Stops accepting messages: from now on `send` answers [`SendError::Closed`].
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    pub fn unregister(&self, id: &str) {
        self.lock().endpoints.remove(id);
    }

    /// Replaces the partition; an empty grudge heals the network.
    pub fn set_grudge(&self, grudge: Grudge) {
        self.lock().grudge = grudge;
    }

    /// Accepts a message from `src` to `dest` and returns its network id.
    pub fn send(&self, src: &str, dest: &str, body: Box<RawValue>) -> Result<u64, SendError> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(SendError::Closed);
        }
        let sent = Instant::now();
        let mut state = self.lock();
        if !state.endpoints.contains_key(src) {
            return Err(SendError::UnknownSrc(src.to_string()));
        }
        if !state.endpoints.contains_key(dest) {
            return Err(SendError::UnknownDest(dest.to_string()));
        }
        let id = state.next_msg_id;
        state.next_msg_id += 1;
        self.journal
            .record(self.now_ns(), NetEventKind::Send, id, src, dest, &body);
        let server = !is_client_id(src) && !is_client_id(dest);
        if server {
            self.server_sends.fetch_add(1, Ordering::Relaxed);
        }
        let delay = if server && !self.latency.is_zero() {
            self.latency.sample(&mut state.rng)
        } else {
            0
        };
        let waits = !is_client_id(dest) && state.busy.contains(dest);
        let dropped_now = delay == 0 && !waits && blocked(&state.grudge, src, dest);
        if !dropped_now {
            if let Some(backlog) = backlog_of(&state, dest) {
                backlog.add(body.get().len());
            }
        }
        if delay == 0 && !waits {
            if !dropped_now {
                self.deliver(&state, id, src, dest, &body, None);
            }
        } else {
            let due = sent + Duration::from_millis(delay);
            state
                .waiting
                .entry(dest.to_string())
                .or_default()
                .push(Reverse(Held {
                    due,
                    server,
                    id,
                    src: src.to_string(),
                    dest: dest.to_string(),
                    body,
                }));
            if !state.busy.contains(dest) {
                self.take_next(&mut state, dest);
            }
        }
        Ok(id)
    }

    /// Takes `dest`'s earliest waiting message, dropping those the partition blocks now,
    /// and puts the first that passes in the delivery heap (waking the delivery thread if it
    /// is the new earliest). A message taken after its deadline is due at once.
    fn take_next(&self, state: &mut State, dest: &str) {
        state.busy.remove(dest);
        let now = Instant::now();
        loop {
            let Some(queue) = state.waiting.get_mut(dest) else {
                return;
            };
            let Some(Reverse(mut next)) = queue.pop() else {
                state.waiting.remove(dest);
                return;
            };
            if blocked(&state.grudge, &next.src, dest) {
                if let Some(backlog) = backlog_of(state, dest) {
                    backlog.remove(1, next.body.get().len());
                }
                continue;
            }
            next.due = next.due.max(now);
            let earliest = state.held.peek().map(|Reverse(h)| h.due);
            let due = next.due;
            state.held.push(Reverse(next));
            state.busy.insert(dest.to_string());
            if earliest.is_none_or(|e| due < e) {
                self.wake.notify_one();
                self.wake_task.notify_one();
            }
            return;
        }
    }

    /// Hands a message to its destination unless it has left the network.
    fn deliver(
        &self,
        state: &State,
        id: u64,
        src: &str,
        dest: &str,
        body: &RawValue,
        due: Option<Instant>,
    ) {
        let Some(endpoint) = state.endpoints.get(dest) else {
            return;
        };
        self.journal
            .record(self.now_ns(), NetEventKind::Recv, id, src, dest, body);
        match endpoint {
            Endpoint::Node(tx, _) => {
                let line = node_line(id, src, dest, body);
                let from_client = is_client_id(src);
                let _ = tx.send(Outgoing {
                    line,
                    due,
                    from_client,
                    body_bytes: body.get().len(),
                });
            }
            Endpoint::Mailbox(tx) => {
                let envelope = Envelope {
                    id,
                    src: src.to_string(),
                    dest: dest.to_string(),
                    body: body.to_owned(),
                };
                let _ = tx.send(envelope);
            }
        }
    }

    /// Delivers every taken message that is due, each followed by taking its destination's
    /// next one; returns the earliest deadline left, or `None` when nothing is held.
    fn deliver_due(&self, state: &mut State) -> Option<Instant> {
        loop {
            let next = state.held.peek().map(|Reverse(h)| h.due)?;
            if next > Instant::now() {
                return Some(next);
            }
            let Reverse(h) = state.held.pop().expect("peeked message vanished");
            let due = h.server.then_some(h.due);
            self.deliver(state, h.id, &h.src, &h.dest, &h.body, due);
            self.take_next(state, &h.dest);
        }
    }

    /// The delivery loop for held messages on a thread of its own; returns after
    /// [`Network::stop`].
    pub fn run_delivery(&self) {
        let mut state = self.lock();
        loop {
            if state.stopped {
                return;
            }
            state = match self.deliver_due(&mut state) {
                None => self.wake.wait(state).expect("network lock poisoned"),
                Some(next) => {
                    let wait = next.saturating_duration_since(Instant::now());
                    self.wake
                        .wait_timeout(state, wait)
                        .expect("network lock poisoned")
                        .0
                }
            };
        }
    }

    /// The same loop as a task of the runtime whose clock the network reads (the explorer's
    /// paused clock); returns after [`Network::stop`].
    pub async fn deliver_on_clock(&self) {
        loop {
            let next = {
                let mut state = self.lock();
                if state.stopped {
                    return;
                }
                self.deliver_due(&mut state)
            };
            let sleep = async {
                match next {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                biased;
                () = self.wake_task.notified() => {}
                () = sleep => {}
            }
        }
    }

    /// The backlog of node `dest`, if it is a node on the network.
    pub fn backlog(&self, dest: &str) -> Option<Arc<Backlog>> {
        backlog_of(&self.lock(), dest).cloned()
    }

    /// Messages accepted so far between two non-clients.
    pub fn server_sends(&self) -> u64 {
        self.server_sends.load(Ordering::Relaxed)
    }

    /// Ends the delivery loop; held messages are discarded.
    pub fn stop(&self) {
        self.lock().stopped = true;
        self.wake.notify_all();
        self.wake_task.notify_one();
    }
}

/// Whether the partition drops messages from `src` to `dest`.
fn blocked(grudge: &Grudge, src: &str, dest: &str) -> bool {
    grudge.get(dest).is_some_and(|srcs| srcs.contains(src))
}

/// The line a node reads: keys in Maelstrom's order `id, src, dest, body`.
fn backlog_of<'s>(state: &'s State, dest: &str) -> Option<&'s Arc<Backlog>> {
    match state.endpoints.get(dest) {
        Some(Endpoint::Node(_, backlog)) => Some(backlog),
        _ => None,
    }
}

pub fn node_line(id: u64, src: &str, dest: &str, body: &RawValue) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        id: u64,
        src: &'a str,
        dest: &'a str,
        body: &'a RawValue,
    }
    let mut line = serde_json::to_vec(&Line {
        id,
        src,
        dest,
        body,
    })
    .expect("a message always serialises");
    line.push(b'\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::LatencyDist;
    use crate::rng::{stream, Stream};
    use crossbeam_channel::unbounded;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_string()).unwrap()
    }

    fn network(latency_ms: u64) -> Arc<Network> {
        let journal = Journal::create(None, false, false).unwrap();
        let latency = Latency {
            dist: LatencyDist::Constant,
            mean: latency_ms,
        };
        Network::new(Instant::now(), latency, stream(1, Stream::Latency), journal)
    }

    #[test]
    fn clients_count_from_zero_and_messages_carry_ids_from_zero() {
        let net = network(0);
        let (node_tx, node_rx) = unbounded();
        net.register(
            "n0",
            Endpoint::Node(node_tx, Arc::new(Backlog::new(10, usize::MAX))),
        );
        let (c0, _c0_rx) = net.open_client();
        let (c1, mut c1_rx) = net.open_client();
        assert_eq!((c0.as_str(), c1.as_str()), ("c0", "c1"));
        assert_eq!(
            net.send(&c0, "n0", raw(r#"{"type":"init","msg_id":1}"#)),
            Ok(0)
        );
        let line = node_rx.try_recv().unwrap().line;
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "{\"id\":0,\"src\":\"c0\",\"dest\":\"n0\",\"body\":{\"type\":\"init\",\"msg_id\":1}}\n"
        );
        assert_eq!(net.send("n0", &c1, raw(r#"{"in_reply_to":1}"#)), Ok(1));
        assert_eq!(c1_rx.try_recv().unwrap().id, 1);
    }

    #[test]
    fn a_nodes_backlog_counts_what_is_accepted_for_it_and_not_yet_written() {
        let net = network(50);
        let backlog = Arc::new(Backlog::new(10, usize::MAX));
        let (node_tx, _node_rx) = unbounded();
        net.register("n1", Endpoint::Node(node_tx, Arc::clone(&backlog)));
        net.register_mailbox("n0");
        net.register_mailbox("n2");
        for _ in 0..3 {
            net.send("n0", "n1", raw("{}")).unwrap();
        }
        assert_eq!(
            backlog.undelivered(),
            3,
            "held for latency, still undelivered"
        );
        net.set_grudge(Grudge::from([(
            "n1".to_string(),
            HashSet::from(["n2".to_string()]),
        )]));
        net.send("n2", "n1", raw("{}")).unwrap();
        assert_eq!(backlog.undelivered(), 4, "dropped only when its turn comes");
        net.send("n1", "n0", raw("{}")).unwrap();
        assert_eq!(
            backlog.undelivered(),
            4,
            "n1's own sends are not its backlog"
        );
        assert_eq!(backlog.undelivered_bytes(), 4 * 2, "four `{{}}` bodies");
        assert!(Arc::ptr_eq(&net.backlog("n1").unwrap(), &backlog));
        assert!(net.backlog("n0").is_none(), "mailboxes have none");
    }

    #[test]
    fn unknown_endpoints_are_refused() {
        let net = network(0);
        let (c0, _rx) = net.open_client();
        assert_eq!(
            net.send(&c0, "n9", raw("{}")),
            Err(SendError::UnknownDest("n9".into()))
        );
        assert_eq!(
            net.send("n9", &c0, raw("{}")),
            Err(SendError::UnknownSrc("n9".into()))
        );
        net.unregister(&c0);
        let (c1, _rx1) = net.open_client();
        assert_eq!(c1, "c1", "ids are never reused");
        assert_eq!(
            net.send(&c1, &c0, raw("{}")),
            Err(SendError::UnknownDest("c0".into()))
        );
    }

    #[test]
    fn a_closed_network_accepts_nothing() {
        let net = network(0);
        let mut _a = net.register_mailbox("n0");
        let mut _b = net.register_mailbox("n1");
        assert!(net.send("n0", "n1", raw("1")).is_ok());
        net.close();
        net.unregister("n1");
        assert_eq!(net.send("n0", "n1", raw("2")), Err(SendError::Closed));
    }

    #[test]
    fn partitions_drop_only_the_named_direction() {
        let net = network(0);
        let mut a = net.register_mailbox("n0");
        let mut b = net.register_mailbox("n1");
        net.set_grudge(Grudge::from([(
            "n1".to_string(),
            HashSet::from(["n0".to_string()]),
        )]));
        net.send("n0", "n1", raw("1")).unwrap();
        net.send("n1", "n0", raw("2")).unwrap();
        assert!(b.try_recv().is_err());
        assert_eq!(a.try_recv().unwrap().body.get(), "2");
        net.set_grudge(Grudge::new());
        net.send("n0", "n1", raw("3")).unwrap();
        assert_eq!(b.try_recv().unwrap().body.get(), "3");
        let tally = net.journal().finish().unwrap();
        let servers = &checkers::net::check_tally(&tally, 0).results["servers"];
        assert_eq!(
            (&servers["send-count"], &servers["recv-count"]),
            (&serde_json::json!(3), &serde_json::json!(2))
        );
    }

    #[test]
    fn held_messages_arrive_after_their_latency_in_order() {
        let net = network(30);
        let mut rx = net.register_mailbox("n1");
        net.register("n0", Endpoint::Mailbox(unbounded_channel().0));
        let (client, mut client_rx) = net.open_client();
        let deliverer = {
            let net = Arc::clone(&net);
            std::thread::spawn(move || net.run_delivery())
        };
        let start = std::time::Instant::now();
        for k in 0..3 {
            net.send("n0", "n1", raw(&k.to_string())).unwrap();
        }
        net.send("n1", &client, raw("9")).unwrap();
        assert_eq!(
            client_rx.try_recv().unwrap().body.get(),
            "9",
            "client traffic is immediate"
        );
        let bodies: Vec<String> = (0..3)
            .map(|_| rx.blocking_recv().unwrap().body.get().to_string())
            .collect();
        assert!(start.elapsed() >= Duration::from_millis(30));
        assert_eq!(bodies, ["0", "1", "2"]);
        net.stop();
        deliverer.join().unwrap();
    }

    #[test]
    fn a_client_request_waits_behind_the_message_its_node_has_taken() {
        let net = network(60);
        let mut n1 = net.register_mailbox("n1");
        net.register("n0", Endpoint::Mailbox(unbounded_channel().0));
        let (client, mut client_rx) = net.open_client();
        let deliverer = {
            let net = Arc::clone(&net);
            std::thread::spawn(move || net.run_delivery())
        };
        // An idle node gets a client request at once.
        net.send(&client, "n1", raw(r#""first""#)).unwrap();
        assert_eq!(n1.try_recv().unwrap().body.get(), r#""first""#);
        // Now n1's delivery thread sleeps on a peer message for 60 ms ...
        let start = std::time::Instant::now();
        net.send("n0", "n1", raw(r#""peer""#)).unwrap();
        // ... so a client request sent meanwhile waits for it, then goes before later peers.
        net.send(&client, "n1", raw(r#""request""#)).unwrap();
        net.send("n0", "n1", raw(r#""later peer""#)).unwrap();
        // A reply to a client never waits, busy node or not.
        net.send("n1", &client, raw(r#""reply""#)).unwrap();
        assert_eq!(client_rx.try_recv().unwrap().body.get(), r#""reply""#);
        let order: Vec<String> = (0..3)
            .map(|_| n1.blocking_recv().unwrap().body.get().to_string())
            .collect();
        assert_eq!(order, [r#""peer""#, r#""request""#, r#""later peer""#]);
        assert!(start.elapsed() >= Duration::from_millis(60));
        net.stop();
        deliverer.join().unwrap();
    }

    #[test]
    fn partitions_are_checked_when_a_message_is_taken_not_when_it_is_due() {
        let net = network(40);
        let mut n1 = net.register_mailbox("n1");
        let mut n2 = net.register_mailbox("n2");
        net.register("n0", Endpoint::Mailbox(unbounded_channel().0));
        let deliverer = {
            let net = Arc::clone(&net);
            std::thread::spawn(move || net.run_delivery())
        };
        let cut = Grudge::from([
            ("n1".to_string(), HashSet::from(["n0".to_string()])),
            ("n2".to_string(), HashSet::from(["n0".to_string()])),
        ]);
        // Taken by idle n1 before the partition: delivered though the partition starts.
        net.send("n0", "n1", raw("1")).unwrap();
        net.set_grudge(cut);
        // Queued behind it: taken (and dropped) when "1" is delivered, partition in force.
        net.send("n0", "n1", raw("2")).unwrap();
        // Taken at once by idle n2 while blocked: dropped, although healed before its deadline.
        net.send("n0", "n2", raw("3")).unwrap();
        assert_eq!(n1.blocking_recv().unwrap().body.get(), "1");
        net.set_grudge(Grudge::new());
        net.send("n0", "n1", raw("4")).unwrap();
        net.send("n0", "n2", raw("5")).unwrap();
        assert_eq!(n1.blocking_recv().unwrap().body.get(), "4");
        assert_eq!(n2.blocking_recv().unwrap().body.get(), "5");
        net.stop();
        deliverer.join().unwrap();
    }
}
