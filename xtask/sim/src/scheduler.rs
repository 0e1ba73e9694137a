//! Who runs the next operation, and when (spec §2.0).
//!
//! [`Threads`] tracks which worker threads are busy and which Jepsen process each one is:
//! thread *i* starts as process *i* and becomes `p + concurrency` after an `info`
//! completion, because an indeterminate operation may still be running "in" the old process.
//! [`Stagger`] spaces invocations across all threads by independent gaps uniform in
//! `[0, 2/rate)`: when no thread is free the operation waits, and the schedule continues from
//! the moment it actually ran rather than catching up.

use crate::rng::SimRng;
use checkers::history::OpType;
use rand::Rng;
use std::time::Duration;

/// The worker threads' state as the dispatcher sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Threads {
    process: Vec<u64>,
    busy: Vec<bool>,
}

impl Threads {
    pub fn new(concurrency: usize) -> Threads {
        Threads {
            process: (0..concurrency as u64).collect(),
            busy: vec![false; concurrency],
        }
    }

    pub fn concurrency(&self) -> usize {
        self.process.len()
    }

    /// Idle threads, ascending.
    pub fn free(&self) -> Vec<usize> {
        (0..self.busy.len()).filter(|&t| !self.busy[t]).collect()
    }

    pub fn all_free(&self) -> bool {
        self.busy.iter().all(|b| !b)
    }

    /// The process thread `thread` currently runs as.
    pub fn process(&self, thread: usize) -> u64 {
        self.process[thread]
    }

    /// Marks `thread` busy with an operation.
    pub fn start(&mut self, thread: usize) {
        assert!(
            !self.busy[thread],
            "thread {thread} was given a second operation"
        );
        self.busy[thread] = true;
    }

    /// Marks `thread` idle after a completion of `kind`, renumbering it after an `info`.
    pub fn finish(&mut self, thread: usize, kind: OpType) {
        self.busy[thread] = false;
        if kind == OpType::Info {
            self.process[thread] += self.process.len() as u64;
        }
    }

    /// A uniformly random free thread, if any.
    pub fn pick_free(&self, rng: &mut SimRng) -> Option<usize> {
        let free = self.free();
        (!free.is_empty()).then(|| free[rng.gen_range(0..free.len())])
    }
}

/// Jepsen's `stagger`: the earliest time the next operation may be invoked.
#[derive(Debug, Clone)]
pub struct Stagger {
    /// The upper bound of a gap: twice the mean `1/rate`.
    max_gap: Duration,
    next: Duration,
}

impl Stagger {
    /// A stagger for a positive `rate` (operations per second).
    pub fn new(rate: f64) -> Stagger {
        assert!(rate > 0.0, "a stagger needs a positive rate");
        Stagger {
            max_gap: Duration::from_secs_f64(2.0 / rate),
            next: Duration::ZERO,
        }
    }

    /// When an operation that is ready at `now` may be invoked.
    pub fn slot(&self, now: Duration) -> Duration {
        self.next.max(now)
    }

    /// Records that an operation was invoked at `at` and draws the next gap.
    pub fn taken(&mut self, at: Duration, rng: &mut SimRng) {
        self.next = at + self.max_gap.mul_f64(rng.gen::<f64>());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Stream};

    #[test]
    fn info_renumbers_the_process_by_concurrency() {
        let mut t = Threads::new(3);
        assert_eq!((0..3).map(|i| t.process(i)).collect::<Vec<_>>(), [0, 1, 2]);
        t.start(1);
        assert_eq!(t.free(), [0, 2]);
        t.finish(1, OpType::Info);
        assert_eq!(t.process(1), 4);
        t.start(1);
        t.finish(1, OpType::Fail);
        t.start(1);
        t.finish(1, OpType::Ok);
        assert_eq!(t.process(1), 4, "only info renumbers");
        t.start(1);
        t.finish(1, OpType::Info);
        assert_eq!(t.process(1), 7);
        assert!(t.all_free());
    }

    #[test]
    #[should_panic(expected = "second operation")]
    fn a_busy_thread_cannot_start_again() {
        let mut t = Threads::new(1);
        t.start(0);
        t.start(0);
    }

    #[test]
    fn stagger_gaps_average_one_over_rate_and_never_catch_up() {
        let mut rng = stream(1, Stream::Schedule);
        let mut s = Stagger::new(100.0);
        assert_eq!(
            s.slot(Duration::ZERO),
            Duration::ZERO,
            "the first op goes at once"
        );
        let mut at = Duration::ZERO;
        for _ in 0..10_000 {
            at = s.slot(at);
            s.taken(at, &mut rng);
            let gap = s.slot(at) - at;
            assert!(gap < Duration::from_millis(20));
        }
        let mean = at.as_secs_f64() / 10_000.0;
        assert!((mean - 0.01).abs() < 0.0005, "mean gap {mean}");
        // A thread that frees up late: the op goes when it can, the next gap counts from there.
        s.taken(Duration::from_secs(1000), &mut rng);
        let late = Duration::from_secs(2000);
        assert_eq!(s.slot(late), late);
        s.taken(late, &mut rng);
        assert!(s.slot(late) < late + Duration::from_millis(20));
    }

    #[test]
    fn picks_only_free_threads() {
        let mut rng = stream(1, Stream::Schedule);
        let mut t = Threads::new(4);
        t.start(0);
        t.start(2);
        for _ in 0..100 {
            let p = t.pick_free(&mut rng).unwrap();
            assert!(p == 1 || p == 3);
        }
        t.start(1);
        t.start(3);
        assert_eq!(t.pick_free(&mut rng), None);
    }
}
