//! Local file trees: walk the paths the user named and list the files to scan, with a
//! reason for every path passed over or unreadable. Never follows a symlink loop.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use walkdir::WalkDir;

use crate::error::Error;
use crate::report::PathNote;
use crate::report::finding::BucketSummary;

/// Version-control internals: object stores, not logs.
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn"];

#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    pub exclude: Vec<String>,
    pub max_file_size: Option<u64>,
    pub follow_symlinks: bool,
}

/// A regular file to scan.
#[derive(Debug, Clone)]
pub struct FileEntry {
    pub path: PathBuf,
    /// The path as reports show it.
    pub display: String,
    pub size: u64,
    /// The object's index in a remote source (S3); `None` for local files.
    pub remote: Option<u32>,
    /// The index of the bucket summary a remote object counts in.
    pub bucket: Option<u32>,
}

#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<FileEntry>,
    pub skipped: Vec<PathNote>,
    pub failed: Vec<PathNote>,
    /// One per S3 bucket listed; remote files point into it (`FileEntry::bucket`).
    pub buckets: Vec<BucketSummary>,
}

pub fn build_excludes(globs: &[String]) -> Result<GlobSet, Error> {
    let mut builder = GlobSetBuilder::new();
    for g in globs {
        let glob = Glob::new(g).map_err(|e| Error::Usage(format!("--exclude {g:?}: {e}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| Error::Usage(format!("--exclude: {e}")))
}

pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

fn excluded(set: &GlobSet, path: &Path) -> bool {
    !set.is_empty()
        && (set.is_match(path)
            || path
                .strip_prefix("./")
                .is_ok_and(|stripped| set.is_match(stripped))
            || path.file_name().is_some_and(|n| set.is_match(n)))
}

/// List the files under `root` (a file or a directory).
pub fn walk(root: &Path, opts: &WalkOptions, excludes: &GlobSet, out: &mut Listing) {
    let walker = WalkDir::new(root)
        .follow_links(opts.follow_symlinks)
        .follow_root_links(true)
        .sort_by_file_name();
    let mut it = walker.into_iter();
    while let Some(next) = it.next() {
        let entry = match next {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map(display_path)
                    .unwrap_or_else(|| display_path(root));
                let missing_root = err.depth() == 0
                    && err
                        .io_error()
                        .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound);
                let reason = if err.loop_ancestor().is_some() {
                    "symlink loop".to_string()
                } else if missing_root {
                    "no such file or directory".to_string()
                } else if let Some(io) = err.io_error() {
                    io_reason(io)
                } else {
                    err.to_string()
                };
                out.failed.push(PathNote { path, reason });
                continue;
            }
        };
        let path = entry.path();
        let display = display_path(path);
        let file_type = entry.file_type();
        if file_type.is_dir() {
            let is_vcs = entry.depth() > 0
                && path
                    .file_name()
                    .is_some_and(|n| VCS_DIRS.iter().any(|v| n == *v));
            if is_vcs || (entry.depth() > 0 && excluded(excludes, path)) {
                let reason = if is_vcs {
                    "version-control directory"
                } else {
                    "excluded by --exclude"
                };
                out.skipped.push(PathNote {
                    path: display,
                    reason: reason.into(),
                });
                it.skip_current_dir();
            }
            continue;
        }
        if excluded(excludes, path) {
            out.skipped.push(PathNote {
                path: display,
                reason: "excluded by --exclude".into(),
            });
            continue;
        }
        if file_type.is_symlink() {
            // Only reached when links are not followed.
            let reason = match std::fs::metadata(path) {
                Err(_) => "broken symlink",
                Ok(_) => "symlink not followed (use --follow-symlinks)",
            };
            out.skipped.push(PathNote {
                path: display,
                reason: reason.into(),
            });
            continue;
        }
        if !file_type.is_file() {
            out.skipped.push(PathNote {
                path: display,
                reason: "not a regular file".into(),
            });
            continue;
        }
        let size = match entry.metadata() {
            Ok(m) => m.len(),
            Err(err) => {
                let reason = err
                    .io_error()
                    .map(io_reason)
                    .unwrap_or_else(|| err.to_string());
                out.failed.push(PathNote {
                    path: display,
                    reason,
                });
                continue;
            }
        };
        if let Some(max) = opts.max_file_size
            && size > max
        {
            out.skipped.push(PathNote {
                path: display,
                reason: format!("larger than --max-file-size ({size} > {max} bytes)"),
            });
            continue;
        }
        out.files.push(FileEntry {
            path: path.to_path_buf(),
            display,
            size,
            remote: None,
            bucket: None,
        });
    }
}

/// A short reason for an I/O error, as the summary shows it.
pub fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::NotFound => "not found (removed during the scan?)".into(),
        _ => err.to_string(),
    }
}
