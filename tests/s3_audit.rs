//! `leakhound audit s3` and `scan --audit` against moto's S3 server (see tests/s3_scan.rs for
//! the harness): verdicts and checks per bucket configuration, the account-level block
//! overriding the bucket as AWS does, and a live token in a public bucket reported critical
//! with its exposure in every report format.

mod common;
mod s3_support;

use aws_sdk_s3::types::{
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};
use common::Gen;
use s3_support::{Moto, leakhound};
use serde_json::{Value, json};

/// moto's account id.
const ACCOUNT: &str = "123456789012";
const NOW: &str = "2026-11-28T00:00:00Z";
const NOW_UNIX: i64 = 1_795_824_000;

fn public_read_policy(bucket: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{bucket}/*"}}]}}"#
    )
}

fn encrypt(moto: &Moto, bucket: &str) {
    let rule = ServerSideEncryptionRule::builder()
        .apply_server_side_encryption_by_default(
            ServerSideEncryptionByDefault::builder()
                .sse_algorithm(ServerSideEncryption::Aes256)
                .build()
                .expect("sse default"),
        )
        .build();
    moto.rt
        .block_on(
            moto.client
                .put_bucket_encryption()
                .bucket(bucket)
                .server_side_encryption_configuration(
                    ServerSideEncryptionConfiguration::builder()
                        .rules(rule)
                        .build()
                        .expect("sse config"),
                )
                .send(),
        )
        .unwrap_or_else(|e| panic!("encrypt {bucket}: {e:?}"));
}

fn all_on() -> PublicAccessBlockConfiguration {
    PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build()
}

fn block_bucket(moto: &Moto, bucket: &str) {
    moto.rt
        .block_on(
            moto.client
                .put_public_access_block()
                .bucket(bucket)
                .public_access_block_configuration(all_on())
                .send(),
        )
        .unwrap_or_else(|e| panic!("block {bucket}: {e:?}"));
}

/// Account-level Block Public Access through s3control (the account id is not put in
/// front of the host, as leakhound does with a custom endpoint).
fn block_account(moto: &Moto) {
    let config = aws_sdk_s3control::Config::builder()
        .behavior_version(aws_sdk_s3control::config::BehaviorVersion::latest())
        .region(aws_sdk_s3control::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_s3control::config::Credentials::new(
            s3_support::SETUP_KEY,
            s3_support::SETUP_SECRET,
            None,
            None,
            "tests",
        ))
        .endpoint_resolver(leakhound::audit::s3::FixedEndpoint(moto.endpoint()))
        .build();
    let control = aws_sdk_s3control::Client::from_conf(config);
    moto.rt
        .block_on(
            control
                .put_public_access_block()
                .account_id(ACCOUNT)
                .public_access_block_configuration(
                    aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                        .block_public_acls(true)
                        .ignore_public_acls(true)
                        .block_public_policy(true)
                        .restrict_public_buckets(true)
                        .build(),
                )
                .send(),
        )
        .unwrap_or_else(|e| panic!("account block: {e:?}"));
}

/// The JSON report of an audit that read every bucket it was given (exit 0 or 1).
fn audit_json(moto: &Moto, args: &[&str]) -> Value {
    let (code, report) = audit_run(moto, args);
    assert!(code == 0 || code == 1, "exit {code}");
    report
}

/// The exit code and JSON report of an audit.
fn audit_run(moto: &Moto, args: &[&str]) -> (i32, Value) {
    let endpoint = moto.endpoint();
    let mut full = vec![
        "audit",
        "s3",
        "--format",
        "json",
        "--endpoint-url",
        endpoint.as_str(),
    ];
    full.extend_from_slice(args);
    let run = leakhound(&full, None);
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("exit {}: {e}: {}\n{}", run.code, run.stdout, run.stderr));
    (run.code, report)
}

fn bucket<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["buckets"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["bucket"] == name))
        .unwrap_or_else(|| panic!("bucket {name} not in {report:#}"))
}

fn check_ids(bucket: &Value) -> Vec<String> {
    bucket["checks"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(|c| c["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn each_configuration_gets_its_verdict_and_checks() {
    let moto = Moto::start();
    // private, encrypted, blocked: nothing to say but versioning and logging.
    moto.create_bucket("private");
    encrypt(&moto, "private");
    block_bucket(&moto, "private");
    // A bucket ACL granting READ to AllUsers: anyone may list it.
    moto.create_public_bucket("acl-public");
    encrypt(&moto, "acl-public");
    // A policy letting anyone GetObject.
    moto.create_bucket("policy-public");
    encrypt(&moto, "policy-public");
    moto.put_bucket_policy("policy-public", &public_read_policy("policy-public"));
    // The same, pinned to a CIDR: not public.
    moto.create_bucket("ip-restricted");
    encrypt(&moto, "ip-restricted");
    moto.put_bucket_policy(
        "ip-restricted",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::ip-restricted/*","Condition":{"IpAddress":{"aws:SourceIp":["192.0.2.0/24"]}}}]}"#,
    );
    // No default encryption.
    moto.create_bucket("unencrypted");
    // A public policy, neutralised by the bucket's Block Public Access.
    moto.create_bucket("blocked");
    encrypt(&moto, "blocked");
    moto.put_bucket_policy("blocked", &public_read_policy("blocked"));
    block_bucket(&moto, "blocked");

    let report = audit_json(&moto, &["--all-buckets"]);
    let verdicts: Vec<(String, String)> = report["buckets"]
        .as_array()
        .expect("buckets")
        .iter()
        .map(|b| {
            (
                b["bucket"].as_str().unwrap_or_default().to_string(),
                b["verdict"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expect = [
        ("acl-public", "public-list"),
        ("blocked", "not-public"),
        ("ip-restricted", "not-public"),
        ("policy-public", "public-read"),
        ("private", "not-public"),
        ("unencrypted", "not-public"),
    ];
    assert_eq!(
        verdicts,
        expect
            .iter()
            .map(|(b, v)| (b.to_string(), v.to_string()))
            .collect::<Vec<_>>(),
        "{report:#}"
    );

    assert!(check_ids(bucket(&report, "acl-public")).contains(&"acl-public-read".into()));
    let policy = bucket(&report, "policy-public");
    let check = policy["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "policy-public-read"))
        .unwrap_or_else(|| panic!("{policy:#}"));
    assert_eq!(check["severity"], "high");
    assert!(
        check["evidence"]
            .as_str()
            .is_some_and(|e| e.contains("PublicRead") && e.contains("s3:GetObject")),
        "{check:#}"
    );
    let unencrypted = check_ids(bucket(&report, "unencrypted"));
    assert!(unencrypted.contains(&"no-default-encryption".into()));
    assert!(unencrypted.contains(&"block-public-access-off".into()));
    let blocked = check_ids(bucket(&report, "blocked"));
    assert!(blocked.contains(&"policy-public-neutralised".into()));
    assert!(!blocked.contains(&"block-public-access-off".into()));
    let private = check_ids(bucket(&report, "private"));
    assert!(
        !private
            .iter()
            .any(|c| c.starts_with("policy-") || c.starts_with("acl-"))
    );
    assert!(!private.contains(&"no-default-encryption".into()));
    assert!(
        !check_ids(bucket(&report, "ip-restricted"))
            .iter()
            .any(|c| c.starts_with("policy-public"))
    );

    // Every check is a bucket-config finding located at its bucket.
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings.iter().all(|f| f["category"] == "bucket-config"));
    assert!(findings.iter().any(|f| f["rule_id"] == "policy-public-read"
        && f["locations"][0]["path"] == "s3://policy-public"));
    let total: usize = report["buckets"]
        .as_array()
        .map(|b| b.iter().map(|b| check_ids(b).len()).sum())
        .unwrap_or(0);
    assert_eq!(findings.len(), total);
}

#[test]
fn the_account_level_block_overrides_the_bucket() {
    let moto = Moto::start();
    moto.create_bucket("open");
    encrypt(&moto, "open");
    moto.put_bucket_policy("open", &public_read_policy("open"));
    let before = audit_json(&moto, &["s3://open"]);
    assert_eq!(bucket(&before, "open")["verdict"], "public-read");

    block_account(&moto);
    let after = audit_json(&moto, &["s3://open"]);
    let open = bucket(&after, "open");
    assert_eq!(open["verdict"], "not-public", "{after:#}");
    let ids = check_ids(open);
    assert!(ids.contains(&"policy-public-neutralised".into()), "{ids:?}");
    // The bucket itself has no block, but the account's is complete.
    assert!(!ids.contains(&"block-public-access-off".into()), "{ids:?}");
}

#[test]
fn an_unknown_bucket_is_a_failure_not_a_verdict() {
    let moto = Moto::start();
    let (code, report) = audit_run(&moto, &["s3://does-not-exist"]);
    assert_eq!(report["buckets"].as_array().map(Vec::len).unwrap_or(0), 0);
    let failed = report["summary"]["failed"].as_array().expect("failed");
    assert!(failed.iter().any(|f| f["path"] == "s3://does-not-exist"));
    // Nothing of the one bucket named could be audited: incomplete, not a clean pass.
    assert_eq!(
        report["summary"]["targets_failed"],
        json!(["s3://does-not-exist"])
    );
    assert_eq!(code, 3);
}

/// `scan --audit` audits the buckets that exist, as `audit s3` does: a bucket that does not
/// exist has no configuration to judge (no "Block Public Access is off" for it), only a
/// failure that makes the scan incomplete.
#[test]
fn scan_audit_leaves_out_a_bucket_that_does_not_exist() {
    let moto = Moto::start();
    moto.create_bucket("present");
    block_bucket(&moto, "present");
    moto.put("present", "app.log", b"GET /health 200\n");
    let endpoint = moto.endpoint();
    let run = leakhound(
        &[
            "scan",
            "s3://present",
            "s3://absent",
            "--audit",
            "--format",
            "json",
            "--endpoint-url",
            endpoint.as_str(),
            "--no-progress",
        ],
        None,
    );
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("exit {}: {e}: {}", run.code, run.stderr));
    let audited: Vec<&str> = report["buckets"]
        .as_array()
        .expect("buckets")
        .iter()
        .filter_map(|b| b["bucket"].as_str())
        .collect();
    assert_eq!(audited, ["present"]);
    let findings = report["findings"].as_array().expect("findings");
    assert!(
        findings.iter().all(|f| !f["locations"][0]["path"]
            .as_str()
            .unwrap_or("")
            .contains("absent")),
        "{findings:?}"
    );
    assert_eq!(report["summary"]["targets_failed"], json!(["s3://absent"]));
}

#[test]
fn a_live_token_in_a_public_bucket_is_critical_in_every_format() {
    let moto = Moto::start();
    let mut g = Gen::new(7);
    let live = g.jwt(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &format!(
            r#"{{"sub":"4711","email":"ops@example.org","iat":{},"exp":{}}}"#,
            NOW_UNIX - 60,
            NOW_UNIX + 3600
        ),
        true,
    );
    let log = format!(
        "2026-11-27T10:00:00Z INFO GET /api/orders 200\n\
         2026-11-27T10:00:01Z DEBUG headers: Authorization: Bearer {live}\n"
    );
    moto.create_bucket("open-logs");
    moto.put_bucket_policy("open-logs", &public_read_policy("open-logs"));
    moto.put("open-logs", "app/2026/11/27/app.log", log.as_bytes());
    moto.create_bucket("closed-logs");
    block_bucket(&moto, "closed-logs");
    moto.put("closed-logs", "app/app.log", log.as_bytes());

    let endpoint = moto.endpoint();
    let base = [
        "scan",
        "s3://open-logs",
        "s3://closed-logs",
        "--audit",
        "--endpoint-url",
        endpoint.as_str(),
        "--now",
        NOW,
        "--no-progress",
    ];
    let run_format = |format: &str| {
        let mut args = base.to_vec();
        args.extend_from_slice(&["--format", format]);
        let run = leakhound(&args, None);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(!run.stdout.contains(&live), "secrets must stay masked");
        run.stdout
    };

    // JSON: the token in the public bucket is critical and exposed; the same token in the
    // private bucket is the same finding (one secret), so it is exposed through the first.
    let json: Value = serde_json::from_str(&run_format("json")).expect("json");
    let token = json["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["category"] != "bucket-config"))
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(token["severity"], "critical", "{token:#}");
    assert_eq!(token["exposure"]["level"], "public");
    assert_eq!(token["exposure"]["bucket"], "open-logs");
    assert_eq!(token["exposure"]["verdict"], "public-read");
    assert_eq!(token["analysis"]["state"], "live");
    assert_eq!(bucket(&json, "open-logs")["verdict"], "public-read");
    assert_eq!(bucket(&json, "closed-logs")["verdict"], "not-public");
    let exposure = json["exposure"].as_array().expect("exposure summary");
    assert_eq!(exposure.len(), 1);
    assert_eq!(exposure[0]["bucket"], "open-logs");
    assert_eq!(exposure[0]["live_tokens"], 1);
    assert!(
        exposure[0]["top_rules"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );

    // JSON Lines: the finding line carries the exposure; bucket and exposure lines follow.
    let lines: Vec<Value> = run_format("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl line"))
        .collect();
    assert!(lines.iter().any(|l| l["type"] == "finding"
        && l["severity"] == "critical"
        && l["exposure"]["verdict"] == "public-read"));
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "bucket" && l["verdict"] == "public-read")
    );
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "exposure" && l["bucket"] == "open-logs")
    );

    // SARIF: an error-level result with the exposure in its properties.
    let sarif: Value = serde_json::from_str(&run_format("sarif")).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["level"] == "error"
        && r["properties"]["severity"] == "critical"
        && r["properties"]["exposure"]["bucket"] == "open-logs"));
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert!(
        rules
            .iter()
            .any(|r| r["id"] == "policy-public-read" && r["name"].is_string())
    );

    // Human: the exposure line, the audit table and the exposure summary.
    let human = run_format("human");
    assert!(human.contains("CRITICAL"), "{human}");
    assert!(
        human.contains("exposed  PUBLIC bucket open-logs (public-read)"),
        "{human}"
    );
    assert!(human.contains("Bucket audit"), "{human}");
    assert!(
        human.contains("open-logs is public-read: 1 live token"),
        "{human}"
    );
}

#[test]
fn audit_needs_buckets() {
    let moto = Moto::start();
    let endpoint = moto.endpoint();
    let run = leakhound(&["audit", "s3", "--endpoint-url", endpoint.as_str()], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = leakhound(&["scan", "--audit", "--no-progress", "."], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
