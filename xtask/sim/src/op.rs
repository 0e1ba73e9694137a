//! Operations as the generator hands them out ([`OpSpec`]) and as a workload client
//! completes them ([`Completion`]). The runner turns both into history records.

use checkers::history::OpType;
use serde_json::Value;

/// One operation to perform, before it has a process or a time.
#[derive(Debug, Clone, PartialEq)]
pub struct OpSpec {
    /// Jepsen's `:f`, e.g. `"broadcast"`, `"read"`.
    pub f: String,
    /// The argument (`null` for reads).
    pub value: Value,
    /// Flagged `:final? true` in the history (final reads of broadcast and counters).
    pub is_final: bool,
}

impl OpSpec {
    pub fn new(f: &str, value: Value) -> OpSpec {
        OpSpec {
            f: f.to_string(),
            value,
            is_final: false,
        }
    }

    /// The same operation flagged as a final read.
    pub fn final_op(mut self) -> OpSpec {
        self.is_final = true;
        self
    }
}

/// How an operation ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// `Ok`, `Fail` or `Info` (never `Invoke`).
    pub kind: OpType,
    /// The result for `ok`; the invocation's value otherwise.
    pub value: Value,
    /// Why it failed or is indeterminate.
    pub error: Option<Value>,
}

impl Completion {
    pub fn ok(value: Value) -> Completion {
        Completion {
            kind: OpType::Ok,
            value,
            error: None,
        }
    }
}
