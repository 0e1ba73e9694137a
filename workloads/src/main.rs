//! The shared node binary. All logic lives in `runtime`; the workload crates are linked
//! in by this package's library (`src/lib.rs`).

fn main() -> std::process::ExitCode {
    // Links every workload crate (see the library); the runtime then finds them by name.
    let _ = glomers::workloads;
    runtime::main()
}
