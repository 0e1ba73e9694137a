//! The event list of the linearizability search (checkers.md §3.3): every call and every
//! `ok` return of one key's ops, in history order, with the returns of indeterminate ops
//! after everything else, so those stay concurrent with the rest of the history. A doubly
//! linked list in an arena, with a sentinel head; "lifting" an op unlinks its call and its
//! return, and "unlifting" the most recently lifted op puts them back where they were, as in
//! Knuth's dancing links.

use super::prepare::KeyOp;

/// No node: the end of the list, or a node without a partner.
pub const NONE: u32 = u32::MAX;
/// The sentinel before the first event.
pub const HEAD: u32 = 0;

/// One event: an op's call or its return.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub prev: u32,
    pub next: u32,
    /// The partner node: a call's return, a return's call.
    pub partner: u32,
    /// The op's index among the key's ops.
    pub op: u32,
    pub is_call: bool,
}

/// The event list, with lift and unlift as in dancing links.
pub struct List {
    /// `nodes[HEAD]` is the sentinel; an op's nodes keep their links while lifted, so
    /// unlifting in reverse order restores the list exactly.
    pub nodes: Vec<Node>,
}

impl List {
    fn unlink(&mut self, n: u32) {
        let Node { prev, next, .. } = self.nodes[n as usize];
        self.nodes[prev as usize].next = next;
        if next != NONE {
            self.nodes[next as usize].prev = prev;
        }
    }

    fn relink(&mut self, n: u32) {
        let Node { prev, next, .. } = self.nodes[n as usize];
        self.nodes[prev as usize].next = n;
        if next != NONE {
            self.nodes[next as usize].prev = n;
        }
    }

    /// Removes a call and its return.
    pub fn lift(&mut self, call: u32) {
        self.unlink(call);
        self.unlink(self.nodes[call as usize].partner);
    }

    /// Puts back the most recently lifted call and its return where they were.
    pub fn unlift(&mut self, call: u32) {
        self.relink(self.nodes[call as usize].partner);
        self.relink(call);
    }

    /// Builds the list: calls and `ok` returns in history order, indeterminate returns last.
    pub fn of(ops: &[KeyOp]) -> List {
        let mut events: Vec<(usize, u32, bool)> = Vec::with_capacity(ops.len() * 2);
        for (i, op) in ops.iter().enumerate() {
            events.push((op.invoked, i as u32, true));
            if let Some(done) = op.completed {
                events.push((done, i as u32, false));
            }
        }
        events.sort_unstable_by_key(|e| e.0);
        events.extend(
            ops.iter()
                .enumerate()
                .filter(|(_, op)| op.completed.is_none())
                .map(|(i, _)| (usize::MAX, i as u32, false)),
        );
        let mut nodes = Vec::with_capacity(events.len() + 1);
        nodes.push(Node {
            prev: NONE,
            next: 1,
            partner: NONE,
            op: NONE,
            is_call: false,
        });
        let mut call_node = vec![NONE; ops.len()];
        for (n, &(_, op, is_call)) in events.iter().enumerate() {
            let id = n as u32 + 1;
            let partner = if is_call {
                call_node[op as usize] = id;
                NONE
            } else {
                call_node[op as usize]
            };
            if !is_call {
                nodes[partner as usize].partner = id;
            }
            nodes.push(Node {
                prev: id - 1,
                next: if n + 1 == events.len() { NONE } else { id + 1 },
                partner,
                op,
                is_call,
            });
        }
        if events.is_empty() {
            nodes[0].next = NONE;
        }
        List { nodes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linearizable::register::Action;
    use serde_json::Value;

    fn op(invoked: usize, completed: Option<usize>) -> KeyOp {
        KeyOp {
            action: Action::Write(1),
            definite: completed.is_some(),
            invoked,
            completed,
            record: invoked,
            value: Value::Null,
        }
    }

    /// The list from the head: `(op, is_call)` per event.
    fn walk(list: &List) -> Vec<(u32, bool)> {
        let mut out = Vec::new();
        let mut n = list.nodes[HEAD as usize].next;
        while n != NONE {
            out.push((list.nodes[n as usize].op, list.nodes[n as usize].is_call));
            n = list.nodes[n as usize].next;
        }
        out
    }

    #[test]
    fn indeterminate_returns_go_last_and_unlifting_restores_the_list() {
        // Op 0: [0, 3]; op 1 invoked at 1, indeterminate; op 2: [2, 4].
        let mut list = List::of(&[op(0, Some(3)), op(1, None), op(2, Some(4))]);
        let whole = vec![
            (0, true),
            (1, true),
            (2, true),
            (0, false),
            (2, false),
            (1, false),
        ];
        assert_eq!(walk(&list), whole);
        let (first, third) = (1, 3);
        list.lift(first);
        list.lift(third);
        assert_eq!(walk(&list), [(1, true), (1, false)]);
        list.unlift(third);
        list.unlift(first);
        assert_eq!(walk(&list), whole);
        assert!(walk(&List::of(&[])).is_empty());
    }
}
