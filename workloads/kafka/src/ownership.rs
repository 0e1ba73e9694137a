//! Which node owns a key in the `kafka-lean` design: the one node that assigns the key's
//! offsets. Every node computes the same answer from the key and the `init` node list, so
//! ownership needs no agreement protocol (Maelstrom never changes membership or restarts a
//! node, so the mapping never has to move).

/// The owner of `key` among `nodes` (non-empty, in Maelstrom's order).
pub fn owner<'a>(key: &str, nodes: &'a [String]) -> &'a str {
    assert!(!nodes.is_empty(), "a cluster has at least one node");
    // FNV-1a over the key, then MurmurHash3's 64-bit finaliser: for keys of one to three
    // bytes ("0", "17", ...) FNV alone leaves the high bits nearly constant, and the
    // finaliser spreads every input bit over all output bits before the multiply-shift
    // reduction below picks the node from the high bits.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^= hash >> 33;
    let index = (u128::from(hash) * nodes.len() as u128) >> 64;
    &nodes[index as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("n{i}")).collect()
    }

    #[test]
    fn a_single_node_owns_everything() {
        let nodes = nodes(1);
        assert!(["0", "17", "x"].iter().all(|k| owner(k, &nodes) == "n0"));
    }

    #[test]
    fn ownership_is_a_pure_function_of_key_and_membership() {
        let nodes = nodes(2);
        for key in ["0", "1", "42", "hello"] {
            assert_eq!(owner(key, &nodes), owner(key, &nodes.clone()));
        }
    }

    #[test]
    fn maelstrom_keys_spread_over_both_nodes() {
        let nodes = nodes(2);
        let keys: Vec<String> = (0..400).map(|k| k.to_string()).collect();
        let first = keys.iter().filter(|k| owner(k, &nodes) == "n0").count();
        assert!((150..=250).contains(&first), "n0 owns {first} of 400 keys");
        // Consecutive keys (the ones active together) are not all on one side.
        let active = keys[..10]
            .iter()
            .filter(|k| owner(k, &nodes) == "n0")
            .count();
        assert!(
            (2..=8).contains(&active),
            "n0 owns {active} of the first 10"
        );
    }
}
