//! g-counter (spec §2.5): pn-counter's workload with the negative adds filtered out, so
//! deltas are 0..=4 (zero deltas do occur).

use super::pn_counter::Counter;
use super::Workload;

pub const WORKLOAD: &dyn Workload = &Counter { grow_only: true };
