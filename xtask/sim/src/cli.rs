//! `cargo xtask sim ARGS...`: one test on the built-in simulator, spelled as Maelstrom's
//! `test` command, ending as Maelstrom ends: a short summary, the verdict banner, and exit
//! status 0 valid, 1 invalid, 2 unknown, 254 bad arguments, 255 anything else.

use crate::options::{ArgError, USAGE};
use crate::{run, RunRequest};
use checkers::validity::Validity;
use serde_json::Value;
use std::path::PathBuf;

/// Runs the command line and returns the exit status.
pub fn main(args: Vec<String>) -> i32 {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{USAGE}");
        return 0;
    }
    let name = workload_name(&args);
    let request = RunRequest {
        args,
        seed: None,
        store_root: store_root(),
        name,
        progress: true,
    };
    match run(&request) {
        Ok(report) => {
            eprintln!("{}", summary(&report.results));
            eprintln!("run folder: {}", report.store_dir.display());
            eprintln!("replay:     {}", report.replay);
            eprintln!();
            eprintln!("{}", banner(report.validity));
            report.validity.exit_code()
        }
        Err(e) => match e.downcast_ref::<ArgError>() {
            Some(arg) => {
                eprintln!("error: {arg}\n\n{USAGE}");
                254
            }
            None => {
                eprintln!("error: {e:#}");
                255
            }
        },
    }
}

/// Maelstrom's closing line for a verdict.
pub fn banner(validity: Validity) -> &'static str {
    match validity {
        Validity::Valid => "Everything looks good! ヽ(‘ー`)ノ",
        Validity::Invalid => "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻",
        Validity::Unknown => "Errors occurred during analysis, but no anomalies found. ಠ~ಠ",
    }
}

/// The workload named on the command line (Maelstrom's default when absent), for the folder.
fn workload_name(args: &[String]) -> String {
    let mut words = args.iter();
    while let Some(w) = words.next() {
        if w == "--" {
            break;
        }
        if w == "-w" || w == "--workload" {
            if let Some(name) = words.next() {
                return name.clone();
            }
        }
        if let Some(name) = w.strip_prefix("--workload=") {
            return name.to_string();
        }
    }
    crate::workload::DEFAULT_WORKLOAD.to_string()
}

/// `store/` at the workspace root (the nearest ancestor with a `Cargo.lock`), else here.
fn store_root() -> PathBuf {
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    here.ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or(&here)
        .join("store")
}

/// A few lines with the numbers people look at first.
pub fn summary(results: &Value) -> String {
    let at = |path: &[&str]| {
        path.iter()
            .try_fold(results, |v, k| v.get(*k))
            .filter(|v| !v.is_null())
    };
    let show = |path: &[&str]| at(path).map_or_else(|| "-".to_string(), Value::to_string);
    let mut lines = vec![
        format!(
            "ops: {} (ok {}, fail {}, info {}), availability {}",
            show(&["stats", "count"]),
            show(&["stats", "ok-count"]),
            show(&["stats", "fail-count"]),
            show(&["stats", "info-count"]),
            show(&["availability", "ok-fraction"]),
        ),
        format!(
            "messages per op: servers {}, all {}",
            show(&["net", "servers", "msgs-per-op"]),
            show(&["net", "all", "msgs-per-op"]),
        ),
    ];
    if let Some(lat) = at(&["workload", "stable-latencies"]) {
        lines.push(format!("stable latencies (ms): {lat}"));
    }
    for part in ["stats", "availability", "workload"] {
        if at(&[part, "valid?"]) != Some(&Value::Bool(true)) {
            let detail = at(&[part]).map(Value::to_string).unwrap_or_default();
            let cut: String = detail.chars().take(1500).collect();
            lines.push(format!("{part}: {cut}"));
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn folder_name_follows_the_workload_option() {
        let words = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(workload_name(&words("-w echo --bin x")), "echo");
        assert_eq!(workload_name(&words("--workload=g-set")), "g-set");
        assert_eq!(workload_name(&words("--bin x -- -w echo")), "lin-kv");
    }

    #[test]
    fn summary_names_failing_parts() {
        let results = json!({"stats": {"valid?": true, "count": 4, "ok-count": 4, "fail-count": 0, "info-count": 0},
                             "availability": {"valid?": true, "ok-fraction": 1.0},
                             "net": {"servers": {"msgs-per-op": 2.5}, "all": {"msgs-per-op": 4.5}},
                             "workload": {"valid?": false, "lost": [3]}});
        let text = summary(&results);
        assert!(
            text.contains("ops: 4 (ok 4, fail 0, info 0), availability 1.0"),
            "{text}"
        );
        assert!(text.contains("servers 2.5"), "{text}");
        assert!(
            text.contains("workload: {") && text.contains("lost"),
            "{text}"
        );
        assert!(!text.contains("stats: {"), "{text}");
    }
}
