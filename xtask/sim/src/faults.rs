//! Carrying out the nemesis: the main phase's schedule of partitions on its own thread, and
//! the heal before a final phase. Each fault is recorded as Jepsen does, an `info`
//! invocation and an `info` completion of process `nemesis`.

use crate::nemesis::Fault;
use crate::net::{Grudge, Network};
use crate::recorder::Recorder;
use crossbeam_channel::{bounded, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Applies one fault to the network, recording both halves.
pub fn apply(fault: &Fault, net: &Network, recorder: &Recorder) {
    recorder.nemesis(fault.f(), fault.invoke_value());
    match fault {
        Fault::Start { grudge, .. } => net.set_grudge(grudge.clone()),
        Fault::Stop => net.set_grudge(Grudge::new()),
    }
    recorder.nemesis(fault.f(), fault.completion_value());
}

/// The nemesis thread of a main phase.
pub struct Nemesis {
    stop: Sender<()>,
    thread: JoinHandle<()>,
}

impl Nemesis {
    /// Starts carrying out `schedule` (offsets from `start`).
    pub fn start(
        schedule: Vec<(Duration, Fault)>,
        start: Instant,
        net: &Arc<Network>,
        recorder: &Arc<Recorder>,
    ) -> anyhow::Result<Nemesis> {
        let (stop, stopped) = bounded::<()>(1);
        let (net, recorder) = (Arc::clone(net), Arc::clone(recorder));
        let thread = crate::cpu::spawn(
            std::thread::Builder::new().name("nemesis".into()),
            move || {
                for (at, fault) in schedule {
                    // Waiting on the stop channel doubles as an interruptible sleep.
                    if stopped.recv_deadline(start + at).is_ok() {
                        return;
                    }
                    apply(&fault, &net, &recorder);
                }
                let _ = stopped.recv();
            },
        )?;
        Ok(Nemesis { stop, thread })
    }

    /// Stops injecting faults (the current partition, if any, stays in force).
    pub fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}
