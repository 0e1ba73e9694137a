//! What the checker benches share ([`super::linearizability`], [`super::txn`], and
//! [`super::memory`] for the simulator): each measurement runs in a child process of the xtask itself (`cargo xtask bench <what> --case
//! <case>`), so that its peak memory is its own. The child builds its history, then times
//! the check alone and prints one JSON line of figures, which the parent reads back.
//!
//! The figures: wall and CPU seconds of the check, and the kernel's high-water mark `VmHWM`
//! before the check (the generated history's footprint) and after it. CPU time comes from
//! `/proc/self/stat` (clock ticks of 10 ms).

use std::fs;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::echo::peak_rss_kib;

/// The cost of one check.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    pub seconds: f64,
    pub cpu_seconds: f64,
    /// Peak memory before the check: what the history alone takes.
    pub history_peak_kib: u64,
    pub peak_kib: u64,
}

impl Cost {
    /// `in 0.812 s (cpu 0.81 s), peak RSS 95.1 MB (87.0 MB with the history alone)`.
    pub fn text(&self) -> String {
        format!(
            "in {:.3} s (cpu {:.2} s), peak RSS {:.1} MB ({:.1} MB with the history alone)",
            self.seconds,
            self.cpu_seconds,
            mb(self.peak_kib),
            mb(self.history_peak_kib)
        )
    }
}

/// The child's side: runs `check` (the history already built) and measures it.
///
/// The kernel's `VmHWM` is the larger of a stored mark and the resident size at the moment
/// of reading, and the stored mark is not updated on every free, so two readings can go
/// down when memory is released in between (seen on CI, with other threads freeing). A
/// peak after the check is at least the peak before it, so the later reading is raised to
/// the earlier one.
pub fn measure<T>(check: impl FnOnce() -> T) -> Result<(T, Cost)> {
    let history_peak_kib = peak_rss_kib("/proc/self/status")?;
    let cpu_before = cpu_seconds()?;
    let started = Instant::now();
    let result = check();
    let seconds = started.elapsed().as_secs_f64();
    let cost = Cost {
        seconds,
        cpu_seconds: cpu_seconds()? - cpu_before,
        history_peak_kib,
        peak_kib: peak_rss_kib("/proc/self/status")?.max(history_peak_kib),
    };
    Ok((result, cost))
}

/// The child's side: prints the figures as the one line the parent reads.
pub fn report<F: Serialize>(figures: &F) -> Result<()> {
    println!("{}", serde_json::to_string(figures)?);
    Ok(())
}

/// The parent's side: runs `cargo xtask bench <what> --case <case>` and reads its figures.
pub fn child<F: DeserializeOwned>(what: &str, case: &str) -> Result<F> {
    child_with(what, case, &[])
}

/// [`child`] with more options for the child (`--seconds 20`).
pub fn child_with<F: DeserializeOwned>(what: &str, case: &str, options: &[&str]) -> Result<F> {
    let exe = std::env::current_exe().context("could not find the xtask's own binary")?;
    let output = Command::new(&exe)
        .args(["bench", what, "--case", case])
        .args(options)
        .output()
        .with_context(|| format!("could not run {}", exe.display()))?;
    if !output.status.success() {
        bail!(
            "the {what} {case} measurement failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().context("the child printed nothing")?;
    serde_json::from_str(line).with_context(|| format!("not figures: {line}"))
}

/// `✓`, or `✗ (missed)`.
pub fn mark(ok: bool) -> &'static str {
    if ok {
        "✓"
    } else {
        "✗ (missed)"
    }
}

pub fn mb(kib: u64) -> f64 {
    (kib * 1024) as f64 / 1e6
}

/// User plus system time of this process so far, from `/proc/self/stat`.
fn cpu_seconds() -> Result<f64> {
    let stat = fs::read_to_string("/proc/self/stat").context("could not read /proc/self/stat")?;
    parse_cpu_seconds(&stat).context("/proc/self/stat has no utime and stime")
}

/// Fields 14 and 15 (utime, stime) count clock ticks, which Linux fixes at 100 a second
/// for `/proc`. The command name (field 2) may hold spaces, so fields are counted after its
/// closing parenthesis, where field 3 is index 0.
fn parse_cpu_seconds(stat: &str) -> Option<f64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_is_read_past_the_command_name() {
        let stat = "42 (a (b) c) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0";
        assert_eq!(parse_cpu_seconds(stat), Some(3.0));
        assert!(cpu_seconds().unwrap() >= 0.0);
    }

    #[test]
    fn a_measurement_sees_what_the_check_holds() {
        const MIB: usize = 1 << 20;
        // 64 MiB written page by page, still held when the check returns, so resident.
        let (held, cost) = measure(|| vec![1u8; 64 * MIB]).unwrap();
        assert_eq!(
            held.iter().step_by(4096).filter(|&&b| b == 1).count(),
            64 * MIB / 4096
        );
        assert!(cost.history_peak_kib > 0);
        assert!(cost.peak_kib >= 64 * 1024, "peak {} KiB", cost.peak_kib);
        assert!(cost.seconds >= 0.0 && cost.cpu_seconds >= 0.0);
    }
}
