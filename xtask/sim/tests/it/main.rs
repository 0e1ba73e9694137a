//! End-to-end tests of the simulator: real node processes (small Python 3 programs under
//! `tests/fixtures/`, proof that any language works), real pipes, real verdicts.
//!
//! - [`support`]: running a fixture and reading its run folder.
//! - [`verdicts`]: correct and broken nodes get the verdicts and anomalies they deserve.
//! - [`failures`]: crashed and silent nodes are reported with their id and stderr.
//! - [`determinism`]: one seed, one schedule of operations and faults.
//! - [`cli`]: exit statuses of the command line.
//! - [`in_process`]: in-process nodes on the virtual clock, one digest per seed.
//! - [`kafka`]: kafka nodes, correct and broken, and the shapes of their histories.
//! - [`lin_kv`]: the default workload: keyed histories, per-key files, linearizable or not.
//! - [`txn`]: txn history shapes, and G1a, G1b and G0 caught in broken nodes.
//! - [`report`]: the run folder's `index.html`, read as text and rendered in headless Chromium.

mod cli;
mod determinism;
mod failures;
mod in_process;
mod kafka;
mod lin_kv;
mod report;
mod support;
mod txn;
mod verdicts;
