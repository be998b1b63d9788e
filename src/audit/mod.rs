//! Bucket configuration audit.

pub mod s3;
