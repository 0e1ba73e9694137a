//! The layout of the counter in `seq-kv`: one key per node holding that node's running
//! total, written only by that node, and one scratch key per node that the node overwrites
//! with a fresh number to catch up with seq-kv's newest state.

/// The key holding node `node`'s total, e.g. `"count-n1"`.
pub fn count_key(node: &str) -> String {
    format!("count-{node}")
}

/// The key node `node` writes fresh numbers to when it needs seq-kv's newest state.
pub fn barrier_key(node: &str) -> String {
    format!("barrier-{node}")
}
