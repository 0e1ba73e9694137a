//! The history as spans: each client operation from its invocation to its completion, as the
//! timeline draws it and as the explanation refers to it. Pairing follows
//! `checkers::pairing` (one outstanding operation per process).

use checkers::history::{Op, OpType, Process};
use checkers::pairing::{MalformedHistory, Pairs};

/// One client operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// Positions in the history of the invocation and of the completion (none while open).
    pub invoke: usize,
    pub done: Option<usize>,
    pub process: u64,
    /// `ok`, `fail` or `info`; `invoke` while the operation never completed.
    pub kind: OpType,
    /// Nanoseconds since the start of the test.
    pub start: u64,
    pub end: Option<u64>,
}

/// Every client operation, in order of invocation.
pub fn spans(history: &[Op]) -> Result<Vec<Span>, MalformedHistory> {
    let pairs = Pairs::of(history)?;
    Ok(history
        .iter()
        .enumerate()
        .filter_map(|(pos, op)| {
            let Process::Client(process) = op.process else {
                return None;
            };
            if op.kind != OpType::Invoke {
                return None;
            }
            let done = pairs.completion(pos);
            Some(Span {
                invoke: pos,
                done,
                process,
                kind: done.map_or(OpType::Invoke, |d| history[d].kind),
                start: op.time,
                end: done.map(|d| history[d].time),
            })
        })
        .collect())
}

/// The span an operation at history position `pos` belongs to (its invocation or completion).
pub fn span_of(spans: &[Span], pos: usize) -> Option<usize> {
    let by_invoke = spans.partition_point(|s| s.invoke < pos);
    if spans.get(by_invoke).is_some_and(|s| s.invoke == pos) {
        return Some(by_invoke);
    }
    spans[..by_invoke].iter().rposition(|s| s.done == Some(pos))
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkers::testing::HistoryBuilder;
    use serde_json::json;

    #[test]
    fn spans_run_from_invocation_to_completion() {
        let h = HistoryBuilder::new()
            .invoke(0, "broadcast", json!(1))
            .invoke(1, "read", json!(null))
            .ok(0, "broadcast", json!(1))
            .info(1, "read", json!(null))
            .invoke(2, "read", json!(null))
            .build();
        let s = spans(&h).unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(
            (s[0].invoke, s[0].done, s[0].kind),
            (0, Some(2), OpType::Ok)
        );
        assert_eq!(
            (s[1].kind, s[2].kind, s[2].end),
            (OpType::Info, OpType::Invoke, None)
        );
        assert_eq!(span_of(&s, 3), Some(1));
        assert_eq!(span_of(&s, 4), Some(2));
    }
}
