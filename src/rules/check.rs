//! `leakhound rules check`: every example must be found (with its stated secret) by the
//! full engine, keywords included; no negative example may be found by its rule.

use serde::Serialize;

use super::RuleSet;
use crate::engine::Engine;
use crate::error::Error;

/// The minimum number of examples and negative examples a rule should carry.
pub const MIN_EXAMPLES: usize = 3;

#[derive(Debug, Serialize)]
pub struct RuleCheck {
    pub id: String,
    pub source: String,
    pub examples: usize,
    pub negative_examples: usize,
    pub failures: Vec<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub rules: Vec<RuleCheck>,
}

impl CheckReport {
    pub fn failed(&self) -> usize {
        self.rules.iter().filter(|r| !r.failures.is_empty()).count()
    }
}

/// Secrets that `rule_index` finds in `text` scanned as `path`.
fn found_by(engine: &Engine, rule_index: usize, text: &str, path: &str) -> Vec<String> {
    let mut scratch = engine.scratch();
    let mask = engine.mask_for_path(path);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    engine.scan(bytes, 0..bytes.len(), 0, &mask, &mut scratch, &mut |w| {
        for m in w.matches.iter().filter(|m| m.rule as usize == rule_index) {
            out.push(String::from_utf8_lossy(&w.buf[m.start..m.end]).into_owned());
        }
    });
    out
}

pub fn check_rules(rules: RuleSet) -> Result<CheckReport, Error> {
    let engine = Engine::new(rules)?;
    let mut report = CheckReport { rules: Vec::new() };
    for (index, rule) in engine.rules().rules().iter().enumerate() {
        let spec = &rule.spec;
        let mut failures = Vec::new();
        let mut warnings = Vec::new();
        let default_path = spec
            .paths
            .first()
            .map(|g| g.replace("**/", "").replace('*', "x"));
        for (n, ex) in spec.examples.iter().enumerate() {
            let path = ex
                .path
                .clone()
                .or_else(|| default_path.clone())
                .unwrap_or_else(|| "example.log".into());
            let found = found_by(&engine, index, &ex.text, &path);
            if !found.contains(&ex.secret) {
                failures.push(format!(
                    "example {} not found: expected secret {:?} in {:?}, found {:?}",
                    n + 1,
                    ex.secret,
                    ex.text,
                    found
                ));
            }
        }
        for (n, text) in spec.negative_examples.iter().enumerate() {
            let path = default_path.clone().unwrap_or_else(|| "example.log".into());
            let found = found_by(&engine, index, text, &path);
            if !found.is_empty() {
                failures.push(format!(
                    "negative example {} matched: {:?} yielded {:?}",
                    n + 1,
                    text,
                    found
                ));
            }
        }
        if spec.examples.is_empty() {
            failures.push("has no examples".into());
        } else if spec.examples.len() < MIN_EXAMPLES {
            warnings.push(format!("fewer than {MIN_EXAMPLES} examples"));
        }
        if spec.negative_examples.len() < MIN_EXAMPLES {
            warnings.push(format!("fewer than {MIN_EXAMPLES} negative examples"));
        }
        if spec.remediation.trim().is_empty() {
            failures.push("remediation is empty".into());
        }
        report.rules.push(RuleCheck {
            id: spec.id.clone(),
            source: rule.source.clone(),
            examples: spec.examples.len(),
            negative_examples: spec.negative_examples.len(),
            failures,
            warnings,
        });
    }
    Ok(report)
}
