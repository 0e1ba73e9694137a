//! The run folder (contract "Run folder"): `<store_root>/<name>/<YYYYMMDDTHHMMSS.mmm>/` with
//! `<store_root>/<name>/latest` pointing at the newest run, holding `history.jsonl`,
//! `messages.jsonl`, `node-logs/<node>.log`, `results.json`, `latency.svg` and `rate.svg`,
//! plus any files of the workload's own (lin-kv's `independent/<key>/`).
//! Timestamps are UTC (Maelstrom uses local time with an offset; UTC needs no time-zone
//! database and sorts the same way).

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// One run's folder.
#[derive(Debug, Clone)]
pub struct RunDir {
    pub path: PathBuf,
}

impl RunDir {
    /// Creates a fresh folder for a run of `name` and points `latest` at it.
    pub fn create(store_root: &Path, name: &str) -> anyhow::Result<RunDir> {
        let parent = store_root.join(name);
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        let mut millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        // Two runs in the same millisecond get consecutive stamps rather than one folder.
        let path = loop {
            let candidate = parent.join(timestamp(millis));
            match std::fs::create_dir(&candidate) {
                Ok(()) => break candidate,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => millis += 1,
                Err(e) => {
                    return Err(e).with_context(|| format!("creating {}", candidate.display()))
                }
            }
        };
        std::fs::create_dir(path.join("node-logs")).context("creating node-logs")?;
        let dir = RunDir { path };
        dir.link_latest(&parent)?;
        Ok(dir)
    }

    /// Replaces `<parent>/latest` atomically with a relative link to this run.
    fn link_latest(&self, parent: &Path) -> anyhow::Result<()> {
        let target = self.path.file_name().expect("run folders have a name");
        // Named after the run, not the process: parallel runs of one suite share a process.
        let temporary = parent.join(format!(".latest-{}", target.to_string_lossy()));
        let _ = std::fs::remove_file(&temporary);
        std::os::unix::fs::symlink(target, &temporary).context("linking latest")?;
        std::fs::rename(&temporary, parent.join("latest")).context("linking latest")?;
        Ok(())
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    pub fn node_logs(&self) -> PathBuf {
        self.path.join("node-logs")
    }

    /// Writes `contents` at `relative` inside the run folder, creating its folders.
    pub fn write_file(&self, relative: &Path, contents: &str) -> anyhow::Result<()> {
        assert!(
            relative.is_relative(),
            "run files stay inside the run folder: {}",
            relative.display()
        );
        let path = self.path.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, contents).with_context(|| format!("writing {}", path.display()))
    }

    /// Writes `results.json`, pretty-printed for people.
    pub fn write_results(&self, results: &serde_json::Value) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(results)? + "\n";
        std::fs::write(self.file("results.json"), text).context("writing results.json")
    }
}

/// `YYYYMMDDTHHMMSS.mmm` (UTC) of a Unix time in milliseconds.
pub fn timestamp(unix_millis: u64) -> String {
    let secs = unix_millis / 1000;
    let (days, of_day) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}.{:03}",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60,
        unix_millis % 1000
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's method).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_calendar_times() {
        assert_eq!(timestamp(0), "19700101T000000.000");
        // 2024-02-29 13:45:07.089 UTC
        assert_eq!(timestamp(1_709_214_307_089), "20240229T134507.089");
        assert_eq!(timestamp(951_782_400_000), "20000229T000000.000");
    }

    #[test]
    fn runs_get_distinct_folders_and_latest_follows() {
        let root = std::env::temp_dir().join(format!("sim-store-test-{}", std::process::id()));
        let a = RunDir::create(&root, "echo").unwrap();
        let b = RunDir::create(&root, "echo").unwrap();
        assert_ne!(a.path, b.path);
        assert!(b.node_logs().is_dir());
        b.write_file(Path::new("independent/0/results.json"), "{}\n")
            .unwrap();
        let written = std::fs::read_to_string(b.file("independent/0/results.json")).unwrap();
        assert_eq!(written, "{}\n");
        let latest = std::fs::canonicalize(root.join("echo/latest")).unwrap();
        assert_eq!(latest, std::fs::canonicalize(&b.path).unwrap());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn parallel_runs_of_one_suite_get_distinct_folders() {
        let root = tempfile::tempdir().unwrap();
        let runs = 8;
        // All threads create their folder at the same moment, so most share a millisecond.
        let start = std::sync::Barrier::new(runs);
        let paths: Vec<PathBuf> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..runs)
                .map(|_| {
                    scope.spawn(|| {
                        start.wait();
                        RunDir::create(root.path(), "3d").unwrap().path
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        let distinct: std::collections::BTreeSet<&PathBuf> = paths.iter().collect();
        assert_eq!(distinct.len(), runs, "{paths:?}");
        let latest = std::fs::canonicalize(root.path().join("3d/latest")).unwrap();
        assert!(paths
            .iter()
            .any(|p| std::fs::canonicalize(p).unwrap() == latest));
        let leftovers: Vec<_> = std::fs::read_dir(root.path().join("3d"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".latest"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
