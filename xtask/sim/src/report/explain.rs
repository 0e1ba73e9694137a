//! The verdict in words, from the results tree: which checker failed, what it found, and the
//! operations involved (so the page can link them to the diagram). Each checker's anomaly
//! kinds get a sentence of their own (set-full's lost values, unique-ids' duplicates, the
//! counters' final reads, echo, kafka, Elle's transaction anomalies, Knossos' linearizability
//! failures, stats and availability); anything else still names its checker and keeps its
//! JSON, so no verdict is left unexplained.

use super::context::Context;
use super::describe::{elle_anomaly, kafka_error};
use super::html::{compact, seconds};
use checkers::history::OpType;
use checkers::validity::Validity;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Findings of one kind shown, at most; the JSON holds the rest.
const SHOWN: usize = 10;
/// Operations linked per finding, at most.
const LINKED: usize = 6;
/// Messages highlighted per finding, at most.
const HIGHLIGHTED: usize = 200;

/// One thing a checker found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The results part that reported it: `workload`, `availability`, ...
    pub checker: String,
    /// A short heading, e.g. `value 17 lost`.
    pub title: String,
    /// What happened, in sentences (plain text).
    pub text: String,
    /// The operations involved, as span indices.
    pub ops: Vec<usize>,
    /// Other messages involved (network ids), e.g. those that carried a lost value.
    pub msgs: Vec<u64>,
}

/// The verdict explained.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub validity: Validity,
    /// One sentence: which checkers passed or failed.
    pub summary: String,
    pub findings: Vec<Finding>,
    /// Things worth knowing that did not decide the verdict (warnings, deaf nodes).
    pub notes: Vec<String>,
}

/// The results parts in the order Maelstrom composes them.
const PARTS: [&str; 7] = [
    "workload",
    "availability",
    "stats",
    "net",
    "exceptions",
    "perf",
    "timeline",
];

/// Explains the results tree of a run.
pub fn explain(cx: &Context<'_>) -> Explanation {
    let results = cx.results;
    let overall = validity(&results["valid?"]);
    let mut findings = Vec::new();
    let mut failing = Vec::new();
    let mut parts: Vec<&str> = PARTS.to_vec();
    if let Some(map) = results.as_object() {
        parts.extend(
            map.iter()
                .filter(|(k, v)| !PARTS.contains(&k.as_str()) && v.get("valid?").is_some())
                .map(|(k, _)| k.as_str()),
        );
    }
    for part in parts {
        let tree = &results[part];
        let v = validity(&tree["valid?"]);
        if tree.is_null() || v == Validity::Valid {
            continue;
        }
        failing.push(format!("{part} ({})", word(v)));
        let found = match part {
            "workload" => workload(cx, tree),
            "availability" => availability(tree),
            "stats" => stats(tree),
            _ => Vec::new(),
        };
        if found.is_empty() {
            findings.push(generic(cx, part, tree, v));
        } else {
            findings.extend(found);
        }
    }
    let summary = if failing.is_empty() {
        match overall {
            Validity::Valid => "valid: every checker passed.".to_string(),
            other => format!(
                "{}: the results say so, but no checker part does.",
                word(other)
            ),
        }
    } else {
        format!("{}: {} did not pass.", word(overall), failing.join(", "))
    };
    Explanation {
        validity: overall,
        summary,
        findings,
        notes: notes(results),
    }
}

fn validity(value: &Value) -> Validity {
    match value {
        Value::Bool(b) => Validity::from_bool(*b),
        _ => Validity::Unknown,
    }
}

fn word(v: Validity) -> &'static str {
    match v {
        Validity::Valid => "valid",
        Validity::Invalid => "INVALID",
        Validity::Unknown => "unknown",
    }
}

fn finding(checker: &str, title: String, text: String, ops: Vec<usize>) -> Finding {
    let mut ops = ops;
    ops.dedup();
    ops.truncate(LINKED);
    Finding {
        checker: checker.to_string(),
        title,
        text,
        ops,
        msgs: Vec::new(),
    }
}

/// The workload checker's findings, by the shape of its results.
fn workload(cx: &Context<'_>, tree: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(lost) = tree["lost"].as_array().filter(|l| !l.is_empty()) {
        out.extend(lost.iter().take(SHOWN).map(|v| lost_value(cx, v)));
        more(&mut out, "workload", lost.len(), "lost values");
    }
    if let Some(dups) = tree["duplicated"].as_object().filter(|d| !d.is_empty()) {
        if tree.get("attempted-count").is_some() {
            out.extend(
                dups.iter()
                    .take(SHOWN)
                    .map(|(id, n)| duplicate_id(cx, id, n)),
            );
            more(&mut out, "workload", dups.len(), "duplicated ids");
        }
    }
    if let Some(errors) = tree["errors"].as_array().filter(|e| !e.is_empty()) {
        if tree.get("final-reads").is_some() {
            out.extend(errors.iter().take(SHOWN).map(|e| counter_read(cx, tree, e)));
        } else {
            out.extend(errors.iter().take(SHOWN).map(|e| echo_error(cx, e)));
        }
        more(&mut out, "workload", errors.len(), "errors");
    }
    if let Some(bad) = tree["bad-error-types"].as_array() {
        for kind in bad.iter().filter_map(Value::as_str) {
            out.push(kafka(cx, kind, &tree[kind]));
        }
    }
    if let Some(types) = tree["anomaly-types"].as_array() {
        for kind in types.iter().filter_map(Value::as_str) {
            out.push(elle(cx, kind, &tree["anomalies"][kind], &tree["not"]));
        }
    }
    if let Some(keys) = tree["failures"].as_array() {
        for key in keys.iter().take(SHOWN) {
            out.push(linearizability(cx, key, tree));
        }
        more(&mut out, "workload", keys.len(), "keys that failed");
    }
    if out.is_empty() {
        if let Some(error) = tree["error"].as_str() {
            out.push(finding(
                "workload",
                "the checker could not decide".to_string(),
                error.to_string(),
                cx.ops_in(tree),
            ));
        }
    }
    out
}

fn more(out: &mut Vec<Finding>, checker: &str, total: usize, what: &str) {
    if total > SHOWN {
        out.push(finding(
            checker,
            format!("and {} more {what}", total - SHOWN),
            "The results JSON below lists them all.".to_string(),
            Vec::new(),
        ));
    }
}

/// set-full: an element acknowledged (or read) that later reads no longer contain.
fn lost_value(cx: &Context<'_>, value: &Value) -> Finding {
    let shown = compact(value, 60);
    let added = cx.spans_where(|op, done| {
        matches!(op.f.as_str(), "add" | "broadcast")
            && op.value == *value
            && done.is_some_and(|d| d.kind == OpType::Ok)
    });
    let mut sentences = Vec::new();
    let mut ops = Vec::new();
    let after = match added.first() {
        Some(&add) => {
            let span = &cx.spans[add];
            let end = span.end.unwrap_or(span.start);
            sentences.push(format!(
                "acknowledged at {}{} (operation {}, process {})",
                seconds(end),
                cx.on_node(add, " by "),
                cx.history[span.invoke].index,
                span.process
            ));
            ops.push(add);
            end
        }
        None => {
            sentences.push("never acknowledged by an ok operation".to_string());
            0
        }
    };
    let contains = |v: &Value| v.as_array().is_some_and(|a| a.contains(value));
    let reads = cx.spans_where(|op, done| {
        op.f == "read" && done.is_some_and(|d| d.kind == OpType::Ok) && op.time >= after
    });
    let (present, absent): (Vec<usize>, Vec<usize>) = reads
        .iter()
        .partition(|&&i| contains(&cx.completion(i).expect("ok reads complete").value));
    if let Some(&last) = present.last() {
        sentences.push(format!(
            "read {} time(s), the last at {}{}",
            present.len(),
            seconds(cx.spans[last].start),
            cx.on_node(last, " on ")
        ));
        ops.push(last);
    }
    let later: Vec<usize> = match present.last() {
        Some(&last) => absent
            .into_iter()
            .filter(|&i| cx.spans[i].start > cx.spans[last].start)
            .collect(),
        None => absent,
    };
    if later.is_empty() {
        sentences.push("no later read lacked it (it was lost at the final reads)".to_string());
    } else {
        let nodes: BTreeSet<String> = later.iter().filter_map(|&i| cx.node(i)).collect();
        let first = later[0];
        let last = *later.last().expect("not empty");
        sentences.push(format!(
            "then {} read(s){} did not contain it, from {} to {}",
            later.len(),
            if nodes.is_empty() {
                String::new()
            } else {
                format!(" on {}", nodes.into_iter().collect::<Vec<_>>().join(", "))
            },
            seconds(cx.spans[first].start),
            seconds(cx.spans[last].start)
        ));
        ops.extend([first, last]);
    }
    let mut msgs = Vec::new();
    if !cx.messages.is_empty() {
        let carrying = cx.messages_with(value);
        let nodes: BTreeSet<&str> = cx
            .messages
            .iter()
            .flat_map(|m| [m.src.as_str(), m.dest.as_str()])
            .filter(|id| id.starts_with('n'))
            .collect();
        let mut reached: BTreeSet<&str> = carrying
            .iter()
            .filter(|m| m.received.is_some() && nodes.contains(m.dest.as_str()))
            .map(|m| m.dest.as_str())
            .collect();
        let acknowledged = added.first().and_then(|&a| cx.node(a));
        if let Some(node) = &acknowledged {
            reached.insert(node.as_str());
        }
        let missing: Vec<&str> = nodes.difference(&reached).copied().collect();
        let among = if cx.sampled {
            " (among the messages the report kept)"
        } else {
            ""
        };
        let between = carrying
            .iter()
            .filter(|m| nodes.contains(m.src.as_str()) && nodes.contains(m.dest.as_str()))
            .count();
        let carried = match between {
            0 => format!("no message between nodes carried it{among}"),
            n => format!("{n} message(s) between nodes carried it{among}"),
        };
        sentences.push(if missing.is_empty() {
            format!("{carried}, and every node received it")
        } else {
            format!("{carried}; it never reached {}", missing.join(", "))
        });
        msgs = carrying.iter().take(HIGHLIGHTED).map(|m| m.id).collect();
    }
    let mut f = finding(
        "workload",
        format!("value {shown} lost"),
        format!("Value {shown}: {}.", sentences.join("; ")),
        ops,
    );
    f.msgs = msgs;
    f
}

/// unique-ids: one id handed out more than once.
fn duplicate_id(cx: &Context<'_>, id: &str, times: &Value) -> Finding {
    let wanted: Value = serde_json::from_str(id).unwrap_or_else(|_| Value::from(id));
    let ops = cx.spans_where(|op, done| {
        op.f == "generate"
            && done.is_some_and(|d| {
                d.kind == OpType::Ok && (d.value == wanted || d.value.as_str() == Some(id))
            })
    });
    let whom: Vec<String> = ops
        .iter()
        .map(|&i| {
            format!(
                "{}{}",
                seconds(cx.spans[i].end.unwrap_or(cx.spans[i].start)),
                cx.on_node(i, " by ")
            )
        })
        .collect();
    finding(
        "workload",
        format!("id {} duplicated", compact(&wanted, 60)),
        format!(
            "The id {} was generated {times} times: at {}.",
            compact(&wanted, 60),
            whom.join(", ")
        ),
        ops,
    )
}

/// g-counter, pn-counter: a final read outside the values the adds allow.
fn counter_read(cx: &Context<'_>, tree: &Value, error: &Value) -> Finding {
    let ops = cx.ops_in(error);
    let where_ = ops.first().map_or(String::new(), |&i| {
        format!(
            " at {}{}",
            seconds(cx.spans[i].start),
            cx.on_node(i, " on ")
        )
    });
    let ranges: Vec<String> = tree["acceptable"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| match (r[0].as_i64(), r[1].as_i64()) {
            (Some(lo), Some(hi)) if lo == hi => lo.to_string(),
            (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
            _ => compact(r, 40),
        })
        .collect();
    finding(
        "workload",
        format!("final read of {}", compact(&error["value"], 40)),
        format!(
            "A final read{where_} returned {}, but the adds that happened allow only {}.",
            compact(&error["value"], 40),
            if ranges.is_empty() {
                "no value".to_string()
            } else {
                ranges.join(" or ")
            }
        ),
        ops,
    )
}

/// echo: a reply that did not echo the request.
fn echo_error(cx: &Context<'_>, error: &Value) -> Finding {
    let (sent, got) = (&error[1], &error[3]);
    let ops = cx.spans_where(|op, _| op.f == "echo" && op.value == *sent);
    finding(
        "workload",
        "wrong echo".to_string(),
        format!(
            "The request echoed {} but the reply was {}.",
            compact(sent, 80),
            compact(got, 120)
        ),
        ops,
    )
}

/// kafka: one error type and its first cases.
fn kafka(cx: &Context<'_>, kind: &str, entry: &Value) -> Finding {
    let count = entry["count"].as_u64().unwrap_or(0);
    let example = entry["errs"].get(0).map_or(String::new(), |e| {
        format!(" First case: {}.", compact(e, 300))
    });
    finding(
        "workload",
        format!("{kind} ({count})"),
        format!("{}{example}", kafka_error(kind)),
        cx.ops_in(&entry["errs"]),
    )
}

/// Elle: one anomaly type, the models it rules out, and its first example.
fn elle(cx: &Context<'_>, kind: &str, cases: &Value, not: &Value) -> Finding {
    let count = cases.as_array().map_or(0, Vec::len);
    let not: Vec<&str> = not
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let ruled_out = if not.is_empty() {
        String::new()
    } else {
        format!(" So the history is not {}.", not.join(", "))
    };
    let example = cases.get(0).map_or(String::new(), |c| {
        format!(" First case: {}.", compact(c, 300))
    });
    finding(
        "workload",
        format!("{kind} ({count})"),
        format!("{}{ruled_out}{example}", elle_anomaly(kind)),
        cx.ops_in(&cases.get(0).cloned().unwrap_or(Value::Null)),
    )
}

/// lin-kv: a key whose history has no linearization; Knossos' own explanation.
fn linearizability(cx: &Context<'_>, key: &Value, tree: &Value) -> Finding {
    let name = key.as_str().map_or_else(|| key.to_string(), str::to_string);
    let lin = &tree["results"][&name]["linearizable"];
    let why = lin["explanation"]
        .as_str()
        .or(lin["cause"].as_str())
        .unwrap_or("no linearization of its operations exists");
    let mut ops = cx.ops_in(&lin["previous-ok"]);
    ops.extend(cx.ops_in(&lin["op"]));
    finding(
        "workload",
        format!("key {name} not linearizable"),
        format!("Key {name}: {why}"),
        ops,
    )
}

fn availability(tree: &Value) -> Vec<Finding> {
    let Some(fraction) = tree["ok-fraction"].as_f64() else {
        return Vec::new();
    };
    vec![finding(
        "availability",
        format!("{:.1}% of operations ok", fraction * 100.0),
        format!(
            "Only {:.2}% of the operations succeeded, below what --availability requires.",
            fraction * 100.0
        ),
        Vec::new(),
    )]
}

fn stats(tree: &Value) -> Vec<Finding> {
    let empty = Map::new();
    let by_f = tree["by-f"].as_object().unwrap_or(&empty);
    by_f.iter()
        .filter(|(_, s)| s["valid?"] == Value::Bool(false))
        .map(|(f, s)| {
            finding(
                "stats",
                format!("no {f} succeeded"),
                format!(
                    "None of the {} {f} operations succeeded: {} failed, {} indeterminate.",
                    s["count"], s["fail-count"], s["info-count"]
                ),
                Vec::new(),
            )
        })
        .collect()
}

/// Any other part: its name, its verdict and the keys it reported.
fn generic(cx: &Context<'_>, part: &str, tree: &Value, v: Validity) -> Finding {
    let error = tree["error"].as_str().or(tree["cause"].as_str());
    let keys: Vec<&str> = tree
        .as_object()
        .into_iter()
        .flat_map(|m| m.keys())
        .map(String::as_str)
        .filter(|k| *k != "valid?")
        .collect();
    let text = match error {
        Some(e) => format!("The {part} checker says {}: {e}", word(v)),
        None => format!(
            "The {part} checker says {}; it reported {}. Its JSON is below.",
            word(v),
            if keys.is_empty() {
                "nothing more".to_string()
            } else {
                keys.join(", ")
            }
        ),
    };
    finding(part, format!("{part}: {}", word(v)), text, cx.ops_in(tree))
}

/// Warnings anywhere in the results, and the simulator's deaf and silent nodes.
fn notes(results: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for part in PARTS {
        for w in results[part]["warnings"].as_array().into_iter().flatten() {
            out.push(format!(
                "{part}: {}",
                w.as_str().map_or_else(|| w.to_string(), str::to_string)
            ));
        }
    }
    for (key, what) in [("deaf-nodes", "went deaf"), ("silent-nodes", "went silent")] {
        for (node, why) in results["sim"][key].as_object().into_iter().flatten() {
            out.push(format!(
                "node {node} {what}: {}",
                why.as_str().map_or_else(|| why.to_string(), str::to_string)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::matching::Carried;
    use crate::report::messages::Message;
    use crate::report::spans::spans;
    use checkers::history::Op;
    use checkers::testing::HistoryBuilder;
    use serde_json::json;

    fn explained(results: Value, history: &[Op], nodes: &[&str]) -> Explanation {
        explained_with(results, history, nodes, &[])
    }

    fn explained_with(
        results: Value,
        history: &[Op],
        nodes: &[&str],
        messages: &[Message],
    ) -> Explanation {
        let spans = spans(history).unwrap();
        let carried: Vec<Option<Carried>> = (0..spans.len())
            .map(|i| {
                nodes.get(i).map(|n| Carried {
                    client: format!("c{i}"),
                    node: n.to_string(),
                    request: i as u64,
                    reply: None,
                })
            })
            .collect();
        explain(&Context {
            results: &results,
            history,
            spans: &spans,
            carried: &carried,
            messages,
            sampled: false,
        })
    }

    #[test]
    fn a_lost_value_names_who_acknowledged_it_and_where_it_was_missing() {
        let h = HistoryBuilder::new()
            .at_ms(3200)
            .call(0, "broadcast", json!(17), json!(17))
            .at_ms(4000)
            .call(1, "read", json!(null), json!([17]))
            .at_ms(5000)
            .call(2, "read", json!(null), json!([]))
            .at_ms(6000)
            .call(3, "read", json!(null), json!([]))
            .build();
        let results = json!({"valid?": false, "workload": {"valid?": false, "lost": [17]}});
        let e = explained(results, &h, &["n2", "n1", "n0", "n3"]);
        assert_eq!(e.validity, Validity::Invalid);
        assert_eq!(e.summary, "INVALID: workload (INVALID) did not pass.");
        let f = &e.findings[0];
        assert_eq!(f.title, "value 17 lost");
        assert_eq!(
            f.text,
            "Value 17: acknowledged at 3.2 s by n2 (operation 0, process 0); read 1 time(s), the \
             last at 4.0 s on n1; then 2 read(s) on n0, n3 did not contain it, from 5.0 s to 6.0 s."
        );
        assert_eq!(f.ops, [0, 1, 2, 3]);
    }

    #[test]
    fn the_journal_tells_which_nodes_a_lost_value_never_reached() {
        let h = HistoryBuilder::new()
            .at_ms(100)
            .call(0, "broadcast", json!(17), json!(17))
            .at_ms(900)
            .call(1, "read", json!(null), json!([]))
            .build();
        let m = |id, src: &str, dest: &str, body: &str, delivered: bool| Message {
            id,
            src: src.into(),
            dest: dest.into(),
            sent: 0,
            received: delivered.then_some(1),
            kind: "gossip".into(),
            msg_id: None,
            in_reply_to: None,
            body: body.into(),
        };
        let messages = [
            m(
                1,
                "c4",
                "n2",
                r#"{"type":"broadcast","message":17,"msg_id":1}"#,
                true,
            ),
            m(2, "n2", "n1", r#"{"type":"gossip","values":[17]}"#, true),
            m(3, "n2", "n3", r#"{"type":"gossip","values":[17]}"#, false),
            m(
                4,
                "n1",
                "n0",
                r#"{"type":"gossip","values":[],"msg_id":17}"#,
                true,
            ),
        ];
        let results = json!({"valid?": false, "workload": {"valid?": false, "lost": [17]}});
        let e = explained_with(results, &h, &["n2", "n0"], &messages);
        let f = &e.findings[0];
        assert!(
            f.text
                .ends_with("2 message(s) between nodes carried it; it never reached n0, n3."),
            "{}",
            f.text
        );
        assert_eq!(f.msgs, [1, 2, 3]);
    }

    #[test]
    fn transaction_and_linearizability_findings_use_their_checkers_words() {
        let h = HistoryBuilder::new()
            .call(0, "txn", json!([["r", 1, null]]), json!([["r", 1, 3]]))
            .build();
        let op = serde_json::to_value(&h[1]).unwrap();
        let elle = json!({"valid?": false, "workload": {"valid?": false, "anomaly-types": ["G1a"],
            "anomalies": {"G1a": [{"op": op, "mop": ["r", 1, 3]}]}, "not": ["read-committed"]}});
        let f = &explained(elle, &h, &[]).findings[0];
        assert_eq!(f.title, "G1a (1)");
        assert!(f.text.starts_with("Aborted read"), "{}", f.text);
        assert!(f.text.contains("So the history is not read-committed."));
        assert_eq!(f.ops, [0], "the op in the anomaly links to its span");

        let lin = json!({"valid?": false, "workload": {"valid?": false, "failures": ["k"],
            "results": {"k": {"valid?": false, "linearizable": {"explanation": "read 3 but the register held 1", "op": op}}}}});
        let f = &explained(lin, &h, &[]).findings[0];
        assert_eq!(f.title, "key k not linearizable");
        assert_eq!(f.text, "Key k: read 3 but the register held 1");
    }

    #[test]
    fn other_failures_still_name_their_checker() {
        let results = json!({"valid?": "unknown",
            "net": {"valid?": "unknown", "error": "journal unreadable"},
            "availability": {"valid?": false, "ok-fraction": 0.5},
            "workload": {"valid?": false, "weird": [1]}});
        let e = explained(results, &[], &[]);
        assert_eq!(e.validity, Validity::Unknown);
        let texts: Vec<&str> = e.findings.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "The workload checker says INVALID; it reported weird. Its JSON is below.",
                "Only 50.00% of the operations succeeded, below what --availability requires.",
                "The net checker says unknown: journal unreadable",
            ]
        );
        assert!(explained(json!({"valid?": true}), &[], &[])
            .findings
            .is_empty());
    }
}
