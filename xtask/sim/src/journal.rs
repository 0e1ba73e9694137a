//! The message journal of a run: every send the network accepted and every delivery, written
//! to `messages.jsonl` (with bodies) as it happens, and counted into a fixed-size
//! [`NetTally`] for the network-statistics checker. Nothing is kept per message, so a node
//! that floods its peers grows the file, not the simulator.

use anyhow::Context;
use checkers::journal::NetEventKind;
use checkers::net::NetTally;
use serde::Serialize;
use serde_json::value::RawValue;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;

/// A journal line as written; the same shape `checkers::journal::NetEvent` reads back.
#[derive(Serialize)]
struct Line<'a> {
    time: u64,
    #[serde(rename = "type")]
    kind: NetEventKind,
    id: u64,
    src: &'a str,
    dest: &'a str,
    body: &'a RawValue,
}

struct Inner {
    file: Option<BufWriter<File>>,
    tally: NetTally,
    write_error: Option<String>,
}

/// The journal; safe to share between the threads that send and deliver messages.
pub struct Journal {
    inner: Mutex<Inner>,
    /// Echo sends / deliveries on the console (`--log-net-send`, `--log-net-recv`).
    echo_send: bool,
    echo_recv: bool,
}

impl Journal {
    /// A journal writing to `path` (or only in memory when `None`).
    pub fn create(
        path: Option<&Path>,
        echo_send: bool,
        echo_recv: bool,
    ) -> anyhow::Result<Journal> {
        let file = match path {
            Some(p) => Some(BufWriter::with_capacity(
                1 << 16,
                File::create(p).with_context(|| format!("creating {}", p.display()))?,
            )),
            None => None,
        };
        let inner = Inner {
            file,
            tally: NetTally::default(),
            write_error: None,
        };
        Ok(Journal {
            inner: Mutex::new(inner),
            echo_send,
            echo_recv,
        })
    }

    /// Records one event at `time` ns.
    pub fn record(
        &self,
        time: u64,
        kind: NetEventKind,
        id: u64,
        src: &str,
        dest: &str,
        body: &RawValue,
    ) {
        let echo = match kind {
            NetEventKind::Send => self.echo_send,
            NetEventKind::Recv => self.echo_recv,
        };
        if echo {
            let verb = if kind == NetEventKind::Send {
                "send"
            } else {
                "recv"
            };
            eprintln!("net {verb} #{id} {src} -> {dest} {}", body.get());
        }
        let mut inner = self.inner.lock().expect("journal lock poisoned");
        let inner = &mut *inner;
        if let Some(file) = inner.file.as_mut() {
            let line = Line {
                time,
                kind,
                id,
                src,
                dest,
                body,
            };
            let written = serde_json::to_writer(&mut *file, &line)
                .map_err(std::io::Error::from)
                .and_then(|()| file.write_all(b"\n"));
            if let Err(e) = written {
                inner.write_error.get_or_insert_with(|| e.to_string());
            }
        }
        inner.tally.add(kind, src, dest);
    }

    /// Flushes the file and hands over the counts.
    pub fn finish(&self) -> anyhow::Result<NetTally> {
        let mut inner = self.inner.lock().expect("journal lock poisoned");
        if let Some(file) = inner.file.as_mut() {
            file.flush().context("writing messages.jsonl")?;
        }
        if let Some(e) = inner.write_error.take() {
            anyhow::bail!("writing messages.jsonl: {e}");
        }
        Ok(std::mem::take(&mut inner.tally))
    }
}
