//! Bucket configuration audit: read the configuration (`s3`), judge it (`policy`,
//! `assess`), and join it with the scan (`join`); `command` is `leakhound audit s3`.

pub mod assess;
pub mod command;
pub mod join;
pub mod policy;
pub mod s3;
