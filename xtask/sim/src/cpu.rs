//! The CPU time of one run's harness threads. Several runs can share the process
//! (`cargo xtask test --jobs N`), so the process's own CPU time (`getrusage(RUSAGE_SELF)`)
//! would charge each run with the others' work. Instead every thread a run starts joins the
//! run's [`Ledger`], and the ledger sums the CPU clocks of its threads: the live ones read
//! through their per-thread CPU clock, the finished ones as they left.
//!
//! A thread joins by being started through [`spawn`] from a thread that has joined, so the
//! spawn sites need no ledger handed down to them: the run's first thread enrols with
//! [`Ledger::enrol`], and every thread it starts, and they start, inherits the ledger.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::thread::{Builder, JoinHandle};
use std::time::Duration;

thread_local! {
    /// The ledger the calling thread's CPU time is charged to, if any.
    static CURRENT: RefCell<Option<Arc<Ledger>>> = const { RefCell::new(None) };
}

/// The CPU time of a set of threads, those alive and those gone.
#[derive(Debug, Default)]
pub struct Ledger {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The enrolled threads still running: kernel thread id, and the thread's CPU time when
    /// it enrolled (a thread that ran an earlier run brings that run's time with it).
    live: Vec<(i32, Duration)>,
    /// What the threads that left had used.
    finished: Duration,
}

impl Ledger {
    pub fn new() -> Arc<Ledger> {
        Arc::new(Ledger::default())
    }

    /// Charges the calling thread to this ledger until the returned enrolment drops (the
    /// thread's earlier ledger, if any, is charged again afterwards).
    pub fn enrol(self: &Arc<Self>) -> Enrolment {
        let tid = thread_id();
        let baseline = own_cpu();
        self.state
            .lock()
            .expect("cpu ledger lock")
            .live
            .push((tid, baseline));
        let previous = CURRENT.with(|current| current.replace(Some(Arc::clone(self))));
        Enrolment {
            ledger: Arc::clone(self),
            tid,
            baseline,
            previous,
        }
    }

    /// The CPU time (user and system) of every thread that has been enrolled, so far.
    pub fn total(&self) -> Duration {
        let state = self.state.lock().expect("cpu ledger lock");
        // Under the lock, every thread in `live` is still running: a leaving thread takes the
        // lock to move its time to `finished`, so nothing is counted twice or lost.
        let live: Duration = state
            .live
            .iter()
            .map(|&(tid, baseline)| thread_cpu(tid).saturating_sub(baseline))
            .sum();
        state.finished + live
    }
}

/// A thread's membership of a ledger; dropping it books the thread's CPU time as finished.
#[derive(Debug)]
pub struct Enrolment {
    ledger: Arc<Ledger>,
    tid: i32,
    baseline: Duration,
    previous: Option<Arc<Ledger>>,
}

impl Drop for Enrolment {
    fn drop(&mut self) {
        let mut state = self.ledger.state.lock().expect("cpu ledger lock");
        if let Some(at) = state.live.iter().position(|&(tid, _)| tid == self.tid) {
            state.live.swap_remove(at);
            state.finished += own_cpu().saturating_sub(self.baseline);
        }
        drop(state);
        CURRENT.with(|current| *current.borrow_mut() = self.previous.take());
    }
}

/// Starts a thread like `builder.spawn(f)`, charged to the calling thread's ledger if it has
/// one.
pub fn spawn<F, T>(builder: Builder, f: F) -> std::io::Result<JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let ledger = CURRENT.with(|current| current.borrow().clone());
    builder.spawn(move || {
        let _enrolment = ledger.as_ref().map(Ledger::enrol);
        f()
    })
}

/// The calling thread's CPU time.
fn own_cpu() -> Duration {
    clock(nix::time::ClockId::CLOCK_THREAD_CPUTIME_ID)
}

#[cfg(target_os = "linux")]
fn thread_id() -> i32 {
    nix::unistd::gettid().as_raw()
}

/// Another thread's CPU time, through the clock id Linux gives each thread: the thread id
/// complemented, shifted by three, with the "per thread" and "scheduler time" bits (the
/// kernel's `MAKE_THREAD_CPUCLOCK`, which glibc's `pthread_getcpuclockid` returns). Reading
/// it needs no unsafe code, which the workspace forbids.
#[cfg(target_os = "linux")]
fn thread_cpu(tid: i32) -> Duration {
    const PER_THREAD: i32 = 4;
    const SCHEDULER_TIME: i32 = 2;
    clock(nix::time::ClockId::from_raw(
        (!tid << 3) | PER_THREAD | SCHEDULER_TIME,
    ))
}

// Elsewhere no thread can read another's clock: a ledger then counts its threads as they
// finish, and the live ones as nothing.
#[cfg(not(target_os = "linux"))]
fn thread_id() -> i32 {
    0
}

#[cfg(not(target_os = "linux"))]
fn thread_cpu(_tid: i32) -> Duration {
    Duration::ZERO
}

fn clock(id: nix::time::ClockId) -> Duration {
    nix::time::clock_gettime(id).map_or(Duration::ZERO, Duration::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Burns `cpu` of the calling thread's CPU time.
    fn burn(cpu: Duration) {
        let start = own_cpu();
        let mut x = 0u64;
        while own_cpu() - start < cpu {
            for _ in 0..1000 {
                x = x.wrapping_mul(31).wrapping_add(7);
            }
        }
        std::hint::black_box(x);
    }

    #[test]
    fn counts_its_threads_alive_and_finished() {
        let ledger = Ledger::new();
        let _enrolment = ledger.enrol();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let (burnt_tx, burnt_rx) = std::sync::mpsc::channel::<()>();
        let child = spawn(Builder::new(), move || {
            burn(Duration::from_millis(60));
            burnt_tx.send(()).unwrap();
            // Still alive while the parent reads the ledger.
            go_rx.recv().unwrap();
            // A grandchild inherits the ledger too.
            spawn(Builder::new(), || burn(Duration::from_millis(40)))
                .unwrap()
                .join()
                .unwrap();
        })
        .unwrap();
        burnt_rx.recv().unwrap();
        assert!(
            ledger.total() >= Duration::from_millis(60),
            "{:?}",
            ledger.total()
        );
        go_tx.send(()).unwrap();
        child.join().unwrap();
        assert!(
            ledger.total() >= Duration::from_millis(100),
            "{:?}",
            ledger.total()
        );
    }

    #[test]
    fn a_thread_brings_none_of_its_earlier_time() {
        std::thread::spawn(|| {
            burn(Duration::from_millis(150));
            let ledger = Ledger::new();
            let enrolment = ledger.enrol();
            assert!(
                ledger.total() < Duration::from_millis(50),
                "{:?}",
                ledger.total()
            );
            drop(enrolment);
            assert!(
                ledger.total() < Duration::from_millis(50),
                "{:?}",
                ledger.total()
            );
        })
        .join()
        .unwrap();
    }

    #[test]
    fn another_run_s_threads_are_not_counted() {
        let idle = Ledger::new();
        let busy = Ledger::new();
        let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
        let idle_thread = {
            let idle = Arc::clone(&idle);
            std::thread::spawn(move || {
                let _enrolment = idle.enrol();
                started_tx.send(()).unwrap();
            })
        };
        started_rx.recv().unwrap();
        let busy_thread = {
            let busy = Arc::clone(&busy);
            std::thread::spawn(move || {
                let _enrolment = busy.enrol();
                burn(Duration::from_millis(200));
            })
        };
        busy_thread.join().unwrap();
        idle_thread.join().unwrap();
        assert!(busy.total() >= Duration::from_millis(200));
        // The idle ledger's thread only sent a message: far less than the busy one burnt.
        assert!(
            idle.total() < Duration::from_millis(100),
            "{:?}",
            idle.total()
        );
    }
}
