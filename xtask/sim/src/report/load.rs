//! Reading a simulator run folder into a [`Run`]: `results.json` (required: without it the
//! folder is not a finished run), `history.jsonl`, `messages.jsonl`, `outcome.json` (the
//! suite's targets, written by `cargo xtask test`), and the files worth linking. A file that
//! is missing or unreadable becomes a note on the page, not a failed report.

use super::messages;
use super::Run;
use anyhow::Context;
use checkers::history::Op;
use std::path::Path;

/// Files linked from the page when present, for our folders and Maelstrom's.
const LINKED: [&str; 10] = [
    "results.json",
    "results.edn",
    "history.jsonl",
    "history.edn",
    "history.txt",
    "messages.jsonl",
    "messages.svg",
    "timeline.html",
    "jepsen.log",
    "outcome.json",
];
/// Plots shown when present: ours, then Maelstrom's.
const PLOTS: [&str; 5] = [
    "latency.svg",
    "rate.svg",
    "latency-raw.png",
    "latency-quantiles.png",
    "rate.png",
];

/// Loads the simulator's run folder `folder`.
pub fn load(folder: &Path) -> anyhow::Result<Run> {
    let results_path = folder.join("results.json");
    let text = std::fs::read_to_string(&results_path).with_context(|| {
        format!(
            "{} is not a finished run folder: it has no readable results.json",
            folder.display()
        )
    })?;
    let results = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", results_path.display()))?;
    let mut problems = Vec::new();
    let history = match read_history(&folder.join("history.jsonl")) {
        Ok(h) => h,
        Err(e) => {
            problems.push(format!("{e:#}"));
            Vec::new()
        }
    };
    let journal_path = folder.join("messages.jsonl");
    let journal = if journal_path.exists() {
        match messages::read(&journal_path) {
            Ok(j) => Some(j),
            Err(e) => {
                problems.push(format!("{e:#}"));
                None
            }
        }
    } else {
        None
    };
    let outcome = std::fs::read_to_string(folder.join("outcome.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    Ok(Run {
        title: title(folder),
        results,
        history,
        journal,
        outcome,
        links: links(folder),
        plots: plots(folder),
        problems,
    })
}

/// `history.jsonl`, one operation a line.
pub fn read_history(path: &Path) -> anyhow::Result<Vec<Op>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{} line {} is not an operation", path.display(), n + 1))
        })
        .collect()
}

/// `<suite>/<timestamp>` from the folder's last two path components.
pub fn title(folder: &Path) -> String {
    let canonical = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    let parts: Vec<String> = canonical
        .components()
        .rev()
        .take(2)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [stamp, suite] => format!("{suite} — run {stamp}"),
        [only] => only.clone(),
        _ => "run".to_string(),
    }
}

/// The folder's files worth opening: the known ones, each node's log, and the workload's
/// own folders (lin-kv's `independent/`, Elle's `elle/`).
pub fn links(folder: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = LINKED
        .iter()
        .filter(|f| folder.join(f).is_file())
        .map(|f| (f.to_string(), f.to_string()))
        .collect();
    for dir in ["node-logs", "independent", "elle"] {
        let Ok(entries) = std::fs::read_dir(folder.join(dir)) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort_by_key(|n| {
            let digits: String = n.chars().filter(char::is_ascii_digit).collect();
            (digits.parse::<u64>().unwrap_or(u64::MAX), n.clone())
        });
        for name in names {
            let href = format!("{dir}/{name}");
            out.push((href.clone(), href));
        }
    }
    out
}

pub fn plots(folder: &Path) -> Vec<String> {
    PLOTS
        .iter()
        .filter(|p| folder.join(p).is_file())
        .map(|p| p.to_string())
        .collect()
}
