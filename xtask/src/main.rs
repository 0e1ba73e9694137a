//! The project command line (being built).
fn main() {}
