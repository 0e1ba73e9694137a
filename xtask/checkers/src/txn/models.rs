//! [`ConsistencyModel`]: the models a transactional checker is asked to verify, by name,
//! and Maelstrom's way of parsing `--consistency-models`.
//!
//! Models are known by their canonical names (`PL-2`) and accept their friendly aliases
//! (`read-committed`). What each model prohibits lives in [`super::lattice`].

use std::collections::BTreeSet;
use std::fmt;

use super::lattice::{prohibited_by, IMPLIES};

/// Friendly or alternative names, and the canonical model each one means.
const ALIASES: &[(&str, &str)] = &[
    ("consistent-view", "PL-2+"),
    ("conflict-serializable", "PL-3"),
    ("cursor-stability", "PL-CS"),
    ("forward-consistent-view", "PL-FCV"),
    ("monotonic-snapshot-read", "PL-MSR"),
    ("monotonic-view", "PL-2L"),
    ("read-committed", "PL-2"),
    ("read-uncommitted", "PL-1"),
    ("repeatable-read", "PL-2.99"),
    ("serializable", "PL-3"),
    ("snapshot-isolation", "PL-SI"),
    ("strict-serializable", "PL-SS"),
    ("strong-serializable", "PL-SS"),
    ("update-serializable", "PL-3U"),
    ("strong-session-read-uncommitted", "strong-session-PL-1"),
    ("strong-session-read-committed", "strong-session-PL-2"),
    ("strong-read-uncommitted", "strong-PL-1"),
    ("strong-read-committed", "strong-PL-2"),
];

/// A consistency model, by its canonical name (e.g. `PL-2` for read-committed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConsistencyModel(&'static str);

/// A model name Elle does not know; its message lists the known ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownModel(pub String);

impl fmt::Display for UnknownModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: BTreeSet<&str> = known_names().collect();
        write!(
            f,
            "unknown consistency model {:?}; known models are: {}",
            self.0,
            known.into_iter().collect::<Vec<_>>().join(", ")
        )
    }
}

impl std::error::Error for UnknownModel {}

fn known_names() -> impl Iterator<Item = &'static str> {
    ALIASES.iter().flat_map(|(a, c)| [*a, *c]).chain(
        IMPLIES
            .iter()
            .flat_map(|(m, weaker)| std::iter::once(*m).chain(weaker.iter().copied())),
    )
}

impl ConsistencyModel {
    pub const READ_UNCOMMITTED: ConsistencyModel = ConsistencyModel("PL-1");
    pub const READ_COMMITTED: ConsistencyModel = ConsistencyModel("PL-2");
    pub const SERIALIZABLE: ConsistencyModel = ConsistencyModel("PL-3");
    pub const SNAPSHOT_ISOLATION: ConsistencyModel = ConsistencyModel("PL-SI");
    pub const STRICT_SERIALIZABLE: ConsistencyModel = ConsistencyModel("PL-SS");

    /// Looks a model up by any of its names.
    pub fn parse(name: &str) -> Result<ConsistencyModel, UnknownModel> {
        let canonical = ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map(|(_, c)| *c);
        let name = canonical
            .or_else(|| known_names().find(|k| *k == name))
            .ok_or_else(|| UnknownModel(name.to_owned()))?;
        Ok(ConsistencyModel(name))
    }

    /// The models Elle checks when none are given (Maelstrom's default too).
    pub const DEFAULT: [ConsistencyModel; 1] = [ConsistencyModel::STRICT_SERIALIZABLE];

    /// `models`, or [`ConsistencyModel::DEFAULT`] when there are none.
    pub fn or_default(models: &[ConsistencyModel]) -> &[ConsistencyModel] {
        if models.is_empty() {
            &Self::DEFAULT
        } else {
            models
        }
    }

    /// Parses Maelstrom's `--consistency-models` value. Maelstrom splits it on the regex
    /// `\s+,\s+`, so only a comma with whitespace on both sides separates two models:
    /// `"read-committed , serializable"` is two models, while `"a,b"` is one unknown name.
    pub fn parse_list(text: &str) -> Result<Vec<ConsistencyModel>, UnknownModel> {
        split_on_spaced_commas(text)
            .into_iter()
            .map(ConsistencyModel::parse)
            .collect()
    }

    pub fn canonical_name(self) -> &'static str {
        self.0
    }

    /// The name Elle prints for this model (`read-committed` rather than `PL-2`).
    pub fn friendly_name(self) -> &'static str {
        friendly(self.0)
    }
}

impl fmt::Display for ConsistencyModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.friendly_name())
    }
}

/// The friendly name of a canonical model name (`PL-2` → `read-committed`).
pub fn friendly(canonical: &'static str) -> &'static str {
    match canonical {
        "PL-3" => "serializable",
        "PL-SS" => "strict-serializable",
        other => ALIASES
            .iter()
            .find(|(_, c)| *c == other)
            .map_or(other, |(alias, _)| alias),
    }
}

/// Java's `\s`: space, tab, newline, vertical tab, form feed, carriage return.
fn is_java_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// Clojure's `(str/split text #"\s+,\s+")`, trailing empty pieces dropped.
fn split_on_spaced_commas(text: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut pieces = Vec::new();
    let (mut piece_start, mut i) = (0, 0);
    while i < chars.len() {
        if !is_java_space(chars[i].1) {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < chars.len() && is_java_space(chars[i].1) {
            i += 1;
        }
        let comma_then_space =
            i + 1 < chars.len() && chars[i].1 == ',' && is_java_space(chars[i + 1].1);
        if comma_then_space {
            pieces.push(&text[piece_start..chars[run_start].0]);
            i += 1;
            while i < chars.len() && is_java_space(chars[i].1) {
                i += 1;
            }
            piece_start = chars.get(i).map_or(text.len(), |c| c.0);
        }
    }
    pieces.push(&text[piece_start..]);
    while pieces.len() > 1 && pieces.last() == Some(&"") {
        pieces.pop();
    }
    pieces
}

/// The anomalies which, if present, rule out at least one of `models`.
pub fn prohibited_anomalies(models: &[ConsistencyModel]) -> BTreeSet<&'static str> {
    prohibited_by(models.iter().map(|m| m.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_model_lists_with_maelstroms_split() {
        let m = |s: &str| {
            ConsistencyModel::parse_list(s).map(|v| {
                v.into_iter()
                    .map(|m| m.canonical_name())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(m("read-committed").unwrap(), vec!["PL-2"]);
        assert_eq!(
            m("read-uncommitted , serializable").unwrap(),
            vec!["PL-1", "PL-3"]
        );
        assert_eq!(
            m("strict-serializable \t,\n PL-SI").unwrap(),
            vec!["PL-SS", "PL-SI"]
        );
        assert_eq!(m("PL-2").unwrap(), vec!["PL-2"]);
        let err = m("read-committed,serializable").unwrap_err();
        assert_eq!(
            err.0, "read-committed,serializable",
            "no spaces around the comma: one unknown name"
        );
        assert!(
            err.to_string().contains("serializable, snapshot-isolation"),
            "lists the known names"
        );
        assert!(
            m("read-committed ,serializable").is_err(),
            "space needed after the comma too"
        );
        assert_eq!(
            ConsistencyModel::READ_COMMITTED.to_string(),
            "read-committed"
        );
    }
}
