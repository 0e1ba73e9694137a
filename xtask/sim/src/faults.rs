//! Carrying out the nemesis: the main phase's schedule of partitions as a task of the run's
//! client-side runtime (on real time or the explorer's virtual clock), and
//! the heal before a final phase. Each fault is recorded as Jepsen does, an `info`
//! invocation and an `info` completion of process `nemesis`.

use crate::nemesis::Fault;
use crate::net::{Grudge, Network};
use crate::recorder::Recorder;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Applies one fault to the network, recording both halves.
pub fn apply(fault: &Fault, net: &Network, recorder: &Recorder) {
    recorder.nemesis(fault.f(), fault.invoke_value());
    match fault {
        Fault::Start { grudge, .. } => net.set_grudge(grudge.clone()),
        Fault::Stop => net.set_grudge(Grudge::new()),
    }
    recorder.nemesis(fault.f(), fault.completion_value());
}

/// The nemesis task of a main phase.
pub struct Nemesis {
    task: JoinHandle<()>,
}

impl Nemesis {
    /// Starts carrying out `schedule` (offsets from `start`) on the current runtime.
    pub fn start(
        schedule: Vec<(Duration, Fault)>,
        start: Instant,
        net: &Arc<Network>,
        recorder: &Arc<Recorder>,
    ) -> Nemesis {
        let (net, recorder) = (Arc::clone(net), Arc::clone(recorder));
        let task = tokio::spawn(async move {
            for (at, fault) in schedule {
                tokio::time::sleep_until(start + at).await;
                apply(&fault, &net, &recorder);
            }
        });
        Nemesis { task }
    }

    /// Stops injecting faults (the current partition, if any, stays in force). A fault is
    /// applied whole within one poll of the task, so aborting never leaves half of one.
    pub fn stop(self) {
        self.task.abort();
    }
}
