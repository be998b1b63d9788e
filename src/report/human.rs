//! The default, human report: findings grouped by severity, then the summary.

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};

use super::RenderOptions;
use super::finding::{
    BUCKET_CONFIG, BucketAudit, BucketSummary, ExposureSummary, Finding, PathNote, Report, sanitize,
};
use crate::rules::Severity;

/// At most this many skipped or failed paths are listed; JSON has them all.
const MAX_NOTES: usize = 20;

struct Palette {
    on: bool,
}

impl Palette {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.on {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    fn severity(&self, s: Severity) -> String {
        self.severity_text(s, &s.as_str().to_uppercase())
    }

    /// `text` in the colour of severity `s`.
    fn severity_text(&self, s: Severity, text: &str) -> String {
        let color = match s {
            Severity::Critical => AnsiColor::BrightRed,
            Severity::High => AnsiColor::Red,
            Severity::Medium => AnsiColor::Yellow,
            Severity::Low => AnsiColor::Cyan,
            Severity::Info => AnsiColor::BrightBlack,
        };
        let style = Style::new()
            .fg_color(Some(color.into()))
            .effects(Effects::BOLD);
        self.paint(style, text)
    }

    fn dim(&self, text: &str) -> String {
        self.paint(Style::new().effects(Effects::DIMMED), text)
    }

    fn bold(&self, text: &str) -> String {
        self.paint(Style::new().effects(Effects::BOLD), text)
    }
}

fn finding(out: &mut dyn Write, p: &Palette, f: &Finding) -> io::Result<()> {
    let secret = f.secret.as_deref().unwrap_or(&f.secret_masked);
    writeln!(
        out,
        "  {}  {}",
        p.bold(&sanitize(&f.rule_name)),
        p.dim(&f.rule_id)
    )?;
    let times = if f.occurrences == 1 {
        String::new()
    } else {
        format!("  ({} occurrences)", f.occurrences)
    };
    if !secret.is_empty() {
        writeln!(out, "    secret   {}{times}", sanitize(secret))?;
    }
    if let Some(first) = f.locations.first() {
        let more = if f.occurrences > 1 {
            p.dim(&format!("  (+{} more)", f.occurrences - 1))
        } else {
            String::new()
        };
        let place = match (first.line, first.column) {
            (Some(line), Some(column)) => format!(":{line}:{column}"),
            // A bucket configuration check: the bucket is the place.
            _ if &*f.category == BUCKET_CONFIG => String::new(),
            _ => format!(":@{}", first.offset),
        };
        writeln!(out, "    at       {}{place}{more}", sanitize(&first.path))?;
    }
    writeln!(out, "    context  {}", f.context)?;
    if let Some(e) = &f.exposure {
        let text = format!(
            "{} bucket {} ({})",
            e.level.to_uppercase(),
            e.bucket,
            e.verdict
        );
        writeln!(
            out,
            "    exposed  {}",
            p.severity_text(Severity::Critical, &sanitize(&text))
        )?;
    }
    if let Some(a) = &f.analysis {
        let mut parts = vec![format!("alg {}", a.alg.as_deref().unwrap_or("?"))];
        if !a.sensitive_claims.is_empty() {
            parts.push(format!("exposes {}", a.sensitive_claims.join(", ")));
        }
        writeln!(out, "    jwt      {}", sanitize(&parts.join("; ")))?;
    }
    if !f.notes.is_empty() {
        writeln!(out, "    note     {}", sanitize(&f.notes.join("; ")))?;
    }
    if let Some(framework) = &f.framework {
        writeln!(out, "    what     {}", sanitize(framework))?;
    }
    writeln!(out, "    fix      {}", sanitize(f.remediation.trim()))?;
    writeln!(out)
}

fn notes(out: &mut dyn Write, p: &Palette, title: &str, list: &[PathNote]) -> io::Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", p.bold(&format!("{title} ({}):", list.len())))?;
    for n in list.iter().take(MAX_NOTES) {
        writeln!(out, "  {}: {}", sanitize(&n.path), n.reason)?;
    }
    if list.len() > MAX_NOTES {
        writeln!(
            out,
            "  … and {} more (--format json lists them all)",
            list.len() - MAX_NOTES
        )?;
    }
    Ok(())
}

pub fn render(report: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let p = Palette { on: options.color };
    for severity in Severity::ALL_DESCENDING {
        let group: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        writeln!(out, "{} ({})", p.severity(severity), group.len())?;
        for f in group {
            finding(out, &p, f)?;
        }
    }
    let s = &report.summary;
    notes(out, &p, "Skipped", &s.skipped)?;
    notes(out, &p, "Failed", &s.failed)?;
    if !s.targets_failed.is_empty() {
        writeln!(
            out,
            "{} nothing of {} could be read",
            p.bold("Incomplete:"),
            s.targets_failed.join(", ")
        )?;
    }
    buckets(out, &p, &s.buckets)?;
    audits(out, &p, &report.buckets)?;
    exposure(out, &p, &report.exposure)?;
    let counts: Vec<String> = Severity::ALL_DESCENDING
        .iter()
        .filter(|&&sev| s.by_severity.get(sev) > 0)
        .map(|&sev| format!("{} {}", s.by_severity.get(sev), sev))
        .collect();
    let findings = if s.findings == 0 {
        "no findings".to_string()
    } else {
        format!(
            "{} finding{} ({}), {} occurrence{}",
            s.findings,
            if s.findings == 1 { "" } else { "s" },
            counts.join(", "),
            s.occurrences,
            if s.occurrences == 1 { "" } else { "s" }
        )
    };
    writeln!(
        out,
        "{} {findings}; {} file{} scanned, {} skipped, {} failed; {:.1} MB in {:.2} s ({:.0} MB/s); {} rules",
        p.bold("leakhound:"),
        s.files_scanned,
        if s.files_scanned == 1 { "" } else { "s" },
        s.files_skipped,
        s.files_failed,
        s.bytes_scanned as f64 / 1e6,
        s.elapsed_seconds,
        s.mb_per_second,
        s.rules
    )
}

/// One line per S3 bucket: region, objects scanned/skipped/failed of those listed, bytes.
fn buckets(out: &mut dyn Write, p: &Palette, buckets: &[BucketSummary]) -> io::Result<()> {
    if buckets.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", p.bold("Buckets"))?;
    let width = buckets.iter().map(|b| b.bucket.len()).max().unwrap_or(0);
    for b in buckets {
        writeln!(
            out,
            "  {:width$}  {:14}  {} listed: {} scanned, {} skipped, {} failed; {:.1} MB scanned{}",
            b.bucket,
            b.region,
            b.objects_listed,
            b.objects_scanned,
            b.objects_skipped,
            b.objects_failed,
            b.bytes_scanned as f64 / 1e6,
            if b.listing_failed {
                "; listing failed"
            } else {
                ""
            }
        )?;
    }
    Ok(())
}

/// The bucket audit as a table: bucket, region, verdict, and the checks that failed.
fn audits(out: &mut dyn Write, p: &Palette, audits: &[BucketAudit]) -> io::Result<()> {
    if audits.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", p.bold("Bucket audit"))?;
    let width = audits
        .iter()
        .map(|b| b.bucket.len())
        .max()
        .unwrap_or(0)
        .max(6);
    writeln!(
        out,
        "  {:width$}  {:14}  {:19}  checks",
        "bucket", "region", "verdict"
    )?;
    for b in audits {
        let checks: Vec<String> = b
            .checks
            .iter()
            .map(|c| format!("{} ({})", c.id, c.severity))
            .collect();
        let verdict = format!("{:19}", b.verdict);
        let verdict = if b.verdict.starts_with("public") || b.verdict == "authenticated-users" {
            p.severity_text(Severity::Critical, &verdict)
        } else {
            verdict
        };
        writeln!(
            out,
            "  {:width$}  {:14}  {verdict}  {}",
            sanitize(&b.bucket),
            sanitize(&b.region),
            if checks.is_empty() {
                "-".to_string()
            } else {
                checks.join(", ")
            }
        )?;
    }
    Ok(())
}

/// Public buckets and the tokens found in them.
fn exposure(out: &mut dyn Write, p: &Palette, list: &[ExposureSummary]) -> io::Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", p.bold("Exposure"))?;
    for e in list {
        writeln!(
            out,
            "  {} is {}: {} live token{} ({} finding{}); top rules: {}",
            sanitize(&e.bucket),
            p.severity_text(Severity::Critical, &e.verdict),
            e.live_tokens,
            if e.live_tokens == 1 { "" } else { "s" },
            e.findings,
            if e.findings == 1 { "" } else { "s" },
            if e.top_rules.is_empty() {
                "-".to_string()
            } else {
                e.top_rules.join(", ")
            }
        )?;
    }
    Ok(())
}
