//! `store/index.html`: the summary table of the last `cargo xtask test` as a page, one row
//! per suite linking that run's `index.html` by a relative path, the suites that failed or
//! missed a target highlighted. A pure function of the outcomes, like the markdown table.

use std::path::Path;

use checkers::validity::Validity;
use sim::report::html::escape;

use crate::outcome::Outcome;
use crate::summary::{row, COLUMNS};

/// The page for `outcomes`, to be written into `store`.
pub fn render(outcomes: &[Outcome], store: &Path) -> String {
    let valid = outcomes
        .iter()
        .filter(|o| o.valid == Validity::Valid)
        .count();
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>glomers: {valid} of {} \
         suites valid</title><style>{}</style></head><body>\n<h1>The last test run: {valid} of {} suites \
         valid</h1>\n<p class=\"note\">Click a suite for its report: the verdict in words, the messages \
         and the operations.</p>\n<table><thead><tr>",
        outcomes.len(),
        sim::report::STYLE,
        outcomes.len()
    );
    for h in COLUMNS.iter().chain(&["anomalies"]) {
        page.push_str(&format!("<th>{h}</th>"));
    }
    page.push_str("</tr></thead><tbody>\n");
    for o in outcomes {
        let missed = o.targets.iter().any(|t| !t.met);
        let class = if o.valid != Validity::Valid || missed {
            " class=\"bad\""
        } else {
            ""
        };
        // The markdown table's cells, escaped; the suite links its report, the verdict is bold.
        let mut cells: Vec<String> = row(o).iter().map(|cell| escape(cell)).collect();
        cells[0] = format!(
            "<a href=\"{}\">{}</a>",
            escape(&report_href(&o.store, store)),
            cells[0]
        );
        cells[4] = format!("<b>{}</b>", cells[4]);
        cells.push(escape(&o.anomalies.join(", ")));
        page.push_str(&format!("<tr{class}>"));
        for cell in cells {
            page.push_str(&format!("<td>{cell}</td>"));
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table>\n</body></html>\n");
    page
}

/// The run's report relative to `store` when the run lies inside it, else its absolute path.
fn report_href(run: &Path, store: &Path) -> String {
    let report = run.join(sim::report::FILE);
    let relative = report
        .strip_prefix(store)
        .ok()
        .map(Path::to_path_buf)
        .or_else(|| {
            let store = std::fs::canonicalize(store).ok()?;
            let run = std::fs::canonicalize(run).ok()?;
            Some(run.strip_prefix(&store).ok()?.join(sim::report::FILE))
        });
    relative.unwrap_or(report).to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::tests::outcomes;

    #[test]
    fn every_suite_links_its_report_and_failures_stand_out() {
        let page = render(&outcomes(), Path::new("/work/store"));
        assert!(page.contains("1 of 2 suites valid"));
        // The fixture's stores are relative paths outside /work/store, so they stay as given.
        assert!(
            page.contains("<a href=\"store/3d/latest/index.html\">3d</a>"),
            "{page}"
        );
        assert_eq!(page.matches("<tr class=\"bad\">").count(), 1);
        assert!(page.contains("msgs/op&lt;30 ✗"));
        let inside = report_href(
            Path::new("/work/store/3d/20261202T000000.000"),
            Path::new("/work/store"),
        );
        assert_eq!(inside, "3d/20261202T000000.000/index.html");
    }
}
