//! Bad paths are normal input: each is a summary entry with a reason, and the scan goes on.

mod common;

use std::fs;

use common::{Gen, found, scan_json};

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
    assert!(note(&report, "failed", "missing.log").is_some_and(|r| r.contains("not found")));
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
