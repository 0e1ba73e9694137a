//! Matching each client invocation with its completion, as Knossos' `pairs+` does: a
//! process has at most one operation outstanding, so the next completion of the same
//! process belongs to its latest invocation.
//!
//! Positions are indices into the history slice. Nemesis records are skipped. A history
//! that breaks the one-outstanding-operation rule is reported as [`MalformedHistory`];
//! upstream asserts in the same places, so checkers turn it into an `unknown` verdict.

use std::collections::HashMap;
use std::fmt;

use crate::history::{Op, OpType, Process};

/// Invocation ↔ completion links of one history.
#[derive(Debug, Clone)]
pub struct Pairs {
    completion: Vec<Option<usize>>,
    invocation: Vec<Option<usize>>,
}

/// Why a history could not be paired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedHistory(pub String);

impl fmt::Display for MalformedHistory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed history: {}", self.0)
    }
}

impl std::error::Error for MalformedHistory {}

impl Pairs {
    /// Pairs every client completion with its invocation.
    ///
    /// An `info` with nothing outstanding is tolerated (Knossos keeps it unpaired); an `ok`
    /// or `fail` with nothing outstanding, or a second invocation while one is outstanding,
    /// is malformed.
    pub fn of(history: &[Op]) -> Result<Pairs, MalformedHistory> {
        let mut completion = vec![None; history.len()];
        let mut invocation = vec![None; history.len()];
        let mut outstanding: HashMap<u64, usize> = HashMap::new();
        for (pos, op) in history.iter().enumerate() {
            let Process::Client(process) = op.process else {
                continue;
            };
            match op.kind {
                OpType::Invoke => {
                    if let Some(&earlier) = outstanding.get(&process) {
                        return Err(MalformedHistory(format!(
                            "process {process} invoked op {} while op {} was outstanding",
                            op.index, history[earlier].index
                        )));
                    }
                    outstanding.insert(process, pos);
                }
                OpType::Ok | OpType::Fail | OpType::Info => match outstanding.remove(&process) {
                    Some(inv) => {
                        completion[inv] = Some(pos);
                        invocation[pos] = Some(inv);
                    }
                    None if op.kind == OpType::Info => {}
                    None => {
                        return Err(MalformedHistory(format!(
                            "op {} completes process {process}, which has nothing outstanding",
                            op.index
                        )))
                    }
                },
            }
        }
        Ok(Pairs {
            completion,
            invocation,
        })
    }

    /// The position of the completion of the invocation at `pos`, if it completed.
    pub fn completion(&self, pos: usize) -> Option<usize> {
        self.completion.get(pos).copied().flatten()
    }

    /// The position of the invocation that the completion at `pos` completes.
    pub fn invocation(&self, pos: usize) -> Option<usize> {
        self.invocation.get(pos).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use serde_json::json;

    #[test]
    fn pairs_by_process_and_skips_the_nemesis() {
        let h = HistoryBuilder::new()
            .invoke(0, "read", json!(null))
            .invoke(1, "add", json!(1))
            .nemesis("start-partition", json!(null))
            .ok(1, "add", json!(1))
            .info(0, "read", json!(null))
            .info(2, "read", json!(null))
            .build();
        let pairs = Pairs::of(&h).unwrap();
        assert_eq!(pairs.completion(0), Some(4));
        assert_eq!(pairs.completion(1), Some(3));
        assert_eq!(pairs.invocation(3), Some(1));
        assert_eq!(pairs.invocation(2), None);
        assert_eq!(pairs.invocation(5), None, "a lone info stays unpaired");
    }

    #[test]
    fn rejects_double_invocations_and_orphan_completions() {
        let double = HistoryBuilder::new()
            .invoke(0, "read", json!(null))
            .invoke(0, "read", json!(null))
            .build();
        assert!(Pairs::of(&double).unwrap_err().0.contains("outstanding"));
        let orphan = HistoryBuilder::new().ok(3, "read", json!([])).build();
        assert!(Pairs::of(&orphan)
            .unwrap_err()
            .0
            .contains("nothing outstanding"));
    }
}
