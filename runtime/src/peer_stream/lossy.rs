//! A test network for streams: nodes numbered 0..n exchange messages over links with a
//! fixed latency that, while the first messages travel, drop, duplicate or delay (and so
//! reorder) each message as a list of [`Fate`]s says, then deliver everything. Property
//! tests draw the fates; whatever they are, once the losses stop, every stream must
//! deliver and then fall silent.

use std::time::Duration;

use proptest::prelude::*;
use tokio::time::Instant;

use super::Header;

/// What the network does with one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    Deliver,
    Drop,
    /// Delivered twice, the copy a little later.
    Duplicate,
    /// Delivered this many milliseconds late, behind later messages.
    Delay(u64),
}

/// Fates of which about a third are losses, and some duplicates and reorderings.
pub(crate) fn fates(max: usize) -> impl Strategy<Value = Vec<Fate>> {
    let fate = prop_oneof![
        3 => Just(Fate::Deliver),
        2 => Just(Fate::Drop),
        1 => Just(Fate::Duplicate),
        1 => (1u64..400).prop_map(Fate::Delay),
    ];
    proptest::collection::vec(fate, 0..max)
}

/// A node as the network sees it: what it sends when asked, and what it takes in.
pub(crate) trait Node {
    type Data: Clone;
    /// The messages due at `now`, by destination.
    fn due(&mut self, now: Instant) -> Vec<(usize, Header, Option<Self::Data>)>;
    /// A message from `from` arriving at `now`.
    fn receive(&mut self, from: usize, header: Header, data: Option<Self::Data>, now: Instant);
}

/// One message on the wire.
struct InFlight<D> {
    at: Instant,
    from: usize,
    to: usize,
    header: Header,
    data: Option<D>,
}

/// The one-way latency of every link.
pub(crate) const LATENCY: Duration = Duration::from_millis(50);

/// Runs `nodes` for `steps` rounds of `step` each: at each round, `before` may change the
/// nodes (queue items, update state), then arrived messages are delivered and every node
/// is asked for what is due. Returns how many messages were sent in all.
pub(crate) fn run<N: Node>(
    nodes: &mut [N],
    fates: &[Fate],
    steps: u64,
    step: Duration,
    mut before: impl FnMut(u64, &mut [N], Instant),
) -> usize {
    let t0 = Instant::now();
    let mut wire: Vec<InFlight<N::Data>> = Vec::new();
    let mut sent = 0;
    for round in 0..steps {
        let now = t0 + step * u32::try_from(round).expect("few rounds");
        before(round, nodes, now);
        // Deliver in arrival order, ties in sending order, so delays really reorder.
        wire.sort_by_key(|m| m.at);
        let split = wire.partition_point(|m| m.at <= now);
        for m in wire.drain(..split).collect::<Vec<_>>() {
            nodes[m.to].receive(m.from, m.header, m.data, now);
        }
        for (from, node) in nodes.iter_mut().enumerate() {
            for (to, header, data) in node.due(now) {
                let fate = fates.get(sent).copied().unwrap_or(Fate::Deliver);
                sent += 1;
                let at = now + LATENCY;
                let copy = |at| InFlight {
                    at,
                    from,
                    to,
                    header,
                    data: data.clone(),
                };
                match fate {
                    Fate::Deliver => wire.push(copy(at)),
                    Fate::Drop => {}
                    Fate::Duplicate => {
                        wire.push(copy(at));
                        wire.push(copy(at + Duration::from_millis(30)));
                    }
                    Fate::Delay(ms) => wire.push(copy(at + Duration::from_millis(ms))),
                }
            }
        }
    }
    sent
}
