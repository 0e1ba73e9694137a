//! The dispatcher: hands a phase's operations to the worker threads (spec §2.0).
//!
//! It asks the generator for the next step whenever a worker may be free, picks a random free
//! thread for operations meant for any thread, waits for the stagger slot, records the
//! invocation and hands the job over. Meanwhile it takes in completions (freeing threads,
//! renumbering processes after `info`, telling the generator) and node events. A main phase
//! ends at its time limit; in-flight operations are then waited for, as Jepsen's phases do.
//! Every wait is on channels with a deadline, never a poll. It is async and reads tokio's
//! clock, so it drives real time and the explorer's virtual clock alike.

use crate::process::NodeEvent;
use crate::progress::Progress;
use crate::recorder::Recorder;
use crate::rng::SimRng;
use crate::scheduler::{Stagger, Threads};
use crate::workers::{Done, Job, Workers};
use crate::workload::gen::{GenContext, Generator, Step};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

/// Why a phase stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interrupt {
    /// A node closed its stdout mid-test.
    NodeExited(String),
}

/// Drives the workers through the phases of one run.
pub struct Dispatcher<'a> {
    pub threads: Threads,
    workers: Workers,
    done: UnboundedReceiver<Done>,
    events: UnboundedReceiver<NodeEvent>,
    recorder: &'a Recorder,
    rng: SimRng,
    progress: &'a Progress,
    completed: usize,
    /// Nodes that went deaf, with the reason.
    pub deaf: BTreeMap<String, String>,
}

impl<'a> Dispatcher<'a> {
    pub fn new(
        threads: Threads,
        workers: Workers,
        done: UnboundedReceiver<Done>,
        events: UnboundedReceiver<NodeEvent>,
        recorder: &'a Recorder,
        rng: SimRng,
        progress: &'a Progress,
    ) -> Dispatcher<'a> {
        Dispatcher {
            threads,
            workers,
            done,
            events,
            recorder,
            rng,
            progress,
            completed: 0,
            deaf: BTreeMap::new(),
        }
    }

    fn absorb(&mut self, done: Done, generator: Option<&mut dyn Generator>) {
        self.threads.finish(done.thread, done.completion.kind);
        if let Some(g) = generator {
            g.update(&done.completion);
        }
        self.completed += 1;
        self.progress.ops(self.completed);
    }

    fn on_event(&mut self, event: NodeEvent) -> Result<(), Interrupt> {
        match event {
            NodeEvent::Exited { node } => Err(Interrupt::NodeExited(node)),
            NodeEvent::Deaf { node, reason } => {
                self.deaf.insert(node, reason);
                Ok(())
            }
        }
    }

    /// Takes in everything that has already arrived, without waiting.
    fn take_arrived(&mut self, generator: &mut dyn Generator) -> Result<(), Interrupt> {
        while let Ok(event) = self.events.try_recv() {
            self.on_event(event)?;
        }
        while let Ok(done) = self.done.try_recv() {
            self.absorb(done, Some(&mut *generator));
        }
        Ok(())
    }

    /// Waits for one completion or node event until `deadline` (forever without one).
    /// Completions go first, then node events, so one seed gives one order on a virtual
    /// clock.
    async fn wait(
        &mut self,
        deadline: Option<Instant>,
        generator: Option<&mut dyn Generator>,
    ) -> Result<(), Interrupt> {
        let timer = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            done = self.done.recv() => {
                let done = done.expect("the dispatcher outlives the workers' senders");
                self.absorb(done, generator);
                Ok(())
            }
            Some(event) = self.events.recv() => self.on_event(event),
            () = timer => Ok(()),
        }
    }

    /// Runs `generator` until it is done or `limit` passes, spacing invocations by `stagger`.
    pub async fn run_phase(
        &mut self,
        generator: &mut dyn Generator,
        mut stagger: Option<&mut Stagger>,
        limit: Option<Instant>,
    ) -> Result<(), Interrupt> {
        let start = Instant::now();
        loop {
            // Take in whatever already arrived, so the generator sees every free thread.
            self.take_arrived(generator)?;
            if limit.is_some_and(|l| Instant::now() >= l) {
                return Ok(());
            }
            let free = self.threads.free();
            let ctx = GenContext {
                free: &free,
                concurrency: self.threads.concurrency(),
                elapsed: start.elapsed(),
            };
            match generator.next(&ctx) {
                Step::Done => return Ok(()),
                Step::Pending if self.threads.all_free() => {
                    eprintln!("sim: the generator is waiting for a completion while no operation is running; ending the phase");
                    return Ok(());
                }
                Step::Pending => {
                    self.wait(limit, Some(&mut *generator)).await?;
                }
                Step::WaitUntil(offset) => {
                    let until = limit.map_or(start + offset, |l| l.min(start + offset));
                    while Instant::now() < until {
                        self.wait(Some(until), Some(&mut *generator)).await?;
                    }
                }
                Step::Op { thread, op } => {
                    let thread = match thread {
                        Some(t) => t,
                        None => self
                            .threads
                            .pick_free(&mut self.rng)
                            .expect("generators offer operations only when a thread is free"),
                    };
                    let mut slot = None;
                    if let Some(stagger) = stagger.as_deref_mut() {
                        let offset = stagger.slot(start.elapsed());
                        let when = start + offset;
                        if let Some(limit) = limit.filter(|l| when >= *l) {
                            // The next operation falls after the time limit: none is
                            // invoked, but the phase (and its nemesis) lasts until the limit.
                            while Instant::now() < limit {
                                self.wait(Some(limit), Some(&mut *generator)).await?;
                            }
                            return Ok(());
                        }
                        while Instant::now() < when {
                            self.wait(Some(when), Some(&mut *generator)).await?;
                        }
                        slot = Some(offset);
                    }
                    if let (Some(stagger), Some(offset)) = (stagger.as_deref_mut(), slot) {
                        stagger.taken(offset, &mut self.rng);
                    }
                    let process = self.threads.process(thread);
                    self.recorder.invoke(process, &op);
                    self.threads.start(thread);
                    self.workers.send(thread, Job { process, op });
                }
            }
        }
    }

    /// Waits for every in-flight operation to complete.
    pub async fn drain(
        &mut self,
        mut generator: Option<&mut dyn Generator>,
    ) -> Result<(), Interrupt> {
        while !self.threads.all_free() {
            let g: Option<&mut dyn Generator> = match generator {
                Some(ref mut g) => Some(&mut **g),
                None => None,
            };
            self.wait(None, g).await?;
        }
        Ok(())
    }

    /// Waits out `duration` (the recovery pause, or a main phase without operations), still
    /// taking in completions and node events.
    pub async fn pause(&mut self, duration: Duration) -> Result<(), Interrupt> {
        let until = Instant::now() + duration;
        while Instant::now() < until {
            self.wait(Some(until), None).await?;
        }
        Ok(())
    }

    /// Stops the workers (waiting for them only after a clean finish).
    pub async fn finish(self, clean: bool) -> BTreeMap<String, String> {
        self.workers.stop(clean).await;
        self.deaf
    }
}
