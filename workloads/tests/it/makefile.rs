//! The top-level `Makefile` keeps the founding README's commands (`make mnb`, ...) working:
//! each target is one cargo line, and every suite selector a target passes to
//! `cargo xtask test` must still name something `glomers --list --json` registers, so a
//! renamed or removed suite fails here rather than when a user types the target.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::BIN;

/// The founding README's targets; users coming from it type these first.
const SEED_TARGETS: &[&str] = &[
    "echoer",
    "unique-id",
    "snb",
    "mnb",
    "ftb",
    "eb-one",
    "eb-two",
    "goc",
    "sn-kafka",
];

/// The README's test command, which `make test` runs.
const TEST_COMMAND: &str = "cargo test --workspace";

/// One rule of the Makefile: its `## ` note and its recipe lines.
#[derive(Debug, Default)]
struct Rule {
    note: Option<String>,
    recipe: Vec<String>,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// The rules by target name, and the names declared `.PHONY`.
fn parse(makefile: &str) -> (BTreeMap<String, Rule>, BTreeSet<String>) {
    let mut rules: BTreeMap<String, Rule> = BTreeMap::new();
    let mut phony = BTreeSet::new();
    let mut current: Option<String> = None;
    for line in makefile.lines() {
        if let Some(recipe) = line.strip_prefix('\t') {
            let target = current.as_ref().expect("a recipe line follows a rule line");
            rules
                .get_mut(target)
                .unwrap()
                .recipe
                .push(recipe.to_owned());
            continue;
        }
        current = None;
        if let Some(names) = line.strip_prefix(".PHONY:") {
            phony.extend(names.split_whitespace().map(str::to_owned));
        } else if let Some((target, rest)) = line.split_once(':') {
            if target.starts_with(|c: char| c.is_ascii_lowercase()) && !rest.starts_with('=') {
                let note = rest
                    .split_once("## ")
                    .map(|(_, note)| note.trim().to_owned());
                let previous = rules.insert(
                    target.to_owned(),
                    Rule {
                        note,
                        ..Rule::default()
                    },
                );
                assert!(previous.is_none(), "the Makefile defines `{target}` twice");
                current = Some(target.to_owned());
            }
        }
    }
    (rules, phony)
}

/// Every name `cargo xtask test` accepts as a selector for the registered suites: `all`, a
/// workload, a Maelstrom `-w` name, or a suite id (xtask/src/catalog.rs, `Catalog::select`).
fn selectors() -> BTreeSet<String> {
    let output = Command::new(BIN)
        .args(["--list", "--json"])
        .output()
        .unwrap();
    let workloads: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let mut names = BTreeSet::from(["all".to_owned()]);
    for workload in &workloads {
        names.insert(workload["name"].as_str().unwrap().to_owned());
        for suite in workload["suites"].as_array().unwrap() {
            names.insert(suite["id"].as_str().unwrap().to_owned());
            names.insert(suite["workload"].as_str().unwrap().to_owned());
        }
    }
    names
}

#[test]
fn every_make_target_is_one_cargo_line_naming_registered_suites() {
    let makefile = std::fs::read_to_string(root().join("Makefile")).unwrap();
    let (rules, phony) = parse(&makefile);
    let known = selectors();
    for seed in SEED_TARGETS {
        assert!(
            rules.contains_key(*seed),
            "the Makefile lost the founding README's `make {seed}`"
        );
    }
    let targets: BTreeSet<String> = rules.keys().cloned().collect();
    assert_eq!(
        targets, phony,
        "every target, and only they, must be .PHONY (no file is built)"
    );
    for (target, rule) in &rules {
        let [recipe] = rule.recipe.as_slice() else {
            panic!("`make {target}` must run one line, not {:?}", rule.recipe);
        };
        if target == "help" {
            continue;
        }
        assert!(
            rule.note.is_some(),
            "`{target}:` needs a `## ` note for `make help`"
        );
        if target == "test" {
            assert_eq!(
                recipe, TEST_COMMAND,
                "`make test` runs the README's test command"
            );
            continue;
        }
        let selectors = recipe.strip_prefix("cargo xtask test ").unwrap_or_else(|| {
            panic!("`make {target}` must be a `cargo xtask test <suites>` line, not `{recipe}`")
        });
        for selector in selectors.split_whitespace() {
            assert!(
                known.contains(selector),
                "`make {target}` runs `{recipe}`, but `glomers --list --json` registers no \
                 suite, workload or Maelstrom workload `{selector}` (known: {known:?}); fix the \
                 Makefile line"
            );
        }
    }
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(TEST_COMMAND),
        "the README no longer shows `{TEST_COMMAND}`"
    );
}
