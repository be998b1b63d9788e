//! What a rule's regex guarantees about its matches, read from the parsed pattern: where
//! the secret lies within a match, and how far before a keyword a match can start. The
//! engine uses both to skip work whose outcome is already known; a pattern whose shape
//! proves nothing simply gets no shortcut.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The pattern as the rules compile it (bytes, no Unicode classes); `None` if it does not
/// parse (the regex compiler reports that).
pub fn parse(pattern: &str) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()
}

/// What the regex's shape guarantees about the secret within any match `m`: it starts at
/// least `prefix` bytes after `m.start()`, ends at least `suffix` bytes before `m.end()`,
/// and is at least `len` bytes long. Lets the engine see, from the match alone, that a
/// candidate overlaps a stronger rule's secret (and will be dropped) without its captures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretBounds {
    pub prefix: usize,
    pub suffix: usize,
    pub len: usize,
}

impl SecretBounds {
    /// The `secret` group must be on the top-level sequence (so that every match goes
    /// through it once).
    pub fn of(hir: &Hir) -> Option<SecretBounds> {
        let has_secret = |h: &Hir| Self::of(h).is_some();
        match hir.kind() {
            HirKind::Capture(c) if c.name.as_deref() == Some("secret") => Some(SecretBounds {
                prefix: 0,
                suffix: 0,
                len: c.sub.properties().minimum_len()?,
            }),
            HirKind::Capture(c) => Self::of(&c.sub),
            HirKind::Concat(parts) => {
                let i = parts.iter().position(has_secret)?;
                let inner = Self::of(&parts[i])?;
                Some(SecretBounds {
                    prefix: min_len(&parts[..i])? + inner.prefix,
                    suffix: min_len(&parts[i + 1..])? + inner.suffix,
                    len: inner.len,
                })
            }
            _ => None,
        }
    }
}

fn min_len(parts: &[Hir]) -> Option<usize> {
    parts.iter().map(|h| h.properties().minimum_len()).sum()
}

fn max_len(parts: &[Hir]) -> Option<usize> {
    parts.iter().map(|h| h.properties().maximum_len()).sum()
}

/// The most bytes a match can hold before the start of a keyword that every match
/// contains (ASCII case aside, as the keyword prefilter finds them); `None` when the
/// pattern does not show one. A match then starts no earlier than the first keyword in
/// the window minus this lead, so the regex need not run over the rest of the line.
pub fn keyword_lead(hir: &Hir, keywords: &[String]) -> Option<usize> {
    let keywords: Vec<Vec<u8>> = keywords
        .iter()
        .map(|k| k.as_bytes().to_ascii_lowercase())
        .filter(|k| !k.is_empty())
        .collect();
    lead(hir, &keywords)
}

fn lead(hir: &Hir, keywords: &[Vec<u8>]) -> Option<usize> {
    match hir.kind() {
        HirKind::Capture(c) => lead(&c.sub, keywords),
        HirKind::Repetition(r) if r.min >= 1 => lead(&r.sub, keywords),
        // Every branch must hold a keyword; the match may take the one with the longest lead.
        HirKind::Alternation(branches) => branches
            .iter()
            .map(|b| lead(b, keywords))
            .try_fold(0, |acc, l| Some(acc.max(l?))),
        HirKind::Concat(parts) => concat_lead(parts, keywords),
        HirKind::Literal(_) | HirKind::Class(_) => {
            let bytes = units(hir)?;
            keywords
                .iter()
                .filter_map(|kw| memchr::memmem::find(&bytes, kw))
                .min()
        }
        _ => None,
    }
}

/// In a sequence: a keyword spelled out by consecutive one-byte parts (literals, and
/// classes that are one letter in either case), or a part that holds a keyword itself;
/// the bytes before it must be bounded. The smallest lead found wins.
fn concat_lead(parts: &[Hir], keywords: &[Vec<u8>]) -> Option<usize> {
    let mut best: Option<usize> = None;
    let mut take = |l: usize| best = Some(best.map_or(l, |b| b.min(l)));
    // The current run of one-byte parts (lower-cased), and where it starts.
    let mut run: Vec<u8> = Vec::new();
    let mut run_from = 0;
    for (i, part) in parts.iter().enumerate() {
        match units(part) {
            Some(bytes) => {
                if run.is_empty() {
                    run_from = i;
                }
                run.extend_from_slice(&bytes);
                for kw in keywords {
                    if let Some(at) = memchr::memmem::find(&run, kw)
                        && let Some(before) = max_len(&parts[..run_from])
                    {
                        take(before + at);
                    }
                }
            }
            None => {
                run.clear();
                if let Some(inner) = lead(part, keywords)
                    && let Some(before) = max_len(&parts[..i])
                {
                    take(before + inner);
                }
            }
        }
    }
    best
}

/// The bytes a part matches when it matches exactly one string, ASCII case folded.
fn units(hir: &Hir) -> Option<Vec<u8>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(lit.0.to_ascii_lowercase()),
        HirKind::Class(class) => {
            let bytes: Vec<u8> = match class {
                Class::Bytes(c) => c.iter().flat_map(|r| r.start()..=r.end()).collect(),
                Class::Unicode(c) => c
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .map(|ch| u8::try_from(u32::from(ch)).ok())
                    .collect::<Option<Vec<u8>>>()?,
            };
            // One byte, or one letter in both cases.
            let lower = bytes.first()?.to_ascii_lowercase();
            let one = bytes.len() <= 2 && bytes.iter().all(|b| b.to_ascii_lowercase() == lower);
            one.then(|| vec![lower])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead_of(pattern: &str, keywords: &[&str]) -> Option<usize> {
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        keyword_lead(&parse(pattern).expect("parses"), &keywords)
    }

    #[test]
    fn keyword_lead_is_the_bounded_part_before_a_required_keyword() {
        // One byte of boundary (or a two-byte "; ") before the keyword.
        assert_eq!(
            lead_of(
                r#"(?i)(?:^|[\s:"'{,]|;\s)jsessionid=(?P<secret>[A-F0-9]{16,})"#,
                &["jsessionid="]
            ),
            Some(2)
        );
        // The keyword is the match's start.
        assert_eq!(
            lead_of(r"(?i)\bbearer\s+(?P<secret>\S{20,})", &["bearer"]),
            Some(0)
        );
        // Case-sensitive literal, found by the case-insensitive prefilter too.
        assert_eq!(
            lead_of(r"(?P<secret>eyJ[A-Za-z0-9_-]{10,})", &["eyj"]),
            Some(0)
        );
        assert_eq!(lead_of(r"x{2,3}AKIA[0-9A-Z]{16}", &["akia"]), Some(3));
        // Every branch holds a keyword: the longest lead counts.
        assert_eq!(
            lead_of(r"(?i)(?:ghp_|x-gho_)[a-z0-9]{36}", &["ghp_", "gho_"]),
            Some(2)
        );
        // The keyword inside a group that repeats at least once.
        assert_eq!(
            lead_of(r"(?i)a(?:token=)+(?P<secret>\w+)", &["token="]),
            Some(1)
        );
    }

    #[test]
    fn no_lead_without_proof() {
        // Unbounded bytes before the keyword.
        assert_eq!(
            lead_of(
                r"(?i)authorization\s*:\s*bearer (?P<secret>\S+)",
                &["bearer"]
            ),
            None
        );
        // A branch without the keyword.
        assert_eq!(
            lead_of(r"(?i)(?:bearer|token) (?P<secret>\S+)", &["bearer"]),
            None
        );
        // The keyword is optional, or not in the pattern at all.
        assert_eq!(
            lead_of(r"(?i)(?:sid=)?(?P<secret>[a-f0-9]{32})", &["sid="]),
            None
        );
        assert_eq!(lead_of(r"(?i)pass(?P<secret>\w+)", &["password"]), None);
        // A class of more than one letter is not a keyword byte.
        assert_eq!(lead_of(r"[a-z]ession=(?P<secret>\w+)", &["session="]), None);
    }
}
