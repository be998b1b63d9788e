//! Clean real-world-style system logs (Apache, HDFS, OpenSSH, syslog, Zookeeper,
//! OpenStack, Hadoop, Android, nginx, JSON apps) must yield nothing, and the samples
//! tree must yield exactly its planted fakes.

mod common;

use std::path::Path;

use common::{found, scan_json};

#[test]
fn clean_system_logs_report_nothing() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/clean");
    let report = scan_json(&dir, &[]);
    assert!(
        report["summary"]["files_scanned"]
            .as_u64()
            .is_some_and(|n| n >= 8),
        "{}",
        report["summary"]
    );
    let found = found(&report);
    assert!(found.is_empty(), "false positives: {found:#?}");
}

#[test]
fn samples_report_their_fake_secrets() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let report = scan_json(&dir, &[]);
    let findings = report["findings"].as_array().expect("findings");
    let paths: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["locations"][0]["path"].as_str())
        .collect();
    for expected in ["nginx/access.log", "app/app.json.log", "tomcat/"] {
        assert!(
            paths.iter().any(|p| p.contains(expected)),
            "nothing found in {expected}: {paths:?}"
        );
    }
    assert!(
        !paths.iter().any(|p| p.contains("clean/")),
        "the clean sample has findings: {paths:?}"
    );
}
