//! Running suites side by side (`cargo xtask test --jobs N`): a small work queue on scoped
//! threads. A simulated node spends most of its time waiting for messages, so more runs than
//! cores fit on a machine; each run is self-contained (its own seed, network, threads, run
//! folder and CPU ledger), so runs need nothing from each other.
//!
//! Whatever order the runs finish in, their results come back in the order of the items, so
//! the table reads in suite order. After a task fails (a broken harness, not a verdict), no
//! new task starts; those already running finish.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::Result;

/// The default `--jobs` on the simulator, chosen with `cargo xtask bench jobs` on a 2-core
/// machine: the delivery lateness kept its bound with six and with eight of the heaviest
/// suites side by side, and six leaves room for the other work on a shared machine at the
/// cost of about one round of runs on `all` (the figures are in the README).
pub const DEFAULT_JOBS: usize = 6;

/// Runs `task` on every item with at most `jobs` at a time and returns each item's result in
/// the items' order; `None` for an item never started because another failed first.
/// `finished(index, result)` is called as each task ends, in finishing order.
pub fn run_all<T, R>(
    items: &[T],
    jobs: usize,
    task: impl Fn(&T) -> Result<R> + Sync,
    finished: impl Fn(usize, &Result<R>) + Sync,
) -> Vec<Option<Result<R>>>
where
    T: Sync,
    R: Send,
{
    assert!(jobs >= 1, "--jobs is checked to be at least 1 when parsed");
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let done: Mutex<Vec<(usize, Result<R>)>> = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(items.len()) {
            scope.spawn(|| {
                while !failed.load(Ordering::SeqCst) {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(index) else {
                        break;
                    };
                    let result = task(item);
                    if result.is_err() {
                        failed.store(true, Ordering::SeqCst);
                    }
                    finished(index, &result);
                    done.lock().expect("job results lock").push((index, result));
                }
            });
        }
    });
    in_item_order(done.into_inner().expect("job results lock"), items.len())
}

/// Results tagged with their item's index, placed at that index; `None` where none came.
pub fn in_item_order<R>(finished: Vec<(usize, R)>, count: usize) -> Vec<Option<R>> {
    let mut ordered: Vec<Option<R>> = (0..count).map(|_| None).collect();
    for (index, result) in finished {
        assert!(
            ordered[index].is_none(),
            "item {index} ran twice: the queue hands each index out once"
        );
        ordered[index] = Some(result);
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn results_are_placed_in_item_order_whatever_the_finishing_order() {
        let finished = vec![(2, "c"), (0, "a"), (3, "d")];
        assert_eq!(
            in_item_order(finished, 5),
            [Some("a"), None, Some("c"), Some("d"), None]
        );
    }

    #[test]
    fn a_later_item_finishing_first_still_comes_second() {
        // Item 0 cannot finish before item 1 has: two jobs are needed, and the order of the
        // results must not follow the order of finishing.
        let (one_done_tx, one_done_rx) = mpsc::channel::<()>();
        let one_done_rx = Mutex::new(one_done_rx);
        let finishing_order = Mutex::new(Vec::new());
        let results = run_all(
            &[0, 1],
            2,
            |&item| {
                if item == 0 {
                    one_done_rx.lock().unwrap().recv().unwrap();
                }
                finishing_order.lock().unwrap().push(item);
                if item == 1 {
                    one_done_tx.send(()).unwrap();
                }
                Ok(item * 10)
            },
            |_, _| {},
        );
        assert_eq!(*finishing_order.lock().unwrap(), [1, 0]);
        let values: Vec<i32> = results.into_iter().map(|r| r.unwrap().unwrap()).collect();
        assert_eq!(values, [0, 10]);
    }

    #[test]
    fn after_a_failure_no_new_item_starts() {
        let started = Mutex::new(Vec::new());
        let results = run_all(
            &[0, 1, 2, 3],
            1,
            |&item| {
                started.lock().unwrap().push(item);
                if item == 1 {
                    anyhow::bail!("harness broke on {item}");
                }
                Ok(item)
            },
            |_, _| {},
        );
        assert_eq!(*started.lock().unwrap(), [0, 1]);
        assert!(matches!(results[0], Some(Ok(0))));
        assert!(matches!(results[1], Some(Err(_))));
        assert!(results[2].is_none() && results[3].is_none());
    }

    #[test]
    fn one_job_runs_the_items_one_after_another_in_order() {
        let started = Mutex::new(Vec::new());
        let seen = Mutex::new(Vec::new());
        run_all(
            &["a", "b", "c"],
            1,
            |&item| {
                started.lock().unwrap().push(item);
                Ok(())
            },
            |index, _| seen.lock().unwrap().push(index),
        );
        assert_eq!(*started.lock().unwrap(), ["a", "b", "c"]);
        assert_eq!(*seen.lock().unwrap(), [0, 1, 2]);
    }
}
