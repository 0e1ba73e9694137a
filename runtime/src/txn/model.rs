//! How one key's value is read and written, the only thing the register and list stores
//! differ in. A model is a zero-sized marker type, so micro-ops and stores can be generic
//! over it at no cost, and its write micro-op's name (`"w"`, `"append"`) is part of the
//! wire shape.

use std::fmt::Debug;

use serde_json::Value;

use crate::error::Error;

/// A per-key value model: what a read returns and what a write does.
pub trait ValueModel: Debug + Clone + Copy + PartialEq + Default + Send + Sync + 'static {
    /// The name of the write micro-op on the wire (`["w", k, v]`, `["append", k, v]`).
    const WRITE: &'static str;

    /// What a read of a key holding `current` returns (`None`: never written).
    fn read(current: Option<&Value>) -> Value;

    /// Writes `argument` into a key holding `current`, creating it if absent.
    fn write(current: &mut Option<Value>, argument: &Value) -> Result<(), Error>;
}

/// A register: a write replaces the value; a key never written reads as `null`
/// (Maelstrom's txn-rw-register).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Register;

impl ValueModel for Register {
    const WRITE: &'static str = "w";

    fn read(current: Option<&Value>) -> Value {
        current.cloned().unwrap_or(Value::Null)
    }

    fn write(current: &mut Option<Value>, argument: &Value) -> Result<(), Error> {
        *current = Some(argument.clone());
        Ok(())
    }
}

/// A list: an append adds the value at the end; a read returns the whole list, and a key
/// never appended to reads as `null` (Maelstrom's txn-list-append).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct List;

impl ValueModel for List {
    const WRITE: &'static str = "append";

    fn read(current: Option<&Value>) -> Value {
        current.cloned().unwrap_or(Value::Null)
    }

    fn write(current: &mut Option<Value>, argument: &Value) -> Result<(), Error> {
        match current.get_or_insert_with(|| Value::Array(Vec::new())) {
            Value::Array(items) => {
                items.push(argument.clone());
                Ok(())
            }
            // Only appends ever write a list key, so this is a broken invariant, but it is
            // reported rather than panicked on: the store is shared by every request.
            other => Err(Error::crash(format!("a list key holds {other}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_register_write_replaces_and_a_list_write_appends() {
        let mut register = None;
        assert_eq!(Register::read(register.as_ref()), Value::Null);
        Register::write(&mut register, &json!(3)).unwrap();
        Register::write(&mut register, &json!(4)).unwrap();
        assert_eq!(Register::read(register.as_ref()), json!(4));

        let mut list = None;
        assert_eq!(List::read(list.as_ref()), Value::Null);
        List::write(&mut list, &json!(3)).unwrap();
        List::write(&mut list, &json!(4)).unwrap();
        assert_eq!(List::read(list.as_ref()), json!([3, 4]));
    }
}
