//! `leakhound audit s3`: locate the buckets, read their configuration, judge it, and
//! report the checks as findings beside the per-bucket verdicts.

use std::time::Instant;

use super::assess::assess;
use super::join::join;
use super::s3::gather;
use crate::error::Error;
use crate::report::finding::{Report, Summary};
use crate::source::s3::{S3Options, S3Source, S3Url};

/// Audit `targets` (and every visible bucket with `--all-buckets`).
pub fn run(options: &S3Options, targets: &[S3Url], probe: bool) -> Result<Report, Error> {
    let started = Instant::now();
    let source = S3Source::connect(options)?;
    let located = source.locate(targets);
    let audits = gather(&source, &located.buckets, probe)
        .iter()
        .map(assess)
        .collect();
    let mut report = Report {
        findings: Vec::new(),
        summary: Summary {
            failed: located.failed,
            targets_failed: located.targets_failed,
            ..Summary::default()
        },
        suppressed: Vec::new(),
        buckets: Vec::new(),
        exposure: Vec::new(),
    };
    report.summary.files_failed = report.summary.failed.len() as u64;
    join(&mut report, audits);
    report.summary.elapsed_seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
