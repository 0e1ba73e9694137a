//! Node processes (spec §1.1-1.2): spawning, their three pipes, and what they write.
//!
//! A node is `--bin` run with the positional arguments, in the system temp directory, as
//! Maelstrom runs it. Each node gets three threads, all blocked in the kernel when idle:
//! a writer that drains its queue of delivered lines into stdin in one write per batch; a
//! reader that validates every stdout line and hands it to the network; and a stderr pump
//! into `node-logs/<id>.log` that keeps the last lines for error reports. A fourth thread
//! waits for the process to exit without reaping it, so a node that exits while a child it
//! started still holds its pipes is reported at once rather than at teardown.
//!
//! **No orphans.** Each node leads a process group of its own, and teardown kills the
//! whole group, so nothing a node forked outlives the run (Maelstrom kills only the node's
//! own process). A child that leaves the group on purpose (`setsid`) is beyond reach.
//!
//! **The deaf-node quirk is replicated.** A stdout line that Maelstrom's parser rejects (see
//! [`crate::wire`]: not JSON, a key other than `src`, `dest`, `body`, `id`, a body it cannot
//! read as a map), or that names an endpoint that is not on the network (for
//! example a late reply to a client that has gone) makes Maelstrom stop reading that node's
//! stdout for the rest of the test. We do the same, so a node that passes here passes there,
//! but we say so loudly: on the console, in the node's log, and in the run's results. The
//! reader keeps draining the pipe afterwards so the node is not blocked on a full pipe.
//!
//! **Bounded, where Maelstrom is not.** A stdout line longer than
//! [`line_reader::MAX_LINE`] is read past rather than kept, and makes the node deaf; the
//! stderr lines kept (and echoed with `--log-stderr`) are cut at 8 KiB, the
//! log keeping them whole; a buffer that one long line grew is given back after it.

use crate::backlog::{self, Backlog};
use crate::line_reader;
use crate::metrics::DelayRecorder;
use crate::net::{Endpoint, Network, Outgoing, SendError};
use crate::silence::Activity;
use crate::wire;
use anyhow::Context;
use crossbeam_channel::{unbounded, Receiver};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// How many stderr lines are kept for error reports (Maelstrom shows 32).
const TAIL_LINES: usize = 32;

/// How much of each kept stderr line is kept: with [`TAIL_LINES`], at most 256 KiB a node.
const TAIL_LINE_BYTES: usize = 8 << 10;

/// A line or write buffer that grew past this for one long line is given back afterwards.
const SHRINK_ABOVE: usize = 1 << 20;

/// Something a node did that ends or endangers the test, for the runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeEvent {
    /// The node's process exited, or it closed its stdout (and can no longer be heard);
    /// [`NodeProcess::report_ending`] says which.
    Exited { node: String },
    /// The node wrote a line Maelstrom would reject; it is deaf from now on.
    Deaf { node: String, reason: String },
}

/// The last lines a node wrote to stderr.
#[derive(Debug, Clone, Default)]
pub struct Tail(Arc<Mutex<VecDeque<String>>>);

impl Tail {
    pub fn push(&self, line: String) {
        let mut lines = self.0.lock().expect("tail lock poisoned");
        if lines.len() == TAIL_LINES {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    /// The kept lines, oldest first.
    pub fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .expect("tail lock poisoned")
            .iter()
            .cloned()
            .collect()
    }
}

/// One running node.
pub struct NodeProcess {
    pub id: String,
    child: Child,
    tail: Tail,
    log_path: PathBuf,
    threads: Vec<JoinHandle<()>>,
    net: Arc<Network>,
    /// Set by the stdout reader when the node closes its stdout.
    stdout_closed: Arc<AtomicBool>,
    activity: Arc<Activity>,
    backlog: Arc<Backlog>,
}

/// What a node process needs besides its id.
pub struct Spawn<'a> {
    pub bin: &'a Path,
    pub args: &'a [String],
    pub log_dir: &'a Path,
    /// Copy stderr to the console (`--log-stderr`).
    pub echo_stderr: bool,
    pub net: &'a Arc<Network>,
    pub delays: &'a Arc<DelayRecorder>,
    pub events: &'a UnboundedSender<NodeEvent>,
    /// The run's seed, passed on as `$GLOMERS_SEED`: our nodes seed their random numbers
    /// with it (and their id), so the printed seed fixes them too. Other nodes ignore it.
    pub seed: u64,
}

impl NodeProcess {
    /// Starts node `id` and registers it on the network.
    pub fn spawn(id: &str, how: &Spawn<'_>) -> anyhow::Result<NodeProcess> {
        let log_path = how.log_dir.join(format!("{id}.log"));
        let log =
            File::create(&log_path).with_context(|| format!("creating {}", log_path.display()))?;
        let mut child = Command::new(how.bin)
            .args(how.args)
            .current_dir(std::env::temp_dir())
            .env("GLOMERS_SEED", how.seed.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting node {id}: {}", how.bin.display()))?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (tx, rx) = unbounded();
        let backlog = Arc::new(Backlog::new(backlog::LIMIT, backlog::LIMIT_BYTES));
        how.net
            .register(id, Endpoint::Node(tx, Arc::clone(&backlog)));
        let tail = Tail::default();
        let stdout_closed = Arc::new(AtomicBool::new(false));
        let activity = Arc::new(Activity::new(Instant::now()));
        let name = |what: &str| format!("{id}-{what}");
        let threads = vec![
            crate::cpu::spawn(std::thread::Builder::new().name(name("stdin")), {
                let (delays, activity) = (Arc::clone(how.delays), Arc::clone(&activity));
                let backlog = Arc::clone(&backlog);
                move || write_stdin(stdin, rx, &delays, &activity, &backlog)
            })?,
            crate::cpu::spawn(std::thread::Builder::new().name(name("stdout")), {
                let (node, net, events, tail) = (
                    id.to_string(),
                    Arc::clone(how.net),
                    how.events.clone(),
                    tail.clone(),
                );
                let closed = Arc::clone(&stdout_closed);
                let activity = Arc::clone(&activity);
                move || {
                    read_stdout(&node, stdout, &net, &events, &tail, &activity);
                    closed.store(true, Ordering::SeqCst);
                    let _ = events.send(NodeEvent::Exited { node });
                }
            })?,
            crate::cpu::spawn(std::thread::Builder::new().name(name("stderr")), {
                let (node, tail, echo) = (id.to_string(), tail.clone(), how.echo_stderr);
                move || pump_stderr(&node, stderr, log, &tail, echo)
            })?,
            crate::cpu::spawn(std::thread::Builder::new().name(name("exit")), {
                let (node, events) = (id.to_string(), how.events.clone());
                let pid = child_pid(&child);
                move || {
                    if await_exit(pid) {
                        let _ = events.send(NodeEvent::Exited { node });
                    }
                }
            })?,
        ];
        Ok(NodeProcess {
            id: id.to_string(),
            child,
            tail,
            log_path,
            threads,
            net: Arc::clone(how.net),
            stdout_closed,
            activity,
            backlog,
        })
    }

    /// The node's exit status if it has exited.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The most messages that were ever undelivered to this node at once.
    pub fn peak_backlog(&self) -> usize {
        self.backlog.peak()
    }

    /// Why the node counts as silent now (see [`crate::silence`]), if it does.
    pub fn silence(&self) -> Option<String> {
        self.activity.silence(Instant::now())
    }

    /// The last stderr lines, for error reports.
    pub fn tail(&self) -> Vec<String> {
        self.tail.lines()
    }

    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// Gives a node that closed its stdout or exited a moment to exit and to finish writing stderr,
    /// so a report shows its exit status and its last words. Only error paths call this.
    fn settle(&mut self) {
        if !self.stdout_closed.load(Ordering::SeqCst) && self.exit_status().is_none() {
            return;
        }
        let until = Instant::now() + Duration::from_secs(2);
        while self.exit_status().is_none() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        if self.exit_status().is_some() {
            while self.threads.iter().any(|t| {
                t.thread().name().is_some_and(|n| n.ends_with("-stderr")) && !t.is_finished()
            }) && Instant::now() < until
            {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    /// How a node that sent [`NodeEvent::Exited`] ended, `when` it did ("while the test
    /// was running"): its process exited, or it only closed its stdout and still runs.
    pub fn report_ending(&mut self, when: &str) -> String {
        self.settle();
        if self.exit_status().is_some() {
            return self.report(&format!("exited {when}"));
        }
        self.report(&format!(
            "closed its stdout {when} (its process is still running, but nothing it writes can be heard)"
        ))
    }

    /// An error report: the node, how it ended, and its last stderr lines.
    pub fn report(&mut self, what: &str) -> String {
        self.settle();
        let status = match self.exit_status() {
            Some(s) => match (s.code(), s.signal()) {
                (Some(code), _) => format!(" (exit status {code})"),
                (None, Some(signal)) => format!(" (killed by signal {signal})"),
                (None, None) => format!(" ({s})"),
            },
            None => String::new(),
        };
        let tail = self.tail();
        let mut text = format!(
            "node {} {what}{status}; its log is {}",
            self.id,
            self.log_path.display()
        );
        if tail.is_empty() {
            text.push_str("\n  (it wrote nothing to stderr)");
        } else {
            text.push_str(&format!("\n  last {} stderr line(s):", tail.len()));
            for line in tail {
                text.push_str("\n  | ");
                text.push_str(&line);
            }
        }
        text
    }

    /// Takes the node off the network (which ends its stdin writer), SIGKILLs its process
    /// group, and waits for its threads (its stdout and stderr close when they all die).
    ///
    /// A child that left the group (`setsid`) may still hold the node's stdout or stderr
    /// open; the reader threads are then given a second to finish and otherwise left
    /// behind, rather than hanging the harness.
    pub fn kill(mut self) {
        self.net.unregister(&self.id);
        // The group outlives its leader while any member lives, so this works after the
        // node itself has exited too. The node leads its group: its pid is the group id.
        let _ = nix::sys::signal::killpg(child_pid(&self.child), nix::sys::signal::Signal::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
        let until = Instant::now() + Duration::from_secs(1);
        for t in self.threads.drain(..) {
            while !t.is_finished() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(5));
            }
            if t.is_finished() {
                let _ = t.join();
            } else {
                eprintln!(
                    "note: a child of node {} still holds its pipes after the node was killed",
                    self.id
                );
            }
        }
    }
}

fn child_pid(child: &Child) -> nix::unistd::Pid {
    nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pids fit in an i32"))
}

/// Blocks until process `pid` exits, leaving it unreaped (`WNOWAIT`) so that
/// [`NodeProcess::exit_status`] still reads its status. False if it cannot be waited for
/// (already reaped at teardown).
fn await_exit(pid: nix::unistd::Pid) -> bool {
    use nix::sys::wait::{waitid, Id, WaitPidFlag};
    loop {
        match waitid(Id::Pid(pid), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT) {
            Ok(_) => return true,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return false,
        }
    }
}

/// Writes delivered lines to the node, one write per available batch.
fn write_stdin(
    mut stdin: ChildStdin,
    rx: Receiver<Outgoing>,
    delays: &DelayRecorder,
    activity: &Activity,
    backlog: &Backlog,
) {
    let mut batch = Vec::with_capacity(1 << 14);
    let mut dues = Vec::new();
    while let Ok(first) = rx.recv() {
        batch.clear();
        dues.clear();
        let mut client_request = false;
        let (mut lines, mut bytes) = (0, 0);
        for out in std::iter::once(first).chain(rx.try_iter()) {
            batch.extend_from_slice(&out.line);
            dues.extend(out.due.map(tokio::time::Instant::into_std));
            client_request |= out.from_client;
            lines += 1;
            bytes += out.body_bytes;
        }
        activity.writing(Instant::now(), client_request);
        let outcome = stdin.write_all(&batch).and_then(|()| stdin.flush());
        activity.written();
        backlog.remove(lines, bytes);
        if outcome.is_err() {
            return; // The node is gone; the stdout reader reports that.
        }
        if batch.capacity() > SHRINK_ABOVE {
            batch = Vec::with_capacity(1 << 14);
        }
        let written = Instant::now();
        for due in &dues {
            delays.record(written.saturating_duration_since(*due));
        }
    }
}

/// Reads the node's stdout, validating and routing each line, until it closes.
fn read_stdout(
    node: &str,
    stdout: impl Read,
    net: &Arc<Network>,
    events: &UnboundedSender<NodeEvent>,
    tail: &Tail,
    activity: &Activity,
) {
    let mut reader = BufReader::with_capacity(1 << 16, stdout);
    let mut output = NodeOutput::new(node, net, events, tail);
    let mut line = Vec::new();
    loop {
        let read = match line_reader::read_line(&mut reader, &mut line, line_reader::MAX_LINE) {
            Ok(line_reader::Read::End) | Err(_) => break,
            Ok(read) => read,
        };
        let text = String::from_utf8_lossy(&line);
        let sent = match read {
            line_reader::Read::TooLong(length) => output.too_long(&text, length),
            _ => output.line(&text),
        };
        if sent == Some(true) {
            activity.answered();
        }
        // One long line must not keep its buffer for the rest of the run.
        drop(text);
        if line.capacity() > SHRINK_ABOVE {
            line = Vec::new();
        }
    }
    output.finish();
}

/// What a node writes, taken line by line as Maelstrom's reader takes it: each line is
/// validated and sent until the first one Maelstrom rejects, after which the node is deaf
/// (reported once, with its last log lines) and everything it writes is ignored. Node
/// processes and the explorer's in-process nodes share it.
pub struct NodeOutput {
    node: String,
    net: Arc<Network>,
    events: UnboundedSender<NodeEvent>,
    tail: Tail,
    deaf: bool,
    ignored: u64,
}

impl NodeOutput {
    pub fn new(
        node: &str,
        net: &Arc<Network>,
        events: &UnboundedSender<NodeEvent>,
        tail: &Tail,
    ) -> NodeOutput {
        NodeOutput {
            node: node.to_string(),
            net: Arc::clone(net),
            events: events.clone(),
            tail: tail.clone(),
            deaf: false,
            ignored: 0,
        }
    }

    /// Takes one line (without its newline): `Some(true)` when it went to a client,
    /// `Some(false)` elsewhere, `None` when it was not sent (the node is deaf).
    pub fn line(&mut self, text: &str) -> Option<bool> {
        if self.deaf {
            self.ignored += 1;
            return None;
        }
        match route(text, &self.net) {
            Ok(to_client) => Some(to_client),
            Err(reason) => {
                self.go_deaf(text, reason);
                None
            }
        }
    }

    /// Takes a line of `length` bytes, longer than [`line_reader::MAX_LINE`], that the
    /// simulator refuses before parsing it (`start` is its beginning): the node goes deaf.
    pub fn too_long(&mut self, start: &str, length: usize) -> Option<bool> {
        if self.deaf {
            self.ignored += 1;
        } else {
            let reason = format!(
                "a line of {length} bytes, longer than the simulator's limit of {} (Maelstrom would read it)",
                line_reader::MAX_LINE
            );
            self.go_deaf(start, reason);
        }
        None
    }

    fn go_deaf(&mut self, text: &str, reason: String) {
        let node = &self.node;
        self.deaf = true;
        let reason = format!("{reason}; offending line: {}", shorten(text));
        let recent: Vec<String> = self
            .tail
            .lines()
            .into_iter()
            .rev()
            .take(5)
            .rev()
            .map(|l| format!("\n  | {l}"))
            .collect();
        eprintln!(
            "\nERROR: node {node} wrote a line Maelstrom rejects: {reason}\n\
             ERROR: like Maelstrom, the simulator ignores everything {node} writes from now on (the node is deaf)\n\
             ERROR: its last stderr lines:{}\n",
            recent.concat()
        );
        self.tail
            .push(format!("[sim] node is deaf from here on: {reason}"));
        let _ = self.events.send(NodeEvent::Deaf {
            node: node.clone(),
            reason,
        });
    }

    /// The node's output has ended.
    pub fn finish(self) {
        if self.ignored > 0 {
            eprintln!(
                "note: ignored {} line(s) that deaf node {} wrote",
                self.ignored, self.node
            );
        }
    }
}

/// Validates one stdout line and sends it; true when it went to a client.
fn route(text: &str, net: &Network) -> Result<bool, String> {
    let written = wire::parse_line(text)?;
    let to_client = checkers::journal::is_client_id(&written.dest);
    if let Some(backlog) = net.backlog(&written.dest) {
        backlog.wait_for_room(backlog::MAX_PAUSE);
    }
    match net.send(&written.src, &written.dest, written.body) {
        Ok(_) | Err(SendError::Closed) => Ok(to_client),
        Err(refused) => Err(refused.to_string()),
    }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 300;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

/// Copies stderr into the node's log chunk by chunk, keeping the last lines in memory, each
/// cut at [`TAIL_LINE_BYTES`] (the log has them whole).
fn pump_stderr(node: &str, mut stderr: impl Read, mut log: File, tail: &Tail, echo: bool) {
    let mut chunk = vec![0u8; 1 << 14];
    let mut line = TailLine::default();
    loop {
        let n = match stderr.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let _ = log.write_all(&chunk[..n]);
        for finished in line.feed(&chunk[..n]) {
            if echo {
                eprintln!("{node} | {finished}");
            }
            tail.push(finished);
        }
    }
    if line.length > 0 {
        tail.push(line.end_line());
    }
}

/// The stderr line being read: its first [`TAIL_LINE_BYTES`] bytes and its full length.
#[derive(Debug, Default)]
struct TailLine {
    kept: Vec<u8>,
    length: usize,
}

impl TailLine {
    /// Takes in a chunk; returns the lines it ended.
    fn feed(&mut self, mut chunk: &[u8]) -> Vec<String> {
        let mut finished = Vec::new();
        while !chunk.is_empty() {
            let (piece, ended) = match chunk.iter().position(|&b| b == b'\n') {
                Some(end) => (&chunk[..end], true),
                None => (chunk, false),
            };
            let room = TAIL_LINE_BYTES.saturating_sub(self.kept.len());
            self.kept.extend_from_slice(&piece[..piece.len().min(room)]);
            self.length += piece.len();
            chunk = &chunk[piece.len() + usize::from(ended)..];
            if ended {
                finished.push(self.end_line());
            }
        }
        finished
    }

    /// The line so far, noting what was cut; starts the next one.
    fn end_line(&mut self) -> String {
        let mut text = String::from_utf8_lossy(&self.kept).into_owned();
        if self.length > self.kept.len() {
            text.push_str(&format!(
                " [... {} more bytes in the log]",
                self.length - self.kept.len()
            ));
        }
        self.kept.clear();
        self.length = 0;
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Journal;
    use crate::latency::Latency;
    use crate::options::LatencyDist;
    use crate::rng::{stream, Stream};

    fn network() -> Arc<Network> {
        let latency = Latency {
            dist: LatencyDist::Constant,
            mean: 0,
        };
        Network::new(
            tokio::time::Instant::now(),
            latency,
            stream(0, Stream::Latency),
            Journal::create(None, false, false).unwrap(),
        )
    }

    #[test]
    fn only_well_formed_lines_to_known_endpoints_are_routed() {
        let net = network();
        let mut inbox = net.register_mailbox("c0");
        net.register_mailbox("n0");
        let cases = [
            (r#"{"src":"n0","dest":"c0","body":{"type":"x"}}"#, true),
            (r#"{"src":"n0","dest":"c0","body":null,"id":4}"#, true),
            (r#"{"dest":"c0","src":"n0","body":[]}"#, true),
            (r#"{"src":"n0","dest":"c0","body":1}"#, false),
            (r#"{"src":"n0","dest":"c0","body":{},"extra":1}"#, false),
            (r#"{"src":"n0","dest":"c0"}"#, false),
            (r#"{"src":"n0","dest":"c0","body":{},"id":1.5}"#, false),
            (r#"{"src":"n0","dest":"c0","body":{},"id":null}"#, false),
            (r#"{"src":"n0","dest":"c9","body":{}}"#, false),
            (r#"{"src":"n7","dest":"c0","body":{}}"#, false),
            (r#"not json"#, false),
            ("", false),
        ];
        for (line, ok) in cases {
            assert_eq!(route(line, &net).is_ok(), ok, "{line}");
        }
        assert_eq!(std::iter::from_fn(|| inbox.try_recv().ok()).count(), 3);
        assert!(
            route(r#"{"src":"n0","dest":"c0","body":{},"extra":1}"#, &net)
                .unwrap_err()
                .contains("extra")
        );
    }

    #[test]
    fn stderr_lines_are_kept_cut_at_their_limit() {
        let mut line = TailLine::default();
        assert_eq!(line.feed(b"a\n\nb"), ["a", ""]);
        let mut long = vec![b'x'; TAIL_LINE_BYTES + 100];
        long.push(b'\n');
        // The long line arrives in pieces, as a pipe hands it over.
        let mut finished = Vec::new();
        for piece in long.chunks(1000) {
            finished.extend(line.feed(piece));
            assert!(line.kept.len() <= TAIL_LINE_BYTES);
        }
        assert_eq!(finished.len(), 1);
        let expected = format!(
            "b{} [... 101 more bytes in the log]",
            "x".repeat(TAIL_LINE_BYTES - 1)
        );
        assert_eq!(finished[0], expected);
        assert!(line.feed(b"c").is_empty());
        assert_eq!(line.end_line(), "c");
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        let tail = Tail::default();
        for i in 0..40 {
            tail.push(i.to_string());
        }
        let lines = tail.lines();
        assert_eq!(lines.len(), TAIL_LINES);
        assert_eq!(lines.first().map(String::as_str), Some("8"));
        assert_eq!(lines.last().map(String::as_str), Some("39"));
    }
}
