//! The `kafka` handler's storage: every key's log and committed offset live in lin-kv, which
//! makes them linearizable across nodes without any node-to-node protocol.
//!
//! - `log/<key>` holds the whole log as a JSON array; an append is a compare-and-set from
//!   the array the node believes current to that array plus the message, so the offset (the
//!   array's old length) is decided by whichever CAS lin-kv applies first. Maelstrom sends
//!   at most `--max-writes-per-key` (16) messages to a key, so the arrays stay small.
//! - `commit/<key>` holds the committed offset, only ever raised (a CAS from the value the
//!   node knows to the larger one).
//!
//! The node caches what it has learnt. A log only grows, so a cached log is a prefix of the
//! real one: it is the best guess for the next CAS (right whenever this node wrote last),
//! and a poll whose requested offset falls inside the cached prefix is answered from it
//! without a round trip. Likewise a cached commit is a lower bound, and a commit at or below
//! it needs no request. Appends to one key from this node take turns (an async lock per
//! key), so the node's own clients never make each other's CAS fail.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use runtime::{lock, Error, Kv, KvError};
use serde_json::Value;

use crate::log::{Extended, Logs};

/// Compare-and-set attempts an append or commit makes before giving up. Each failed CAS
/// means another node appended meanwhile; with a handful of clients a few suffice.
const MAX_CAS_ATTEMPTS: usize = 32;

pub(crate) fn log_key(key: &str) -> String {
    format!("log/{key}")
}

fn commit_key(key: &str) -> String {
    format!("commit/{key}")
}

/// One node's view of the logs and commits stored in lin-kv.
#[derive(Debug, Default)]
pub struct KvLog {
    /// A prefix of each key's log as stored in lin-kv.
    cache: Mutex<Logs>,
    /// A lower bound of each key's committed offset.
    commits: Mutex<HashMap<String, u64>>,
    /// Serialises this node's appends to one key.
    append_turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl KvLog {
    /// Appends `msg` to `key`'s log and returns its offset.
    ///
    /// A failed CAS is definite (the log did not change), so after `MAX_CAS_ATTEMPTS` of
    /// them the send fails with error 11; a timeout is not (the CAS may have applied), so
    /// it is passed on as an indefinite error.
    pub async fn append(&self, kv: &Kv, key: &str, msg: &Value) -> Result<u64, Error> {
        let turn = self.append_turn(key);
        let _turn = turn.lock().await;
        for _ in 0..MAX_CAS_ATTEMPTS {
            let current: Vec<Value> = lock(&self.cache).get(key).unwrap_or_default().to_vec();
            let offset = current.len() as u64;
            let mut next = current.clone();
            next.push(msg.clone());
            match kv
                .cas(&log_key(key), &current, &next, current.is_empty())
                .await
            {
                Ok(()) => {
                    self.learn_log(key, offset, std::slice::from_ref(msg));
                    return Ok(offset);
                }
                Err(KvError::PreconditionFailed(_) | KvError::KeyDoesNotExist) => {
                    self.refresh_log(kv, key).await?;
                }
                Err(other) => return Err(other.into()),
            }
        }
        Err(Error::unavailable(format!(
            "too much contention appending to {key}"
        )))
    }

    /// The entries of `key` from `offset` on: from the cache when it reaches that far,
    /// otherwise from lin-kv.
    pub async fn read_from(
        &self,
        kv: &Kv,
        key: &str,
        offset: u64,
    ) -> Result<Vec<(u64, Value)>, KvError> {
        if lock(&self.cache).len(key) <= offset {
            self.refresh_log(kv, key).await?;
        }
        Ok(lock(&self.cache).read_from(key, offset))
    }

    /// Raises `key`'s committed offset to at least `offset`.
    pub async fn commit(&self, kv: &Kv, key: &str, offset: u64) -> Result<(), Error> {
        for _ in 0..MAX_CAS_ATTEMPTS {
            let known = lock(&self.commits).get(key).copied();
            if known.is_some_and(|known| known >= offset) {
                return Ok(());
            }
            // An unknown commit is compared as null: that creates a missing key, and an
            // existing one fails the CAS, which tells us to read it first.
            let from = known.map_or(Value::Null, Value::from);
            match kv
                .cas(
                    &commit_key(key),
                    &from,
                    &Value::from(offset),
                    known.is_none(),
                )
                .await
            {
                Ok(()) => self.learn_commit(key, offset),
                Err(KvError::PreconditionFailed(_) | KvError::KeyDoesNotExist) => {
                    self.committed(kv, key).await?;
                }
                Err(other) => return Err(other.into()),
            }
        }
        Err(Error::unavailable(format!(
            "too much contention committing {key}"
        )))
    }

    /// `key`'s committed offset as lin-kv holds it now, if any.
    pub async fn committed(&self, kv: &Kv, key: &str) -> Result<Option<u64>, KvError> {
        let value: Option<u64> = kv.read_opt(&commit_key(key)).await?;
        if let Some(offset) = value {
            self.learn_commit(key, offset);
        }
        Ok(value)
    }

    async fn refresh_log(&self, kv: &Kv, key: &str) -> Result<(), KvError> {
        let log: Option<Vec<Value>> = kv.read_opt(&log_key(key)).await?;
        if let Some(log) = log {
            self.learn_log(key, 0, &log);
        }
        Ok(())
    }

    fn learn_log(&self, key: &str, start: u64, entries: &[Value]) {
        if let Extended::Conflict { offset } = lock(&self.cache).extend(key, start, entries) {
            // lin-kv only ever holds extensions of what it held, so this cannot happen
            // unless something else writes our keys; say so loudly and keep serving.
            tracing::error!(%key, offset, "lin-kv log disagrees with the cached prefix");
        }
    }

    fn learn_commit(&self, key: &str, offset: u64) {
        let mut commits = lock(&self.commits);
        let known = commits.entry(key.to_owned()).or_insert(offset);
        *known = (*known).max(offset);
    }

    fn append_turn(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        lock(&self.append_turns)
            .entry(key.to_owned())
            .or_default()
            .clone()
    }
}
