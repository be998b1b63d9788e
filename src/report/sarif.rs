//! SARIF 2.1.0 as GitHub code scanning accepts it: rules in `tool.driver.rules`, one
//! result per finding at its first location (the others as related locations), and a
//! line-independent `partialFingerprints` entry.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::finding::{Location, Report, Summary};
use crate::rules::{RuleSet, Severity};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` scale (0.0 to 10.0).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// A relative URI with forward slashes, as code scanning expects.
fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    p.strip_prefix("./").unwrap_or(&p).to_string()
}

fn physical(loc: &Location) -> Value {
    // Binary content has no lines: its region is a byte offset.
    let region = match (loc.line, loc.column) {
        (Some(line), Some(column)) => {
            json!({ "startLine": line.max(1), "startColumn": column.max(1) })
        }
        _ => json!({ "byteOffset": loc.offset }),
    };
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&loc.path) },
            "region": region
        }
    })
}

pub fn render(report: &Report, rules: &RuleSet, out: &mut dyn Write) -> io::Result<()> {
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        let next = used.len();
        used.entry(&*f.rule_id).or_insert(next);
    }
    let mut driver_rules = vec![Value::Null; used.len()];
    for (id, &index) in &used {
        let Some(rule) = rules.rules().iter().find(|r| r.id() == *id) else {
            // Not a scanning rule (a bucket configuration check): described by its finding.
            driver_rules[index] = match report.findings.iter().find(|f| &*f.rule_id == *id) {
                Some(f) => json!({
                    "id": id,
                    "name": f.rule_name,
                    "shortDescription": { "text": f.rule_name },
                    "fullDescription": { "text": f.description },
                    "help": { "text": f.remediation, "markdown": f.remediation },
                    "defaultConfiguration": { "level": level(f.severity) },
                    "properties": {
                        "tags": ["security", f.category],
                        "security-severity": security_severity(f.severity),
                        "precision": "high"
                    }
                }),
                None => json!({ "id": id }),
            };
            continue;
        };
        let spec = &rule.spec;
        driver_rules[index] = json!({
            "id": spec.id,
            "name": spec.name,
            "shortDescription": { "text": spec.name },
            "fullDescription": { "text": spec.description },
            "help": { "text": spec.remediation, "markdown": spec.remediation },
            "helpUri": spec.references.first(),
            "defaultConfiguration": { "level": level(spec.severity) },
            "properties": {
                "tags": ["security", "secret", spec.category],
                "security-severity": security_severity(spec.severity),
                "precision": "high"
            }
        });
    }
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.rule_id,
                "ruleIndex": used.get(&*f.rule_id).copied().unwrap_or(0),
                "level": level(f.severity),
                "message": {
                    "text": format!(
                        "{} ({}), {} occurrence{}: {}",
                        f.rule_name,
                        f.secret_masked,
                        f.occurrences,
                        if f.occurrences == 1 { "" } else { "s" },
                        f.context
                    )
                },
                "locations": f.locations.first().map(physical).into_iter().collect::<Vec<_>>(),
                "partialFingerprints": { "leakhound/v1": f.fingerprint },
                "properties": {
                    "severity": f.severity.as_str(),
                    "occurrences": f.occurrences,
                    "secretMasked": f.secret_masked,
                }
            });
            if f.locations.len() > 1 {
                result["relatedLocations"] = f
                    .locations
                    .iter()
                    .skip(1)
                    .enumerate()
                    .map(|(i, l)| {
                        let mut v = physical(l);
                        v["id"] = json!(i + 1);
                        v
                    })
                    .collect();
            }
            if let Some(a) = &f.analysis {
                result["properties"]["analysis"] = json!(a);
            }
            if !f.notes.is_empty() {
                result["properties"]["notes"] = json!(f.notes);
            }
            if let Some(secret) = &f.secret {
                result["properties"]["secret"] = json!(secret);
            }
            if let Some(exposure) = &f.exposure {
                result["properties"]["exposure"] = json!(exposure);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "leakhound",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": driver_rules
                }
            },
            "results": results,
            "invocations": [invocation(&report.summary)],
            "columnKind": "unicodeCodePoints"
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// The run's outcome: unsuccessful when a target could not be read at all; every path that
/// failed is a notification (an error for a whole target, a warning for the rest).
fn invocation(summary: &Summary) -> Value {
    let notification =
        |level: &str, text: String| json!({ "level": level, "message": { "text": text } });
    let notifications: Vec<Value> = summary
        .targets_failed
        .iter()
        .map(|t| notification("error", format!("nothing of {t} could be read")))
        .chain(
            summary
                .failed
                .iter()
                .map(|n| notification("warning", format!("{}: {}", n.path, n.reason))),
        )
        .collect();
    json!({
        "executionSuccessful": summary.targets_failed.is_empty(),
        "toolExecutionNotifications": notifications
    })
}
