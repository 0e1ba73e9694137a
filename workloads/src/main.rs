//! The shared node binary. All logic lives in `runtime`; this file only makes sure every
//! workload crate is linked. rustc drops a dependency nothing references, and with it the
//! crate's `inventory` registration, so each workload is named once below. A test checks
//! that the registered names match the crates under `workloads/`.

extern crate broadcast as _;
extern crate echo as _;
extern crate g_counter as _;
extern crate g_set as _;
extern crate kafka as _;
extern crate lin_kv as _;
extern crate pn_counter as _;
extern crate txn_list_append as _;
extern crate txn_rw_register as _;
extern crate unique_ids as _;

fn main() -> std::process::ExitCode {
    runtime::main()
}
