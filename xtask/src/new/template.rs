//! The files `cargo xtask new` writes for a workload crate: its manifest and a `lib.rs` in the
//! shape of `workloads/echo`, with a request named after the workload so that it builds and
//! answers from the start. A test holds the template to echo, so it follows the runtime's API.

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

[lints]
workspace = true
"#;

/// The crate's `lib.rs`: echo's shape with a request named after the workload, so it builds and
/// answers from the start.
pub fn library(name: &str) -> String {
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
    LIBRARY
        .replace("{name}", name)
        .replace("{Type}", &type_name)
        .replace("{type}", &name.replace('-', "_"))
}

const LIBRARY: &str = r#"//! Workload `{name}`: say here what the nodes do, which challenge this is, and why the design
//! meets it. The shape follows `workloads/echo`: payload enum, node state, handler,
//! registration with suites.

use runtime::{async_trait, Ctx, Error, Handler, Message, Suite, Workload};
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
#[derive(Debug, Default)]
pub struct {Type}Node;

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
        construct: runtime::construct::<{Type}Node>,
        suites: SUITES,
    }
}
"#;

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::project::Project;

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
            "#[async_trait]\nimpl Handler for EchoNode {",
            "match msg.payload()? {",
            "const SUITES: &[Suite] = &[Suite {",
            "runtime::inventory::submit! {\n    Workload {\n        name: \"echo\",",
            "construct: runtime::construct::<EchoNode>,\n        suites: SUITES,",
        ] {
            assert!(
                echo.contains(shape) && template.contains(shape),
                "echo and the template differ at `{shape}`"
            );
        }
        let manifest = fs::read_to_string(root.join("workloads/echo/Cargo.toml")).unwrap();
        assert_eq!(MANIFEST.replace("{name}", "echo"), manifest);
    }
}
