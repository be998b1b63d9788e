//! `--format json` (one document) and `--format jsonl` (a finding a line, then the summary).

use std::io::{self, Write};

use rayon::prelude::*;
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

/// Findings rendered (in parallel) before they are written: bounds the memory held.
const BATCH: usize = 4096;
/// Findings one thread renders into one buffer.
const PART: usize = 128;
/// Where the findings go in the document rendered without them.
const EMPTY_FINDINGS: &[u8] = b"\"findings\": []";

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let doc = |findings| Document {
        tool: "leakhound",
        version: env!("CARGO_PKG_VERSION"),
        findings,
        buckets: &report.buckets,
        exposure: &report.exposure,
        summary: &report.summary,
    };
    // The document without its findings, then the findings spliced in where the empty list
    // is: the same bytes as one `to_writer_pretty`, but the findings (nearly all of a big
    // report) are rendered on every core, each into a buffer of its own.
    let frame = serde_json::to_vec_pretty(&doc(&[]))?;
    let at = memchr::memmem::find(&frame, EMPTY_FINDINGS);
    let Some(at) = at.filter(|_| !report.findings.is_empty()) else {
        serde_json::to_writer_pretty(&mut *out, &doc(&report.findings))?;
        return writeln!(out);
    };
    out.write_all(&frame[..at + EMPTY_FINDINGS.len() - 1])?;
    for (b, batch) in report.findings.chunks(BATCH).enumerate() {
        for part in render_batch(b, batch)? {
            out.write_all(&part)?;
        }
    }
    out.write_all(b"\n  ]")?;
    out.write_all(&frame[at + EMPTY_FINDINGS.len()..])?;
    writeln!(out)
}

/// Batch `b` of the findings as list elements, in parts rendered on every core.
fn render_batch(b: usize, batch: &[Finding]) -> io::Result<Vec<Vec<u8>>> {
    batch
        .par_chunks(PART)
        .enumerate()
        .map(|(p, part)| {
            let mut buf = Vec::with_capacity(part.len() * 2048);
            // Rendered whole into one buffer (serde writes many small pieces), then indented.
            let mut one = Vec::with_capacity(4096);
            for (i, finding) in part.iter().enumerate() {
                let first = b == 0 && p == 0 && i == 0;
                buf.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                one.clear();
                serde_json::to_writer_pretty(&mut one, finding)?;
                indent(&one, &mut buf);
            }
            Ok(buf)
        })
        .collect()
}

/// Copy a value rendered at the top level as if it were an element of the findings list
/// (two levels deeper). Rendered JSON has no raw newline inside a string.
fn indent(value: &[u8], out: &mut Vec<u8>) {
    let mut rest = value;
    while let Some(i) = memchr::memchr(b'\n', rest) {
        out.extend_from_slice(&rest[..=i]);
        out.extend_from_slice(b"    ");
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::report::finding::{AuditCheck, Location};
    use crate::rules::Severity;

    fn finding(i: usize) -> Finding {
        Finding {
            rule_id: "jsessionid-cookie".into(),
            rule_name: "JSESSIONID".into(),
            category: "session-cookie".into(),
            severity: Severity::High,
            framework: i
                .is_multiple_of(2)
                .then(|| "Java servlet session (JSESSIONID)".into()),
            secret_masked: format!("8F{i:02}…7C"),
            secret: None,
            fingerprint: format!("{i:064x}"),
            occurrences: i as u64 + 1,
            locations: vec![Location {
                path: format!("logs/ü-{i}.log!member\n\"x\"").into(),
                line: Some(i as u64),
                column: Some(1),
                offset: 10,
            }],
            context: "Cookie: JSESSIONID=8F3A…7C\ttab \u{1b}[31m".into(),
            analysis: None,
            notes: if i.is_multiple_of(3) {
                vec!["long-lived token".into()]
            } else {
                Vec::new()
            },
            description: "A servlet session id.".into(),
            remediation: "Rotate it.".into(),
            references: Arc::from(["https://example.com/a".to_string()]),
            exposure: None,
        }
    }

    fn whole(report: &Report) -> Vec<u8> {
        let doc = Document {
            tool: "leakhound",
            version: env!("CARGO_PKG_VERSION"),
            findings: &report.findings,
            buckets: &report.buckets,
            exposure: &report.exposure,
            summary: &report.summary,
        };
        let mut out = serde_json::to_vec_pretty(&doc).expect("renders");
        out.push(b'\n');
        out
    }

    /// The findings rendered in parallel pieces give the same bytes as one document, for
    /// no finding, one, a part, and more than a batch; with and without buckets.
    #[test]
    fn spliced_findings_are_the_same_document() {
        for n in [0, 1, PART - 1, PART + 1, BATCH + 3] {
            for with_bucket in [false, true] {
                let mut report = Report {
                    findings: (0..n).map(finding).collect(),
                    summary: Summary::default(),
                    suppressed: Vec::new(),
                    buckets: Vec::new(),
                    exposure: Vec::new(),
                };
                report.summary.findings = n as u64;
                if with_bucket {
                    report.buckets.push(BucketAudit {
                        bucket: "logs".into(),
                        region: "us-east-1".into(),
                        verdict: "public-read".into(),
                        checks: vec![AuditCheck {
                            id: "acl-public-read".into(),
                            severity: Severity::High,
                            title: "findings: []".into(),
                            evidence: "\"findings\": []".into(),
                            remediation: "Remove the grant.".into(),
                        }],
                    });
                }
                let mut out = Vec::new();
                render(&report, &mut out).expect("renders");
                assert!(out == whole(&report), "{n} findings, bucket {with_bucket}");
            }
        }
    }
}
