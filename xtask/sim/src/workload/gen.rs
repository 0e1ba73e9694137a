//! Generators: what operation to run next, and on which worker thread.
//!
//! A generator is asked for its next step whenever a worker may be free; the runner adds the
//! rate limit (stagger), the time limit, the history and the process numbers. Most workloads
//! produce an endless stream of operations for "any free thread" ([`Stream`]); the runner then
//! picks a free thread at random from its own random stream, as Jepsen does, so the sequence
//! of operation values depends on the seed only, never on timing. Final phases run one
//! operation on every thread ([`EachThread`]).

use crate::op::OpSpec;
use crate::rng::SimRng;
use checkers::history::Op;
use std::time::Duration;

/// What a generator sees when asked for a step.
#[derive(Debug, Clone, Copy)]
pub struct GenContext<'a> {
    /// Worker threads that are idle, ascending.
    pub free: &'a [usize],
    /// Number of worker threads.
    pub concurrency: usize,
    /// Time since the phase began.
    pub elapsed: Duration,
}

/// A generator's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Run `op` on `thread`, or on a random free thread when `None`.
    Op { thread: Option<usize>, op: OpSpec },
    /// Nothing to do until an operation completes.
    Pending,
    /// Nothing to do until this long after the phase began (or an operation completes).
    WaitUntil(Duration),
    /// The phase is over for this generator.
    Done,
}

/// A source of operations for one phase.
pub trait Generator: Send {
    fn next(&mut self, ctx: &GenContext<'_>) -> Step;

    /// Told about every completion (for generators that react to results).
    fn update(&mut self, _completion: &Op) {}
}

/// An endless stream of operations for any free thread, made by a function of the
/// generator's random stream.
pub struct Stream<F> {
    rng: SimRng,
    make: F,
}

impl<F: FnMut(&mut SimRng) -> OpSpec + Send> Stream<F> {
    pub fn boxed(rng: SimRng, make: F) -> Box<dyn Generator>
    where
        F: 'static,
    {
        Box::new(Stream { rng, make })
    }
}

impl<F: FnMut(&mut SimRng) -> OpSpec + Send> Generator for Stream<F> {
    fn next(&mut self, ctx: &GenContext<'_>) -> Step {
        if ctx.free.is_empty() {
            return Step::Pending;
        }
        Step::Op {
            thread: None,
            op: (self.make)(&mut self.rng),
        }
    }
}

/// Every thread runs `op` once (Jepsen's `each-thread`), in thread order as threads free up.
pub struct EachThread {
    op: OpSpec,
    done: Vec<bool>,
}

impl EachThread {
    pub fn boxed(op: OpSpec) -> Box<dyn Generator> {
        Box::new(EachThread {
            op,
            done: Vec::new(),
        })
    }
}

impl Generator for EachThread {
    fn next(&mut self, ctx: &GenContext<'_>) -> Step {
        if self.done.len() != ctx.concurrency {
            self.done = vec![false; ctx.concurrency];
        }
        if self.done.iter().all(|&d| d) {
            return Step::Done;
        }
        match ctx.free.iter().copied().find(|&t| !self.done[t]) {
            Some(thread) => {
                self.done[thread] = true;
                Step::Op {
                    thread: Some(thread),
                    op: self.op.clone(),
                }
            }
            None => Step::Pending,
        }
    }
}

/// The first `n` operations a generator hands out when every thread is always free
/// (for determinism tests and tools).
pub fn take(generator: &mut dyn Generator, concurrency: usize, n: usize) -> Vec<Step> {
    let free: Vec<usize> = (0..concurrency).collect();
    let ctx = GenContext {
        free: &free,
        concurrency,
        elapsed: Duration::ZERO,
    };
    (0..n).map(|_| generator.next(&ctx)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_thread_runs_once_per_thread() {
        let mut g = EachThread::boxed(OpSpec::new("read", json!(null)).final_op());
        let ctx = |free: &'static [usize]| GenContext {
            free,
            concurrency: 3,
            elapsed: Duration::ZERO,
        };
        let thread_of = |s: Step| match s {
            Step::Op { thread, op } => {
                assert!(op.is_final);
                thread
            }
            other => panic!("expected an op, got {other:?}"),
        };
        assert_eq!(thread_of(g.next(&ctx(&[1, 2]))), Some(1));
        assert_eq!(thread_of(g.next(&ctx(&[1, 2]))), Some(2));
        assert_eq!(g.next(&ctx(&[1, 2])), Step::Pending);
        assert_eq!(thread_of(g.next(&ctx(&[0]))), Some(0));
        assert_eq!(g.next(&ctx(&[0, 1, 2])), Step::Done);
    }
}
