//! The facts the page's script draws, as one compact JSON document: lanes, messages and
//! operations as parallel arrays of small integers (times in tenths of a millisecond, as steps
//! from the previous send or invocation, and delays), so a
//! 25-node run's 40 000 messages cost about a megabyte rather than 40 000 SVG elements.
//! Message bodies ride along within a budget, those of the operations the explanation
//! names first.

use super::context::Context;
use super::html::compact;
use super::messages::Journal;
use checkers::history::OpType;
use checkers::journal::is_client_id;
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap};

/// Bytes of message bodies embedded in the page, at most.
const BODY_BUDGET: usize = 1_000_000;
/// Beyond this many operations the page shows no operation values (the timeline stays).
const VALUES_UP_TO: usize = 40_000;
/// More clients than this share one lane.
const MAX_CLIENT_LANES: usize = 24;
/// The shared clients' lane.
const CLIENTS_LANE: &str = "clients";
/// Beyond this many operations their values are cut shorter.
const SHORT_VALUES_FROM: usize = 5_000;
/// Characters of an operation's value shown.
const VALUE_CHARS: usize = 100;

/// Nanoseconds to the page's unit, a tenth of a millisecond.
fn unit(nanos: u64) -> u64 {
    nanos / 100_000
}

/// `n2` before `n10`; nodes, then services, then clients.
fn lane_order(id: &str) -> (u8, u64, String) {
    let group = if id.starts_with('n') {
        0
    } else if is_client_id(id) {
        2
    } else {
        1
    };
    let number = id
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .unwrap_or(0);
    (group, number, id.to_string())
}

/// The page's data; `involved` are the spans the explanation links to.
pub fn data(cx: &Context<'_>, journal: Option<&Journal>, involved: &BTreeSet<usize>) -> Value {
    let mut end = cx.history.last().map_or(0, |o| o.time);
    let mut lanes: BTreeSet<(u8, u64, String)> = BTreeSet::new();
    let messages = journal.map_or(&[][..], |j| &j.messages[..]);
    for m in messages {
        lanes.insert(lane_order(&m.src));
        lanes.insert(lane_order(&m.dest));
        end = end.max(m.received.unwrap_or(m.sent));
    }
    // Past a couple of dozen clients (each new process opens one) their lanes would dwarf the
    // nodes', so they share one lane and the tooltip names the client.
    let clients: Vec<String> = lanes
        .iter()
        .filter(|(group, _, _)| *group == 2)
        .map(|(_, _, id)| id.clone())
        .collect();
    let shared_lane = clients.len() > MAX_CLIENT_LANES;
    let mut lanes: Vec<String> = lanes
        .into_iter()
        .filter(|(group, _, _)| !shared_lane || *group != 2)
        .map(|(_, _, id)| id)
        .collect();
    if shared_lane {
        lanes.push(CLIENTS_LANE.to_string());
    }
    let mut lane: HashMap<&str, usize> = lanes
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    if shared_lane {
        for c in &clients {
            lane.insert(c.as_str(), lanes.len() - 1);
        }
    }
    let client_index: HashMap<&str, usize> = clients
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();

    let mut types: Vec<String> = Vec::new();
    let mut type_index: HashMap<&str, usize> = HashMap::new();
    let mut cols: [Vec<Value>; 7] = Default::default();
    let mut previous_send = 0;
    for m in messages {
        let next = type_index.len();
        let k = *type_index.entry(m.kind.as_str()).or_insert_with(|| {
            types.push(m.kind.clone());
            next
        });
        cols[0].push(m.id.into());
        cols[1].push(lane[m.src.as_str()].into());
        cols[2].push(lane[m.dest.as_str()].into());
        // Sends are in time order, so each is stored as the step from the previous one, and
        // a delivery as its delay: small numbers, a smaller page.
        cols[3].push((unit(m.sent) - unit(previous_send)).into());
        previous_send = m.sent;
        cols[4].push(
            m.received
                .map_or(json!(-1), |r| json!(unit(r) - unit(m.sent))),
        );
        cols[5].push(k.into());
        let client = [&m.src, &m.dest]
            .into_iter()
            .find_map(|e| client_index.get(e.as_str()))
            .filter(|_| shared_lane);
        cols[6].push(client.map_or(json!(-1), |c| json!(c)));
    }
    let [id, src, dest, sent, received, kind, client] = cols;

    // Bodies: the involved operations' messages first, then everything in order of sending.
    let by_id: HashMap<u64, &super::messages::Message> =
        messages.iter().map(|m| (m.id, m)).collect();
    let mut bodies = Map::new();
    let mut spent = 0;
    let first: Vec<u64> = involved
        .iter()
        .filter_map(|&s| cx.carried.get(s)?.as_ref())
        .flat_map(|c| [Some(c.request), c.reply])
        .flatten()
        .collect();
    for m in first
        .iter()
        .filter_map(|i| by_id.get(i).copied())
        .chain(messages.iter())
    {
        if spent + m.body.len() > BODY_BUDGET {
            break;
        }
        if bodies.contains_key(&m.id.to_string()) {
            continue;
        }
        spent += m.body.len();
        bodies.insert(m.id.to_string(), Value::from(m.body.as_str()));
    }

    let mut procs: Vec<u64> = cx.spans.iter().map(|s| s.process).collect();
    procs.sort_unstable();
    procs.dedup();
    let proc_index: HashMap<u64, usize> = procs.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let mut fs: Vec<String> = Vec::new();
    let with_values = cx.spans.len() <= VALUES_UP_TO;
    // Long histories get shorter values, so the page stays a few megabytes at most.
    let value_chars = if cx.spans.len() > SHORT_VALUES_FROM {
        VALUE_CHARS / 3
    } else {
        VALUE_CHARS
    };
    let mut ops: [Vec<Value>; 9] = Default::default();
    let mut previous_start = 0;
    for (i, s) in cx.spans.iter().enumerate() {
        let invoke = &cx.history[s.invoke];
        let f = match fs.iter().position(|f| *f == invoke.f) {
            Some(f) => f,
            None => {
                fs.push(invoke.f.clone());
                fs.len() - 1
            }
        };
        let done = cx.completion(i);
        let value = if with_values {
            let shown = match done {
                Some(d) if d.kind == OpType::Ok => compact(&d.value, value_chars),
                Some(d) => match &d.error {
                    Some(e) => format!(
                        "{} → {}",
                        compact(&invoke.value, value_chars / 2),
                        compact(e, value_chars / 2)
                    ),
                    None => compact(&invoke.value, value_chars),
                },
                None => compact(&invoke.value, value_chars),
            };
            Value::from(shown)
        } else {
            Value::from("")
        };
        let carried = cx.carried.get(i).and_then(Option::as_ref);
        ops[0].push(proc_index[&s.process].into());
        // Invocations are in time order too: steps, and durations.
        ops[1].push((unit(s.start) - unit(previous_start)).into());
        previous_start = s.start;
        ops[2].push(s.end.map_or(json!(-1), |e| json!(unit(e) - unit(s.start))));
        ops[3].push(
            match s.kind {
                OpType::Ok => 0,
                OpType::Fail => 1,
                OpType::Info => 2,
                OpType::Invoke => 3,
            }
            .into(),
        );
        ops[4].push(f.into());
        ops[5].push(value);
        ops[6].push(invoke.index.into());
        ops[7].push(
            carried
                .and_then(|c| lane.get(c.node.as_str()))
                .map_or(json!(-1), |l| json!(l)),
        );
        ops[8].push(carried.map_or(json!([]), |c| {
            json!([c.request, c.reply.map_or(json!(-1), |r| json!(r))])
        }));
    }
    let [p, a, b, k, fi, v, index, node, carried] = ops;
    let bands: Vec<Value> = crate::plots::bands(cx.history)
        .into_iter()
        .map(|(s, e)| json!([(s * 1e4) as u64, (e * 1e4) as u64]))
        .collect();
    json!({
        "end": unit(end).max(1),
        "lanes": lanes,
        "types": types,
        "m": {"id": id, "s": src, "d": dest, "a": sent, "b": received, "k": kind, "c": client},
        "clients": if shared_lane { json!(clients) } else { json!([]) },
        "bodies": bodies,
        "journal": journal.map(|j| json!({"kept": j.messages.len(), "total": j.total, "stride": j.stride})),
        "procs": procs,
        "fs": fs,
        "values": with_values,
        "o": {"p": p, "a": a, "b": b, "k": k, "f": fi, "v": v, "i": index, "n": node, "c": carried},
        "bands": bands,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::messages::Message;
    use checkers::testing::HistoryBuilder;

    fn message(id: u64, src: &str, dest: &str, sent_ms: u64, received_ms: Option<u64>) -> Message {
        Message {
            id,
            src: src.into(),
            dest: dest.into(),
            sent: sent_ms * 1_000_000,
            received: received_ms.map(|r| r * 1_000_000),
            kind: "gossip".into(),
            msg_id: None,
            in_reply_to: None,
            body: "{}".into(),
        }
    }

    fn page_data(messages: Vec<Message>) -> Value {
        let history = HistoryBuilder::new()
            .at_ms(10)
            .invoke(0, "read", Value::Null)
            .at_ms(15)
            .ok(0, "read", serde_json::json!([1]))
            .at_ms(20)
            .invoke(1, "read", Value::Null)
            .build();
        let spans = crate::report::spans::spans(&history).unwrap();
        let carried = vec![None; spans.len()];
        let results = Value::Null;
        let cx = Context {
            results: &results,
            history: &history,
            spans: &spans,
            carried: &carried,
            messages: &[],
            sampled: false,
        };
        let journal = Journal {
            total: messages.len(),
            messages,
            stride: 1,
        };
        data(&cx, Some(&journal), &BTreeSet::new())
    }

    #[test]
    fn lanes_are_nodes_then_services_then_clients_and_times_are_steps() {
        let d = page_data(vec![
            message(1, "n10", "n2", 1, Some(3)),
            message(2, "c3", "n2", 4, None),
            message(3, "n2", "lin-kv", 6, Some(7)),
        ]);
        assert_eq!(d["lanes"], json!(["n2", "n10", "lin-kv", "c3"]));
        assert_eq!(d["m"]["s"], json!([1, 3, 0]));
        assert_eq!(
            d["m"]["a"],
            json!([10, 30, 20]),
            "steps from the previous send"
        );
        assert_eq!(
            d["m"]["b"],
            json!([20, -1, 10]),
            "delays; -1 never delivered"
        );
        assert_eq!(d["o"]["a"], json!([100, 100]));
        assert_eq!(d["o"]["b"], json!([50, -1]));
        assert_eq!(d["o"]["k"], json!([0, 3]));
        assert_eq!(d["clients"], json!([]));
    }

    #[test]
    fn many_clients_share_one_lane_and_keep_their_names() {
        let messages = (0..30)
            .map(|c| message(c, &format!("c{c}"), "n0", c, Some(c + 1)))
            .collect();
        let d = page_data(messages);
        assert_eq!(d["lanes"], json!(["n0", "clients"]));
        assert_eq!(d["clients"].as_array().unwrap().len(), 30);
        assert_eq!(d["m"]["s"][29], json!(1));
        assert_eq!(
            d["clients"][d["m"]["c"][29].as_u64().unwrap() as usize],
            "c29"
        );
    }
}
