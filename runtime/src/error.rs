//! Maelstrom's error codes, the error a handler returns, and the error an RPC returns.
//!
//! Codes 0-999 are Maelstrom's (`resources/errors.edn`); 1000 and up belong to workloads.
//! Whether a code is *definite* decides how Maelstrom records the operation: a definite
//! error means the operation certainly did not happen (history `fail`), anything else may
//! have happened (`info`).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Every error code Maelstrom defines, plus workload-defined codes (>= 1000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Timeout,
    NodeNotFound,
    NotSupported,
    TemporarilyUnavailable,
    MalformedRequest,
    Crash,
    Abort,
    KeyDoesNotExist,
    KeyAlreadyExists,
    PreconditionFailed,
    TxnConflict,
    /// Any other code: a workload's own (>= 1000) or one this runtime does not know.
    Other(u32),
}

impl ErrorCode {
    /// The code on the wire.
    pub fn code(self) -> u32 {
        match self {
            ErrorCode::Timeout => 0,
            ErrorCode::NodeNotFound => 1,
            ErrorCode::NotSupported => 10,
            ErrorCode::TemporarilyUnavailable => 11,
            ErrorCode::MalformedRequest => 12,
            ErrorCode::Crash => 13,
            ErrorCode::Abort => 14,
            ErrorCode::KeyDoesNotExist => 20,
            ErrorCode::KeyAlreadyExists => 21,
            ErrorCode::PreconditionFailed => 22,
            ErrorCode::TxnConflict => 30,
            ErrorCode::Other(code) => code,
        }
    }

    /// The code a wire number stands for.
    pub fn from_code(code: u32) -> ErrorCode {
        match code {
            0 => ErrorCode::Timeout,
            1 => ErrorCode::NodeNotFound,
            10 => ErrorCode::NotSupported,
            11 => ErrorCode::TemporarilyUnavailable,
            12 => ErrorCode::MalformedRequest,
            13 => ErrorCode::Crash,
            14 => ErrorCode::Abort,
            20 => ErrorCode::KeyDoesNotExist,
            21 => ErrorCode::KeyAlreadyExists,
            22 => ErrorCode::PreconditionFailed,
            30 => ErrorCode::TxnConflict,
            other => ErrorCode::Other(other),
        }
    }

    /// True when the failed operation certainly did not take place. Unknown and custom
    /// codes are indefinite, as Maelstrom treats them.
    pub fn is_definite(self) -> bool {
        matches!(
            self,
            ErrorCode::NodeNotFound
                | ErrorCode::NotSupported
                | ErrorCode::TemporarilyUnavailable
                | ErrorCode::MalformedRequest
                | ErrorCode::Abort
                | ErrorCode::KeyDoesNotExist
                | ErrorCode::KeyAlreadyExists
                | ErrorCode::PreconditionFailed
                | ErrorCode::TxnConflict
        )
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.code())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        u32::deserialize(d).map(ErrorCode::from_code)
    }
}

/// An error a handler answers a request with: the body of an `error` message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    pub code: ErrorCode,
    #[serde(default)]
    pub text: String,
}

impl Error {
    pub fn new(code: ErrorCode, text: impl Into<String>) -> Error {
        Error {
            code,
            text: text.into(),
        }
    }

    /// Error 10: this node does not implement the request.
    pub fn not_supported(text: impl Into<String>) -> Error {
        Error::new(ErrorCode::NotSupported, text)
    }

    /// Error 12: the request could not possibly have been processed.
    pub fn malformed(text: impl Into<String>) -> Error {
        Error::new(ErrorCode::MalformedRequest, text)
    }

    /// Error 11: try again later; the request certainly did not take effect.
    pub fn unavailable(text: impl Into<String>) -> Error {
        Error::new(ErrorCode::TemporarilyUnavailable, text)
    }

    /// Error 13: something failed and the request may or may not have taken effect.
    pub fn crash(text: impl Into<String>) -> Error {
        Error::new(ErrorCode::Crash, text)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error {} ({:?}): {}",
            self.code.code(),
            self.code,
            self.text
        )
    }
}

impl std::error::Error for Error {}

/// Why an RPC did not produce a successful reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RpcError {
    /// No reply arrived before the deadline; the request may still take effect.
    #[error("no reply from {dest} within {after:?}")]
    Timeout { dest: String, after: Duration },
    /// The peer answered with an `error` message.
    #[error("{dest} answered {error}")]
    Remote { dest: String, error: Error },
    /// The node is shutting down (its input ended), so no reply can arrive any more.
    #[error("node is shutting down")]
    Shutdown,
    /// The request could not be encoded, so it was never sent.
    #[error("cannot send to {dest}: {reason}")]
    Encode { dest: String, reason: String },
    /// A reply arrived but is not what the caller expected.
    #[error("{dest} sent an unreadable reply: {reason}")]
    BadReply { dest: String, reason: String },
}

impl RpcError {
    /// True when the remote operation certainly did not take place.
    pub fn is_definite(&self) -> bool {
        match self {
            RpcError::Remote { error, .. } => error.code.is_definite(),
            RpcError::Encode { .. } => true,
            RpcError::Timeout { .. } | RpcError::Shutdown | RpcError::BadReply { .. } => false,
        }
    }

    /// The remote error code, if the peer answered with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            RpcError::Remote { error, .. } => Some(error.code),
            _ => None,
        }
    }
}

/// A failed RPC inside a handler becomes the handler's answer: a remote error keeps its
/// code (the caller's request fails for the same reason); a timeout or shutdown is
/// indefinite, because the remote side may have acted.
impl From<RpcError> for Error {
    fn from(err: RpcError) -> Error {
        match err {
            RpcError::Remote { error, .. } => error,
            RpcError::Timeout { .. } => Error::new(ErrorCode::Timeout, err.to_string()),
            RpcError::Shutdown | RpcError::Encode { .. } | RpcError::BadReply { .. } => {
                Error::crash(err.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_maelstrom_code_round_trips_and_knows_whether_it_is_definite() {
        let table = [
            (0, false),
            (1, true),
            (10, true),
            (11, true),
            (12, true),
            (13, false),
            (14, true),
            (20, true),
            (21, true),
            (22, true),
            (30, true),
            (1000, false),
            (42, false),
        ];
        for (wire, definite) in table {
            let code = ErrorCode::from_code(wire);
            assert_eq!(code.code(), wire);
            assert_eq!(code.is_definite(), definite, "code {wire}");
        }
    }

    #[test]
    fn errors_serialise_as_error_bodies() {
        let err = Error::new(ErrorCode::PreconditionFailed, "current value 3 is not 4");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": 22, "text": "current value 3 is not 4"})
        );
        let parsed: Error = serde_json::from_value(serde_json::json!({"code": 1001})).unwrap();
        assert_eq!(parsed.code, ErrorCode::Other(1001));
    }

    #[test]
    fn rpc_failures_become_handler_errors_with_honest_definiteness() {
        let timeout = RpcError::Timeout {
            dest: "n1".into(),
            after: Duration::from_secs(1),
        };
        assert!(!timeout.is_definite());
        assert_eq!(Error::from(timeout).code, ErrorCode::Timeout);
        let remote = RpcError::Remote {
            dest: "lin-kv".into(),
            error: Error::new(ErrorCode::KeyDoesNotExist, ""),
        };
        assert!(remote.is_definite());
        assert_eq!(Error::from(remote).code, ErrorCode::KeyDoesNotExist);
    }
}
