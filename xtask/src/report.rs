//! `cargo xtask report FOLDER`: writes `FOLDER/index.html` for a finished run, ours (with
//! `results.json`) or a real Maelstrom `store/` folder (with `results.edn` and `history.edn`,
//! read with the EDN reader in [`crate::edn`]). The page itself is `sim::report`'s, the same
//! renderer the simulator runs at the end of every run; `cargo xtask test` calls [`refresh`]
//! to add the suite's targets to it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use checkers::history::Op;
use clap::Args;
use serde_json::Value;
use sim::report::{load, Run};

use crate::edn;
use crate::outcome::Outcome;

/// Write the HTML report of a run folder.
#[derive(Debug, Args)]
pub struct Report {
    /// A run folder: `store/<suite>/<timestamp>` (or its `latest` link), or a Maelstrom
    /// `store/<workload>/<timestamp>` folder.
    folder: PathBuf,
}

impl Report {
    pub fn run(self) -> Result<ExitCode> {
        let path = write(&self.folder)?;
        println!("{}", path.display());
        Ok(ExitCode::SUCCESS)
    }
}

/// Writes the report of `folder`, whichever harness wrote it.
pub fn write(folder: &Path) -> Result<PathBuf> {
    if !folder.is_dir() {
        bail!("{} is not a folder", folder.display());
    }
    if folder.join("results.json").is_file() {
        sim::report::write(folder)
    } else if folder.join("results.edn").is_file() {
        sim::report::write_run(folder, &maelstrom_run(folder)?)
    } else {
        bail!(
            "{} is not a finished run folder: it has neither results.json (the simulator's) nor \
             results.edn (Maelstrom's)",
            folder.display()
        )
    }
}

/// Saves the suite's outcome (its targets, how they fared) as `outcome.json` in the run's
/// folder and renders the report again with it.
pub fn refresh(outcome: &Outcome) -> Result<PathBuf> {
    let path = outcome.store.join("outcome.json");
    let text = serde_json::to_string_pretty(outcome).context("serialising the outcome")?;
    fs::write(&path, text + "\n").with_context(|| format!("writing {}", path.display()))?;
    write(&outcome.store)
}

/// A Maelstrom store folder as the renderer's input. Its message journal is binary
/// (Fressian), so the page links Maelstrom's own `messages.svg` instead of drawing one.
fn maelstrom_run(folder: &Path) -> Result<Run> {
    let results_path = folder.join("results.edn");
    let text = fs::read_to_string(&results_path)
        .with_context(|| format!("reading {}", results_path.display()))?;
    let results = edn::to_json(&text)
        .with_context(|| format!("could not parse {}", results_path.display()))?;
    let mut problems = Vec::new();
    let history_path = folder.join("history.edn");
    let history = match fs::read_to_string(&history_path)
        .with_context(|| format!("reading {}", history_path.display()))
        .and_then(|t| history(&t).with_context(|| format!("reading {}", history_path.display())))
    {
        Ok(h) => h,
        Err(e) => {
            problems.push(format!("{e:#}"));
            Vec::new()
        }
    };
    let outcome = fs::read_to_string(folder.join("outcome.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    Ok(Run {
        title: load::title(folder),
        results,
        history,
        journal: None,
        outcome,
        links: load::links(folder),
        plots: load::plots(folder),
        problems,
    })
}

/// Maelstrom's `history.edn`: one operation map per line (or one vector of them), with
/// keyword values, which the EDN conversion turns into our `history.jsonl` shape.
fn history(text: &str) -> Result<Vec<Op>> {
    let wrapped = format!("[{text}\n]");
    let mut items = match edn::to_json(&wrapped)? {
        Value::Array(items) => items,
        other => bail!("expected operations, found {other}"),
    };
    if let [Value::Array(inner)] = items.as_mut_slice() {
        items = std::mem::take(inner);
    }
    items
        .into_iter()
        .enumerate()
        .map(|(n, item)| {
            serde_json::from_value(item)
                .with_context(|| format!("operation {} is not a Jepsen operation", n + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkers::history::{OpType, Process};

    #[test]
    fn maelstrom_histories_read_as_ours() {
        let text = "{:type :invoke, :f :broadcast, :value 17, :time 3200000000, :process 0, :index 0}\n\
                    {:type :info, :f :start-partition, :value :majority, :time 3300000000, :process :nemesis, :index 1}\n\
                    {:type :ok, :f :broadcast, :value 17, :time 3400000000, :process 0, :index 2}\n";
        let ops = history(text).unwrap();
        assert_eq!(ops.len(), 3);
        assert_eq!(
            (ops[0].kind, ops[0].f.as_str()),
            (OpType::Invoke, "broadcast")
        );
        assert_eq!(ops[1].process, Process::Nemesis);
        assert_eq!(ops[2].value, serde_json::json!(17));
        let vector = format!("[{}]", text);
        assert_eq!(history(&vector).unwrap(), ops);
        let error = format!("{:#}", history("{:type :invoke}").unwrap_err());
        assert!(
            error.contains("operation 1 is not a Jepsen operation"),
            "{error}"
        );
    }

    #[test]
    fn a_maelstrom_folder_gets_a_report_from_its_edn_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("results.edn"),
            include_str!("../tests/fixtures/broadcast-results.edn"),
        )
        .unwrap();
        fs::write(
            dir.path().join("history.edn"),
            "{:type :invoke, :f :read, :value nil, :time 1000, :process 0, :index 0}\n\
             {:type :ok, :f :read, :value [1 2], :time 2000, :process 0, :index 1}\n",
        )
        .unwrap();
        fs::write(dir.path().join("messages.svg"), "<svg/>").unwrap();
        let page = fs::read_to_string(write(dir.path()).unwrap()).unwrap();
        assert!(
            page.contains("href=\"messages.svg\""),
            "links Maelstrom's diagram"
        );
        assert!(page.contains("id=\"timeline-canvas\""));
        assert!(!page.contains("<p class=\"note\">Note:"), "both files read");
    }

    #[test]
    fn a_folder_without_results_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let error = format!("{:#}", write(dir.path()).unwrap_err());
        assert!(error.contains("neither results.json"), "{error}");
    }
}
