//! Judge what was read about a bucket: the effective Block Public Access (the most
//! restrictive of account and bucket level), ACL grants (neutralised by IgnorePublicAcls or
//! BucketOwnerEnforced), the policy (neutralised by RestrictPublicBuckets), the policy status
//! cross-check, encryption, logging, versioning and anonymous probes. Pure: no I/O.

use super::policy::{Access, evaluate};
use super::s3::{BlockFlags, BucketFacts, Fetched};
use crate::report::finding::{AuditCheck, BucketAudit};
use crate::rules::Severity;

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// The per-bucket verdict, most exposed first (like Macie's effective permission).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    PublicWrite,
    PublicRead,
    PublicList,
    AuthenticatedUsers,
    Unknown,
    NotPublic,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::PublicWrite => "public-write",
            Verdict::PublicRead => "public-read",
            Verdict::PublicList => "public-list",
            Verdict::AuthenticatedUsers => "authenticated-users",
            Verdict::Unknown => "unknown",
            Verdict::NotPublic => "not-public",
        }
    }

    fn of(access: Access) -> Verdict {
        match access {
            Access::List => Verdict::PublicList,
            Access::Read => Verdict::PublicRead,
            Access::Write | Access::Permissions => Verdict::PublicWrite,
        }
    }
}

/// The four switches in effect: each is on when the account or the bucket turns it on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effective {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl Effective {
    pub fn of(account: &Fetched<BlockFlags>, bucket: &Fetched<BlockFlags>) -> Effective {
        let on = |f: fn(&BlockFlags) -> Option<bool>| {
            [account, bucket]
                .iter()
                .any(|level| matches!(level, Ok(Some(flags)) if f(flags) == Some(true)))
        };
        Effective {
            block_public_acls: on(|f| f.block_public_acls),
            ignore_public_acls: on(|f| f.ignore_public_acls),
            block_public_policy: on(|f| f.block_public_policy),
            restrict_public_buckets: on(|f| f.restrict_public_buckets),
        }
    }

    fn all(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

fn describe_flags(level: &Fetched<BlockFlags>) -> String {
    match level {
        Ok(Some(f)) => {
            let show = |v: Option<bool>| v.map_or("unset", |b| if b { "true" } else { "false" });
            format!(
                "BlockPublicAcls={} IgnorePublicAcls={} BlockPublicPolicy={} RestrictPublicBuckets={}",
                show(f.block_public_acls),
                show(f.ignore_public_acls),
                show(f.block_public_policy),
                show(f.restrict_public_buckets)
            )
        }
        Ok(None) => "not configured".into(),
        Err(e) => format!("unreadable ({e})"),
    }
}

struct Checks(Vec<AuditCheck>);

impl Checks {
    fn add(&mut self, id: &str, severity: Severity, title: &str, evidence: String, fix: &str) {
        self.0.push(AuditCheck {
            id: id.into(),
            severity,
            title: title.into(),
            evidence,
            remediation: fix.into(),
        });
    }
}

/// Judge one bucket.
pub fn assess(f: &BucketFacts) -> BucketAudit {
    let mut checks = Checks(Vec::new());
    let effective = Effective::of(&f.account_block, &f.bucket_block);
    let mut verdict = Verdict::NotPublic;
    let mut unknown = Vec::new();

    if !effective.all() {
        checks.add(
            "block-public-access-off",
            Severity::Medium,
            "Block Public Access is not fully on",
            format!(
                "account: {}; bucket: {}",
                describe_flags(&f.account_block),
                describe_flags(&f.bucket_block)
            ),
            "Turn on all four Block Public Access settings for the bucket (aws s3api put-public-access-block --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true), and at account level unless a bucket must serve public content.",
        );
    }

    // ACL grants to everyone or to every AWS account.
    let owner_enforced = matches!(&f.ownership, Ok(Some(o)) if o == "BucketOwnerEnforced");
    match &f.acl {
        Ok(Some(grants)) => {
            for g in grants {
                let group = if g.grantee == ALL_USERS {
                    "AllUsers"
                } else if g.grantee == AUTHENTICATED_USERS {
                    "AuthenticatedUsers"
                } else {
                    continue;
                };
                let evidence = format!("grant {} to {group} ({})", g.permission, g.grantee);
                if effective.ignore_public_acls || owner_enforced {
                    let why = if owner_enforced {
                        "object ownership BucketOwnerEnforced (ACLs disabled)"
                    } else {
                        "IgnorePublicAcls"
                    };
                    checks.add(
                        "acl-public-grant-neutralised",
                        Severity::Info,
                        "Public ACL grant (not in effect)",
                        format!("{evidence}; ignored because of {why}"),
                        "Remove the grant anyway (aws s3api put-bucket-acl --acl private) so that turning the setting off does not expose the bucket.",
                    );
                    continue;
                }
                let writes = matches!(
                    g.permission.as_str(),
                    "WRITE" | "WRITE_ACP" | "FULL_CONTROL"
                );
                let acl_verdict = match (group, writes) {
                    ("AllUsers", true) => Verdict::PublicWrite,
                    ("AllUsers", false) if g.permission == "READ" => Verdict::PublicList,
                    ("AllUsers", false) => Verdict::NotPublic,
                    _ => Verdict::AuthenticatedUsers,
                };
                verdict = verdict.min(acl_verdict);
                let (id, severity, title) = match (group, writes) {
                    ("AllUsers", true) => (
                        "acl-public-write",
                        Severity::Critical,
                        "Anyone may write to the bucket (ACL)",
                    ),
                    ("AllUsers", false) => (
                        "acl-public-read",
                        Severity::High,
                        "Anyone may list the bucket or read its ACL (ACL)",
                    ),
                    (_, true) => (
                        "acl-authenticated-users-write",
                        Severity::Critical,
                        "Every AWS account may write to the bucket (ACL)",
                    ),
                    (_, false) => (
                        "acl-authenticated-users-read",
                        Severity::High,
                        "Every AWS account may list the bucket or read its ACL (ACL)",
                    ),
                };
                checks.add(
                    id,
                    severity,
                    title,
                    evidence,
                    "Remove the grant (aws s3api put-bucket-acl --acl private), set object ownership to BucketOwnerEnforced to disable ACLs, and turn on IgnorePublicAcls and BlockPublicAcls.",
                );
            }
        }
        Ok(None) => {}
        Err(e) => {
            if !(effective.ignore_public_acls || owner_enforced) {
                unknown.push(format!("ACL: {e}"));
            }
        }
    }

    // The bucket policy.
    let local_public = match &f.policy {
        Ok(Some(doc)) => match evaluate(doc) {
            Ok(eval) => {
                for st in &eval.public {
                    let worst = st.access.iter().max().copied().unwrap_or(Access::List);
                    let what: Vec<&str> = st.access.iter().map(|a| a.as_str()).collect();
                    let evidence = format!("statement {}: {}", st.sid, st.text);
                    if effective.restrict_public_buckets {
                        checks.add(
                            "policy-public-neutralised",
                            Severity::Info,
                            "Public bucket policy statement (not in effect)",
                            format!("{evidence}; only the owner account and AWS services may use it because of RestrictPublicBuckets"),
                            "Remove or condition the statement anyway, so that turning RestrictPublicBuckets off does not expose the bucket.",
                        );
                        continue;
                    }
                    verdict = verdict.min(Verdict::of(worst));
                    let (id, severity) = match worst {
                        Access::Write | Access::Permissions => {
                            ("policy-public-write", Severity::Critical)
                        }
                        Access::Read => ("policy-public-read", Severity::High),
                        Access::List => ("policy-public-list", Severity::Medium),
                    };
                    checks.add(
                        id,
                        severity,
                        &format!("Bucket policy lets anyone {}", what.join(", ")),
                        evidence,
                        "Remove the statement or pin it with conditions on fixed values (aws:SourceVpce, aws:SourceIp CIDRs, aws:PrincipalOrgID, aws:SourceArn); turn on BlockPublicPolicy and RestrictPublicBuckets. Serve public content through CloudFront with origin access control instead.",
                    );
                }
                Some(eval.is_public())
            }
            Err(e) => {
                checks.add(
                    "policy-unparsable",
                    Severity::Low,
                    "Bucket policy could not be evaluated",
                    e.clone(),
                    "Check the policy document (aws s3api get-bucket-policy); leakhound could not tell whether it is public.",
                );
                if !effective.restrict_public_buckets {
                    unknown.push(format!("policy: {e}"));
                }
                None
            }
        },
        Ok(None) => Some(false),
        Err(e) => {
            if !effective.restrict_public_buckets {
                unknown.push(format!("policy: {e}"));
            }
            None
        }
    };
    if let (Ok(Some(is_public)), Some(local)) = (&f.policy_status, local_public)
        && *is_public != local
    {
        checks.add(
            "policy-status-mismatch",
            Severity::Low,
            "S3's policy status disagrees with leakhound's evaluation",
            format!("GetBucketPolicyStatus IsPublic={is_public}; leakhound: public={local}"),
            "Review the policy by hand; one of the two evaluations misses a condition or principal.",
        );
    }

    // Evidence from unsigned requests.
    if let Some(p) = &f.probe {
        if p.get {
            verdict = verdict.min(Verdict::PublicRead);
            checks.add(
                "anonymous-read-confirmed",
                Severity::Critical,
                "An unsigned request read an object",
                "unsigned GetObject (1 byte) answered 200".into(),
                "Remove public grants and statements and turn on Block Public Access; rotate whatever the objects expose.",
            );
        }
        if let Some(key) = &p.list {
            verdict = verdict.min(Verdict::PublicList);
            checks.add(
                "anonymous-list-confirmed",
                Severity::High,
                "An unsigned request listed the bucket",
                match key {
                    Some(k) => format!("unsigned ListObjectsV2 answered 200, first key {k:?}"),
                    None => "unsigned ListObjectsV2 answered 200 (empty bucket)".into(),
                },
                "Remove public s3:ListBucket grants (policy and ACL READ) and turn on Block Public Access.",
            );
        }
    }

    if verdict == Verdict::NotPublic && !unknown.is_empty() {
        verdict = Verdict::Unknown;
        checks.add(
            "configuration-unreadable",
            Severity::Low,
            "The bucket's access configuration could not be read",
            unknown.join("; "),
            "Give the auditing identity s3:GetBucketPolicy, s3:GetBucketAcl, s3:GetBucketPublicAccessBlock and s3:GetBucketOwnershipControls (e.g. the SecurityAudit managed policy).",
        );
    }

    match &f.encryption {
        Ok(None) => checks.add(
            "no-default-encryption",
            Severity::Medium,
            "No default encryption",
            "GetBucketEncryption: no server-side encryption configuration".into(),
            "Set default encryption (aws s3api put-bucket-encryption, SSE-KMS with a customer managed key for logs) and require it with a policy denying unencrypted PutObject.",
        ),
        Ok(Some(_)) => {}
        Err(e) => unreadable(&mut checks, "encryption", e),
    }
    match &f.logging {
        Ok(None) => checks.add(
            "access-logging-off",
            Severity::Low,
            "Server access logging is off",
            "GetBucketLogging: no LoggingEnabled".into(),
            "Turn on server access logging (or CloudTrail data events) to a separate, private bucket, so reads of this bucket leave a trace.",
        ),
        Ok(Some(_)) => {}
        Err(e) => unreadable(&mut checks, "logging", e),
    }
    match &f.versioning {
        Ok(Some(s)) if s == "Enabled" => {}
        Ok(state) => checks.add(
            "versioning-off",
            Severity::Info,
            "Versioning is off",
            format!("GetBucketVersioning: {}", state.as_deref().unwrap_or("never enabled")),
            "Turn on versioning (with a lifecycle rule for old versions) so deleted or overwritten evidence can be recovered.",
        ),
        Err(e) => unreadable(&mut checks, "versioning", e),
    }

    BucketAudit {
        bucket: f.bucket.clone(),
        region: f.region.clone(),
        verdict: verdict.as_str().into(),
        checks: checks.0,
    }
}

fn unreadable(checks: &mut Checks, what: &str, why: &str) {
    checks.add(
        &format!("{what}-unreadable"),
        Severity::Info,
        &format!("The bucket's {what} setting could not be read"),
        why.to_string(),
        "Give the auditing identity read access to the bucket's configuration (e.g. the SecurityAudit managed policy).",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::s3::{AclGrant, AnonymousProbe};

    const OWNER: &str = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";

    fn all_on() -> BlockFlags {
        BlockFlags {
            block_public_acls: Some(true),
            ignore_public_acls: Some(true),
            block_public_policy: Some(true),
            restrict_public_buckets: Some(true),
        }
    }

    fn private() -> BucketFacts {
        BucketFacts {
            bucket: "logs".into(),
            region: "us-east-1".into(),
            bucket_block: Ok(None),
            account_block: Ok(None),
            acl: Ok(Some(vec![AclGrant {
                grantee: OWNER.into(),
                permission: "FULL_CONTROL".into(),
            }])),
            ownership: Ok(Some("ObjectWriter".into())),
            policy: Ok(None),
            policy_status: Ok(None),
            encryption: Ok(Some(vec!["aws:kms".into()])),
            logging: Ok(Some("access-logs".into())),
            versioning: Ok(Some("Enabled".into())),
            probe: None,
        }
    }

    fn ids(a: &BucketAudit) -> Vec<&str> {
        a.checks.iter().map(|c| c.id.as_str()).collect()
    }

    fn grant(group: &str, permission: &str) -> AclGrant {
        AclGrant {
            grantee: group.into(),
            permission: permission.into(),
        }
    }

    const PUBLIC_READ: &str = r#"{"Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}"#;

    #[test]
    fn private_bucket_without_block_is_not_public() {
        let a = assess(&private());
        assert_eq!(a.verdict, "not-public");
        assert_eq!(ids(&a), vec!["block-public-access-off"]);
    }

    #[test]
    fn fully_blocked_well_kept_bucket_has_no_checks() {
        let mut f = private();
        f.bucket_block = Ok(Some(all_on()));
        let a = assess(&f);
        assert_eq!(a.verdict, "not-public");
        assert!(a.checks.is_empty(), "{:?}", a.checks);
    }

    #[test]
    fn public_read_acl_is_public_list() {
        let mut f = private();
        f.acl = Ok(Some(vec![grant(ALL_USERS, "READ")]));
        let a = assess(&f);
        assert_eq!(a.verdict, "public-list");
        assert!(ids(&a).contains(&"acl-public-read"));
    }

    #[test]
    fn public_write_acl_is_critical() {
        let mut f = private();
        f.acl = Ok(Some(vec![grant(ALL_USERS, "WRITE")]));
        let a = assess(&f);
        assert_eq!(a.verdict, "public-write");
        let c = a.checks.iter().find(|c| c.id == "acl-public-write");
        assert_eq!(c.map(|c| c.severity), Some(Severity::Critical));
    }

    #[test]
    fn authenticated_users_grant() {
        let mut f = private();
        f.acl = Ok(Some(vec![grant(AUTHENTICATED_USERS, "READ")]));
        assert_eq!(assess(&f).verdict, "authenticated-users");
    }

    #[test]
    fn ignore_public_acls_or_owner_enforced_neutralise_grants() {
        let mut f = private();
        f.acl = Ok(Some(vec![grant(ALL_USERS, "FULL_CONTROL")]));
        f.bucket_block = Ok(Some(BlockFlags {
            ignore_public_acls: Some(true),
            ..BlockFlags::default()
        }));
        let a = assess(&f);
        assert_eq!(a.verdict, "not-public");
        assert!(ids(&a).contains(&"acl-public-grant-neutralised"));
        let mut g = private();
        g.acl = Ok(Some(vec![grant(ALL_USERS, "FULL_CONTROL")]));
        g.ownership = Ok(Some("BucketOwnerEnforced".into()));
        assert_eq!(assess(&g).verdict, "not-public");
    }

    #[test]
    fn public_policy_is_public_read() {
        let mut f = private();
        f.policy = Ok(Some(PUBLIC_READ.into()));
        f.policy_status = Ok(Some(true));
        let a = assess(&f);
        assert_eq!(a.verdict, "public-read");
        let c = a.checks.iter().find(|c| c.id == "policy-public-read");
        assert!(c.is_some_and(|c| c.evidence.contains("Public") && c.severity == Severity::High));
        assert!(!ids(&a).contains(&"policy-status-mismatch"));
    }

    #[test]
    fn public_write_policy_is_critical() {
        let mut f = private();
        f.policy = Ok(Some(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::logs/*"}]}"#.into(),
        ));
        let a = assess(&f);
        assert_eq!(a.verdict, "public-write");
        assert!(
            a.checks
                .iter()
                .any(|c| c.id == "policy-public-write" && c.severity == Severity::Critical)
        );
    }

    #[test]
    fn ip_restricted_policy_is_not_public() {
        let mut f = private();
        f.policy = Ok(Some(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}"#.into(),
        ));
        f.policy_status = Ok(Some(false));
        let a = assess(&f);
        assert_eq!(a.verdict, "not-public");
        assert!(!ids(&a).contains(&"policy-status-mismatch"));
    }

    #[test]
    fn restrict_public_buckets_at_account_level_overrides_the_bucket() {
        let mut f = private();
        f.policy = Ok(Some(PUBLIC_READ.into()));
        f.bucket_block = Ok(Some(BlockFlags {
            restrict_public_buckets: Some(false),
            ..BlockFlags::default()
        }));
        f.account_block = Ok(Some(all_on()));
        let a = assess(&f);
        assert_eq!(a.verdict, "not-public");
        assert!(ids(&a).contains(&"policy-public-neutralised"));
        // The account block is fully on: no block-public-access-off check.
        assert!(!ids(&a).contains(&"block-public-access-off"));
    }

    #[test]
    fn effective_block_is_the_most_restrictive_of_both_levels() {
        let account = Ok(Some(BlockFlags {
            block_public_acls: Some(true),
            ignore_public_acls: Some(false),
            ..BlockFlags::default()
        }));
        let bucket = Ok(Some(BlockFlags {
            ignore_public_acls: Some(true),
            restrict_public_buckets: None,
            ..BlockFlags::default()
        }));
        let e = Effective::of(&account, &bucket);
        assert!(e.block_public_acls && e.ignore_public_acls);
        assert!(!e.block_public_policy && !e.restrict_public_buckets);
        let unreadable: Fetched<BlockFlags> = Err("AccessDenied".into());
        assert_eq!(Effective::of(&unreadable, &Ok(None)), Effective::default());
    }

    #[test]
    fn policy_status_disagreement_is_reported() {
        let mut f = private();
        f.policy = Ok(Some(PUBLIC_READ.into()));
        f.policy_status = Ok(Some(false));
        assert!(ids(&assess(&f)).contains(&"policy-status-mismatch"));
    }

    #[test]
    fn unreadable_configuration_is_unknown() {
        let mut f = private();
        f.policy = Err("AccessDenied: Access Denied (HTTP 403)".into());
        f.acl = Err("AccessDenied: Access Denied (HTTP 403)".into());
        let a = assess(&f);
        assert_eq!(a.verdict, "unknown");
        assert!(ids(&a).contains(&"configuration-unreadable"));
        // Fully blocked: whatever the policy and ACL say, nothing is public.
        f.bucket_block = Ok(Some(all_on()));
        assert_eq!(assess(&f).verdict, "not-public");
    }

    #[test]
    fn malformed_policy_is_a_check_not_a_panic() {
        let mut f = private();
        f.policy = Ok(Some("{not json".into()));
        let a = assess(&f);
        assert_eq!(a.verdict, "unknown");
        assert!(ids(&a).contains(&"policy-unparsable"));
    }

    #[test]
    fn hygiene_checks() {
        let mut f = private();
        f.bucket_block = Ok(Some(all_on()));
        f.encryption = Ok(None);
        f.logging = Ok(None);
        f.versioning = Ok(Some("Suspended".into()));
        let a = assess(&f);
        assert_eq!(
            ids(&a),
            vec![
                "no-default-encryption",
                "access-logging-off",
                "versioning-off"
            ]
        );
        let sev: Vec<Severity> = a.checks.iter().map(|c| c.severity).collect();
        assert_eq!(sev, vec![Severity::Medium, Severity::Low, Severity::Info]);
    }

    #[test]
    fn anonymous_probe_is_evidence() {
        let mut f = private();
        f.bucket_block = Ok(Some(all_on()));
        f.probe = Some(AnonymousProbe {
            head: true,
            list: Some(Some("app.log".into())),
            get: true,
        });
        let a = assess(&f);
        assert_eq!(a.verdict, "public-read");
        assert!(ids(&a).contains(&"anonymous-read-confirmed"));
        assert!(ids(&a).contains(&"anonymous-list-confirmed"));
    }

    #[test]
    fn worst_verdict_wins() {
        let mut f = private();
        f.acl = Ok(Some(vec![
            grant(ALL_USERS, "READ"),
            grant(AUTHENTICATED_USERS, "READ"),
        ]));
        f.policy = Ok(Some(PUBLIC_READ.into()));
        assert_eq!(assess(&f).verdict, "public-read");
    }
}
