//! The history as it happens: every invocation and completion, numbered densely from 0 in
//! the order the harness observes them, timed in nanoseconds since the run's origin. Index
//! and time are taken under one lock, so both increase along the history. Time is tokio's
//! clock: real, or the explorer's virtual one.

use crate::op::{Completion, OpSpec};
use checkers::history::{Op, OpType, Process};
use serde_json::Value;
use std::sync::Mutex;
use tokio::time::Instant;

/// The shared history of one run.
pub struct Recorder {
    origin: Instant,
    ops: Mutex<Vec<Op>>,
}

impl Recorder {
    pub fn new(origin: Instant) -> Recorder {
        Recorder {
            origin,
            ops: Mutex::new(Vec::new()),
        }
    }

    fn push(
        &self,
        process: Process,
        kind: OpType,
        f: &str,
        value: Value,
        error: Option<Value>,
        is_final: bool,
    ) -> Op {
        let mut ops = self.ops.lock().expect("history lock poisoned");
        let op = Op {
            index: ops.len(),
            time: self.origin.elapsed().as_nanos() as u64,
            process,
            kind,
            f: f.to_string(),
            value,
            error,
            is_final,
        };
        ops.push(op.clone());
        op
    }

    /// Records the invocation of `op` by client `process`.
    pub fn invoke(&self, process: u64, op: &OpSpec) -> Op {
        self.push(
            Process::Client(process),
            OpType::Invoke,
            &op.f,
            op.value.clone(),
            None,
            op.is_final,
        )
    }

    /// Records how `op`, invoked by `process`, ended.
    pub fn complete(&self, process: u64, op: &OpSpec, done: Completion) -> Op {
        self.push(
            Process::Client(process),
            done.kind,
            &op.f,
            done.value,
            done.error,
            op.is_final,
        )
    }

    /// Records a nemesis event (Jepsen records both halves as `info`).
    pub fn nemesis(&self, f: &str, value: Value) -> Op {
        self.push(Process::Nemesis, OpType::Info, f, value, None, false)
    }

    /// A copy of the history so far.
    pub fn snapshot(&self) -> Vec<Op> {
        self.ops.lock().expect("history lock poisoned").clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn indices_are_dense_and_times_monotonic() {
        let r = Recorder::new(Instant::now());
        let read = OpSpec::new("read", Value::Null).final_op();
        r.invoke(0, &read);
        r.nemesis("start-partition", json!("one"));
        r.complete(0, &read, Completion::ok(json!([1])));
        let h = r.snapshot();
        assert_eq!(h.iter().map(|o| o.index).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(h.windows(2).all(|w| w[0].time <= w[1].time));
        assert!(h[0].is_final && h[2].is_final && !h[1].is_final);
        assert_eq!((h[1].process, h[2].kind), (Process::Nemesis, OpType::Ok));
    }
}
