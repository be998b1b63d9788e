//! Values that look like a secret's slot but hold no secret: `...`, `<token>`, `${VAR}`,
//! `{{var}}`, runs of `x` or `*`, `[REDACTED]`, `deleted`, `null`, AWS's documented examples.

/// Words that, alone (case-insensitively, brackets and quotes stripped), are never a secret.
const PLACEHOLDER_WORDS: &[&str] = &[
    "redacted",
    "filtered",
    "masked",
    "hidden",
    "removed",
    "deleted",
    "null",
    "nil",
    "none",
    "undefined",
    "true",
    "false",
    "empty",
    "secret",
    "password",
    "passwd",
    "token",
    "changeme",
    "placeholder",
    "example",
    "sample",
    "dummy",
    "invalid",
    "expired",
    "anonymous",
    "guest",
];

/// What a byte means to the scan for `...`, `***`, `{{`, `…`, `EXAMPLE` and runs of `x`.
const PLAIN: u8 = 0;
const SEP: u8 = 1;
const DOT: u8 = 2;
const STAR: u8 = 3;
const BRACE: u8 = 4;
const E2: u8 = 5;
const UPPER_E: u8 = 6;
const X: u8 = 7;

static CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let seps = b"[]()<>-_:";
    let mut i = 0;
    while i < seps.len() {
        t[seps[i] as usize] = SEP;
        i += 1;
    }
    t[b'.' as usize] = DOT;
    t[b'*' as usize] = STAR;
    t[b'{' as usize] = BRACE;
    t[0xE2] = E2;
    t[b'E' as usize] = UPPER_E;
    t[b'x' as usize] = X;
    t[b'X' as usize] = X;
    t
};

fn is_sep(b: u8) -> bool {
    matches!(
        b,
        b'[' | b']' | b'(' | b')' | b'<' | b'>' | b'-' | b'_' | b'.' | b':'
    )
}

/// Whether `value` is a placeholder rather than a credential. Runs once per candidate
/// secret: a table-driven pass over the bytes, no allocation.
pub fn is_placeholder(value: &[u8]) -> bool {
    let trimmed = trim_quotes(value);
    if trimmed.is_empty() {
        return true;
    }
    // Template and shell variables, angle-bracket slots.
    if trimmed.starts_with(b"<")
        || trimmed.starts_with(b"%(")
        || trimmed.starts_with(b"$(")
        || (trimmed.starts_with(b"$")
            && trimmed[1..]
                .iter()
                .all(|b| b.is_ascii_uppercase() || *b == b'_'))
    {
        return true;
    }
    // Runs anywhere: "...", "***", "{{var}}", "${VAR}", "…", "EXAMPLE", six x (separators
    // between them do not break a run of x).
    let (mut dots, mut stars, mut xs) = (0u32, 0u32, 0u32);
    for (i, &b) in trimmed.iter().enumerate() {
        match CLASS[b as usize] {
            PLAIN => (dots, stars, xs) = (0, 0, 0),
            SEP => (dots, stars) = (0, 0),
            DOT => {
                (dots, stars) = (dots + 1, 0);
                if dots >= 3 {
                    return true;
                }
            }
            STAR => {
                (dots, stars, xs) = (0, stars + 1, 0);
                if stars >= 3 {
                    return true;
                }
            }
            BRACE => {
                (dots, stars, xs) = (0, 0, 0);
                if i > 0 && matches!(trimmed[i - 1], b'{' | b'$') {
                    return true;
                }
            }
            E2 => {
                (dots, stars, xs) = (0, 0, 0);
                if trimmed.get(i + 1..i + 3) == Some(&[0x80, 0xA6]) {
                    return true; // "…"
                }
            }
            UPPER_E => {
                (dots, stars, xs) = (0, 0, 0);
                if trimmed[i..].starts_with(b"EXAMPLE") {
                    return true; // AWS's documented example credentials
                }
            }
            _ => {
                (dots, stars, xs) = (0, 0, xs + 1);
                if xs >= 6 {
                    return true;
                }
            }
        }
    }
    // The core: the value without separators.
    let mut core = trimmed.iter().copied().filter(|&b| !is_sep(b));
    let Some(first) = core.next() else {
        return true; // nothing but separators
    };
    // Runs of x or *, one character repeated (0000000000).
    if core.clone().all(|b| b == first)
        || std::iter::once(first)
            .chain(core.clone())
            .all(|b| matches!(b, b'x' | b'X' | b'*'))
    {
        return true;
    }
    let mut word = [0u8; 16];
    word[0] = first.to_ascii_lowercase();
    let mut core_len = 1;
    for b in core {
        if core_len < word.len() {
            word[core_len] = b.to_ascii_lowercase();
        }
        core_len += 1;
        if core_len > word.len() {
            break;
        }
    }
    let lower = &word[..core_len.min(word.len())];
    if core_len <= word.len() && PLACEHOLDER_WORDS.iter().any(|w| lower == w.as_bytes()) {
        return true;
    }
    // "your_token_here", "insert-key-here", "replace_me".
    let mut tail = trimmed.iter().rev().copied().filter(|&b| !is_sep(b));
    let ends_here = [b'e', b'r', b'e', b'h']
        .iter()
        .all(|&c| tail.next().map(|b| b.to_ascii_lowercase()) == Some(c));
    lower.starts_with(b"your") || lower.starts_with(b"replaceme") || ends_here
}

fn trim_quotes(v: &[u8]) -> &[u8] {
    let mut s = v;
    while let [b'"' | b'\'' | b'`' | b' ', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b'"' | b'\'' | b'`' | b' '] = s {
        s = rest;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn placeholders() {
        for p in [
            "",
            "...",
            "<token>",
            "<YOUR_TOKEN>",
            "${SESSION_TOKEN}",
            "{{ token }}",
            "xxxxxxxx",
            "XXXX-XXXX-XXXX",
            "********",
            "[REDACTED]",
            "[FILTERED]",
            "deleted",
            "null",
            "\"\"",
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "$API_TOKEN",
            "abcd***",
            "your_token_here",
            "0000000000000000",
            "eyJhbGciOi…",
        ] {
            assert!(
                is_placeholder(p.as_bytes()),
                "{p:?} should be a placeholder"
            );
        }
    }

    #[test]
    fn real_looking_values_are_not_placeholders() {
        for v in [
            "9f86d081884c7d659a2feaa0c55ad015",
            "node01x9q7w2p4k8m3zv5b6n1c0d",
            "s%3AJ4k9dL2mQ8rT1vX6.Zp3Yw8Kc2Lm9Nq4Rs7Tu0Vx1Wy5Za6Bc8De0Fg2Hi4",
            "ghp_R7mK2pX9vQ4sL8nW3tY6bZ1cF5hJ0dG4aE2u",
        ] {
            assert!(!is_placeholder(v.as_bytes()), "{v:?} is not a placeholder");
        }
    }
}
