//! A repository rule on the source of node code (the runtime and every workload crate): a
//! handler reads time, sleeps, runs timers and draws random numbers only through `Ctx`, so
//! the same code runs on a virtual clock with seeded randomness; and handlers are built from
//! `init`, so no workload keeps its state in a `OnceLock` or answers "not initialised".
//!
//! Test code is exempt (it may measure real time): a file's text from its first
//! `#[cfg(test)]` on, and whole modules declared under `#[cfg(test)]`. Comments are exempt
//! too. `ctx.rs` is where `Ctx` implements the clock, so it is the one file allowed to call
//! tokio's; `testing/` drives nodes from a test's thread in real time.

use std::fs;
use std::path::{Path, PathBuf};

/// What node code must not name, with the way to do it instead.
const FORBIDDEN: &[(&str, &str)] = &[
    (
        "thread_rng",
        "draw with ctx.random(..) or ctx.random_range(..)",
    ),
    (
        "rand::random",
        "draw with ctx.random(..) or ctx.random_range(..)",
    ),
    (
        "std::time::Instant",
        "read ctx.now() (a tokio::time::Instant)",
    ),
    ("SystemTime", "read ctx.now()"),
    ("Instant::now()", "read ctx.now()"),
    (
        "tokio::time::sleep",
        "wait with ctx.sleep(..) or ctx.sleep_until(..)",
    ),
    (
        "tokio::time::timeout",
        "bound a wait with ctx.timeout(..) or ctx.timeout_at(..)",
    ),
    (
        "tokio::time::interval",
        "run timers with ctx.every(..) or ctx.after(..)",
    ),
    ("OnceLock", "build the state in Start::start, from init"),
    (
        "not initialised",
        "build the handler from init (Start::start)",
    ),
];

/// Files exempt from a rule, by path relative to the repository root.
const EXEMPT: &[(&str, &str)] = &[
    // The runtime answers requests that come before init; that is its error, not a workload's.
    ("runtime/src/node.rs", "not initialised"),
    // The launcher seeds a stdio node from entropy when $GLOMERS_SEED is not set.
    ("runtime/src/cli.rs", "rand::random"),
];

#[test]
fn node_code_takes_time_and_randomness_from_ctx_and_is_built_from_init() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut roots = vec![root.join("runtime/src")];
    for entry in fs::read_dir(root.join("workloads")).unwrap() {
        let src = entry.unwrap().path().join("src");
        if src.is_dir() {
            roots.push(src);
        }
    }
    let mut files = Vec::new();
    for dir in &roots {
        collect_rs(dir, &mut files);
    }
    let test_only = test_only_modules(&files);
    let mut offences = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if test_only.contains(file)
            || relative == "runtime/src/ctx.rs"
            || relative.starts_with("runtime/src/testing")
        {
            continue;
        }
        let text = fs::read_to_string(file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (number, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (pattern, instead) in FORBIDDEN {
                if line.contains(pattern) && !EXEMPT.contains(&(relative.as_str(), pattern)) {
                    offences.push(format!("{relative}:{}: `{pattern}`: {instead}", number + 1));
                }
            }
        }
    }
    assert!(
        files.len() > 40,
        "found only {} source files under {roots:?}",
        files.len()
    );
    assert!(offences.is_empty(), "\n{}", offences.join("\n"));
}

fn collect_rs(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_rs(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

/// The files of modules declared as `#[cfg(test)] mod name;` (with or without `pub`).
fn test_only_modules(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for file in files {
        let text = fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // A `mod.rs` or `lib.rs` keeps its submodules beside it; `x.rs` keeps them in `x/`.
        let dir = match file.file_name().and_then(|n| n.to_str()) {
            Some("mod.rs" | "lib.rs" | "main.rs") => file.parent().unwrap().to_path_buf(),
            _ => file.with_extension(""),
        };
        for pair in lines.windows(2) {
            let declaration = pair[1].trim();
            let name = ["pub(crate) ", "pub "]
                .iter()
                .find_map(|vis| declaration.strip_prefix(vis))
                .unwrap_or(declaration)
                .strip_prefix("mod ")
                .and_then(|rest| rest.strip_suffix(';'));
            if let (true, Some(name)) = (pair[0].trim() == "#[cfg(test)]", name) {
                found.push(dir.join(format!("{name}.rs")));
            }
        }
    }
    found
}
