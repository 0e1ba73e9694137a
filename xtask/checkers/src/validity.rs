//! Jepsen's three-valued verdict and its worst-of merge (`false` > `unknown` > `true`).
//! Serialised as Maelstrom writes `:valid?` into results: `true`, `false` or `"unknown"`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A checker's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Validity {
    Valid,
    /// The checker could not decide (nothing to judge, or it failed).
    Unknown,
    Invalid,
}

impl Validity {
    /// Jepsen's `merge-valid`: the worse of two verdicts.
    pub fn merge(self, other: Validity) -> Validity {
        self.max(other)
    }

    /// Combines any number of verdicts; `Valid` when there are none.
    pub fn worst(verdicts: impl IntoIterator<Item = Validity>) -> Validity {
        verdicts.into_iter().fold(Validity::Valid, Validity::merge)
    }

    /// `Valid` when the condition holds, else `Invalid`.
    pub fn from_bool(ok: bool) -> Validity {
        if ok {
            Validity::Valid
        } else {
            Validity::Invalid
        }
    }

    /// Maelstrom's exit status: 0 valid, 1 invalid, 2 unknown.
    pub fn exit_code(self) -> i32 {
        match self {
            Validity::Valid => 0,
            Validity::Invalid => 1,
            Validity::Unknown => 2,
        }
    }
}

impl Ord for Validity {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |v: &Validity| match v {
            Validity::Valid => 0,
            Validity::Unknown => 1,
            Validity::Invalid => 2,
        };
        rank(self).cmp(&rank(other))
    }
}

impl PartialOrd for Validity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Validity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Validity::Valid => s.serialize_bool(true),
            Validity::Invalid => s.serialize_bool(false),
            Validity::Unknown => s.serialize_str("unknown"),
        }
    }
}

impl<'de> Deserialize<'de> for Validity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Bool(true) => Ok(Validity::Valid),
            serde_json::Value::Bool(false) => Ok(Validity::Invalid),
            _ => Ok(Validity::Unknown),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_of_prefers_invalid_then_unknown() {
        use Validity::*;
        assert_eq!(Validity::worst([Valid, Unknown, Valid]), Unknown);
        assert_eq!(Validity::worst([Unknown, Invalid, Valid]), Invalid);
        assert_eq!(Validity::worst([]), Valid);
        assert_eq!(serde_json::to_string(&Unknown).unwrap(), "\"unknown\"");
        assert_eq!(Invalid.exit_code(), 1);
    }
}
