//! A scan: list the targets, cut big files into line-aligned segments, scan every
//! segment in parallel, group the matches into findings, and summarise.

pub mod blob;
pub mod collect;
mod job;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use globset::GlobSet;
use rayon::prelude::*;

use crate::audit::assess::assess;
use crate::audit::join::join;
use crate::audit::s3::gather;
use crate::config::Allow;
use crate::decode::DecodeOptions;
use crate::engine::Engine;
use crate::error::Error;
use crate::report::finding::{BucketSummary, Finding, Location, Report, Summary, hex};
use crate::source::Remote;
use crate::source::fs::{FileEntry, Listing, WalkOptions, build_excludes, display_path, walk};
use crate::source::s3::{S3Options, S3Source, S3Url};
use blob::Workspace;
use collect::{Group, Groups, JobCollector, SharedGroups};
use job::{Job, JobResult, plan_jobs, run_job};

/// A file at least this large is cut into segments scanned in parallel.
const SPLIT_THRESHOLD: u64 = 64 << 20;

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Path(PathBuf),
    Stdin,
    /// `s3://bucket[/prefix]`.
    S3(S3Url),
}

impl Target {
    pub fn parse(arg: &str) -> Result<Target, Error> {
        if arg == "-" {
            return Ok(Target::Stdin);
        }
        match S3Url::parse(arg) {
            Some(url) => url.map(Target::S3).map_err(Error::Usage),
            None => Ok(Target::Path(PathBuf::from(arg))),
        }
    }
}

#[derive(Debug, Default)]
pub struct ScanConfig {
    pub targets: Vec<Target>,
    pub walk: WalkOptions,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    pub show_secrets: bool,
    /// Files at least this large are cut into segments of at least this size, scanned in
    /// parallel; `None`: the default (64 MiB).
    pub segment_bytes: Option<u64>,
    /// Decompression, archive and binary-content settings.
    pub decode: DecodeOptions,
    /// Fingerprints and paths to leave alone (baseline, `.leakhound.toml`).
    pub allow: Allow,
    /// Credentials, endpoint and selection for `s3://` targets and `--all-buckets`.
    pub s3: S3Options,
    /// Audit the configuration of the buckets scanned, and join it with the findings.
    pub audit: bool,
    /// With `audit`: unsigned probes as evidence of exposure.
    pub probe_anonymous: bool,
}

/// Counters a progress display may poll while the scan runs.
#[derive(Debug, Default)]
pub struct Progress {
    pub bytes_done: AtomicU64,
    pub files_done: AtomicU64,
    pub bytes_total: AtomicU64,
    pub files_total: AtomicU64,
}

pub(crate) const STDIN_PATH: &str = "(stdin)";

pub fn run(engine: &Engine, config: &ScanConfig, progress: &Progress) -> Result<Report, Error> {
    let started = Instant::now();
    let excludes = build_excludes(&config.walk.exclude)?;
    let mut listing = Listing::default();
    let mut stdin_index = None;
    let mut s3_targets = Vec::new();
    let mut targets_failed = Vec::new();
    let mut local = LocalTargets::new(&config.targets);
    for target in &config.targets {
        match target {
            Target::Stdin => {
                if stdin_index.is_none() {
                    stdin_index = Some(listing.files.len());
                    listing.files.push(FileEntry {
                        path: PathBuf::from("-"),
                        display: STDIN_PATH.into(),
                        size: 0,
                        remote: None,
                        bucket: None,
                    });
                }
            }
            Target::Path(path) => {
                if let Some(unread) = local.walk(path, &config.walk, &excludes, &mut listing) {
                    targets_failed.push(unread);
                }
            }
            Target::S3(url) => s3_targets.push(url.clone()),
        }
    }
    let mut s3 = None;
    if !s3_targets.is_empty() || config.s3.all_buckets {
        let mut source = S3Source::connect(&config.s3)?;
        source.list(&s3_targets, &mut listing);
        s3 = Some(source);
    }
    let remote = s3.as_ref().map(|s| s as &dyn Remote);
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
        let splittable = Some(index) != stdin_index && threads > 1 && file.remote.is_none();
        let threshold = config.segment_bytes.unwrap_or(SPLIT_THRESHOLD);
        plan_jobs(
            index as u32,
            file,
            splittable,
            threads,
            threshold,
            &mut jobs,
        );
    }

    // Local files keep the cores busy; objects wait on the network, so more of them are
    // read at once (`--s3-concurrency`), each on a thread of its own pool.
    let (remote_jobs, local_jobs): (Vec<usize>, Vec<usize>) =
        (0..jobs.len()).partition(|&i| files[jobs[i].file as usize].remote.is_some());
    let total = SharedGroups::default();
    let work = JobContext {
        engine,
        config,
        files,
        jobs: &jobs,
        remote,
        progress,
        total: &total,
    };
    let (local, remote_results) = std::thread::scope(|scope| {
        let remote_side = (!remote_jobs.is_empty())
            .then(|| scope.spawn(|| work.run_on(config.s3.concurrency.max(1), &remote_jobs)));
        let local = work.run_on(threads, &local_jobs);
        let remote = remote_side.map(|h| {
            h.join()
                .unwrap_or_else(|_| Err(Error::Engine("an S3 scan thread panicked".into())))
        });
        (local, remote)
    });
    let mut results: Vec<JobResult> = Vec::new();
    results.resize_with(jobs.len(), JobResult::default);
    for (index, result) in local?
        .into_iter()
        .chain(remote_results.transpose()?.into_iter().flatten())
    {
        results[index] = result;
    }
    let groups = total
        .into_tables()
        .ok_or_else(|| Error::Engine("a scan thread panicked".into()))?;
    let mut report = build_report(
        engine,
        &listing,
        &jobs,
        &results,
        groups,
        &config.allow,
        started.elapsed().as_secs_f64(),
    );
    if let Some(source) = &s3 {
        let buckets = &report.summary.buckets;
        targets_failed.extend(source.unread_targets(
            &s3_targets,
            &report.summary.failed,
            buckets.iter().map(|b| b.bucket.as_str()),
            |name| {
                buckets
                    .iter()
                    .filter(|b| b.bucket == name)
                    .all(BucketSummary::nothing_read)
            },
        ));
    }
    report.summary.targets_failed = targets_failed;
    if config.audit
        && let Some(source) = &s3
    {
        let buckets: Vec<_> = listing
            .buckets
            .iter()
            .filter(|b| b.located)
            .map(|b| source.bucket_of(b))
            .collect();
        let audits = gather(source, &buckets, config.probe_anonymous)
            .iter()
            .map(assess)
            .collect();
        join(&mut report, audits);
        report.summary.elapsed_seconds = started.elapsed().as_secs_f64();
    }
    Ok(report)
}

/// The local targets walked so far: a path named twice, or inside another one named, is
/// listed once (its files, and its skipped and failed notes).
struct LocalTargets {
    /// The targets and the paths listed, by display path; only kept when more than one path
    /// is named.
    seen: Option<Seen>,
}

#[derive(Default)]
struct Seen {
    targets: HashSet<String>,
    paths: HashSet<String>,
}

impl Seen {
    /// Drop the items from `start` on whose path was listed before.
    fn keep_new<T>(&mut self, items: &mut Vec<T>, start: usize, path: impl Fn(&T) -> &str) {
        let mut fresh = items.split_off(start);
        fresh.retain(|item| self.paths.insert(path(item).to_string()));
        items.append(&mut fresh);
    }
}

impl LocalTargets {
    fn new(targets: &[Target]) -> LocalTargets {
        let paths = targets
            .iter()
            .filter(|t| matches!(t, Target::Path(_)))
            .count();
        LocalTargets {
            seen: (paths > 1).then(Seen::default),
        }
    }

    /// List the files under `path` not listed yet; returns the path's display form when
    /// nothing of it could be read (it is missing or unreadable).
    fn walk(
        &mut self,
        path: &Path,
        options: &WalkOptions,
        excludes: &GlobSet,
        listing: &mut Listing,
    ) -> Option<String> {
        let display = display_path(path);
        if let Some(seen) = &mut self.seen
            && !seen.targets.insert(display.clone())
        {
            return None;
        }
        let (files, skipped, failed) = (
            listing.files.len(),
            listing.skipped.len(),
            listing.failed.len(),
        );
        walk(path, options, excludes, listing);
        if let Some(seen) = &mut self.seen {
            seen.keep_new(&mut listing.files, files, |f| &f.display);
            seen.keep_new(&mut listing.skipped, skipped, |n| &n.path);
            seen.keep_new(&mut listing.failed, failed, |n| &n.path);
        }
        let unread = listing.files.len() == files
            && listing.skipped.len() == skipped
            && listing.failed.len() > failed;
        unread.then_some(display)
    }
}

/// What every job of a scan shares.
struct JobContext<'a> {
    engine: &'a Engine,
    config: &'a ScanConfig,
    files: &'a [FileEntry],
    jobs: &'a [Job],
    remote: Option<&'a dyn Remote>,
    progress: &'a Progress,
    total: &'a SharedGroups,
}

impl JobContext<'_> {
    /// Run the jobs `ids` on a pool of `threads` threads; returns (job index, result).
    fn run_on(&self, threads: usize, ids: &[usize]) -> Result<Vec<(usize, JobResult)>, Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| Error::Engine(format!("thread pool: {e}")))?;
        let engine = self.engine;
        Ok(pool.install(|| {
            ids.par_iter()
                .with_max_len(1)
                .map_init(
                    || Workspace {
                        buf: Vec::new(),
                        scratch: engine.scratch(),
                    },
                    |work, &index| (index, self.run_one(work, index)),
                )
                .collect()
        }))
    }

    fn run_one(&self, work: &mut Workspace, index: usize) -> JobResult {
        let (engine, config) = (self.engine, self.config);
        let job = &self.jobs[index];
        let file = &self.files[job.file as usize];
        let mut collector = JobCollector::new(
            engine,
            self.total,
            job.file,
            index as u32,
            config.show_secrets,
        );
        collector.set_leaf(0, None, false, config.allow.allows_path(&file.display));
        let mut result = run_job(
            engine,
            job,
            file,
            self.remote,
            &config.decode,
            &config.allow,
            work,
            &mut collector,
        );
        result.suppressed += collector.suppressed;
        self.progress
            .bytes_done
            .fetch_add(result.bytes, Ordering::Relaxed);
        if job.last {
            self.progress.files_done.fetch_add(1, Ordering::Relaxed);
        }
        result
    }
}

fn build_report(
    engine: &Engine,
    listing: &Listing,
    jobs: &[Job],
    results: &[JobResult],
    groups: Vec<Groups>,
    allow: &Allow,
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
    let mut buckets = listing.buckets.clone();
    let mut file_failed = vec![false; listing.files.len()];
    let mut file_skipped = vec![false; listing.files.len()];
    for (job, result) in jobs.iter().zip(results) {
        summary.bytes_scanned += result.bytes;
        if let Some(b) = listing.files[job.file as usize].bucket
            && let Some(bucket) = buckets.get_mut(b as usize)
        {
            bucket.bytes_scanned += result.bytes;
        }
        summary.archive_members_scanned += result.members;
        summary.suppressed_occurrences += result.suppressed;
        summary.skipped.extend(result.skipped.iter().cloned());
        summary.failed.extend(result.failed.iter().cloned());
        let file = job.file as usize;
        file_failed[file] |= !result.failed.is_empty();
        file_skipped[file] |= result.skipped_whole;
    }
    let count = |flags: &[bool]| flags.iter().filter(|f| **f).count() as u64;
    summary.files_failed = count(&file_failed) + listing.failed.len() as u64;
    summary.files_skipped = count(&file_skipped) + listing.skipped.len() as u64;
    summary.files_scanned = listing.files.len() as u64 - count(&file_failed) - count(&file_skipped);
    for (i, file) in listing.files.iter().enumerate() {
        if let Some(bucket) = file.bucket.and_then(|b| buckets.get_mut(b as usize)) {
            if file_failed[i] {
                bucket.objects_failed += 1;
            } else if file_skipped[i] {
                bucket.objects_skipped += 1;
            } else {
                bucket.objects_scanned += 1;
            }
        }
    }
    summary.buckets = buckets;
    summary.elapsed_seconds = elapsed;
    summary.mb_per_second = if elapsed > 0.0 {
        summary.bytes_scanned as f64 / 1e6 / elapsed
    } else {
        0.0
    };

    let rules = engine.rules().rules();
    let paths: Vec<Arc<str>> = listing
        .files
        .iter()
        .map(|f| Arc::from(f.display.as_str()))
        .collect();
    // A dense log has a finding per distinct token: build them on every core, straight into
    // a vector of the right size (collecting from the tables themselves grows a vector per
    // thread by doubling, then copies them: ~2.5x the findings' size at the peak).
    let mut all: Vec<Group> = Vec::with_capacity(groups.iter().map(|t| t.len()).sum());
    for table in groups {
        all.extend(table.into_values());
    }
    let mut findings: Vec<(u32, u64, Finding)> = all
        .into_par_iter()
        .map(|g| {
            let rule = &rules[g.rule as usize];
            let text = &rule.text;
            let first = g
                .samples
                .first()
                .map_or((u32::MAX, 0), |s| (s.file, s.offset));
            let locations = g
                .samples
                .iter()
                .map(|s| Location {
                    path: match &s.member {
                        Some(member) => member.clone(),
                        None => paths[s.file as usize].clone(),
                    },
                    line: s
                        .line
                        .map(|l| l + line_base.get(s.job as usize).copied().unwrap_or(0)),
                    column: s.column,
                    offset: s.offset,
                })
                .collect();
            let finding = Finding {
                rule_id: text.id.clone(),
                rule_name: text.name.clone(),
                category: text.category.clone(),
                severity: g.severity,
                framework: text.framework.clone(),
                secret_masked: g.masked,
                secret: g.secret,
                fingerprint: hex(&g.fingerprint),
                occurrences: g.count,
                locations,
                context: g.context,
                analysis: g.analysis,
                notes: g.notes,
                description: text.description.clone(),
                remediation: text.remediation.clone(),
                references: text.references.clone(),
                exposure: None,
            };
            (first.0, first.1, finding)
        })
        .collect();
    findings.par_sort_unstable_by(|a, b| {
        b.2.severity
            .cmp(&a.2.severity)
            .then(a.0.cmp(&b.0))
            .then(a.1.cmp(&b.1))
            .then(a.2.rule_id.cmp(&b.2.rule_id))
            .then_with(|| a.2.fingerprint.cmp(&b.2.fingerprint))
    });
    let mut findings: Vec<Finding> = findings.into_iter().map(|(_, _, f)| f).collect();
    let mut suppressed = Vec::new();
    if !allow.fingerprints.is_empty() {
        (suppressed, findings) = findings
            .into_iter()
            .partition(|f| allow.fingerprints.contains(&f.fingerprint));
    }
    summary.suppressed_findings = suppressed.len() as u64;
    summary.findings = findings.len() as u64;
    for f in &findings {
        summary.occurrences += f.occurrences;
        summary.by_severity.add(f.severity);
    }
    Report {
        findings,
        summary,
        suppressed,
        buckets: Vec::new(),
        exposure: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn scan_file(path: &std::path::Path, threads: usize, segment: Option<u64>) -> Vec<Location> {
        let engine = Engine::new(RuleSet::builtin().expect("rules")).expect("engine");
        let config = ScanConfig {
            targets: vec![Target::Path(path.to_path_buf())],
            threads,
            segment_bytes: segment,
            show_secrets: true,
            ..ScanConfig::default()
        };
        let report = run(&engine, &config, &Progress::default()).expect("scan");
        let mut locs: Vec<Location> = report
            .findings
            .into_iter()
            .flat_map(|f| f.locations)
            .collect();
        locs.sort_by_key(|l| l.offset);
        locs
    }

    #[test]
    fn segments_give_the_same_lines_as_one_stream() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("big.log");
        let mut data = String::new();
        let mut expected = Vec::new();
        for i in 0..120_000u64 {
            if i % 7_919 == 13 {
                data.push_str(&format!(
                    "10.0.0.{} - - \"GET / HTTP/1.1\" Cookie: JSESSIONID={:016X}{:016X}\n",
                    i % 250,
                    i.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                    (i + 7).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
                ));
                expected.push(i + 1);
            } else {
                data.push_str(
                    "10.0.0.1 - - \"GET /health HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.29\"\n",
                );
            }
        }
        std::fs::write(&path, &data).expect("write");
        let one = scan_file(&path, 1, None);
        let split = scan_file(&path, 2, Some(256 * 1024));
        let lines: Vec<u64> = one.iter().filter_map(|l| l.line).collect();
        assert_eq!(lines, expected);
        assert_eq!(one, split);
    }
}
