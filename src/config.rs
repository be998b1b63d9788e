//! `.leakhound.toml`: per-repository settings for CI — rules to disable, fingerprints and
//! path globs to allow. Found in each scanned directory, or given with `--config`.
//!
//! ```toml
//! [rules]
//! disable = ["generic-session-cookie"]
//!
//! [allow]
//! fingerprints = ["9f2c…"]           # from a previous report's `fingerprint`
//! paths = ["tests/fixtures/**"]      # relative to the folder holding the file
//! ```

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::error::Error;

pub const FILE_NAME: &str = ".leakhound.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rules: RulesSection,
    #[serde(default)]
    allow: AllowSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesSection {
    #[serde(default)]
    disable: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowSection {
    #[serde(default)]
    fingerprints: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
}

/// Everything the scanned repositories (and the baseline) say to leave alone.
#[derive(Debug, Default)]
pub struct Allow {
    pub disabled_rules: HashSet<String>,
    pub fingerprints: HashSet<String>,
    /// (the folder the globs are relative to, the globs)
    paths: Vec<(PathBuf, GlobSet)>,
    /// The config files that were read.
    pub sources: Vec<PathBuf>,
}

impl Allow {
    /// Read one config file; its path globs are relative to its folder.
    pub fn load_file(&mut self, path: &Path) -> Result<(), Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let bad = |message: String| Error::Usage(format!("{}: {message}", path.display()));
        let file: File = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        self.disabled_rules.extend(file.rules.disable);
        self.fingerprints.extend(
            file.allow
                .fingerprints
                .into_iter()
                .map(|f| f.to_lowercase()),
        );
        if !file.allow.paths.is_empty() {
            let mut builder = GlobSetBuilder::new();
            for g in &file.allow.paths {
                builder.add(Glob::new(g).map_err(|e| bad(format!("allow.paths {g:?}: {e}")))?);
            }
            let set = builder.build().map_err(|e| bad(e.to_string()))?;
            let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
            self.paths.push((root, set));
        }
        self.sources.push(path.to_path_buf());
        Ok(())
    }

    /// Read `.leakhound.toml` in `dir`, if there is one.
    pub fn load_from_dir(&mut self, dir: &Path) -> Result<(), Error> {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            self.load_file(&candidate)?;
        }
        Ok(())
    }

    /// Add the fingerprints of a previous JSON report (`--baseline`).
    pub fn load_baseline(&mut self, path: &Path) -> Result<usize, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let bad = |message: &str| {
            Error::Usage(format!(
                "{}: not a leakhound JSON report ({message})",
                path.display()
            ))
        };
        let doc: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| bad(&e.to_string()))?;
        let findings = doc
            .get("findings")
            .and_then(|f| f.as_array())
            .ok_or_else(|| bad("no findings array"))?;
        let mut n = 0;
        for f in findings {
            if let Some(fp) = f.get("fingerprint").and_then(|v| v.as_str()) {
                self.fingerprints.insert(fp.to_lowercase());
                n += 1;
            }
        }
        Ok(n)
    }

    /// Whether findings at `path` (as reports show it) are allowed by a path glob.
    pub fn allows_path(&self, path: &str) -> bool {
        // Members of archives are judged by their outer file.
        let file = path.split('!').next().unwrap_or(path);
        self.paths.iter().any(|(root, set)| {
            let p = Path::new(file);
            let relative = p
                .strip_prefix(root)
                .or_else(|_| p.strip_prefix(root.strip_prefix("./").unwrap_or(root)))
                .unwrap_or(p);
            set.is_match(relative) || set.is_match(p)
        })
    }

    pub fn has_paths(&self) -> bool {
        !self.paths.is_empty()
    }
}
