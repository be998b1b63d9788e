//! `leakhound scan s3://...` against a real S3 server: moto (`moto[server]>=5.2.5`) on
//! 127.0.0.1 and a free port, one server per test, killed when the test ends. `scripts/test`
//! installs moto into target/moto-venv; without it these tests fail (they never skip).
//!
//! How the harder cases are produced (details in tests/s3_support/mod.rs):
//! * an object the credentials may not read: the fixtures are made with auth off, then an
//!   IAM user is created whose inline policy allows `s3:*` but denies `s3:GetObject` on one
//!   key, and moto is switched to enforcing IAM (`POST /moto-api/reset-auth` `0`). The scan
//!   runs with that user's keys and moto answers GetObject of that key with a real
//!   `403 AccessDenied`; a `Deny` of `s3:ListBucket` on another bucket makes listing it fail
//!   the same way.
//! * anonymous access: moto serves unsigned requests only with auth off (with auth on it
//!   answers them with 500), where it honours object ACLs: public-read objects are served,
//!   private ones get 403. The `--no-sign-request` test scans a public and a private bucket:
//!   the first yields its findings, the second only failures, which also proves the requests
//!   were really unsigned (signed ones are served with auth off).
//! * throttling: moto cannot throttle; a proxy in the tests (tests/s3_support/proxy.rs)
//!   answers the first requests with `503 SlowDown` and forwards the rest to moto. The same
//!   proxy cuts downloads mid-body (Range resumption), leaves one unanswered (--s3-timeout)
//!   and records request heads (--request-payer header, the region a request is signed for).
//! * roles: moto serves STS and IAM on the same port, so `--role-arn` assumes roles created
//!   in moto, with their trust and permission policies enforced once auth is on.
//! * memory: leakhound runs under a small Python wrapper (moto's venv) that reports its peak
//!   RSS from getrusage; a 256 MB object must be scanned in well under that.
//!
//! Every leakhound run gets test credentials only, AWS_REGION=us-east-1, IMDS disabled and
//! config/credentials files that do not exist; nothing is reached but 127.0.0.1.

mod common;
mod s3_support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write as _;

use aws_sdk_s3::types::StorageClass;
use common::Gen;
use s3_support::proxy::{Faults, SLOW_DOWN_BODY, ThrottleProxy};
use s3_support::{
    Creds, Moto, Run, http_request, leakhound_scan, leakhound_scan_peak_rss, sdk_client,
};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

/// A secret planted in a file: the rule that must find it, the value, the line.
#[derive(Clone, Debug)]
struct Planted {
    rule: &'static str,
    secret: String,
    /// Relative path (local) or key (S3); `!member` appended inside archives.
    path: String,
    line: u64,
}

/// A text log with secrets at known lines.
struct LogText {
    lines: Vec<String>,
    planted: Vec<(&'static str, String, u64)>,
}

impl LogText {
    fn new() -> LogText {
        LogText {
            lines: Vec::new(),
            planted: Vec::new(),
        }
    }

    /// Realistic access-log lines without secrets.
    fn noise(&mut self, g: &mut Gen, n: usize) {
        for _ in 0..n {
            let i = g.next() % 250;
            self.lines.push(format!(
                "10.20.{}.{} - - [02/Nov/2026:10:{:02}:{:02} +0000] \"GET /products?page={} HTTP/1.1\" 200 {} \"-\" \"Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0\"",
                i % 7,
                i,
                g.next() % 60,
                g.next() % 60,
                g.next() % 40,
                1000 + g.next() % 9000
            ));
        }
    }

    /// A request dump line `Cookie: JSESSIONID=<32 upper hex>`.
    fn jsessionid(&mut self, g: &mut Gen) -> String {
        let s = g.hex_upper(32);
        self.lines.push(format!("Cookie: JSESSIONID={s}"));
        self.planted
            .push(("jsessionid-cookie", s.clone(), self.lines.len() as u64));
        s
    }

    /// A request dump line `Authorization: Bearer <JWT>`.
    fn bearer(&mut self, g: &mut Gen) -> String {
        let payload = format!(
            r#"{{"sub":"{}","email":"user{}@example.org","role":"user","iat":1790000000,"exp":1990000000}}"#,
            g.uuid(),
            g.next() % 10_000
        );
        let jwt = g.jwt(r#"{"alg":"HS256","typ":"JWT"}"#, &payload, true);
        self.lines.push(format!("Authorization: Bearer {jwt}"));
        self.planted
            .push(("authorization-bearer", jwt.clone(), self.lines.len() as u64));
        jwt
    }

    fn bytes(&self) -> Vec<u8> {
        let mut t = self.lines.join("\n");
        t.push('\n');
        t.into_bytes()
    }

    fn planted_at(&self, path: &str) -> Vec<Planted> {
        self.planted
            .iter()
            .map(|(rule, secret, line)| Planted {
                rule,
                secret: secret.clone(),
                path: path.to_string(),
                line: *line,
            })
            .collect()
    }
}

/// A log of `noise` lines with one JSESSIONID and one Bearer JWT somewhere in it.
fn small_log(g: &mut Gen, noise: usize) -> LogText {
    let mut t = LogText::new();
    t.noise(g, noise / 2);
    t.jsessionid(g);
    t.noise(g, noise / 3);
    t.bearer(g);
    t.noise(g, noise - noise / 2 - noise / 3);
    t
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

/// A .tar.gz of (member name, content).
fn tar_gz(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(1_790_000_000);
        h.set_cksum();
        b.append_data(&mut h, name, data.as_slice()).expect("tar");
    }
    gzip(&b.into_inner().expect("tar"))
}

// ---------------------------------------------------------------------------------------
// Report helpers
// ---------------------------------------------------------------------------------------

/// (rule_id, secret, path, line) of every location of every finding.
fn locations(report: &Value) -> BTreeSet<(String, String, String, u64)> {
    let mut out = BTreeSet::new();
    for f in report["findings"].as_array().expect("findings") {
        for l in f["locations"].as_array().expect("locations") {
            out.insert((
                f["rule_id"].as_str().expect("rule_id").to_string(),
                f["secret"]
                    .as_str()
                    .expect("secret (--show-secrets)")
                    .to_string(),
                l["path"].as_str().expect("path").to_string(),
                l["line"].as_u64().expect("line"),
            ));
        }
    }
    out
}

fn expected(planted: &[Planted], prefix: &str) -> BTreeSet<(String, String, String, u64)> {
    planted
        .iter()
        .map(|p| {
            (
                p.rule.to_string(),
                p.secret.clone(),
                format!("{prefix}{}", p.path),
                p.line,
            )
        })
        .collect()
}

/// The secrets of every finding.
fn secrets(report: &Value) -> BTreeSet<String> {
    locations(report).into_iter().map(|l| l.1).collect()
}

/// (path, reason) of summary.failed or summary.skipped.
fn notes(report: &Value, which: &str) -> Vec<(String, String)> {
    report["summary"][which]
        .as_array()
        .unwrap_or_else(|| panic!("summary.{which} missing: {}", report["summary"]))
        .iter()
        .map(|n| {
            (
                n["path"].as_str().expect("path").to_string(),
                n["reason"].as_str().expect("reason").to_string(),
            )
        })
        .collect()
}

/// summary.buckets[] entry of `bucket`.
fn bucket<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["summary"]["buckets"]
        .as_array()
        .expect("summary.buckets")
        .iter()
        .find(|b| b["bucket"] == name)
        .unwrap_or_else(|| panic!("no summary for bucket {name}: {}", report["summary"]))
}

fn bucket_names(report: &Value) -> BTreeSet<String> {
    report["summary"]["buckets"]
        .as_array()
        .expect("summary.buckets")
        .iter()
        .map(|b| b["bucket"].as_str().expect("bucket").to_string())
        .collect()
}

fn count(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} missing or not a count in {v}"))
}

/// Every bucket's counts add up to its listing, and the summary's failed/skipped counts match
/// its lists.
fn assert_counts_add_up(report: &Value) {
    let s = &report["summary"];
    for (n, list) in [("files_failed", "failed"), ("files_skipped", "skipped")] {
        assert_eq!(
            count(s, n),
            notes(report, list).len() as u64,
            "{n} vs {list}[]: {s}"
        );
    }
    for b in report["summary"]["buckets"]
        .as_array()
        .expect("summary.buckets")
    {
        assert_eq!(
            count(b, "objects_scanned") + count(b, "objects_skipped") + count(b, "objects_failed"),
            count(b, "objects_listed"),
            "scanned + skipped + failed != listed: {b}"
        );
    }
}

/// A run that must produce a report with exit 0 or 1.
fn report_of(run: &Run, code: i32) -> Value {
    assert_eq!(
        run.code, code,
        "exit code; stderr: {}\nstdout: {}",
        run.stderr, run.stdout
    );
    run.report()
}

fn scan(moto_endpoint: &str, targets: &[&str], extra: &[&str], creds: Option<&Creds>) -> Run {
    let mut args: Vec<&str> = targets.to_vec();
    args.extend_from_slice(&["--endpoint-url", moto_endpoint]);
    args.extend_from_slice(extra);
    leakhound_scan(&args, creds)
}

// ---------------------------------------------------------------------------------------
// The harness itself (no leakhound): moto, the SDK helpers and the proxy behave as the
// leakhound tests assume.
// ---------------------------------------------------------------------------------------

#[test]
fn harness_moto_serves_sdk_and_enforces_iam_after_reset_auth() {
    let moto = Moto::start();
    moto.create_bucket("harness");
    moto.put("harness", "a/b/one.log", b"one\n");
    moto.put("harness", "a/two.log", b"two\n");
    moto.put("harness", "denied.log", b"secret\n");
    moto.create_bucket("locked");
    moto.put("locked", "x.log", b"x\n");
    let keys = moto.list_keys(&moto.client, "harness");
    assert_eq!(keys, ["a/b/one.log", "a/two.log", "denied.log"]);
    assert_eq!(
        moto.get(&moto.client, "harness", "a/two.log").unwrap(),
        b"two\n"
    );

    // Unsigned requests with auth off: private objects are refused, public-read served.
    moto.create_public_bucket("open");
    moto.put_public("open", "p.log", b"public\n");
    let (status, body) = http_request(moto.port, "GET", "/open/p.log", b"").unwrap();
    assert_eq!((status, body.as_str()), (200, "public\n"));
    let (status, _) = http_request(moto.port, "GET", "/harness/a/two.log", b"").unwrap();
    assert_eq!(status, 403, "unsigned GET of a private object");

    let (key, secret) = moto.create_user("scanner", &deny_policy("harness/denied.log", "locked"));
    moto.enforce_auth();
    let user = sdk_client(&moto.endpoint(), &key, &secret);
    assert_eq!(moto.list_keys(&user, "harness").len(), 3);
    assert_eq!(moto.get(&user, "harness", "a/b/one.log").unwrap(), b"one\n");
    let denied = moto.get(&user, "harness", "denied.log").unwrap_err();
    assert!(denied.contains("AccessDenied"), "{denied}");
    // The setup keys are not an IAM user's: refused once auth is on.
    let setup = moto.get(&moto.client, "harness", "a/two.log").unwrap_err();
    assert!(setup.contains("InvalidAccessKeyId"), "{setup}");
    let listing = moto
        .rt
        .block_on(user.list_objects_v2().bucket("locked").send());
    let err = format!("{:?}", listing.unwrap_err().into_service_error());
    assert!(err.contains("AccessDenied"), "{err}");
}

#[test]
fn harness_proxy_throttles_then_forwards() {
    let moto = Moto::start();
    moto.create_bucket("thr");
    let objects: Vec<(String, Vec<u8>)> = (0..8)
        .map(|i| (format!("k/{i}.log"), format!("line {i}\n").into_bytes()))
        .collect();
    moto.put_many("thr", objects.clone());

    // Raw (unsigned, so a public-read object): the first request gets S3's SlowDown, the
    // next is forwarded.
    moto.put_public("thr", "public.log", b"public\n");
    let proxy = ThrottleProxy::start(moto.port, 1, 1);
    let (status, body) = http_request(proxy.port, "GET", "/thr/public.log", b"").unwrap();
    assert_eq!(status, 503);
    assert_eq!(body, SLOW_DOWN_BODY);
    let (status, body) = http_request(proxy.port, "GET", "/thr/public.log", b"").unwrap();
    assert_eq!((status, body.as_str()), (200, "public\n"));
    assert_eq!(proxy.throttled().len(), 1);
    drop(proxy);

    // The SDK (standard retries, 10 attempts) gets through 12 throttled requests, each
    // request at most 3 times, and reads everything.
    let proxy = ThrottleProxy::start(moto.port, 12, 3);
    let c = sdk_client(&proxy.endpoint(), "testing", "testing");
    let keys = moto.list_keys(&c, "thr");
    assert_eq!(keys.len(), 9);
    for (k, v) in &objects {
        assert_eq!(&moto.get(&c, "thr", k).unwrap(), v);
    }
    let throttled = proxy.throttled();
    assert_eq!(throttled.len(), 12, "{throttled:?}");
    assert!(
        throttled.iter().any(|t| t.starts_with("GET /thr/k/")),
        "no GetObject throttled: {throttled:?}"
    );
    // Requests on kept-alive connections are counted too: more requests than connections.
    assert!(proxy.forwarded().len() >= 9, "{:?}", proxy.forwarded());
}

/// An identity policy: everything on S3, but GetObject of `denied` (bucket/key) and
/// listing `locked_bucket` are denied.
fn deny_policy(denied: &str, locked_bucket: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{denied}")},
            {"Effect": "Deny", "Action": "s3:ListBucket", "Resource": format!("arn:aws:s3:::{locked_bucket}")}
        ]
    })
    .to_string()
}

// ---------------------------------------------------------------------------------------
// leakhound against moto
// ---------------------------------------------------------------------------------------

/// `s3://bucket/prefix` scans the keys starting with the prefix, nothing else; locations are
/// `s3://bucket/key` with the line of the secret.
#[test]
fn prefix_scans_only_the_keys_under_it() {
    let moto = Moto::start();
    moto.create_bucket("logs");
    let mut g = Gen::new(0x5301);
    let mut planted = BTreeMap::new();
    for key in [
        "app/2026/11/02/server.log",
        "app/2026/11/03/server.log",
        "app/2026/11/03/deep/er/worker.log",
        "app/2026/12/01/server.log",
        "app-old/2026/11/02/server.log",
        "web/access.log",
        "top.log",
    ] {
        let t = small_log(&mut g, 30);
        moto.put("logs", key, &t.bytes());
        planted.insert(key, t.planted_at(key));
    }
    let under = |p: &str| -> Vec<Planted> {
        planted
            .iter()
            .filter(|(k, _)| k.starts_with(p))
            .flat_map(|(_, v)| v.clone())
            .collect()
    };

    let report = report_of(
        &scan(&moto.endpoint(), &["s3://logs/app/2026/11/"], &[], None),
        1,
    );
    assert_eq!(
        locations(&report),
        expected(&under("app/2026/11/"), "s3://logs/"),
        "{}",
        report["summary"]
    );
    let b = bucket(&report, "logs");
    assert_eq!(count(b, "objects_listed"), 3, "{b}");
    assert_eq!(count(b, "objects_scanned"), 3, "{b}");
    assert_eq!(count(&report["summary"], "files_scanned"), 3);
    assert_counts_add_up(&report);

    // A prefix is a string prefix of the key, not a folder: "app" takes in "app-old/".
    let report = report_of(&scan(&moto.endpoint(), &["s3://logs/app"], &[], None), 1);
    assert_eq!(locations(&report), expected(&under("app"), "s3://logs/"));
    assert_eq!(count(bucket(&report, "logs"), "objects_scanned"), 5);

    // The whole bucket.
    let report = report_of(&scan(&moto.endpoint(), &["s3://logs"], &[], None), 1);
    assert_eq!(locations(&report), expected(&under(""), "s3://logs/"));
    assert_eq!(count(bucket(&report, "logs"), "objects_listed"), 7);
    assert_counts_add_up(&report);

    // A prefix nothing is under: no findings, exit 0.
    let report = report_of(
        &scan(&moto.endpoint(), &["s3://logs/nothing/here/"], &[], None),
        0,
    );
    assert!(locations(&report).is_empty());
    assert_eq!(count(bucket(&report, "logs"), "objects_listed"), 0);
}

/// A .gz object and a .tar.gz bundle behave like the local files: secrets at their lines,
/// members located as `s3://bucket/key!member`.
#[test]
fn gzip_and_tar_gz_objects_are_decoded() {
    let moto = Moto::start();
    moto.create_bucket("bundles");
    let mut g = Gen::new(0x5302);

    let plain = small_log(&mut g, 40);
    let gz = small_log(&mut g, 400);
    let m1 = small_log(&mut g, 25);
    let m2 = small_log(&mut g, 60);
    moto.put("bundles", "plain/app.log", &plain.bytes());
    moto.put("bundles", "rotated/app.log.1.gz", &gzip(&gz.bytes()));
    moto.put(
        "bundles",
        "support/bundle-2026-11-02.tar.gz",
        &tar_gz(&[
            ("bundle/README.txt", b"support bundle\n".to_vec()),
            ("bundle/logs/app.log", m1.bytes()),
            ("bundle/logs/nested/worker.log", m2.bytes()),
        ]),
    );
    let mut want = plain.planted_at("plain/app.log");
    want.extend(gz.planted_at("rotated/app.log.1.gz"));
    want.extend(m1.planted_at("support/bundle-2026-11-02.tar.gz!bundle/logs/app.log"));
    want.extend(m2.planted_at("support/bundle-2026-11-02.tar.gz!bundle/logs/nested/worker.log"));

    let report = report_of(&scan(&moto.endpoint(), &["s3://bundles"], &[], None), 1);
    assert_eq!(locations(&report), expected(&want, "s3://bundles/"));
    let b = bucket(&report, "bundles");
    assert_eq!(count(b, "objects_scanned"), 3, "{b}");
    assert_eq!(count(b, "objects_failed"), 0, "{b}");
    // Decompressed bytes are scanned: more than the objects' compressed sizes.
    assert!(
        count(b, "bytes_scanned") as usize >= gz.bytes().len(),
        "{b}"
    );
    assert_counts_add_up(&report);
}

/// More than 1,000 objects: ListObjectsV2 returns at most 1,000 keys a page, so everything
/// past the first page is only found if the listing is paginated.
#[test]
fn more_than_a_thousand_objects_are_all_scanned() {
    let moto = Moto::start();
    moto.create_bucket("many");
    let mut g = Gen::new(0x5303);
    let n = 1234;
    let mut objects = Vec::new();
    let mut want = Vec::new();
    for i in 0..n {
        let key = format!("shard-{:02}/part-{i:05}.log", i % 17);
        let mut t = LogText::new();
        t.noise(&mut g, 2 + i % 3);
        t.jsessionid(&mut g);
        want.extend(t.planted_at(&key));
        objects.push((key, t.bytes()));
    }
    moto.put_many("many", objects);
    assert_eq!(moto.list_keys(&moto.client, "many").len(), n);

    let report = report_of(&scan(&moto.endpoint(), &["s3://many"], &[], None), 1);
    let got = locations(&report);
    let want = expected(&want, "s3://many/");
    let missing: Vec<_> = want.difference(&got).take(5).collect();
    assert!(
        missing.is_empty(),
        "{} of {n} missing, e.g. {missing:?}",
        want.difference(&got).count()
    );
    assert_eq!(got, want);
    let b = bucket(&report, "many");
    assert_eq!(count(b, "objects_listed"), n as u64, "{b}");
    assert_eq!(count(b, "objects_scanned"), n as u64, "{b}");
    assert_counts_add_up(&report);
    let s = &report["summary"];
    assert_eq!(count(s, "files_scanned"), n as u64);
    assert_eq!(count(s, "files_failed") + count(s, "files_skipped"), 0);
    assert_eq!(report["findings"].as_array().unwrap().len(), n);
}

/// `--no-sign-request`: a public bucket is read anonymously; the private objects of another
/// bucket are refused to unsigned requests (403) and each becomes a failed entry, and the
/// scan goes on. Signed, the same private bucket is read (auth is off), so the 403s show the
/// requests really went out unsigned.
#[test]
fn no_sign_request_reads_a_public_bucket() {
    let moto = Moto::start();
    let mut g = Gen::new(0x5304);
    moto.create_public_bucket("public-logs");
    let mut want = Vec::new();
    for key in ["cdn/2026/11/02/edge.log", "cdn/2026/11/03/edge.log.gz"] {
        let t = small_log(&mut g, 20);
        let body = if key.ends_with(".gz") {
            gzip(&t.bytes())
        } else {
            t.bytes()
        };
        moto.put_public("public-logs", key, &body);
        want.extend(t.planted_at(key));
    }
    moto.create_bucket("private-logs");
    let private = small_log(&mut g, 20);
    moto.put("private-logs", "app/secret.log", &private.bytes());
    moto.put(
        "private-logs",
        "app/other.log",
        &small_log(&mut g, 5).bytes(),
    );

    let run = scan(
        &moto.endpoint(),
        &["s3://public-logs", "s3://private-logs"],
        &["--no-sign-request"],
        None,
    );
    let report = report_of(&run, 1);
    assert_eq!(locations(&report), expected(&want, "s3://public-logs/"));
    let failed: BTreeSet<String> = notes(&report, "failed").into_iter().map(|f| f.0).collect();
    assert_eq!(
        failed,
        BTreeSet::from([
            "s3://private-logs/app/other.log".to_string(),
            "s3://private-logs/app/secret.log".to_string()
        ])
    );
    assert_eq!(count(bucket(&report, "public-logs"), "objects_scanned"), 2);
    assert_eq!(count(bucket(&report, "private-logs"), "objects_failed"), 2);
    assert_eq!(count(&report["summary"], "files_failed"), 2);
    assert_counts_add_up(&report);

    // Control: signed, the private bucket is readable.
    let report = report_of(
        &scan(&moto.endpoint(), &["s3://private-logs"], &[], None),
        1,
    );
    assert!(secrets(&report).is_superset(&private.planted.iter().map(|p| p.1.clone()).collect()));
}

/// An object the credentials may not read is a failed entry naming s3://bucket/key; a
/// bucket they may not list is a failed entry naming s3://bucket; the scan goes on and the
/// exit code still reports the other findings.
#[test]
fn denied_object_and_bucket_are_failed_entries_and_the_scan_goes_on() {
    let moto = Moto::start();
    let mut g = Gen::new(0x5305);
    moto.create_bucket("audit-logs");
    let mut want = Vec::new();
    for key in ["a/one.log", "a/two.log", "b/three.log"] {
        let t = small_log(&mut g, 10);
        moto.put("audit-logs", key, &t.bytes());
        want.extend(t.planted_at(key));
    }
    let denied = small_log(&mut g, 10);
    moto.put("audit-logs", "restricted/hr.log", &denied.bytes());
    moto.create_bucket("locked");
    let locked = small_log(&mut g, 10);
    moto.put("locked", "x.log", &locked.bytes());

    let (key, secret) = moto.create_user(
        "auditor",
        &deny_policy("audit-logs/restricted/hr.log", "locked"),
    );
    moto.enforce_auth();
    let creds = Creds { key, secret };

    let run = scan(
        &moto.endpoint(),
        &["s3://audit-logs", "s3://locked"],
        &[],
        Some(&creds),
    );
    let report = report_of(&run, 1);
    assert_eq!(locations(&report), expected(&want, "s3://audit-logs/"));
    // The denied bucket was a target of which nothing could be read; the denied object
    // leaves its bucket's target partly read.
    assert_eq!(report["summary"]["targets_failed"], json!(["s3://locked"]));
    let failed = notes(&report, "failed");
    let paths: BTreeSet<&str> = failed.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        paths,
        BTreeSet::from(["s3://audit-logs/restricted/hr.log", "s3://locked"]),
        "{failed:?}"
    );
    for (path, reason) in &failed {
        let r = reason.to_ascii_lowercase().replace(' ', "");
        assert!(r.contains("accessdenied"), "{path}: reason {reason:?}");
    }
    let b = bucket(&report, "audit-logs");
    assert_eq!(count(b, "objects_listed"), 4, "{b}");
    assert_eq!(count(b, "objects_scanned"), 3, "{b}");
    assert_eq!(count(b, "objects_failed"), 1, "{b}");
    assert_counts_add_up(&report);
    assert_eq!(
        count(&report["summary"], "files_failed"),
        2,
        "{}",
        report["summary"]
    );

    // Nothing readable (a prefix whose one object is denied, a denied bucket): no findings,
    // but not a clean pass either: exit 3 (incomplete), with the report and the failures.
    let run = scan(
        &moto.endpoint(),
        &["s3://audit-logs/restricted/", "s3://locked"],
        &[],
        Some(&creds),
    );
    let report = report_of(&run, 3);
    assert!(locations(&report).is_empty());
    assert_eq!(notes(&report, "failed").len(), 2);
    assert_eq!(
        report["summary"]["targets_failed"],
        json!(["s3://audit-logs/restricted/", "s3://locked"])
    );
    assert!(run.stderr.contains("incomplete"), "{}", run.stderr);
}

/// The first requests get `503 SlowDown` from the proxy in front of moto: the SDK retries
/// them and the scan completes with nothing lost.
#[test]
fn throttled_requests_are_retried_and_nothing_is_lost() {
    let moto = Moto::start();
    let mut g = Gen::new(0x5306);
    moto.create_bucket("busy");
    let mut want = Vec::new();
    let mut objects = Vec::new();
    for i in 0..40 {
        let key = format!(
            "2026/11/02/{i:02}/app.log{}",
            if i % 4 == 0 { ".gz" } else { "" }
        );
        let t = small_log(&mut g, 10 + i);
        want.extend(t.planted_at(&key));
        let body = if key.ends_with(".gz") {
            gzip(&t.bytes())
        } else {
            t.bytes()
        };
        objects.push((key, body));
    }
    moto.put_many("busy", objects);

    let limit = 60;
    let proxy = ThrottleProxy::start(moto.port, limit, 3);
    let run = scan(
        &proxy.endpoint(),
        &["s3://busy"],
        &["--s3-concurrency", "8"],
        None,
    );
    let report = report_of(&run, 1);
    assert_eq!(locations(&report), expected(&want, "s3://busy/"));
    let b = bucket(&report, "busy");
    assert_eq!(count(b, "objects_listed"), 40, "{b}");
    assert_eq!(count(b, "objects_scanned"), 40, "{b}");
    assert_eq!(
        count(&report["summary"], "files_failed"),
        0,
        "{}",
        report["summary"]
    );
    // The proxy really throttled, also object downloads.
    let throttled = proxy.throttled();
    assert_eq!(throttled.len(), limit, "{throttled:?}");
    assert!(
        throttled
            .iter()
            .filter(|t| t.starts_with("GET /busy/2026/"))
            .count()
            >= 10,
        "{throttled:?}"
    );
}

/// Connections closed before any response (transient network errors) are retried: the
/// scan completes with nothing lost.
#[test]
fn reset_connections_are_retried_and_nothing_is_lost() {
    let moto = Moto::start();
    let mut g = Gen::new(0x5313);
    moto.create_bucket("resets");
    let mut want = Vec::new();
    let mut objects = Vec::new();
    for i in 0..20 {
        let key = format!("node-{i:02}/app.log");
        let t = small_log(&mut g, 10);
        want.extend(t.planted_at(&key));
        objects.push((key, t.bytes()));
    }
    moto.put_many("resets", objects);
    let proxy = ThrottleProxy::with_faults(
        moto.port,
        Faults {
            drop_gets: 12,
            ..Faults::default()
        },
    );
    let run = scan(&proxy.endpoint(), &["s3://resets"], &[], None);
    let report = report_of(&run, 1);
    assert_eq!(locations(&report), expected(&want, "s3://resets/"));
    assert_eq!(proxy.dropped().len(), 12, "{:?}", proxy.dropped());
    let b = bucket(&report, "resets");
    assert_eq!(count(b, "objects_scanned"), 20, "{b}");
    assert_eq!(count(&report["summary"], "files_failed"), 0);
    assert_counts_add_up(&report);
}

/// --s3-concurrency bounds the GetObject requests in flight (default 32). The proxy holds
/// every GetObject until released: once as many as the bound are held, the scan can send no
/// more, so the most ever held is the bound. (The wait after reaching it only gives a buggy
/// scan time to exceed it; a correct one cannot fail this however slow the machine is.)
#[test]
fn s3_concurrency_bounds_requests_in_flight() {
    let moto = Moto::start();
    let mut g = Gen::new(0x5314);
    moto.create_bucket("fanout");
    let mut want = Vec::new();
    let mut objects = Vec::new();
    for i in 0..45 {
        let key = format!("part-{i:03}.log");
        let t = small_log(&mut g, 4);
        want.extend(t.planted_at(&key));
        objects.push((key, t.bytes()));
    }
    moto.put_many("fanout", objects);
    let want = expected(&want, "s3://fanout/");

    for (bound, extra) in [(3, vec!["--s3-concurrency", "3"]), (32, vec![])] {
        let proxy = ThrottleProxy::with_faults(
            moto.port,
            Faults {
                hold_gets: true,
                ..Faults::default()
            },
        );
        let endpoint = proxy.endpoint();
        let scan_thread = std::thread::spawn(move || {
            let extra: Vec<&str> = extra.to_vec();
            scan(&endpoint, &["s3://fanout"], &extra, None)
        });
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
        while proxy.held().0 < bound && !scan_thread.is_finished() {
            assert!(
                std::time::Instant::now() < deadline,
                "never {bound} GetObject in flight: {:?}",
                proxy.held()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        std::thread::sleep(std::time::Duration::from_secs(2));
        let (_, most) = proxy.held();
        proxy.release();
        let run = scan_thread.join().expect("scan thread");
        let report = report_of(&run, 1);
        assert_eq!(locations(&report), want);
        assert_eq!(most, bound, "most GetObject requests in flight at once");
    }
}

/// --include-key / --exclude-key globs over the whole key; `*` crosses `/`.
#[test]
fn include_and_exclude_key_globs() {
    let moto = Moto::start();
    let mut g = Gen::new(0x5307);
    moto.create_bucket("mixed");
    let mut planted = BTreeMap::new();
    for key in [
        "app/a.log",
        "app/b.txt",
        "app/debug/c.log",
        "app/debug/deeper/e.log",
        "web/d.log",
    ] {
        let t = small_log(&mut g, 8);
        moto.put("mixed", key, &t.bytes());
        planted.insert(key, t.planted_at(key));
    }
    let of =
        |keys: &[&str]| -> Vec<Planted> { keys.iter().flat_map(|k| planted[k].clone()).collect() };

    let run = scan(
        &moto.endpoint(),
        &["s3://mixed"],
        &["--include-key", "*.log", "--exclude-key", "app/debug/*"],
        None,
    );
    let report = report_of(&run, 1);
    assert_eq!(
        locations(&report),
        expected(&of(&["app/a.log", "web/d.log"]), "s3://mixed/")
    );
    assert_eq!(count(bucket(&report, "mixed"), "objects_scanned"), 2);
    assert_counts_add_up(&report);

    // `*` matches across `/`: app/*.log takes in app/debug/deeper/e.log.
    let run = scan(
        &moto.endpoint(),
        &["s3://mixed"],
        &["--include-key", "app/*.log"],
        None,
    );
    let report = report_of(&run, 1);
    assert_eq!(
        locations(&report),
        expected(
            &of(&["app/a.log", "app/debug/c.log", "app/debug/deeper/e.log"]),
            "s3://mixed/"
        )
    );

    // Repeatable: two includes, two excludes.
    let run = scan(
        &moto.endpoint(),
        &["s3://mixed"],
        &[
            "--include-key",
            "web/*",
            "--include-key",
            "app/*",
            "--exclude-key",
            "*.txt",
            "--exclude-key",
            "*/deeper/*",
        ],
        None,
    );
    let report = report_of(&run, 1);
    assert_eq!(
        locations(&report),
        expected(
            &of(&["app/a.log", "app/debug/c.log", "web/d.log"]),
            "s3://mixed/"
        )
    );
}

/// --all-buckets scans every bucket ListBuckets returns, minus --exclude-bucket globs.
#[test]
fn all_buckets_with_exclude_bucket() {
    let moto = Moto::start();
    let mut g = Gen::new(0x5308);
    let mut planted = BTreeMap::new();
    for b in [
        "prod-app-logs",
        "prod-web-logs",
        "archive-2024",
        "archive-2025",
        "tmp-scratch",
    ] {
        moto.create_bucket(b);
        let t = small_log(&mut g, 6);
        let key = "logs/app.log";
        moto.put(b, key, &t.bytes());
        planted.insert(b, expected(&t.planted_at(key), &format!("s3://{b}/")));
    }
    let union =
        |bs: &[&str]| -> BTreeSet<_> { bs.iter().flat_map(|b| planted[b].clone()).collect() };

    let run = scan(
        &moto.endpoint(),
        &[],
        &[
            "--all-buckets",
            "--exclude-bucket",
            "archive-*",
            "--exclude-bucket",
            "tmp-*",
        ],
        None,
    );
    let report = report_of(&run, 1);
    assert_eq!(
        locations(&report),
        union(&["prod-app-logs", "prod-web-logs"])
    );
    assert_eq!(
        bucket_names(&report),
        BTreeSet::from(["prod-app-logs".to_string(), "prod-web-logs".to_string()])
    );
    assert_counts_add_up(&report);

    let report = report_of(&scan(&moto.endpoint(), &[], &["--all-buckets"], None), 1);
    assert_eq!(
        locations(&report),
        union(&planted.keys().copied().collect::<Vec<_>>())
    );
    assert_eq!(bucket_names(&report).len(), 5);
}

/// A local directory and an s3:// target in one run: one report with both kinds of path;
/// a bucket that does not exist is a failed entry and the scan goes on.
#[test]
fn local_and_s3_targets_in_one_run() {
    let moto = Moto::start();
    let mut g = Gen::new(0x5309);
    moto.create_bucket("remote");
    let remote = small_log(&mut g, 12);
    moto.put("remote", "srv/app.log", &remote.bytes());
    let local = small_log(&mut g, 12);
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("var/log")).unwrap();
    let local_path = dir.path().join("var/log/app.log");
    fs::write(&local_path, local.bytes()).unwrap();

    let d = dir.path().to_string_lossy().into_owned();
    let run = scan(
        &moto.endpoint(),
        &[&d, "s3://remote", "s3://no-such-bucket"],
        &[],
        None,
    );
    let report = report_of(&run, 1);
    let mut want = expected(&remote.planted_at("srv/app.log"), "s3://remote/");
    want.extend(expected(
        &local.planted_at("app.log"),
        &format!("{}/", local_path.parent().unwrap().display()),
    ));
    assert_eq!(locations(&report), want);
    let failed = notes(&report, "failed");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, "s3://no-such-bucket");
    assert!(failed[0].1.contains("NoSuchBucket"), "{failed:?}");
    // One local file and one object.
    assert_eq!(
        count(&report["summary"], "files_scanned"),
        2,
        "{}",
        report["summary"]
    );
}

/// Objects over --max-object-size are skipped with a summary entry; the rest is scanned.
#[test]
fn objects_over_max_object_size_are_skipped() {
    let moto = Moto::start();
    let mut g = Gen::new(0x530A);
    moto.create_bucket("sizes");
    let small = small_log(&mut g, 10);
    moto.put("sizes", "small.log", &small.bytes());
    let mut big = LogText::new();
    big.noise(&mut g, 12_000);
    big.jsessionid(&mut g);
    assert!(big.bytes().len() > 1_500_000);
    moto.put("sizes", "big.log", &big.bytes());

    let run = scan(
        &moto.endpoint(),
        &["s3://sizes"],
        &["--max-object-size", "1MB"],
        None,
    );
    let report = report_of(&run, 1);
    assert_eq!(
        locations(&report),
        expected(&small.planted_at("small.log"), "s3://sizes/")
    );
    let skipped = notes(&report, "skipped");
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].0, "s3://sizes/big.log");
    let b = bucket(&report, "sizes");
    assert_eq!(count(b, "objects_skipped"), 1, "{b}");
    assert_eq!(count(b, "objects_scanned"), 1, "{b}");
    assert_counts_add_up(&report);

    // Without the limit the big object is scanned.
    let report = report_of(&scan(&moto.endpoint(), &["s3://sizes"], &[], None), 1);
    assert!(secrets(&report).contains(&big.planted[0].1));
}

/// Done when: a bucket holding the same files as a local tree reports the same findings
/// (rule, secret, line, column, occurrences), paths aside.
#[test]
fn bucket_and_local_tree_report_the_same_findings() {
    let moto = Moto::start();
    let mut g = Gen::new(0x530B);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..6 {
        files.push((
            format!("app/2026-11-0{i}/app.log"),
            small_log(&mut g, 50 + i * 10).bytes(),
        ));
    }
    let shared = small_log(&mut g, 15);
    // The same secret in two files: one finding, two locations, in both scans.
    files.push(("copies/first.log".into(), shared.bytes()));
    files.push(("copies/second.log".into(), shared.bytes()));
    files.push((
        "rotated/app.log.3.gz".into(),
        gzip(&small_log(&mut g, 300).bytes()),
    ));
    files.push((
        "support/bundle.tar.gz".into(),
        tar_gz(&[
            ("logs/a.log", small_log(&mut g, 20).bytes()),
            ("logs/b.log", small_log(&mut g, 20).bytes()),
        ]),
    ));
    files.push((
        "journal/app.log.zst".into(),
        zstd::encode_all(small_log(&mut g, 80).bytes().as_slice(), 3).expect("zstd"),
    ));
    files.push(("old/app.log.bz2".into(), {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        e.write_all(&small_log(&mut g, 80).bytes()).expect("bz2");
        e.finish().expect("bz2")
    }));
    files.push(("older/app.log.xz".into(), {
        let mut w = lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(1))
            .expect("xz");
        w.write_all(&small_log(&mut g, 80).bytes()).expect("xz");
        w.finish().expect("xz")
    }));
    files.push(("support/bundle.zip".into(), {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for name in ["logs/one.log", "logs/deeper/two.log"] {
            w.start_file(
                name,
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated),
            )
            .expect("zip");
            w.write_all(&small_log(&mut g, 30).bytes()).expect("zip");
        }
        w.finish().expect("zip").into_inner()
    }));
    // Keys that need encoding in a URL.
    for name in [
        "odd names/with space.log",
        "odd names/plus+sign.log",
        "odd names/ünïcødé.log",
        "odd names/percent%41.log",
        "odd names/semi;colon=eq&amp.log",
        "odd names/q?mark#hash.log",
    ] {
        files.push((name.into(), small_log(&mut g, 6).bytes()));
    }
    files.push(("clean/no-secrets.log".into(), {
        let mut t = LogText::new();
        t.noise(&mut g, 100);
        t.bytes()
    }));
    // Other formats of the existing rules' fixtures, as the local tests use them.
    files.push((
        "app/env-dump.txt".into(),
        format!(
            "HOME=/home/app\nAWS_ACCESS_KEY_ID=AKIA{}\nGITHUB_TOKEN=ghp_{}\n",
            g.upper_alnum(16),
            g.alnum(36)
        )
        .into_bytes(),
    ));
    for (rel, body) in &files {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, body).unwrap();
    }
    moto.create_bucket("mirror");
    moto.put_many("mirror", files.clone());

    let local_run = leakhound_scan(&[&root.to_string_lossy()], None);
    let local = report_of(&local_run, 1);
    let s3 = report_of(&scan(&moto.endpoint(), &["s3://mirror"], &[], None), 1);

    let local_prefix = format!("{}/", root.display());
    let norm = |r: &Value, prefix: &str| -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for f in r["findings"].as_array().unwrap() {
            let mut locs: Vec<String> = f["locations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    let p = l["path"].as_str().unwrap();
                    let rel = p
                        .strip_prefix(prefix)
                        .unwrap_or_else(|| panic!("{p} not under {prefix}"));
                    format!("{rel}:{}:{}", l["line"], l["column"])
                })
                .collect();
            locs.sort();
            out.insert(format!(
                "{} {} x{} at {}",
                f["rule_id"].as_str().unwrap(),
                f["secret"].as_str().unwrap(),
                f["occurrences"],
                locs.join(",")
            ));
        }
        out
    };
    let want = norm(&local, &local_prefix);
    let got = norm(&s3, "s3://mirror/");
    assert!(
        want.len() >= 20,
        "the local scan found too little: {want:#?}"
    );
    assert_eq!(got, want);
    let b = bucket(&s3, "mirror");
    assert_eq!(
        count(b, "objects_scanned"),
        count(&local["summary"], "files_scanned"),
        "{b}"
    );
    assert_eq!(count(b, "objects_scanned"), files.len() as u64, "{b}");
    assert_eq!(
        count(&s3["summary"], "archive_members_scanned"),
        count(&local["summary"], "archive_members_scanned")
    );
    assert_counts_add_up(&s3);
}

/// A download that breaks off mid-body is resumed with a Range request from where it broke;
/// nothing is lost and lines keep counting. A download that never delivers a byte fails
/// that object only.
#[test]
fn broken_download_is_resumed_with_range() {
    let moto = Moto::start();
    let mut g = Gen::new(0x530C);
    moto.create_bucket("flaky");
    // ~2 MB with secrets near the start, around the cut and at the end.
    let mut big = LogText::new();
    big.noise(&mut g, 50);
    big.jsessionid(&mut g);
    big.noise(&mut g, 8_000);
    big.bearer(&mut g);
    big.noise(&mut g, 7_000);
    big.jsessionid(&mut g);
    big.noise(&mut g, 5);
    let big_bytes = big.bytes();
    assert!(big_bytes.len() > 1_800_000, "{}", big_bytes.len());
    moto.put("flaky", "big/app.log", &big_bytes);
    // Compressed: the resumed stream must continue the same gzip stream.
    let mut gz = LogText::new();
    gz.noise(&mut g, 3_000);
    gz.bearer(&mut g);
    gz.noise(&mut g, 9_000);
    gz.jsessionid(&mut g);
    let gz_bytes = gzip(&gz.bytes());
    assert!(gz_bytes.len() > 100_000, "{}", gz_bytes.len());
    moto.put("flaky", "big/app.log.1.gz", &gz_bytes);
    let ok = small_log(&mut g, 10);
    moto.put("flaky", "small.log", &ok.bytes());
    let never = small_log(&mut g, 10);
    moto.put("flaky", "never/app.log", &never.bytes());

    let cut_at = 1_000_003;
    let proxy = ThrottleProxy::with_faults(
        moto.port,
        Faults {
            cut: vec![
                ("/flaky/big/app.log?".into(), cut_at, 1),
                ("/flaky/big/app.log.1.gz".into(), 60_001, 1),
                // Every attempt: head, no body byte.
                ("/flaky/never/app.log".into(), 0, usize::MAX),
            ],
            ..Faults::default()
        },
    );
    let run = scan(&proxy.endpoint(), &["s3://flaky"], &[], None);
    let report = report_of(&run, 1);
    let mut want = big.planted_at("big/app.log");
    want.extend(gz.planted_at("big/app.log.1.gz"));
    want.extend(ok.planted_at("small.log"));
    assert_eq!(locations(&report), expected(&want, "s3://flaky/"));
    let cuts = proxy.cuts();
    assert!(
        cuts.iter().any(|c| c.contains("/flaky/big/app.log?")),
        "{cuts:?}"
    );
    assert!(
        cuts.iter().any(|c| c.contains("/flaky/big/app.log.1.gz")),
        "{cuts:?}"
    );
    // Resumed where the body broke off, not from the start.
    let ranges = proxy.ranges();
    assert!(
        ranges
            .iter()
            .any(|(t, r)| t.contains("/flaky/big/app.log?") && r == &format!("bytes={cut_at}-")),
        "{ranges:?}"
    );
    assert!(
        ranges
            .iter()
            .any(|(t, r)| t.contains("/flaky/big/app.log.1.gz") && r == "bytes=60001-"),
        "{ranges:?}"
    );
    let failed = notes(&report, "failed");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, "s3://flaky/never/app.log");
    let b = bucket(&report, "flaky");
    assert_eq!(count(b, "objects_scanned"), 3, "{b}");
    assert_eq!(count(b, "objects_failed"), 1, "{b}");
    assert_eq!(
        count(b, "bytes_scanned"),
        (big_bytes.len() + gz.bytes().len() + ok.bytes().len()) as u64,
        "{b}"
    );
    assert_counts_add_up(&report);
}

/// GLACIER and DEEP_ARCHIVE objects that are not restored are skipped with a reason; a
/// restored one and other storage classes are scanned.
#[test]
fn archived_objects_are_skipped_unless_restored() {
    let moto = Moto::start();
    let mut g = Gen::new(0x530D);
    moto.create_bucket("cold");
    let glacier = small_log(&mut g, 5);
    moto.put_archived(
        "cold",
        "glacier.log",
        &glacier.bytes(),
        StorageClass::Glacier,
    );
    let deep = small_log(&mut g, 5);
    moto.put_archived("cold", "deep.log", &deep.bytes(), StorageClass::DeepArchive);
    let restored = small_log(&mut g, 5);
    moto.put_archived(
        "cold",
        "restored.log",
        &restored.bytes(),
        StorageClass::Glacier,
    );
    moto.restore("cold", "restored.log");
    let ia = small_log(&mut g, 5);
    moto.put_archived("cold", "ia.log", &ia.bytes(), StorageClass::StandardIa);

    let report = report_of(&scan(&moto.endpoint(), &["s3://cold"], &[], None), 1);
    let mut want = restored.planted_at("restored.log");
    want.extend(ia.planted_at("ia.log"));
    assert_eq!(locations(&report), expected(&want, "s3://cold/"));
    let skipped = notes(&report, "skipped");
    let paths: BTreeSet<&str> = skipped.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        paths,
        BTreeSet::from(["s3://cold/deep.log", "s3://cold/glacier.log"]),
        "{skipped:?}"
    );
    for (p, reason) in &skipped {
        let r = reason.to_ascii_uppercase().replace([' ', '_'], "");
        assert!(
            r.contains("GLACIER") || r.contains("DEEPARCHIVE"),
            "{p}: {reason}"
        );
    }
    let b = bucket(&report, "cold");
    assert_eq!(count(b, "objects_listed"), 4, "{b}");
    assert_eq!(count(b, "objects_skipped"), 2, "{b}");
    assert_eq!(count(b, "objects_failed"), 0, "{b}");
    assert_counts_add_up(&report);
}

/// --s3-timeout bounds one object: an object whose GetObject is never answered fails with
/// a reason, the other objects are scanned. (No timing is asserted; the bound only keeps
/// the stalled object from hanging the scan.)
#[test]
fn stalled_object_fails_after_s3_timeout_and_the_scan_goes_on() {
    let moto = Moto::start();
    let mut g = Gen::new(0x530E);
    moto.create_bucket("slow");
    let mut want = Vec::new();
    for key in ["a.log", "b.log", "c/d.log"] {
        let t = small_log(&mut g, 5);
        moto.put("slow", key, &t.bytes());
        want.extend(t.planted_at(key));
    }
    let stuck = small_log(&mut g, 5);
    moto.put("slow", "stuck/app.log", &stuck.bytes());
    let proxy = ThrottleProxy::with_faults(
        moto.port,
        Faults {
            stall: vec!["/slow/stuck/app.log".into()],
            ..Faults::default()
        },
    );
    let run = scan(
        &proxy.endpoint(),
        &["s3://slow"],
        &["--s3-timeout", "8"],
        None,
    );
    let report = report_of(&run, 1);
    assert_eq!(locations(&report), expected(&want, "s3://slow/"));
    assert!(!proxy.stalled().is_empty());
    let failed = notes(&report, "failed");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, "s3://slow/stuck/app.log");
    let b = bucket(&report, "slow");
    assert_eq!(count(b, "objects_scanned"), 3, "{b}");
    assert_eq!(count(b, "objects_failed"), 1, "{b}");
    assert_counts_add_up(&report);
}

/// Three buckets; a user "hub" whose keys may only assume two roles, each allowed to list
/// every bucket (ListAllMyBuckets) and to read one of them; auth enforced.
struct RoleSetup {
    moto: Moto,
    creds: Creds,
    role_a: String,
    role_b: String,
    /// What the two roles may read: team-a-logs and team-b-logs.
    readable: BTreeSet<(String, String, String, u64)>,
}

fn role_setup(seed: u64) -> RoleSetup {
    let moto = Moto::start();
    let mut g = Gen::new(seed);
    let mut planted = BTreeMap::new();
    for b in ["team-a-logs", "team-b-logs", "other-logs"] {
        moto.create_bucket(b);
        let t = small_log(&mut g, 6);
        moto.put(b, "app.log", &t.bytes());
        planted.insert(b, expected(&t.planted_at("app.log"), &format!("s3://{b}/")));
    }
    let hub_policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]
    })
    .to_string();
    let (key, secret) = moto.create_user("hub", &hub_policy);
    let reader = |bucket: &str| {
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:*", "Resource": [
                    format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")
                ]}
            ]
        })
        .to_string()
    };
    let role_a = moto.create_role("reader-a", "hub", &reader("team-a-logs"));
    let role_b = moto.create_role("reader-b", "hub", &reader("team-b-logs"));
    moto.enforce_auth();
    let readable = planted["team-a-logs"]
        .union(&planted["team-b-logs"])
        .cloned()
        .collect();
    RoleSetup {
        moto,
        creds: Creds { key, secret },
        role_a,
        role_b,
        readable,
    }
}

/// --role-arn (repeatable) with named buckets: each role is assumed through STS (at the same
/// endpoint: moto serves STS and IAM too) and each bucket is read by a role that may read
/// it. The user's own keys read nothing.
#[test]
fn role_arns_read_named_buckets_each_role_may_read() {
    let r = role_setup(0x530F);
    let endpoint = r.moto.endpoint();

    let run = scan(&endpoint, &["s3://team-a-logs"], &[], Some(&r.creds));
    let report = report_of(&run, 3);
    assert!(locations(&report).is_empty());
    assert_eq!(notes(&report, "failed").len(), 1, "{}", report["summary"]);
    assert_eq!(
        report["summary"]["targets_failed"],
        json!(["s3://team-a-logs"])
    );

    let run = scan(
        &endpoint,
        &["s3://team-a-logs", "s3://team-b-logs", "s3://other-logs"],
        &["--role-arn", &r.role_a, "--role-arn", &r.role_b],
        Some(&r.creds),
    );
    let report = report_of(&run, 1);
    assert_eq!(locations(&report), r.readable, "{}", report["summary"]);
    let failed = notes(&report, "failed");
    assert!(
        failed.len() == 1 && failed[0].0 == "s3://other-logs",
        "{failed:?}"
    );
    assert_eq!(
        report["summary"]["targets_failed"],
        json!(["s3://other-logs"])
    );
}

/// --role-arn with --all-buckets: both roles list all three buckets (ListBuckets shows the
/// account's buckets); each bucket must be read by a role that may read it, as with named
/// buckets, and only the bucket neither may read fails.
#[test]
fn role_arns_with_all_buckets_read_what_each_role_may_read() {
    let r = role_setup(0x5315);
    let run = scan(
        &r.moto.endpoint(),
        &[],
        &[
            "--all-buckets",
            "--role-arn",
            &r.role_a,
            "--role-arn",
            &r.role_b,
        ],
        Some(&r.creds),
    );
    let report = report_of(&run, 1);
    assert_eq!(locations(&report), r.readable, "{}", report["summary"]);
    let failed = notes(&report, "failed");
    assert!(
        failed.len() == 1 && failed[0].0 == "s3://other-logs",
        "{failed:?}"
    );
    // A bucket not named failing leaves --all-buckets complete.
    assert_eq!(report["summary"]["targets_failed"], json!([]));

    // The user's own keys may not ListBuckets: nothing of --all-buckets could be read.
    let run = scan(&r.moto.endpoint(), &[], &["--all-buckets"], Some(&r.creds));
    let report = report_of(&run, 3);
    assert_eq!(
        report["summary"]["targets_failed"],
        json!(["--all-buckets"])
    );
    let failed = notes(&report, "failed");
    assert!(failed.len() == 1 && failed[0].0 == "s3://", "{failed:?}");
}

/// The request heads the proxy forwarded for `bucket`'s ListObjectsV2 and GetObject calls.
fn bucket_requests(proxy: &ThrottleProxy, bucket: &str) -> (Vec<String>, Vec<String>) {
    let heads = proxy.heads();
    let list = heads
        .iter()
        .filter(|h| {
            (h.starts_with(&format!("GET /{bucket}?"))
                || h.starts_with(&format!("GET /{bucket}/?")))
                && h.lines().next().unwrap_or_default().contains("list-type=2")
        })
        .cloned()
        .collect();
    let get = heads
        .iter()
        .filter(|h| {
            h.starts_with(&format!("GET /{bucket}/"))
                && h.lines()
                    .next()
                    .unwrap_or_default()
                    .contains("x-id=GetObject")
        })
        .cloned()
        .collect();
    (list, get)
}

fn has_header(head: &str, name: &str, value: &str) -> bool {
    head.lines().any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case(name) && v.trim().eq_ignore_ascii_case(value)
        })
    })
}

/// --request-payer sends `x-amz-request-payer: requester` with the listing and every
/// GetObject (moto does not enforce requester-pays buckets: the proxy sees the headers).
#[test]
fn request_payer_is_sent_with_listing_and_downloads() {
    let moto = Moto::start();
    let mut g = Gen::new(0x5310);
    moto.create_bucket("payer");
    let mut want = Vec::new();
    for key in ["x/1.log", "x/2.log", "y.log"] {
        let t = small_log(&mut g, 4);
        moto.put("payer", key, &t.bytes());
        want.extend(t.planted_at(key));
    }

    let proxy = ThrottleProxy::start(moto.port, 0, 0);
    let run = scan(
        &proxy.endpoint(),
        &["s3://payer"],
        &["--request-payer"],
        None,
    );
    let report = report_of(&run, 1);
    assert_eq!(locations(&report), expected(&want, "s3://payer/"));
    let (list, get) = bucket_requests(&proxy, "payer");
    assert!(
        !list.is_empty(),
        "no ListObjectsV2 seen: {:#?}",
        proxy.heads()
    );
    assert_eq!(get.len(), 3, "{get:#?}");
    for h in list.iter().chain(&get) {
        assert!(has_header(h, "x-amz-request-payer", "requester"), "{h}");
    }
    drop(proxy);

    // Not without the flag.
    let proxy = ThrottleProxy::start(moto.port, 0, 0);
    report_of(&scan(&proxy.endpoint(), &["s3://payer"], &[], None), 1);
    let (list, get) = bucket_requests(&proxy, "payer");
    assert!(!list.is_empty() && get.len() == 3);
    for h in list.iter().chain(&get) {
        assert!(
            !h.to_ascii_lowercase().contains("x-amz-request-payer"),
            "{h}"
        );
    }
}

/// Each bucket's region is resolved and used: the summary names it and the requests for a
/// bucket in eu-west-1 are signed for eu-west-1 even though the scan runs with us-east-1.
#[test]
fn bucket_region_is_resolved_and_used_for_signing() {
    let moto = Moto::start();
    let mut g = Gen::new(0x5311);
    moto.create_bucket("home-logs");
    moto.create_bucket_in("eu-logs", "eu-west-1");
    let home = small_log(&mut g, 4);
    moto.put("home-logs", "a.log", &home.bytes());
    let eu = small_log(&mut g, 4);
    moto.put("eu-logs", "b.log", &eu.bytes());

    let proxy = ThrottleProxy::start(moto.port, 0, 0);
    let run = scan(
        &proxy.endpoint(),
        &["s3://home-logs", "s3://eu-logs"],
        &["--region", "us-east-1"],
        None,
    );
    let report = report_of(&run, 1);
    let mut want = expected(&home.planted_at("a.log"), "s3://home-logs/");
    want.extend(expected(&eu.planted_at("b.log"), "s3://eu-logs/"));
    assert_eq!(locations(&report), want);
    assert_eq!(bucket(&report, "eu-logs")["region"], "eu-west-1");
    assert_eq!(bucket(&report, "home-logs")["region"], "us-east-1");

    let scope = |region: &str| format!("/{region}/s3/aws4_request");
    let (list, get) = bucket_requests(&proxy, "eu-logs");
    assert!(!list.is_empty() && get.len() == 1, "{:#?}", proxy.heads());
    for h in list.iter().chain(&get) {
        assert!(
            h.contains(&scope("eu-west-1")),
            "not signed for eu-west-1: {h}"
        );
    }
    let (list, get) = bucket_requests(&proxy, "home-logs");
    assert!(!list.is_empty() && get.len() == 1);
    for h in list.iter().chain(&get) {
        assert!(
            h.contains(&scope("us-east-1")),
            "not signed for us-east-1: {h}"
        );
    }
}

/// Memory stays bounded whatever the object size: a 256 MB object is streamed, not
/// buffered. leakhound's peak RSS (measured by a getrusage wrapper) must stay under half the
/// object's size (it is ~35 MB); the secrets at its start and end are found at their lines.
#[test]
fn a_large_object_is_streamed_not_buffered() {
    let moto = Moto::start();
    let mut g = Gen::new(0x5312);
    moto.create_bucket("huge");
    // One ~1 MB block of noise, repeated: cheap to build.
    let mut block = LogText::new();
    block.noise(&mut g, 7_000);
    let block = block.bytes();
    let block_lines = block.iter().filter(|&&b| b == b'\n').count() as u64;
    let repeats = 256_000_000 / block.len() + 1;
    let mut head = LogText::new();
    head.jsessionid(&mut g);
    let mut tail = LogText::new();
    tail.bearer(&mut g);
    let mut body = head.bytes();
    for _ in 0..repeats {
        body.extend_from_slice(&block);
    }
    body.extend_from_slice(&tail.bytes());
    let size = body.len() as u64;
    moto.put("huge", "big/huge.log", &body);
    drop(body);

    let (run, peak_kb) =
        leakhound_scan_peak_rss(&["s3://huge", "--endpoint-url", &moto.endpoint()], None);
    let report = report_of(&run, 1);
    let tail_line = 1 + block_lines * repeats as u64 + 1;
    let want = BTreeSet::from([
        (
            "jsessionid-cookie".to_string(),
            head.planted[0].1.clone(),
            "s3://huge/big/huge.log".to_string(),
            1,
        ),
        (
            "authorization-bearer".to_string(),
            tail.planted[0].1.clone(),
            "s3://huge/big/huge.log".to_string(),
            tail_line,
        ),
    ]);
    assert_eq!(locations(&report), want);
    assert_eq!(count(bucket(&report, "huge"), "bytes_scanned"), size);
    let peak_mb = peak_kb / 1024;
    assert!(
        peak_mb < size / 2_000_000,
        "leakhound peaked at {peak_mb} MB scanning a {} MB object",
        size / 1_000_000
    );
}
