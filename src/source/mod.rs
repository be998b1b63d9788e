//! Where bytes come from. Sources know nothing of rules.

pub mod fs;
pub mod s3;

use std::io::Read;

/// A source of objects that are not local files (S3): opened by the index it gave them.
pub trait Remote: Sync {
    /// Start reading object `object`; the error is a one-line reason for the summary.
    fn open(&self, object: u32) -> Result<Box<dyn Read + '_>, String>;
}
