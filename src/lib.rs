//! leakhound: find leaked session tokens, session IDs, JWTs and credentials in log trees.
//!
//! Data flows one way: a source lists blobs, the engine finds matches in their bytes,
//! the scan groups them into findings, and a report renders them.

pub mod analyze;
pub mod audit;
pub mod cli;
pub mod config;
pub mod decode;
pub mod engine;
pub mod error;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;

pub use error::Error;
