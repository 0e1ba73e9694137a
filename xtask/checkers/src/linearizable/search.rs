//! Wing & Gong's linearizability search with Lowe's memoisation, over one key's operations
//! (checkers.md §3.3), with Knossos's treatment of indeterminate operations (§3.4).
//!
//! Every invocation and every `ok` completion is a node of a doubly linked list in history
//! order; indeterminate operations get their return node after everything else, so they
//! stay concurrent with the rest of the history. The search walks the list from the front:
//! a call may be linearized (if the register allows it) while no unlinearized return comes
//! before it; linearizing "lifts" the call and its return out of the list, and a return
//! reached while its call is still in the list forces a backtrack. The memo ([`ConfigSet`])
//! turns configurations already explored into dead ends. Once every `ok` operation is
//! placed, the history is linearizable and the indeterminate operations left over are taken
//! not to have happened.
//!
//! Two prunings of our own, which change no verdict. An indeterminate operation can be
//! dropped from any linearization if it leaves the register as it was, or if nothing
//! observes its effect (the op after it is a write, which overwrites the register without
//! looking, or there is no op after it): every other op still sees the same states. So an
//! indeterminate op is only tried where it changes the register, and the op linearized right
//! after it must be a read or a CAS; a write there is not tried. Without them, every
//! indeterminate write would be tried at every point of the key's history, and an invalid
//! key with a handful of them exhausts any budget. Whether the last op placed was
//! indeterminate is part of the configuration.
//!
//! The linearized set is a bitset with the `ok` operations numbered in order of completion
//! and the indeterminate ones after them; in the memo it is trimmed to the words past the
//! leading run of linearized `ok` operations, so a configuration costs a few words however
//! long the key's history is.
//!
//! To explain a failure as Knossos does, the search keeps the longest run of `ok` operations
//! (in completion order) it ever linearized: the next one is the op that could not be
//! linearized. It also records every register state a configuration at that frontier had,
//! and a few of those configurations with the calls still open before the failing op's
//! return, from which the report builds the final paths.

use super::events::{List, HEAD, NONE};
use super::memo::ConfigSet;
use super::prepare::KeyOp;
use super::register::{Action, State, NIL};
use super::Budget;

/// What the search decided for one key.
#[derive(Debug, Clone)]
pub enum Verdict {
    Linearizable,
    NotLinearizable(Failure),
    /// The budget ran out first; the text says which part.
    Unknown(String),
}

/// Where a non-linearizable key's search got stuck.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The `ok` operation (index into the key's ops) that could not be linearized.
    pub op: usize,
    /// The `ok` operation completed just before it, if any.
    pub previous_ok: Option<usize>,
    /// Every register state in which the search had to place `op`, and could not.
    pub states: Vec<State>,
    /// Some of the configurations the search reached with `op` next due.
    pub frontier: Vec<Frontier>,
}

/// One configuration with the failing op next due: the register state and the operations
/// still open that could have been linearized before it.
#[derive(Debug, Clone)]
pub struct Frontier {
    pub state: State,
    pub open: Vec<usize>,
}

/// How much work a search did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effort {
    pub steps: u64,
    pub configs: usize,
    pub memo_bytes: usize,
}

/// Frontier configurations kept for the final paths.
const FRONTIER_KEPT: usize = 10;
/// Distinct frontier states kept for the explanation.
const STATES_KEPT: usize = 64;

/// The linearized set: `ok` operations by completion order in the first `ok_words` words,
/// indeterminate ones after.
struct Linearized {
    words: Vec<u64>,
    ok_words: usize,
}

impl Linearized {
    fn set(&mut self, bit: u32) {
        self.words[bit as usize / 64] |= 1 << (bit % 64);
    }

    fn clear(&mut self, bit: u32) {
        self.words[bit as usize / 64] &= !(1 << (bit % 64));
    }

    fn has(&self, bit: u32) -> bool {
        self.words[bit as usize / 64] & (1 << (bit % 64)) != 0
    }

    /// The memo's key: `[state | lead << 32 | after_info << 63, ok length, ok words past the
    /// lead..., info words...]`, trailing zero words dropped from both parts.
    fn encode(&self, state: State, prefix: usize, after_info: bool, into: &mut Vec<u64>) {
        let lead = prefix / 64;
        let ok = trimmed(&self.words[lead.min(self.ok_words)..self.ok_words]);
        let info = trimmed(&self.words[self.ok_words..]);
        into.clear();
        into.push(u64::from(state) | (lead as u64) << 32 | u64::from(after_info) << 63);
        into.push(ok.len() as u64);
        into.extend_from_slice(ok);
        into.extend_from_slice(info);
    }
}

/// `words` without its trailing zero words.
fn trimmed(words: &[u64]) -> &[u64] {
    let end = words.iter().rposition(|&w| w != 0).map_or(0, |i| i + 1);
    &words[..end]
}

struct Frame {
    call: u32,
    state: State,
    prefix: usize,
    after_info: bool,
}

/// Searches one key's operations for a linearization.
pub fn search(ops: &[KeyOp], budget: &Budget) -> (Verdict, Effort) {
    // Bits: `ok` ops by completion, then indeterminate ones by invocation.
    let mut ok_by_rank: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].definite).collect();
    ok_by_rank.sort_unstable_by_key(|&i| ops[i].completed);
    let ok_count = ok_by_rank.len();
    let ok_words = ok_count.div_ceil(64);
    let mut bit = vec![0u32; ops.len()];
    for (rank, &i) in ok_by_rank.iter().enumerate() {
        bit[i] = rank as u32;
    }
    let mut info = 0;
    for (i, op) in ops.iter().enumerate() {
        if !op.definite {
            bit[i] = (ok_words * 64 + info) as u32;
            info += 1;
        }
    }
    let mut effort = Effort::default();
    if ok_count == 0 {
        return (Verdict::Linearizable, effort);
    }

    let mut list = List::of(ops);
    let mut linearized = Linearized {
        words: vec![0; ok_words + info.div_ceil(64)],
        ok_words,
    };
    let mut memo = ConfigSet::new(budget.max_memo_bytes);
    let mut key = Vec::new();
    let mut calls: Vec<Frame> = Vec::new();
    let mut state = NIL;
    let mut prefix = 0usize;
    let mut ok_left = ok_count;
    // The last op linearized was indeterminate: the next must observe the register.
    let mut after_info = false;
    let mut best = Best::default();
    best.reached(0, NIL, &list, &ok_by_rank, ops);
    let mut cursor = list.nodes[HEAD as usize].next;
    loop {
        effort.steps += 1;
        if effort.steps > budget.max_steps {
            return unknown(
                format!(
                    "the search took {} steps (its budget) without deciding",
                    budget.max_steps
                ),
                effort,
                &memo,
            );
        }
        let node = list.nodes[cursor as usize];
        if node.is_call {
            let op = node.op as usize;
            let observes = !matches!(ops[op].action, Action::Write(_));
            let step = if after_info && !observes {
                None
            } else {
                let definite = ops[op].definite;
                ops[op]
                    .action
                    .step(state)
                    .filter(|&next| definite || next != state)
            };
            if let Some(next_state) = step {
                linearized.set(bit[op]);
                let mut next_prefix = prefix;
                while next_prefix < ok_count && linearized.has(next_prefix as u32) {
                    next_prefix += 1;
                }
                let next_after_info = !ops[op].definite;
                linearized.encode(next_state, next_prefix, next_after_info, &mut key);
                match memo.insert(&key) {
                    Err(_) => {
                        return unknown(
                            format!(
                                "the search's memo reached its budget of {} bytes without deciding",
                                budget.max_memo_bytes
                            ),
                            effort,
                            &memo,
                        )
                    }
                    Ok(true) if memo.len() > budget.max_configs => {
                        return unknown(
                            format!(
                            "the search explored {} configurations (its budget) without deciding",
                            budget.max_configs
                        ),
                            effort,
                            &memo,
                        )
                    }
                    Ok(true) => {
                        calls.push(Frame {
                            call: cursor,
                            state,
                            prefix,
                            after_info,
                        });
                        state = next_state;
                        prefix = next_prefix;
                        after_info = next_after_info;
                        if ops[op].definite {
                            ok_left -= 1;
                            if ok_left == 0 {
                                effort.configs = memo.len();
                                effort.memo_bytes = memo.bytes();
                                return (Verdict::Linearizable, effort);
                            }
                        }
                        list.lift(cursor);
                        best.reached(prefix, state, &list, &ok_by_rank, ops);
                        cursor = list.nodes[HEAD as usize].next;
                        continue;
                    }
                    Ok(false) => linearized.clear(bit[op]),
                }
            }
            cursor = node.next;
        } else {
            // A return whose call is still open: this configuration is a dead end.
            let Some(frame) = calls.pop() else {
                effort.configs = memo.len();
                effort.memo_bytes = memo.bytes();
                return (Verdict::NotLinearizable(best.failure(&ok_by_rank)), effort);
            };
            let op = list.nodes[frame.call as usize].op as usize;
            linearized.clear(bit[op]);
            if ops[op].definite {
                ok_left += 1;
            }
            state = frame.state;
            prefix = frame.prefix;
            after_info = frame.after_info;
            list.unlift(frame.call);
            cursor = list.nodes[frame.call as usize].next;
        }
    }
}

fn unknown(cause: String, mut effort: Effort, memo: &ConfigSet) -> (Verdict, Effort) {
    effort.configs = memo.len();
    effort.memo_bytes = memo.bytes();
    (Verdict::Unknown(cause), effort)
}

/// The furthest the search got: the longest run of `ok` operations linearized, with the
/// states and some configurations seen there.
#[derive(Default)]
struct Best {
    prefix: usize,
    states: Vec<State>,
    frontier: Vec<Frontier>,
}

impl Best {
    fn reached(
        &mut self,
        prefix: usize,
        state: State,
        list: &List,
        by_rank: &[usize],
        ops: &[KeyOp],
    ) {
        if prefix < self.prefix || prefix == by_rank.len() {
            return;
        }
        if prefix > self.prefix {
            self.prefix = prefix;
            self.states.clear();
            self.frontier.clear();
        }
        if !self.states.contains(&state) && self.states.len() < STATES_KEPT {
            self.states.push(state);
        }
        if self.frontier.len() < FRONTIER_KEPT {
            // The calls still in the list before the due op's return could go before it.
            let due = by_rank[prefix];
            let mut open = Vec::new();
            let mut n = list.nodes[HEAD as usize].next;
            while n != NONE {
                let node = list.nodes[n as usize];
                if !node.is_call {
                    break;
                }
                if node.op as usize != due {
                    open.push(node.op as usize);
                }
                n = node.next;
            }
            debug_assert!(ops[due].definite);
            self.frontier.push(Frontier { state, open });
        }
    }

    fn failure(self, by_rank: &[usize]) -> Failure {
        Failure {
            op: by_rank[self.prefix],
            previous_ok: self.prefix.checked_sub(1).map(|r| by_rank[r]),
            states: self.states,
            frontier: self.frontier,
        }
    }
}
