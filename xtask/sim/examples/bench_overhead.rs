//! Measures the harness's own overhead (see `sim::bench`):
//! `cargo run --release -p sim --example bench_overhead -- BIN [NODE ARGS...]`, e.g. with
//! `/usr/bin/python3 xtask/sim/tests/fixtures/broadcast_neighbours.py`.

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let bin = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: bench_overhead BIN [NODE ARGS...]"))?;
    let store = std::env::temp_dir().join("sim-bench-overhead");
    let mut request = sim::bench::BenchRequest::challenge_3d(bin.into(), store);
    request.node_args = args.collect();
    if let Ok(secs) = std::env::var("BENCH_TIME_LIMIT") {
        request.time_limit_s = secs.parse()?;
    }
    let report = sim::bench::bench_overhead(&request)?;
    println!(
        "server messages/s:        {:.0}",
        report.server_msgs_per_sec
    );
    println!(
        "delivery lateness (ms):   p50 {:.3}  p99 {:.3}  max {:.3}  ({} messages)",
        report.lateness.p50_ms,
        report.lateness.p99_ms,
        report.lateness.max_ms,
        report.lateness.count
    );
    println!(
        "harness CPU, main phase:  {:.3} s = {:.1}% of one core",
        report.harness_cpu.as_secs_f64(),
        report.cpu_fraction * 100.0
    );
    println!(
        "verdict: {:?}; run folder {}",
        report.run.validity,
        report.run.store_dir.display()
    );
    Ok(())
}
