//! Logging: `tracing` to stderr only (stdout carries protocol lines), quiet by default
//! (warnings and errors), raised with `GLOMERS_LOG=debug` or any `EnvFilter` directive.

use tracing_subscriber::EnvFilter;

/// Installs the stderr subscriber once; later calls do nothing.
pub fn init() {
    let filter =
        EnvFilter::try_from_env(crate::cli::LOG_ENV).unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .try_init();
}
