//! The per-key files of a lin-kv run, as jepsen's `independent/checker` writes them
//! (spec §5.2): for every key, `independent/<key>/history.jsonl` (the key's sub-history)
//! and `independent/<key>/results.json` (that key's entry of the checker's `results`).
//!
//! A key's sub-history holds the client operations whose value is a `[key, v]` tuple for
//! that key, with the value unwrapped to `v`, plus every nemesis operation (jepsen keeps
//! un-keyed operations in every sub-history; a nemesis value such as `["isolated", {...}]`
//! looks like a tuple but is not one). Operations keep their index and time in the whole
//! history, so the per-key files and the checker's reports name the same operations.

use super::super::RunFile;
use checkers::edn::map_key as key_text;
use checkers::history::Op;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The key of a client operation whose value is a `[key, v]` tuple.
fn key_of(op: &Op) -> Option<&Value> {
    match &op.value {
        Value::Array(pair) if op.is_client() && pair.len() == 2 => Some(&pair[0]),
        _ => None,
    }
}

/// Every key's sub-history, by key text as the checker prints its `results` keys (which
/// also names the key's folder; the generator's integer keys never collide).
pub fn subhistories(history: &[Op]) -> BTreeMap<String, Vec<Op>> {
    let mut by_key: BTreeMap<String, Vec<Op>> = BTreeMap::new();
    for op in history {
        if let Some(key) = key_of(op) {
            by_key.entry(key_text(key)).or_default();
        }
    }
    for op in history {
        match key_of(op) {
            Some(key) => {
                let mut unwrapped = op.clone();
                unwrapped.value = op.value[1].clone();
                by_key
                    .get_mut(&key_text(key))
                    .expect("every key was collected")
                    .push(unwrapped);
            }
            None if !op.is_client() => {
                for ops in by_key.values_mut() {
                    ops.push(op.clone());
                }
            }
            // A client operation without a tuple value: not lin-kv's, belongs to no key.
            None => {}
        }
    }
    by_key
}

/// The `independent/<key>/` files of a run whose `workload` results are `results`.
pub fn files(history: &[Op], results: &Value) -> Vec<RunFile> {
    let mut files = Vec::new();
    for (key, ops) in subhistories(history) {
        let dir = PathBuf::from("independent").join(&key);
        let lines: String = ops
            .iter()
            .map(|op| serde_json::to_string(op).expect("history ops serialise") + "\n")
            .collect();
        files.push(RunFile {
            path: dir.join("history.jsonl"),
            contents: lines,
        });
        if let Some(result) = results.get("results").and_then(|r| r.get(&key)) {
            let text = serde_json::to_string_pretty(result).expect("JSON values serialise");
            files.push(RunFile {
                path: dir.join("results.json"),
                contents: text + "\n",
            });
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkers::history::{OpType, Process};
    use serde_json::json;

    fn op(index: usize, process: Process, kind: OpType, f: &str, value: Value) -> Op {
        Op {
            index,
            time: index as u64 * 10,
            process,
            kind,
            f: f.into(),
            value,
            error: None,
            is_final: false,
        }
    }

    fn history() -> Vec<Op> {
        use OpType::*;
        vec![
            op(0, Process::Client(0), Invoke, "read", json!([0, null])),
            op(1, Process::Client(4), Invoke, "cas", json!([1, [2, 3]])),
            op(2, Process::Nemesis, Info, "start-partition", json!(["isolated", {"n0": ["n1"]}])),
            op(3, Process::Client(0), Ok, "read", json!([0, 4])),
            op(4, Process::Client(4), Fail, "cas", json!([1, [2, 3]])),
        ]
    }

    #[test]
    fn each_key_gets_its_own_operations_unwrapped_and_every_nemesis_operation() {
        let subs = subhistories(&history());
        assert_eq!(subs.keys().collect::<Vec<_>>(), ["0", "1"]);
        let zero = &subs["0"];
        assert_eq!(zero.iter().map(|o| o.index).collect::<Vec<_>>(), [0, 2, 3]);
        assert_eq!(zero[0].value, Value::Null);
        assert_eq!(zero[2].value, json!(4));
        assert_eq!(zero[1].process, Process::Nemesis);
        assert_eq!(zero[1].value, json!(["isolated", {"n0": ["n1"]}]));
        let one = &subs["1"];
        assert_eq!(one.iter().map(|o| o.index).collect::<Vec<_>>(), [1, 2, 4]);
        assert_eq!(one[2].value, json!([2, 3]));
    }

    #[test]
    fn files_are_a_history_per_key_and_results_where_the_checker_has_them() {
        let results = json!({"valid?": false, "failures": [1],
                             "results": {"0": {"valid?": true}, "1": {"valid?": false}}});
        let files = files(&history(), &results);
        let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
        assert_eq!(
            paths,
            [
                "independent/0/history.jsonl",
                "independent/0/results.json",
                "independent/1/history.jsonl",
                "independent/1/results.json"
            ]
        );
        let lines: Vec<Op> = files[2]
            .contents
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines, subhistories(&history())["1"]);
        let result: Value = serde_json::from_str(&files[3].contents).unwrap();
        assert_eq!(result, json!({"valid?": false}));
        let without = super::files(&history(), &json!({"valid?": "unknown"}));
        assert_eq!(without.len(), 2, "no results, only histories");
    }
}
