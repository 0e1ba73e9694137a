//! The table of RPCs waiting for a reply, in one small owned type: an entry is inserted
//! when a request goes out and removed when its reply arrives, when its caller stops
//! waiting (deadline passed or future dropped), whichever comes first. Nothing is left
//! behind by a timed-out call, and a reply nobody waits for is handed back to be logged.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::protocol::Message;

/// Outstanding requests by `msg_id`.
#[derive(Default)]
pub(crate) struct InFlight {
    waiting: Mutex<HashMap<u64, oneshot::Sender<Message>>>,
}

/// A registered request: await `reply`; dropping it forgets the request.
pub(crate) struct PendingReply {
    msg_id: u64,
    pub(crate) reply: oneshot::Receiver<Message>,
    table: Arc<InFlight>,
}

impl InFlight {
    /// Starts waiting for the reply to `msg_id`.
    pub(crate) fn register(table: &Arc<InFlight>, msg_id: u64) -> PendingReply {
        let (sender, reply) = oneshot::channel();
        let previous = table.lock().insert(msg_id, sender);
        assert!(
            previous.is_none(),
            "msg_id {msg_id} issued twice: message ids must be unique per node"
        );
        PendingReply {
            msg_id,
            reply,
            table: Arc::clone(table),
        }
    }

    /// Hands a reply to its waiter; gives it back (an orphan) when nobody waits for it.
    pub(crate) fn complete(&self, reply: Message) -> Option<Message> {
        let Some(in_reply_to) = reply.in_reply_to else {
            return Some(reply);
        };
        let waiter = self.lock().remove(&in_reply_to);
        match waiter {
            Some(waiter) => waiter.send(reply).err(),
            None => Some(reply),
        }
    }

    /// How many requests are waiting.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<Message>>> {
        // The map is always consistent (single insert/remove calls).
        crate::lock::lock(&self.waiting)
    }
}

impl Drop for PendingReply {
    fn drop(&mut self) {
        self.table.lock().remove(&self.msg_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply_to(id: u64) -> Message {
        let line =
            format!(r#"{{"src":"n1","dest":"n0","body":{{"type":"ok","in_reply_to":{id}}}}}"#);
        Message::parse(&line, tokio::time::Instant::now()).unwrap()
    }

    #[test]
    fn a_reply_reaches_its_waiter_and_clears_the_entry() {
        let table = Arc::new(InFlight::default());
        let mut pending = InFlight::register(&table, 7);
        assert!(table.complete(reply_to(7)).is_none());
        assert_eq!(pending.reply.try_recv().unwrap().in_reply_to, Some(7));
        assert_eq!(table.len(), 0);
    }

    #[test]
    fn dropping_a_pending_call_forgets_it_and_late_replies_come_back() {
        let table = Arc::new(InFlight::default());
        let pending = InFlight::register(&table, 3);
        assert_eq!(table.len(), 1);
        drop(pending);
        assert_eq!(table.len(), 0);
        let late = table.complete(reply_to(3)).unwrap();
        assert_eq!(late.in_reply_to, Some(3));
    }

    #[test]
    fn messages_without_in_reply_to_are_not_replies() {
        let table = Arc::new(InFlight::default());
        let request = Message::parse(
            r#"{"src":"c1","dest":"n0","body":{"type":"read","msg_id":1}}"#,
            tokio::time::Instant::now(),
        )
        .unwrap();
        assert!(table.complete(request).is_some());
    }
}
