//! Cookie hygiene of a logged `Set-Cookie`: missing `HttpOnly`, missing `Secure`,
//! missing or `None` `SameSite`, and a lifetime (`Max-Age`/`Expires`) over 24 hours.

use super::parse_http_date;

/// A session cookie should not outlive this (seconds).
pub const MAX_LIFETIME: i64 = 24 * 3600;

/// The weaknesses of one `Set-Cookie` header value (`name=value; Attr; Attr=x`),
/// judged at `now` (for `Expires`). Empty when the cookie is well-formed.
pub fn weaknesses(set_cookie: &[u8], now: i64) -> Vec<String> {
    let text = String::from_utf8_lossy(set_cookie);
    let mut attrs = text.split(';').skip(1).map(str::trim);
    let (mut http_only, mut secure, mut same_site) = (false, false, None::<String>);
    let (mut max_age, mut expires) = (None::<i64>, None::<i64>);
    for attr in attrs.by_ref() {
        let (key, value) = attr.split_once('=').unwrap_or((attr, ""));
        match key.trim().to_ascii_lowercase().as_str() {
            "httponly" => http_only = true,
            "secure" => secure = true,
            "samesite" => same_site = Some(value.trim().to_ascii_lowercase()),
            "max-age" => max_age = value.trim().parse().ok(),
            "expires" => expires = parse_http_date(value.trim()),
            _ => {}
        }
    }
    let mut weak = Vec::new();
    if !http_only {
        weak.push("missing HttpOnly".to_string());
    }
    if !secure {
        weak.push("missing Secure".to_string());
    }
    match same_site.as_deref() {
        None => weak.push("missing SameSite".to_string()),
        Some("none") => weak.push("SameSite=None".to_string()),
        _ => {}
    }
    // Max-Age wins over Expires (RFC 6265 §5.3).
    let lifetime = max_age.or(expires.map(|e| e - now));
    if let Some(l) = lifetime
        && l > MAX_LIFETIME
    {
        weak.push(format!("lifetime {}h over 24h", l / 3600));
    }
    weak
}

/// Whether a `Set-Cookie` deletes the cookie (`Max-Age=0`, or an `Expires` in the past).
pub fn is_deletion(set_cookie: &[u8], now: i64) -> bool {
    let text = String::from_utf8_lossy(set_cookie).to_ascii_lowercase();
    text.split(';').skip(1).map(str::trim).any(|attr| {
        let (key, value) = attr.split_once('=').unwrap_or((attr, ""));
        match key.trim() {
            "max-age" => value.trim().parse::<i64>().is_ok_and(|v| v <= 0),
            "expires" => parse_http_date(value.trim()).is_some_and(|t| t <= now),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn weak_and_well_formed_cookies() {
        let good = b"JSESSIONID=abc; Path=/; Secure; HttpOnly; SameSite=Lax";
        assert!(weaknesses(good, NOW).is_empty());
        let weak = weaknesses(
            b"PHPSESSID=abc; path=/; SameSite=None; Max-Age=2592000",
            NOW,
        );
        assert_eq!(
            weak,
            vec![
                "missing HttpOnly",
                "missing Secure",
                "SameSite=None",
                "lifetime 720h over 24h"
            ]
        );
        let w = weaknesses(
            b"sid=x; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Secure; HttpOnly; SameSite=Strict",
            NOW,
        );
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(is_deletion(b"sid=; Max-Age=0", NOW));
        assert!(is_deletion(
            b"sid=x; expires=Thu, 01 Jan 1970 00:00:00 GMT",
            NOW
        ));
        assert!(!is_deletion(good, NOW));
    }
}
