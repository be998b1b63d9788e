//! JWT analysis: decode header and payload (never verify anything, never over the
//! network), tell whether the token is live, and name the sensitive claims it exposes.

use serde::Serialize;
use serde_json::{Map, Value};

use super::rfc3339;
use crate::report::finding::mask;
use crate::rules::Severity;
use crate::rules::validate::{decode_base64url, jwt_header};

/// Tokens that live longer than this are called long-lived.
pub const LONG_LIVED_SECONDS: i64 = 24 * 3600;

/// Claim names that expose a person or their privileges (matched case-insensitively,
/// as whole names or name parts).
const SENSITIVE: &[&str] = &[
    "email",
    "phone",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "nickname",
    "preferred_username",
    "username",
    "address",
    "birthdate",
    "role",
    "roles",
    "admin",
    "is_admin",
    "groups",
    "scope",
    "scp",
    "permissions",
    "entitlements",
    "ssn",
    "upn",
    "unique_name",
    "tenant",
    "org",
    "account",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenState {
    Live,
    Expired,
    NoExpiry,
    NotYetValid,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JwtAnalysis {
    pub alg: Option<String>,
    pub typ: Option<String>,
    pub kid: Option<String>,
    pub iss: Option<String>,
    pub aud: Option<String>,
    pub iat: Option<i64>,
    pub exp: Option<i64>,
    pub lifetime_seconds: Option<i64>,
    pub state: TokenState,
    pub sensitive_claims: Vec<String>,
}

impl JwtAnalysis {
    pub fn unsigned(&self) -> bool {
        self.alg
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("none"))
    }

    /// Severity by state: `alg: none` critical; live or no expiry high; expired low.
    pub fn severity(&self, rule_severity: Severity) -> Severity {
        if self.unsigned() {
            return Severity::Critical;
        }
        match self.state {
            TokenState::Expired => Severity::Low,
            TokenState::Live | TokenState::NoExpiry => rule_severity.max(Severity::High),
            TokenState::NotYetValid => rule_severity,
        }
    }

    /// Human notes: when it expired, long-lived, unsigned.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.unsigned() {
            notes.push("unsigned token (alg: none): anyone can forge one".into());
        }
        match (self.state, self.exp) {
            (TokenState::Expired, Some(exp)) => notes.push(format!("expired {}", rfc3339(exp))),
            (TokenState::Live, Some(exp)) => notes.push(format!("live until {}", rfc3339(exp))),
            (TokenState::NoExpiry, _) => notes.push("no expiry: valid until revoked".into()),
            (TokenState::NotYetValid, _) => {
                notes.push("not yet valid (nbf/iat in the future)".into())
            }
            _ => {}
        }
        if self
            .lifetime_seconds
            .is_some_and(|l| l > LONG_LIVED_SECONDS)
        {
            notes.push("long-lived token".into());
        }
        notes
    }

    /// Mask claim values (iss, aud, kid) unless secrets may be shown.
    pub fn masked(mut self) -> Self {
        for v in [&mut self.iss, &mut self.aud, &mut self.kid]
            .into_iter()
            .flatten()
        {
            *v = mask(v);
        }
        self
    }
}

fn as_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), String::from))
                .collect::<Vec<_>>()
                .join(","),
        ),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn as_time(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Analyse `token` if it is a JWT (JWS; an encrypted JWE has no readable payload).
pub fn analyze(token: &[u8], now: i64) -> Option<JwtAnalysis> {
    let header = jwt_header(token)?;
    let mut parts = token.split(|&b| b == b'.');
    let _ = parts.next();
    let payload: Map<String, Value> = decode_base64url(parts.next()?)
        .and_then(|p| serde_json::from_slice::<Value>(&p).ok())
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    let exp = as_time(payload.get("exp"));
    let iat = as_time(payload.get("iat"));
    let nbf = as_time(payload.get("nbf"));
    let state = if nbf.or(iat).is_some_and(|t| t > now + 300) {
        TokenState::NotYetValid
    } else {
        match exp {
            None => TokenState::NoExpiry,
            Some(e) if e <= now => TokenState::Expired,
            Some(_) => TokenState::Live,
        }
    };
    let mut sensitive: Vec<String> = payload
        .keys()
        .filter(|k| {
            let lower = k.to_ascii_lowercase();
            let last = lower.rsplit(['/', ':', '.']).next().unwrap_or(&lower);
            SENSITIVE.contains(&last)
        })
        .cloned()
        .collect();
    sensitive.sort();
    Some(JwtAnalysis {
        alg: as_string(header.get("alg")),
        typ: as_string(header.get("typ")),
        kid: as_string(header.get("kid")),
        iss: as_string(payload.get("iss")),
        aud: as_string(payload.get("aud")),
        iat,
        exp,
        lifetime_seconds: match (iat.or(nbf), exp) {
            (Some(start), Some(end)) => Some(end - start),
            _ => None,
        },
        state,
        sensitive_claims: sensitive,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn jwt(header: &str, payload: &str, sig: &str) -> String {
        format!(
            "{}.{}.{sig}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn states_and_severity() {
        let live = jwt(
            r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#,
            r#"{"sub":"1","email":"a@example.org","role":"ADMIN","iss":"https://id.example.org","iat":1799990000,"exp":1800003600}"#,
            "c2ln",
        );
        let a = analyze(live.as_bytes(), NOW).expect("jwt");
        assert_eq!(a.state, TokenState::Live);
        assert_eq!(a.alg.as_deref(), Some("HS256"));
        assert_eq!(a.lifetime_seconds, Some(13_600));
        assert_eq!(a.sensitive_claims, vec!["email", "role"]);
        assert_eq!(a.severity(Severity::Medium), Severity::High);
        assert!(!a.notes().iter().any(|n| n.contains("long-lived")));

        let expired = jwt(
            r#"{"alg":"RS256"}"#,
            r#"{"iat":1700000000,"exp":1700086400}"#,
            "c2ln",
        );
        let a = analyze(expired.as_bytes(), NOW).expect("jwt");
        assert_eq!(a.state, TokenState::Expired);
        assert_eq!(a.severity(Severity::High), Severity::Low);
        assert!(
            a.notes()
                .iter()
                .any(|n| n.starts_with("expired 2023-11-15"))
        );

        let none = jwt(r#"{"alg":"none"}"#, r#"{"sub":"admin"}"#, "");
        let a = analyze(none.as_bytes(), NOW).expect("jwt");
        assert_eq!(a.state, TokenState::NoExpiry);
        assert_eq!(a.severity(Severity::High), Severity::Critical);

        let long = jwt(
            r#"{"alg":"HS256"}"#,
            r#"{"iat":1799000000,"exp":1900000000}"#,
            "c2ln",
        );
        let a = analyze(long.as_bytes(), NOW).expect("jwt");
        assert!(a.notes().iter().any(|n| n == "long-lived token"));

        let future = jwt(
            r#"{"alg":"HS256"}"#,
            r#"{"nbf":1900000000,"exp":1900003600}"#,
            "c2ln",
        );
        assert_eq!(
            analyze(future.as_bytes(), NOW).map(|a| a.state),
            Some(TokenState::NotYetValid)
        );

        let masked = analyze(live.as_bytes(), NOW).expect("jwt").masked();
        assert!(!masked.iss.unwrap_or_default().contains("id.example"));
        assert!(analyze(b"not.a.jwt", NOW).is_none());
    }
}
