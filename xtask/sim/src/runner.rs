//! One run from start to verdict (spec §7): services → spawn and init every node → setup
//! clients (broadcast's topology) → main phase (time limit, stagger, nemesis) → for workloads
//! with a final phase: heal, recovery pause, final operations → teardown → checkers, results,
//! plots.
//!
//! Times in the history and the journal count from one origin, taken before the first node
//! starts, so init traffic has small positive times and the main phase starts a little later
//! than 0 (Jepsen starts its clock after setup; only differences matter to the checkers).

use crate::cluster::Cluster;
use crate::cpu::Ledger;
use crate::dispatch::{Dispatcher, Interrupt};
use crate::faults::{self, Nemesis};
use crate::journal::Journal;
use crate::latency::Latency;
use crate::metrics::DelayRecorder;
use crate::nemesis::{self, Fault};
use crate::net::Network;
use crate::options::Options;
use crate::progress::Progress;
use crate::recorder::Recorder;
use crate::request::{parse_request, replay_command};
use crate::rng::{self, Stream};
use crate::scheduler::{Stagger, Threads};
use crate::store::RunDir;
use crate::workers::{Shared, Workers};
use crate::workload::Workload;
use crate::{judge, plots, services, RunReport, RunRequest};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Knobs that are not Maelstrom options (tests shorten the recovery pause).
#[derive(Debug, Clone)]
pub struct Tuning {
    /// The pause between healing and the final operations; Maelstrom's is 10 s.
    pub recovery: Duration,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            recovery: Duration::from_secs(10),
        }
    }
}

/// Measurements of the harness itself, reported under `sim` in the results.
struct Overhead {
    main_phase: Duration,
    main_cpu: Duration,
    main_server_msgs: u64,
}

/// Runs the test described by `request`.
pub fn run(request: &RunRequest, tuning: &Tuning) -> anyhow::Result<RunReport> {
    let (opts, workload, bin) = parse_request(request)?;
    let seed = request.seed.or(opts.seed).unwrap_or_else(rng::random_seed);
    let replay = replay_command(&request.args, seed);
    let progress = Progress::new(request.progress, &request.name);
    for note in &opts.notes {
        progress.println(&format!("note: {note}"));
    }
    progress.println(&format!(
        "sim: {} on {} node(s), seed {seed}, as Maelstrom {}",
        workload.name(),
        opts.nodes.len(),
        opts.maelstrom_version
    ));
    let dir = RunDir::create(&request.store_root, &request.name)?;
    let opts = Arc::new(opts);
    // The harness CPU of this run alone: this thread and every thread the run starts (other
    // runs may share the process).
    let cpu = Ledger::new();
    let _enrolment = cpu.enrol();

    let origin = Instant::now();
    let journal = Journal::create(
        Some(&dir.file("messages.jsonl")),
        opts.log_net_send,
        opts.log_net_recv,
    )?;
    let latency = Latency {
        dist: opts.latency_dist,
        mean: opts.latency,
    };
    let net = Network::new(origin, latency, rng::stream(seed, Stream::Latency), journal);
    let delivery = {
        let net = Arc::clone(&net);
        crate::cpu::spawn(
            std::thread::Builder::new().name("delivery".into()),
            move || net.run_delivery(),
        )?
    };
    let service_threads = services::start(&net, seed)?;
    let recorder = Arc::new(Recorder::new(origin));
    let delays = Arc::new(DelayRecorder::default());

    progress.phase("starting nodes");
    let outcome = Cluster::spawn(&opts, &bin, &net, &delays, &dir.node_logs(), seed).and_then(
        |mut cluster| {
            let result = drive(
                &mut cluster,
                &opts,
                workload,
                seed,
                tuning,
                &net,
                &recorder,
                &progress,
                &cpu,
            );
            progress.phase("tearing down");
            let silent = cluster.silent_nodes();
            let peak_backlog = cluster.peak_backlog();
            let crashed = cluster.teardown();
            result.map(|r| (r, crashed, silent, peak_backlog))
        },
    );
    net.stop();
    let _ = delivery.join();
    services::stop(&net, service_threads);
    progress.finish();

    let history = recorder.snapshot();
    dir.write_history(&history)?;
    let events = net.journal().finish()?;
    let (driven, crashed, silent, peak_backlog) =
        outcome.map_err(|e| e.context(format!("run folder: {}", dir.path.display())))?;
    let (overhead, deaf) = match driven {
        Driven::Finished { overhead, deaf } => (overhead, deaf),
        Driven::Interrupted(report) => {
            anyhow::bail!("the test was stopped because a node exited:\n{report}\nrun folder: {}\nreplay: {replay}", dir.path.display());
        }
    };
    if !crashed.is_empty() {
        anyhow::bail!(
            "{}\nrun folder: {}\nreplay: {replay}",
            crashed.join("\n"),
            dir.path.display()
        );
    }

    let title = format!("{} ({})", request.name, workload.name());
    let latency_plot = std::fs::write(
        dir.file("latency.svg"),
        plots::latency_svg(&history, &title),
    );
    let rate_plot = std::fs::write(dir.file("rate.svg"), plots::rate_svg(&history, &title));
    let checked = judge::judge(
        workload,
        &opts,
        &history,
        &events,
        latency_plot.is_ok() && rate_plot.is_ok(),
    );
    let mut results = checked.results;
    let lateness = delays.summary();
    let main_secs = overhead.main_phase.as_secs_f64().max(1e-9);
    results["sim"] = json!({
        "seed": seed,
        "replay": replay,
        "maelstrom-version": opts.maelstrom_version.to_string(),
        "notes": opts.notes,
        "deaf-nodes": deaf,
        // Back-pressure (see `backlog`) keeps this near `backlog::LIMIT` at most.
        "peak-undelivered-per-node": peak_backlog,
        "silent-nodes": silent.iter().map(|(node, (reason, _))| (node.clone(), reason.clone())).collect::<std::collections::BTreeMap<_, _>>(),
        // Maelstrom reports no op latencies as numbers; workloads without stable
        // latencies are compared by these.
        "ok-latencies": checkers::op_latency::summary(&history),
        "server-delivery-lateness": lateness.to_json(),
        "main-phase-seconds": main_secs,
        "main-phase-server-msgs-per-second": overhead.main_server_msgs as f64 / main_secs,
        "harness-cpu-seconds": {
            "main-phase": overhead.main_cpu.as_secs_f64(),
            "total": cpu.total().as_secs_f64(),
        },
        "harness-cpu-fraction-of-one-core": overhead.main_cpu.as_secs_f64() / main_secs,
    });
    dir.write_results(&results)?;
    for file in workload.files(&history, &results["workload"]) {
        dir.write_file(&file.path, &file.contents)?;
    }
    for (node, reason) in &deaf {
        eprintln!("WARNING: {}: node {node} went deaf: {reason}", request.name);
    }
    for (_, report) in silent.values() {
        eprintln!("WARNING: {report}");
    }
    Ok(RunReport {
        validity: checked.validity,
        results,
        store_dir: dir.path.clone(),
        seed,
        replay,
    })
}

/// How the phases ended.
enum Driven {
    Finished {
        overhead: Overhead,
        deaf: std::collections::BTreeMap<String, String>,
    },
    /// A node exited mid-test; its report.
    Interrupted(String),
}

/// Start-up and the phases; errors are start-up failures.
#[allow(clippy::too_many_arguments)]
fn drive(
    cluster: &mut Cluster,
    opts: &Arc<Options>,
    workload: &'static dyn Workload,
    seed: u64,
    tuning: &Tuning,
    net: &Arc<Network>,
    recorder: &Arc<Recorder>,
    progress: &Progress,
    cpu: &Ledger,
) -> anyhow::Result<Driven> {
    progress.phase("initialising nodes");
    cluster.init(net, &opts.nodes)?;
    progress.phase("setting up clients");
    cluster.setup(net, workload, opts)?;

    let shared = Arc::new(Shared {
        net: Arc::clone(net),
        recorder: Arc::clone(recorder),
        workload,
        opts: Arc::clone(opts),
    });
    let (done_tx, done_rx) = crossbeam_channel::unbounded();
    let workers = Workers::start(&shared, &done_tx)?;
    drop(done_tx);
    let events = cluster.events.clone();
    let mut dispatcher = Dispatcher::new(
        Threads::new(opts.concurrency),
        workers,
        done_rx,
        &events,
        recorder,
        rng::stream(seed, Stream::Schedule),
        progress,
    );
    dispatcher.deaf.extend(cluster.take_startup_deaf());

    let limit = Duration::from_secs(opts.time_limit);
    let main_start = Instant::now();
    let cpu_before = cpu.total();
    let sends_before = net.server_sends();
    let nemesis = if opts.partition {
        let interval = Duration::from_secs_f64(opts.nemesis_interval);
        let schedule = nemesis::schedule(
            &opts.nodes,
            interval,
            limit,
            rng::stream(seed, Stream::Nemesis),
        );
        Some(Nemesis::start(schedule, main_start, net, recorder)?)
    } else {
        None
    };
    progress.phase("main phase");
    let mut main = workload.generator(opts, rng::stream(seed, Stream::Generator));
    let result = (|| -> Result<(), Interrupt> {
        if opts.rate > 0.0 {
            let mut stagger = Stagger::new(opts.rate);
            dispatcher.run_phase(main.as_mut(), Some(&mut stagger), Some(main_start + limit))?;
        } else {
            dispatcher.pause(limit)?;
        }
        Ok(())
    })();
    if let Some(n) = nemesis {
        n.stop();
    }
    let result = result.and_then(|()| dispatcher.drain(Some(main.as_mut())));
    let overhead = Overhead {
        main_phase: main_start.elapsed(),
        main_cpu: cpu.total().saturating_sub(cpu_before),
        main_server_msgs: net.server_sends().saturating_sub(sends_before),
    };
    let result = result.and_then(|()| match workload.final_generator(opts) {
        None => Ok(()),
        Some(mut last) => {
            if opts.partition {
                faults::apply(&Fault::Stop, net, recorder);
            }
            progress.phase("waiting for recovery");
            dispatcher.pause(tuning.recovery)?;
            progress.phase("final phase");
            dispatcher.run_phase(last.as_mut(), None, None)?;
            dispatcher.drain(Some(last.as_mut()))
        }
    });
    match result {
        Ok(()) => Ok(Driven::Finished {
            overhead,
            deaf: dispatcher.finish(true),
        }),
        Err(Interrupt::NodeExited(node)) => {
            let deaf = dispatcher.finish(false);
            let mut report = cluster.report_ending(&node, "while the test was running");
            if let Some(reason) = deaf.get(&node) {
                report.push_str(&format!("\n  (it had gone deaf earlier: {reason})"));
            }
            Ok(Driven::Interrupted(report))
        }
    }
}
