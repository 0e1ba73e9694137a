//! The seam between a node and the bytes it exchanges: the only code that touches stdin and
//! stdout. A [`Transport`] is a bounded inbound queue and an [`Outbox`] that hands batches of
//! lines to a [`Sink`]: the stdout thread, a test's channel ([`Transport::in_memory`]), or
//! whatever an in-process cluster wires up ([`Transport::with_sink`]), so the same node loop
//! runs as a process or beside other nodes in one runtime.
//!
//! Both directions move lines in batches, because at hundreds of thousands of messages a
//! second the cost that dominates is waking threads, not parsing. The stdin thread reads
//! with no line length limit and hands over whatever is already buffered as one batch. The
//! outbox collects the node's lines without a system call and passes them to the stdout
//! thread in batches: when a batch is full, or once the node has finished what it was
//! doing (a flusher task yields first, so a burst of replies travels together). The stdout
//! thread owns one buffered writer and flushes whenever its queue runs dry. Every queue is
//! bounded, so a slow reader of our stdout slows the node down instead of growing memory.

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self as std_mpsc, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::{mpsc, Notify};

/// Lines in one inbound or outbound batch, at most.
const BATCH_LINES: usize = 1024;
/// Batches waiting in each direction, at most.
const QUEUED_BATCHES: usize = 64;

/// The exit status of a node whose stdout was closed under it.
pub const EXIT_OUTPUT_CLOSED: i32 = 3;

/// A node's input queue and output outbox.
pub struct Transport {
    pub(crate) inbound: mpsc::Receiver<Vec<String>>,
    pub(crate) outbox: Arc<Outbox>,
    /// The stdout writer, joined at shutdown so every line is written before exit.
    writer: Option<JoinHandle<()>>,
}

/// Where a node's outgoing lines go, a batch at a time.
pub trait Sink: Send + Sync + 'static {
    /// Takes one batch of lines, in order. Fails once nobody reads the node's output.
    fn deliver(&self, batch: Vec<String>) -> Result<(), String>;

    /// Says that nothing follows the batches delivered so far.
    fn close(&self) {}
}

/// A bounded queue to a thread (the stdout writer, a test), which it blocks when full: a
/// slow reader slows the node down. Closing sends the empty batch that ends the writer.
impl Sink for SyncSender<Vec<String>> {
    fn deliver(&self, batch: Vec<String>) -> Result<(), String> {
        self.send(batch)
            .map_err(|_| "the node's output is closed".to_owned())
    }

    fn close(&self) {
        let _ = self.send(Vec::new());
    }
}

/// A queue to a task in the node's own runtime (an in-process network). Unbounded, because
/// blocking the one thread both run on could never end; that task drains it as it goes.
impl Sink for mpsc::UnboundedSender<Vec<String>> {
    fn deliver(&self, batch: Vec<String>) -> Result<(), String> {
        self.send(batch)
            .map_err(|_| "the node's output is closed".to_owned())
    }
}

impl Transport {
    /// A transport whose output goes to `sink`, and whose input is the returned sender:
    /// each message is one batch of lines, and dropping the sender ends the node's input
    /// (EOF on stdin). For running nodes in an in-process cluster.
    pub fn with_sink(sink: impl Sink) -> (Transport, mpsc::Sender<Vec<String>>) {
        let (to_node, inbound) = mpsc::channel(QUEUED_BATCHES);
        let transport = Transport {
            inbound,
            outbox: Arc::new(Outbox::new(Box::new(sink))),
            writer: None,
        };
        (transport, to_node)
    }

    /// Reads lines from stdin and writes lines to stdout, each on a thread of its own.
    pub fn stdio() -> Transport {
        let (inbound_tx, inbound) = mpsc::channel(QUEUED_BATCHES);
        let (batches, batches_rx) = std_mpsc::sync_channel(QUEUED_BATCHES);
        std::thread::Builder::new()
            .name("stdin".into())
            .spawn(move || {
                read_lines(
                    BufReader::with_capacity(1 << 16, std::io::stdin()),
                    inbound_tx,
                )
            })
            .expect("cannot start the stdin thread");
        let writer = std::thread::Builder::new()
            .name("stdout".into())
            .spawn(move || {
                if let Err(err) = write_lines(std::io::stdout().lock(), batches_rx) {
                    // Nobody reads this node any more (Maelstrom stopped, or closed the pipe).
                    // Going on would only log a failed flush per message, forever.
                    tracing::error!(
                        "stdout is closed ({err}); nobody can hear this node, so it exits"
                    );
                    std::process::exit(EXIT_OUTPUT_CLOSED);
                }
            })
            .expect("cannot start the stdout thread");
        Transport {
            inbound,
            outbox: Arc::new(Outbox::new(Box::new(batches))),
            writer: Some(writer),
        }
    }

    /// A transport whose other ends belong to the caller, for driving a node that runs on a
    /// thread of its own from a test's thread.
    pub fn in_memory() -> (Transport, MemoryPeer) {
        let (batches, from_node) = std_mpsc::sync_channel(QUEUED_BATCHES);
        let (transport, to_node) = Transport::with_sink(batches);
        (
            transport,
            MemoryPeer {
                to_node: Some(to_node),
                from_node,
                pending: Default::default(),
            },
        )
    }

    /// Sends what is left in the outbox and waits until the writer has written it all.
    pub(crate) fn finish(mut self) {
        self.outbox.close();
        if let Some(writer) = self.writer.take() {
            if writer.join().is_err() {
                tracing::error!("the stdout writer panicked; some output may be lost");
            }
        }
    }
}

/// Outgoing lines on their way to the writer.
pub struct Outbox {
    lines: Mutex<Vec<String>>,
    /// Raised when the outbox stops being empty, so the flusher sends it along.
    flush_wanted: Notify,
    sink: Box<dyn Sink>,
    closed: AtomicBool,
}

impl Outbox {
    fn new(sink: Box<dyn Sink>) -> Outbox {
        Outbox {
            lines: Mutex::default(),
            flush_wanted: Notify::new(),
            sink,
            closed: AtomicBool::new(false),
        }
    }

    /// Queues one line (without its newline). Fails once the writer has gone away.
    pub(crate) fn push(&self, line: String) -> Result<(), String> {
        if self.closed.load(Ordering::Relaxed) {
            return Err("the node's output is closed".to_owned());
        }
        let full_batch = {
            let mut lines = self.lock();
            lines.push(line);
            if lines.len() == 1 {
                self.flush_wanted.notify_one();
            }
            (lines.len() >= BATCH_LINES).then(|| std::mem::take(&mut *lines))
        };
        match full_batch {
            Some(batch) => self.sink.deliver(batch),
            None => Ok(()),
        }
    }

    /// Hands everything queued to the writer.
    pub(crate) fn flush(&self) {
        let batch = std::mem::take(&mut *self.lock());
        if !batch.is_empty() && self.sink.deliver(batch).is_err() {
            tracing::error!("the node's output is closed; dropped outgoing messages");
        }
    }

    /// Sends what is queued and tells the writer that nothing follows. Handles of the
    /// outbox may outlive this (held by tasks the runtime drops later); their lines fail.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.flush();
        self.sink.close();
    }

    /// The flusher task: whenever lines are queued, lets the current burst of work finish,
    /// then sends them along. Runs until the runtime stops.
    pub(crate) async fn run_flusher(self: Arc<Outbox>) {
        loop {
            self.flush_wanted.notified().await;
            tokio::task::yield_now().await;
            self.flush();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        // Only one thread ever pushes (the node's runtime), so the lock is never contended;
        // a poisoned one still holds a valid vector.
        crate::lock::lock(&self.lines)
    }
}

/// The test's side of an in-memory transport.
pub struct MemoryPeer {
    to_node: Option<mpsc::Sender<Vec<String>>>,
    from_node: Receiver<Vec<String>>,
    pending: std::cell::RefCell<std::collections::VecDeque<String>>,
}

impl MemoryPeer {
    /// Delivers one line to the node, as if written to its stdin.
    pub fn send(&self, line: impl Into<String>) {
        let sender = self.to_node.as_ref().expect("send after close");
        sender
            .blocking_send(vec![line.into()])
            .expect("the node stopped reading its input");
    }

    /// The next line the node wrote, waiting at most `timeout`.
    pub fn recv(&self, timeout: Duration) -> Option<String> {
        let mut pending = self.pending.borrow_mut();
        if pending.is_empty() {
            match self.from_node.recv_timeout(timeout) {
                Ok(batch) => pending.extend(batch),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
        pending.pop_front()
    }

    /// Ends the node's input, as EOF on stdin does.
    pub fn close(&mut self) {
        self.to_node = None;
    }
}

fn read_lines<R: Read>(mut input: BufReader<R>, batches: mpsc::Sender<Vec<String>>) {
    let mut batch = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {
                let text = line.trim_end_matches(['\n', '\r']);
                if !text.trim().is_empty() {
                    batch.push(text.to_owned());
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::InvalidData => {
                // Invalid UTF-8 cannot be a JSON line. `read_line` has consumed it up to and
                // including its newline, so just go on with the next one.
                tracing::warn!("skipped an input line that is not UTF-8");
            }
            Err(err) => {
                tracing::error!("stopped reading stdin: {err}");
                break;
            }
        }
        // Hand over the batch once no complete line is buffered (the next read would wait
        // for more input) or it is full.
        let handover =
            !batch.is_empty() && (!input.buffer().contains(&b'\n') || batch.len() >= BATCH_LINES);
        if handover && batches.blocking_send(std::mem::take(&mut batch)).is_err() {
            return;
        }
    }
    if !batch.is_empty() {
        let _ = batches.blocking_send(batch);
    }
}

/// Writes every batch to `output` until the end marker or until the outbox goes away.
/// Fails as soon as a write or flush does: the reader has gone.
fn write_lines(output: impl Write, batches: Receiver<Vec<String>>) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, output);
    // An empty batch is the end marker sent by `Outbox::close`.
    while let Ok(first) = batches.recv() {
        let mut next = Some(first);
        while let Some(batch) = next {
            if batch.is_empty() {
                return out.flush();
            }
            for line in batch {
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
            }
            next = batches.try_recv().ok();
        }
        // The queue ran dry: whatever was written must reach the reader now.
        out.flush()?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_long_lines_and_skips_blank_and_non_utf8_ones() {
        let long = format!("{{\"x\":\"{}\"}}", "a".repeat(1 << 20));
        let mut input = Vec::new();
        input.extend_from_slice(long.as_bytes());
        input.extend_from_slice(b"\n\n  \n\xff\xfe bad\nlast\r\n");
        let (tx, mut rx) = mpsc::channel(8);
        read_lines(BufReader::new(&input[..]), tx);
        let mut lines = Vec::new();
        while let Some(batch) = rx.blocking_recv() {
            lines.extend(batch);
        }
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), long.len());
        assert_eq!(lines[1], "last");
    }

    #[test]
    fn batches_never_exceed_their_bound() {
        let input: String = (0..3000).map(|i| format!("line {i}\n")).collect();
        let (tx, mut rx) = mpsc::channel(8);
        let reader =
            std::thread::spawn(move || read_lines(BufReader::new(std::io::Cursor::new(input)), tx));
        let mut count = 0;
        while let Some(batch) = rx.blocking_recv() {
            assert!(batch.len() <= BATCH_LINES);
            count += batch.len();
        }
        reader.join().unwrap();
        assert_eq!(count, 3000);
    }

    #[test]
    fn the_outbox_delivers_every_line_in_order() {
        let (tx, rx) = std_mpsc::sync_channel(4);
        let writer = std::thread::spawn(move || {
            let mut buffer = Vec::new();
            write_lines(&mut buffer, rx).unwrap();
            buffer
        });
        let outbox = Outbox::new(Box::new(tx));
        for i in 0..2500 {
            outbox.push(format!("line {i}")).unwrap();
        }
        outbox.flush();
        drop(outbox);
        let written = String::from_utf8(writer.join().unwrap()).unwrap();
        let expected: String = (0..2500).map(|i| format!("line {i}\n")).collect();
        assert_eq!(written, expected);
    }

    /// A writer whose reader has gone, as stdout is once Maelstrom closes the pipe.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn the_writer_reports_a_closed_output_instead_of_carrying_on() {
        let (tx, rx) = std_mpsc::sync_channel(4);
        let writer = std::thread::spawn(move || write_lines(ClosedPipe, rx));
        tx.send(vec!["line".to_owned()]).unwrap();
        let outcome = writer.join().unwrap();
        assert_eq!(outcome.unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);
    }
}
