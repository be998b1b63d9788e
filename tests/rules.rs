//! The rule pack: every example found, every negative example not, and the discipline
//! (3 examples, 3 negatives, remediation) holds for every built-in rule.

mod common;

use std::fs;

use common::leakhound;

#[test]
fn builtin_rules_check_passes() {
    let out = leakhound().args(["rules", "check"]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains("FAIL"), "{text}");
}

#[test]
fn builtin_rules_carry_examples_and_remediation() {
    let out = leakhound()
        .args(["rules", "list", "--format", "json"])
        .output()
        .expect("run");
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rules = rules.as_array().expect("array");
    assert!(rules.len() >= 40, "only {} rules", rules.len());
    for r in rules {
        let id = r["id"].as_str().unwrap_or("?");
        let n = |k: &str| r[k].as_array().map_or(0, Vec::len);
        assert!(n("examples") >= 3, "{id}: fewer than 3 examples");
        assert!(
            n("negative_examples") >= 3,
            "{id}: fewer than 3 negative examples"
        );
        assert!(n("keywords") >= 1, "{id}: no keyword");
        assert!(
            r["remediation"].as_str().is_some_and(|s| s.len() > 20),
            "{id}: no remediation"
        );
        if matches!(
            r["category"].as_str(),
            Some("session-cookie" | "session-url")
        ) {
            assert!(
                r["framework"].as_str().is_some_and(|f| !f.is_empty()),
                "{id}: a session rule names its framework"
            );
        }
        for k in r["keywords"].as_array().into_iter().flatten() {
            assert!(
                k.as_str().is_some_and(|k| k.len() >= 3),
                "{id}: keyword {k} is too short for a selective prefilter"
            );
        }
    }
    // Every kind the pack promises has a rule.
    let text = serde_json::to_string(rules).expect("json").to_lowercase();
    for needle in [
        "jsessionid",
        "phpsessid",
        "asp.net_sessionid",
        ".aspnetcore.session",
        "connect.sid",
        "laravel_session",
        "sessionid",
        "ci_session",
        "rack.session",
        "_session_id",
        "_gitlab_session",
        "bearer",
        "basic",
        "proxy-authorization",
        "x-auth-token",
        "x-api-key",
        "access_token",
        "refresh_token",
        "id_token",
        "akia",
        "aws_session_token",
        "x-amz-security-token",
        "sig=",
        "ya29.",
        "aiza",
        "ghp_",
        "github_pat_",
        "glpat-",
        "xox",
        "private key",
    ] {
        assert!(text.contains(needle), "no rule mentions {needle}");
    }
}

#[test]
fn user_rules_are_checked_and_can_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = r#"
[[rule]]
id = "acme-session"
name = "ACME session cookie"
description = "ACME portal session."
category = "session-cookie"
severity = "high"
keywords = ["acme_sid="]
regex = '''(?i)\bacme_sid=(?P<secret>[A-Za-z0-9]{32})'''
examples = [
  { text = "Cookie: acme_sid=Q2x9vR4mT7pL1sW8nK3bY6cF0hJ5dG2a", secret = "Q2x9vR4mT7pL1sW8nK3bY6cF0hJ5dG2a" },
  { text = "acme_sid=Zq8xW2mK9pL4vN7rT1yB6cD3fG5hJ0sA; path=/", secret = "Zq8xW2mK9pL4vN7rT1yB6cD3fG5hJ0sA" },
  { text = "x acme_sid=Hh3kL9pQ2wE5rT8yU1iO4pA7sD0fG6jK", secret = "Hh3kL9pQ2wE5rT8yU1iO4pA7sD0fG6jK" },
]
negative_examples = ["acme_sid=deleted", "acme_sid=", "acme_sid=short"]
remediation = "Log out the session and stop logging the cookie."
"#;
    fs::write(dir.path().join("good.toml"), good).expect("write");
    let out = leakhound()
        .args(["rules", "check", "--no-builtin-rules", "--rules"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // An example that the rule does not find, and a negative that it does.
    let bad = good
        .replace("id = \"acme-session\"", "id = \"acme-broken\"")
        .replace(
            "secret = \"Q2x9vR4mT7pL1sW8nK3bY6cF0hJ5dG2a\"",
            "secret = \"nope\"",
        )
        .replace(
            "\"acme_sid=short\"",
            "\"acme_sid=Pp0oI9uY8tR7eW6qA5sD4fG3hJ2kL1zX\"",
        );
    fs::write(dir.path().join("bad.toml"), bad).expect("write");
    let out = leakhound()
        .args(["rules", "check", "--no-builtin-rules", "--rules"])
        .arg(dir.path().join("bad.toml"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("example 1 not found"), "{text}");
    assert!(text.contains("negative example 3 matched"), "{text}");

    // Custom rules take part in a scan.
    let logs = tempfile::tempdir().expect("tempdir");
    fs::write(
        logs.path().join("a.log"),
        "GET / Cookie: acme_sid=Q2x9vR4mT7pL1sW8nK3bY6cF0hJ5dG2a\n",
    )
    .expect("write");
    let out = leakhound()
        .args(["scan", "--no-progress", "--format", "json", "--rules"])
        .arg(dir.path().join("good.toml"))
        .arg(logs.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["findings"][0]["rule_id"], "acme-session");
}

#[test]
fn broken_rule_files_are_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        ("syntax.toml", "[[rule]\nid = ", "rule file"),
        (
            "nogroup.toml",
            "[[rule]]\nid='x'\nname='x'\ndescription='x'\ncategory='x'\nseverity='low'\nkeywords=['abc']\nregex='abc'\nexamples=[]\nremediation='x'\n",
            "secret",
        ),
        (
            "severity.toml",
            "[[rule]]\nid='x'\nname='x'\ndescription='x'\ncategory='x'\nseverity='urgent'\nkeywords=['abc']\nregex='(?P<secret>abc)'\nexamples=[]\nremediation='x'\n",
            "severity",
        ),
    ];
    for (name, text, expect) in cases {
        let path = dir.path().join(name);
        fs::write(&path, text).expect("write");
        let out = leakhound()
            .args(["rules", "check", "--rules"])
            .arg(&path)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}
