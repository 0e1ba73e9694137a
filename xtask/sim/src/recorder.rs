//! The history as it happens: every invocation and completion, numbered densely from 0 in
//! the order the harness observes them, timed in nanoseconds since the run's origin. Index
//! and time are taken, and the line written, under one lock, so both increase along the
//! history and down the file.
//!
//! Each operation goes to `history.jsonl` (one [`Op`] a line) the moment it is recorded and
//! nothing of it stays here: a run holds a counter and a fixed-size write buffer however
//! long it lasts and however large its values grow (broadcast's reads return every value
//! seen so far, so a 120 s 3d history is mostly read values). The checkers run after the
//! nodes are gone, on the one copy [`read_history`] reads back from the file. A run that
//! keeps no folder (the explorer's) keeps the operations themselves instead, as the file
//! would give them back: writing every operation out as text and parsing it again cost
//! the explorer an eighth of its time, for nothing.
//!
//! Time is tokio's clock: real, or the explorer's virtual one.

use crate::op::{Completion, OpSpec};
use anyhow::Context;
use checkers::history::{History, Op, OpType, Process};
use serde_json::Value;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tokio::time::Instant;

/// The write buffer: one system call per this many bytes of history.
const BUFFER: usize = 1 << 16;

/// Where the operations go.
enum Sink {
    /// `history.jsonl`, a line each.
    File(BufWriter<File>),
    /// The operations, for a run without a folder.
    Memory(History),
}

struct Inner {
    /// The index the next operation gets.
    next: usize,
    file: Sink,
    /// The first write that failed; reported by [`Recorder::finish`] (a full disk must not
    /// stop the workers, but must not pass unnoticed either).
    write_error: Option<String>,
}

/// The shared history of one run, streaming to its file.
pub struct Recorder {
    origin: Instant,
    path: PathBuf,
    inner: Mutex<Inner>,
}

impl Recorder {
    /// A history written to `path` (created, or truncated), timed from `origin`.
    pub fn create(origin: Instant, path: &Path) -> anyhow::Result<Recorder> {
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Recorder {
            origin,
            path: path.to_path_buf(),
            inner: Mutex::new(Inner {
                next: 0,
                file: Sink::File(BufWriter::with_capacity(BUFFER, file)),
                write_error: None,
            }),
        })
    }

    /// A history kept in memory, as its file would give it back, timed from `origin`.
    pub fn in_memory(origin: Instant) -> Recorder {
        Recorder {
            origin,
            path: PathBuf::from("(memory)"),
            inner: Mutex::new(Inner {
                next: 0,
                file: Sink::Memory(History::new()),
                write_error: None,
            }),
        }
    }

    /// The history recorded, read back once (after [`Recorder::finish`]): from its file, or
    /// from memory (which it then gives up).
    pub fn history(&self) -> anyhow::Result<History> {
        let mut inner = self.inner.lock().expect("history lock poisoned");
        match &mut inner.file {
            Sink::File(_) => read_history(&self.path),
            Sink::Memory(ops) => Ok(std::mem::take(ops)),
        }
    }

    fn push(
        &self,
        process: Process,
        kind: OpType,
        f: &str,
        value: Value,
        error: Option<Value>,
        is_final: bool,
    ) -> Op {
        let mut inner = self.inner.lock().expect("history lock poisoned");
        let inner = &mut *inner;
        let op = Op {
            index: inner.next,
            time: self.origin.elapsed().as_nanos() as u64,
            process,
            kind,
            f: f.to_string(),
            value,
            error,
            is_final,
        };
        inner.next += 1;
        match &mut inner.file {
            Sink::File(file) => {
                let written = serde_json::to_writer(&mut *file, &op)
                    .map_err(std::io::Error::from)
                    .and_then(|()| file.write_all(b"\n"));
                if let Err(e) = written {
                    inner.write_error.get_or_insert_with(|| e.to_string());
                }
            }
            Sink::Memory(ops) => ops.push(read_back(op.clone())),
        }
        op
    }

    /// Records the invocation of `op` by client `process`.
    pub fn invoke(&self, process: u64, op: &OpSpec) -> Op {
        self.push(
            Process::Client(process),
            OpType::Invoke,
            &op.f,
            op.value.clone(),
            None,
            op.is_final,
        )
    }

    /// Records how `op`, invoked by `process`, ended.
    pub fn complete(&self, process: u64, op: &OpSpec, done: Completion) -> Op {
        self.push(
            Process::Client(process),
            done.kind,
            &op.f,
            done.value,
            done.error,
            op.is_final,
        )
    }

    /// Records a nemesis event (Jepsen records both halves as `info`).
    pub fn nemesis(&self, f: &str, value: Value) -> Op {
        self.push(Process::Nemesis, OpType::Info, f, value, None, false)
    }

    /// Flushes the file; the history is complete on disk once this returns `Ok`.
    pub fn finish(&self) -> anyhow::Result<()> {
        let mut inner = self.inner.lock().expect("history lock poisoned");
        let flushed = match &mut inner.file {
            Sink::File(file) => file.flush(),
            Sink::Memory(_) => Ok(()),
        };
        if let Some(e) = inner.write_error.take() {
            anyhow::bail!("writing {}: {e}", self.path.display());
        }
        flushed.with_context(|| format!("writing {}", self.path.display()))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Reads a `history.jsonl` back, one line at a time (the file is never held as text).
pub fn read_history(path: &Path) -> anyhow::Result<History> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    parse_history(BufReader::new(file), path)
}

/// Parses history lines from `lines`, naming `path` in errors.
fn parse_history(lines: impl BufRead, path: &Path) -> anyhow::Result<History> {
    let mut history = Vec::new();
    for (n, line) in lines.lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        let mut op: Op = serde_json::from_str(&line)
            .with_context(|| format!("{} line {}: not a history op", path.display(), n + 1))?;
        compact(&mut op.value);
        history.push(op);
    }
    Ok(history)
}

/// `op` as its history line parses back: a `null` error is no error, and arrays keep no
/// spare room.
fn read_back(mut op: Op) -> Op {
    if op.error == Some(Value::Null) {
        op.error = None;
    }
    compact(&mut op.value);
    op
}

/// Gives back the spare room parsing leaves in arrays: they grow by doubling while read, and
/// a history of long reads is mostly arrays.
fn compact(value: &mut Value) {
    match value {
        Value::Array(items) => {
            items.iter_mut().for_each(compact);
            items.shrink_to_fit();
        }
        Value::Object(map) => map.values_mut().for_each(compact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn indices_are_dense_and_times_monotonic() {
        let dir = tempfile::tempdir().unwrap();
        let r = Recorder::create(Instant::now(), &dir.path().join("history.jsonl")).unwrap();
        let read = OpSpec::new("read", Value::Null).final_op();
        r.invoke(0, &read);
        r.nemesis("start-partition", json!("one"));
        r.complete(0, &read, Completion::ok(json!([1])));
        r.finish().unwrap();
        let h = read_history(r.path()).unwrap();
        assert_eq!(h.iter().map(|o| o.index).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(h.windows(2).all(|w| w[0].time <= w[1].time));
        assert!(h[0].is_final && h[2].is_final && !h[1].is_final);
        assert_eq!((h[1].process, h[2].kind), (Process::Nemesis, OpType::Ok));
    }

    /// Broadcast's shape: reads that return ever more values. The recorder keeps none of
    /// them: its buffer never grows, and the file holds every operation, whole and in order,
    /// exactly as the workers were handed them.
    #[test]
    fn the_history_streams_to_its_file_and_nothing_accumulates() {
        let dir = tempfile::tempdir().unwrap();
        let r = std::sync::Arc::new(
            Recorder::create(Instant::now(), &dir.path().join("history.jsonl")).unwrap(),
        );
        let (threads, per_thread) = (4u64, 500u64);
        let returned: Vec<Vec<Op>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|p| {
                    let r = &r;
                    scope.spawn(move || {
                        let read = OpSpec::new("read", Value::Null);
                        let mut mine = Vec::new();
                        for i in 0..per_thread {
                            mine.push(r.invoke(p, &read));
                            let seen: Vec<u64> = (0..i * 10).collect();
                            mine.push(r.complete(p, &read, Completion::ok(json!(seen))));
                        }
                        mine
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        let total = (threads * per_thread * 2) as usize;
        let inner = r.inner.lock().unwrap();
        assert_eq!(inner.next, total);
        let Sink::File(file) = &inner.file else {
            panic!("a recorder created on a path writes to its file");
        };
        assert_eq!(
            file.capacity(),
            BUFFER,
            "the write buffer stays its initial size"
        );
        drop(inner);
        r.finish().unwrap();

        let h = read_history(r.path()).unwrap();
        assert_eq!(h.len(), total);
        assert!(
            h.iter().enumerate().all(|(i, op)| op.index == i),
            "dense, in file order"
        );
        assert!(h.windows(2).all(|w| w[0].time <= w[1].time));
        let mut returned: Vec<Op> = returned.into_iter().flatten().collect();
        returned.sort_by_key(|op| op.index);
        assert_eq!(h, returned, "the file holds what each call returned");
        let largest = h
            .iter()
            .filter_map(|op| op.value.as_array())
            .map(Vec::len)
            .max();
        assert_eq!(largest, Some(((per_thread - 1) * 10) as usize));
    }

    /// On a paused clock, so both recorders see the same times.
    #[tokio::test(start_paused = true)]
    async fn a_history_in_memory_is_what_its_file_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let origin = Instant::now();
        let file = Recorder::create(origin, &dir.path().join("history.jsonl")).unwrap();
        let memory = Recorder::in_memory(origin);
        let read = OpSpec::new("read", Value::Null).final_op();
        let mut seen = Vec::with_capacity(64);
        seen.extend([json!(1), json!(-2), json!(0.5), json!({"k": [1, "two"]})]);
        let done = [
            Completion::ok(json!(seen)),
            Completion {
                kind: OpType::Info,
                value: Value::Null,
                error: Some(Value::Null),
            },
        ];
        for r in [&file, &memory] {
            r.invoke(3, &read);
            r.nemesis("start-partition", json!({"n1": ["n2"]}));
            for d in &done {
                r.complete(3, &read, d.clone());
            }
            r.finish().unwrap();
        }
        let (from_file, kept) = (file.history().unwrap(), memory.history().unwrap());
        assert_eq!(kept, from_file);
        assert_eq!(kept[3].error, None, "a null error reads back as none");
        assert_eq!(kept[2].value.as_array().unwrap().capacity(), 4);
    }

    #[test]
    fn arrays_read_back_keep_no_spare_room() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let values: Vec<u64> = (0..1000).collect();
        let line =
            json!({"index":0,"time":1,"process":0,"type":"ok","f":"read","value":[values, [1]]});
        std::fs::write(&path, format!("{line}\n")).unwrap();
        let h = read_history(&path).unwrap();
        let outer = h[0].value.as_array().unwrap();
        assert_eq!(outer.capacity(), 2);
        assert_eq!(outer[0].as_array().unwrap().capacity(), 1000);
        assert_eq!(h[0].value, json!([values, [1]]));
    }

    #[test]
    fn a_broken_history_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        std::fs::write(
            &path,
            "{\"index\":0,\"time\":1,\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\nnope\n",
        )
        .unwrap();
        let e = format!("{:#}", read_history(&path).unwrap_err());
        assert!(e.contains("line 2: not a history op"), "{e}");
    }
}
