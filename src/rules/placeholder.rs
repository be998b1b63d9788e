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

/// Whether `value` is a placeholder rather than a credential.
pub fn is_placeholder(value: &[u8]) -> bool {
    let trimmed = trim_quotes(value);
    if trimmed.is_empty() {
        return true;
    }
    if contains(trimmed, b"...") || contains(trimmed, "…".as_bytes()) || contains(trimmed, b"***")
    {
        return true;
    }
    // Template and shell variables, angle-bracket slots.
    if trimmed.starts_with(b"${")
        || trimmed.starts_with(b"{{")
        || trimmed.starts_with(b"%(")
        || trimmed.starts_with(b"<")
        || trimmed.starts_with(b"$(")
        || (trimmed.starts_with(b"$")
            && trimmed[1..]
                .iter()
                .all(|b| b.is_ascii_uppercase() || *b == b'_'))
        || contains(trimmed, b"{{")
        || contains(trimmed, b"${")
    {
        return true;
    }
    let core: Vec<u8> = trimmed
        .iter()
        .copied()
        .filter(|b| {
            !matches!(
                b,
                b'[' | b']' | b'(' | b')' | b'<' | b'>' | b'-' | b'_' | b'.' | b':'
            )
        })
        .collect();
    if core.is_empty() {
        return true;
    }
    // Runs of x or * (XXXX-XXXX, ****), and one character repeated (0000000000).
    if core.iter().all(|b| matches!(b, b'x' | b'X' | b'*')) || core.iter().all(|&b| b == core[0]) {
        return true;
    }
    if has_run(&core, |b| b == b'x' || b == b'X', 6) {
        return true;
    }
    let lower = core.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower == w.as_bytes()) {
        return true;
    }
    // "your_token_here", "insert-key-here", "replace_me".
    if lower.starts_with(b"your") || lower.ends_with(b"here") || lower.starts_with(b"replaceme") {
        return true;
    }
    // AWS's documented example credentials.
    contains(trimmed, b"EXAMPLE")
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

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

fn has_run(data: &[u8], pred: impl Fn(u8) -> bool, len: usize) -> bool {
    let mut run = 0;
    for &b in data {
        if pred(b) {
            run += 1;
            if run >= len {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
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
