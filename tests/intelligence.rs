//! Token intelligence: JWT state and severity with a fixed clock, cookie hygiene, and the
//! CI tools (baseline, inline allow marker, `.leakhound.toml`).

mod common;

use std::fs;

use common::{Gen, found, leakhound, scan, scan_json};

const NOW: &str = "2026-11-28T00:00:00Z";
const NOW_UNIX: i64 = 1_795_824_000;

fn finding<'a>(report: &'a serde_json::Value, secret: &str) -> &'a serde_json::Value {
    report["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["secret"] == secret))
        .unwrap_or_else(|| panic!("{secret} not found in {report}"))
}

#[test]
fn jwt_state_and_severity_follow_the_clock() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut g = Gen::new(42);
    let live = g.jwt(
        r#"{"alg":"HS256","typ":"JWT","kid":"key-2026"}"#,
        &format!(
            r#"{{"sub":"1bfee8d8","email":"divine@example.org","role":"ADMIN","iss":"https://login.example.org","aud":"shop","iat":{},"exp":{}}}"#,
            NOW_UNIX - 600,
            NOW_UNIX + 3000
        ),
        true,
    );
    let expired = g.jwt(
        r#"{"alg":"RS256","typ":"JWT"}"#,
        r#"{"sub":"42","iat":1700000000,"exp":1700003600}"#,
        true,
    );
    let unsigned = g.jwt(
        r#"{"alg":"none","typ":"JWT"}"#,
        r#"{"sub":"admin","scope":"admin"}"#,
        false,
    );
    let long_lived = g.jwt(
        r#"{"alg":"ES256"}"#,
        &format!(
            r#"{{"sub":"7","iat":{},"exp":{}}}"#,
            NOW_UNIX - 60,
            NOW_UNIX + 30 * 86_400
        ),
        true,
    );
    fs::write(
        dir.path().join("app.log"),
        format!(
            "{{\"msg\":\"auth\",\"headers\":{{\"authorization\":\"Bearer {live}\"}}}}\n\
             2026-11-27 10:00:00 DEBUG token={expired}\n\
             GET /api?jwt={unsigned} HTTP/1.1\n\
             {{\"id_token\":\"{long_lived}\"}}\n"
        ),
    )
    .expect("write");

    let report = scan_json(dir.path(), &["--now", NOW]);
    let f = finding(&report, &live);
    assert_eq!(f["severity"], "high");
    let a = &f["analysis"];
    assert_eq!(a["state"], "live");
    assert_eq!(a["alg"], "HS256");
    assert_eq!(a["typ"], "JWT");
    assert_eq!(a["exp"], NOW_UNIX + 3000);
    assert_eq!(a["lifetime_seconds"], 3600);
    assert_eq!(a["sensitive_claims"], serde_json::json!(["email", "role"]));
    assert_eq!(
        a["iss"], "https://login.example.org",
        "raw with --show-secrets"
    );

    let f = finding(&report, &expired);
    assert_eq!(f["analysis"]["state"], "expired");
    assert_eq!(f["severity"], "low");
    assert!(
        f["notes"]
            .to_string()
            .contains("expired 2023-11-14T23:13:20Z"),
        "{f}"
    );

    let f = finding(&report, &unsigned);
    assert_eq!(f["analysis"]["state"], "no-expiry");
    assert_eq!(f["severity"], "critical");

    let f = finding(&report, &long_lived);
    assert_eq!(f["analysis"]["state"], "live");
    assert!(f["notes"].to_string().contains("long-lived token"), "{f}");

    // Later, the live token has expired: the verdict follows --now.
    let report = scan_json(dir.path(), &["--now", "2027-01-01T00:00:00Z"]);
    assert_eq!(finding(&report, &live)["analysis"]["state"], "expired");
    assert_eq!(finding(&report, &live)["severity"], "low");

    // Claim values are masked without --show-secrets; claim names are not.
    let (_, out) = scan(&[
        &dir.path().to_string_lossy(),
        "--format",
        "json",
        "--now",
        NOW,
    ]);
    assert!(!out.contains("login.example.org"), "iss leaked");
    assert!(!out.contains("key-2026"), "kid leaked");
    assert!(out.contains("\"email\""));
    let bad = leakhound()
        .args(["scan", "--now", "yesterday"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn weak_set_cookie_lines_are_flagged_and_good_ones_are_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut g = Gen::new(7);
    let weak = g.hex_upper(32);
    let good = g.hex_upper(32);
    let long = g.lower_alnum(26);
    fs::write(
        dir.path().join("headers.log"),
        format!(
            "< Set-Cookie: JSESSIONID={weak}; Path=/\n\
             < Set-Cookie: JSESSIONID={good}; Path=/; Secure; HttpOnly; SameSite=Lax\n\
             < Set-Cookie: PHPSESSID={long}; path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=2592000\n\
             < Set-Cookie: sessionid=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/\n"
        ),
    )
    .expect("write");
    let report = scan_json(dir.path(), &["--now", NOW]);
    let weak_findings: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "weak-session-cookie")
        .collect();
    // JSESSIONID groups its weak line; PHPSESSID is flagged for its lifetime only.
    assert_eq!(weak_findings.len(), 2, "{weak_findings:#?}");
    let jsession = weak_findings
        .iter()
        .find(|f| f["secret_masked"] == "JSESSIONID")
        .expect("JSESSIONID hygiene");
    assert_eq!(jsession["severity"], "info");
    assert_eq!(jsession["occurrences"], 1);
    assert_eq!(jsession["locations"][0]["line"], 1);
    let notes = jsession["notes"].to_string();
    for missing in ["missing HttpOnly", "missing Secure", "missing SameSite"] {
        assert!(notes.contains(missing), "{notes}");
    }
    let php = weak_findings
        .iter()
        .find(|f| f["secret_masked"] == "PHPSESSID")
        .expect("PHPSESSID hygiene");
    assert_eq!(php["notes"], serde_json::json!(["lifetime 720h over 24h"]));
    // The values themselves are still session leaks, masked in the hygiene context.
    let (_, out) = scan(&[&dir.path().to_string_lossy(), "--format", "json"]);
    assert!(!out.contains(&weak) && !out.contains(&good));
}

#[test]
fn baseline_silences_the_same_findings_after_lines_move() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut g = Gen::new(99);
    let lines: Vec<String> = (0..5)
        .map(|i| {
            format!(
                "10.0.0.{i} \"GET /\" \"Cookie: JSESSIONID={}\"",
                g.hex_upper(32)
            )
        })
        .collect();
    let log = dir.path().join("logs");
    fs::create_dir(&log).expect("mkdir");
    fs::write(log.join("access.log"), lines.join("\n")).expect("write");
    let baseline = dir.path().join("baseline.json");
    let (code, _) = scan(&[
        &log.to_string_lossy(),
        "--format",
        "json",
        "--write-baseline",
        &baseline.to_string_lossy(),
    ]);
    assert_eq!(code, 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&baseline)
            .expect("baseline")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }
    // Insert lines above, and one new secret.
    let fresh = g.hex_upper(32);
    let mut moved = vec!["new header line".to_string(); 7];
    moved.extend(lines.iter().cloned());
    moved.push(format!("Cookie: JSESSIONID={fresh}"));
    fs::write(log.join("access.log"), moved.join("\n")).expect("write");
    let report = scan_json(&log, &["--baseline", &baseline.to_string_lossy()]);
    let found = found(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, fresh);
    assert_eq!(report["summary"]["suppressed_findings"], 5);

    // Without the new secret, the baseline makes a CI run pass.
    moved.pop();
    fs::write(log.join("access.log"), moved.join("\n")).expect("write");
    let (code, _) = scan(&[
        &log.to_string_lossy(),
        "--baseline",
        &baseline.to_string_lossy(),
    ]);
    assert_eq!(code, 0);

    let out = leakhound()
        .args(["scan", "--no-progress", "--baseline"])
        .arg(log.join("access.log"))
        .arg(&log)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "a log file is not a baseline");
}

#[test]
fn inline_marker_and_project_config_suppress() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mut g = Gen::new(123);
    let marked = g.hex_upper(32);
    let kept = g.hex_upper(32);
    let fixture = g.hex_upper(32);
    let by_fp = format!("ghp_{}", g.alnum(36));
    let disabled = g.lower_alnum(26);
    fs::write(
        root.join("app.log"),
        format!(
            "Cookie: JSESSIONID={marked}  # test fixture, leakhound:allow\n\
             Cookie: JSESSIONID={kept}\n\
             token {by_fp}\n\
             Cookie: PHPSESSID={disabled}\n"
        ),
    )
    .expect("write");
    fs::create_dir_all(root.join("tests/fixtures")).expect("mkdir");
    fs::write(
        root.join("tests/fixtures/sample.log"),
        format!("Cookie: JSESSIONID={fixture}\n"),
    )
    .expect("write");

    // First, find the GitHub token's fingerprint.
    let report = scan_json(root, &[]);
    assert_eq!(found(&report).len(), 4, "{:?}", found(&report));
    assert_eq!(report["summary"]["suppressed_occurrences"], 1);
    let fp = finding(&report, &by_fp)["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_string();

    fs::write(
        root.join(".leakhound.toml"),
        format!(
            "[rules]\ndisable = [\"phpsessid-cookie\", \"generic-session-cookie\"]\n\n[allow]\nfingerprints = [\"{fp}\"]\npaths = [\"tests/fixtures/**\"]\n"
        ),
    )
    .expect("write");
    let report = scan_json(root, &[]);
    let secrets: Vec<String> = found(&report).into_iter().map(|(_, s)| s).collect();
    assert_eq!(secrets, vec![kept.clone()], "{report}");
    assert_eq!(report["summary"]["suppressed_findings"], 1);
    assert_eq!(report["summary"]["suppressed_occurrences"], 2);

    // --config points elsewhere; a broken config is a clear error.
    let other = root.join("other.toml");
    fs::write(&other, "[allow]\nfingerprints = []\n").expect("write");
    let report = scan_json(root, &["--config", &other.to_string_lossy()]);
    assert_eq!(found(&report).len(), 4);
    fs::write(&other, "[allow]\nfingerprint = 3\n").expect("write");
    let out = leakhound()
        .args(["scan", "--no-progress", "--config"])
        .arg(&other)
        .arg(root)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("other.toml"));
}
