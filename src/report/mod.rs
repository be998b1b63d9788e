//! Renders a [`Report`] as human text, JSON, JSON Lines or SARIF. Knows nothing of
//! where the findings came from.

pub mod finding;
mod human;
mod json;
mod sarif;

use std::io::Write;

pub use finding::{
    AuditCheck, BucketAudit, Exposure, ExposureSummary, Finding, Location, PathNote, Report,
    SeverityCounts, Summary,
};

use crate::rules::RuleSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
    Jsonl,
    Sarif,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    pub color: bool,
}

pub fn render(
    report: &Report,
    rules: &RuleSet,
    format: Format,
    options: RenderOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::render(report, options, out),
        Format::Json => json::render(report, out),
        Format::Jsonl => json::render_lines(report, out),
        Format::Sarif => sarif::render(report, rules, out),
    }
}
