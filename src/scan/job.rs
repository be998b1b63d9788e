//! One unit of parallel work: a whole file (decoded: compressed, archived, UTF-16,
//! binary) or a line-aligned segment of a big plain-text file.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;

use super::STDIN_PATH;
use super::blob::{StreamSpan, Workspace, scan_stream};
use super::collect::JobCollector;
use crate::config::Allow;
use crate::decode::sniff::{Kind, read_header, sniff};
use crate::decode::{Content, DecodeOptions, Input, Visitor, decode, describe};
use crate::engine::{Engine, LOOKAHEAD};
use crate::report::finding::PathNote;
use crate::source::Remote;
use crate::source::fs::{FileEntry, io_reason};

#[derive(Debug, Clone, Copy)]
pub struct Job {
    pub file: u32,
    pub start: u64,
    /// Bytes owned by the job (keywords starting there are its); `None`: the whole file.
    pub owned: Option<u64>,
    /// Whether this is the file's last job (it reports the file as done).
    pub last: bool,
}

#[derive(Debug, Default)]
pub struct JobResult {
    /// Bytes scanned (decoded bytes for compressed content).
    pub bytes: u64,
    /// Newlines in the owned part (for the line numbers of later segments).
    pub newlines: u64,
    /// Archive members scanned.
    pub members: u64,
    /// Occurrences suppressed (inline marker, allowed path).
    pub suppressed: u64,
    /// The file itself was passed over (media, too deeply nested…).
    pub skipped_whole: bool,
    pub skipped: Vec<PathNote>,
    pub failed: Vec<PathNote>,
}

/// Cut a big plain-text file into segments that start at line starts; anything else
/// (small, compressed, archived, UTF-16, standard input) is one job.
pub fn plan_jobs(
    file: u32,
    entry: &FileEntry,
    splittable: bool,
    threads: usize,
    threshold: u64,
    jobs: &mut Vec<Job>,
) {
    let whole = Job {
        file,
        start: 0,
        owned: None,
        last: true,
    };
    if !splittable || entry.size < threshold {
        jobs.push(whole);
        return;
    }
    let Ok(mut f) = File::open(&entry.path) else {
        jobs.push(whole); // the job reports the error
        return;
    };
    if !read_header(&mut f).is_ok_and(|h| matches!(sniff(&h), Kind::Text | Kind::Binary)) {
        jobs.push(whole);
        return;
    }
    // A few segments per thread balance the load; none smaller than half the threshold.
    let segment = (entry.size / (threads as u64 * 4))
        .max(threshold / 2)
        .max(1);
    let mut starts = vec![0u64];
    let mut nominal = segment;
    while nominal < entry.size {
        if let Some(s) = next_line_start(&mut f, nominal)
            && s < entry.size
            && s > starts.last().copied().unwrap_or(0)
        {
            starts.push(s);
        }
        nominal += segment;
    }
    for (i, &start) in starts.iter().enumerate() {
        let next = starts.get(i + 1).copied();
        jobs.push(Job {
            file,
            start,
            owned: next.map(|n| n - start),
            last: next.is_none(),
        });
    }
}

/// The offset just after the first newline at or after `from` (within 1 MiB), if any.
fn next_line_start(f: &mut File, from: u64) -> Option<u64> {
    f.seek(SeekFrom::Start(from)).ok()?;
    let mut chunk = vec![0u8; 64 * 1024];
    let mut at = from;
    while at - from < (1 << 20) {
        let n = f.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        if let Some(i) = memchr::memchr(b'\n', &chunk[..n]) {
            return Some(at + i as u64 + 1);
        }
        at += n as u64;
    }
    None
}

#[allow(clippy::too_many_arguments)]
pub fn run_job<'e>(
    engine: &'e Engine,
    job: &Job,
    file: &FileEntry,
    remote: Option<&dyn Remote>,
    decode_options: &DecodeOptions,
    allow: &Allow,
    work: &mut Workspace,
    collector: &mut JobCollector<'e>,
) -> JobResult {
    let mut result = JobResult::default();
    let is_stdin = file.display == STDIN_PATH && file.path.as_os_str() == "-";
    if is_stdin {
        let mut visitor =
            JobVisitor::new(engine, &file.display, allow, work, collector, &mut result);
        decode(
            Input::Stream(Box::new(io::stdin().lock())),
            &file.display,
            decode_options,
            &mut visitor,
        );
        return result;
    }
    if let Some(object) = file.remote {
        let opened = remote
            .ok_or_else(|| "no remote source".to_string())
            .and_then(|r| r.open(object));
        match opened {
            Ok(reader) => {
                let mut visitor =
                    JobVisitor::new(engine, &file.display, allow, work, collector, &mut result);
                decode(
                    Input::Stream(reader),
                    &file.display,
                    decode_options,
                    &mut visitor,
                );
            }
            Err(reason) => result.failed.push(PathNote {
                path: file.display.clone(),
                reason,
            }),
        }
        return result;
    }
    let mut f = match File::open(&file.path) {
        Ok(f) => f,
        Err(e) => {
            result.failed.push(PathNote {
                path: file.display.clone(),
                reason: io_reason(&e),
            });
            return result;
        }
    };
    if job.start == 0 && job.owned.is_none() {
        let mut visitor =
            JobVisitor::new(engine, &file.display, allow, work, collector, &mut result);
        decode(Input::File(f), &file.display, decode_options, &mut visitor);
        return result;
    }
    // A segment of a plain-text file: read past the owned part for the windows' look-ahead.
    if let Err(e) = f.seek(SeekFrom::Start(job.start)) {
        result.failed.push(PathNote {
            path: file.display.clone(),
            reason: io_reason(&e),
        });
        return result;
    }
    let mut reader = f.take(job.owned.map_or(u64::MAX, |n| n + LOOKAHEAD as u64 + 8192));
    let mask = engine.mask_for_path(&file.display);
    let span = StreamSpan {
        base: job.start,
        owned: job.owned,
    };
    let stats = scan_stream(engine, &mut reader, span, &mask, work, collector);
    result.bytes = stats.bytes;
    result.newlines = stats.newlines;
    if let Some(e) = stats.error {
        result.failed.push(PathNote {
            path: file.display.clone(),
            reason: format!(
                "read error after {} bytes: {}",
                job.start + stats.bytes,
                describe(&e)
            ),
        });
    }
    result
}

/// Scans the leaves that decoding yields and records its notes.
struct JobVisitor<'a, 'e> {
    engine: &'e Engine,
    root: &'a str,
    allow: &'a Allow,
    work: &'a mut Workspace,
    collector: &'a mut JobCollector<'e>,
    result: &'a mut JobResult,
    part: u32,
}

impl<'a, 'e> JobVisitor<'a, 'e> {
    fn new(
        engine: &'e Engine,
        root: &'a str,
        allow: &'a Allow,
        work: &'a mut Workspace,
        collector: &'a mut JobCollector<'e>,
        result: &'a mut JobResult,
    ) -> Self {
        JobVisitor {
            engine,
            root,
            allow,
            work,
            collector,
            result,
            part: 0,
        }
    }
}

impl Visitor for JobVisitor<'_, '_> {
    fn scan(&mut self, path: &str, content: Content, reader: &mut dyn Read) -> Option<io::Error> {
        let member = (path != self.root).then(|| Arc::<str>::from(path));
        if member.is_some() {
            self.part += 1;
            self.result.members += 1;
        }
        let allowed = self.allow.has_paths() && self.allow.allows_path(path);
        self.collector
            .set_leaf(self.part, member, content == Content::Binary, allowed);
        let mask = self.engine.mask_for_path(path);
        let stats = scan_stream(
            self.engine,
            reader,
            StreamSpan::default(),
            &mask,
            self.work,
            self.collector,
        );
        self.result.bytes += stats.bytes;
        self.result.newlines += stats.newlines;
        stats.error
    }

    fn skipped(&mut self, path: &str, reason: String) {
        if path == self.root && self.result.bytes == 0 && self.result.members == 0 {
            self.result.skipped_whole = true;
        }
        self.result.skipped.push(PathNote {
            path: path.to_string(),
            reason,
        });
    }

    fn failed(&mut self, path: &str, reason: String) {
        self.result.failed.push(PathNote {
            path: path.to_string(),
            reason,
        });
    }
}
