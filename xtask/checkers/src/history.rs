//! The history of a test: every client operation's invocation and completion, in the order
//! the harness observed them, as Jepsen records it. Checkers are pure functions of a
//! [`History`] (and, for network statistics, of the message journal in [`crate::journal`]).
//!
//! One [`Op`] is one line of a run's `history.jsonl`, so the serde shape here is a file
//! format: keep it stable.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who performed an operation: a client worker (Jepsen's integer process) or the nemesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Process {
    /// Worker thread `p mod concurrency`; it becomes `p + concurrency` after an `info`.
    Client(u64),
    /// The fault injector, spelled `"nemesis"` in the file.
    #[serde(with = "nemesis_literal")]
    Nemesis,
}

/// Jepsen's operation types: an invocation, then exactly one completion per process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OpType {
    /// The operation was handed to a node.
    Invoke,
    /// It certainly happened.
    Ok,
    /// It certainly did not happen.
    Fail,
    /// It may or may not have happened (timeouts, indefinite errors, crashes).
    Info,
}

/// One history event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    /// Position in the history, from 0, dense.
    pub index: usize,
    /// Nanoseconds since the start of the test (Jepsen's relative time).
    pub time: u64,
    pub process: Process,
    #[serde(rename = "type")]
    pub kind: OpType,
    /// The operation's function, e.g. `"broadcast"`, `"read"`, `"send"`, `"txn"`.
    pub f: String,
    /// The operation's value: the argument on invoke, the result on `ok`.
    #[serde(default)]
    pub value: Value,
    /// For `fail` / `info`: `[error-name, text]` or a harness message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    /// Operations of the final phase that the workload flags `:final? true`.
    #[serde(default, rename = "final", skip_serializing_if = "std::ops::Not::not")]
    pub is_final: bool,
}

/// A whole history, ordered by `index`.
pub type History = Vec<Op>;

impl Op {
    /// True for invocations and completions of client processes (not the nemesis).
    pub fn is_client(&self) -> bool {
        matches!(self.process, Process::Client(_))
    }
}

mod nemesis_literal {
    //! (De)serialises the unit variant `Process::Nemesis` as the string `"nemesis"`.
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("nemesis")
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
        let text = String::deserialize(d)?;
        if text == "nemesis" {
            Ok(())
        } else {
            Err(D::Error::custom(format!(
                "expected \"nemesis\" or an integer process, got {text:?}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_round_trip_through_their_file_form() {
        let line = r#"{"index":3,"time":1500,"process":"nemesis","type":"info","f":"start-partition","value":null}"#;
        let op: Op = serde_json::from_str(line).unwrap();
        assert_eq!(op.process, Process::Nemesis);
        assert_eq!(op.kind, OpType::Info);
        let client = r#"{"index":4,"time":1600,"process":7,"type":"ok","f":"read","value":[1,2],"final":true}"#;
        let op: Op = serde_json::from_str(client).unwrap();
        assert_eq!(op.process, Process::Client(7));
        assert!(op.is_final);
        let again: Op = serde_json::from_str(&serde_json::to_string(&op).unwrap()).unwrap();
        assert_eq!(again, op);
    }
}
