//! Bucket policy evaluation, pure: which Allow statements make a bucket public, the way S3
//! Block Public Access defines "public". A statement is public when it allows a public
//! principal (`"*"`, `{"AWS": "*"}`, an ARN with a wildcard such as `arn:aws:iam::*:root`,
//! or any `NotPrincipal`) and no condition pins it to fixed values of a restricting key
//! (`aws:SourceIp` with fixed CIDRs, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceArn`,
//! `aws:SourceAccount`, `aws:SourceOwner`, `aws:PrincipalOrgID`, `aws:PrincipalAccount`,
//! `aws:userid`, `s3:x-amz-server-side-encryption-aws-kms-key-id`).
//!
//! Decisions where the definition leaves room:
//! - `...IfExists` operators do not restrict: an anonymous request lacks most of those keys,
//!   and then the condition holds. Negated operators (`StringNotEquals`, `NotIpAddress`, …)
//!   do not restrict either. `ForAnyValue:`/`ForAllValues:` prefixes are read as the plain
//!   operator.
//! - A value with `*` or `?` is not fixed (except `aws:userid` values of the form
//!   `AROLEID:*`, which AWS counts as fixed). `aws:SourceIp` CIDRs broader than /8 (IPv4) or
//!   /32 (IPv6), `0.0.0.0/0` and `::/0` among them, are not fixed.
//! - An unconditional `Deny` to a public principal takes away the access classes all of whose
//!   actions it names; resources are not compared (a statement on `bucket/*` and one on
//!   `bucket/private/*` are treated alike), which errs towards calling a bucket public.

use serde_json::{Map, Value};

/// What a statement lets the public do, from least to most harmful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// List keys (`s3:ListBucket`, …).
    List,
    /// Read objects (`s3:GetObject`, …).
    Read,
    /// Write or delete objects (`s3:PutObject`, `s3:DeleteObject`, …).
    Write,
    /// Change who may access (`s3:PutBucketPolicy`, `s3:PutBucketAcl`, `s3:PutObjectAcl`).
    Permissions,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::List => "list",
            Access::Read => "read",
            Access::Write => "write",
            Access::Permissions => "change permissions",
        }
    }

    /// The actions that stand for the class: an action pattern granting one grants it.
    fn actions(self) -> &'static [&'static str] {
        match self {
            Access::List => &[
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:ListBucketMultipartUploads",
            ],
            Access::Read => &["s3:GetObject", "s3:GetObjectVersion"],
            Access::Write => &[
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                "s3:AbortMultipartUpload",
                "s3:RestoreObject",
            ],
            Access::Permissions => &[
                "s3:PutBucketPolicy",
                "s3:DeleteBucketPolicy",
                "s3:PutBucketAcl",
                "s3:PutObjectAcl",
            ],
        }
    }

    const ALL: [Access; 4] = [
        Access::List,
        Access::Read,
        Access::Write,
        Access::Permissions,
    ];
}

/// An Allow statement that makes the bucket public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicStatement {
    /// The statement's `Sid`, or `#N` (1-based) when it has none.
    pub sid: String,
    /// What it lets anyone do (after unconditional public Denies), least harmful first.
    pub access: Vec<Access>,
    /// The statement as compact JSON (the evidence).
    pub text: String,
}

/// What a policy document grants the public.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyEvaluation {
    pub public: Vec<PublicStatement>,
}

impl PolicyEvaluation {
    pub fn is_public(&self) -> bool {
        !self.public.is_empty()
    }

    /// The most harmful access any public statement grants.
    pub fn worst(&self) -> Option<Access> {
        self.public
            .iter()
            .flat_map(|s| s.access.iter())
            .max()
            .copied()
    }
}

/// Evaluate a bucket policy document. Malformed JSON, or a document without statements,
/// is an error with the reason (never a panic).
pub fn evaluate(document: &str) -> Result<PolicyEvaluation, String> {
    let doc: Value =
        serde_json::from_str(document).map_err(|e| format!("bucket policy is not JSON: {e}"))?;
    let statements = match doc.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect::<Vec<_>>(),
        Some(one @ Value::Object(_)) => vec![one],
        Some(_) => return Err("bucket policy: Statement is neither an object nor a list".into()),
        None => return Err("bucket policy has no Statement".into()),
    };
    // Classes an unconditional Deny to everyone takes away.
    let mut denied: Vec<Access> = Vec::new();
    let mut allows = Vec::new();
    for (i, st) in statements.iter().enumerate() {
        let Some(st) = st.as_object() else {
            return Err(format!(
                "bucket policy: statement #{} is not an object",
                i + 1
            ));
        };
        let effect = st.get("Effect").and_then(Value::as_str).unwrap_or("");
        if effect.eq_ignore_ascii_case("deny") {
            if public_principal(st) && st.get("Condition").is_none_or(is_empty) {
                denied.extend(Access::ALL.iter().filter(|a| covers_all(st, **a)));
            }
        } else if effect.eq_ignore_ascii_case("allow") {
            allows.push((i, st));
        } else {
            return Err(format!(
                "bucket policy: statement #{} has Effect {effect:?}",
                i + 1
            ));
        }
    }
    let mut out = PolicyEvaluation::default();
    for (i, st) in allows {
        if !public_principal(st) || restricted(st.get("Condition")) {
            continue;
        }
        let access: Vec<Access> = Access::ALL
            .iter()
            .copied()
            .filter(|a| grants(st, *a) && !denied.contains(a))
            .collect();
        if access.is_empty() {
            continue;
        }
        out.public.push(PublicStatement {
            sid: st
                .get("Sid")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map_or_else(|| format!("#{}", i + 1), str::to_string),
            access,
            text: Value::Object(st.clone()).to_string(),
        });
    }
    Ok(out)
}

fn is_empty(v: &Value) -> bool {
    v.as_object().is_some_and(Map::is_empty)
}

/// Strings of a value that may be one string or a list of them.
fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// `"*"`, `{"AWS": "*"}`, an AWS principal with a wildcard, or any `NotPrincipal`.
fn public_principal(st: &Map<String, Value>) -> bool {
    if st.contains_key("NotPrincipal") {
        return true;
    }
    match st.get("Principal") {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(m)) => m.iter().any(|(kind, v)| {
            strings(v).iter().any(|p| {
                *p == "*"
                    || (kind.eq_ignore_ascii_case("AWS") && (p.contains('*') || p.contains('?')))
            })
        }),
        _ => false,
    }
}

/// Case-insensitive IAM wildcard match (`*` any run, `?` one character).
fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn matches_any(patterns: &[&str], action: &str) -> bool {
    patterns.iter().any(|p| wildcard(p, action))
}

/// For each action of the class, whether the statement's Action (or NotAction) names it;
/// empty when the statement has neither.
fn named(st: &Map<String, Value>, access: Access) -> Vec<bool> {
    let (list, negated) = match (st.get("Action"), st.get("NotAction")) {
        (Some(actions), _) => (strings(actions), false),
        (None, Some(not)) => (strings(not), true),
        (None, None) => return Vec::new(),
    };
    access
        .actions()
        .iter()
        .map(|a| matches_any(&list, a) != negated)
        .collect()
}

/// Whether the statement allows some action of the class.
fn grants(st: &Map<String, Value>, access: Access) -> bool {
    named(st, access).into_iter().any(|n| n)
}

/// Whether the statement names every action of the class.
fn covers_all(st: &Map<String, Value>, access: Access) -> bool {
    let named = named(st, access);
    !named.is_empty() && named.into_iter().all(|n| n)
}

const RESTRICTING_KEYS: &[&str] = &[
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:userid",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
];

/// Operators that pin a key to the values given.
fn pins(operator: &str) -> bool {
    let op = operator
        .split_once(':')
        .map_or(operator, |(_, rest)| rest)
        .to_ascii_lowercase();
    matches!(
        op.as_str(),
        "stringequals"
            | "stringequalsignorecase"
            | "stringlike"
            | "arnequals"
            | "arnlike"
            | "ipaddress"
    )
}

/// Whether a condition block pins the statement to fixed values of a restricting key.
fn restricted(condition: Option<&Value>) -> bool {
    let Some(Value::Object(ops)) = condition else {
        return false;
    };
    ops.iter().any(|(op, keys)| {
        pins(op)
            && keys.as_object().is_some_and(|keys| {
                keys.iter().any(|(key, values)| {
                    let key = key.to_ascii_lowercase();
                    let values = strings(values);
                    RESTRICTING_KEYS.contains(&key.as_str())
                        && !values.is_empty()
                        && values.iter().all(|v| fixed(&key, v))
                })
            })
    })
}

fn fixed(key: &str, value: &str) -> bool {
    if key == "aws:sourceip" {
        return narrow_cidr(value);
    }
    if key == "aws:userid"
        && let Some(id) = value.strip_suffix(":*")
    {
        return !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric());
    }
    !value.is_empty() && !value.contains('*') && !value.contains('?')
}

/// An IP address or a CIDR no broader than /8 (IPv4) or /32 (IPv6).
fn narrow_cidr(value: &str) -> bool {
    let (addr, bits) = match value.split_once('/') {
        Some((a, b)) => match b.parse::<u8>() {
            Ok(bits) => (a, Some(bits)),
            Err(_) => return false,
        },
        None => (value, None),
    };
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => bits.is_none_or(|b| (8..=32).contains(&b)),
        Ok(std::net::IpAddr::V6(_)) => bits.is_none_or(|b| (32..=128).contains(&b)),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(doc: &str) -> PolicyEvaluation {
        evaluate(doc).unwrap_or_else(|e| panic!("{e}: {doc}"))
    }

    fn worst(doc: &str) -> Option<Access> {
        eval(doc).worst()
    }

    fn allow(principal: &str, action: &str, condition: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"S","Effect":"Allow","Principal":{principal},"Action":{action},"Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"]{condition}}}]}}"#
        )
    }

    #[test]
    fn public_read_website_policy() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Sid":"PublicReadGetObject","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::www.example.com/*"}]}"#;
        let e = eval(doc);
        assert_eq!(e.public.len(), 1);
        assert_eq!(e.public[0].sid, "PublicReadGetObject");
        assert_eq!(e.public[0].access, vec![Access::Read]);
        assert!(e.public[0].text.contains("s3:GetObject"));
    }

    #[test]
    fn principal_forms_that_are_public() {
        for p in [
            r#""*""#,
            r#"{"AWS":"*"}"#,
            r#"{"AWS":["*"]}"#,
            r#"{"AWS":["arn:aws:iam::111122223333:root","*"]}"#,
            r#"{"AWS":"arn:aws:iam::*:root"}"#,
            r#"{"CanonicalUser":"*"}"#,
        ] {
            assert_eq!(
                worst(&allow(p, r#""s3:GetObject""#, "")),
                Some(Access::Read),
                "{p}"
            );
        }
    }

    #[test]
    fn fixed_principals_are_not_public() {
        for p in [
            r#"{"AWS":"arn:aws:iam::111122223333:root"}"#,
            r#"{"AWS":"111122223333"}"#,
            r#"{"AWS":["arn:aws:iam::111122223333:role/reader","arn:aws:iam::444455556666:user/ci"]}"#,
            r#"{"Service":"logging.s3.amazonaws.com"}"#,
            r#"{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#,
        ] {
            assert!(!eval(&allow(p, r#""s3:*""#, "")).is_public(), "{p}");
        }
    }

    #[test]
    fn write_and_delete_are_write() {
        assert_eq!(
            worst(&allow(r#""*""#, r#""s3:PutObject""#, "")),
            Some(Access::Write)
        );
        assert_eq!(
            worst(&allow(r#""*""#, r#""s3:DeleteObject""#, "")),
            Some(Access::Write)
        );
        assert_eq!(
            worst(&allow(r#""*""#, r#"["s3:PutBucketPolicy"]"#, "")),
            Some(Access::Permissions)
        );
    }

    #[test]
    fn wildcard_actions_grant_everything() {
        for action in [r#""s3:*""#, r#""*""#, r#""S3:*""#] {
            let e = eval(&allow(r#""*""#, action, ""));
            assert_eq!(
                e.public[0].access,
                vec![
                    Access::List,
                    Access::Read,
                    Access::Write,
                    Access::Permissions
                ],
                "{action}"
            );
        }
    }

    #[test]
    fn list_only() {
        let e = eval(&allow(r#""*""#, r#""s3:ListBucket""#, ""));
        assert_eq!(e.worst(), Some(Access::List));
        assert_eq!(
            worst(&allow(r#""*""#, r#""s3:Get*""#, "")),
            Some(Access::Read)
        );
        assert_eq!(
            worst(&allow(r#""*""#, r#""s3:List*""#, "")),
            Some(Access::List)
        );
    }

    #[test]
    fn harmless_actions_are_not_public_access() {
        assert!(!eval(&allow(r#""*""#, r#""s3:GetBucketLocation""#, "")).is_public());
    }

    #[test]
    fn source_ip_cidrs_restrict() {
        let c = r#","Condition":{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.7"]}}"#;
        assert!(!eval(&allow(r#""*""#, r#""s3:GetObject""#, c)).is_public());
        let v6 = r#","Condition":{"IpAddress":{"aws:SourceIp":"2001:db8::/48"}}"#;
        assert!(!eval(&allow(r#""*""#, r#""s3:GetObject""#, v6)).is_public());
    }

    #[test]
    fn broad_cidrs_stay_public() {
        for cidr in ["0.0.0.0/0", "::/0", "10.0.0.0/4", "not-an-ip"] {
            let c = format!(r#","Condition":{{"IpAddress":{{"aws:SourceIp":"{cidr}"}}}}"#);
            assert!(
                eval(&allow(r#""*""#, r#""s3:GetObject""#, &c)).is_public(),
                "{cidr}"
            );
        }
        // One broad value among narrow ones keeps it public.
        let c = r#","Condition":{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","0.0.0.0/0"]}}"#;
        assert!(eval(&allow(r#""*""#, r#""s3:GetObject""#, c)).is_public());
    }

    #[test]
    fn vpc_vpce_org_account_arn_restrict() {
        for c in [
            r#","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1a2b3c4d"}}"#,
            r#","Condition":{"StringEquals":{"aws:SourceVpce":["vpce-1a2b3c4d","vpce-5e6f7a8b"]}}"#,
            r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-xxxxxxxxxx"}}"#,
            r#","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}"#,
            r#","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}"#,
            r#","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"}}"#,
            r#","Condition":{"StringEquals":{"AWS:SourceOwner":"111122223333"}}"#,
            r#","Condition":{"StringLike":{"aws:userid":"AROAEXAMPLEID:*"}}"#,
            r#","Condition":{"ForAnyValue:StringEquals":{"aws:PrincipalOrgID":["o-aaaaaaaaaa"]}}"#,
        ] {
            assert!(!eval(&allow(r#""*""#, r#""s3:*""#, c)).is_public(), "{c}");
        }
    }

    #[test]
    fn wildcards_in_condition_values_stay_public() {
        for c in [
            r#","Condition":{"StringLike":{"aws:SourceVpce":"vpce-*"}}"#,
            r#","Condition":{"StringLike":{"aws:PrincipalOrgID":"o-*"}}"#,
            r#","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::*:distribution/*"}}"#,
            r#","Condition":{"StringLike":{"aws:userid":"*"}}"#,
            r#","Condition":{"StringEquals":{"aws:SourceAccount":"11112222333?"}}"#,
        ] {
            assert!(
                eval(&allow(r#""*""#, r#""s3:GetObject""#, c)).is_public(),
                "{c}"
            );
        }
    }

    #[test]
    fn non_restricting_conditions_stay_public() {
        for c in [
            r#","Condition":{"Bool":{"aws:SecureTransport":"true"}}"#,
            r#","Condition":{"StringEquals":{"s3:ExistingObjectTag/public":"yes"}}"#,
            r#","Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-1a2b3c4d"}}"#,
            r#","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}"#,
            r#","Condition":{"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1a2b3c4d"}}"#,
            r#","Condition":{"StringEquals":{"aws:Referer":"https://www.example.com/"}}"#,
        ] {
            assert!(
                eval(&allow(r#""*""#, r#""s3:GetObject""#, c)).is_public(),
                "{c}"
            );
        }
    }

    #[test]
    fn not_principal_with_allow_is_public() {
        let doc = r#"{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}"#;
        assert_eq!(worst(doc), Some(Access::Read));
        assert_eq!(eval(doc).public[0].sid, "#1");
    }

    #[test]
    fn not_action_grants_the_rest() {
        let doc = r#"{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":["s3:Delete*","s3:Put*","s3:AbortMultipartUpload","s3:RestoreObject"],"Resource":"arn:aws:s3:::logs/*"}]}"#;
        let e = eval(doc);
        assert!(e.public[0].access.contains(&Access::Read));
        assert!(e.public[0].access.contains(&Access::List));
        assert!(!e.public[0].access.contains(&Access::Write));
        let all = r#"{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"s3:*","Resource":"*"}]}"#;
        assert!(!eval(all).is_public());
    }

    #[test]
    fn deny_statements_grant_nothing() {
        let doc = r#"{"Statement":[{"Sid":"DenyHttp","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
        assert!(!eval(doc).is_public());
    }

    #[test]
    fn unconditional_public_deny_takes_away_what_it_names() {
        let doc = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::logs/*"},
            {"Effect":"Deny","Principal":"*","Action":["s3:Put*","s3:Delete*","s3:AbortMultipartUpload","s3:RestoreObject"],"Resource":"arn:aws:s3:::logs/*"}]}"#;
        assert_eq!(eval(doc).public[0].access, vec![Access::Read]);
        // A conditional Deny takes nothing away.
        let conditional = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"},
            {"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}"#;
        assert!(eval(conditional).is_public());
    }

    #[test]
    fn multiple_statements_each_judged() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"Org","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}},
            {"Sid":"Cdn","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"},
            {"Sid":"Uploads","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/uploads/*"},
            {"Sid":"Listing","Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::logs"}]}"#;
        let e = eval(doc);
        let sids: Vec<&str> = e.public.iter().map(|s| s.sid.as_str()).collect();
        assert_eq!(sids, vec!["Uploads", "Listing"]);
        assert_eq!(e.worst(), Some(Access::Write));
    }

    #[test]
    fn single_statement_object_is_accepted() {
        let doc = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}"#;
        assert!(eval(doc).is_public());
    }

    #[test]
    fn cloudtrail_and_alb_log_delivery_policies_are_not_public() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::trail-logs","Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}}},
            {"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::trail-logs/AWSLogs/111122223333/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}},
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::127311923021:root"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::alb-logs/AWSLogs/111122223333/*"}]}"#;
        assert!(!eval(doc).is_public());
    }

    #[test]
    fn empty_statement_list_is_not_public() {
        assert!(!eval(r#"{"Version":"2012-10-17","Statement":[]}"#).is_public());
    }

    #[test]
    fn malformed_documents_are_errors() {
        for doc in [
            "",
            "{",
            "not json",
            r#"{"Version":"2012-10-17"}"#,
            r#"{"Statement":"Allow"}"#,
            r#"{"Statement":[42]}"#,
            r#"{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"s3:*"}]}"#,
            "[]",
        ] {
            assert!(evaluate(doc).is_err(), "{doc:?}");
        }
    }

    #[test]
    fn effect_and_keys_are_case_insensitive_where_aws_is() {
        let doc = r#"{"Statement":[{"Effect":"allow","Principal":"*","Action":"S3:GetObject","Resource":"*","Condition":{"IpAddress":{"AWS:SOURCEIP":"192.0.2.0/24"}}}]}"#;
        assert!(!eval(doc).is_public());
    }

    #[test]
    fn wildcard_matching() {
        assert!(wildcard("s3:Get*", "s3:GetObject"));
        assert!(wildcard("s3:*Object", "s3:PutObject"));
        assert!(wildcard("s3:?etObject", "s3:GetObject"));
        assert!(!wildcard("s3:Get*", "s3:PutObject"));
        assert!(wildcard("*", "anything"));
        assert!(!wildcard("s3:GetObject", "s3:GetObjectAcl"));
    }
}
