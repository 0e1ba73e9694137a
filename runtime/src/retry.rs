//! How a retrying RPC paces itself: a bounded number of attempts, each with its own
//! deadline, separated by exponential backoff with full jitter so that nodes retrying at
//! once do not stay in lock-step.

use std::time::Duration;

use rand::Rng;

use crate::error::{ErrorCode, RpcError};

/// Bounds and pacing of [`crate::Ctx::rpc_with_retry`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub attempts: u32,
    /// Deadline of each attempt.
    pub timeout: Duration,
    /// Upper bound of the pause before the second attempt; doubles per attempt.
    pub backoff: Duration,
    /// The pause never exceeds this.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            timeout: Duration::from_secs(1),
            backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(500),
        }
    }
}

impl RetryPolicy {
    /// A policy with `attempts` attempts of `timeout` each and default pacing.
    pub fn new(attempts: u32, timeout: Duration) -> RetryPolicy {
        RetryPolicy {
            attempts: attempts.max(1),
            timeout,
            ..RetryPolicy::default()
        }
    }

    /// Whether an attempt that failed this way is worth repeating: a timeout (the request
    /// may simply have been lost in a partition) or an explicit "try again later". Any
    /// other error reply is the answer.
    pub fn should_retry(error: &RpcError) -> bool {
        match error {
            RpcError::Timeout { .. } => true,
            RpcError::Remote { error, .. } => error.code == ErrorCode::TemporarilyUnavailable,
            _ => false,
        }
    }

    /// The pause after failed attempt number `attempt` (1-based): uniform in
    /// `[0, min(max_backoff, backoff * 2^(attempt-1))]`.
    pub fn pause_after(&self, attempt: u32, rng: &mut impl Rng) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let ceiling = self
            .backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rng.gen_range(0..=nanos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use rand::SeedableRng;

    #[test]
    fn pauses_grow_exponentially_up_to_the_ceiling() {
        let policy = RetryPolicy {
            attempts: 10,
            timeout: Duration::from_secs(1),
            backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for attempt in 1..10 {
            let bound =
                Duration::from_millis(10 * (1 << (attempt - 1))).min(Duration::from_millis(50));
            for _ in 0..100 {
                assert!(policy.pause_after(attempt, &mut rng) <= bound);
            }
        }
    }

    #[test]
    fn only_timeouts_and_unavailability_are_retried() {
        let timeout = RpcError::Timeout {
            dest: "n1".into(),
            after: Duration::from_millis(5),
        };
        let busy = RpcError::Remote {
            dest: "n1".into(),
            error: Error::unavailable("later"),
        };
        let cas = RpcError::Remote {
            dest: "lin-kv".into(),
            error: Error::new(ErrorCode::PreconditionFailed, "no"),
        };
        assert!(RetryPolicy::should_retry(&timeout));
        assert!(RetryPolicy::should_retry(&busy));
        assert!(!RetryPolicy::should_retry(&cas));
        assert!(!RetryPolicy::should_retry(&RpcError::Shutdown));
    }
}
