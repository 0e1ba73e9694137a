//! The workspace's node programs: this library links every workload crate below
//! `workloads/` into whatever binary uses it, the shared `glomers` node binary and the
//! `glomers-explore` explorer. rustc drops a dependency nothing references, and with it the
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

/// Every registered workload, in name order: calling it is what links this library, and
/// with it every workload crate, into a binary.
pub fn workloads() -> Result<Vec<&'static runtime::Workload>, runtime::registry::RegistryError> {
    runtime::registry::workloads()
}
