//! The kafka final phase (jepsen 0.3.7 `final-polls`, as Maelstrom runs it): every thread
//! crashes its client, assigns every key the main phase touched with seek-to-beginning,
//! then polls about every 0.2 s (gaps uniform in `[0, 0.4)` s, `gen/stagger 1/5`) until its
//! own `ok` polls have reached the highest offset seen of every key. Maelstrom clips the
//! whole phase to 10 s (jepsen alone would repeat the block forever for a node that lost a
//! message), and drops jepsen's `debug-topic-partitions` op, so neither appears here.
//!
//! The assign carries Jepsen's `:seek-to-beginning? true`. Operations here have no field
//! for it, so the final assign is flagged final instead (`"final": true` in the history);
//! it is the only assign that seeks, and the client reads the flag as "seek".

use super::offsets::{self, MaxOffsets};
use crate::op::OpSpec;
use crate::rng::SimRng;
use crate::workload::gen::{GenContext, Generator, Step};
use checkers::history::{Op, OpType, Process};
use rand::Rng;
use serde_json::{json, Value};
use std::time::Duration;

/// Maelstrom's clip of the final phase.
pub const FINAL_PHASE_LIMIT: Duration = Duration::from_secs(10);

/// The mean gap between one thread's final polls.
pub const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// Where one thread is in its final sequence.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Crash,
    Assign,
    /// Polling; the next poll is due at this phase time.
    Poll(Duration),
}

#[derive(Debug, Clone)]
struct Thread {
    stage: Stage,
    /// Keys this thread has not yet polled up to their target offset.
    waiting_for: MaxOffsets,
}

/// The final-phase generator.
pub struct FinalPolls {
    targets: MaxOffsets,
    threads: Vec<Thread>,
    rng: SimRng,
}

impl FinalPolls {
    /// Final polls up to `targets` (highest offset seen per key), pacing polls with `rng`.
    pub fn new(targets: MaxOffsets, rng: SimRng) -> FinalPolls {
        FinalPolls {
            targets,
            threads: Vec::new(),
            rng,
        }
    }

    fn op_for(&mut self, thread: usize, now: Duration) -> Option<OpSpec> {
        let keys: Vec<&String> = self.targets.keys().collect();
        let state = &mut self.threads[thread];
        match state.stage {
            Stage::Crash => {
                state.stage = Stage::Assign;
                Some(OpSpec::new("crash", Value::Null))
            }
            Stage::Assign => {
                state.stage = Stage::Poll(now);
                Some(OpSpec::new("assign", json!(keys)).final_op())
            }
            Stage::Poll(due) if due <= now => {
                let gap = self.rng.gen::<f64>() * 2.0 * POLL_INTERVAL.as_secs_f64();
                state.stage = Stage::Poll(now + Duration::from_secs_f64(gap));
                Some(OpSpec::new("poll", json!([["poll"]])))
            }
            Stage::Poll(_) => None,
        }
    }
}

impl Generator for FinalPolls {
    fn next(&mut self, ctx: &GenContext<'_>) -> Step {
        if self.threads.len() != ctx.concurrency {
            let fresh = Thread {
                stage: Stage::Crash,
                waiting_for: self.targets.clone(),
            };
            self.threads = vec![fresh; ctx.concurrency];
        }
        if ctx.elapsed >= FINAL_PHASE_LIMIT || self.threads.iter().all(|t| t.waiting_for.is_empty())
        {
            return Step::Done;
        }
        for &thread in ctx.free {
            if self.threads[thread].waiting_for.is_empty() {
                continue;
            }
            if let Some(op) = self.op_for(thread, ctx.elapsed) {
                return Step::Op {
                    thread: Some(thread),
                    op,
                };
            }
        }
        let next_due = ctx
            .free
            .iter()
            .filter(|&&t| !self.threads[t].waiting_for.is_empty())
            .filter_map(|&t| match self.threads[t].stage {
                Stage::Poll(due) => Some(due),
                _ => None,
            })
            .min();
        match next_due {
            Some(due) => Step::WaitUntil(due.min(FINAL_PHASE_LIMIT)),
            None => Step::Pending,
        }
    }

    fn update(&mut self, completion: &Op) {
        let (OpType::Ok, "poll", Process::Client(process)) =
            (completion.kind, completion.f.as_str(), completion.process)
        else {
            return;
        };
        if self.threads.is_empty() {
            return;
        }
        let thread = (process % self.threads.len() as u64) as usize;
        let waiting_for = &mut self.threads[thread].waiting_for;
        for (key, seen) in offsets::max_poll_offsets(completion) {
            if waiting_for.get(&key).is_some_and(|&target| target <= seen) {
                waiting_for.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Stream};

    fn ctx(free: &[usize], elapsed_ms: u64) -> GenContext<'_> {
        GenContext {
            free,
            concurrency: 2,
            elapsed: Duration::from_millis(elapsed_ms),
        }
    }

    fn op(step: Step) -> (usize, OpSpec) {
        match step {
            Step::Op {
                thread: Some(t),
                op,
            } => (t, op),
            other => panic!("expected an op for a thread, got {other:?}"),
        }
    }

    fn ok_poll(process: u64, msgs: Value) -> Op {
        Op {
            index: 0,
            time: 0,
            process: Process::Client(process),
            kind: OpType::Ok,
            f: "poll".into(),
            value: json!([["poll", msgs]]),
            error: None,
            is_final: false,
        }
    }

    fn final_polls() -> FinalPolls {
        let targets = MaxOffsets::from([("1".into(), 2), ("2".into(), 0)]);
        FinalPolls::new(targets, stream(1, Stream::Generator))
    }

    #[test]
    fn each_thread_crashes_assigns_with_seek_then_polls_until_caught_up() {
        let mut g = final_polls();
        let (t, crash) = op(g.next(&ctx(&[0], 0)));
        assert_eq!((t, crash.f.as_str()), (0, "crash"));
        let (_, assign) = op(g.next(&ctx(&[0], 1)));
        assert_eq!(assign.f, "assign");
        assert_eq!(assign.value, json!(["1", "2"]));
        assert!(assign.is_final, "the final assign seeks to the beginning");
        let (_, poll) = op(g.next(&ctx(&[0], 2)));
        assert_eq!(poll.value, json!([["poll"]]));
        // Thread 0 catches up on key 1 only; it keeps polling for key 2.
        g.update(&ok_poll(0, json!({"1": [[0, 1], [2, 3]]})));
        assert!(matches!(
            g.next(&ctx(&[0], 3)),
            Step::WaitUntil(_) | Step::Op { .. }
        ));
        // Process 2 is thread 0 again (after its crash); it reaches key 2 as well.
        g.update(&ok_poll(2, json!({"2": [[0, 9]]})));
        // Thread 0 is done; thread 1 still has its whole sequence ahead.
        let (t, crash) = op(g.next(&ctx(&[0, 1], 4)));
        assert_eq!((t, crash.f.as_str()), (1, "crash"));
    }

    #[test]
    fn polls_are_paced_and_the_phase_ends_after_ten_seconds() {
        let mut g = final_polls();
        op(g.next(&ctx(&[0], 0)));
        op(g.next(&ctx(&[0], 0)));
        op(g.next(&ctx(&[0], 0)));
        match g.next(&ctx(&[0], 0)) {
            Step::WaitUntil(due) => assert!(due < Duration::from_millis(400), "{due:?}"),
            other => panic!("the next poll waits for its slot, got {other:?}"),
        }
        assert_eq!(g.next(&ctx(&[0, 1], 10_000)), Step::Done);
    }

    #[test]
    fn nothing_to_catch_up_means_no_final_operations() {
        let mut g = FinalPolls::new(MaxOffsets::new(), stream(1, Stream::Generator));
        assert_eq!(g.next(&ctx(&[0, 1], 0)), Step::Done);
    }
}
