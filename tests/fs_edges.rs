//! Bad paths are normal input: each is a summary entry with a reason, and the scan goes on.

mod common;

use std::fs;

use common::{Gen, found, scan_any, scan_json};

fn note<'a>(report: &'a serde_json::Value, list: &str, suffix: &str) -> Option<&'a str> {
    report["summary"][list]
        .as_array()?
        .iter()
        .find(|n| n["path"].as_str().is_some_and(|p| p.ends_with(suffix)))
        .and_then(|n| n["reason"].as_str())
}

#[test]
fn bad_paths_are_listed_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mut g = Gen::new(3);
    let sid = g.hex_upper(32);
    fs::write(root.join("good.log"), format!("Cookie: JSESSIONID={sid}\n")).expect("write");
    fs::write(root.join("big.log"), "x".repeat(5000)).expect("write");
    fs::write(root.join("skip-me.gz"), "whatever").expect("write");
    fs::create_dir(root.join(".git")).expect("mkdir");
    fs::write(root.join(".git/config"), "[core]\n").expect("write");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("nowhere"), root.join("broken.log")).expect("link");
        std::os::unix::fs::symlink(root, root.join("loop")).expect("link");
    }
    let missing = root.join("missing.log");
    let report = scan_json(
        root,
        &[
            &missing.to_string_lossy(),
            "--exclude",
            "*.gz",
            "--max-file-size",
            "4K",
        ],
    );
    assert_eq!(found(&report).len(), 1);
    assert!(note(&report, "skipped", "skip-me.gz").is_some_and(|r| r.contains("--exclude")));
    assert!(note(&report, "skipped", "big.log").is_some_and(|r| r.contains("--max-file-size")));
    assert!(note(&report, "skipped", ".git").is_some());
    assert_eq!(
        note(&report, "failed", "missing.log"),
        Some("no such file or directory")
    );
    #[cfg(unix)]
    {
        assert_eq!(
            note(&report, "skipped", "broken.log"),
            Some("broken symlink")
        );
        assert!(note(&report, "skipped", "loop").is_some());
    }
    let s = &report["summary"];
    assert_eq!(s["files_scanned"], 1);
    assert_eq!(s["files_failed"], 1);
    // The missing target named on the command line makes the scan incomplete.
    assert_eq!(
        s["targets_failed"],
        serde_json::json!([missing.to_string_lossy()])
    );
}

#[cfg(unix)]
#[test]
fn following_symlinks_never_loops() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::create_dir(root.join("a")).expect("mkdir");
    fs::write(root.join("a/x.log"), "nothing\n").expect("write");
    std::os::unix::fs::symlink(root, root.join("a/up")).expect("link");
    let report = scan_json(root, &["--follow-symlinks"]);
    assert!(note(&report, "failed", "up").is_some_and(|r| r.contains("loop")));
    assert_eq!(report["summary"]["files_scanned"], 1);
}

/// Exit codes of a scan that could not read everything: a named target of which nothing
/// could be read is exit 3 (incomplete) unless a finding makes it 1; any other failure is
/// exit 3 only with --fail-on-error. The report is written either way.
#[test]
fn incomplete_scans_exit_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let clean = root.join("clean");
    fs::create_dir(&clean).expect("mkdir");
    fs::write(clean.join("app.log"), "GET /health 200\n").expect("write");
    // Junk that only looks like gzip: a failed entry, nothing found.
    let mut junk = vec![0x1f, 0x8b, 0x08, 0x00];
    junk.extend((0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    fs::write(clean.join("junk.log.gz"), junk).expect("write");
    let leaky = root.join("leaky.log");
    let sid = Gen::new(9).hex_upper(32);
    fs::write(&leaky, format!("Cookie: JSESSIONID={sid}\n")).expect("write");
    let missing = root.join("missing");
    let (clean, leaky, missing) = (
        clean.to_string_lossy(),
        leaky.to_string_lossy(),
        missing.to_string_lossy(),
    );

    let (code, out, _) = scan_any(&[&clean, "--format", "json"]);
    assert_eq!(code, 0, "a corrupt file alone does not fail the run: {out}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["summary"]["files_failed"], 1);
    assert_eq!(report["summary"]["targets_failed"], serde_json::json!([]));

    let (code, _, _) = scan_any(&[&clean, "--fail-on-error"]);
    assert_eq!(code, 3, "--fail-on-error: any failure is exit 3");

    let (code, out, err) = scan_any(&[&clean, &missing, "--format", "json"]);
    assert_eq!(code, 3, "a missing target: {err}");
    assert!(err.contains("incomplete"), "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        report["summary"]["targets_failed"],
        serde_json::json!([missing])
    );

    let (code, out, _) = scan_any(&[&leaky, &missing, "--format", "sarif"]);
    assert_eq!(code, 1, "a finding outranks the incomplete scan");
    let sarif: serde_json::Value = serde_json::from_str(&out).expect("sarif");
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(
        invocation["toolExecutionNotifications"]
            .as_array()
            .is_some_and(|n| n.iter().any(|n| n["level"] == "error")),
        "{invocation}"
    );

    let (code, _, _) = scan_any(&[&leaky, &missing, "--fail-on", "none"]);
    assert_eq!(
        code, 3,
        "with findings not failing the run, the scan is still incomplete"
    );
}

/// A path named twice, or inside another one named, is scanned once.
#[test]
fn overlapping_targets_are_scanned_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::create_dir(root.join("sub")).expect("mkdir");
    let mut g = Gen::new(11);
    for name in ["a.log", "sub/b.log"] {
        let sid = g.hex_upper(32);
        fs::write(root.join(name), format!("Cookie: JSESSIONID={sid}\n")).expect("write");
    }
    fs::write(root.join("sub/old.gz"), "x").expect("write");
    let sub = root.join("sub");
    let (sub, top) = (sub.to_string_lossy(), root.to_string_lossy());
    let a = format!("{top}/a.log");
    let report = scan_json(root, &[&top, &sub, &a, "--exclude", "*.gz"]);
    let s = &report["summary"];
    assert_eq!(s["files_scanned"], 2);
    assert_eq!(s["occurrences"], 2);
    assert_eq!(found(&report).len(), 2);
    assert_eq!(s["files_skipped"], 1, "{s}");
    assert_eq!(s["targets_failed"], serde_json::json!([]));
}
