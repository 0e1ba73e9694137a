//! The echo bench: one node process fed an `init` and then a stream of `echo` requests as fast as
//! its stdin takes them, a writer thread feeding stdin while a reader thread collects stdout.
//! It measures the wall time from the first write to the last reply, and the node's peak
//! resident memory, then checks that every request got exactly one right answer.
//!
//! Peak memory is the kernel's high-water mark `VmHWM` from `/proc/<pid>/status`, read after the
//! last reply while the node is still alive (its stdin is closed only afterwards). That needs no
//! unsafe code and, unlike `getrusage(RUSAGE_CHILDREN)`, is not spoilt by other children of
//! this process: the `cargo build` run just before has a far larger footprint.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use serde_json::Value;

/// What one run measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    /// Echo requests answered.
    pub requests: u64,
    /// From the first byte written to the last reply read.
    pub seconds: f64,
    /// Peak resident memory of the node, in kB (kernel kilobytes, 1024 bytes).
    pub peak_rss_kib: u64,
}

impl Figures {
    pub fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    pub fn peak_rss_mb(&self) -> f64 {
        (self.peak_rss_kib * 1024) as f64 / 1e6
    }
}

/// The longest the bench waits for the node to answer everything before it gives up.
const PATIENCE: Duration = Duration::from_secs(120);

/// Runs one echo node at `node` through `requests` requests; its stderr goes to `stderr_log`.
pub fn run(node: &Path, requests: u64, stderr_log: &Path) -> Result<Figures> {
    let log = File::create(stderr_log)
        .with_context(|| format!("could not create {}", stderr_log.display()))?;
    let mut child = Command::new(node)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .with_context(|| {
            format!(
                "could not start {}; run `cargo xtask build`",
                node.display()
            )
        })?;
    let stdin = child
        .stdin
        .take()
        .context("the node's stdin was not piped")?;
    let stdout = child
        .stdout
        .take()
        .context("the node's stdout was not piped")?;

    let writer = thread::spawn(move || feed(stdin, requests));
    let (done, replies) = mpsc::channel();
    let expected = requests as usize + 1;
    thread::spawn(move || {
        let mut lines = Vec::with_capacity(expected);
        let mut last_reply = Instant::now();
        for line in BufReader::new(stdout).lines().take(expected) {
            match line {
                Ok(line) => lines.push(line),
                Err(_) => break,
            }
            last_reply = Instant::now();
        }
        // The receiver is gone only if the bench already gave up.
        let _ = done.send((lines, last_reply));
    });

    let Ok((lines, last_reply)) = replies.recv_timeout(PATIENCE) else {
        // Killing the node closes its stdout, which ends the reader thread.
        let _ = child.kill();
        let _ = child.wait();
        bail!(
            "the node at {} did not answer within {PATIENCE:?}; see {}",
            node.display(),
            stderr_log.display()
        );
    };
    let peak_rss_kib = peak_rss_kib(&format!("/proc/{}/status", child.id()));
    let (stdin, first_write) = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?
        .context("could not write to the node's stdin")?;
    drop(stdin);
    let status = exit_or_kill(&mut child)?;

    ensure!(
        lines.len() == expected,
        "the node answered {} of {expected} messages and exited ({status}); see {}",
        lines.len(),
        stderr_log.display()
    );
    verify(&lines, requests)?;
    Ok(Figures {
        requests,
        seconds: last_reply.duration_since(first_write).as_secs_f64(),
        peak_rss_kib: peak_rss_kib?,
    })
}

/// How long a node may take to exit once its input has ended.
const EXIT_GRACE: Duration = Duration::from_secs(10);

/// Waits for the node to exit after end of input, as the runtime promises; kills it (and says
/// so) when it does not, so a node that hangs at shutdown cannot hang the bench.
fn exit_or_kill(child: &mut Child) -> Result<ExitStatus> {
    let deadline = Instant::now() + EXIT_GRACE;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().context("could not wait for the node")? {
            return Ok(status);
        }
        // Polling: std has no wait with a timeout, and this runs once per bench run.
        thread::sleep(Duration::from_millis(10));
    }
    eprintln!(
        "note: the node did not exit within {EXIT_GRACE:?} of the end of its input; killed it"
    );
    child.kill().context("could not kill the node")?;
    child.wait().context("could not wait for the node")
}

/// Writes the `init` and the requests; returns stdin still open, and when writing began.
fn feed(stdin: ChildStdin, requests: u64) -> Result<(ChildStdin, Instant)> {
    let mut out = BufWriter::with_capacity(1 << 16, stdin);
    let started = Instant::now();
    writeln!(out, "{}", init_line())?;
    for k in 1..=requests {
        writeln!(out, "{}", request_line(k))?;
    }
    out.flush()?;
    Ok((out.into_inner().map_err(|e| e.into_error())?, started))
}

fn init_line() -> String {
    r#"{"id":0,"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}}"#
        .to_string()
}

fn request_line(k: u64) -> String {
    format!(
        r#"{{"id":{k},"src":"c1","dest":"n0","body":{{"type":"echo","msg_id":{k},"echo":"Please echo {k}"}}}}"#
    )
}

/// Checks that the replies are one `init_ok` to `c0` and, to `c1`, exactly one right `echo_ok`
/// per request, in any order.
pub fn verify(lines: &[String], requests: u64) -> Result<()> {
    let mut answered = HashSet::new();
    let mut init_ok = false;
    for (n, line) in lines.iter().enumerate() {
        let reply: Value =
            serde_json::from_str(line).with_context(|| format!("reply {n} is not JSON: {line}"))?;
        let body = &reply["body"];
        let in_reply_to = body["in_reply_to"].as_u64();
        match (reply["dest"].as_str(), body["type"].as_str()) {
            (Some("c0"), Some("init_ok")) if in_reply_to == Some(1) && !init_ok => init_ok = true,
            (Some("c1"), Some("echo_ok")) => {
                let k = in_reply_to
                    .filter(|k| (1..=requests).contains(k))
                    .with_context(|| format!("reply {n} answers no request: {line}"))?;
                ensure!(answered.insert(k), "request {k} was answered twice: {line}");
                ensure!(
                    body["echo"].as_str() == Some(&format!("Please echo {k}")),
                    "reply {n} echoes the wrong value: {line}"
                );
            }
            _ => bail!("reply {n} is not the expected init_ok or echo_ok: {line}"),
        }
    }
    ensure!(init_ok, "the node never answered init");
    ensure!(
        answered.len() as u64 == requests,
        "{} of {requests} requests were answered",
        answered.len()
    );
    Ok(())
}

/// The `VmHWM` of a `/proc/<pid>/status` file, in kB.
pub(super) fn peak_rss_kib(status_file: &str) -> Result<u64> {
    let status =
        fs::read_to_string(status_file).with_context(|| format!("could not read {status_file}"))?;
    parse_vm_hwm(&status).with_context(|| format!("{status_file} has no VmHWM line"))
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(dest: &str, kind: &str, in_reply_to: u64, echo: Option<&str>) -> String {
        let mut body = serde_json::json!({"type": kind, "in_reply_to": in_reply_to});
        if let Some(echo) = echo {
            body["echo"] = echo.into();
        }
        serde_json::json!({"src": "n0", "dest": dest, "body": body}).to_string()
    }

    fn good() -> Vec<String> {
        vec![
            reply("c0", "init_ok", 1, None),
            reply("c1", "echo_ok", 2, Some("Please echo 2")),
            reply("c1", "echo_ok", 1, Some("Please echo 1")),
        ]
    }

    #[test]
    fn right_replies_in_any_order_pass() {
        verify(&good(), 2).unwrap();
    }

    #[test]
    fn wrong_missing_or_doubled_replies_fail() {
        let mut twice = good();
        twice[1] = reply("c1", "echo_ok", 1, Some("Please echo 1"));
        let mut wrong_echo = good();
        wrong_echo[2] = reply("c1", "echo_ok", 1, Some("Please echo 2"));
        let mut stray = good();
        stray[2] = reply("c1", "echo_ok", 9, Some("Please echo 9"));
        let mut error = good();
        error[2] = reply("c1", "error", 1, None);
        let no_init = good()[1..].to_vec();
        for (case, lines, requests) in [
            ("twice", twice, 2),
            ("wrong echo", wrong_echo, 2),
            ("stray", stray, 2),
            ("error", error, 2),
            ("no init", no_init, 2),
            ("missing", good(), 3),
            ("not json", vec!["{".to_string()], 0),
        ] {
            assert!(verify(&lines, requests).is_err(), "{case} passed");
        }
    }

    #[test]
    fn requests_are_maelstrom_envelopes() {
        let line: Value = serde_json::from_str(&request_line(7)).unwrap();
        assert_eq!(
            line["body"],
            serde_json::json!({"type": "echo", "msg_id": 7, "echo": "Please echo 7"})
        );
        let init: Value = serde_json::from_str(&init_line()).unwrap();
        assert_eq!(init["body"]["node_ids"], serde_json::json!(["n0"]));
    }

    #[test]
    fn peak_memory_comes_from_vm_hwm() {
        assert_eq!(
            parse_vm_hwm("Name:\tglomers\nVmPeak:\t  9000 kB\nVmHWM:\t    4321 kB\n"),
            Some(4321)
        );
        assert_eq!(parse_vm_hwm("Name:\tglomers\n"), None);
        assert!(peak_rss_kib("/proc/self/status").unwrap() > 0);
    }

    #[test]
    fn figures_convert_to_rate_and_megabytes() {
        let figures = Figures {
            requests: 200_000,
            seconds: 0.5,
            peak_rss_kib: 10_000,
        };
        assert_eq!(figures.rate(), 400_000.0);
        assert_eq!(figures.peak_rss_mb(), 10.24);
    }
}
