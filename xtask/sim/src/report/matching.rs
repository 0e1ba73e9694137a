//! Which client messages carried each operation. The history does not name the client
//! connection or the node an operation went to, but the journal does, and the simulator
//! records an invocation just before its client sends the request, and gives every new process
//! a fresh client (Jepsen's "new process, new client"). So each process is matched to the
//! client whose first requests follow its first invocations most closely, and then its
//! operations to that client's requests in order. The match is by time; the page says so.

use super::messages::Message;
use super::spans::Span;
use checkers::journal::is_client_id;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A client's first requests compared with a process's first invocations.
const COMPARED: usize = 3;
/// How long after a process's first invocation its client's first request may come.
const FIRST_REQUEST_WITHIN: u64 = 100_000_000;

/// The messages of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    pub client: String,
    /// Where the request went (a node, or a service for a proxy client).
    pub node: String,
    /// Network ids of the request and of its reply.
    pub request: u64,
    pub reply: Option<u64>,
}

/// For each span, the messages that carried it, where they could be found.
pub fn carried(spans: &[Span], messages: &[Message]) -> Vec<Option<Carried>> {
    let mut requests: BTreeMap<&str, Vec<&Message>> = BTreeMap::new();
    let mut setup: HashSet<&str> = HashSet::new();
    let mut replies: HashMap<(&str, u64), u64> = HashMap::new();
    for m in messages {
        if is_client_id(&m.src) && !is_client_id(&m.dest) {
            // Init and topology come from setup clients, which run no operations.
            if matches!(m.kind.as_str(), "init" | "topology") {
                setup.insert(&m.src);
            }
            requests.entry(&m.src).or_default().push(m);
        } else if is_client_id(&m.dest) {
            if let Some(to) = m.in_reply_to {
                replies.entry((m.dest.as_str(), to)).or_insert(m.id);
            }
        }
    }
    requests.retain(|client, _| !setup.contains(client));

    let mut by_process: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (i, s) in spans.iter().enumerate() {
        by_process.entry(s.process).or_default().push(i);
    }
    let mut order: Vec<(u64, &Vec<usize>)> = by_process.iter().map(|(p, v)| (*p, v)).collect();
    order.sort_by_key(|(_, v)| spans[v[0]].start);

    let mut taken: HashSet<&str> = HashSet::new();
    let mut out = vec![None; spans.len()];
    for (_, own) in order {
        let first = spans[own[0]].start;
        // A client with fewer requests than the process has operations pays the whole window
        // for each missing one, so a short client does not win by being compared less.
        let compared = own.len().min(COMPARED);
        let score = |sent: &[&Message]| -> u64 {
            let missing = compared.saturating_sub(sent.len()) as u64;
            own.iter()
                .zip(sent)
                .take(compared)
                .map(|(&i, m)| m.sent.abs_diff(spans[i].start))
                .sum::<u64>()
                + missing * FIRST_REQUEST_WITHIN
        };
        let best = requests
            .iter()
            .filter(|(client, sent)| {
                !taken.contains(*client)
                    && sent[0].sent >= first
                    && sent[0].sent - first <= FIRST_REQUEST_WITHIN
            })
            .min_by_key(|(_, sent)| score(sent));
        let Some((&client, sent)) = best else {
            continue;
        };
        taken.insert(client);
        let mut cursor = 0;
        for &i in own {
            let span = &spans[i];
            while cursor < sent.len() && sent[cursor].sent < span.start {
                cursor += 1;
            }
            let Some(request) = sent.get(cursor) else {
                break;
            };
            if span.end.is_some_and(|end| request.sent > end) {
                continue;
            }
            out[i] = Some(Carried {
                client: client.to_string(),
                node: request.dest.clone(),
                request: request.id,
                reply: request
                    .msg_id
                    .and_then(|id| replies.get(&(client, id)).copied()),
            });
            cursor += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkers::history::OpType;

    fn span(process: u64, start: u64, end: u64) -> Span {
        Span {
            invoke: 0,
            done: None,
            process,
            kind: OpType::Ok,
            start,
            end: Some(end),
        }
    }

    fn msg(
        id: u64,
        src: &str,
        dest: &str,
        sent: u64,
        kind: &str,
        ids: (Option<u64>, Option<u64>),
    ) -> Message {
        Message {
            id,
            src: src.into(),
            dest: dest.into(),
            sent,
            received: Some(sent + 1),
            kind: kind.into(),
            msg_id: ids.0,
            in_reply_to: ids.1,
            body: String::new(),
        }
    }

    #[test]
    fn processes_find_their_clients_even_when_their_sends_interleave() {
        // Process 0 invokes first but its client c2 sends after c3, process 1's client; c3
        // has no second request to match process 0's second operation.
        let spans = [span(0, 100, 200), span(1, 101, 150), span(0, 300, 400)];
        let messages = [
            msg(1, "c1", "n0", 5, "topology", (Some(1), None)),
            msg(2, "c3", "n1", 102, "read", (Some(1), None)),
            msg(3, "c2", "n0", 103, "broadcast", (Some(1), None)),
            msg(4, "n1", "c3", 140, "read_ok", (None, Some(1))),
            msg(5, "n0", "c2", 190, "broadcast_ok", (None, Some(1))),
            msg(6, "c2", "n2", 301, "read", (Some(2), None)),
        ];
        let found = carried(&spans, &messages);
        let got: Vec<_> = found
            .iter()
            .map(|c| {
                let c = c.as_ref().expect("every span is matched");
                (c.client.as_str(), c.node.as_str(), c.request, c.reply)
            })
            .collect();
        assert_eq!(got[0], ("c2", "n0", 3, Some(5)));
        assert_eq!(got[1], ("c3", "n1", 2, Some(4)));
        assert_eq!(got[2], ("c2", "n2", 6, None));
    }

    #[test]
    fn setup_clients_and_requests_outside_a_span_match_nothing() {
        let spans = [span(0, 100, 200)];
        let topology = [msg(1, "c1", "n0", 101, "topology", (Some(1), None))];
        assert_eq!(carried(&spans, &topology), [None]);
        let late = [msg(2, "c2", "n0", 250, "read", (Some(1), None))];
        assert_eq!(carried(&spans, &late), [None]);
    }
}
