//! From an RPC that did not succeed to the operation's outcome (spec §1.6-1.7).
//!
//! Maelstrom's `with-errors` makes an error `fail` when its code is definite or the
//! operation's `f` is idempotent, else `info`; a timeout is `fail` only when idempotent.
//! Workloads whose clients don't use `with-errors` (g-set, the counters) turn every error or
//! timeout into an exception, which Jepsen records as `info` "indeterminate: ...". A reply
//! that fails its schema is always `info`.

use crate::op::Completion;
use checkers::history::OpType;
use serde_json::{json, Value};

/// Why an RPC produced no usable reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The node answered with an `error` body.
    Error { code: Option<i64>, text: Value },
    /// No reply before the deadline.
    Timeout,
    /// The reply failed its schema.
    Malformed(String),
}

/// How a workload's client maps failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Maelstrom's `with-errors`, knowing whether this operation's `f` is idempotent.
    WithErrors { idempotent: bool },
    /// No `with-errors`: any failure is indeterminate.
    Indeterminate,
}

/// Maelstrom's error names (`resources/errors.edn`); unknown codes are `unknown`.
pub fn error_name(code: i64) -> &'static str {
    match code {
        0 => "timeout",
        1 => "node-not-found",
        10 => "not-supported",
        11 => "temporarily-unavailable",
        12 => "malformed-request",
        13 => "crash",
        14 => "abort",
        20 => "key-does-not-exist",
        21 => "key-already-exists",
        22 => "precondition-failed",
        30 => "txn-conflict",
        _ => "unknown",
    }
}

/// Whether an error code means the operation certainly did not happen.
pub fn is_definite(code: i64) -> bool {
    matches!(code, 1 | 10 | 11 | 12 | 14 | 20 | 21 | 22 | 30)
}

impl Failure {
    /// The completion of an operation invoked with `value` that ended in this failure.
    pub fn completion(&self, policy: Policy, value: Value) -> Completion {
        let (kind, error) = match (self, policy) {
            (Failure::Malformed(why), _) => (
                OpType::Info,
                json!(format!("indeterminate: Malformed RPC response: {why}")),
            ),
            (Failure::Error { code, text }, Policy::WithErrors { idempotent }) => {
                let name = code.map_or("unknown", error_name);
                let definite = code.is_some_and(is_definite);
                (
                    if definite || idempotent {
                        OpType::Fail
                    } else {
                        OpType::Info
                    },
                    json!([name, text]),
                )
            }
            (Failure::Timeout, Policy::WithErrors { idempotent }) => (
                if idempotent {
                    OpType::Fail
                } else {
                    OpType::Info
                },
                json!("net-timeout"),
            ),
            (Failure::Error { code, text }, Policy::Indeterminate) => {
                let name = code.map_or("unknown", error_name);
                (
                    OpType::Info,
                    json!(format!(
                        "indeterminate: RPC error {name} ({}): {text}",
                        code.unwrap_or(-1)
                    )),
                )
            }
            (Failure::Timeout, Policy::Indeterminate) => {
                (OpType::Info, json!("indeterminate: Client read timeout"))
            }
        };
        Completion {
            kind,
            value,
            error: Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(failure: Failure, policy: Policy) -> OpType {
        failure.completion(policy, Value::Null).kind
    }

    fn error(code: i64) -> Failure {
        Failure::Error {
            code: Some(code),
            text: json!("why"),
        }
    }

    #[test]
    fn definite_codes_fail_and_the_rest_are_info() {
        let plain = Policy::WithErrors { idempotent: false };
        for code in [1, 10, 11, 12, 14, 20, 21, 22, 30] {
            assert_eq!(kind(error(code), plain), OpType::Fail, "code {code}");
        }
        for code in [0, 13, 1000, 15, -3] {
            assert_eq!(kind(error(code), plain), OpType::Info, "code {code}");
        }
        assert_eq!(
            kind(
                Failure::Error {
                    code: None,
                    text: Value::Null
                },
                plain
            ),
            OpType::Info
        );
        assert_eq!(kind(Failure::Timeout, plain), OpType::Info);
    }

    #[test]
    fn idempotent_ops_fail_instead_of_info() {
        let idem = Policy::WithErrors { idempotent: true };
        assert_eq!(kind(error(13), idem), OpType::Fail);
        assert_eq!(kind(Failure::Timeout, idem), OpType::Fail);
        assert_eq!(kind(Failure::Malformed("x".into()), idem), OpType::Info);
    }

    #[test]
    fn without_with_errors_everything_is_info() {
        for f in [
            error(30),
            error(13),
            Failure::Timeout,
            Failure::Malformed("x".into()),
        ] {
            assert_eq!(kind(f, Policy::Indeterminate), OpType::Info);
        }
    }

    #[test]
    fn errors_are_recorded_as_name_and_text() {
        let c = error(30).completion(Policy::WithErrors { idempotent: false }, json!(7));
        assert_eq!(c.error, Some(json!(["txn-conflict", "why"])));
        assert_eq!(c.value, json!(7));
        let t = Failure::Timeout.completion(Policy::WithErrors { idempotent: false }, Value::Null);
        assert_eq!(t.error, Some(json!("net-timeout")));
    }
}
