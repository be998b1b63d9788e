//! `--format json` (one document) and `--format jsonl` (a finding a line, then the summary).

use std::io::{self, Write};

use serde::Serialize;

use super::finding::{BucketAudit, ExposureSummary, Finding, Report, Summary};

#[derive(Serialize)]
struct Document<'a> {
    tool: &'static str,
    version: &'static str,
    findings: &'a [Finding],
    #[serde(skip_serializing_if = "<[BucketAudit]>::is_empty")]
    buckets: &'a [BucketAudit],
    #[serde(skip_serializing_if = "<[ExposureSummary]>::is_empty")]
    exposure: &'a [ExposureSummary],
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Line<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    body: &'a T,
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let doc = Document {
        tool: "leakhound",
        version: env!("CARGO_PKG_VERSION"),
        findings: &report.findings,
        buckets: &report.buckets,
        exposure: &report.exposure,
        summary: &report.summary,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// One object a line, each with its `type`: findings, then buckets audited (`bucket`), then
/// exposure entries (`exposure`), then the summary.
pub fn render_lines(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        line(out, "finding", f)?;
    }
    for b in &report.buckets {
        line(out, "bucket", b)?;
    }
    for e in &report.exposure {
        line(out, "exposure", e)?;
    }
    line(out, "summary", &report.summary)
}

fn line<T: Serialize>(out: &mut dyn Write, kind: &'static str, body: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &Line { kind, body })?;
    writeln!(out)
}
