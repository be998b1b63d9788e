//! Groups matches into one entry per distinct (rule, secret): a count and the first
//! sample locations. Each job groups locally; groups merge into the scan's total.

use std::collections::HashMap;
use std::sync::Arc;

use super::blob::{HitSink, Position};
use crate::analyze::cookie;
use crate::analyze::jwt::{self, JwtAnalysis};
use crate::engine::{Engine, WindowHits};
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
    /// Add another group of the same fingerprint.
    pub fn absorb(&mut self, other: Group) {
        self.count += other.count;
        let other_first = other.samples.first().map(Sample::order);
        let mine_first = self.samples.first().map(Sample::order);
        if other_first.is_some() && (mine_first.is_none() || other_first < mine_first) {
            self.context = other.context;
        }
        self.samples.extend(other.samples);
        self.samples.sort_by_key(Sample::order);
        self.samples.truncate(MAX_LOCATIONS);
        self.samples.shrink_to(MAX_LOCATIONS);
    }
}

/// A line carrying this marker is never reported (e.g. `# leakhound:allow` in a fixture).
pub const ALLOW_MARKER: &[u8] = b"leakhound:allow";

pub type Groups = HashMap<[u8; 32], Group>;

/// Collects one job's matches.
pub struct JobCollector<'e> {
    engine: &'e Engine,
    file: u32,
    job: u32,
    show_secrets: bool,
    pub groups: Groups,
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
    pub fn new(engine: &'e Engine, file: u32, job: u32, show_secrets: bool) -> Self {
        JobCollector {
            engine,
            file,
            job,
            show_secrets,
            groups: HashMap::new(),
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

impl HitSink for JobCollector<'_> {
    fn window(&mut self, hits: &WindowHits<'_>, position: &mut dyn FnMut(usize) -> Position) {
        let rules = self.engine.rules().rules();
        if self.allowed
            || memchr::memmem::find(&hits.buf[hits.line.clone()], ALLOW_MARKER).is_some()
        {
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
            if let Some(group) = self.groups.get_mut(&fp) {
                group.count += 1;
                if group.samples.len() < MAX_LOCATIONS {
                    // Grow one at a time: doubling would leave room for 16 samples of 10.
                    group.samples.reserve_exact(1);
                    group.samples.push(sample);
                }
                continue;
            }
            // The context masks every secret found on the line, not only this one (a
            // multi-line secret extends the line to its end).
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
            let context = masked_context(line, &self.spans, m.start - line_start);
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
                // The attributes follow the cookie on its line (up to a JSON string's end).
                let rest = &hits.buf[m.start..hits.line.end.max(m.end)];
                let end = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
                notes = cookie::weaknesses(&rest[..end], now);
            }
            let shown = if rule.spec.masked {
                mask(&text)
            } else {
                text.to_string()
            };
            self.groups.insert(
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

/// Merge `from` into `into`.
pub fn merge(into: &mut Groups, from: Groups) {
    if into.is_empty() {
        // Take the table as it is: no second copy of every group while moving them.
        *into = from;
        return;
    }
    for (fp, group) in from {
        match into.get_mut(&fp) {
            Some(existing) => existing.absorb(group),
            None => {
                into.insert(fp, group);
            }
        }
    }
}
