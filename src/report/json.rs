//! `--format json` (one document) and `--format jsonl` (a finding a line, then the summary).

use std::io::{self, Write};

use serde::Serialize;

use super::finding::{Finding, Report, Summary};

#[derive(Serialize)]
struct Document<'a> {
    tool: &'static str,
    version: &'static str,
    findings: &'a [Finding],
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
        summary: &report.summary,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

pub fn render_lines(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        serde_json::to_writer(
            &mut *out,
            &Line {
                kind: "finding",
                body: f,
            },
        )?;
        writeln!(out)?;
    }
    serde_json::to_writer(
        &mut *out,
        &Line {
            kind: "summary",
            body: &report.summary,
        },
    )?;
    writeln!(out)
}
