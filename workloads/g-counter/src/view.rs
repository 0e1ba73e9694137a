//! What this node knows of the other nodes' totals, refreshed from `seq-kv` in the
//! background. A refresh first makes a state-changing request (a CAS storing this node's
//! pending adds if there are any, else a write of a fresh number to its barrier key); seq-kv
//! applies such a request to its newest state and moves the caller there, so every read
//! that follows sees each peer's key as it was at that moment or later. Then it reads every
//! peer's key and merges the totals into a [`GCounter`] by max: a stale answer can only
//! fail to raise an entry, never lower it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use futures::future::join_all;
use runtime::crdt::GCounter;
use runtime::Ctx;

use crate::keys::{barrier_key, count_key};
use crate::own::OwnTotal;

/// How a refresh makes sure its reads are fresh enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// A state-changing request before the reads (the crate's design).
    Barrier,
    /// The explorer's mutant (feature `mutants`): reads straight away, trusting whatever
    /// state seq-kv serves, however stale.
    #[cfg(feature = "mutants")]
    TrustStaleReads,
}

/// The other nodes' totals as last read.
#[derive(Debug, Default)]
pub struct View {
    peers: Mutex<GCounter>,
    /// The last number written to the barrier key; each write uses a new one, so it
    /// always changes seq-kv's state (an unchanged value would not move us forward).
    barriers: AtomicU64,
}

impl View {
    /// The sum of the other nodes' totals as last read.
    pub fn peers_total(&self) -> u64 {
        self.lock().value()
    }

    /// Brings every peer's total up to at least its value in seq-kv's newest state at the
    /// time of the call. Failures leave the view as it was; the next refresh tries again.
    pub async fn refresh(&self, ctx: &Ctx, own: &OwnTotal, freshness: Freshness) {
        let stored = matches!(own.flush_if_idle(ctx).await, Some(Ok(true)));
        if !stored && freshness == Freshness::Barrier {
            let barrier = self.barriers.fetch_add(1, Ordering::Relaxed) + 1;
            if let Err(err) = ctx
                .seq_kv()
                .write(&barrier_key(ctx.node_id()), &barrier)
                .await
            {
                tracing::debug!("barrier write failed, refresh skipped: {err}");
                return;
            }
        }
        let kv = ctx.seq_kv();
        let reads = ctx.peers().map(|peer| {
            let kv = kv.clone();
            async move { (peer, kv.read_opt::<_, u64>(&count_key(peer)).await) }
        });
        for (peer, read) in join_all(reads).await {
            match read {
                Ok(Some(total)) => self.lock().raise(peer, total),
                // Absent: the peer has stored nothing yet.
                Ok(None) => {}
                Err(err) => tracing::debug!(%peer, "reading a peer's total failed: {err}"),
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GCounter> {
        runtime::lock(&self.peers)
    }
}
