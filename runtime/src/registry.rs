//! The link-time workload registry. Each workload crate submits a [`Workload`] with
//! `inventory::submit!`; the shared binary finds it by name. The index is a sorted map built
//! lazily on first use, so registration order never matters, a duplicate name is an error
//! naming both registrations, and an unknown name is answered with the known ones.
//!
//! Beside the workloads, a workload crate built with its `mutants` feature (the explorer's
//! build only) submits [`Mutant`]s: deliberately broken variants of its node, which the
//! explorer runs to show that the suites and checkers catch what each one breaks. They have
//! an index of their own, with the same rules.

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

/// A deliberately broken variant of a workload's node, for the explorer only: it runs
/// `suite` on it seed after seed until one fails, which shows that the suite's checkers
/// catch what the mutant breaks (`cargo xtask explore --mutants`).
#[derive(Debug, Serialize)]
pub struct Mutant {
    /// The name that selects it, `<workload>-<what is broken>` by convention.
    pub name: &'static str,
    /// The id of the suite that must catch it (one of its workload's suites).
    pub suite: &'static str,
    /// One line: what is broken, and why the suite should notice.
    pub breaks: &'static str,
    /// Builds the broken handler once `init` has told it who it is.
    #[serde(skip)]
    pub start: fn(&Ctx) -> Box<dyn Handler>,
}

inventory::collect!(Mutant);

/// What the registry indexes by name: a workload or a mutant.
pub trait Registration: 'static {
    /// The name that selects it.
    fn name(&self) -> &'static str;
    /// What tells two registrations of one name apart in the duplicate error.
    fn summary(&self) -> &'static str;
}

impl Registration for Workload {
    fn name(&self) -> &'static str {
        self.name
    }
    fn summary(&self) -> &'static str {
        self.summary
    }
}

impl Registration for Mutant {
    fn name(&self) -> &'static str {
        self.name
    }
    fn summary(&self) -> &'static str {
        self.breaks
    }
}

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
    #[error("`{name}` is registered twice: \"{first}\" and \"{second}\"; rename one of them")]
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
    #[error("unknown mutant `{name}`; known mutants: {}", known.join(", "))]
    UnknownMutant {
        name: String,
        known: Vec<&'static str>,
    },
}

/// A name index of workloads or mutants.
type Index<'a, R> = BTreeMap<&'static str, &'a R>;

/// Builds a name index, refusing duplicate names.
pub fn build_index<'a, R: Registration>(
    registered: impl IntoIterator<Item = &'a R>,
) -> Result<Index<'a, R>, RegistryError> {
    let mut index = BTreeMap::new();
    for entry in registered {
        if let Some(first) = index.insert(entry.name(), entry) {
            return Err(RegistryError::Duplicate {
                name: entry.name(),
                first: first.summary(),
                second: entry.summary(),
            });
        }
    }
    Ok(index)
}

/// A lazily built index: the registrations of one kind, or why they cannot be indexed.
type Registered<R> = Lazy<Result<Index<'static, R>, RegistryError>>;

static INDEX: Registered<Workload> = Lazy::new(|| build_index(inventory::iter::<Workload>));

static MUTANTS: Registered<Mutant> = Lazy::new(|| build_index(inventory::iter::<Mutant>));

/// Every entry of `registered`, sorted by name.
fn all<R>(registered: &'static Registered<R>) -> Result<Vec<&'static R>, RegistryError> {
    registered
        .as_ref()
        .map(|index| index.values().copied().collect())
        .map_err(Clone::clone)
}

/// The entry of `registered` named `name`; `unknown` builds the error that lists the
/// known names.
fn find<R>(
    registered: &'static Registered<R>,
    name: &str,
    unknown: fn(String, Vec<&'static str>) -> RegistryError,
) -> Result<&'static R, RegistryError> {
    let index = registered.as_ref().map_err(Clone::clone)?;
    index
        .get(name)
        .copied()
        .ok_or_else(|| unknown(name.to_owned(), index.keys().copied().collect()))
}

/// Every registered mutant, sorted by name: none unless the workload crates were built
/// with their `mutants` feature.
pub fn mutants() -> Result<Vec<&'static Mutant>, RegistryError> {
    all(&MUTANTS)
}

/// The mutant registered under `name`.
pub fn lookup_mutant(name: &str) -> Result<&'static Mutant, RegistryError> {
    find(&MUTANTS, name, |name, known| RegistryError::UnknownMutant {
        name,
        known,
    })
}

/// Every registered workload, sorted by name.
pub fn workloads() -> Result<Vec<&'static Workload>, RegistryError> {
    all(&INDEX)
}

/// The workload registered under `name`.
pub fn lookup(name: &str) -> Result<&'static Workload, RegistryError> {
    find(&INDEX, name, |name, known| RegistryError::Unknown {
        name,
        known,
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
