//! The library's typed errors. The CLI turns them into one-line messages.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("rule file {origin}: {message}")]
    RuleFile { origin: String, message: String },
    #[error("rule {id} ({origin}): {message}")]
    Rule {
        origin: String,
        id: String,
        message: String,
    },
    #[error("engine: {0}")]
    Engine(String),
    #[error("{0}")]
    Usage(String),
    #[error("report: {0}")]
    Report(String),
}
