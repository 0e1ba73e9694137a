//! The cycle anomaly types Elle searches for (spec `checkers.md` §4.6), each as a small
//! automaton over the relations of a cycle's steps.
//!
//! A type is a data shape (only ww: G0; ww and wr with a wr: G1c; exactly one rw:
//! G-single; several rw, never adjacent: G-nonadjacent; several rw, two adjacent: G2),
//! optionally with a required process or realtime step (the `-process` / `-realtime`
//! variants). Since we never see predicate reads, the rw types are the `-item` ones. The
//! automaton state records just what those rules need: rw count, whether the last step
//! was rw and whether two rw ever touched, and whether a wr and a variant step occurred.

use super::graph::{Rel, Rels};

/// The data-dependency shape of a cycle class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Only ww.
    G0,
    /// ww and wr, at least one wr.
    G1c,
    /// Exactly one rw.
    GSingle,
    /// Two or more rw, never two in a row.
    GNonadjacent,
    /// Two or more rw, two of them in a row somewhere.
    G2Item,
}

/// One anomaly type to search for: a shape, optionally needing a process/realtime step.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    pub shape: Shape,
    pub variant: Option<Rel>,
}

pub const SPECS: &[Spec] = &[
    Spec {
        name: "G0",
        shape: Shape::G0,
        variant: None,
    },
    Spec {
        name: "G1c",
        shape: Shape::G1c,
        variant: None,
    },
    Spec {
        name: "G-single-item",
        shape: Shape::GSingle,
        variant: None,
    },
    Spec {
        name: "G-nonadjacent-item",
        shape: Shape::GNonadjacent,
        variant: None,
    },
    Spec {
        name: "G2-item",
        shape: Shape::G2Item,
        variant: None,
    },
    Spec {
        name: "G0-process",
        shape: Shape::G0,
        variant: Some(Rel::Process),
    },
    Spec {
        name: "G1c-process",
        shape: Shape::G1c,
        variant: Some(Rel::Process),
    },
    Spec {
        name: "G-single-item-process",
        shape: Shape::GSingle,
        variant: Some(Rel::Process),
    },
    Spec {
        name: "G-nonadjacent-item-process",
        shape: Shape::GNonadjacent,
        variant: Some(Rel::Process),
    },
    Spec {
        name: "G2-item-process",
        shape: Shape::G2Item,
        variant: Some(Rel::Process),
    },
    Spec {
        name: "G0-realtime",
        shape: Shape::G0,
        variant: Some(Rel::Realtime),
    },
    Spec {
        name: "G1c-realtime",
        shape: Shape::G1c,
        variant: Some(Rel::Realtime),
    },
    Spec {
        name: "G-single-item-realtime",
        shape: Shape::GSingle,
        variant: Some(Rel::Realtime),
    },
    Spec {
        name: "G-nonadjacent-item-realtime",
        shape: Shape::GNonadjacent,
        variant: Some(Rel::Realtime),
    },
    Spec {
        name: "G2-item-realtime",
        shape: Shape::G2Item,
        variant: Some(Rel::Realtime),
    },
];

/// Every cycle anomaly type this search can report.
pub fn cycle_anomaly_types() -> impl Iterator<Item = &'static str> {
    SPECS.iter().map(|s| s.name)
}

// Automaton state bits.
const SEEN_WR: u8 = 1;
const SEEN_VARIANT: u8 = 2;
const RW_ONE: u8 = 4;
const RW_MANY: u8 = 8;
const LAST_RW: u8 = 16;
const ADJACENT_RW: u8 = 32;

impl Spec {
    pub fn allowed(&self) -> Rels {
        let data = match self.shape {
            Shape::G0 => Rels::WW,
            Shape::G1c => Rels::WW | Rels::WR,
            _ => Rels::DATA,
        };
        self.variant.map_or(data, |v| data | v.into())
    }

    /// Relations the first step may use.
    pub fn first_step(&self) -> Rels {
        match self.shape {
            Shape::G0 => Rels::WW,
            Shape::G1c => Rels::WR,
            Shape::GSingle | Shape::G2Item => Rels::RW,
            // Not rw, so that a final rw step never sits next to the first one.
            Shape::GNonadjacent => self
                .allowed()
                .intersect(Rels::WW | Rels::WR | Rels::PROCESS | Rels::REALTIME),
        }
    }

    pub fn step(&self, state: u8, rel: Rel) -> Option<u8> {
        if !self.allowed().contains(rel) {
            return None;
        }
        let mut s = state;
        if rel == Rel::Rw {
            if state & LAST_RW != 0 {
                if self.shape == Shape::GNonadjacent {
                    return None;
                }
                s |= ADJACENT_RW;
            }
            if state & (RW_ONE | RW_MANY) != 0 {
                if self.shape == Shape::GSingle {
                    return None;
                }
                s = (s & !RW_ONE) | RW_MANY;
            } else {
                s |= RW_ONE;
            }
            s |= LAST_RW;
        } else {
            s &= !LAST_RW;
        }
        if rel == Rel::Wr {
            s |= SEEN_WR;
        }
        if Some(rel) == self.variant {
            s |= SEEN_VARIANT;
        }
        Some(s)
    }

    /// Whether a walk that started with `first` and ends in `state` closes a cycle of this type.
    pub fn accepts(&self, first: Rel, state: u8) -> bool {
        if self.variant.is_some() && state & SEEN_VARIANT == 0 {
            return false;
        }
        let wraps_rw = first == Rel::Rw && state & LAST_RW != 0;
        match self.shape {
            Shape::G0 => true,
            Shape::G1c => state & SEEN_WR != 0,
            Shape::GSingle => state & RW_ONE != 0,
            Shape::GNonadjacent => state & RW_MANY != 0 && !wraps_rw,
            Shape::G2Item => state & RW_MANY != 0 && (state & ADJACENT_RW != 0 || wraps_rw),
        }
    }
}
