//! This node's own total and its key in `seq-kv`. Adds are accepted into `accepted` at
//! once; an add is acknowledged only when seq-kv holds a total that includes it. One task
//! at a time talks to seq-kv about the key (the one holding the *turn*); adds that arrive
//! meanwhile wait and ride along on the next compare-and-set, so concurrent adds cost one
//! CAS between them instead of racing each other.
//!
//! Every CAS goes from the last total seq-kv is known to hold to a strictly larger one, so
//! the key only ever grows. That rules out the ABA trap of a retried, delayed CAS landing
//! late: its `from` is an old total the key has already left, so it fails harmlessly.
//! When a CAS's outcome is unknown (a timeout) or its `from` was wrong, the node reads its
//! key back before the next CAS. That read is exact: only this node writes the key, and
//! seq-kv always shows a caller a state at least as new as the caller's own last change.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use runtime::{Ctx, Error, ErrorCode, KvError};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::keys::count_key;

/// Pause after a failed exchange before the next, so an error that comes back at once
/// does not turn into a busy loop.
const RETRY_PAUSE: Duration = Duration::from_millis(50);

/// This node's total: what it accepted and what seq-kv is known to hold.
#[derive(Debug, Default)]
pub struct OwnTotal {
    state: Mutex<OwnState>,
    /// Raised whenever a turn ends, so waiting adds look again.
    turn_ended: Notify,
}

#[derive(Debug, Default)]
struct OwnState {
    /// The sum of every delta this node accepted.
    accepted: u64,
    /// A total seq-kv certainly holds (or has held: the key only grows) for this node.
    stored: u64,
    /// The last CAS may have landed or may yet land: read the key before the next CAS.
    unsure: bool,
    /// Some task holds the turn to talk to seq-kv about the key.
    busy: bool,
}

/// Gives the turn back when dropped, however the exchange ended.
struct Turn<'a>(&'a OwnTotal);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.0.lock().busy = false;
        self.0.turn_ended.notify_waiters();
    }
}

impl OwnTotal {
    /// Accepts `delta` and returns the total seq-kv must hold before it is acknowledged.
    pub fn accept(&self, delta: u64) -> u64 {
        let mut state = self.lock();
        state.accepted = state.accepted.saturating_add(delta);
        state.accepted
    }

    /// The total seq-kv certainly holds: every acknowledged add is in it.
    pub fn stored(&self) -> u64 {
        self.lock().stored
    }

    /// Waits until seq-kv holds at least `target`, taking turns with other adds, or fails
    /// with an indefinite timeout at `deadline`. A failed add stays accepted and is stored
    /// later (by another add or the periodic refresh), which is what "indefinite" allows.
    pub async fn persist(&self, ctx: &Ctx, target: u64, deadline: Instant) -> Result<(), Error> {
        loop {
            // Registered before the state is looked at, so a turn ending in between is
            // not missed.
            let turn_ended = self.turn_ended.notified();
            tokio::pin!(turn_ended);
            turn_ended.as_mut().enable();
            let turn = {
                let mut state = self.lock();
                if state.stored >= target {
                    return Ok(());
                }
                (!state.busy).then(|| {
                    state.busy = true;
                    Turn(self)
                })
            };
            match turn {
                Some(turn) => {
                    let outcome = self.exchange(ctx).await;
                    drop(turn);
                    if let Err(err) = outcome {
                        if ctx.is_shutting_down() {
                            return Err(err.into());
                        }
                        tracing::debug!("storing this node's total failed: {err}");
                        ctx.sleep_until((ctx.now() + RETRY_PAUSE).min(deadline))
                            .await;
                    }
                }
                None => {
                    let _ = ctx.timeout_at(deadline, turn_ended).await;
                }
            }
            if ctx.now() >= deadline && self.stored() < target {
                return Err(Error::new(
                    ErrorCode::Timeout,
                    "seq-kv did not confirm the add in time; it may still be counted",
                ));
            }
        }
    }

    /// Stores accepted but unstored deltas if no one else is at it. `Some(Ok(true))` when a
    /// CAS succeeded, i.e. a state-changing request reached seq-kv.
    pub async fn flush_if_idle(&self, ctx: &Ctx) -> Option<Result<bool, KvError>> {
        let turn = {
            let mut state = self.lock();
            if state.busy || (state.accepted <= state.stored && !state.unsure) {
                return None;
            }
            state.busy = true;
            Turn(self)
        };
        let outcome = self.exchange(ctx).await;
        drop(turn);
        Some(outcome)
    }

    /// One request about the key, made by the turn's holder: a read-back when unsure,
    /// else a CAS up to everything accepted. True when a CAS succeeded.
    async fn exchange(&self, ctx: &Ctx) -> Result<bool, KvError> {
        let (unsure, from, to) = {
            let state = self.lock();
            (state.unsure, state.stored, state.accepted)
        };
        let kv = ctx.seq_kv();
        let key = count_key(ctx.node_id());
        if unsure {
            let current: Option<u64> = kv.read_opt(&key).await?;
            let mut state = self.lock();
            state.stored = state.stored.max(current.unwrap_or(0));
            state.unsure = false;
            return Ok(false);
        }
        if to <= from {
            return Ok(false);
        }
        // Creating is allowed only from 0, i.e. while no CAS of ours is known to have landed.
        match kv.cas(&key, &from, &to, from == 0).await {
            Ok(()) => {
                let mut state = self.lock();
                state.stored = state.stored.max(to);
                Ok(true)
            }
            Err(KvError::PreconditionFailed(_) | KvError::KeyDoesNotExist) => {
                self.lock().unsure = true;
                Ok(false)
            }
            Err(err) => {
                self.lock().unsure = true;
                Err(err)
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, OwnState> {
        runtime::lock(&self.state)
    }
}
