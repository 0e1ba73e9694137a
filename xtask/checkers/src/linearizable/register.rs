//! The model every lin-kv key is checked against: Knossos's `cas-register`, initially nil
//! (checkers.md §2.5, §3.5). Values are arbitrary JSON, interned to small integers so a
//! register state is one `u32` with cheap equality and hashing; `0` is nil.
//!
//! - `write v`: the register holds `v`;
//! - `cas [from to]`: legal only while the register holds `from`; then it holds `to`;
//! - `read v`: legal when `v` is what the register holds, or when `v` is nil (a nil read
//!   means "unknown" to Knossos and is always legal).

use std::collections::HashMap;

use serde_json::Value;

/// An interned register value; [`NIL`] is the register before any write (and JSON `null`).
pub type State = u32;

/// The empty register, and the id of JSON `null`.
pub const NIL: State = 0;

/// One operation as the model sees it, values interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read(State),
    Write(State),
    Cas { from: State, to: State },
}

impl Action {
    /// The register after this operation, or `None` if it cannot happen in `state`.
    pub fn step(self, state: State) -> Option<State> {
        match self {
            Action::Read(v) => (v == NIL || v == state).then_some(state),
            Action::Write(v) => Some(v),
            Action::Cas { from, to } => (from == state).then_some(to),
        }
    }
}

/// Interns JSON values: equal values (by canonical JSON text) get equal ids.
#[derive(Debug, Clone)]
pub struct Interner {
    ids: HashMap<String, State>,
    values: Vec<Value>,
}

impl Default for Interner {
    fn default() -> Interner {
        Interner {
            ids: HashMap::new(),
            values: vec![Value::Null],
        }
    }
}

impl Interner {
    /// The id of `value`; `null` is always [`NIL`].
    pub fn intern(&mut self, value: &Value) -> State {
        if value.is_null() {
            return NIL;
        }
        // serde_json's maps are sorted, so equal values print the same text.
        let text = value.to_string();
        if let Some(&id) = self.ids.get(&text) {
            return id;
        }
        let id = State::try_from(self.values.len()).expect("fewer than 2^32 distinct values");
        self.ids.insert(text, id);
        self.values.push(value.clone());
        id
    }

    /// The value an id stands for.
    pub fn value(&self, state: State) -> &Value {
        &self.values[state as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_register_follows_knossos_cas_register() {
        let mut values = Interner::default();
        let (one, two) = (values.intern(&json!(1)), values.intern(&json!(2)));
        assert_eq!(values.intern(&json!(1)), one);
        assert_eq!(values.intern(&json!(null)), NIL);
        assert_eq!(values.value(two), &json!(2));
        assert_eq!(Action::Write(one).step(NIL), Some(one));
        assert_eq!(Action::Read(one).step(one), Some(one));
        assert_eq!(Action::Read(two).step(one), None);
        assert_eq!(
            Action::Read(NIL).step(two),
            Some(two),
            "a nil read is legal"
        );
        assert_eq!(Action::Cas { from: one, to: two }.step(one), Some(two));
        assert_eq!(Action::Cas { from: one, to: two }.step(two), None);
        assert_eq!(Action::Cas { from: NIL, to: two }.step(NIL), Some(two));
    }
}
