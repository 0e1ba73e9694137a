//! A repository rule: every workload crate carries mutants, deliberately broken variants of
//! its node that `cargo xtask explore --mutants` hunts (issue #10). So each crate under
//! `workloads/` has a `mutants` cargo feature, a `src/mutants.rs` that its `lib.rs` compiles
//! under that feature, and a line in the `glomers` package's own `mutants` feature, without
//! which the explorer's build never compiles them. One failure lists every crate that
//! misses something, with the fix for each.

use std::fs;
use std::path::Path;

/// The lines of `manifest`'s `[section]`, up to the next header.
fn section<'a>(manifest: &'a str, section: &str) -> Vec<&'a str> {
    let header = format!("[{section}]");
    manifest
        .lines()
        .skip_while(|line| line.trim() != header)
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .collect()
}

/// The entries of the feature list `feature = [ ... ]` in `manifest`'s `[features]`, one
/// quoted entry a line or all on one line.
fn feature_list(manifest: &str, feature: &str) -> Option<Vec<String>> {
    let features = section(manifest, "features").join("\n");
    let start = features
        .lines()
        .position(|line| line.split('=').next().map(str::trim) == Some(feature))?;
    let text: String = features.lines().skip(start).collect::<Vec<_>>().join("\n");
    let list = &text[text.find('[')? + 1..text.find(']')?];
    Some(
        list.split(',')
            .map(|entry| entry.trim().trim_matches('"').to_owned())
            .filter(|entry| !entry.is_empty())
            .collect(),
    )
}

#[test]
fn every_workload_crate_carries_mutants_the_explorer_builds() {
    let workloads = Path::new(env!("CARGO_MANIFEST_DIR"));
    let glomers = fs::read_to_string(workloads.join("Cargo.toml")).unwrap();
    let built = feature_list(&glomers, "mutants").unwrap_or_default();
    let mut missing = Vec::new();
    let mut crates = 0;
    for entry in fs::read_dir(workloads).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(manifest) = fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        crates += 1;
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if feature_list(&manifest, "mutants").is_none() {
            missing.push(format!(
                "workloads/{name}/Cargo.toml has no `mutants` feature: add `[features]` with `mutants = []`"
            ));
        }
        if !dir.join("src/mutants.rs").exists() {
            missing.push(format!(
                "workloads/{name}/src/mutants.rs is missing: register at least one runtime::Mutant there"
            ));
        }
        let lib = fs::read_to_string(dir.join("src/lib.rs")).unwrap_or_default();
        if !lib.contains("#[cfg(feature = \"mutants\")]\nmod mutants;") {
            missing.push(format!(
                "workloads/{name}/src/lib.rs does not compile its mutants: add `#[cfg(feature = \"mutants\")] mod mutants;`"
            ));
        }
        if !built.contains(&format!("{name}/mutants")) {
            missing.push(format!(
                "workloads/Cargo.toml's `mutants` feature lacks \"{name}/mutants\", so the explorer never builds them"
            ));
        }
    }
    assert!(crates >= 10, "found only {crates} workload crates");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn feature_lists_are_read_one_entry_a_line_or_inline() {
    let manifest = "[package]\nname = \"x\"\n\n[features]\n# why\nmutants = [\n    \"a/mutants\",\n    \"b/mutants\",\n]\nother = []\n\n[dependencies]\nmutants = \"1\"\n";
    assert_eq!(
        feature_list(manifest, "mutants"),
        Some(vec!["a/mutants".to_owned(), "b/mutants".to_owned()])
    );
    assert_eq!(feature_list(manifest, "other"), Some(vec![]));
    assert_eq!(feature_list(manifest, "absent"), None);
    assert_eq!(
        feature_list("[dependencies]\nmutants = []\n", "mutants"),
        None,
        "only [features] declares features"
    );
}
