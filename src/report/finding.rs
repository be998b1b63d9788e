//! What a report is made of: findings (one per distinct rule and secret), their
//! locations, and the scan summary. Secrets are masked when a finding is built.

use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::analyze::jwt::JwtAnalysis;
use crate::rules::Severity;

/// At most this many sample locations are kept per finding.
pub const MAX_LOCATIONS: usize = 10;
/// The context line is cut to this many characters.
pub const CONTEXT_CHARS: usize = 300;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Location {
    /// Shared by every location in the same file (a dense log repeats it thousands of times).
    pub path: Arc<str>,
    /// 1-based line number; `null` in binary content, where only the offset makes sense.
    pub line: Option<u64>,
    /// 1-based column, in characters; `null` in binary content.
    pub column: Option<u64>,
    /// Byte offset of the secret from the start of the file (of the decoded text, for
    /// compressed, archived and UTF-16 content).
    pub offset: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    // Rule texts are shared by every finding of the rule (a dense log has many).
    pub rule_id: Arc<str>,
    pub rule_name: Arc<str>,
    pub category: Arc<str>,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<Arc<str>>,
    pub secret_masked: String,
    /// Only with `--show-secrets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub fingerprint: String,
    pub occurrences: u64,
    pub locations: Vec<Location>,
    pub context: String,
    /// JWT analysis (claims values masked unless `--show-secrets`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Box<JwtAnalysis>>,
    /// What raised or lowered the severity, or what is weak (expired when, long-lived,
    /// missing cookie attributes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub description: Arc<str>,
    pub remediation: Arc<str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub references: Arc<[String]>,
    /// With `--audit`: the token lies in a bucket whose configuration makes it public.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Exposure>,
}

/// The category of bucket configuration findings.
pub const BUCKET_CONFIG: &str = "bucket-config";

/// Where a finding is exposed: `level` is `public`, with the bucket and its verdict.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Exposure {
    pub level: String,
    pub bucket: String,
    pub verdict: String,
}

/// The configuration audit of one bucket (`audit s3`, `scan --audit`).
#[derive(Debug, Clone, Serialize)]
pub struct BucketAudit {
    pub bucket: String,
    pub region: String,
    /// `public-write`, `public-read`, `public-list`, `authenticated-users`, `not-public` or
    /// `unknown`.
    pub verdict: String,
    pub checks: Vec<AuditCheck>,
}

/// One finding of the configuration audit.
#[derive(Debug, Clone, Serialize)]
pub struct AuditCheck {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    /// The statement, grant or setting that is the problem.
    pub evidence: String,
    pub remediation: String,
}

/// A public bucket and what the scan found in it (`scan --audit`).
#[derive(Debug, Clone, Serialize)]
pub struct ExposureSummary {
    pub bucket: String,
    pub verdict: String,
    /// Distinct tokens found that are not known to be expired.
    pub live_tokens: u64,
    pub findings: u64,
    /// The rules with the most findings, most first.
    pub top_rules: Vec<String>,
}

/// A path that was passed over or could not be read, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PathNote {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SeverityCounts {
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub info: u64,
}

impl SeverityCounts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Info => self.info += 1,
        }
    }

    pub fn get(&self, severity: Severity) -> u64 {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub files_scanned: u64,
    /// Members of archives scanned (inside the files scanned).
    pub archive_members_scanned: u64,
    pub files_skipped: u64,
    pub files_failed: u64,
    pub bytes_scanned: u64,
    pub elapsed_seconds: f64,
    pub mb_per_second: f64,
    pub rules: usize,
    pub findings: u64,
    pub occurrences: u64,
    pub by_severity: SeverityCounts,
    /// Findings whose fingerprint a baseline or `.leakhound.toml` lists.
    pub suppressed_findings: u64,
    /// Occurrences on lines marked `leakhound:allow` or in paths `.leakhound.toml` allows.
    pub suppressed_occurrences: u64,
    pub skipped: Vec<PathNote>,
    pub failed: Vec<PathNote>,
    /// Targets named on the command line (a path, `s3://bucket[/prefix]`, `--all-buckets`)
    /// of which nothing could be read: the scan is incomplete, whatever it found elsewhere.
    pub targets_failed: Vec<String>,
    /// Objects and bytes per S3 bucket scanned (empty when no bucket was).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<BucketSummary>,
}

/// What a scan did in one S3 bucket. Every object listed ends as scanned, skipped or
/// failed: `objects_scanned + objects_skipped + objects_failed == objects_listed`.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct BucketSummary {
    pub bucket: String,
    pub region: String,
    /// The role assumed to read it (`--role-arn`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub objects_listed: u64,
    pub objects_scanned: u64,
    pub objects_skipped: u64,
    pub objects_failed: u64,
    /// Stored bytes of the objects listed.
    pub bytes_listed: u64,
    /// Bytes scanned (decompressed content included).
    pub bytes_scanned: u64,
    /// The listing itself failed or stopped early (see `failed`).
    pub listing_failed: bool,
    /// The bucket was found (its region is known): only such a bucket is audited, as with
    /// `audit s3` (a missing bucket has no configuration to judge).
    #[serde(skip)]
    pub located: bool,
}

impl BucketSummary {
    /// Whether the bucket failed with nothing of it read: its listing or every object
    /// listed failed (an empty bucket, or one whose objects were all skipped, did not).
    pub fn nothing_read(&self) -> bool {
        self.objects_scanned == 0
            && self.objects_skipped == 0
            && (self.listing_failed || self.objects_failed > 0)
    }
}

/// The result of a scan: findings ordered most severe first, and the summary.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Findings left out because a baseline or `.leakhound.toml` lists their fingerprint
    /// (kept for `--write-baseline`, never rendered).
    #[serde(skip)]
    pub suppressed: Vec<Finding>,
    /// Bucket configuration audits, one per bucket audited.
    pub buckets: Vec<BucketAudit>,
    /// Public buckets with the tokens found in them.
    pub exposure: Vec<ExposureSummary>,
}

/// Hex SHA-256 of the rule id and the secret: stable when lines move.
pub fn fingerprint(rule_id: &str, secret: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0u8]);
    h.update(secret);
    h.finalize().into()
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// First 4 characters, `…`, last 2; never more than a quarter of the secret shown.
pub fn mask(secret: &str) -> String {
    if secret.is_ascii() {
        // One byte a character: slice instead of collecting characters.
        let len = secret.len();
        let budget = len / 4;
        let head = budget.min(4);
        let tail = (budget - head).min(2);
        let mut out = String::with_capacity(head + tail + 3);
        out.push_str(&secret[..head]);
        out.push('…');
        out.push_str(&secret[len - tail..]);
        return out;
    }
    let chars: Vec<char> = secret.chars().collect();
    let budget = chars.len() / 4;
    let head = budget.min(4);
    let tail = (budget - head).min(2);
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// Make text safe to print: control characters (terminal escapes) become visible.
pub fn sanitize(text: &str) -> String {
    // Most text has nothing to replace (0xC2 leads the C1 controls U+0080..U+009F).
    if !text.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xC2) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// The line around a secret, every secret on it masked, cut to [`CONTEXT_CHARS`] around the
/// byte offset `focus`. `spans` are byte ranges within `line` to mask, sorted, not overlapping.
pub fn masked_context(line: &[u8], spans: &[(usize, usize)], focus: usize) -> String {
    let mut out = String::with_capacity(line.len().min(CONTEXT_CHARS * 2) + 16);
    // Characters in `out` so far, counted once per piece.
    let mut out_chars = 0;
    let mut last = 0;
    let mut focus_char = None;
    for &(s, e) in spans {
        if s < last || e > line.len() {
            continue;
        }
        if focus_char.is_none() && focus < s {
            focus_char = Some(out_chars + char_len(&line[last..focus.max(last)]));
        }
        let plain = String::from_utf8_lossy(&line[last..s]);
        out_chars += char_count(&plain);
        out.push_str(&plain);
        if focus_char.is_none() && focus < e {
            focus_char = Some(out_chars);
        }
        let masked = mask(&String::from_utf8_lossy(&line[s..e]));
        out_chars += char_count(&masked);
        out.push_str(&masked);
        last = e;
    }
    let focus_char = focus_char
        .unwrap_or_else(|| out_chars + char_len(&line[last..focus.clamp(last, line.len())]));
    out.push_str(&String::from_utf8_lossy(&line[last..]));
    let text = sanitize(out.trim_end_matches(['\r', '\n']));
    let total = char_count(&text);
    if total <= CONTEXT_CHARS {
        return text;
    }
    let start = focus_char
        .saturating_sub(CONTEXT_CHARS / 3)
        .min(total - CONTEXT_CHARS);
    if total == text.len() {
        // ASCII: characters are bytes.
        return text[start..start + CONTEXT_CHARS].to_string();
    }
    text.chars().skip(start).take(CONTEXT_CHARS).collect()
}

/// Characters in `s` (its length when it is ASCII).
fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

fn char_len(bytes: &[u8]) -> usize {
    if bytes.is_ascii() {
        return bytes.len();
    }
    String::from_utf8_lossy(bytes).chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_never_shows_more_than_a_quarter() {
        assert_eq!(mask("ghp_R7mK2pX9vQ4sL8nW3tY6bZ1cF5hJ0dG4aE2u"), "ghp_…2u");
        for len in 0..40 {
            let s: String = "abcdefghijklmnopqrstuvwxyz0123456789ABCD"[..len].to_string();
            let m = mask(&s);
            let shown = m.chars().count() - 1;
            assert!(shown * 4 <= len, "{s:?} -> {m:?}");
        }
    }

    #[test]
    fn context_masks_every_secret_and_is_cut() {
        let line = b"a=SECRETONE1234567 b=SECRETTWO7654321";
        let ctx = masked_context(line, &[(2, 18), (21, 37)], 2);
        assert!(
            !ctx.contains("SECRETONE") && !ctx.contains("SECRETTWO"),
            "{ctx}"
        );
        let mut long = vec![b'x'; 5000];
        long.extend_from_slice(b"SECRETTHREE12345");
        long.extend(vec![b'y'; 5000]);
        let ctx = masked_context(&long, &[(5000, 5016)], 5000);
        assert_eq!(ctx.chars().count(), CONTEXT_CHARS);
        assert!(
            ctx.contains("SECR…") && !ctx.contains("SECRETTHREE"),
            "{ctx}"
        );
        assert!(!masked_context(b"\x1b[31mred", &[], 0).contains('\x1b'));
    }

    #[test]
    fn fingerprint_depends_on_rule_and_secret() {
        assert_ne!(fingerprint("a", b"x"), fingerprint("b", b"x"));
        assert_ne!(fingerprint("a", b"x"), fingerprint("a", b"y"));
        assert_eq!(hex(&[0, 255]), "00ff");
    }
}
