//! The files `cargo xtask new` writes for a workload crate: its manifest, a `lib.rs` in the
//! shape of `workloads/echo`, with a request named after the workload so that it builds and
//! answers from the start, an example `mutants.rs` (a deliberately broken node for the
//! explorer, compiled by the crate's `mutants` feature), and the `main.rs` behind
//! `cargo run -p <name>`. Tests hold the
//! template to echo, so it follows the runtime's API, and hold every workload crate to the
//! template's binary, so `cargo run -p <name>` works for each.

/// The crate manifest, the same as `workloads/echo/Cargo.toml`.
pub const MANIFEST: &str = r#"[package]
name = "{name}"
edition.workspace = true
version.workspace = true
license.workspace = true
publish.workspace = true

[dependencies]
runtime.workspace = true
serde.workspace = true
serde_json.workspace = true
async-trait.workspace = true
inventory.workspace = true

[features]
# Deliberately broken variants of the node, registered for the explorer only.
mutants = []

[lints]
workspace = true

# `cargo run -p {name}` runs this crate's node alone (src/main.rs). The bin takes the lib's
# name, as cargo's default layout does, with `doc = false` since both would document into
# target/doc/<name>/, and `test = false` since main.rs holds no tests to build.
[[bin]]
name = "{name}"
path = "src/main.rs"
doc = false
test = false
"#;

/// The crate's `src/main.rs`: the binary of `cargo run -p <name>`.
pub fn binary(name: &str) -> String {
    BINARY
        .replace("{name}", name)
        .replace("{ident}", &name.replace('-', "_"))
}

const BINARY: &str = r#"//! `cargo run -p {name}`: this crate's node on stdin/stdout, without the shared `glomers`
//! binary. It links this crate alone, so `runtime::main()` needs no workload name unless the
//! crate registers several (then argv[1], `$GLOMERS_WORKLOAD` or the binary's own name picks
//! one). rustc drops a crate nothing references, and its registration with it, hence the
//! `extern crate` line.

extern crate {ident} as _;

fn main() -> std::process::ExitCode {
    runtime::main()
}
"#;

/// The crate's `lib.rs`: echo's shape with a request named after the workload, so it builds and
/// answers from the start.
pub fn library(name: &str) -> String {
    fill(LIBRARY, name)
}

/// The crate's `src/mutants.rs`: one example mutant of the template's node, so the crate
/// has what `cargo xtask explore --mutants` hunts from the start.
pub fn mutants(name: &str) -> String {
    fill(MUTANTS, name)
}

/// `template` with the workload's names filled in: `{name}` (kebab-case), `{Type}`
/// (UpperCamelCase) and `{type}` (snake_case).
fn fill(template: &str, name: &str) -> String {
    let type_name: String = name
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
                .collect::<String>()
        })
        .collect();
    template
        .replace("{name}", name)
        .replace("{Type}", &type_name)
        .replace("{type}", &name.replace('-', "_"))
}

const LIBRARY: &str = r#"//! Workload `{name}`: say here what the nodes do, which challenge this is, and why the design
//! meets it. The shape follows `workloads/echo`: payload enum, node state, handler,
//! registration with suites.
//!
//! - `mutants` (feature `mutants`): deliberately broken nodes for the explorer.

#[cfg(feature = "mutants")]
mod mutants;

use runtime::{async_trait, Ctx, Error, Handler, Message, Start, Suite, Workload};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The messages this workload receives and sends.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Payload {
    {Type} { value: Value },
    {Type}Ok { value: Value },
}

/// What one node keeps between messages.
#[derive(Debug)]
pub struct {Type}Node;

impl Start for {Type}Node {
    /// Built once `init` has named the node and its peers (`ctx.node_id()`, `ctx.peers()`):
    /// size the state for the cluster and start timers (`ctx.every`) here.
    fn start(_: &Ctx) -> Self {
        {Type}Node
    }
}

#[async_trait]
impl Handler for {Type}Node {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        match msg.payload()? {
            Payload::{Type} { value } => ctx.reply(&msg, &Payload::{Type}Ok { value }),
            Payload::{Type}Ok { .. } => Err(Error::not_supported("{type}_ok is a reply, not a request")),
        }
    }
}

/// The Maelstrom tests this workload must pass: set the id, `-w` and options to the
/// challenge's published command line, and add targets for its extra criteria.
const SUITES: &[Suite] = &[Suite {
    id: "{name}",
    title: "{name}",
    workload: "{name}",
    args: &["--node-count", "1", "--time-limit", "10"],
    targets: &[],
}];

runtime::inventory::submit! {
    Workload {
        name: "{name}",
        summary: "Say what it does in a few words",
        start: runtime::start::<{Type}Node>,
        suites: SUITES,
    }
}
"#;

const MUTANTS: &str = r#"//! Deliberately broken {name} nodes, compiled only for the explorer (feature `mutants`):
//! `cargo xtask explore --mutants` runs each on its suite until a seed fails, which shows
//! that the suite's checker catches what the mutant breaks. Replace the example with the
//! real node carrying one mistake its developer could make (a wrong tuning, a skipped step).

use runtime::{async_trait, Ctx, Error, Handler, Message, Mutant, Start};
use serde_json::Value;

use crate::{Payload, {Type}Node};

/// The real node, except that it answers every `{type}` with `null` instead of its value.
#[derive(Debug)]
struct Forgetful({Type}Node);

#[async_trait]
impl Handler for Forgetful {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        match msg.payload()? {
            Payload::{Type} { .. } => ctx.reply(&msg, &Payload::{Type}Ok { value: Value::Null }),
            Payload::{Type}Ok { .. } => self.0.handle(ctx, msg).await,
        }
    }
}

fn forgetful(ctx: &Ctx) -> Box<dyn Handler> {
    Box::new(Forgetful({Type}Node::start(ctx)))
}

runtime::inventory::submit! {
    Mutant {
        name: "{name}-forgets-values",
        suite: "{name}",
        breaks: "answers every request with null instead of its value",
        start: forgetful,
    }
}
"#;

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::project::Project;

    /// The part of [`MANIFEST`] that declares the binary; every workload crate's manifest has it.
    fn bin_section(name: &str) -> String {
        let start = MANIFEST
            .find("# `cargo run -p {name}`")
            .expect("MANIFEST declares the bin after a comment naming `cargo run`");
        MANIFEST[start..].replace("{name}", name)
    }

    /// The template must follow echo, the workload it copies: when echo's imports or its
    /// registration change with the runtime, this fails until the template follows.
    #[test]
    fn the_template_mirrors_echo() {
        let root = Project::locate().unwrap().root;
        let echo = fs::read_to_string(root.join("workloads/echo/src/lib.rs")).unwrap();
        let template = library("echo");
        for line in echo.lines().filter(|l| l.starts_with("use ")) {
            assert!(
                template.contains(line),
                "the template lacks echo's `{line}`"
            );
        }
        for shape in [
            "#[serde(tag = \"type\", rename_all = \"snake_case\")]",
            "impl Start for EchoNode {\n",
            "#[async_trait]\nimpl Handler for EchoNode {",
            "match msg.payload()? {",
            "const SUITES: &[Suite] = &[Suite {",
            "runtime::inventory::submit! {\n    Workload {\n        name: \"echo\",",
            "start: runtime::start::<EchoNode>,\n        suites: SUITES,",
        ] {
            assert!(
                echo.contains(shape) && template.contains(shape),
                "echo and the template differ at `{shape}`"
            );
        }
        let manifest = fs::read_to_string(root.join("workloads/echo/Cargo.toml")).unwrap();
        assert_eq!(MANIFEST.replace("{name}", "echo"), manifest);
    }

    /// `cargo run -p <name>` must run every workload crate's node, so each has the binary
    /// `cargo xtask new` writes: a forgotten or stale one fails here with the fix.
    #[test]
    fn every_workload_crate_has_the_binary_new_writes() {
        let workloads = Project::locate().unwrap().root.join("workloads");
        let mut checked = 0;
        for entry in fs::read_dir(&workloads).unwrap() {
            let dir = entry.unwrap().path();
            let Ok(manifest) = fs::read_to_string(dir.join("Cargo.toml")) else {
                continue;
            };
            let name = dir.file_name().unwrap().to_str().unwrap();
            let main = fs::read_to_string(dir.join("src/main.rs")).unwrap_or_default();
            assert_eq!(
                main,
                binary(name),
                "workloads/{name}/src/main.rs must be the binary `cargo xtask new` writes \
                 (xtask/src/new/template.rs, `binary`)"
            );
            assert!(
                manifest.contains(&bin_section(name)),
                "workloads/{name}/Cargo.toml must declare its bin as `cargo xtask new` does:\n{}",
                bin_section(name)
            );
            checked += 1;
        }
        assert!(
            checked >= 8,
            "found only {checked} workload crates in {workloads:?}"
        );
    }
}
