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

/// Whether `value` is a placeholder rather than a credential. Runs once per candidate
/// secret: one pass over the bytes, no allocation.
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
    let is_sep = |b: u8| {
        matches!(
            b,
            b'[' | b']' | b'(' | b')' | b'<' | b'>' | b'-' | b'_' | b'.' | b':'
        )
    };
    let mut prev = 0u8;
    let (mut dots, mut stars, mut xs) = (0, 0, 0);
    let mut first = None;
    let (mut all_same, mut all_x) = (true, true);
    let mut core_len = 0usize;
    let mut word = [0u8; 16];
    for (i, &b) in trimmed.iter().enumerate() {
        dots = if b == b'.' { dots + 1 } else { 0 };
        stars = if b == b'*' { stars + 1 } else { 0 };
        if dots >= 3 || stars >= 3 || ((b == b'{') && (prev == b'{' || prev == b'$')) {
            return true; // "...", "***", "{{var}}", "${VAR}"
        }
        if b == 0xE2 && trimmed.get(i + 1..i + 3) == Some(&[0x80, 0xA6]) {
            return true; // "…"
        }
        if b == b'E' && trimmed[i..].starts_with(b"EXAMPLE") {
            return true; // AWS's documented example credentials
        }
        prev = b;
        if is_sep(b) {
            continue;
        }
        xs = if b == b'x' || b == b'X' { xs + 1 } else { 0 };
        if xs >= 6 {
            return true;
        }
        all_x &= matches!(b, b'x' | b'X' | b'*');
        all_same &= *first.get_or_insert(b) == b;
        if core_len < word.len() {
            word[core_len] = b.to_ascii_lowercase();
        }
        core_len += 1;
    }
    // Nothing but separators, runs of x or *, one character repeated (0000000000).
    if core_len == 0 || all_x || all_same {
        return true;
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
