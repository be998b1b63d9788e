//! Structural checks that a regex cannot express: a JWT's header must be JSON with an
//! `alg`, a Basic credential must decode to `user:password`.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};

use super::placeholder::is_placeholder;
use crate::analyze::cookie;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validator {
    /// `header.payload.signature` whose header decodes to a JSON object with `alg`.
    Jwt,
    /// Base64 that decodes to `user:password`, both non-empty and not placeholders.
    BasicAuth,
    /// A `Set-Cookie` (the whole match) that lacks HttpOnly, Secure or SameSite, or lives
    /// longer than 24 hours; deletions (`Max-Age=0`, past `Expires`) are not findings.
    WeakSessionCookie,
}

impl Validator {
    /// `whole` is the rule's whole match; `now` is the analysis clock (Unix seconds).
    pub fn accepts(self, secret: &[u8], whole: &[u8], now: i64) -> bool {
        match self {
            Validator::Jwt => jwt_header(secret).is_some(),
            Validator::BasicAuth => basic_credentials(secret).is_some(),
            Validator::WeakSessionCookie => {
                !cookie::is_deletion(whole, now) && !cookie::weaknesses(whole, now).is_empty()
            }
        }
    }
}

/// Decode base64url with or without padding.
pub fn decode_base64url(part: &[u8]) -> Option<Vec<u8>> {
    let trimmed = part
        .strip_suffix(b"==")
        .or_else(|| part.strip_suffix(b"="))
        .unwrap_or(part);
    URL_SAFE_NO_PAD.decode(trimmed).ok()
}

/// The decoded JSON header of a JWT, when `token` is one.
pub fn jwt_header(token: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut parts = token.split(|&b| b == b'.');
    let header = parts.next()?;
    parts.next()?; // a payload must follow
    let decoded = decode_base64url(header)?;
    match serde_json::from_slice::<serde_json::Value>(&decoded).ok()? {
        serde_json::Value::Object(map) if map.get("alg").is_some_and(|a| a.is_string()) => {
            Some(map)
        }
        _ => None,
    }
}

/// `(user, password)` from the base64 of a Basic credential.
pub fn basic_credentials(b64: &[u8]) -> Option<(String, String)> {
    let trimmed = b64
        .strip_suffix(b"==")
        .or_else(|| b64.strip_suffix(b"="))
        .unwrap_or(b64);
    let decoded = STANDARD_NO_PAD.decode(trimmed).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    let printable = |s: &str| s.chars().all(|c| !c.is_control());
    if user.is_empty() || password.is_empty() || !printable(user) || !printable(password) {
        return None;
    }
    if is_placeholder(password.as_bytes()) {
        return None;
    }
    Some((user.to_string(), password.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_header_decodes_with_and_without_padding() {
        // {"alg":"HS256","typ":"JWT"}
        let t = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2ln";
        assert!(jwt_header(t).is_some());
        assert!(jwt_header(b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9").is_none());
        assert!(jwt_header(b"eyJmb28iOiJiYXIifQ.eyJzdWIiOiIxIn0.c2ln").is_none()); // no alg
    }

    #[test]
    fn basic_needs_user_and_password() {
        assert_eq!(
            basic_credentials(b"YWxpY2U6czNjcjN0LVB3"),
            Some(("alice".into(), "s3cr3t-Pw".into()))
        );
        assert!(basic_credentials(b"YWxpY2U=").is_none()); // "alice"
        assert!(basic_credentials(b"YWxpY2U6").is_none()); // "alice:"
        assert!(basic_credentials(b"not base64!").is_none());
    }
}
