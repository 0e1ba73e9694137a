//! What a stream carries, seen from the sender: what the peer is known to hold, what to
//! send it since then, and what an acknowledgement of a message proves.
//!
//! The [`Session`](super::Session) relies on one law: a message cut from a source carries
//! everything the peer is not known to hold (or a prefix of it, when messages are capped,
//! so long as later messages continue from what is acknowledged), so that whatever an
//! earlier message carried is either already known or carried again. Then an
//! acknowledgement of message `n` proves the receipts of `n` and of every earlier message.

/// What one peer is known to hold, grown only from evidence.
pub trait Known {
    /// What an acknowledgement of one message proves the peer holds (for a queue, the
    /// position its items reach; for a CRDT, the delta it carried).
    type Receipt: Clone + std::fmt::Debug;

    /// The peer acknowledged a message with this receipt.
    fn confirm(&mut self, receipt: Self::Receipt);
}

/// How much a peer lacks compared with what was last sent to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// The peer is known to hold everything: nothing to send.
    Nothing,
    /// The peer may lack something, all of which the last message carried: it is sent
    /// again only if no acknowledgement comes in time.
    InFlight,
    /// The peer lacks something no message carried yet.
    News,
}

/// What to send one peer, cut from a source of type `S` (a shared state, or a parameter
/// when the content owns its items).
pub trait Offer<S: ?Sized>: Known {
    /// What one data message carries.
    type Message;

    /// How much the peer lacks, given the receipt of the last message sent to it (`None`
    /// when none was sent). Cheap enough to ask whenever the stream is polled.
    fn pending(&self, source: &S, last_sent: Option<&Self::Receipt>) -> Pending;

    /// The message to send now and its receipt, or `None` when the peer is known to hold
    /// everything.
    fn cut(&self, source: &S) -> Option<(Self::Message, Self::Receipt)>;
}
