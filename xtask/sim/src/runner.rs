//! One run from start to verdict (spec §7): services → spawn and init every node → setup
//! clients (broadcast's topology) → main phase (time limit, stagger, nemesis) → for workloads
//! with a final phase: heal, recovery pause, final operations → teardown → checkers, results,
//! plots, the report.
//!
//! Times in the history and the journal count from one origin, taken before the first node
//! starts, so init traffic has small positive times and the main phase starts a little later
//! than 0 (Jepsen starts its clock after setup; only differences matter to the checkers).

use crate::cluster::Cluster;
use crate::cpu::Ledger;
use crate::dispatch::{Dispatcher, Interrupt};
use crate::faults::{self, Nemesis};
use crate::in_process::StartNode;
use crate::journal::Journal;
use crate::latency::Latency;
use crate::metrics::DelayRecorder;
use crate::nemesis::{self, Fault};
use crate::net::Network;
use crate::options::Options;
use crate::progress::Progress;
use crate::recorder::Recorder;
use crate::request::{parse_options, parse_request, replay_command};
use crate::rng::{self, Stream};
use crate::scheduler::{Stagger, Threads};
use crate::store::RunDir;
use crate::workers::{Shared, Workers};
use crate::workload::Workload;
use crate::{judge, plots, services, RunReport, RunRequest};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Knobs that are not Maelstrom options (tests shorten the recovery pause).
#[derive(Debug, Clone)]
pub struct Tuning {
    /// The pause between healing and the final operations; Maelstrom's is 10 s.
    pub recovery: Duration,
    /// Called once the nodes are gone and the history is complete on disk, before it is
    /// read back for the checkers: `cargo xtask bench memory` reads the peak memory of the
    /// run itself there, apart from what judging it costs.
    pub before_checks: Option<fn()>,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            recovery: Duration::from_secs(10),
            before_checks: None,
        }
    }
}

/// Measurements of the harness itself, reported under `sim` in the results.
struct Overhead {
    main_phase: Duration,
    main_cpu: Duration,
    main_server_msgs: u64,
}

/// How the nodes of a run are started, and on which clock the run goes.
pub enum Nodes<'a> {
    /// One process of the request's `--bin` per node, in real time.
    Processes,
    /// Nodes that `start` runs inside this process, on the virtual clock of a paused
    /// runtime: the explorer. The seed then fixes the whole run, history included.
    InProcess(&'a dyn StartNode),
}

/// Runs the test described by `request` on node processes.
pub fn run(request: &RunRequest, tuning: &Tuning) -> anyhow::Result<RunReport> {
    execute(request, tuning, &Nodes::Processes, true).map(|(report, _)| report)
}

/// Runs the test described by `request` on `nodes`, writing the run folder only if
/// `keep_folder` (its `store_dir` is empty otherwise); returns the report and the history.
pub fn execute(
    request: &RunRequest,
    tuning: &Tuning,
    nodes: &Nodes<'_>,
    keep_folder: bool,
) -> anyhow::Result<(RunReport, Vec<checkers::history::Op>)> {
    let (opts, workload, bin) = match nodes {
        Nodes::Processes => parse_request(request)?,
        Nodes::InProcess(_) => {
            let (opts, workload) = parse_options(request)?;
            let bin = opts.bin.clone();
            (opts, workload, bin)
        }
    };
    let seed = request.seed.or(opts.seed).unwrap_or_else(rng::random_seed);
    let replay = replay_command(&request.args, seed);
    let progress = match nodes {
        Nodes::Processes => Progress::new(request.progress, &request.name),
        Nodes::InProcess(_) => Progress::quiet(&request.name),
    };
    for note in &opts.notes {
        progress.println(&format!("note: {note}"));
    }
    progress.println(&format!(
        "sim: {} on {} node(s), seed {seed}, as Maelstrom {}",
        workload.name(),
        opts.nodes.len(),
        opts.maelstrom_version
    ));
    let dir = match keep_folder {
        true => Some(RunDir::create(&request.store_root, &request.name)?),
        false => None,
    };
    let opts = Arc::new(opts);
    // The harness CPU of this run alone: this thread and every thread the run starts (other
    // runs may share the process).
    let cpu = Ledger::new();
    let _enrolment = cpu.enrol();
    let delays = Arc::new(DelayRecorder::default());

    // The client side (services, start-up, dispatcher, workers, nemesis) runs on one
    // current-thread runtime on this thread, which the CPU ledger already counts. With
    // in-process nodes the nodes and the network's delivery run on it too, and its clock is
    // paused: time moves only when every task waits, straight to the next deadline.
    let in_process = matches!(nodes, Nodes::InProcess(_));
    let client_side = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(in_process)
        .build()?;
    let (outcome, net, recorder) = client_side.block_on(async {
        let origin = Instant::now();
        let journal = Journal::create(
            dir.as_ref().map(|d| d.file("messages.jsonl")).as_deref(),
            opts.log_net_send,
            opts.log_net_recv,
        )?;
        let latency = Latency {
            dist: opts.latency_dist,
            mean: opts.latency,
        };
        let net = Network::new(origin, latency, rng::stream(seed, Stream::Latency), journal);
        let delivery = match nodes {
            Nodes::Processes => Delivery::Thread({
                let net = Arc::clone(&net);
                crate::cpu::spawn(
                    std::thread::Builder::new().name("delivery".into()),
                    move || net.run_delivery(),
                )?
            }),
            Nodes::InProcess(_) => Delivery::Task(tokio::spawn({
                let net = Arc::clone(&net);
                async move { net.deliver_on_clock().await }
            })),
        };
        let recorder = Arc::new(match &dir {
            Some(dir) => Recorder::create(origin, &dir.file("history.jsonl"))?,
            None => Recorder::in_memory(origin),
        });
        let services = services::start(&net, seed);
        progress.phase("starting nodes");
        let cluster = match nodes {
            Nodes::Processes => {
                let logs = dir.as_ref().map(RunDir::node_logs).unwrap_or_default();
                Cluster::spawn(&opts, &bin, &net, &delays, &logs, seed)
            }
            Nodes::InProcess(start) => {
                Ok(crate::in_process::cluster(&net, &opts.nodes, *start, seed))
            }
        };
        let outcome = match cluster {
            Err(e) => Err(e),
            Ok(mut cluster) => {
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
                )
                .await;
                progress.phase("tearing down");
                let silent = cluster.silent_nodes();
                let peak_backlog = cluster.peak_backlog();
                let crashed = cluster.teardown();
                result.map(|r| (r, crashed, silent, peak_backlog))
            }
        };
        services::stop(&net, services).await;
        net.stop();
        match delivery {
            Delivery::Thread(thread) => {
                let _ = thread.join();
            }
            Delivery::Task(task) => {
                let _ = task.await;
            }
        }
        anyhow::Ok((outcome, net, recorder))
    })?;
    progress.finish();

    recorder.finish()?;
    let events = net.journal().finish()?;
    let folder = dir.as_ref().map_or_else(
        || "none (replay the seed to keep one)".to_string(),
        |d| d.path.display().to_string(),
    );
    let (driven, crashed, silent, peak_backlog) =
        outcome.map_err(|e| e.context(format!("run folder: {folder}")))?;
    let (overhead, deaf) = match driven {
        Driven::Finished { overhead, deaf } => (overhead, deaf),
        Driven::Interrupted(report) => {
            anyhow::bail!("the test was stopped because a node exited:\n{report}\nrun folder: {folder}\nreplay: {replay}");
        }
    };
    if !crashed.is_empty() {
        anyhow::bail!(
            "{}\nrun folder: {folder}\nreplay: {replay}",
            crashed.join("\n"),
        );
    }

    if let Some(hook) = tuning.before_checks {
        hook();
    }
    // The one copy of the history the checkers, plots and workload files share.
    let history = recorder.history()?;
    let title = format!("{} ({})", request.name, workload.name());
    // Maelstrom's perf checker says whether the plots were drawn; they are drawn either way,
    // and written when the run keeps its folder.
    let (latency_plot, rate_plot) = (
        plots::latency_svg(&history, &title),
        plots::rate_svg(&history, &title),
    );
    let plotted = dir.as_ref().is_none_or(|dir| {
        let latency = std::fs::write(dir.file("latency.svg"), latency_plot);
        let rate = std::fs::write(dir.file("rate.svg"), rate_plot);
        latency.is_ok() && rate.is_ok()
    });
    let checked = judge::judge(workload, &opts, &history, &events, plotted);
    let mut results = checked.results;
    let lateness = delays.summary();
    let main_secs = overhead.main_phase.as_secs_f64().max(1e-9);
    results["sim"] = json!({
        "seed": seed,
        "replay": replay,
        "maelstrom-version": opts.maelstrom_version.to_string(),
        "notes": opts.notes,
        "nodes": if in_process { "in-process, virtual clock" } else { "processes, real time" },
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
    if let Some(dir) = &dir {
        dir.write_results(&results)?;
        for file in workload.files(&history, &results["workload"]) {
            dir.write_file(&file.path, &file.contents)?;
        }
        // The report reads back what was just written; a report that fails costs the page,
        // not the verdict.
        if let Err(e) = crate::report::write(&dir.path) {
            eprintln!(
                "WARNING: {}: the report could not be written: {e:#}",
                request.name
            );
        }
    }
    for (node, reason) in &deaf {
        eprintln!("WARNING: {}: node {node} went deaf: {reason}", request.name);
    }
    for (_, report) in silent.values() {
        eprintln!("WARNING: {report}");
    }
    let report = RunReport {
        validity: checked.validity,
        results,
        store_dir: dir.map(|d| d.path).unwrap_or_default(),
        seed,
        replay,
    };
    Ok((report, history))
}

/// The network's delivery loop: a thread in real time, a task on a virtual clock.
enum Delivery {
    Thread(std::thread::JoinHandle<()>),
    Task(tokio::task::JoinHandle<()>),
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
async fn drive(
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
    cluster.init(net, &opts.nodes).await?;
    progress.phase("setting up clients");
    cluster.setup(net, workload, opts).await?;

    let shared = Arc::new(Shared {
        net: Arc::clone(net),
        recorder: Arc::clone(recorder),
        workload,
        opts: Arc::clone(opts),
    });
    let (done_tx, done_rx) = tokio::sync::mpsc::unbounded_channel();
    let workers = Workers::start(&shared, &done_tx);
    drop(done_tx);
    let mut dispatcher = Dispatcher::new(
        Threads::new(opts.concurrency),
        workers,
        done_rx,
        cluster.take_events(),
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
        Some(Nemesis::start(schedule, main_start, net, recorder))
    } else {
        None
    };
    progress.phase("main phase");
    let mut main = workload.generator(opts, rng::stream(seed, Stream::Generator));
    let result = if opts.rate > 0.0 {
        let mut stagger = Stagger::new(opts.rate);
        dispatcher
            .run_phase(main.as_mut(), Some(&mut stagger), Some(main_start + limit))
            .await
    } else {
        dispatcher.pause(limit).await
    };
    if let Some(n) = nemesis {
        n.stop();
    }
    let result = match result {
        Ok(()) => dispatcher.drain(Some(main.as_mut())).await,
        interrupted => interrupted,
    };
    let overhead = Overhead {
        main_phase: main_start.elapsed(),
        main_cpu: cpu.total().saturating_sub(cpu_before),
        main_server_msgs: net.server_sends().saturating_sub(sends_before),
    };
    let result = match (result, workload.final_generator(opts)) {
        (Ok(()), Some(mut last)) => {
            if opts.partition {
                faults::apply(&Fault::Stop, net, recorder);
            }
            progress.phase("waiting for recovery");
            final_phase(&mut dispatcher, last.as_mut(), tuning.recovery, progress).await
        }
        (result, _) => result,
    };
    match result {
        Ok(()) => Ok(Driven::Finished {
            overhead,
            deaf: dispatcher.finish(true).await,
        }),
        Err(Interrupt::NodeExited(node)) => {
            let deaf = dispatcher.finish(false).await;
            let mut report = cluster.report_ending(&node, "while the test was running");
            if let Some(reason) = deaf.get(&node) {
                report.push_str(&format!("\n  (it had gone deaf earlier: {reason})"));
            }
            Ok(Driven::Interrupted(report))
        }
    }
}

/// The recovery pause, then the final generator's operations until they complete.
async fn final_phase(
    dispatcher: &mut Dispatcher<'_>,
    last: &mut dyn crate::workload::gen::Generator,
    recovery: Duration,
    progress: &Progress,
) -> Result<(), Interrupt> {
    dispatcher.pause(recovery).await?;
    progress.phase("final phase");
    dispatcher.run_phase(last, None, None).await?;
    dispatcher.drain(Some(last)).await
}
