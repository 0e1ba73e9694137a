//! The progress line on a terminal: phase, elapsed time, operations so far. Drawn only when
//! asked for and stderr is a terminal, so logs and CI output stay plain. Without a bar the
//! phases are plain lines, each starting with the run's name, so the lines of runs that share
//! stderr (`cargo xtask test --jobs N`) can be told apart.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

/// A progress line, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
    phase: Mutex<String>,
    /// What lines start with when there is no bar: `[3d] `.
    prefix: String,
    /// Prints nothing at all (the explorer's runs, a thousand a minute).
    quiet: bool,
}

impl Progress {
    /// A progress line for the run called `name` (the suite id or the workload).
    pub fn new(wanted: bool, name: &str) -> Progress {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new_spinner();
            let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            phase: Mutex::new(String::new()),
            prefix: format!("[{name}] "),
            quiet: false,
        }
    }

    /// A progress that prints nothing.
    pub fn quiet(name: &str) -> Progress {
        Progress {
            quiet: true,
            ..Progress::new(false, name)
        }
    }

    /// Enters a new phase (also logged as a line when there is no bar).
    pub fn phase(&self, phase: &str) {
        *self.phase.lock().expect("progress lock poisoned") = phase.to_string();
        match &self.bar {
            Some(bar) => bar.set_message(phase.to_string()),
            None if !self.quiet => eprintln!("{}sim: {phase}", self.prefix),
            None => {}
        }
    }

    /// Updates the operation count shown after the phase.
    pub fn ops(&self, completed: usize) {
        if let Some(bar) = &self.bar {
            let phase = self.phase.lock().expect("progress lock poisoned");
            bar.set_message(format!("{phase}: {completed} ops"));
        }
    }

    /// Prints a line without tearing the bar.
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None if !self.quiet => eprintln!("{}{line}", self.prefix),
            None => {}
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
