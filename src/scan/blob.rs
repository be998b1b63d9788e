//! Feeds a byte stream to the engine through one bounded, reused buffer: blocks end at
//! line boundaries, keep a look-ahead for windows, and lines of any length work (a long
//! line is cut with enough left context kept for the next block's windows).

use std::io::{self, Read};

use crate::engine::{EDGE, Engine, LINE_CAP, LOOKAHEAD, RuleMask, Scratch, WindowHits};

/// Bytes read per block (plus what is carried over from the previous block).
pub const BLOCK: usize = 1 << 20;
/// The buffer: a block, the look-ahead, and room for one more read.
const CAPACITY: usize = BLOCK + LOOKAHEAD + 64 * 1024;

/// Where a match sits in the stream: 1-based line (relative to the blob's start),
/// 1-based column in characters, and byte offset.
#[derive(Debug, Clone, Copy)]
pub struct Position {
    pub line: u64,
    pub column: u64,
    pub offset: u64,
}

/// Counts lines only as far as hits need them, and columns across cut long lines.
#[derive(Debug, Default)]
struct LineTracker {
    /// Index in the current buffer up to which newlines are counted.
    counted_to: usize,
    /// Newlines before `counted_to`, since the start of the blob.
    newlines: u64,
    /// Characters of the current line that lie before the buffer's first byte.
    line_chars_before_buf: u64,
}

impl LineTracker {
    fn position(&mut self, buf: &[u8], base: u64, at: usize) -> Position {
        if at >= self.counted_to {
            self.newlines += bytecount::count(&buf[self.counted_to..at], b'\n') as u64;
        } else {
            self.newlines -= bytecount::count(&buf[at..self.counted_to], b'\n') as u64;
        }
        self.counted_to = at;
        let column = match memchr::memrchr(b'\n', &buf[..at]) {
            Some(nl) => char_count(&buf[nl + 1..at]),
            None => self.line_chars_before_buf + char_count(&buf[..at]),
        } + 1;
        Position {
            line: self.newlines + 1,
            column,
            offset: base + at as u64,
        }
    }

    /// Count up to `to` (all newlines of the scanned part must be counted before it is dropped).
    fn advance(&mut self, buf: &[u8], to: usize) {
        if to > self.counted_to {
            self.newlines += bytecount::count(&buf[self.counted_to..to], b'\n') as u64;
            self.counted_to = to;
        }
    }

    /// The buffer's first `n` bytes are dropped.
    fn drop_front(&mut self, buf: &[u8], n: usize) {
        self.line_chars_before_buf = match memchr::memrchr(b'\n', &buf[..n]) {
            Some(nl) => char_count(&buf[nl + 1..n]),
            None => self.line_chars_before_buf + char_count(&buf[..n]),
        };
        self.counted_to -= n;
    }
}

/// Characters in UTF-8 (invalid bytes count one each).
fn char_count(bytes: &[u8]) -> u64 {
    bytecount::num_chars(bytes) as u64
}

/// What one stream yielded.
#[derive(Debug, Default)]
pub struct StreamStats {
    pub bytes: u64,
    /// Newlines in the owned part of the stream (for the line numbers of later segments).
    pub newlines: u64,
    /// A read error that ended the stream early (what was read before it was scanned).
    pub error: Option<io::Error>,
}

/// Receives each window's matches with their stream positions.
pub trait HitSink {
    fn window(&mut self, hits: &WindowHits<'_>, position: &mut dyn FnMut(usize) -> Position);
}

/// Which part of a file a stream is.
#[derive(Debug, Clone, Copy, Default)]
pub struct StreamSpan {
    /// The stream's offset in its file.
    pub base: u64,
    /// Keywords are looked for only in the first `owned` bytes (the reader goes on for
    /// context); `None`: to the end.
    pub owned: Option<u64>,
}

/// A worker's reusable memory.
#[derive(Debug)]
pub struct Workspace {
    pub buf: Vec<u8>,
    pub scratch: Scratch,
}

/// Scan `reader` to its end, or its owned part.
pub fn scan_stream(
    engine: &Engine,
    reader: &mut dyn Read,
    span: StreamSpan,
    mask: &RuleMask,
    work: &mut Workspace,
    sink: &mut dyn HitSink,
) -> StreamStats {
    let StreamSpan {
        base,
        owned: owned_len,
    } = span;
    let Workspace { buf, scratch } = work;
    engine.reset(scratch);
    // The buffer keeps its full size across streams; `filled` says how much holds data.
    if buf.len() != CAPACITY {
        buf.resize(CAPACITY, 0);
    }
    let mut filled = 0usize;
    let mut stats = StreamStats::default();
    let mut tracker = LineTracker::default();
    let mut buf_base = base; // offset of buf[0]
    let mut owned_from = 0usize;
    let mut shift = 0usize;
    let mut eof = false;
    loop {
        while !eof && filled < BLOCK + LOOKAHEAD {
            match reader.read(&mut buf[filled..]) {
                Ok(0) => eof = true,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    stats.error = Some(e);
                    eof = true;
                }
            }
        }
        let data = &buf[..filled];
        let owned_end = owned_len.map(|n| (base + n).saturating_sub(buf_base) as usize);
        let mut scan_end = if eof {
            filled
        } else {
            let cut = filled - LOOKAHEAD;
            match memchr::memrchr(b'\n', &data[owned_from..cut]) {
                Some(i) => owned_from + i + 1,
                None => cut,
            }
        };
        let mut done = eof;
        if let Some(end) = owned_end
            && end <= scan_end
        {
            scan_end = end;
            done = true;
        }
        {
            let mut adapter = |hits: &WindowHits<'_>| {
                let tracker = &mut tracker;
                let mut position = |at: usize| tracker.position(data, buf_base, at);
                sink.window(hits, &mut position);
            };
            engine.scan(
                data,
                owned_from..scan_end,
                shift,
                mask,
                scratch,
                &mut adapter,
            );
        }
        tracker.advance(data, scan_end);
        if done {
            stats.bytes = buf_base + scan_end as u64 - base;
            stats.newlines = tracker.newlines;
            return stats;
        }
        // Carry the unscanned rest; on a cut long line, keep left context for its windows.
        let keep_from = if scan_end > 0 && data[scan_end - 1] == b'\n' {
            scan_end
        } else {
            scan_end.saturating_sub(LINE_CAP + EDGE)
        };
        tracker.drop_front(data, keep_from);
        buf.copy_within(keep_from..filled, 0);
        filled -= keep_from;
        buf_base += keep_from as u64;
        shift = keep_from;
        owned_from = scan_end - keep_from;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    struct Collect(Vec<(String, Position)>);
    impl HitSink for Collect {
        fn window(&mut self, hits: &WindowHits<'_>, position: &mut dyn FnMut(usize) -> Position) {
            for m in hits.matches {
                let secret = String::from_utf8_lossy(&hits.buf[m.start..m.end]).into_owned();
                self.0.push((secret, position(m.start)));
            }
        }
    }

    fn run(data: &[u8], reader_chunk: usize) -> Vec<(String, Position)> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(out.len()).min(self.1);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let engine = Engine::new(RuleSet::builtin().expect("rules")).expect("engine");
        let mut work = Workspace {
            buf: Vec::new(),
            scratch: engine.scratch(),
        };
        let mut sink = Collect(Vec::new());
        let mask = engine.mask_for_path("x.log");
        let stats = scan_stream(
            &engine,
            &mut Trickle(data, reader_chunk),
            StreamSpan::default(),
            &mask,
            &mut work,
            &mut sink,
        );
        assert_eq!(stats.bytes, data.len() as u64);
        sink.0
    }

    const TOKEN: &str = "Cookie: JSESSIONID=8F2D6C1E4B7A9F0E3D5C2B1A6E9F8D7C";

    #[test]
    fn lines_and_columns_across_blocks() {
        let mut data = Vec::new();
        let filler = "GET /index.html HTTP/1.1 200 512 \"-\" \"curl/8.0\"\n";
        let mut expected = Vec::new();
        for i in 0..60_000u64 {
            if i % 9_000 == 4_500 {
                data.extend_from_slice(format!("é {TOKEN}\n").as_bytes());
                expected.push((i + 1, data.len() as u64 - 33));
            } else {
                data.extend_from_slice(filler.as_bytes());
            }
        }
        for chunk in [7919, 1 << 16, 1 << 22] {
            let found = run(&data, chunk);
            let got: Vec<(u64, u64)> = found.iter().map(|(_, p)| (p.line, p.offset)).collect();
            assert_eq!(got, expected, "reader chunk {chunk}");
            assert!(found.iter().all(|(_, p)| p.column == 22), "{found:?}");
        }
    }

    #[test]
    fn long_lines_spanning_blocks_report_each_secret_once() {
        let mut data = vec![b'a'; 3 * BLOCK + 12345];
        data.extend_from_slice(format!(" {TOKEN} ").as_bytes());
        data.extend(vec![b'b'; BLOCK]);
        data.extend_from_slice(format!(" {TOKEN}\nnext line\n").as_bytes());
        let found = run(&data, 1 << 20);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|(_, p)| p.line == 1));
        assert_eq!(found[0].1.column, 3 * BLOCK as u64 + 12345 + 21);
    }
}
