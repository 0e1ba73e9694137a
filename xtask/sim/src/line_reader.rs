//! Reading a node's stdout one line at a time without holding more than a cap of it.
//!
//! Maelstrom reads any line a node writes, however long, into memory. The simulator keeps at
//! most [`MAX_LINE`] bytes of one line: the rest of a longer line is read and thrown away,
//! and its full length reported, so a node that writes a 200 MB line (or never ends one)
//! costs the harness the cap and no more. What the node's reader then does about it (the
//! node goes deaf, as for any line Maelstrom could not use) is [`crate::process`]'s business.

use std::io::{self, BufRead};

/// The longest stdout line the simulator accepts: 16 MiB, some two hundred times the
/// largest our suites write (a broadcast `read_ok` late in a 120 s 3d run).
pub const MAX_LINE: usize = 16 << 20;

/// What one read returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// The stream ended before another byte.
    End,
    /// A line of this many bytes (without its newline), all of them in the buffer.
    Line(usize),
    /// A line of this many bytes, longer than the cap: only the first `max` are in the buffer.
    TooLong(usize),
}

/// Reads the next line into `line` (cleared first, newline dropped), keeping at most `max`
/// of its bytes. A last line without a newline counts as a line.
pub fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>, max: usize) -> io::Result<Read> {
    line.clear();
    let mut length = 0usize;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (piece, ended) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => (&available[..end], true),
            None => (available, false),
        };
        let room = max.saturating_sub(line.len());
        line.extend_from_slice(&piece[..piece.len().min(room)]);
        length += piece.len();
        let used = piece.len() + usize::from(ended);
        reader.consume(used);
        if ended {
            break;
        }
    }
    Ok(match (any, length > max) {
        (false, _) => Read::End,
        (true, false) => Read::Line(length),
        (true, true) => Read::TooLong(length),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    fn all(input: &[u8], max: usize, buffer: usize) -> Vec<(Read, Vec<u8>)> {
        let mut reader = BufReader::with_capacity(buffer, input);
        let mut line = Vec::new();
        let mut out = Vec::new();
        loop {
            let read = read_line(&mut reader, &mut line, max).unwrap();
            out.push((read, line.clone()));
            if read == Read::End {
                return out;
            }
        }
    }

    #[test]
    fn lines_within_the_cap_are_whole_and_longer_ones_are_cut_and_measured() {
        // A 4-byte buffer makes lines span several reads.
        let got = all(b"ab\n\nabcdefghij\nxyz", 5, 4);
        let want: Vec<(Read, Vec<u8>)> = vec![
            (Read::Line(2), b"ab".to_vec()),
            (Read::Line(0), b"".to_vec()),
            (Read::TooLong(10), b"abcde".to_vec()),
            (Read::Line(3), b"xyz".to_vec()),
            (Read::End, b"".to_vec()),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn a_huge_line_costs_the_cap_not_its_length() {
        let mut input = vec![b'x'; 3 << 20];
        input.extend_from_slice(b"\n{}\n");
        let mut reader = BufReader::with_capacity(1 << 16, &input[..]);
        let mut line = Vec::new();
        let max = 1 << 10;
        assert_eq!(
            read_line(&mut reader, &mut line, max).unwrap(),
            Read::TooLong(3 << 20)
        );
        assert!(line.capacity() < 2 * max + (1 << 16), "{}", line.capacity());
        assert_eq!(
            read_line(&mut reader, &mut line, max).unwrap(),
            Read::Line(2)
        );
        assert_eq!(line, b"{}");
    }
}
