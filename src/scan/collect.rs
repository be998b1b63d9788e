//! Groups matches into one entry per distinct (rule, secret): a count and the first
//! sample locations. Every job adds to one table shared by the scan (sharded locks), so a
//! secret seen by many jobs is described (context, analysis) once, not once per job.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use super::blob::{HitSink, Position};
use crate::analyze::cookie;
use crate::analyze::jwt::{self, JwtAnalysis};
use crate::engine::{Engine, RawMatch, WindowHits};
use crate::report::finding::{MAX_LOCATIONS, fingerprint, mask, masked_context};
use crate::rules::{Severity, Validator};

/// A location before the path and absolute line are known.
#[derive(Debug, Clone)]
pub struct Sample {
    pub file: u32,
    pub job: u32,
    /// Which leaf of the file (0: the file itself; archive members count up from 1).
    pub part: u32,
    /// The leaf's path when it is not the file's (`outer.tar.gz!member.log`).
    pub member: Option<Arc<str>>,
    /// 1-based line within the job's part of the file; `None` in binary content.
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub offset: u64,
}

impl Sample {
    fn order(&self) -> (u32, u32, u64) {
        (self.file, self.part, self.offset)
    }
}

#[derive(Debug)]
pub struct Group {
    pub rule: u32,
    pub fingerprint: [u8; 32],
    pub masked: String,
    /// The raw secret, kept only when the user asked to see secrets.
    pub secret: Option<String>,
    pub count: u64,
    /// The earliest samples, in (file, offset) order.
    pub samples: Vec<Sample>,
    /// The masked line of `samples[0]`.
    pub context: String,
    /// The rule's severity, raised or lowered by analysis (a live or an expired token).
    pub severity: Severity,
    pub analysis: Option<Box<JwtAnalysis>>,
    /// What analysis found (expiry, long lifetime, missing cookie attributes).
    pub notes: Vec<String>,
}

impl Group {
    /// Keep `sample` if it is among the [`MAX_LOCATIONS`] earliest; returns whether it
    /// became the first (its line is then the context).
    fn add_sample(&mut self, sample: Sample) -> bool {
        let order = sample.order();
        if self.samples.len() >= MAX_LOCATIONS
            && self
                .samples
                .last()
                .is_some_and(|last| last.order() <= order)
        {
            return false;
        }
        let at = self.samples.partition_point(|s| s.order() <= order);
        self.samples.truncate(MAX_LOCATIONS - 1);
        let (len, capacity) = (self.samples.len(), self.samples.capacity());
        if len == capacity {
            // Double, but never past the samples kept (plain doubling would make room for 16).
            self.samples
                .reserve_exact((capacity * 2).clamp(1, MAX_LOCATIONS) - len);
        }
        self.samples.insert(at.min(self.samples.len()), sample);
        at == 0
    }
}

/// A line carrying this marker is never reported (e.g. `# leakhound:allow` in a fixture).
pub const ALLOW_MARKER: &[u8] = b"leakhound:allow";

/// Finds [`ALLOW_MARKER`] (built once: every window with a match looks for it).
fn allow_marker() -> &'static memchr::memmem::Finder<'static> {
    static FINDER: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    FINDER.get_or_init(|| memchr::memmem::Finder::new(ALLOW_MARKER))
}

/// Keyed by fingerprint: a SHA-256, already uniform, needs no second hash.
pub type Groups = HashMap<[u8; 32], Group, BuildHasherDefault<FingerprintHasher>>;

/// Folds a fingerprint's 8-byte words together: a few instructions per match instead of
/// SipHash over 32 bytes.
#[derive(Default)]
pub struct FingerprintHasher(u64);

impl Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(word);
        }
    }
}

/// Lock shards of the scan's table (a power of two): threads rarely wait on each other.
const SHARDS: usize = 64;

/// The scan's groups, shared by every job.
pub struct SharedGroups {
    shards: Vec<Mutex<Groups>>,
}

impl Default for SharedGroups {
    fn default() -> Self {
        SharedGroups {
            shards: (0..SHARDS).map(|_| Mutex::new(Groups::default())).collect(),
        }
    }
}

impl SharedGroups {
    fn shard(&self, fp: &[u8; 32]) -> &Mutex<Groups> {
        &self.shards[fp[0] as usize % SHARDS]
    }

    /// The tables, one per shard (`None` if a scan thread panicked holding one).
    pub fn into_tables(self) -> Option<Vec<Groups>> {
        self.shards
            .into_iter()
            .map(|m| m.into_inner().ok())
            .collect()
    }
}

/// Collects one job's matches.
pub struct JobCollector<'e> {
    engine: &'e Engine,
    file: u32,
    job: u32,
    show_secrets: bool,
    groups: &'e SharedGroups,
    spans: Vec<(usize, usize)>,
    part: u32,
    member: Option<Arc<str>>,
    binary: bool,
    /// The current leaf is in an allowed path: its matches are counted, not reported.
    allowed: bool,
    /// Occurrences suppressed by an allowed path or a `leakhound:allow` marker.
    pub suppressed: u64,
}

impl<'e> JobCollector<'e> {
    pub fn new(
        engine: &'e Engine,
        groups: &'e SharedGroups,
        file: u32,
        job: u32,
        show_secrets: bool,
    ) -> Self {
        JobCollector {
            engine,
            file,
            job,
            show_secrets,
            groups,
            spans: Vec::new(),
            part: 0,
            member: None,
            binary: false,
            allowed: false,
            suppressed: 0,
        }
    }

    /// The following matches belong to leaf `part` of the file (`member` names it when
    /// it is not the file itself); binary leaves have no lines.
    pub fn set_leaf(&mut self, part: u32, member: Option<Arc<str>>, binary: bool, allowed: bool) {
        self.part = part;
        self.member = member;
        self.binary = binary;
        self.allowed = allowed;
    }
}

/// The attributes missing from the cookie of match `m`: they follow the cookie on its line
/// (up to a JSON string's end).
fn cookie_weaknesses(hits: &WindowHits<'_>, m: &RawMatch, now: i64) -> Vec<String> {
    let rest = &hits.buf[m.start..hits.line.end.max(m.end)];
    let end = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
    cookie::weaknesses(&rest[..end], now)
}

impl JobCollector<'_> {
    /// The masked line of match `m`: every secret found on the line is masked, not only
    /// this one (a multi-line secret extends the line to its end).
    fn context(&mut self, hits: &WindowHits<'_>, m: &RawMatch) -> String {
        let rules = self.engine.rules().rules();
        let line_start = hits.line.start;
        let line_end = hits
            .matches
            .iter()
            .map(|o| o.end)
            .fold(hits.line.end, usize::max);
        self.spans.clear();
        self.spans.extend(
            hits.matches
                .iter()
                .filter(|o| o.start >= line_start && rules[o.rule as usize].spec.masked)
                .map(|o| (o.start - line_start, o.end - line_start)),
        );
        let line = &hits.buf[line_start..line_end];
        masked_context(line, &self.spans, m.start - line_start)
    }
}

impl HitSink for JobCollector<'_> {
    fn window(&mut self, hits: &WindowHits<'_>, position: &mut dyn FnMut(usize) -> Position) {
        let rules = self.engine.rules().rules();
        if self.allowed || allow_marker().find(&hits.buf[hits.line.clone()]).is_some() {
            self.suppressed += hits.matches.len() as u64;
            return;
        }
        for m in hits.matches {
            let rule = &rules[m.rule as usize];
            let secret = &hits.buf[m.start..m.end];
            let fp = fingerprint(rule.id(), secret);
            let pos = position(m.start);
            let sample = Sample {
                file: self.file,
                job: self.job,
                part: self.part,
                member: self.member.clone(),
                line: (!self.binary).then_some(pos.line),
                column: (!self.binary).then_some(pos.column),
                offset: pos.offset,
            };
            let groups = self.groups;
            let Ok(mut table) = groups.shard(&fp).lock() else {
                continue; // another scan thread panicked: the scan fails anyway
            };
            if let Some(group) = table.get_mut(&fp) {
                group.count += 1;
                if group.add_sample(sample) {
                    // An earlier occurrence than any seen so far (another job's): its line
                    // becomes the context (and says which cookie attributes are missing),
                    // as in a scan on one thread.
                    group.context = self.context(hits, m);
                    if rule.spec.validate == Some(Validator::WeakSessionCookie) {
                        group.notes = cookie_weaknesses(hits, m, self.engine.now());
                    }
                }
                continue;
            }
            let context = self.context(hits, m);
            let text = String::from_utf8_lossy(secret);
            let now = self.engine.now();
            let analysis = jwt::analyze(secret, now);
            let mut severity = rule.spec.severity;
            let mut notes = Vec::new();
            if let Some(a) = &analysis {
                severity = a.severity(severity);
                notes = a.notes();
            }
            if rule.spec.validate == Some(Validator::WeakSessionCookie) {
                notes = cookie_weaknesses(hits, m, now);
            }
            let shown = if rule.spec.masked {
                mask(&text)
            } else {
                text.to_string()
            };
            table.insert(
                fp,
                Group {
                    rule: m.rule,
                    fingerprint: fp,
                    masked: shown,
                    secret: self.show_secrets.then(|| text.into_owned()),
                    count: 1,
                    samples: vec![sample],
                    context,
                    severity,
                    analysis: analysis
                        .map(|a| Box::new(if self.show_secrets { a } else { a.masked() })),
                    notes,
                },
            );
        }
    }
}
