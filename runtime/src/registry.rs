//! The link-time workload registry. Each workload crate submits a [`Workload`] with
//! `inventory::submit!`; the shared binary finds it by name. The index is a sorted map built
//! lazily on first use, so registration order never matters, a duplicate name is an error
//! naming both registrations, and an unknown name is answered with the known ones.

use std::collections::BTreeMap;

use once_cell::sync::Lazy;
use serde::Serialize;

use crate::ctx::Ctx;
use crate::handler::Handler;
use crate::suite::Suite;

/// One runnable node handler, with the Maelstrom suites it is meant to pass.
#[derive(Serialize)]
pub struct Workload {
    /// The name that selects it: argv[1], `$GLOMERS_WORKLOAD`, or the binary's file name.
    pub name: &'static str,
    /// One line for `glomers --list`.
    pub summary: &'static str,
    /// Builds the node's handler once `init` has told it who it is.
    #[serde(skip)]
    pub start: fn(&Ctx) -> Box<dyn Handler>,
    /// The tests this handler is meant to pass.
    pub suites: &'static [Suite],
}

inventory::collect!(Workload);

impl std::fmt::Debug for Workload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workload")
            .field("name", &self.name)
            .field("suites", &self.suites.len())
            .finish()
    }
}

/// Why the registry cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error(
        "workload `{name}` is registered twice: \"{first}\" and \"{second}\"; rename one of them"
    )]
    Duplicate {
        name: &'static str,
        first: &'static str,
        second: &'static str,
    },
    #[error("unknown workload `{name}`; known workloads: {}", known.join(", "))]
    Unknown {
        name: String,
        known: Vec<&'static str>,
    },
}

/// Builds a name index, refusing duplicate names.
pub fn build_index<'a>(
    workloads: impl IntoIterator<Item = &'a Workload>,
) -> Result<BTreeMap<&'static str, &'a Workload>, RegistryError> {
    let mut index = BTreeMap::new();
    for workload in workloads {
        if let Some(first) = index.insert(workload.name, workload) {
            return Err(RegistryError::Duplicate {
                name: workload.name,
                first: first.summary,
                second: workload.summary,
            });
        }
    }
    Ok(index)
}

static INDEX: Lazy<Result<BTreeMap<&'static str, &'static Workload>, RegistryError>> =
    Lazy::new(|| build_index(inventory::iter::<Workload>));

/// Every registered workload, sorted by name.
pub fn workloads() -> Result<Vec<&'static Workload>, RegistryError> {
    INDEX
        .as_ref()
        .map(|index| index.values().copied().collect())
        .map_err(Clone::clone)
}

/// The workload registered under `name`.
pub fn lookup(name: &str) -> Result<&'static Workload, RegistryError> {
    let index = INDEX.as_ref().map_err(Clone::clone)?;
    index
        .get(name)
        .copied()
        .ok_or_else(|| RegistryError::Unknown {
            name: name.to_owned(),
            known: index.keys().copied().collect(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Message};

    struct Silent;

    #[async_trait::async_trait]
    impl Handler for Silent {
        async fn handle(&self, _: &Ctx, _: Message) -> Result<(), Error> {
            Ok(())
        }
    }

    fn silent(_: &Ctx) -> Box<dyn Handler> {
        Box::new(Silent)
    }

    const fn workload(name: &'static str, summary: &'static str) -> Workload {
        Workload {
            name,
            summary,
            start: silent,
            suites: &[],
        }
    }

    #[test]
    fn the_index_is_sorted_whatever_the_registration_order() {
        let registered = [
            workload("zeta", "z"),
            workload("alpha", "a"),
            workload("mid", "m"),
        ];
        let index = build_index(&registered).unwrap();
        assert_eq!(
            index.keys().copied().collect::<Vec<_>>(),
            ["alpha", "mid", "zeta"]
        );
    }

    #[test]
    fn a_duplicate_name_is_an_error_naming_both() {
        let registered = [
            workload("echo", "first echo"),
            workload("echo", "second echo"),
        ];
        let err = build_index(&registered).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("first echo") && text.contains("second echo"),
            "{text}"
        );
    }

    #[test]
    fn an_unknown_name_lists_the_known_ones() {
        let err = RegistryError::Unknown {
            name: "ehco".into(),
            known: vec!["echo", "unique-ids"],
        };
        assert_eq!(
            err.to_string(),
            "unknown workload `ehco`; known workloads: echo, unique-ids"
        );
    }
}
