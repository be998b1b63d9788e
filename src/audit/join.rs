//! Joins the bucket audit with the scan: every failed check becomes a `bucket-config`
//! finding, and tokens found in a public bucket are raised to critical and marked exposed.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::analyze::jwt::TokenState;
use crate::report::finding::{
    BUCKET_CONFIG, BucketAudit, Exposure, ExposureSummary, Finding, Location, Report,
    SeverityCounts, fingerprint, hex,
};
use crate::rules::Severity;

/// Verdicts under which anyone can reach the bucket's content or keys.
pub fn is_public(verdict: &str) -> bool {
    verdict.starts_with("public-")
}

/// One finding per check of each bucket, located at `s3://bucket`.
pub fn check_findings(audits: &[BucketAudit]) -> Vec<Finding> {
    let mut out = Vec::new();
    for b in audits {
        for c in &b.checks {
            let place = format!("s3://{}", b.bucket);
            out.push(Finding {
                rule_id: c.id.as_str().into(),
                rule_name: c.title.as_str().into(),
                category: BUCKET_CONFIG.into(),
                severity: c.severity,
                framework: None,
                // Configuration, not a secret: nothing to mask.
                secret_masked: String::new(),
                secret: None,
                fingerprint: hex(&fingerprint(&c.id, place.as_bytes())),
                occurrences: 1,
                locations: vec![Location {
                    path: place.as_str().into(),
                    line: None,
                    column: None,
                    offset: 0,
                }],
                context: c.evidence.clone(),
                analysis: None,
                notes: vec![format!("bucket verdict: {}", b.verdict)],
                description: c.title.as_str().into(),
                remediation: c.remediation.as_str().into(),
                references: Arc::from([]),
                exposure: None,
            });
        }
    }
    out
}

/// The bucket a location is in (`s3://bucket/key…`).
fn bucket_of(path: &str) -> Option<&str> {
    path.strip_prefix("s3://")?.split('/').next()
}

/// Add the audit to `report`: check findings, exposure of tokens in public buckets (raised
/// to critical), the exposure summary; then re-sort and recount.
pub fn join(report: &mut Report, audits: Vec<BucketAudit>) {
    let verdicts: BTreeMap<&str, &str> = audits
        .iter()
        .map(|b| (b.bucket.as_str(), b.verdict.as_str()))
        .collect();
    let mut exposed: BTreeMap<String, (String, u64, u64, BTreeMap<String, u64>)> = BTreeMap::new();
    for f in &mut report.findings {
        let Some((bucket, verdict)) = f
            .locations
            .iter()
            .filter_map(|l| bucket_of(&l.path))
            .find_map(|b| verdicts.get(b).filter(|v| is_public(v)).map(|v| (b, *v)))
        else {
            continue;
        };
        let live = f
            .analysis
            .as_ref()
            .is_none_or(|a| a.state != TokenState::Expired);
        if live {
            f.severity = Severity::Critical;
        }
        f.notes.push(format!(
            "in bucket {bucket}, which is {verdict}: anyone can read it"
        ));
        f.exposure = Some(Exposure {
            level: "public".into(),
            bucket: bucket.to_string(),
            verdict: verdict.to_string(),
        });
        let entry = exposed
            .entry(bucket.to_string())
            .or_insert_with(|| (verdict.to_string(), 0, 0, BTreeMap::new()));
        entry.1 += u64::from(live);
        entry.2 += 1;
        *entry.3.entry(f.rule_id.to_string()).or_insert(0) += 1;
    }
    report.exposure = exposed
        .into_iter()
        .map(|(bucket, (verdict, live_tokens, findings, rules))| {
            let mut rules: Vec<(String, u64)> = rules.into_iter().collect();
            rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            ExposureSummary {
                bucket,
                verdict,
                live_tokens,
                findings,
                top_rules: rules.into_iter().take(3).map(|(r, _)| r).collect(),
            }
        })
        .collect();
    report.findings.extend(check_findings(&audits));
    // Most severe first; the order within a severity stays as it was.
    report
        .findings
        .sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut counts = SeverityCounts::default();
    let mut occurrences = 0;
    for f in &report.findings {
        counts.add(f.severity);
        occurrences += f.occurrences;
    }
    report.summary.by_severity = counts;
    report.summary.findings = report.findings.len() as u64;
    report.summary.occurrences = occurrences;
    report.buckets = audits;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::finding::AuditCheck;

    fn token(path: &str, severity: Severity) -> Finding {
        Finding {
            rule_id: "jsessionid-cookie".into(),
            rule_name: "JSESSIONID".into(),
            category: "session-cookie".into(),
            severity,
            framework: None,
            secret_masked: "8F3A…7C".into(),
            secret: None,
            fingerprint: "00".into(),
            occurrences: 2,
            locations: vec![Location {
                path: path.into(),
                line: Some(3),
                column: Some(1),
                offset: 10,
            }],
            context: String::new(),
            analysis: None,
            notes: Vec::new(),
            description: "".into(),
            remediation: "".into(),
            references: Arc::from([]),
            exposure: None,
        }
    }

    fn audit(bucket: &str, verdict: &str) -> BucketAudit {
        BucketAudit {
            bucket: bucket.into(),
            region: "us-east-1".into(),
            verdict: verdict.into(),
            checks: vec![AuditCheck {
                id: "no-default-encryption".into(),
                severity: Severity::Medium,
                title: "No default encryption".into(),
                evidence: "GetBucketEncryption: not configured".into(),
                remediation: "Turn on SSE-KMS.".into(),
            }],
        }
    }

    #[test]
    fn tokens_in_public_buckets_become_critical() {
        let mut report = Report {
            findings: vec![
                token("s3://open/app.log", Severity::High),
                token("s3://closed/app.log", Severity::High),
                token("/var/log/app.log", Severity::High),
            ],
            summary: Default::default(),
            suppressed: Vec::new(),
            buckets: Vec::new(),
            exposure: Vec::new(),
        };
        join(
            &mut report,
            vec![audit("open", "public-read"), audit("closed", "not-public")],
        );
        let open = &report.findings[0];
        assert_eq!(open.severity, Severity::Critical);
        assert_eq!(
            open.exposure.as_ref().map(|e| e.verdict.as_str()),
            Some("public-read")
        );
        let others: Vec<_> = report
            .findings
            .iter()
            .filter(|f| &*f.category != BUCKET_CONFIG && f.exposure.is_none())
            .collect();
        assert_eq!(others.len(), 2);
        assert!(others.iter().all(|f| f.severity == Severity::High));
        assert_eq!(report.exposure.len(), 1);
        assert_eq!(report.exposure[0].bucket, "open");
        assert_eq!(report.exposure[0].live_tokens, 1);
        assert_eq!(report.exposure[0].top_rules, vec!["jsessionid-cookie"]);
        // Two check findings, at the buckets.
        let checks: Vec<_> = report
            .findings
            .iter()
            .filter(|f| &*f.category == BUCKET_CONFIG)
            .collect();
        assert_eq!(checks.len(), 2);
        assert_eq!(report.summary.findings, 5);
        assert_eq!(report.summary.by_severity.critical, 1);
        assert_eq!(report.buckets.len(), 2);
    }

    #[test]
    fn bucket_names_are_matched_whole() {
        assert_eq!(bucket_of("s3://logs/a/b.log"), Some("logs"));
        assert_eq!(bucket_of("s3://logs"), Some("logs"));
        assert_eq!(bucket_of("/s3://x"), None);
    }
}
