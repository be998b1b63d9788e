//! The two-stage matcher. Stage one: one Aho-Corasick automaton over every rule's
//! keywords finds candidate lines. Stage two: only the rules that own a keyword present
//! in a bounded window around the candidate run their regex on that window.
//!
//! The engine knows bytes only: no files, no reports.

mod keywords;

use std::ops::Range;

use aho_corasick::Input;
use regex::bytes::CaptureLocations;

use crate::error::Error;
use crate::rules::{RuleSet, SecretBounds};
use keywords::Keywords;

/// How far a window reaches either side of a keyword on a long line.
pub const LINE_CAP: usize = 4096;
/// How far past the keyword a multi-line rule (PEM blocks) may look.
pub const MULTILINE_CAP: usize = 16 * 1024;
/// The context a block must keep after its scanned part for windows to be complete.
pub const LOOKAHEAD: usize = MULTILINE_CAP;
/// How far after a keyword a rule's `followed_by` literal may be.
pub const FOLLOWED_WITHIN: usize = 256;
/// Matches this close to a window's cut edge belong to the neighbouring window.
pub const EDGE: usize = 1024;

/// One confirmed secret: a rule and the secret's span in the scanned buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawMatch {
    pub rule: u32,
    pub start: usize,
    pub end: usize,
}

/// The matches found in one window, with the line they sit on (for context).
#[derive(Debug)]
pub struct WindowHits<'a> {
    pub buf: &'a [u8],
    /// The line (or the capped part of a long line) the candidate sits on.
    pub line: Range<usize>,
    /// Whether `line.start` is a real line start (false when the line began earlier than the cap).
    pub line_start_known: bool,
    pub matches: &'a [RawMatch],
}

/// Which rules may run on a blob (rules scoped to path globs are off elsewhere).
#[derive(Debug, Clone)]
pub struct RuleMask {
    bits: Vec<bool>,
    /// Whether a path-scoped rule is on (its keywords must be searched for).
    scoped: bool,
}

impl RuleMask {
    pub fn all(n: usize) -> RuleMask {
        RuleMask {
            bits: vec![true; n],
            scoped: true,
        }
    }

    pub fn allows(&self, rule: usize) -> bool {
        self.bits.get(rule).copied().unwrap_or(false)
    }
}

/// A candidate whose captures were not run: its match shows that its secret overlaps a
/// stronger rule's (so it loses). Its secret lies in `lo..hi`.
#[derive(Debug, Clone, Copy)]
struct Deferred {
    rule: u32,
    /// Where its match starts (the captures are run from there when needed).
    at: usize,
    lo: usize,
    hi: usize,
}

/// What a match shows of its rule's secret.
#[derive(Debug, Clone, Copy)]
enum Secret {
    /// Its span (from the captures, or read off the match).
    Found(usize, usize),
    /// Only the overall match is known: the secret lies within it as the bounds say.
    Within(SecretBounds),
    /// The secret group took no part in the match.
    Absent,
}

/// Per-thread scratch space, reused across windows and blobs.
#[derive(Debug)]
pub struct Scratch {
    selected: Vec<bool>,
    selected_list: Vec<u32>,
    /// Per selected rule: where its first and its last keyword start in the window.
    keyword_starts: Vec<(usize, usize)>,
    matches: Vec<RawMatch>,
    deferred: Vec<Deferred>,
    recent: Vec<RawMatch>,
    recent_end: usize,
    locs: Vec<CaptureLocations>,
}

pub struct Engine {
    rules: RuleSet,
    /// The keywords of every rule.
    all: Keywords,
    /// The keywords of the rules without path globs, when some rules have them: for blobs
    /// where no path-scoped rule applies.
    unscoped: Option<Keywords>,
    /// The analysis clock (Unix seconds) for rules that judge time (cookie lifetimes).
    now: i64,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("rules", &self.rules.len())
            .field("keywords", &self.all.rules.len())
            .finish()
    }
}

impl Engine {
    pub fn new(rules: RuleSet) -> Result<Engine, Error> {
        let all = Keywords::build(&rules, |_| true)?;
        let unscoped = if rules.rules().iter().any(|r| r.paths.is_some()) {
            Some(Keywords::build(&rules, |r| r.paths.is_none())?)
        } else {
            None
        };
        Ok(Engine {
            rules,
            all,
            unscoped,
            now: crate::analyze::system_now(),
        })
    }

    /// Fix the clock (`--now`) for reproducible runs.
    pub fn with_clock(mut self, now: i64) -> Engine {
        self.now = now;
        self
    }

    pub fn now(&self) -> i64 {
        self.now
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The keywords of the prefilter, lower-cased (for the benchmark's `rg` reference).
    pub fn keyword_count(&self) -> usize {
        self.all.rules.len()
    }

    pub fn scratch(&self) -> Scratch {
        Scratch {
            selected: vec![false; self.rules.len()],
            selected_list: Vec::new(),
            keyword_starts: vec![(0, 0); self.rules.len()],
            matches: Vec::new(),
            deferred: Vec::new(),
            recent: Vec::new(),
            recent_end: 0,
            locs: self
                .rules
                .rules()
                .iter()
                .map(|r| r.regex.capture_locations())
                .collect(),
        }
    }

    /// The rules that may run on a blob at `path`.
    pub fn mask_for_path(&self, path: &str) -> RuleMask {
        if self.unscoped.is_none() {
            return RuleMask::all(self.rules.len());
        }
        let bits: Vec<bool> = self
            .rules
            .rules()
            .iter()
            .map(|r| r.applies_to(path))
            .collect();
        let scoped = self
            .rules
            .rules()
            .iter()
            .zip(&bits)
            .any(|(r, &on)| on && r.paths.is_some());
        RuleMask { bits, scoped }
    }

    /// The automata for a blob: without the path-scoped rules' keywords where none applies.
    fn keywords(&self, mask: &RuleMask) -> &Keywords {
        match &self.unscoped {
            Some(unscoped) if !mask.scoped => unscoped,
            _ => &self.all,
        }
    }

    /// Forget windows of an earlier buffer (call when a new blob starts).
    pub fn reset(&self, scratch: &mut Scratch) {
        scratch.recent.clear();
        scratch.recent_end = 0;
    }

    /// Scan `buf`, reporting keywords that start in `owned`. Windows may read all of `buf`.
    /// `shift` tells the engine that `buf` starts `shift` bytes after the previous call's
    /// buffer did (so overlapping windows of one long line are not reported twice).
    pub fn scan(
        &self,
        buf: &[u8],
        owned: Range<usize>,
        shift: usize,
        mask: &RuleMask,
        scratch: &mut Scratch,
        sink: &mut dyn FnMut(&WindowHits<'_>),
    ) {
        // Carry over the last window's matches, re-based on this buffer.
        scratch.recent_end = scratch.recent_end.saturating_sub(shift);
        scratch.recent.retain_mut(|m| {
            if m.start < shift {
                return false;
            }
            m.start -= shift;
            m.end -= shift;
            true
        });
        let kw = self.keywords(mask);
        let mut pos = owned.start;
        let search_end = buf.len().min(owned.end + kw.max_len);
        while pos < owned.end {
            let input = Input::new(buf).range(pos..search_end);
            let Some(hit) = kw.finder.find(input) else {
                break;
            };
            if hit.start() >= owned.end {
                break;
            }
            if let Some(gate) = &kw.gates[hit.pattern().as_usize()] {
                let after = &buf[hit.end()..buf.len().min(hit.end() + FOLLOWED_WITHIN)];
                if memchr::memmem::find(after, gate).is_none() {
                    pos = hit.start() + 1;
                    continue;
                }
            }
            let mut at = hit.start();
            // No keyword of interest starts in [pos, at): rule selection may start at `at`.
            let mut select_from = at;
            loop {
                let (next, dropped_at_edge) =
                    self.confirm(buf, at, select_from, mask, scratch, sink);
                pos = next;
                // A match cut by the right edge of a long line's window gets a window of its own.
                if !dropped_at_edge || next >= owned.end {
                    break;
                }
                at = next;
                select_from = 0;
            }
        }
    }

    /// How rules rank where their secrets overlap: higher priority first, then the earlier.
    fn rank(&self, rule: u32) -> (i32, std::cmp::Reverse<u32>) {
        (
            self.rules.rules()[rule as usize].spec.priority,
            std::cmp::Reverse(rule),
        )
    }

    /// Where secrets of two rules overlap, keep the higher-priority rule's (the earlier on ties).
    fn drop_overlaps(&self, matches: &mut Vec<RawMatch>) {
        if matches.len() < 2 {
            return;
        }
        let mut keep = vec![true; matches.len()];
        for i in 0..matches.len() {
            for j in i + 1..matches.len() {
                let (a, b) = (&matches[i], &matches[j]);
                if a.rule == b.rule || a.end <= b.start || b.end <= a.start {
                    continue;
                }
                let a_wins = self.rank(a.rule) >= self.rank(b.rule);
                if a_wins {
                    keep[j] = false;
                } else {
                    keep[i] = false;
                }
            }
        }
        let mut k = keep.iter();
        matches.retain(|_| k.next().copied().unwrap_or(true));
    }

    /// Run rule `r`'s captures on its match at `at` (in `buf[..win_end]`) and keep its secret.
    fn capture(
        &self,
        buf: &[u8],
        r: u32,
        win_end: usize,
        at: usize,
        line_start: usize,
        scratch: &mut Scratch,
    ) {
        let rule = &self.rules.rules()[r as usize];
        let window = &buf[..win_end];
        let locs = &mut scratch.locs[r as usize];
        let Some(m) = rule.regex.captures_read_at(locs, window, at) else {
            return;
        };
        let Some((s, e)) = locs.get(rule.secret_group) else {
            return;
        };
        self.keep(buf, r, (s, e), m.range(), line_start, scratch);
    }

    /// Keep rule `r`'s secret `s..e` (of the match `whole`) if the rule accepts it and no
    /// earlier window of the line reported it.
    fn keep(
        &self,
        buf: &[u8],
        r: u32,
        (s, e): (usize, usize),
        whole: Range<usize>,
        line_start: usize,
        scratch: &mut Scratch,
    ) {
        let rule = &self.rules.rules()[r as usize];
        if e <= s || !rule.accepts(&buf[s..e], &buf[whole], self.now) {
            return;
        }
        let found = RawMatch {
            rule: r,
            start: s,
            end: e,
        };
        if line_start < scratch.recent_end && scratch.recent.contains(&found) {
            return;
        }
        if !scratch.matches.contains(&found) {
            scratch.matches.push(found);
        }
    }

    /// Rule `r`'s next match in `buf[..win_end]` that starts at or after `from`, and what
    /// is known of its secret.
    fn next_match(
        &self,
        buf: &[u8],
        r: u32,
        win_end: usize,
        from: usize,
        scratch: &mut Scratch,
    ) -> Option<(Range<usize>, Secret)> {
        let rule = &self.rules.rules()[r as usize];
        let window = &buf[..win_end];
        // The secret read off the match: the overall match is all the regex must find.
        if let Some(span) = &rule.secret_span {
            let m = rule.regex.find_at(window, from)?;
            if let Some((s, e)) = span.locate(m.as_bytes()) {
                return Some((m.range(), Secret::Found(m.start() + s, m.start() + e)));
            }
        }
        // Where a stronger rule has a secret on the line, the overall match comes first (no
        // captures): it may show that this candidate loses. Otherwise the captures give it.
        let bounds = rule.secret_bounds.filter(|_| {
            scratch
                .matches
                .iter()
                .any(|h| h.rule != r && self.rank(h.rule) > self.rank(r))
        });
        if let Some(b) = bounds {
            let m = rule.regex.find_at(window, from)?;
            return Some((m.range(), Secret::Within(b)));
        }
        let locs = &mut scratch.locs[r as usize];
        let m = rule.regex.captures_read_at(locs, window, from)?;
        let secret = match locs.get(rule.secret_group) {
            Some((s, e)) => Secret::Found(s, e),
            None => Secret::Absent,
        };
        Some((m.range(), secret))
    }

    /// Run the rules owning the keywords around `at`; returns where the scan resumes.
    fn confirm(
        &self,
        buf: &[u8],
        at: usize,
        select_from: usize,
        mask: &RuleMask,
        scratch: &mut Scratch,
        sink: &mut dyn FnMut(&WindowHits<'_>),
    ) -> (usize, bool) {
        let lo = at.saturating_sub(LINE_CAP);
        let (line_start, line_start_known) = match memchr::memrchr(b'\n', &buf[lo..at]) {
            Some(i) => (lo + i + 1, true),
            None => (lo, lo == 0),
        };
        let hi = buf.len().min(at + LINE_CAP);
        let line_end = match memchr::memchr(b'\n', &buf[at..hi]) {
            Some(i) => at + i,
            None => hi,
        };
        // On a line longer than the caps, a match touching a cut edge may be a truncated
        // secret: it is left to the neighbouring window, which sees it whole.
        let right_capped = line_end == hi && hi < buf.len() && buf[hi - 1] != b'\n';
        let trusted = (if line_start_known {
            line_start
        } else {
            line_start + EDGE
        })..(if right_capped {
            line_end - EDGE
        } else {
            line_end
        });
        // Select the rules whose keywords occur in the window (from the first keyword on).
        let text = &buf[line_start.max(select_from)..line_end];
        for &r in &scratch.selected_list {
            scratch.selected[r as usize] = false;
        }
        scratch.selected_list.clear();
        let keywords_at = line_start.max(select_from);
        let keywords = self.keywords(mask);
        for kw in keywords.selector.find_overlapping_iter(Input::new(text)) {
            let kw_start = keywords_at + kw.start();
            for &r in &keywords.rules[kw.pattern().as_usize()] {
                if !scratch.selected[r as usize] && mask.allows(r as usize) {
                    scratch.selected[r as usize] = true;
                    scratch.selected_list.push(r);
                    scratch.keyword_starts[r as usize] = (kw_start, kw_start);
                } else {
                    // Overlapping matches come in order of their ends, not their starts.
                    let (first, last) = &mut scratch.keyword_starts[r as usize];
                    *first = (*first).min(kw_start);
                    *last = (*last).max(kw_start);
                }
            }
        }
        // Strongest rules first, so that a weaker rule's candidate can be seen to lose
        // before its captures are run (the outcome does not depend on the order).
        scratch
            .selected_list
            .sort_unstable_by_key(|&r| std::cmp::Reverse(self.rank(r)));

        scratch.matches.clear();
        scratch.deferred.clear();
        let mut dropped_at_edge = false;
        for i in 0..scratch.selected_list.len() {
            let r = scratch.selected_list[i];
            let rule = &self.rules.rules()[r as usize];
            let (win_start, win_end) = if rule.spec.multiline {
                (line_start, buf.len().min(at + MULTILINE_CAP))
            } else {
                (line_start, line_end)
            };
            let trusted_end = if rule.spec.multiline {
                win_end
            } else {
                trusted.end
            };
            // A match holding a keyword (as the regex shows) starts at most `lead` bytes
            // before the rule's first keyword on the line: no need to search the bytes before;
            // and none starts after its last keyword (a multi-line match may hold a keyword
            // of a later line).
            let (first_keyword, last_keyword) = scratch.keyword_starts[r as usize];
            let mut from = match rule.keyword_lead {
                Some(lead) => win_start.max(first_keyword.saturating_sub(lead)),
                None => win_start,
            };
            let until = if rule.holds_keyword && !rule.spec.multiline {
                last_keyword
            } else {
                win_end
            };
            while from <= until {
                let Some((m, secret)) = self.next_match(buf, r, win_end, from, scratch) else {
                    break;
                };
                from = if m.end > m.start { m.end } else { m.end + 1 };
                // Where the secret lies: exactly, or within bounds (`len` bytes at least).
                let (lo, hi, len) = match secret {
                    Secret::Found(s, e) => (s, e, e - s),
                    Secret::Within(b) => {
                        (m.start + b.prefix, m.end.saturating_sub(b.suffix), b.len)
                    }
                    Secret::Absent => continue,
                };
                if m.start >= trusted.start && m.end > trusted_end {
                    dropped_at_edge = true;
                    continue;
                }
                // A multi-line secret belongs to the line it starts on; later lines in the
                // look-ahead get their own windows.
                if rule.spec.multiline && m.start > line_end {
                    break;
                }
                if m.start < trusted.start {
                    continue;
                }
                // The secret cannot avoid a stronger rule's secret: it would be dropped. Its
                // captures and checks wait until they matter.
                let len = len.max(1);
                let loses = scratch.matches.iter().any(|h| {
                    h.rule != r
                        && self.rank(h.rule) > self.rank(r)
                        && h.start.saturating_sub(lo) < len
                        && hi.saturating_sub(h.end) < len
                });
                if loses {
                    scratch.deferred.push(Deferred {
                        rule: r,
                        at: m.start,
                        lo,
                        hi,
                    });
                } else if let Secret::Found(s, e) = secret {
                    self.keep(buf, r, (s, e), m, line_start, scratch);
                } else {
                    self.capture(buf, r, win_end, m.start, line_start, scratch);
                }
            }
        }
        // A deferred candidate matters only where it could drop a weaker one: run its
        // captures there, so that the overlaps below come out as if it had never waited.
        for d in 0..scratch.deferred.len() {
            let g = scratch.deferred[d];
            let matters = scratch.matches.iter().any(|c| {
                c.rule != g.rule
                    && self.rank(g.rule) > self.rank(c.rule)
                    && c.start < g.hi
                    && g.lo < c.end
            });
            if matters {
                let rule = &self.rules.rules()[g.rule as usize];
                let win_end = if rule.spec.multiline {
                    buf.len().min(at + MULTILINE_CAP)
                } else {
                    line_end
                };
                self.capture(buf, g.rule, win_end, g.at, line_start, scratch);
            }
        }
        self.drop_overlaps(&mut scratch.matches);
        if line_start >= scratch.recent_end {
            scratch.recent.clear();
        }
        scratch.recent.extend_from_slice(&scratch.matches);
        scratch.recent_end = line_end;

        if !scratch.matches.is_empty() {
            scratch.matches.sort_unstable_by_key(|m| (m.start, m.rule));
            sink(&WindowHits {
                buf,
                line: line_start..line_end,
                line_start_known,
                matches: &scratch.matches,
            });
        }
        // Resume after the window; on a capped long line, where its trusted part ends.
        if right_capped {
            (trusted.end.max(at + 1), dropped_at_edge)
        } else {
            (line_end.max(at + 1), false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::new(RuleSet::builtin().expect("rules")).expect("engine")
    }

    fn secrets(engine: &Engine, text: &[u8]) -> Vec<(String, String)> {
        let mut scratch = engine.scratch();
        let mask = engine.mask_for_path("test.log");
        let mut out = Vec::new();
        engine.scan(text, 0..text.len(), 0, &mask, &mut scratch, &mut |w| {
            for m in w.matches {
                out.push((
                    engine.rules().rules()[m.rule as usize].id().to_string(),
                    String::from_utf8_lossy(&w.buf[m.start..m.end]).into_owned(),
                ));
            }
        });
        out
    }

    #[test]
    fn token_at_end_of_a_3mb_line_is_found() {
        let e = engine();
        let mut line = vec![b'a'; 3 << 20];
        line.extend_from_slice(b" Cookie: JSESSIONID=Zq8xW2mK9pL4vN7rT1yB6cD3fG5hJ0sA\n");
        let found = secrets(&e, &line);
        assert!(
            found
                .iter()
                .any(|(_, s)| s == "Zq8xW2mK9pL4vN7rT1yB6cD3fG5hJ0sA"),
            "{found:?}"
        );
    }

    /// The search starts near a rule's first keyword: every secret of a rule on a line is
    /// still found, an early keyword without a secret included.
    #[test]
    fn every_secret_of_a_rule_on_a_line_is_found() {
        let e = engine();
        let line =
            b"t=1 note=\"phpsessid=short\" Cookie: a=1; PHPSESSID=h4k2n9q7r1t5w8y3z6b0c4d7f2; \
            x=2; PHPSESSID=m3p8s1v6x9a2d5g7j0k4n8q2r5 Set-Cookie: JSESSIONID=8F3A2C9D1E7B4F6A0C5D; \
            Path=/ Cookie: JSESSIONID=1B2C3D4E5F60718293A4;\n";
        let found = secrets(&e, line);
        for (rule, secret) in [
            ("phpsessid-cookie", "h4k2n9q7r1t5w8y3z6b0c4d7f2"),
            ("phpsessid-cookie", "m3p8s1v6x9a2d5g7j0k4n8q2r5"),
            ("jsessionid-cookie", "8F3A2C9D1E7B4F6A0C5D"),
            ("jsessionid-cookie", "1B2C3D4E5F60718293A4"),
        ] {
            assert!(
                found.iter().any(|(r, s)| r == rule && s == secret),
                "{rule} {secret}: {found:?}"
            );
        }
        assert!(!found.iter().any(|(_, s)| s == "short"), "{found:?}");
    }

    /// A rule whose matches hold a keyword far from their start (no lead) searches up to
    /// its last keyword on the line, not its first.
    #[test]
    fn a_second_secret_after_an_unbounded_lead_is_found() {
        let e = engine();
        let line = b"req headers={\"authorization\": \"Bearer Zq8xW2mK9pL4vN7rT1yB6cD3\"} \
            proxied={\"Authorization\":    \"Bearer h4k2n9q7r1t5w8y3z6b0c4d7f2\"}\n";
        let found = secrets(&e, line);
        for secret in ["Zq8xW2mK9pL4vN7rT1yB6cD3", "h4k2n9q7r1t5w8y3z6b0c4d7f2"] {
            assert!(
                found
                    .iter()
                    .any(|(r, s)| r == "authorization-bearer" && s == secret),
                "{secret}: {found:?}"
            );
        }
    }
}
