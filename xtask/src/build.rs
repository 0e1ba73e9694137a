//! `cargo xtask build`: builds the shared node binary and the explorer in release mode and
//! lays out one hard link per registered workload, `<target>/release/nodes/<name>`, to
//! `<target>/release/glomers`.
//!
//! Maelstrom's `--bin` takes a program without arguments, so each workload needs a path of its
//! own; the binary picks the workload from the name it was started under (argv[0]). The links
//! are hard links, not symlinks: Maelstrom launches `(.getCanonicalPath bin)`, which resolves
//! symlinks, so a symlink would start every node as plain `glomers`. A hard link has no
//! target to resolve, so argv[0] keeps the workload's name.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;

use crate::catalog::Catalog;
use crate::project::{cargo, Project};

/// Build `glomers` (release) and lay out `target/release/nodes/<workload>` links.
#[derive(Debug, Args)]
pub struct Build {}

impl Build {
    pub fn run(self) -> Result<ExitCode> {
        let project = Project::locate()?;
        let catalog = build(&project)?;
        println!(
            "built {} with {} workloads; node links in {}",
            project.glomers().display(),
            catalog.workloads.len(),
            project.nodes_dir().display()
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// Builds `glomers` and the explorer, reads the workload list and lays out the node links.
/// The explorer alone is built with the workload crates' `mutants` feature, so the node
/// binary never holds a deliberately broken variant (cargo keeps both builds of each
/// workload crate side by side, so neither build undoes the other).
pub fn build(project: &Project) -> Result<Catalog> {
    let builds: [&[&str]; 2] = [
        &["--bin", "glomers"],
        &["--bin", "glomers-explore", "--features", "mutants"],
    ];
    for args in builds {
        let status = cargo()
            .args(["build", "--release", "--package", "glomers"])
            .args(args)
            .current_dir(&project.root)
            .status()
            .context("could not start `cargo build`; is cargo on PATH?")?;
        if !status.success() {
            bail!(
                "`cargo build --release -p glomers {}` failed ({status}); fix the errors it printed above",
                args.join(" ")
            );
        }
    }
    reuse(project)
}

/// The catalog of a fresh build, or with `no_build` of the binaries already built (the
/// `--no-build` flag of the commands that run nodes).
pub fn catalog(project: &Project, no_build: bool) -> Result<Catalog> {
    if no_build {
        reuse(project)
    } else {
        build(project)
    }
}

/// Reads the workload list of the binary already built and refreshes the node links, for
/// commands run with `--no-build`.
pub fn reuse(project: &Project) -> Result<Catalog> {
    let catalog = Catalog::load(&project.glomers())?;
    lay_out_links(&project.glomers(), &project.nodes_dir(), catalog.names())?;
    Ok(catalog)
}

/// Makes `dir` hold exactly one hard link to `binary` per name, and nothing else: the folder
/// belongs to the build. A link to an older build (cargo writes a new file on every build) is
/// replaced, anything not named is removed.
pub fn lay_out_links<'a>(
    binary: &Path,
    dir: &Path,
    names: impl IntoIterator<Item = &'a str>,
) -> Result<()> {
    let names: BTreeSet<&str> = names.into_iter().collect();
    let inode = fs::metadata(binary)
        .with_context(|| format!("{} is missing; build it first", binary.display()))?
        .ino();
    fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    let listing = fs::read_dir(dir).with_context(|| format!("could not list {}", dir.display()))?;
    for item in listing {
        let item = item.with_context(|| format!("could not list {}", dir.display()))?;
        let path = item.path();
        let wanted = item.file_name().to_str().is_some_and(|n| names.contains(n));
        let current = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.ino() == inode);
        if !(wanted && current) {
            let removed = if item.file_type().is_ok_and(|t| t.is_dir()) {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
            removed.with_context(|| {
                format!("could not remove {} from the node folder", path.display())
            })?;
        }
    }
    for name in names {
        let link = dir.join(name);
        if fs::symlink_metadata(&link).is_err() {
            fs::hard_link(binary, &link)
                .or_else(|_| fs::copy(binary, &link).map(drop))
                .with_context(|| {
                    format!("could not link {} to {}", link.display(), binary.display())
                })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn links_are_made_refreshed_and_pruned() {
        let temp = tempfile::tempdir().unwrap();
        let binary = temp.path().join("glomers");
        fs::write(&binary, "build 1").unwrap();
        let dir = temp.path().join("nodes");
        fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink("../glomers", dir.join("echo")).unwrap();
        fs::write(dir.join("gone"), "an old workload").unwrap();

        lay_out_links(&binary, &dir, ["echo", "unique-ids"]).unwrap();
        assert_eq!(names_in(&dir), ["echo", "unique-ids"]);
        let ino = |p: &Path| fs::symlink_metadata(p).unwrap().ino();
        assert_eq!(
            ino(&dir.join("echo")),
            ino(&binary),
            "a hard link, not a symlink"
        );

        // A rebuild writes a new file; the links must follow it.
        fs::remove_file(&binary).unwrap();
        fs::write(&binary, "build 2").unwrap();
        lay_out_links(&binary, &dir, ["echo", "unique-ids"]).unwrap();
        assert_eq!(
            fs::read_to_string(dir.join("unique-ids")).unwrap(),
            "build 2"
        );
        assert_eq!(ino(&dir.join("echo")), ino(&binary));
    }

    #[test]
    fn a_missing_binary_is_an_error_naming_it() {
        let temp = tempfile::tempdir().unwrap();
        let binary = temp.path().join("glomers");
        let message = format!(
            "{:#}",
            lay_out_links(&binary, &temp.path().join("nodes"), ["echo"]).unwrap_err()
        );
        assert!(
            message.contains("glomers is missing; build it first"),
            "{message}"
        );
    }
}
