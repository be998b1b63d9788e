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

/// Where the secret lies in a match, read off the match's bytes alone (no captures): it
/// starts right after the first `sep` byte of the match, because the pattern's parts
/// before the separator can never hold that byte (`name=value` with a name free of `=`);
/// it ends at the match's end, or where its run of secret-class bytes ends when what
/// follows the secret never starts with such a byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSpan {
    sep: u8,
    end: SpanEnd,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum SpanEnd {
    /// Nothing but empty assertions follows the secret.
    Match,
    /// The secret is a repetition of one class, and what follows starts outside it.
    Run(ByteSet),
}

impl SecretSpan {
    /// The `secret` group must be on the top-level sequence, right after a separator byte.
    pub fn of(hir: &Hir) -> Option<SecretSpan> {
        let HirKind::Concat(parts) = hir.kind() else {
            return None;
        };
        let (i, secret) = parts.iter().enumerate().find_map(|(i, h)| match h.kind() {
            HirKind::Capture(c) if c.name.as_deref() == Some("secret") => Some((i, c)),
            _ => None,
        })?;
        // The separator: the last byte of the part before the secret, found nowhere before.
        let before = parts.get(..i.checked_sub(1)?)?;
        let (sep, rest) = match parts[i - 1].kind() {
            HirKind::Literal(lit) => lit.0.split_last().map(|(b, rest)| (*b, rest.to_vec()))?,
            HirKind::Class(_) => (single_byte(&parts[i - 1])?, Vec::new()),
            _ => return None,
        };
        let mut seen = ByteSet::default();
        before.iter().for_each(|h| seen.add_hir(h));
        rest.iter().for_each(|&b| seen.add(b));
        if seen.has(sep) {
            return None;
        }
        let after = &parts[i + 1..];
        let end = if after
            .iter()
            .all(|h| h.properties().maximum_len() == Some(0))
        {
            SpanEnd::Match
        } else {
            let class = match secret.sub.kind() {
                HirKind::Repetition(r) => match r.sub.kind() {
                    HirKind::Class(_) => ByteSet::of(&r.sub),
                    _ => return None,
                },
                _ => return None,
            };
            let mut follows = ByteSet::default();
            after.iter().for_each(|h| follows.add_hir(h));
            if follows.meets(&class) {
                return None;
            }
            SpanEnd::Run(class)
        };
        Some(SecretSpan { sep, end })
    }

    /// The secret's span within the match `m` (offsets into `m`).
    pub fn locate(&self, m: &[u8]) -> Option<(usize, usize)> {
        let start = memchr::memchr(self.sep, m)? + 1;
        let end = match &self.end {
            SpanEnd::Match => m.len(),
            SpanEnd::Run(class) => start + m[start..].iter().take_while(|&&b| class.has(b)).count(),
        };
        Some((start, end))
    }
}

/// The one byte a class matches, if it matches one only.
fn single_byte(hir: &Hir) -> Option<u8> {
    let set = ByteSet::of(hir);
    let mut bytes = (0..=255u8).filter(|&b| set.has(b));
    let b = bytes.next()?;
    bytes.next().is_none().then_some(b)
}

/// A set of bytes: every byte a part of a pattern can match, anywhere in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn of(hir: &Hir) -> ByteSet {
        let mut set = ByteSet::default();
        set.add_hir(hir);
        set
    }

    fn add(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn has(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    fn meets(&self, other: &ByteSet) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }

    fn add_hir(&mut self, hir: &Hir) {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(lit) => lit.0.iter().for_each(|&b| self.add(b)),
            HirKind::Class(Class::Bytes(c)) => {
                for r in c.iter() {
                    (r.start()..=r.end()).for_each(|b| self.add(b));
                }
            }
            // Code points past one byte are read as every byte (rules compile without Unicode).
            HirKind::Class(Class::Unicode(c)) => {
                for r in c.iter() {
                    let (lo, hi) = (u32::from(r.start()), u32::from(r.end()));
                    (lo..=hi.min(255)).for_each(|b| self.add(b as u8));
                    if hi > 255 {
                        *self = ByteSet([u64::MAX; 4]);
                    }
                }
            }
            HirKind::Repetition(r) => self.add_hir(&r.sub),
            HirKind::Capture(c) => self.add_hir(&c.sub),
            HirKind::Concat(parts) | HirKind::Alternation(parts) => {
                parts.iter().for_each(|h| self.add_hir(h))
            }
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
    lead(hir, &folded(keywords)).flatten()
}

/// Whether every match holds one of the keywords, however far from its start: then no
/// match starts after the last keyword on a line.
pub fn holds_keyword(hir: &Hir, keywords: &[String]) -> bool {
    lead(hir, &folded(keywords)).is_some()
}

fn folded(keywords: &[String]) -> Vec<Vec<u8>> {
    keywords
        .iter()
        .map(|k| k.as_bytes().to_ascii_lowercase())
        .filter(|k| !k.is_empty())
        .collect()
}

/// How far before a keyword it holds a match may start: `None` when the pattern does not
/// show that every match holds one, `Some(None)` when it does but the bytes before the
/// keyword are unbounded.
type Lead = Option<Option<usize>>;

fn lead(hir: &Hir, keywords: &[Vec<u8>]) -> Lead {
    match hir.kind() {
        HirKind::Capture(c) => lead(&c.sub, keywords),
        HirKind::Repetition(r) if r.min >= 1 => lead(&r.sub, keywords),
        // Every branch must hold a keyword; the match may take the one with the longest lead.
        HirKind::Alternation(branches) => branches
            .iter()
            .map(|b| lead(b, keywords))
            .try_fold(Some(0), |acc, l| Some(acc.zip(l?).map(|(a, b)| a.max(b)))),
        HirKind::Concat(parts) => concat_lead(parts, keywords),
        HirKind::Literal(_) | HirKind::Class(_) => {
            let bytes = units(hir)?;
            keywords
                .iter()
                .filter_map(|kw| memchr::memmem::find(&bytes, kw))
                .min()
                .map(Some)
        }
        _ => None,
    }
}

/// In a sequence: a keyword spelled out by consecutive one-byte parts (literals, and
/// classes that are one letter in either case), or a part that holds a keyword itself.
/// The smallest lead found wins (a bounded one over an unbounded one).
fn concat_lead(parts: &[Hir], keywords: &[Vec<u8>]) -> Lead {
    let mut best: Lead = None;
    let mut take = |l: Option<usize>| {
        best = Some(match best {
            Some(Some(b)) => Some(l.map_or(b, |l| b.min(l))),
            _ => l,
        })
    };
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
                    if let Some(at) = memchr::memmem::find(&run, kw) {
                        take(max_len(&parts[..run_from]).map(|before| before + at));
                    }
                }
            }
            None => {
                run.clear();
                if let Some(inner) = lead(part, keywords) {
                    take(max_len(&parts[..i]).zip(inner).map(|(b, l)| b + l));
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

    fn holds(pattern: &str, keywords: &[&str]) -> bool {
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        holds_keyword(&parse(pattern).expect("parses"), &keywords)
    }

    #[test]
    fn a_keyword_held_after_unbounded_bytes_gives_no_lead_but_holds() {
        let pattern = r"(?i)authorization\s*:\s*bearer (?P<secret>\S+)";
        assert_eq!(lead_of(pattern, &["bearer"]), None);
        assert!(holds(pattern, &["bearer"]));
        // A bounded lead wins over an unbounded one.
        assert_eq!(
            lead_of(r"(?i)x{0,3}bearer a+token", &["token", "bearer"]),
            Some(3)
        );
        assert!(!holds(r"(?i)(?:bearer|token) (?P<secret>\S+)", &["bearer"]));
        assert!(!holds(r"(?i)(?:sid=)?(?P<secret>[a-f0-9]{32})", &["sid="]));
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

    fn span_of(pattern: &str) -> Option<SecretSpan> {
        SecretSpan::of(&parse(pattern).expect("parses"))
    }

    /// The secret as the span reads it off the regex's match, and as the captures give it.
    fn both(pattern: &str, text: &str) -> (Option<String>, Option<String>) {
        let span = span_of(pattern).expect("a span");
        let re = regex::bytes::RegexBuilder::new(pattern)
            .unicode(false)
            .build()
            .expect("compiles");
        let caps = re.captures(text.as_bytes());
        let m = caps.as_ref().and_then(|c| c.get(0));
        let read = m.and_then(|m| {
            let (s, e) = span.locate(m.as_bytes())?;
            Some(String::from_utf8_lossy(&m.as_bytes()[s..e]).into_owned())
        });
        let captured = caps
            .as_ref()
            .and_then(|c| c.name("secret"))
            .map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned());
        (read, captured)
    }

    #[test]
    fn secret_span_reads_the_secret_the_captures_give() {
        let cases = [
            (
                r#"(?i)(?:^|[\s:"'{,]|;\s)jsessionid=(?P<secret>[A-Za-z0-9!._~\-]{16,256})"#,
                "Cookie: a=b; JSESSIONID=8F2D6C1E4B7A9F0E3D5C2B1A6E9F8D7C; x=1",
            ),
            // The name holds no `=`; the value may.
            (
                r"(?i)(?:^|[\s;])(?P<name>[A-Za-z0-9_.\-]*sess[A-Za-z0-9_.\-]*)=(?P<secret>[A-Za-z0-9=+/]{8,})",
                "Cookie: my_sess_v2=YWJjZGVmZ2hpamts== rest",
            ),
            // What follows the secret starts outside its class: the run ends it.
            (
                r"(?i)sessionid=(?P<secret>(?-i:[a-z0-9]{8}))(?:[^A-Za-z0-9]|$)",
                "sessionid=abcd1234; x",
            ),
            (
                r"(?i)sessionid=(?P<secret>(?-i:[a-z0-9]{8}))(?:[^A-Za-z0-9]|$)",
                "sessionid=abcd1234",
            ),
            // The regex's bound ({4,6}) stops the secret before the run of its class does.
            (r"(?i)sid=(?P<secret>[a-f0-9]{4,6})", "sid=abcdef0123"),
        ];
        for (pattern, text) in cases {
            let (read, captured) = both(pattern, text);
            assert!(captured.is_some(), "{pattern} on {text}");
            assert_eq!(read, captured, "{pattern} on {text}");
        }
    }

    #[test]
    fn no_span_without_proof() {
        // The separator can occur before it (a `=` in the name).
        assert_eq!(span_of(r"(?P<name>[a-z=]+)=(?P<secret>\w+)"), None);
        // No single separator byte before the secret.
        assert_eq!(span_of(r"(?i)bearer\s+(?P<secret>\S+)"), None);
        // What follows can continue the secret's class, and the secret is not one class.
        assert_eq!(span_of(r"k=(?P<secret>[a-z]+)[a-z0-9]"), None);
        assert_eq!(span_of(r"k=(?P<secret>(?:ab|cd)+);"), None);
        // The secret is not on the top-level sequence.
        assert_eq!(span_of(r"(?:k=(?P<secret>\w+)|j=(?P<x>\w+))"), None);
    }
}
