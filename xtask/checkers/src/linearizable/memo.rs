//! Lowe's memo for the linearizability search (checkers.md §3.3): the set of configurations
//! (operations linearized so far, register state) already explored, so a configuration
//! reached by another interleaving is not searched again.
//!
//! It is the search's only structure that grows with the work done, so it is built to be
//! compact and to stop at a byte limit before it allocates past it: configurations are
//! encoded as short `u64` strings (the caller trims the linearized set, see `search`), laid
//! end to end in one arena, and found through an open-addressing table of `u64` slots that
//! hold a 32-bit hash tag and the entry's offset, kept at most half full so a miss probes
//! few slots. No per-entry allocation.

/// Why an insertion was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

/// A set of encoded configurations with a memory ceiling.
#[derive(Debug)]
pub struct ConfigSet {
    /// Entries end to end, each `[length, words...]`.
    arena: Vec<u64>,
    /// `0` empty, else `(hash tag << 32) | (offset + 1)`.
    slots: Vec<u64>,
    len: usize,
    max_bytes: usize,
}

const INITIAL_SLOTS: usize = 1 << 10;

impl ConfigSet {
    /// An empty set that refuses to grow past `max_bytes` of arena and table.
    pub fn new(max_bytes: usize) -> ConfigSet {
        ConfigSet {
            arena: Vec::new(),
            slots: vec![0; INITIAL_SLOTS],
            len: 0,
            max_bytes,
        }
    }

    /// Configurations held.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes allocated for the arena and the table.
    pub fn bytes(&self) -> usize {
        (self.arena.capacity() + self.slots.len()) * 8
    }

    /// Adds `config`; `Ok(true)` if it was new, `Ok(false)` if already present, `Err(Full)`
    /// if holding it would pass the byte limit (the set is then unchanged).
    pub fn insert(&mut self, config: &[u64]) -> Result<bool, Full> {
        let hash = hash(config);
        let tag = hash >> 32;
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                break;
            }
            if slot >> 32 == tag && self.entry((slot & 0xFFFF_FFFF) as usize - 1) == config {
                return Ok(false);
            }
            at = (at + 1) & mask;
        }
        self.reserve(config.len() + 1)?;
        let offset = self.arena.len();
        if offset >= u32::MAX as usize {
            return Err(Full);
        }
        self.arena.push(config.len() as u64);
        self.arena.extend_from_slice(config);
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            self.grow_table();
            self.place(tag << 32 | (offset as u64 + 1), hash);
        } else {
            self.slots[at] = tag << 32 | (offset as u64 + 1);
        }
        Ok(true)
    }

    fn entry(&self, offset: usize) -> &[u64] {
        let len = self.arena[offset] as usize;
        &self.arena[offset + 1..offset + 1 + len]
    }

    /// Makes room for `words` more arena words and, if needed, a doubled table, or refuses.
    fn reserve(&mut self, words: usize) -> Result<(), Full> {
        let table_after = if (self.len + 1) * 2 > self.slots.len() {
            self.slots.len() * 2
        } else {
            self.slots.len()
        };
        let needed = self.arena.len() + words;
        let capacity = if needed > self.arena.capacity() {
            needed.max(self.arena.capacity() * 2)
        } else {
            self.arena.capacity()
        };
        if (capacity + table_after) * 8 > self.max_bytes {
            return Err(Full);
        }
        self.arena.reserve_exact(capacity - self.arena.len());
        Ok(())
    }

    fn grow_table(&mut self) {
        let doubled = vec![0; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        for slot in old.into_iter().filter(|&s| s != 0) {
            let offset = (slot & 0xFFFF_FFFF) as usize - 1;
            let hash = hash(self.entry(offset));
            self.place(slot, hash);
        }
    }

    fn place(&mut self, slot: u64, hash: u64) {
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        while self.slots[at] != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = slot;
    }
}

/// A fast multiplicative hash of a word string (the memo needs speed, not DoS resistance).
fn hash(words: &[u64]) -> u64 {
    let mut h = words.len() as u64;
    for &w in words {
        h = (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    // Fold the high bits down: the table indexes with the low ones.
    h ^ (h >> 29) ^ (h >> 47)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_configurations_across_growth() {
        let mut set = ConfigSet::new(64 << 20);
        for i in 0..10_000u64 {
            assert_eq!(set.insert(&[i, i * 7, 3]), Ok(true));
        }
        assert_eq!(set.len(), 10_000);
        for i in 0..10_000u64 {
            assert_eq!(set.insert(&[i, i * 7, 3]), Ok(false), "entry {i}");
        }
        assert_eq!(set.insert(&[1, 7]), Ok(true), "a prefix is another entry");
        assert_eq!(set.insert(&[]), Ok(true));
        assert_eq!(set.insert(&[]), Ok(false));
    }

    #[test]
    fn refuses_to_grow_past_its_byte_limit() {
        let mut set = ConfigSet::new(64 * 1024);
        let mut inserted = 0u64;
        while set.insert(&[inserted, 1, 2, 3]) == Ok(true) {
            inserted += 1;
        }
        assert!(inserted > 100, "only {inserted} fitted");
        assert!(set.bytes() <= 64 * 1024, "{} bytes", set.bytes());
        assert_eq!(set.len() as u64, inserted);
        assert_eq!(
            set.insert(&[0, 1, 2, 3]),
            Ok(false),
            "still answers lookups"
        );
    }
}
