//! A scan: list the targets, cut big files into line-aligned segments, scan every
//! segment in parallel, group the matches into findings, and summarise.

pub mod blob;
pub mod collect;

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rayon::prelude::*;

use crate::engine::{Engine, LOOKAHEAD};
use crate::error::Error;
use crate::report::finding::{Finding, Location, PathNote, Report, Summary, hex};
use crate::source::fs::{FileEntry, Listing, WalkOptions, build_excludes, io_reason, walk};
use blob::{StreamSpan, Workspace, scan_stream};
use collect::{Groups, JobCollector, merge};

/// A file at least this large is cut into segments scanned in parallel.
const SPLIT_THRESHOLD: u64 = 64 << 20;
/// The smallest segment.
const MIN_SEGMENT: u64 = 32 << 20;

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Path(PathBuf),
    Stdin,
}

impl Target {
    pub fn parse(arg: &str) -> Target {
        if arg == "-" {
            Target::Stdin
        } else {
            Target::Path(PathBuf::from(arg))
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ScanConfig {
    pub targets: Vec<Target>,
    pub walk: WalkOptions,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    pub show_secrets: bool,
}

/// Counters a progress display may poll while the scan runs.
#[derive(Debug, Default)]
pub struct Progress {
    pub bytes_done: AtomicU64,
    pub files_done: AtomicU64,
    pub bytes_total: AtomicU64,
    pub files_total: AtomicU64,
}

const STDIN_PATH: &str = "(stdin)";

/// One unit of parallel work: a whole file, or a segment of a big one.
#[derive(Debug, Clone, Copy)]
struct Job {
    file: u32,
    start: u64,
    /// Bytes owned by the job (keywords starting there are its); `None`: to the end.
    owned: Option<u64>,
    /// Whether this is the file's last job (it reports the file as done).
    last: bool,
}

struct JobResult {
    bytes: u64,
    newlines: u64,
    error: Option<String>,
}

pub fn run(engine: &Engine, config: &ScanConfig, progress: &Progress) -> Result<Report, Error> {
    let started = Instant::now();
    let excludes = build_excludes(&config.walk.exclude)?;
    let mut listing = Listing::default();
    let mut stdin_index = None;
    for target in &config.targets {
        match target {
            Target::Stdin => {
                if stdin_index.is_none() {
                    stdin_index = Some(listing.files.len());
                    listing.files.push(FileEntry {
                        path: PathBuf::from("-"),
                        display: STDIN_PATH.into(),
                        size: 0,
                    });
                }
            }
            Target::Path(path) => walk(path, &config.walk, &excludes, &mut listing),
        }
    }
    let files = &listing.files;
    progress
        .files_total
        .store(files.len() as u64, Ordering::Relaxed);
    progress
        .bytes_total
        .store(files.iter().map(|f| f.size).sum(), Ordering::Relaxed);

    let threads = if config.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        config.threads
    };
    let mut jobs = Vec::with_capacity(files.len());
    for (index, file) in files.iter().enumerate() {
        plan_jobs(
            index as u32,
            file,
            threads,
            Some(index) == stdin_index,
            &mut jobs,
        );
    }

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Engine(format!("thread pool: {e}")))?;
    let total: Mutex<Groups> = Mutex::new(Groups::new());
    let results: Vec<JobResult> = pool.install(|| {
        jobs.par_iter()
            .enumerate()
            .with_max_len(1)
            .map_init(
                || Workspace {
                    buf: Vec::new(),
                    scratch: engine.scratch(),
                },
                |work, (index, job)| {
                    let file = &files[job.file as usize];
                    let mut collector =
                        JobCollector::new(engine, job.file, index as u32, config.show_secrets);
                    let result = run_job(engine, job, file, work, &mut collector);
                    progress
                        .bytes_done
                        .fetch_add(result.bytes, Ordering::Relaxed);
                    if job.last {
                        progress.files_done.fetch_add(1, Ordering::Relaxed);
                    }
                    if !collector.groups.is_empty()
                        && let Ok(mut total) = total.lock()
                    {
                        merge(&mut total, collector.groups);
                    }
                    result
                },
            )
            .collect()
    });
    let groups = total
        .into_inner()
        .map_err(|_| Error::Engine("a scan thread panicked".into()))?;
    Ok(build_report(
        engine,
        &listing,
        &jobs,
        &results,
        groups,
        started.elapsed().as_secs_f64(),
    ))
}

/// Cut a big file into segments that start at line starts; small files are one job.
fn plan_jobs(file: u32, entry: &FileEntry, threads: usize, stdin: bool, jobs: &mut Vec<Job>) {
    let whole = Job {
        file,
        start: 0,
        owned: None,
        last: true,
    };
    if stdin || threads < 2 || entry.size < SPLIT_THRESHOLD {
        jobs.push(whole);
        return;
    }
    let segment = (entry.size / (threads as u64 * 4)).max(MIN_SEGMENT);
    let mut starts = vec![0u64];
    if let Ok(mut f) = File::open(&entry.path) {
        let mut nominal = segment;
        while nominal < entry.size {
            match next_line_start(&mut f, nominal) {
                Some(s) if s < entry.size && s > *starts.last().unwrap_or(&0) => starts.push(s),
                _ => {}
            }
            nominal += segment;
        }
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

fn run_job(
    engine: &Engine,
    job: &Job,
    file: &FileEntry,
    work: &mut Workspace,
    collector: &mut JobCollector<'_>,
) -> JobResult {
    let mask = engine.mask_for_path(&file.display);
    let mut reader: Box<dyn Read> = if file.display == STDIN_PATH && file.path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let mut f = match File::open(&file.path) {
            Ok(f) => f,
            Err(e) => {
                return JobResult {
                    bytes: 0,
                    newlines: 0,
                    error: Some(io_reason(&e)),
                };
            }
        };
        if job.start > 0
            && let Err(e) = f.seek(SeekFrom::Start(job.start))
        {
            return JobResult {
                bytes: 0,
                newlines: 0,
                error: Some(io_reason(&e)),
            };
        }
        match job.owned {
            // Read past the owned part for the windows' look-ahead.
            Some(owned) => Box::new(f.take(owned + LOOKAHEAD as u64 + 8192)),
            None => Box::new(f),
        }
    };
    let stats = scan_stream(
        engine,
        &mut reader,
        StreamSpan {
            base: job.start,
            owned: job.owned,
        },
        &mask,
        work,
        collector,
    );
    JobResult {
        bytes: stats.bytes,
        newlines: stats.newlines,
        error: stats.error.map(|e| {
            format!(
                "read error after {} bytes: {}",
                job.start + stats.bytes,
                io_reason(&e)
            )
        }),
    }
}

fn build_report(
    engine: &Engine,
    listing: &Listing,
    jobs: &[Job],
    results: &[JobResult],
    groups: Groups,
    elapsed: f64,
) -> Report {
    // Lines of later segments start after the newlines of the segments before them.
    let mut line_base = vec![0u64; jobs.len()];
    for i in 1..jobs.len() {
        if jobs[i].file == jobs[i - 1].file {
            line_base[i] = line_base[i - 1] + results[i - 1].newlines;
        }
    }
    let mut summary = Summary {
        rules: engine.rules().len(),
        skipped: listing.skipped.clone(),
        failed: listing.failed.clone(),
        ..Summary::default()
    };
    let mut file_failed = vec![false; listing.files.len()];
    for (job, result) in jobs.iter().zip(results) {
        summary.bytes_scanned += result.bytes;
        if let Some(reason) = &result.error
            && !file_failed[job.file as usize]
        {
            file_failed[job.file as usize] = true;
            summary.failed.push(PathNote {
                path: listing.files[job.file as usize].display.clone(),
                reason: reason.clone(),
            });
        }
    }
    summary.files_scanned = file_failed.iter().filter(|f| !**f).count() as u64;
    summary.files_failed = summary.failed.len() as u64;
    summary.files_skipped = summary.skipped.len() as u64;
    summary.elapsed_seconds = elapsed;
    summary.mb_per_second = if elapsed > 0.0 {
        summary.bytes_scanned as f64 / 1e6 / elapsed
    } else {
        0.0
    };

    let rules = engine.rules().rules();
    let mut findings: Vec<(u32, u64, Finding)> = groups
        .into_values()
        .map(|g| {
            let rule = &rules[g.rule as usize];
            let spec = &rule.spec;
            let first = g
                .samples
                .first()
                .map_or((u32::MAX, 0), |s| (s.file, s.offset));
            let locations = g
                .samples
                .iter()
                .map(|s| Location {
                    path: listing.files[s.file as usize].display.clone(),
                    line: s.line + line_base.get(s.job as usize).copied().unwrap_or(0),
                    column: s.column,
                    offset: s.offset,
                })
                .collect();
            let finding = Finding {
                rule_id: spec.id.clone(),
                rule_name: spec.name.clone(),
                category: spec.category.clone(),
                severity: spec.severity,
                framework: spec.framework.clone(),
                secret_masked: g.masked,
                secret: g.secret,
                fingerprint: hex(&g.fingerprint),
                occurrences: g.count,
                locations,
                context: g.context,
                description: spec.description.clone(),
                remediation: spec.remediation.clone(),
                references: spec.references.clone(),
            };
            (first.0, first.1, finding)
        })
        .collect();
    findings.sort_by(|a, b| {
        b.2.severity
            .cmp(&a.2.severity)
            .then(a.0.cmp(&b.0))
            .then(a.1.cmp(&b.1))
            .then(a.2.rule_id.cmp(&b.2.rule_id))
    });
    let findings: Vec<Finding> = findings.into_iter().map(|(_, _, f)| f).collect();
    summary.findings = findings.len() as u64;
    for f in &findings {
        summary.occurrences += f.occurrences;
        summary.by_severity.add(f.severity);
    }
    Report { findings, summary }
}
