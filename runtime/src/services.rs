//! Clients of Maelstrom's built-in services: the key-value stores `lin-kv`, `seq-kv` and
//! `lww-kv` (one API, three consistency levels) and the timestamp oracle `lin-tso`.
//! Services answer only requests they understand; a request they drop times out.

use std::time::Duration;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorCode, RpcError};

/// How long a service request may take by default: generous against `--latency 100`
/// (a round trip of about 200 ms) while still noticing a lost request.
pub const DEFAULT_SERVICE_TIMEOUT: Duration = Duration::from_secs(1);

/// Why a key-value request did not succeed. The first two are answers callers branch on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KvError {
    /// Error 20: the key has never been written.
    #[error("key does not exist")]
    KeyDoesNotExist,
    /// Error 22: a compare-and-set found another value.
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    /// Anything else: timeout, another error reply, shutdown.
    #[error(transparent)]
    Rpc(#[from] RpcError),
}

impl From<KvError> for Error {
    fn from(err: KvError) -> Error {
        match err {
            KvError::KeyDoesNotExist => {
                Error::new(ErrorCode::KeyDoesNotExist, "key does not exist")
            }
            KvError::PreconditionFailed(text) => Error::new(ErrorCode::PreconditionFailed, text),
            KvError::Rpc(rpc) => rpc.into(),
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum KvRequest<'a, K: Serialize, V: Serialize> {
    Read {
        key: &'a K,
    },
    Write {
        key: &'a K,
        value: &'a V,
    },
    Cas {
        key: &'a K,
        from: &'a V,
        to: &'a V,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        create_if_not_exists: bool,
    },
}

#[derive(Deserialize)]
struct ReadOk<V> {
    value: V,
}

/// A client of one key-value service.
#[derive(Debug, Clone)]
pub struct Kv {
    ctx: Ctx,
    service: &'static str,
    timeout: Duration,
}

impl Kv {
    pub(crate) fn new(ctx: Ctx, service: &'static str) -> Kv {
        Kv {
            ctx,
            service,
            timeout: DEFAULT_SERVICE_TIMEOUT,
        }
    }

    /// The same client with another per-request deadline.
    pub fn with_timeout(mut self, timeout: Duration) -> Kv {
        self.timeout = timeout;
        self
    }

    /// The service's node id, e.g. `"seq-kv"`.
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// Reads `key`.
    pub async fn read<K: Serialize, V: DeserializeOwned>(&self, key: &K) -> Result<V, KvError> {
        let request: KvRequest<'_, K, Value> = KvRequest::Read { key };
        let reply: ReadOk<V> = self.request(&request).await?;
        Ok(reply.value)
    }

    /// Reads `key`, or `None` when it does not exist.
    pub async fn read_opt<K: Serialize, V: DeserializeOwned>(
        &self,
        key: &K,
    ) -> Result<Option<V>, KvError> {
        match self.read(key).await {
            Ok(value) => Ok(Some(value)),
            Err(KvError::KeyDoesNotExist) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Writes `value` at `key` unconditionally.
    pub async fn write<K: Serialize, V: Serialize>(
        &self,
        key: &K,
        value: &V,
    ) -> Result<(), KvError> {
        self.request::<_, _, IgnoredAny>(&KvRequest::Write { key, value })
            .await
            .map(drop)
    }

    /// Sets `key` to `to` if it holds `from`; with `create_if_not_exists`, a missing key is
    /// created with `to` (lin-kv and seq-kv honour the flag; lww-kv ignores it).
    pub async fn cas<K: Serialize, V: Serialize>(
        &self,
        key: &K,
        from: &V,
        to: &V,
        create_if_not_exists: bool,
    ) -> Result<(), KvError> {
        self.request::<_, _, IgnoredAny>(&KvRequest::Cas {
            key,
            from,
            to,
            create_if_not_exists,
        })
        .await
        .map(drop)
    }

    /// Sends `request` and decodes the reply as `R`, telling the errors callers branch on
    /// apart from the rest.
    async fn request<K: Serialize, V: Serialize, R: DeserializeOwned>(
        &self,
        request: &KvRequest<'_, K, V>,
    ) -> Result<R, KvError> {
        match self.ctx.call(self.service, request, self.timeout).await {
            Ok(reply) => Ok(reply),
            Err(RpcError::Remote { error, .. }) if error.code == ErrorCode::KeyDoesNotExist => {
                Err(KvError::KeyDoesNotExist)
            }
            Err(RpcError::Remote { error, .. }) if error.code == ErrorCode::PreconditionFailed => {
                Err(KvError::PreconditionFailed(error.text))
            }
            Err(other) => Err(KvError::Rpc(other)),
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum TsoRequest {
    Ts,
}

#[derive(Deserialize)]
struct TsOk {
    ts: u64,
}

/// A client of `lin-tso`, which hands out strictly increasing timestamps from 0.
#[derive(Debug, Clone)]
pub struct Tso {
    ctx: Ctx,
    timeout: Duration,
}

impl Tso {
    pub(crate) fn new(ctx: Ctx) -> Tso {
        Tso {
            ctx,
            timeout: DEFAULT_SERVICE_TIMEOUT,
        }
    }

    /// The same client with another per-request deadline.
    pub fn with_timeout(mut self, timeout: Duration) -> Tso {
        self.timeout = timeout;
        self
    }

    /// A fresh timestamp, larger than every one handed out before.
    pub async fn ts(&self) -> Result<u64, RpcError> {
        let reply: TsOk = self
            .ctx
            .call("lin-tso", &TsoRequest::Ts, self.timeout)
            .await?;
        Ok(reply.ts)
    }
}
