//! The txn-rw-register handlers tested from outside: both on the explorer's cluster through
//! their suites ([`suites`]: the checker's isolation verdicts, availability, partitions),
//! and one node alone for the reply shape and what it refuses ([`node`]).

mod node;
mod suites;
