//! The `lin-kv-proxy` handler: every request is passed to Maelstrom's own `lin-kv` service
//! and its answer relayed. The service is one linearizable map that never loses a request
//! to a partition, so this node is the reference the Raft node is measured against: its
//! ok-fraction is the highest any lin-kv store can reach on a given command line (CASes
//! that do not match and reads of missing keys fail by design), and it costs exactly two
//! server messages per operation.

use std::time::Duration;

use runtime::{async_trait, Ctx, Error, ErrorCode, Handler, KvError, Message, Start};
use serde_json::Value;

use crate::payload::{Reply, Request};

/// How long one service request may take. The lin-kv workload's clients wait
/// `max(10 × latency, 1000)` ms; answering within that keeps a lost reply a timeout of the
/// client's rather than ours.
const SERVICE_TIMEOUT: Duration = Duration::from_millis(900);

/// A node that stores nothing itself.
#[derive(Debug)]
pub struct ProxyNode;

impl Start for ProxyNode {
    fn start(_: &Ctx) -> Self {
        ProxyNode
    }
}

#[async_trait]
impl Handler for ProxyNode {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        let kv = ctx.lin_kv().with_timeout(SERVICE_TIMEOUT);
        let answer = match msg.payload::<Request>()? {
            Request::Read { key } => kv
                .read::<_, Value>(&key)
                .await
                .map(|value| Reply::ReadOk { value }),
            Request::Write { key, value } => kv.write(&key, &value).await.map(|()| Reply::WriteOk),
            Request::Cas { key, from, to } => {
                kv.cas(&key, &from, &to, false).await.map(|()| Reply::CasOk)
            }
        };
        match answer {
            Ok(reply) => ctx.reply(&msg, &reply),
            Err(KvError::KeyDoesNotExist) => {
                Err(Error::new(ErrorCode::KeyDoesNotExist, "key does not exist"))
            }
            Err(KvError::PreconditionFailed(text)) => {
                Err(Error::new(ErrorCode::PreconditionFailed, text))
            }
            Err(KvError::Rpc(err)) => Err(err.into()),
        }
    }
}
