//! The message journal (`messages.jsonl`) read back for drawing: one [`Message`] per network
//! id, its send and delivery times paired. A journal too long to draw whole is thinned on
//! reading: every client message is kept (the operations are matched to them), and server
//! messages whose id is a multiple of a stride, so a flooding node's journal costs the report
//! a bounded amount of memory; the page says how many it shows.

use anyhow::Context;
use checkers::journal::{is_client_id, NetEventKind};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The most messages a report keeps; a 25-node, 20 s broadcast run has about 40 000.
pub const MAX_MESSAGES: usize = 100_000;
/// The most characters of a body kept for the page.
pub const BODY_CHARS: usize = 240;

/// One message: sent, and delivered unless the network dropped it (a partition).
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: u64,
    pub src: String,
    pub dest: String,
    /// Nanoseconds since the start of the test.
    pub sent: u64,
    pub received: Option<u64>,
    /// The body's `type`, or `?` when it has none.
    pub kind: String,
    pub msg_id: Option<u64>,
    pub in_reply_to: Option<u64>,
    /// The body as the node wrote it, cut to [`BODY_CHARS`].
    pub body: String,
}

/// The messages kept from one journal.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    /// In order of sending.
    pub messages: Vec<Message>,
    /// Messages in the whole journal.
    pub total: usize,
    /// One server message in `stride` is kept (1: all of them).
    pub stride: u64,
}

#[derive(Deserialize)]
struct Line<'a> {
    time: u64,
    #[serde(rename = "type")]
    kind: NetEventKind,
    id: u64,
    src: String,
    dest: String,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct BodyFields {
    #[serde(rename = "type")]
    kind: Option<String>,
    msg_id: Option<u64>,
    in_reply_to: Option<u64>,
}

/// Reads `messages.jsonl`; a line that is not a journal event is an error naming its line.
pub fn read(path: &Path) -> anyhow::Result<Journal> {
    let total = for_each_line(path, |_, line| Ok(matches!(line.kind, NetEventKind::Send)))?;
    let stride = total.div_ceil(MAX_MESSAGES).max(1) as u64;
    let mut messages: Vec<Message> = Vec::new();
    let mut position: HashMap<u64, usize> = HashMap::new();
    for_each_line(path, |_, line| {
        let kept = stride == 1
            || line.id % stride == 0
            || is_client_id(&line.src)
            || is_client_id(&line.dest);
        if !kept {
            return Ok(false);
        }
        match line.kind {
            NetEventKind::Send => {
                position.insert(line.id, messages.len());
                messages.push(message(&line));
            }
            NetEventKind::Recv => {
                if let Some(&at) = position.get(&line.id) {
                    messages[at].received.get_or_insert(line.time);
                }
            }
        }
        Ok(true)
    })?;
    Ok(Journal {
        messages,
        total,
        stride,
    })
}

fn message(line: &Line<'_>) -> Message {
    let raw = line.body.map_or("{}", RawValue::get);
    let fields: Option<BodyFields> = serde_json::from_str(raw).ok();
    let (kind, msg_id, in_reply_to) = match fields {
        Some(f) => (f.kind, f.msg_id, f.in_reply_to),
        None => (None, None, None),
    };
    Message {
        id: line.id,
        src: line.src.clone(),
        dest: line.dest.clone(),
        sent: line.time,
        received: None,
        kind: kind.unwrap_or_else(|| "?".to_string()),
        msg_id,
        in_reply_to,
        body: super::html::truncate(raw, BODY_CHARS),
    }
}

/// Calls `each` on every line, returning how many calls answered true.
fn for_each_line(
    path: &Path,
    mut each: impl FnMut(usize, Line<'_>) -> anyhow::Result<bool>,
) -> anyhow::Result<usize> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut text = String::new();
    let (mut number, mut counted) = (0, 0);
    loop {
        text.clear();
        if reader
            .read_line(&mut text)
            .with_context(|| format!("reading {}", path.display()))?
            == 0
        {
            return Ok(counted);
        }
        number += 1;
        if text.trim().is_empty() {
            continue;
        }
        let line: Line<'_> = serde_json::from_str(&text)
            .with_context(|| format!("{} line {number} is not a journal event", path.display()))?;
        if each(number, line)? {
            counted += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journal(lines: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("messages.jsonl");
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        (dir, path)
    }

    #[test]
    fn sends_and_deliveries_pair_by_id() {
        let (_dir, path) = journal(&[
            r#"{"time":10,"type":"send","id":1,"src":"c1","dest":"n0","body":{"type":"broadcast","message":17,"msg_id":1}}"#,
            r#"{"time":30,"type":"send","id":2,"src":"n0","dest":"n1","body":{"type":"gossip","values":[17]}}"#,
            r#"{"time":50,"type":"recv","id":1,"src":"c1","dest":"n0","body":{"type":"broadcast","message":17,"msg_id":1}}"#,
            r#"{"time":60,"type":"send","id":3,"src":"n0","dest":"c1","body":{"type":"broadcast_ok","in_reply_to":1}}"#,
        ]);
        let j = read(&path).unwrap();
        assert_eq!((j.total, j.stride), (3, 1));
        let first = &j.messages[0];
        assert_eq!((first.sent, first.received), (10, Some(50)));
        assert_eq!((first.kind.as_str(), first.msg_id), ("broadcast", Some(1)));
        assert_eq!(j.messages[1].received, None, "dropped by the network");
        assert_eq!(j.messages[2].in_reply_to, Some(1));
    }

    #[test]
    fn a_line_that_is_not_an_event_is_named() {
        let (_dir, path) = journal(&[r#"{"time":1}"#]);
        let error = format!("{:#}", read(&path).unwrap_err());
        assert!(error.contains("line 1 is not a journal event"), "{error}");
    }
}
