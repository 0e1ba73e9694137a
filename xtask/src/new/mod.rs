//! `cargo xtask new <name>`: scaffolds a workload crate in the shape of `workloads/echo` (top
//! doc, payload enum, node state, handler, registration with suites, and the `main.rs` that
//! `cargo run -p <name>` runs, and an example mutant behind the crate's `mutants` feature)
//! and links it in: a member line in the root `Cargo.toml`, a dependency of `glomers` and an
//! entry of its `mutants` feature in `workloads/Cargo.toml`, and the `extern crate <name> as
//! _;` line in `workloads/src/lib.rs` without which rustc would drop the crate and its
//! registration.
//!
//! Every file is checked and every edit computed before anything is written, so a refusal
//! leaves the tree as it was.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;

use crate::project::Project;

mod template;

use template::{binary, library, mutants, MANIFEST};

/// Scaffold a new workload crate under workloads/ and link it into glomers.
#[derive(Debug, Args)]
pub struct New {
    /// The workload name in kebab-case, e.g. `g-set`; it names the crate, the node handler
    /// and the node link.
    name: String,
}

impl New {
    pub fn run(self) -> Result<ExitCode> {
        let project = Project::locate()?;
        let written = scaffold(&project.root, &self.name)?;
        for path in written {
            println!("wrote {}", path.display());
        }
        println!(
            "next: fill in workloads/{name}/src/lib.rs, then try one node with \
             `cargo run -p {name}`, and `cargo xtask build` and `cargo xtask test {name}`",
            name = self.name
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// Names a workload crate may not take: the workspace's other crates, the template's own
/// dependencies, the crates every Rust program already has, and the folders beside the
/// crate's binary in `target/<profile>/` (cargo's own, and the node links of `cargo xtask
/// build`), which a binary of that name would collide with.
const RESERVED: &[&str] = &[
    "runtime",
    "glomers",
    "xtask",
    "sim",
    "checkers",
    "src",
    "nodes",
    "build",
    "deps",
    "examples",
    "incremental",
    "serde",
    "serde-json",
    "async-trait",
    "inventory",
    "std",
    "core",
    "alloc",
    "proc-macro",
    "test",
];

/// Creates `workloads/<name>/` under `root` and links it in; returns the files written.
pub fn scaffold(root: &Path, name: &str) -> Result<Vec<PathBuf>> {
    validate(name)?;
    let ident = name.replace('-', "_");
    let crate_dir = root.join("workloads").join(name);
    if crate_dir.exists() {
        bail!(
            "{} already exists; pick another name or remove it",
            crate_dir.display()
        );
    }
    let members_path = root.join("Cargo.toml");
    let deps_path = root.join("workloads/Cargo.toml");
    let main_path = root.join("workloads/src/lib.rs");
    let members = edit(&members_path, |text| add_member(text, name))?;
    let deps = edit(&deps_path, |text| {
        add_dependency(text, name).and_then(|text| add_mutants_feature(&text, name))
    })?;
    let shared_main = edit(&main_path, |text| add_extern_crate(text, &ident))?;

    let manifest = crate_dir.join("Cargo.toml");
    let lib = crate_dir.join("src/lib.rs");
    let main = crate_dir.join("src/main.rs");
    let crate_mutants = crate_dir.join("src/mutants.rs");
    fs::create_dir_all(crate_dir.join("src"))
        .with_context(|| format!("could not create {}", crate_dir.display()))?;
    let files = [
        (manifest, MANIFEST.replace("{name}", name)),
        (lib, library(name)),
        (main, binary(name)),
        (crate_mutants, mutants(name)),
        (members_path, members),
        (deps_path, deps),
        (main_path, shared_main),
    ];
    for (path, text) in &files {
        fs::write(path, text).with_context(|| format!("could not write {}", path.display()))?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

/// Kebab-case: lowercase ASCII words of letters and digits joined by single hyphens, starting
/// with a letter.
fn validate(name: &str) -> Result<()> {
    let kebab = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.split('-').all(|word| {
            !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !kebab {
        bail!("`{name}` is not a kebab-case name; use lowercase words joined by hyphens, e.g. `g-set`");
    }
    if RESERVED.contains(&name) {
        bail!("`{name}` is taken by another crate; pick another name");
    }
    Ok(())
}

/// Reads a file and applies an edit to its text, naming the file if either fails.
fn edit(path: &Path, change: impl FnOnce(&str) -> Result<String>) -> Result<String> {
    let text =
        fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))?;
    change(&text).with_context(|| format!("could not edit {}", path.display()))
}

/// Inserts `line` among the lines of `block` that start with `prefix`, keeping those sorted;
/// after the last line of the block when none does. `block` is a range of line indices.
fn insert_sorted(
    lines: &mut Vec<String>,
    block: std::ops::Range<usize>,
    prefix: &str,
    line: String,
) {
    let siblings: Vec<usize> = block
        .clone()
        .filter(|&i| lines[i].trim_start().starts_with(prefix))
        .collect();
    let at = siblings
        .iter()
        .find(|&&i| lines[i].trim() > line.trim())
        .copied()
        .or_else(|| siblings.last().map(|&i| i + 1))
        .unwrap_or(block.end);
    lines.insert(at, line);
}

fn lines_of(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

fn join(lines: Vec<String>) -> String {
    lines.join("\n") + "\n"
}

/// Adds `"workloads/<name>",` to the root manifest's `members` list.
fn add_member(text: &str, name: &str) -> Result<String> {
    let entry = format!("\"workloads/{name}\"");
    if text.contains(&entry) {
        bail!("the members list already has {entry}; remove it or pick another name");
    }
    let mut lines = lines_of(text);
    let start = lines
        .iter()
        .position(|l| l.trim_start().starts_with("members = ["))
        .context(
            "no `members = [` line; the workspace manifest must list its members one a line",
        )?;
    let end = (start..lines.len())
        .find(|&i| lines[i].trim() == "]")
        .context("the `members = [` list has no closing `]` line")?;
    insert_sorted(
        &mut lines,
        start + 1..end,
        "\"workloads/",
        format!("    {entry},"),
    );
    Ok(join(lines))
}

/// Adds `<name> = { path = "<name>" }` to the `[dependencies]` of `glomers`.
fn add_dependency(text: &str, name: &str) -> Result<String> {
    let mut lines = lines_of(text);
    let start = lines
        .iter()
        .position(|l| l.trim() == "[dependencies]")
        .context("no `[dependencies]` section")?;
    let end = (start + 1..lines.len())
        .find(|&i| lines[i].starts_with('['))
        .unwrap_or(lines.len());
    // Keep a blank line before the next section: insert after the last non-blank line.
    let end = (start + 1..end)
        .rev()
        .find(|&i| !lines[i].trim().is_empty())
        .map_or(start + 1, |i| i + 1);
    if lines[start + 1..end]
        .iter()
        .any(|l| l.split('=').next().map(str::trim) == Some(name))
    {
        bail!("`{name}` is already a dependency; remove it or pick another name");
    }
    let line = format!("{name} = {{ path = \"{name}\" }}");
    let paths: Vec<usize> = (start + 1..end)
        .filter(|&i| lines[i].contains("path = "))
        .collect();
    let block = match (paths.first(), paths.last()) {
        (Some(&first), Some(&last)) => first..last + 1,
        _ => start + 1..end,
    };
    insert_sorted(&mut lines, block, "", line);
    Ok(join(lines))
}

/// Adds `"<name>/mutants",` to the `mutants` feature of `glomers`, which the explorer's build
/// enables.
fn add_mutants_feature(text: &str, name: &str) -> Result<String> {
    let entry = format!("\"{name}/mutants\"");
    let mut lines = lines_of(text);
    let start = lines
        .iter()
        .position(|l| l.trim() == "mutants = [")
        .context("no `mutants = [` line; the `mutants` feature must list its crates one a line")?;
    let end = (start..lines.len())
        .find(|&i| lines[i].trim() == "]")
        .context("the `mutants = [` list has no closing `]` line")?;
    if lines[start + 1..end]
        .iter()
        .any(|l| l.trim().trim_end_matches(',') == entry)
    {
        bail!("the `mutants` feature already lists {entry}; remove it or pick another name");
    }
    insert_sorted(&mut lines, start + 1..end, "\"", format!("    {entry},"));
    Ok(join(lines))
}

/// Adds `extern crate <ident> as _;` next to the other force-link lines.
fn add_extern_crate(text: &str, ident: &str) -> Result<String> {
    let line = format!("extern crate {ident} as _;");
    if text.lines().any(|l| l.trim() == line) {
        bail!("`{line}` is already there; remove it or pick another name");
    }
    let mut lines = lines_of(text);
    let externs: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("extern crate "))
        .collect();
    let (Some(&first), Some(&last)) = (externs.first(), externs.last()) else {
        bail!(
            "no `extern crate ... as _;` lines to add to; the binary must force-link its workloads"
        );
    };
    insert_sorted(&mut lines, first..last + 1, "extern crate ", line);
    Ok(join(lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch tree holding copies of the three files `new` edits.
    fn scratch() -> tempfile::TempDir {
        let real = Project::locate().unwrap().root;
        let temp = tempfile::tempdir().unwrap();
        for file in ["Cargo.toml", "workloads/Cargo.toml", "workloads/src/lib.rs"] {
            let to = temp.path().join(file);
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(real.join(file), to).unwrap();
        }
        temp
    }

    fn read(root: &Path, file: &str) -> String {
        fs::read_to_string(root.join(file)).unwrap()
    }

    #[test]
    fn scaffolds_the_crate_and_links_it_in_everywhere() {
        let temp = scratch();
        let root = temp.path();
        let before = read(root, "Cargo.toml");
        // A name no real workload will take, since the scratch files are copies of the real ones.
        let written = scaffold(root, "zz-probe-9").unwrap();

        assert_eq!(written.len(), 7);
        let lib = read(root, "workloads/zz-probe-9/src/lib.rs");
        assert!(
            lib.contains("pub struct ZzProbe9Node;") && lib.contains("name: \"zz-probe-9\""),
            "{lib}"
        );
        assert!(
            lib.contains("\"zz_probe_9_ok is a reply, not a request\""),
            "{lib}"
        );
        let manifest = read(root, "workloads/zz-probe-9/Cargo.toml");
        assert!(manifest.contains("name = \"zz-probe-9\""), "{manifest}");
        assert!(
            manifest.contains("[[bin]]\nname = \"zz-probe-9\"\npath = \"src/main.rs\""),
            "{manifest}"
        );
        let bin = read(root, "workloads/zz-probe-9/src/main.rs");
        assert!(bin.contains("\nextern crate zz_probe_9 as _;\n"), "{bin}");
        let members = read(root, "Cargo.toml");
        assert!(
            members.contains("    \"workloads/zz-probe-9\",\n"),
            "{members}"
        );
        assert_eq!(members.lines().count(), before.lines().count() + 1);
        let deps = read(root, "workloads/Cargo.toml");
        assert!(
            deps.contains("\nzz-probe-9 = { path = \"zz-probe-9\" }\n"),
            "{deps}"
        );
        let main = read(root, "workloads/src/lib.rs");
        assert!(main.contains("\nextern crate zz_probe_9 as _;\n"), "{main}");
        assert!(
            lib.contains("#[cfg(feature = \"mutants\")]\nmod mutants;\n"),
            "{lib}"
        );
        assert!(
            manifest.contains("[features]\n# Deliberately broken variants of the node, registered for the explorer only.\nmutants = []\n"),
            "{manifest}"
        );
        let example = read(root, "workloads/zz-probe-9/src/mutants.rs");
        assert!(
            example.contains("name: \"zz-probe-9-forgets-values\",")
                && example.contains("suite: \"zz-probe-9\",")
                && example.contains("Forgetful(ZzProbe9Node::start(ctx))"),
            "{example}"
        );
        assert!(
            deps.contains("    \"zz-probe-9/mutants\",\n]"),
            "the glomers package's mutants feature lists the new crate: {deps}"
        );
    }

    #[test]
    fn the_mutants_feature_gains_the_crate_in_order() {
        let features = "[features]\n# why\nmutants = [\n    \"broadcast/mutants\",\n    \"kafka/mutants\",\n]\n\n[dependencies]\n";
        assert_eq!(
            add_mutants_feature(features, "g-set").unwrap(),
            "[features]\n# why\nmutants = [\n    \"broadcast/mutants\",\n    \"g-set/mutants\",\n    \"kafka/mutants\",\n]\n\n[dependencies]\n"
        );
        assert!(
            add_mutants_feature(features, "kafka").is_err(),
            "listed twice"
        );
        assert!(
            add_mutants_feature("[features]\n", "x").is_err(),
            "no list to add to"
        );
    }

    #[test]
    fn refuses_bad_names_and_existing_crates_without_touching_anything() {
        let temp = scratch();
        let root = temp.path();
        for bad in [
            "GSet", "g_set", "-g", "g--set", "1set", "", "runtime", "core", "nodes",
        ] {
            assert!(scaffold(root, bad).is_err(), "`{bad}` was accepted");
        }
        fs::create_dir_all(root.join("workloads/kafka")).unwrap();
        let message = format!("{:#}", scaffold(root, "kafka").unwrap_err());
        assert!(message.contains("already exists"), "{message}");
        let message = format!("{:#}", scaffold(root, "echo").unwrap_err());
        assert!(
            message.contains("Cargo.toml") && message.contains("workloads/echo"),
            "{message}"
        );
        assert!(
            !root.join("workloads/echo/src").exists(),
            "a refused scaffold left files"
        );
    }

    #[test]
    fn edits_keep_the_lists_sorted() {
        let members = "[workspace]\nmembers = [\n    \"runtime\",\n    \"workloads\",\n    \"workloads/echo\",\n    \"workloads/unique-ids\",\n    \"xtask\",\n]\n";
        assert_eq!(
            add_member(members, "kafka").unwrap(),
            "[workspace]\nmembers = [\n    \"runtime\",\n    \"workloads\",\n    \"workloads/echo\",\n    \"workloads/kafka\",\n    \"workloads/unique-ids\",\n    \"xtask\",\n]\n"
        );
        let deps = "[dependencies]\nruntime.workspace = true\necho = { path = \"echo\" }\nunique-ids = { path = \"unique-ids\" }\n\n[lints]\nworkspace = true\n";
        assert_eq!(
            add_dependency(deps, "zz-last").unwrap(),
            "[dependencies]\nruntime.workspace = true\necho = { path = \"echo\" }\nunique-ids = { path = \"unique-ids\" }\nzz-last = { path = \"zz-last\" }\n\n[lints]\nworkspace = true\n"
        );
        let main =
            "//! doc\n\nextern crate echo as _;\nextern crate unique_ids as _;\n\nfn main() {}\n";
        assert_eq!(
            add_extern_crate(main, "broadcast").unwrap(),
            "//! doc\n\nextern crate broadcast as _;\nextern crate echo as _;\nextern crate unique_ids as _;\n\nfn main() {}\n"
        );
        assert!(add_extern_crate("fn main() {}\n", "x").is_err());
    }
}
