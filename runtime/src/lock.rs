//! [`lock`]: the one way this workspace takes a `std::sync::Mutex`. A handler that panics
//! while holding a lock poisons it, and `lock().unwrap()` would then panic every later
//! request that touches the same state, so one bad message would turn a node into one that
//! answers every request with error 13. The runtime answers the panic itself (error 13 for
//! that request only); the state behind the lock is then used as the panic left it.
//!
//! That is sound for the state this workspace keeps behind locks because each update is a
//! single insert, push, max or merge, or is computed first and installed at the end (txn's
//! store), so a panic part-way through leaves either the old or the new value, never a
//! broken invariant. A type for which that is not so must not live behind this helper.

use std::sync::{Mutex, MutexGuard};

/// Locks `mutex`, taking over a lock poisoned by an earlier panic.
pub fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_poisoned_by_a_panic_still_serves() {
        let counter = std::sync::Arc::new(Mutex::new(1));
        let poisoner = std::sync::Arc::clone(&counter);
        let panicked = std::thread::spawn(move || {
            let mut guard = poisoner.lock().unwrap();
            *guard = 2;
            panic!("a handler bug while holding the lock");
        })
        .join();
        assert!(panicked.is_err());
        assert!(counter.is_poisoned());
        *lock(&counter) += 1;
        assert_eq!(*lock(&counter), 3);
    }
}
