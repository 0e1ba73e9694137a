//! The replicated state machine: one register per key, with Maelstrom's lin-kv semantics
//! (spec §3.1). A missing key is error 20 for reads and CASes, a CAS whose `from` does not
//! match is error 22, and a write creates the key. Values compare as parsed JSON (so `1` and
//! `1.0` differ, as Clojure's `=` has them).
//!
//! It is deterministic and knows nothing of Raft: every replica that applies the same
//! requests in the same order holds the same registers and gives the same answers.

use std::collections::HashMap;

use runtime::raft::StateMachine;
use runtime::{Error, ErrorCode};
use serde_json::Value;

use crate::payload::{Reply, Request};

/// Every register a node holds, keyed by the key's JSON text.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Registers {
    values: HashMap<String, Value>,
}

impl StateMachine for Registers {
    type Request = Request;
    type Reply = Reply;

    fn is_update(request: &Request) -> bool {
        request.is_update()
    }

    /// Applies `request` and returns its answer: reads leave the registers as they are.
    fn apply(&mut self, request: &Request) -> Result<Reply, Error> {
        match request {
            Request::Read { key } => Ok(Reply::ReadOk {
                value: self.current(key)?.clone(),
            }),
            Request::Write { key, value } => {
                self.values.insert(key.to_string(), value.clone());
                Ok(Reply::WriteOk)
            }
            Request::Cas { key, from, to } => {
                let current = self.current(key)?;
                if current != from {
                    return Err(Error::new(
                        ErrorCode::PreconditionFailed,
                        format!("current value {current} is not {from}"),
                    ));
                }
                self.values.insert(key.to_string(), to.clone());
                Ok(Reply::CasOk)
            }
        }
    }
}

impl Registers {
    fn current(&self, key: &Value) -> Result<&Value, Error> {
        self.values.get(&key.to_string()).ok_or_else(|| {
            Error::new(
                ErrorCode::KeyDoesNotExist,
                format!("key {key} does not exist"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(key: i64) -> Request {
        Request::Read { key: json!(key) }
    }

    #[test]
    fn a_register_is_created_by_a_write_and_changed_by_a_matching_cas() {
        let mut regs = Registers::default();
        assert_eq!(
            regs.apply(&read(1)).unwrap_err().code,
            ErrorCode::KeyDoesNotExist
        );
        let cas = Request::Cas {
            key: json!(1),
            from: json!(3),
            to: json!(4),
        };
        assert_eq!(
            regs.apply(&cas).unwrap_err().code,
            ErrorCode::KeyDoesNotExist
        );
        regs.apply(&Request::Write {
            key: json!(1),
            value: json!(3),
        })
        .unwrap();
        assert_eq!(regs.apply(&cas), Ok(Reply::CasOk));
        assert_eq!(regs.apply(&read(1)), Ok(Reply::ReadOk { value: json!(4) }));
        let stale = regs.apply(&cas).unwrap_err();
        assert_eq!(stale.code, ErrorCode::PreconditionFailed);
        assert_eq!(stale.text, "current value 4 is not 3");
    }

    #[test]
    fn keys_and_values_compare_as_json() {
        let mut regs = Registers::default();
        regs.apply(&Request::Write {
            key: json!(1),
            value: json!(2),
        })
        .unwrap();
        assert_eq!(
            regs.apply(&read(2)).unwrap_err().code,
            ErrorCode::KeyDoesNotExist
        );
        let by_float = Request::Cas {
            key: json!(1),
            from: json!(2.0),
            to: json!(0),
        };
        assert_eq!(
            regs.apply(&by_float).unwrap_err().code,
            ErrorCode::PreconditionFailed,
            "2.0 is not 2"
        );
    }
}
