//! Maelstrom's services (spec §3): `lin-kv`, `seq-kv`, `lww-kv` and `lin-tso`, always on the
//! network as server endpoints (so their traffic gets latency, counts as server traffic and
//! is never partitioned).
//!
//! Each service is one task of the run's client-side runtime handling its mailbox in
//! delivery order. A reply is the handler's
//! result plus `in_reply_to` (the request's `msg_id`) and never carries a `msg_id`. A request
//! of an unknown type gets no reply at all, so the caller times out, as in Maelstrom.

mod kv;
mod lww_kv;
mod seq_kv;

use crate::net::{Mailbox, Network};
use crate::rng::{stream, Stream};
use kv::{KvOp, Reply, Store};
use lww_kv::LwwKv;
use seq_kv::SeqKv;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use tokio::task::JoinHandle;

/// The service ids, in the order they are registered.
pub const SERVICE_IDS: [&str; 4] = ["lin-kv", "seq-kv", "lww-kv", "lin-tso"];

/// One service's state machine.
enum Service {
    LinKv(Store),
    SeqKv(SeqKv),
    LwwKv(LwwKv),
    LinTso(u64),
}

impl Service {
    /// The reply body (without `in_reply_to`) for a request from `src`, or `None` for none.
    fn handle(&mut self, src: &str, body: &Map<String, Value>) -> Option<Reply> {
        if let Service::LinTso(next) = self {
            if body.get("type")?.as_str()? != "ts" {
                return None;
            }
            let ts = *next;
            *next += 1;
            return Some(Ok(json!({"type": "ts_ok", "ts": ts}).as_object()?.clone()));
        }
        let op = KvOp::parse(body)?;
        Some(match self {
            Service::LinKv(store) => {
                let (reply, changed) = op.apply(store);
                if let Some(next) = changed {
                    *store = next;
                }
                reply
            }
            Service::SeqKv(seq) => seq.handle(src, &op),
            Service::LwwKv(lww) => lww.handle(&op),
            Service::LinTso(_) => unreachable!("handled above"),
        })
    }
}

/// Registers the four services on `net` and starts their tasks on the current runtime.
/// They stop when [`stop`] unregisters them.
pub fn start(net: &Arc<Network>, seed: u64) -> Vec<JoinHandle<()>> {
    let services = [
        Service::LinKv(Store::new()),
        Service::SeqKv(SeqKv::new(stream(seed, Stream::SeqKv))),
        Service::LwwKv(LwwKv::new(stream(seed, Stream::LwwKv))),
        Service::LinTso(0),
    ];
    let mut tasks = Vec::new();
    for (id, service) in SERVICE_IDS.into_iter().zip(services) {
        let inbox = net.register_mailbox(id);
        let net = Arc::clone(net);
        tasks.push(tokio::spawn(serve(id, service, inbox, net)));
    }
    tasks
}

/// Takes the services off the network, which ends their tasks.
pub async fn stop(net: &Network, tasks: Vec<JoinHandle<()>>) {
    for id in SERVICE_IDS {
        net.unregister(id);
    }
    for t in tasks {
        let _ = t.await;
    }
}

async fn serve(id: &'static str, mut service: Service, mut inbox: Mailbox, net: Arc<Network>) {
    while let Some(request) = inbox.recv().await {
        let parsed: Option<Map<String, Value>> = serde_json::from_str(request.body.get()).ok();
        let reply = parsed
            .as_ref()
            .and_then(|body| Some((body, service.handle(&request.src, body)?)));
        let Some((body, reply)) = reply else {
            eprintln!(
                "{id}: Error in service worker! no handler for {} from {}",
                request.body.get(),
                request.src
            );
            continue;
        };
        let mut reply = reply.unwrap_or_else(|(code, text)| {
            json!({"type": "error", "code": code, "text": text})
                .as_object()
                .cloned()
                .unwrap_or_default()
        });
        reply.insert(
            "in_reply_to".into(),
            body.get("msg_id").cloned().unwrap_or(Value::Null),
        );
        let text = serde_json::value::to_raw_value(&reply).expect("a JSON map always serialises");
        if let Err(e) = net.send(id, &request.src, text) {
            eprintln!("{id}: cannot reply to {}: {e}", request.src);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Journal;
    use crate::latency::Latency;
    use crate::options::LatencyDist;
    use serde_json::value::RawValue;
    use std::time::Duration;
    use tokio::time::Instant;

    async fn call(
        net: &Network,
        inbox: &mut Mailbox,
        me: &str,
        dest: &str,
        body: Value,
    ) -> Option<Value> {
        net.send(me, dest, RawValue::from_string(body.to_string()).unwrap())
            .unwrap();
        let reply = tokio::time::timeout(Duration::from_secs(5), inbox.recv())
            .await
            .ok()??;
        serde_json::from_str(reply.body.get()).ok()
    }

    #[tokio::test]
    async fn services_answer_with_in_reply_to_and_ignore_unknown_types() {
        let latency = Latency {
            dist: LatencyDist::Constant,
            mean: 0,
        };
        let net = Network::new(
            Instant::now(),
            latency,
            stream(0, Stream::Latency),
            Journal::create(None, false, false).unwrap(),
        );
        let tasks = start(&net, 1);
        let mut inbox = net.register_mailbox("n0");
        let r = call(
            &net,
            &mut inbox,
            "n0",
            "lin-tso",
            json!({"type":"ts","msg_id":5}),
        )
        .await
        .unwrap();
        assert_eq!(r, json!({"type":"ts_ok","ts":0,"in_reply_to":5}));
        let r = call(
            &net,
            &mut inbox,
            "n0",
            "lin-tso",
            json!({"type":"ts","msg_id":6}),
        )
        .await
        .unwrap();
        assert_eq!(r["ts"], 1);
        let r = call(
            &net,
            &mut inbox,
            "n0",
            "lin-kv",
            json!({"type":"read","key":1,"msg_id":7}),
        )
        .await
        .unwrap();
        assert_eq!(
            r,
            json!({"type":"error","code":20,"text":"key does not exist","in_reply_to":7})
        );
        call(
            &net,
            &mut inbox,
            "n0",
            "seq-kv",
            json!({"type":"write","key":1,"value":3,"msg_id":8}),
        )
        .await
        .unwrap();
        let r = call(
            &net,
            &mut inbox,
            "n0",
            "seq-kv",
            json!({"type":"read","key":1,"msg_id":9}),
        )
        .await
        .unwrap();
        assert_eq!(r, json!({"type":"read_ok","value":3,"in_reply_to":9}));
        net.send(
            "n0",
            "lin-kv",
            RawValue::from_string(r#"{"type":"frob","msg_id":10}"#.into()).unwrap(),
        )
        .unwrap();
        // Requests are handled in order, so the reply to this proves the frob got none.
        let r = call(
            &net,
            &mut inbox,
            "n0",
            "lin-kv",
            json!({"type":"write","key":1,"value":1,"msg_id":11}),
        )
        .await
        .unwrap();
        assert_eq!(r["in_reply_to"], 11);
        stop(&net, tasks).await;
    }
}
