//! `cargo run -p txn-list-append`: this crate's node on stdin/stdout, without the shared `glomers`
//! binary. It links this crate alone, so `runtime::main()` needs no workload name unless the
//! crate registers several (then argv[1], `$GLOMERS_WORKLOAD` or the binary's own name picks
//! one). rustc drops a crate nothing references, and its registration with it, hence the
//! `extern crate` line.

extern crate txn_list_append as _;

fn main() -> std::process::ExitCode {
    runtime::main()
}
