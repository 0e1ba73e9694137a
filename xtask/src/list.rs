//! `cargo xtask list`: the suites every registered workload declares, as a table: id, title,
//! node workload, Maelstrom `-w`, options and targets.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use crate::build;
use crate::catalog::{Catalog, Target};
use crate::project::Project;
use crate::summary::markdown_table;

/// List the suites (builds glomers first unless --no-build).
#[derive(Debug, Args)]
pub struct List {
    /// Use the glomers binary already built instead of running cargo build.
    #[arg(long)]
    no_build: bool,
}

impl List {
    pub fn run(self) -> Result<ExitCode> {
        let project = Project::locate()?;
        let catalog = build::catalog(&project, self.no_build)?;
        print!("{}", render(&catalog));
        Ok(ExitCode::SUCCESS)
    }
}

/// The suites table, one row per suite in suite-id order.
pub fn render(catalog: &Catalog) -> String {
    let rows = catalog.entries().into_iter().map(|entry| {
        let suite = entry.suite;
        vec![
            suite.id,
            suite.title,
            entry.node,
            suite.workload,
            suite.args.join(" "),
            describe_targets(&suite.targets),
        ]
    });
    markdown_table(
        &["suite", "title", "node", "maelstrom -w", "args", "targets"],
        rows,
    )
}

/// `msgs/op<30, p50<400`, or `-` when the suite only needs a valid verdict.
fn describe_targets(targets: &[Target]) -> String {
    if targets.is_empty() {
        return "-".to_string();
    }
    let described: Vec<String> = targets
        .iter()
        .map(|t| format!("{}{}", t.metric.label(), t.bound))
        .collect();
    described.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tests::catalog;

    #[test]
    fn the_table_has_one_row_per_suite_in_id_order() {
        let expected = "\
| suite | title                 | node      | maelstrom -w    | args                                                     | targets             |
|-------|-----------------------|-----------|-----------------|----------------------------------------------------------|---------------------|
| 1     | Echo                  | echo      | echo            | --node-count 1 --time-limit 10                           | -                   |
| 3a    | Single-node broadcast | broadcast | broadcast       | --node-count 1                                           | -                   |
| 3d    | Efficient broadcast I | broadcast | broadcast       | --node-count 25 --time-limit 20 --rate 100 --latency 100 | msgs/op<30, p50<400 |
| 10    | Late                  | txn       | txn-rw-register |                                                          | availability>=0.99  |
";
        assert_eq!(render(&catalog()), expected);
    }
}
