//! What the explanation and the page's data read about one run: the results tree, the history
//! with its spans, and which messages carried each operation, with the look-ups they share
//! (the span of an operation named in a checker's JSON, the node an operation went to).

use super::matching::Carried;
use super::messages::Message;
use super::spans::{span_of, Span};
use checkers::history::Op;
use serde_json::Value;

/// One run's facts, borrowed.
#[derive(Debug)]
pub struct Context<'a> {
    pub results: &'a Value,
    pub history: &'a [Op],
    pub spans: &'a [Span],
    /// Parallel to `spans`; all `None` without a journal.
    pub carried: &'a [Option<Carried>],
    /// The journal's messages (none without one), and whether it was thinned on reading.
    pub messages: &'a [Message],
    pub sampled: bool,
}

impl Context<'_> {
    /// Spans whose invocation (and completion, if any) satisfy `keep`, in order.
    pub fn spans_where(&self, keep: impl Fn(&Op, Option<&Op>) -> bool) -> Vec<usize> {
        (0..self.spans.len())
            .filter(|&i| keep(&self.history[self.spans[i].invoke], self.completion(i)))
            .collect()
    }

    pub fn completion(&self, span: usize) -> Option<&Op> {
        self.spans[span].done.map(|d| &self.history[d])
    }

    /// The node the operation's request went to, when the journal tells.
    pub fn node(&self, span: usize) -> Option<String> {
        self.carried
            .get(span)
            .and_then(Option::as_ref)
            .map(|c| c.node.clone())
    }

    /// `" by n2"` (with `prefix` " by "), or nothing when the node is not known.
    pub fn on_node(&self, span: usize, prefix: &str) -> String {
        self.node(span)
            .map_or(String::new(), |n| format!("{prefix}{n}"))
    }

    /// Messages whose body holds `value` anywhere but in its message ids.
    pub fn messages_with(&self, value: &Value) -> Vec<&Message> {
        let token = value.to_string();
        self.messages
            .iter()
            .filter(|m| match serde_json::from_str::<Value>(&m.body) {
                Ok(body) => holds(&body, value),
                // A body cut short for the page: look for the value's text instead.
                Err(_) => holds_text(&m.body, &token),
            })
            .collect()
    }

    /// The spans of every operation record (a map with `index`, `type` and `f`) inside a
    /// checker's JSON, in the order they appear.
    pub fn ops_in(&self, tree: &Value) -> Vec<usize> {
        let mut out = Vec::new();
        self.collect(tree, &mut out, 0);
        out
    }

    fn collect(&self, tree: &Value, out: &mut Vec<usize>, depth: usize) {
        // Checker output is small and shallow; the bound only guards against a pathological
        // results file.
        if depth > 32 || out.len() > 64 {
            return;
        }
        match tree {
            Value::Object(map) => {
                let is_op = map.contains_key("type") && map.contains_key("f");
                if let Some(index) = map.get("index").and_then(Value::as_u64).filter(|_| is_op) {
                    if let Some(span) = self.position(index).and_then(|p| span_of(self.spans, p)) {
                        if !out.contains(&span) {
                            out.push(span);
                        }
                    }
                }
                for v in map.values() {
                    self.collect(v, out, depth + 1);
                }
            }
            Value::Array(items) => {
                for v in items {
                    self.collect(v, out, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// The history position of the operation with Jepsen index `index`.
    fn position(&self, index: u64) -> Option<usize> {
        let index = usize::try_from(index).ok()?;
        if self.history.get(index).is_some_and(|op| op.index == index) {
            return Some(index);
        }
        self.history.iter().position(|op| op.index == index)
    }
}

/// Whether `tree` holds `value`, leaving out Maelstrom's message-id fields.
fn holds(tree: &Value, value: &Value) -> bool {
    if tree == value {
        return true;
    }
    match tree {
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| k != "msg_id" && k != "in_reply_to" && holds(v, value)),
        Value::Array(items) => items.iter().any(|v| holds(v, value)),
        _ => false,
    }
}

/// Whether `text` holds `token` as a whole JSON value (`17`, not `170` or a message id).
fn holds_text(text: &str, token: &str) -> bool {
    let bytes = text.as_bytes();
    let part_of_number = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'-';
    text.match_indices(token).any(|(at, _)| {
        let before = text[..at].trim_end();
        let after = bytes.get(at + token.len()).copied();
        let bounded_left = !at.checked_sub(1).is_some_and(|i| part_of_number(bytes[i]));
        let bounded_right = !after.is_some_and(part_of_number);
        bounded_left
            && bounded_right
            && !before.ends_with("\"msg_id\":")
            && !before.ends_with("\"in_reply_to\":")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_value_is_found_in_bodies_but_not_in_message_ids_or_other_numbers() {
        let v = json!(17);
        assert!(holds(&json!({"type": "gossip", "values": [3, 17]}), &v));
        assert!(!holds(
            &json!({"type": "read_ok", "msg_id": 17, "in_reply_to": 17}),
            &v
        ));
        assert!(holds_text(r#"{"type":"gossip","values":[3,17,2"#, "17"));
        assert!(!holds_text(r#"{"msg_id":17,"values":[170,1.17"#, "17"));
    }
}
