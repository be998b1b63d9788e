//! Command-line types (clap). No logic here beyond parsing values.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;
use crate::rules::Severity;

const EXIT_CODES: &str = "Exit codes: 0 nothing found at or above --fail-on; 1 a finding at or \
above it (rules check: a rule failed); 2 usage or fatal error; 3 incomplete: a target named \
could not be read at all (with --fail-on-error: anything could not).";

#[derive(Debug, Parser)]
#[command(
    name = "leakhound",
    version,
    about = "Find leaked session tokens, session IDs, JWTs and credentials in log trees",
    after_help = EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files, directories or standard input (`-`) for leaked secrets.
    #[command(after_help = EXIT_CODES)]
    Scan(Box<ScanArgs>),
    /// Audit bucket configuration for public exposure.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// List or check the rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// S3 buckets: Block Public Access (bucket and account), ACLs, object ownership,
    /// bucket policy, policy status, default encryption, access logging, versioning.
    #[command(after_help = EXIT_CODES)]
    S3(Box<AuditS3Args>),
}

#[derive(Debug, Args)]
pub struct AuditS3Args {
    /// Buckets to audit (`s3://bucket`); with --all-buckets, every bucket listed too.
    #[arg(value_name = "s3://BUCKET")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Also try unsigned HeadBucket, ListObjectsV2 and GetObject (one byte) as evidence
    /// of exposure; never writes.
    #[arg(long)]
    pub probe_anonymous: bool,
    #[command(flatten)]
    pub s3: S3Args,
}

/// How the report is written and what fails the run.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE (created with mode 0600) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity (critical, high, medium, low, info, none).
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_fail_on)]
    pub fail_on: FailOn,
    /// Exit 3 when anything could not be read (a corrupt archive, a denied object), not only
    /// when a whole target could not.
    #[arg(long)]
    pub fail_on_error: bool,
    /// No colour in the human report (also off with NO_COLOR or when not a terminal).
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print the rules.
    List {
        #[command(flatten)]
        rules: RuleArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Verify every rule's examples and negative examples; exits 1 on any failure.
    Check {
        #[command(flatten)]
        rules: RuleArgs,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Args, Clone)]
pub struct RuleArgs {
    /// Extra rule file or folder of `*.toml` rule files (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Use only the rules given with --rules.
    #[arg(long)]
    pub no_builtin_rules: bool,
}

/// The lowest severity that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    Never,
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    match s {
        "none" | "never" => Ok(FailOn::Never),
        other => other.parse().map(FailOn::Severity),
    }
}

fn parse_now(s: &str) -> Result<i64, String> {
    crate::analyze::parse_rfc3339(s)
        .ok_or_else(|| format!("{s:?} is not an RFC 3339 time (e.g. 2026-11-28T00:00:00Z)"))
}

fn parse_size(s: &str) -> Result<u64, String> {
    parse_size::parse_size(s).map_err(|e| format!("{e} (e.g. 500M, 2GiB, 1048576)"))
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input; `s3://bucket[/prefix]` an S3
    /// bucket (or the keys under a prefix). Default: `.` (unless --all-buckets).
    #[arg(value_name = "TARGET")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Put raw secrets in the report (they are masked otherwise).
    #[arg(long)]
    pub show_secrets: bool,
    /// Worker threads (0: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Skip paths matching GLOB (repeatable; matched against the path and the file name).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Skip files larger than SIZE (e.g. 500M, 2GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// No progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Follow symbolic links (loops are detected and reported).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Nested containers (compression layers and archives) followed at most.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub max_archive_depth: u32,
    /// Decompressed bytes per file at most, all layers together (e.g. 16GiB).
    #[arg(long, value_name = "SIZE", default_value = "16GiB", value_parser = parse_size)]
    pub max_decompressed_size: u64,
    /// Decompressed bytes per compressed byte at most (stops decompression bombs).
    #[arg(long, value_name = "RATIO", default_value_t = 200)]
    pub max_compression_ratio: u64,
    /// Entries per archive at most.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_archive_entries: u64,
    /// Suppress findings whose fingerprints are in this previous JSON report.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Also write the findings as a baseline (a JSON report, mode 0600) to FILE.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Settings file (rules to disable, fingerprints and paths to allow); by default
    /// `.leakhound.toml` in each scanned folder.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The clock for token analysis, RFC 3339 (e.g. 2026-11-28T00:00:00Z): fixes
    /// live/expired verdicts for reproducible runs.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<i64>,
    /// Do not scan binary content (databases, captures, core dumps) byte-wise.
    #[arg(long)]
    pub skip_binary: bool,
    /// Audit the configuration of the S3 buckets scanned too; tokens in public buckets are
    /// raised to critical and marked exposed.
    #[arg(long, help_heading = "S3")]
    pub audit: bool,
    /// With --audit: also try unsigned HeadBucket, ListObjectsV2 and GetObject (one byte).
    #[arg(long, help_heading = "S3")]
    pub probe_anonymous: bool,
    #[command(flatten)]
    pub s3: S3Args,
}

/// Where S3 is and which credentials reach it (shared by `scan` and `audit s3`).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "S3")]
pub struct S3Args {
    /// Scan every bucket the credentials can list (ListBuckets), with each --role-arn.
    #[arg(long)]
    pub all_buckets: bool,
    /// With --all-buckets, leave out buckets whose name matches GLOB (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude_bucket: Vec<String>,
    /// Scan only keys matching GLOB (repeatable; `*` matches across `/`).
    #[arg(long, value_name = "GLOB")]
    pub include_key: Vec<String>,
    /// Leave out keys matching GLOB (repeatable; `*` matches across `/`).
    #[arg(long, value_name = "GLOB")]
    pub exclude_key: Vec<String>,
    /// Named profile from the AWS config files (default: the standard credential chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region for requests that name no bucket; each bucket's own region is looked up.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// S3-compatible endpoint (MinIO, Ceph, R2, a test server), with path-style addressing.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Send unsigned requests (anonymous access to public buckets).
    #[arg(long)]
    pub no_sign_request: bool,
    /// Assume this role through STS and scan what it sees (repeatable: one identity each).
    #[arg(long, value_name = "ARN")]
    pub role_arn: Vec<String>,
    /// GetObject requests in flight at most.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub s3_concurrency: usize,
    /// Skip objects larger than SIZE (e.g. 5GiB); each is listed as skipped.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_object_size: Option<u64>,
    /// Accept the charges of a requester-pays bucket.
    #[arg(long)]
    pub request_payer: bool,
    /// Seconds one object may take to download, resumptions included.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    pub s3_timeout: u64,
}
