//! Rules are data: TOML files compiled once into a [`RuleSet`].
//!
//! The built-in pack lives in `rules/*.toml` and is embedded at build time; users add
//! their own files or folders with `--rules PATH`.

mod check;
pub mod placeholder;
mod shape;
pub mod validate;

pub use check::{CheckReport, RuleCheck, check_rules};
pub use shape::{SecretBounds, SecretSpan};
pub use validate::Validator;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::error::Error;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    #[default]
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL_DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity {other:?} (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// A rule as written in a TOML file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub name: String,
    pub description: String,
    pub category: String,
    pub severity: Severity,
    /// The framework or product the secret belongs to, e.g. "Java servlet session (JSESSIONID)".
    #[serde(default)]
    pub framework: Option<String>,
    /// Literals for the prefilter, matched case-insensitively. At least one.
    pub keywords: Vec<String>,
    /// A byte regex with a named group `secret`.
    pub regex: String,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// Regexes over the secret: a secret that matches one is a placeholder, not a finding.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Regexes over the whole match (name and value): a match that matches one is not a finding.
    #[serde(default)]
    pub allow_match: Vec<String>,
    /// Path globs the rule applies to; empty means every path.
    #[serde(default)]
    pub paths: Vec<String>,
    /// A structural check on the secret (e.g. `jwt`, `basic-auth`).
    #[serde(default)]
    pub validate: Option<Validator>,
    /// The secret may span lines (PEM blocks): the window extends past the line end.
    #[serde(default)]
    pub multiline: bool,
    /// A literal that must follow a keyword within 256 bytes for the line to be looked at
    /// (for rules whose only usable keyword is common, like `://` for URL credentials).
    #[serde(default)]
    pub followed_by: Option<String>,
    /// When matches of two rules overlap, the higher priority wins (ties: the earlier rule).
    /// Generic rules use a negative priority so that specific ones name the secret.
    #[serde(default)]
    pub priority: i32,
    /// Whether the captured value is a secret to mask (false for configuration evidence,
    /// such as the log-format field a `log-config` rule points at).
    #[serde(default = "yes")]
    pub masked: bool,
    pub examples: Vec<Example>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A text the rule must find, and the secret it must yield.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub text: String,
    pub secret: String,
    /// The path the text is scanned as, for path-scoped rules.
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RuleSpec>,
}

/// A rule ready to run.
#[derive(Debug)]
pub struct Rule {
    pub spec: RuleSpec,
    /// Where the rule was loaded from (`builtin:session-cookies.toml` or a path).
    pub source: String,
    pub regex: Regex,
    pub secret_group: usize,
    /// Where the secret must lie in every match, when the regex shows it (see [`SecretBounds`]).
    pub secret_bounds: Option<SecretBounds>,
    /// Where the secret is in a match, from the match's bytes alone, when the regex shows
    /// it (see [`SecretSpan`]): no captures needed.
    pub secret_span: Option<SecretSpan>,
    /// How far before its first keyword a match can start, when the regex shows that every
    /// match holds a keyword (see [`shape::keyword_lead`]): the search starts there.
    pub keyword_lead: Option<usize>,
    /// Whether every match holds a keyword, however far from its start (see
    /// [`shape::holds_keyword`]): no match starts after the last keyword on a line.
    pub holds_keyword: bool,
    pub allow: Vec<Regex>,
    pub allow_match: Vec<Regex>,
    pub paths: Option<GlobSet>,
    /// The texts every finding of the rule repeats, shared rather than copied per finding.
    pub text: RuleText,
}

/// A rule's texts as findings carry them (one allocation each, shared by every finding).
#[derive(Debug, Clone)]
pub struct RuleText {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub category: Arc<str>,
    pub framework: Option<Arc<str>>,
    pub description: Arc<str>,
    pub remediation: Arc<str>,
    pub references: Arc<[String]>,
}

impl RuleText {
    fn of(spec: &RuleSpec) -> RuleText {
        RuleText {
            id: spec.id.as_str().into(),
            name: spec.name.as_str().into(),
            category: spec.category.as_str().into(),
            framework: spec.framework.as_deref().map(Arc::from),
            description: spec.description.as_str().into(),
            remediation: spec.remediation.as_str().into(),
            references: spec.references.clone().into(),
        }
    }
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// Whether a candidate secret (and the whole match around it) passes the rule's filters.
    pub fn accepts(&self, secret: &[u8], whole: &[u8], now: i64) -> bool {
        if placeholder::is_placeholder(secret) {
            return false;
        }
        if self.allow.iter().any(|re| re.is_match(secret)) {
            return false;
        }
        if self.allow_match.iter().any(|re| re.is_match(whole)) {
            return false;
        }
        if let Some(min) = self.spec.min_entropy
            && shannon_entropy(secret) < min
        {
            return false;
        }
        match self.spec.validate {
            Some(v) => v.accepts(secret, whole, now),
            None => true,
        }
    }

    pub fn applies_to(&self, path: &str) -> bool {
        match &self.paths {
            None => true,
            Some(set) => set.is_match(path),
        }
    }
}

/// Shannon entropy in bits per byte: `log2(n) - Σ c·log2(c) / n` over the byte counts.
pub fn shannon_entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let n = data.len() as f64;
    let sum: f64 = counts
        .iter()
        .filter(|&&c| c > 1)
        .map(|&c| c_log2_c(c))
        .sum();
    n.log2() - sum / n
}

/// `c · log2(c)`, from a table for the small counts secrets have.
fn c_log2_c(c: u32) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..1024u32)
            .map(|c| {
                if c < 2 {
                    0.0
                } else {
                    c as f64 * (c as f64).log2()
                }
            })
            .collect()
    });
    match table.get(c as usize) {
        Some(v) => *v,
        None => c as f64 * (c as f64).log2(),
    }
}

/// Every rule, compiled once.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

/// Where to load rules from.
#[derive(Debug, Clone, Default)]
pub struct RuleSources {
    pub builtin: bool,
    pub extra: Vec<PathBuf>,
}

impl RuleSet {
    /// The built-in pack only.
    pub fn builtin() -> Result<RuleSet, Error> {
        RuleSet::load(&RuleSources {
            builtin: true,
            extra: Vec::new(),
        })
    }

    pub fn load(sources: &RuleSources) -> Result<RuleSet, Error> {
        let mut specs = Vec::new();
        if sources.builtin {
            for (name, text) in BUILTIN_RULE_FILES {
                let origin = format!("builtin:{name}");
                specs.extend(parse_rule_file(text, &origin)?);
            }
        }
        for path in &sources.extra {
            for file in rule_files_under(path)? {
                let text = std::fs::read_to_string(&file).map_err(|e| Error::Io {
                    path: file.clone(),
                    source: e,
                })?;
                specs.extend(parse_rule_file(&text, &file.display().to_string())?);
            }
        }
        RuleSet::from_specs(specs)
    }

    pub fn from_specs(specs: Vec<(RuleSpec, String)>) -> Result<RuleSet, Error> {
        let mut rules: Vec<Rule> = Vec::with_capacity(specs.len());
        for (spec, source) in specs {
            if let Some(prev) = rules.iter().find(|r| r.spec.id == spec.id) {
                return Err(Error::Rule {
                    origin: source,
                    id: spec.id.clone(),
                    message: format!("duplicate rule id (first defined in {})", prev.source),
                });
            }
            rules.push(compile(spec, source)?);
        }
        Ok(RuleSet { rules })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<&Rule> {
        self.rules.get(index)
    }

    /// Keep only the rules for which `keep` returns true.
    pub fn retain(&mut self, keep: impl FnMut(&Rule) -> bool) {
        self.rules.retain(keep);
    }
}

fn parse_rule_file(text: &str, origin: &str) -> Result<Vec<(RuleSpec, String)>, Error> {
    let file: RuleFile = toml::from_str(text).map_err(|e| Error::RuleFile {
        origin: origin.to_string(),
        message: e.to_string(),
    })?;
    Ok(file
        .rule
        .into_iter()
        .map(|r| (r, origin.to_string()))
        .collect())
}

fn rule_files_under(path: &Path) -> Result<Vec<PathBuf>, Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::RuleFile {
            origin: path.display().to_string(),
            message: e.to_string(),
        })?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "toml") {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(32 << 20)
        .dfa_size_limit(32 << 20)
        .build()
}

fn compile(spec: RuleSpec, source: String) -> Result<Rule, Error> {
    let fail = |message: String| Error::Rule {
        origin: source.clone(),
        id: spec.id.clone(),
        message,
    };
    if spec.id.trim().is_empty() || spec.id.contains(char::is_whitespace) {
        return Err(fail("id must be non-empty and contain no spaces".into()));
    }
    if spec.keywords.is_empty() || spec.keywords.iter().any(|k| k.is_empty()) {
        return Err(fail("needs at least one non-empty keyword".into()));
    }
    let regex = build_regex(&spec.regex).map_err(|e| fail(format!("regex: {e}")))?;
    let secret_group = regex
        .capture_names()
        .position(|n| n == Some("secret"))
        .ok_or_else(|| fail("regex has no named group `secret`".into()))?;
    let compile_list = |list: &[String], what: &str| -> Result<Vec<Regex>, Error> {
        list.iter()
            .map(|p| build_regex(p).map_err(|e| fail(format!("{what} regex {p:?}: {e}"))))
            .collect()
    };
    let allow = compile_list(&spec.allow, "allow")?;
    let allow_match = compile_list(&spec.allow_match, "allow_match")?;
    let paths = if spec.paths.is_empty() {
        None
    } else {
        let mut builder = GlobSetBuilder::new();
        for p in &spec.paths {
            let glob = Glob::new(p).map_err(|e| fail(format!("path glob {p:?}: {e}")))?;
            builder.add(glob);
        }
        Some(
            builder
                .build()
                .map_err(|e| fail(format!("path globs: {e}")))?,
        )
    };
    let hir = shape::parse(&spec.regex);
    Ok(Rule {
        text: RuleText::of(&spec),
        secret_bounds: hir.as_ref().and_then(SecretBounds::of),
        secret_span: hir.as_ref().and_then(SecretSpan::of),
        // A keyword gated by `followed_by` may be skipped by the prefilter: no lead then.
        keyword_lead: hir
            .as_ref()
            .filter(|_| spec.followed_by.is_none())
            .and_then(|h| shape::keyword_lead(h, &spec.keywords)),
        holds_keyword: hir
            .as_ref()
            .is_some_and(|h| shape::holds_keyword(h, &spec.keywords)),
        regex,
        secret_group,
        allow,
        allow_match,
        paths,
        source,
        spec,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_uniform_and_constant() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn builtin_rules_compile() {
        let set = RuleSet::builtin().expect("built-in rules compile");
        assert!(!set.is_empty());
    }
}
