//! The binary on a log tree generated here: every planted secret is found, in every
//! format, with masks holding; hard negatives and placeholders yield nothing.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::{Gen, basic, found, leakhound, scan, scan_json};

/// A planted secret: the file it is in and the value a finding must carry.
struct Planted {
    file: &'static str,
    secret: String,
    line: u64,
}

struct Tree {
    dir: tempfile::TempDir,
    planted: Vec<Planted>,
}

fn write(dir: &Path, name: &str, lines: &[String]) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    let mut text = lines.join("\n");
    text.push('\n');
    fs::write(path, text).expect("write fixture");
}

/// Lines with one secret each, the secret's line recorded.
struct FileBuilder {
    name: &'static str,
    lines: Vec<String>,
}

impl FileBuilder {
    fn new(name: &'static str) -> Self {
        FileBuilder {
            name,
            lines: Vec::new(),
        }
    }
    fn plain(&mut self, line: String) {
        self.lines.push(line);
    }
    fn secret(&mut self, planted: &mut Vec<Planted>, line: String, secret: &str) {
        self.lines.push(line);
        planted.push(Planted {
            file: self.name,
            secret: secret.to_string(),
            line: self.lines.len() as u64,
        });
    }
}

fn build_tree() -> Tree {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut g = Gen::new(0x1ea6_4002);
    let mut planted = Vec::new();
    let ua = "\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36\"";

    // nginx access log logging $http_cookie.
    let mut f = FileBuilder::new("nginx/access.log");
    for i in 0..50 {
        let ga = format!(
            "_ga=GA1.2.{}.{}",
            1_000_000_000 + i * 7919,
            1_700_000_000 + i
        );
        f.plain(format!(
            "203.0.113.{i} - - [02/Nov/2026:10:{:02}:01 +0000] \"GET /products?page={i} HTTP/1.1\" 200 5120 \"-\" {ua} \"{ga}\"",
            i % 60
        ));
        if i == 10 {
            let s = g.hex_upper(32);
            f.secret(&mut planted, format!("203.0.113.9 - - [02/Nov/2026:10:11:01 +0000] \"GET /account HTTP/1.1\" 200 812 \"-\" {ua} \"{ga}; JSESSIONID={s}\""), &s);
        }
        if i == 20 {
            let s = g.lower_alnum(26);
            f.secret(&mut planted, format!("198.51.100.4 - - [02/Nov/2026:10:21:01 +0000] \"POST /cart.php HTTP/1.1\" 302 0 \"-\" {ua} \"PHPSESSID={s}; {ga}\""), &s);
        }
        if i == 30 {
            let s = format!("s%3A{}.{}", g.b64url(32), g.b64(43));
            f.secret(&mut planted, format!("198.51.100.7 - - [02/Nov/2026:10:31:01 +0000] \"GET /api/me HTTP/1.1\" 200 97 \"-\" {ua} \"connect.sid={s}\""), &s);
        }
    }
    write(dir.path(), f.name, &f.lines);

    // JSON application log with headers.
    let mut f = FileBuilder::new("app/app.json.log");
    let live = g.jwt(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"1bfee8d8-98b6-4314-a9ae-fb55c4c48845","email":"divine@example.org","role":"ADMIN","iat":1790000000,"exp":1990000000}"#,
        true,
    );
    for i in 0..40 {
        f.plain(format!(
            r#"{{"ts":"2026-11-02T10:15:{:02}.123Z","level":"info","msg":"request completed","traceId":"{}","spanId":"{}","requestId":"{}","durationMs":{}}}"#,
            i % 60,
            g.hex(32),
            g.hex(16),
            g.uuid(),
            i * 3
        ));
        if i == 5 {
            f.secret(&mut planted, format!(r#"{{"ts":"2026-11-02T10:15:05.999Z","level":"debug","msg":"incoming","req":{{"method":"GET","url":"/api/orders","headers":{{"host":"shop.example.org","authorization":"Bearer {live}","accept":"application/json"}}}}}}"#), &live);
        }
        if i == 15 {
            let s = g.alnum(40);
            f.secret(&mut planted, format!(r#"{{"ts":"2026-11-02T10:15:15.001Z","level":"debug","msg":"token response","body":{{"access_token":"short","token_type":"Bearer","expires_in":3600,"refresh_token":"{s}"}}}}"#), &s);
        }
        if i == 25 {
            let s = g.alnum(32);
            f.secret(&mut planted, format!(r#"{{"ts":"2026-11-02T10:15:25.001Z","level":"debug","msg":"outbound","headers":{{"X-Api-Key":"{s}","User-Agent":"okhttp/4.12.0"}}}}"#), &s);
        }
    }
    write(dir.path(), f.name, &f.lines);

    // curl -v output with Basic credentials.
    let mut f = FileBuilder::new("ci/deploy-debug.txt");
    let b = basic("deploy", &format!("{}!{}", g.alnum(10), g.alnum(6)));
    f.plain("*   Trying 192.0.2.10:443...".into());
    f.plain("* Connected to artifacts.example.org (192.0.2.10) port 443".into());
    f.plain("> GET /repository/releases/app-1.4.2.jar HTTP/1.1".into());
    f.plain("> Host: artifacts.example.org".into());
    f.secret(&mut planted, format!("> Authorization: Basic {b}"), &b);
    f.plain("> User-Agent: curl/8.5.0".into());
    f.plain("< HTTP/1.1 200 OK".into());
    let gh = format!("ghp_{}", g.alnum(36));
    f.secret(
        &mut planted,
        format!("+ git clone https://x-access-token:{gh}@github.com/example/app.git"),
        &gh,
    );
    write(dir.path(), f.name, &f.lines);

    // Tomcat access log with URL rewriting.
    let mut f = FileBuilder::new("tomcat/localhost_access_log.2026-11-02.txt");
    for i in 0..30 {
        f.plain(format!(
            "192.0.2.{i} - - [02/Nov/2026:09:00:{:02} +0000] \"GET /shop/item.do?id={i} HTTP/1.1\" 200 {}",
            i % 60,
            1000 + i
        ));
        if i == 12 {
            let s = g.hex_upper(32);
            f.secret(&mut planted, format!("192.0.2.77 - - [02/Nov/2026:09:00:13 +0000] \"GET /shop/cart.do;jsessionid={s} HTTP/1.1\" 200 2326"), &s);
        }
    }
    write(dir.path(), f.name, &f.lines);

    // Credentials in a config dump and environment.
    let mut f = FileBuilder::new("support/env-dump.txt");
    let akia = format!("AKIA{}", g.upper_alnum(16));
    f.secret(&mut planted, format!("AWS_ACCESS_KEY_ID={akia}"), &akia);
    let aws_secret = g.b64(40);
    f.secret(
        &mut planted,
        format!("AWS_SECRET_ACCESS_KEY={aws_secret}"),
        &aws_secret,
    );
    let glpat = format!("glpat-{}", g.b64url(20));
    f.secret(
        &mut planted,
        format!("CI_JOB_TOKEN_OVERRIDE={glpat}"),
        &glpat,
    );
    let slack = format!(
        "xoxb-{}-{}-{}",
        1_000_000_000 + g.next() % 1_000_000_000,
        1_000_000_000 + g.next() % 1_000_000_000,
        g.alnum(24)
    );
    f.secret(&mut planted, format!("SLACK_BOT_TOKEN={slack}"), &slack);
    let db_pw = format!("{}{}", g.alnum(14), "-9");
    f.secret(
        &mut planted,
        format!("DATABASE_URL=postgres://app:{db_pw}@db.internal.example:5432/app"),
        &db_pw,
    );
    f.plain("HOME=/home/app".into());
    write(dir.path(), f.name, &f.lines);

    // A PEM private key logged in a JSON string with \n escapes.
    let mut f = FileBuilder::new("app/keys.log");
    let body: Vec<String> = (0..6).map(|_| g.b64(64)).collect();
    let pem = format!(
        "-----BEGIN RSA PRIVATE KEY-----\\n{}\\n-----END RSA PRIVATE KEY-----",
        body.join("\\n")
    );
    f.plain(r#"{"level":"info","msg":"starting"}"#.into());
    f.secret(
        &mut planted,
        format!(r#"{{"level":"debug","msg":"loaded signing key","key":"{pem}"}}"#),
        &pem,
    );
    write(dir.path(), f.name, &f.lines);

    Tree { dir, planted }
}

/// Look-alikes and placeholders that must yield nothing.
fn hard_negatives(dir: &Path) {
    let mut g = Gen::new(77);
    let mut lines = vec![
        "Authorization: Bearer <token>".to_string(),
        "Authorization: Bearer ${ACCESS_TOKEN}".into(),
        "Authorization: Bearer {{ token }}".into(),
        "Authorization: Basic [REDACTED]".into(),
        r#"{"headers":{"authorization":"[FILTERED]","cookie":"[FILTERED]"}}"#.into(),
        "Cookie: JSESSIONID=deleted".into(),
        "Set-Cookie: PHPSESSID=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/".into(),
        "curl -H 'Authorization: Bearer ...' https://api.example.org/v1/me".into(),
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE".into(),
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
        "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app".into(),
        "redis://:xxxxxxxx@cache:6379/0".into(),
        r#"{"sessionid":null,"access_token":"","refresh_token":null}"#.into(),
        "the client must send an Authorization: Bearer header with its access token".into(),
        "-----BEGIN PUBLIC KEY-----".into(),
    ];
    for _ in 0..20 {
        lines.push(format!(
            "Cookie: csrftoken={}; _ga=GA1.2.{}.{}; _gid=GA1.2.{}.{}; AWSALB={}; XSRF-TOKEN={}; _csrf={}",
            g.alnum(64),
            g.next() % 1_000_000_000,
            1_700_000_000 + g.next() % 1_000_000,
            g.next() % 1_000_000_000,
            1_700_000_000 + g.next() % 1_000_000,
            g.b64(120),
            g.b64url(40),
            g.b64url(24),
        ));
        lines.push(format!(
            r#"{{"traceId":"{}","spanId":"{}","requestId":"{}","x-request-id":"{}","sha256":"{}","etag":"\"{}\""}}"#,
            g.hex(32),
            g.hex(16),
            g.uuid(),
            g.uuid(),
            g.hex(64),
            g.hex(40)
        ));
        lines.push(format!(
            r#"{{"avatar":"data:image/png;base64,iVBORw0KGgo{}","commit":"{}"}}"#,
            g.b64(200),
            g.hex(40)
        ));
        lines.push(format!(
            "GET /search?q=shoes&sid=1&session_id=&page=2 HTTP/1.1 X-Amzn-Trace-Id: Root=1-{}-{}",
            g.hex(8),
            g.hex(24)
        ));
    }
    write(dir, "negatives/lookalikes.log", &lines);
}

#[test]
fn every_planted_secret_is_found_and_nothing_else() {
    let tree = build_tree();
    hard_negatives(tree.dir.path());
    let report = scan_json(tree.dir.path(), &[]);
    let found = found(&report);
    let found_secrets: BTreeSet<&str> = found.iter().map(|(_, s)| s.as_str()).collect();
    let planted: BTreeSet<&str> = tree.planted.iter().map(|p| p.secret.as_str()).collect();
    let missing: Vec<&&str> = planted.difference(&found_secrets).collect();
    let extra: Vec<&(String, String)> = found
        .iter()
        .filter(|(_, s)| !planted.contains(s.as_str()))
        .collect();
    assert!(missing.is_empty(), "missing: {missing:?}\nfound: {found:?}");
    assert!(extra.is_empty(), "unexpected findings: {extra:?}");
    // One finding per secret, at the planted line.
    assert_eq!(found.len(), planted.len(), "{found:?}");
    for p in &tree.planted {
        let finding = report["findings"]
            .as_array()
            .and_then(|a| a.iter().find(|f| f["secret"] == p.secret.as_str()))
            .expect("finding");
        let loc = &finding["locations"][0];
        assert!(
            loc["path"].as_str().is_some_and(|s| s.ends_with(p.file)),
            "{loc}"
        );
        assert_eq!(loc["line"], p.line, "line of {} in {}", p.secret, p.file);
    }
}

#[test]
fn masks_hold_in_every_format() {
    let tree = build_tree();
    let root = tree.dir.path().to_string_lossy().into_owned();
    for format in ["human", "json", "jsonl", "sarif"] {
        let (code, out) = scan(&[&root, "--format", format, "--no-color"]);
        assert_eq!(code, 1, "{format}");
        for p in &tree.planted {
            assert!(
                !out.contains(&p.secret),
                "{format} report leaks {}",
                p.secret
            );
            // Nor any long piece of it.
            let piece: String = p.secret.chars().skip(2).take(12).collect();
            assert!(!out.contains(&piece), "{format} report leaks {piece}");
        }
    }
    let (_, out) = scan(&[&root, "--format", "json", "--show-secrets"]);
    for p in &tree.planted {
        assert!(
            out.contains(&p.secret.replace('\\', "\\\\")),
            "{}",
            p.secret
        );
    }
}

#[test]
fn every_format_parses() {
    let tree = build_tree();
    let root = tree.dir.path().to_string_lossy().into_owned();
    let n = tree.planted.len();

    let (_, json) = scan(&[&root, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(n));
    assert_eq!(doc["summary"]["findings"], n as u64);
    for f in doc["findings"].as_array().into_iter().flatten() {
        for key in [
            "rule_id",
            "rule_name",
            "category",
            "severity",
            "secret_masked",
            "fingerprint",
            "occurrences",
            "locations",
            "context",
            "remediation",
        ] {
            assert!(!f[key].is_null(), "finding lacks {key}: {f}");
        }
        assert!(
            f.get("secret").is_none(),
            "raw secret without --show-secrets"
        );
        assert_eq!(f["fingerprint"].as_str().map(str::len), Some(64));
        for key in ["path", "line", "column", "offset"] {
            assert!(!f["locations"][0][key].is_null(), "location lacks {key}");
        }
    }

    let (_, jsonl) = scan(&[&root, "--format", "jsonl"]);
    let lines: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl line"))
        .collect();
    assert_eq!(lines.len(), n + 1);
    assert!(lines[..n].iter().all(|l| l["type"] == "finding"));
    assert_eq!(lines[n]["type"], "summary");

    let (_, sarif) = scan(&[&root, "--format", "sarif"]);
    let doc: serde_json::Value = serde_json::from_str(&sarif).expect("sarif");
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), n);
    for r in results {
        let id = r["ruleId"].as_str().expect("ruleId");
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules.get(index), Some(&id));
        assert!(r["partialFingerprints"]["leakhound/v1"].is_string());
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().is_some_and(|l| l >= 1));
    }

    let (_, human) = scan(&[&root, "--no-color"]);
    assert!(
        human.contains("HIGH") && human.contains("CRITICAL"),
        "{human}"
    );
    assert!(!human.contains('\x1b'), "colour with --no-color");
}

#[test]
fn exit_codes_follow_fail_on() {
    let tree = build_tree();
    let root = tree.dir.path().to_string_lossy().into_owned();
    assert_eq!(scan(&[&root, "--format", "json"]).0, 1);
    assert_eq!(scan(&[&root, "--format", "json", "--fail-on", "none"]).0, 0);

    let clean = tempfile::tempdir().expect("tempdir");
    write(clean.path(), "ok.log", &["all good".to_string()]);
    let clean_root = clean.path().to_string_lossy().into_owned();
    assert_eq!(scan(&[&clean_root]).0, 0);

    // Only high findings: --fail-on critical passes.
    let high = tempfile::tempdir().expect("tempdir");
    let mut g = Gen::new(5);
    write(
        high.path(),
        "a.log",
        &[format!("Cookie: JSESSIONID={}", g.hex_upper(32))],
    );
    let high_root = high.path().to_string_lossy().into_owned();
    assert_eq!(scan(&[&high_root, "--fail-on", "critical"]).0, 0);
    assert_eq!(scan(&[&high_root, "--fail-on", "high"]).0, 1);

    for bad in [
        vec!["scan", "--fail-on", "sometimes"],
        vec!["scan", "--format", "xml"],
        vec!["scan", "--max-file-size", "lots"],
        vec!["frobnicate"],
    ] {
        let out = leakhound().args(&bad).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
    let out = leakhound()
        .args(["scan", "--rules", "/nonexistent/rules.toml", &clean_root])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/rules.toml"), "{err}");
}

#[test]
fn output_file_is_private() {
    let tree = build_tree();
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = out_dir.path().join("report.json");
    fs::write(&out, "old").expect("pre-existing file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&out, fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let root = tree.dir.path().to_string_lossy().into_owned();
    let (code, stdout) = scan(&[
        &root,
        "--format",
        "json",
        "--output",
        &out.to_string_lossy(),
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    let doc: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&out).expect("report")).expect("json");
    assert!(doc["findings"].as_array().is_some_and(|a| !a.is_empty()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&out).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn stdin_is_scanned() {
    let mut g = Gen::new(9);
    let token = format!("ghp_{}", g.alnum(36));
    let out = leakhound()
        .args(["scan", "-", "--format", "json", "--show-secrets"])
        .write_stdin(format!("line one\nexport GITHUB_TOKEN={token}\n"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["findings"][0]["secret"], token.as_str());
    assert_eq!(doc["findings"][0]["locations"][0]["line"], 2);
    assert_eq!(doc["findings"][0]["locations"][0]["path"], "(stdin)");
}

#[test]
fn repeated_secret_is_one_finding_with_counted_occurrences() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut g = Gen::new(11);
    let sid = g.hex_upper(32);
    let lines: Vec<String> = (0..500)
        .map(|i| format!("10.1.1.{} \"GET /p/{i}\" \"JSESSIONID={sid}\"", i % 200))
        .collect();
    write(dir.path(), "a.log", &lines);
    write(dir.path(), "b.log", &lines[..7]);
    let report = scan_json(dir.path(), &[]);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["occurrences"], 507);
    let locs = findings[0]["locations"].as_array().expect("locations");
    assert_eq!(locs.len(), 10);
    assert!(
        locs[0]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("a.log"))
    );
    assert_eq!(locs[0]["line"], 1);
    assert_eq!(locs[9]["line"], 10);
}

#[test]
fn long_line_with_token_at_its_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut g = Gen::new(13);
    let sid = g.hex_upper(32);
    let mut line = "x".repeat(3 << 20);
    line.push_str(&format!(" Cookie: JSESSIONID={sid}"));
    write(dir.path(), "long.log", &["first".into(), line]);
    let report = scan_json(dir.path(), &[]);
    let found = found(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, sid);
    assert_eq!(report["findings"][0]["locations"][0]["line"], 2);
    assert_eq!(
        report["findings"][0]["locations"][0]["column"],
        (3u64 << 20) + 21
    );
}

#[test]
fn invalid_utf8_does_not_stop_the_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut g = Gen::new(17);
    let sid = g.hex_upper(32);
    let mut data = vec![0xc3, 0x28, b' ', 0xa0, 0xa1, b'\n'];
    data.extend_from_slice(b"\x80\x81 bad bytes then Cookie: JSESSIONID=");
    data.extend_from_slice(sid.as_bytes());
    data.extend_from_slice(b" \xf0\x28\x8c\x28\n");
    fs::write(dir.path().join("bin.log"), data).expect("write");
    let report = scan_json(dir.path(), &[]);
    let found = found(&report);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, sid);
    assert_eq!(report["findings"][0]["locations"][0]["line"], 2);
}

#[test]
fn pem_blocks_close_together_are_each_reported_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut g = Gen::new(19);
    let mut text = String::from("2026-11-02 startup: dumping keys\n");
    let mut blocks = Vec::new();
    for kind in ["RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY"] {
        let body: Vec<String> = (0..5).map(|_| g.b64(64)).collect();
        let block = format!(
            "-----BEGIN {kind}-----\n{}\n-----END {kind}-----",
            body.join("\n")
        );
        text.push_str(&block);
        text.push_str("\nnext entry\n");
        blocks.push(block);
    }
    text.push_str("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n");
    fs::write(dir.path().join("keys.log"), text).expect("write");
    let report = scan_json(dir.path(), &[]);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 3, "{findings:#?}");
    for (i, block) in blocks.iter().enumerate() {
        let f = findings
            .iter()
            .find(|f| f["secret"] == block.as_str())
            .unwrap_or_else(|| panic!("block {i} not found"));
        assert_eq!(f["occurrences"], 1, "block {i}");
        assert_eq!(f["locations"][0]["line"], 2 + 8 * i as u64);
    }
}
