//! Small builders for hand-written histories and journals, shared by every checker's tests
//! (and by other crates' tests): `HistoryBuilder::new().invoke(0, "read", json!(null))
//! .ok(0, "read", json!([1])).build()`.
//!
//! Indices are dense from 0. Each record is stamped with the builder's clock, which then
//! moves on by one millisecond; `at_ms` (or `at_ns`) sets the clock when a test cares about
//! latencies. [`Rng`] is a tiny seeded generator for generated histories, so neither tests
//! nor benches need a randomness crate.

use serde_json::Value;

use crate::history::{History, Op, OpType, Process};
use crate::journal::{NetEvent, NetEventKind};

const MS: u64 = 1_000_000;

/// Builds a [`History`] record by record.
#[derive(Debug, Clone, Default)]
pub struct HistoryBuilder {
    ops: Vec<Op>,
    time: u64,
}

impl HistoryBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the clock (in milliseconds) for the next record.
    pub fn at_ms(mut self, ms: u64) -> Self {
        self.time = ms * MS;
        self
    }

    /// Sets the clock (in nanoseconds) for the next record.
    pub fn at_ns(mut self, ns: u64) -> Self {
        self.time = ns;
        self
    }

    /// Appends any record of a client process.
    pub fn op(self, process: u64, kind: OpType, f: &str, value: Value) -> Self {
        self.push(Process::Client(process), kind, f, value)
    }

    pub fn invoke(self, process: u64, f: &str, value: Value) -> Self {
        self.op(process, OpType::Invoke, f, value)
    }

    pub fn ok(self, process: u64, f: &str, value: Value) -> Self {
        self.op(process, OpType::Ok, f, value)
    }

    pub fn fail(self, process: u64, f: &str, value: Value) -> Self {
        self.op(process, OpType::Fail, f, value)
    }

    pub fn info(self, process: u64, f: &str, value: Value) -> Self {
        self.op(process, OpType::Info, f, value)
    }

    /// An invocation immediately followed by its `ok` completion.
    pub fn call(self, process: u64, f: &str, invoked: Value, returned: Value) -> Self {
        self.invoke(process, f, invoked).ok(process, f, returned)
    }

    /// A nemesis record (Jepsen logs both halves of a nemesis op as `info`).
    pub fn nemesis(self, f: &str, value: Value) -> Self {
        self.push(Process::Nemesis, OpType::Info, f, value)
    }

    /// Flags the last record `final` (Maelstrom's `:final? true`).
    pub fn final_(mut self) -> Self {
        self.ops
            .last_mut()
            .expect("final_() needs a record to flag")
            .is_final = true;
        self
    }

    /// Sets the last record's `error` field.
    pub fn error(mut self, error: Value) -> Self {
        self.ops.last_mut().expect("error() needs a record").error = Some(error);
        self
    }

    pub fn build(self) -> History {
        self.ops
    }

    fn push(mut self, process: Process, kind: OpType, f: &str, value: Value) -> Self {
        self.ops.push(Op {
            index: self.ops.len(),
            time: self.time,
            process,
            kind,
            f: f.to_owned(),
            value,
            error: None,
            is_final: false,
        });
        self.time += MS;
        self
    }
}

/// SplitMix64: a tiny seeded generator, so generated histories need no randomness crate.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// Builds a message journal event by event; message bodies are left empty.
#[derive(Debug, Clone, Default)]
pub struct JournalBuilder {
    events: Vec<NetEvent>,
    time: u64,
}

impl JournalBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// The network accepted message `id`.
    pub fn send(self, id: u64, src: &str, dest: &str) -> Self {
        self.push(NetEventKind::Send, id, src, dest)
    }

    /// The network delivered message `id`.
    pub fn recv(self, id: u64, src: &str, dest: &str) -> Self {
        self.push(NetEventKind::Recv, id, src, dest)
    }

    /// A message sent and delivered.
    pub fn deliver(self, id: u64, src: &str, dest: &str) -> Self {
        self.send(id, src, dest).recv(id, src, dest)
    }

    pub fn build(self) -> Vec<NetEvent> {
        self.events
    }

    fn push(mut self, kind: NetEventKind, id: u64, src: &str, dest: &str) -> Self {
        self.events.push(NetEvent {
            time: self.time,
            kind,
            id,
            src: src.to_owned(),
            dest: dest.to_owned(),
            body: Value::Null,
        });
        self.time += MS;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_are_indexed_and_clocked() {
        let h = HistoryBuilder::new()
            .invoke(0, "read", json!(null))
            .at_ms(50)
            .ok(0, "read", json!([1]))
            .final_()
            .build();
        assert_eq!((h[0].index, h[0].time), (0, 0));
        assert_eq!((h[1].index, h[1].time), (1, 50 * MS));
        assert!(h[1].is_final && !h[0].is_final);
        let j = JournalBuilder::new().deliver(7, "c1", "n0").build();
        assert_eq!(j.len(), 2);
        assert_eq!((j[1].kind, j[1].id), (NetEventKind::Recv, 7));
    }
}
