//! The binary: parse the command line, run the scan or rule command, print, exit.
//! Exit codes: 0 no finding at or above --fail-on, 1 findings (or a failed rule check),
//! 2 usage or fatal error, 3 incomplete (a target could not be read; with --fail-on-error,
//! anything could not).

use std::fs::OpenOptions;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use leakhound::audit;
use leakhound::cli::{
    AuditCommand, AuditS3Args, Cli, Command, FailOn, ListFormat, OutputArgs, RuleArgs,
    RulesCommand, S3Args, ScanArgs,
};
use leakhound::config::Allow;
use leakhound::decode::{DecodeOptions, Limits};
use leakhound::engine::Engine;
use leakhound::report::{self, Format, RenderOptions};
use leakhound::rules::{RuleSet, RuleSources, check_rules};
use leakhound::scan::{self, Progress, ScanConfig, Target};
use leakhound::source::fs::WalkOptions;
use leakhound::source::s3::S3Options;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => run_scan(*args),
        Command::Audit {
            command: AuditCommand::S3(args),
        } => run_audit(*args),
        Command::Rules { command } => match command {
            RulesCommand::List { rules, format } => list_rules(&rules, format),
            RulesCommand::Check { rules, format } => check(&rules, format),
        },
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("leakhound: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn load_rules(args: &RuleArgs) -> Result<RuleSet> {
    let rules = RuleSet::load(&RuleSources {
        builtin: !args.no_builtin_rules,
        extra: args.rules.clone(),
    })?;
    anyhow::ensure!(!rules.is_empty(), "no rules loaded");
    Ok(rules)
}

/// Standard output, or a new file only its owner can read (reports hold findings).
fn open_output(path: Option<&Path>) -> Result<Box<dyn Write>> {
    let Some(path) = path else {
        return Ok(Box::new(BufWriter::new(io::stdout().lock())));
    };
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        // An existing file keeps its mode on open: tighten it.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot set permissions of {}", path.display()))?;
        Ok(Box::new(BufWriter::new(file)))
    }
    #[cfg(not(unix))]
    {
        let file = options
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Box::new(BufWriter::new(file)))
    }
}

fn start_progress(progress: &Arc<Progress>, done: &Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    let progress = Arc::clone(progress);
    let done = Arc::clone(done);
    std::thread::spawn(move || {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {bytes}/{total_bytes} {bytes_per_sec} [{bar:30}] {msg} {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        while !done.load(Ordering::Relaxed) {
            bar.set_length(progress.bytes_total.load(Ordering::Relaxed));
            bar.set_position(progress.bytes_done.load(Ordering::Relaxed));
            bar.set_message(format!(
                "{}/{} files",
                progress.files_done.load(Ordering::Relaxed),
                progress.files_total.load(Ordering::Relaxed)
            ));
            std::thread::sleep(Duration::from_millis(100));
        }
        bar.finish_and_clear();
    })
}

/// Baseline and `.leakhound.toml` settings; disabled rules are taken out of `rules`.
fn load_allow(args: &ScanArgs, rules: &mut RuleSet) -> Result<Allow> {
    let mut allow = Allow::default();
    match &args.config {
        Some(path) => allow.load_file(path)?,
        None => {
            for p in args.paths.iter().filter(|p| *p != "-") {
                let path = Path::new(p);
                if path.is_dir() {
                    allow.load_from_dir(path)?;
                }
            }
        }
    }
    for id in &allow.disabled_rules {
        if !rules.rules().iter().any(|r| r.id() == id) {
            eprintln!("leakhound: warning: .leakhound.toml disables unknown rule {id:?}");
        }
    }
    rules.retain(|r| !allow.disabled_rules.contains(r.id()));
    if let Some(path) = &args.baseline {
        allow.load_baseline(path)?;
    }
    Ok(allow)
}

fn s3_options(args: &S3Args) -> S3Options {
    S3Options {
        endpoint_url: args.endpoint_url.clone(),
        region: args.region.clone(),
        profile: args.profile.clone(),
        no_sign_request: args.no_sign_request,
        role_arns: args.role_arn.clone(),
        all_buckets: args.all_buckets,
        exclude_buckets: args.exclude_bucket.clone(),
        include_keys: args.include_key.clone(),
        exclude_keys: args.exclude_key.clone(),
        concurrency: args.s3_concurrency.max(1),
        max_object_size: args.max_object_size,
        request_payer: args.request_payer,
        object_timeout: Duration::from_secs(args.s3_timeout.max(1)),
    }
}

fn run_scan(args: ScanArgs) -> Result<ExitCode> {
    let mut rules = load_rules(&args.rules)?;
    let allow = load_allow(&args, &mut rules)?;
    let mut engine = Engine::new(rules)?;
    if let Some(now) = args.now {
        engine = engine.with_clock(now);
    }
    let mut targets = args
        .paths
        .iter()
        .map(|p| Target::parse(p))
        .collect::<Result<Vec<_>, _>>()?;
    if targets.is_empty() && !args.s3.all_buckets {
        targets.push(Target::Path(".".into()));
    }
    anyhow::ensure!(
        !args.audit || args.s3.all_buckets || targets.iter().any(|t| matches!(t, Target::S3(_))),
        "--audit audits S3 buckets: name s3://bucket targets or give --all-buckets"
    );
    let config = ScanConfig {
        targets,
        walk: WalkOptions {
            exclude: args.exclude.clone(),
            max_file_size: args.max_file_size,
            follow_symlinks: args.follow_symlinks,
        },
        threads: args.threads,
        show_secrets: args.show_secrets,
        segment_bytes: None,
        decode: DecodeOptions {
            limits: Limits {
                max_depth: args.max_archive_depth,
                max_decompressed: args.max_decompressed_size,
                max_ratio: args.max_compression_ratio,
                max_entries: args.max_archive_entries,
            },
            skip_binary: args.skip_binary,
        },
        allow,
        s3: s3_options(&args.s3),
        audit: args.audit,
        probe_anonymous: args.probe_anonymous,
    };
    // Open the output first: a bad --output path should fail before a long scan.
    let out = open_output(args.output.output.as_deref())?;

    let progress = Arc::new(Progress::default());
    let done = Arc::new(AtomicBool::new(false));
    let show_bar = !args.no_progress && io::stderr().is_terminal();
    let bar = show_bar.then(|| start_progress(&progress, &done));
    let outcome = scan::run(&engine, &config, &progress);
    done.store(true, Ordering::Relaxed);
    if let Some(handle) = bar {
        let _ = handle.join();
    }
    let report = outcome?;

    if let Some(path) = &args.write_baseline {
        // Everything found, the already-baselined findings included.
        let mut all = report.clone();
        all.findings.extend(report.suppressed.iter().cloned());
        let mut out = open_output(Some(path))?;
        report::render(
            &all,
            engine.rules(),
            Format::Json,
            RenderOptions::default(),
            &mut out,
        )
        .and_then(|()| out.flush())
        .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let code = emit(&report, engine.rules(), &args.output, out);
    // The process ends here: returning the memory of every finding one by one would only
    // cost time (dense logs have hundreds of thousands).
    std::mem::forget(report);
    code
}

/// Write the report, list failures on stderr, and give the exit code: 1 for a finding at or
/// above `--fail-on`, else 3 when the scan is incomplete, else 0.
fn emit(
    report: &report::Report,
    rules: &RuleSet,
    args: &OutputArgs,
    mut out: Box<dyn Write>,
) -> Result<ExitCode> {
    let color = args.output.is_none()
        && !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && io::stdout().is_terminal();
    report::render(
        report,
        rules,
        args.format,
        RenderOptions { color },
        &mut out,
    )
    .and_then(|()| out.flush())
    .context("cannot write the report")?;
    for note in &report.summary.failed {
        eprintln!("leakhound: {}: {}", note.path, note.reason);
    }
    let summary = &report.summary;
    if !summary.targets_failed.is_empty() {
        eprintln!(
            "leakhound: incomplete: nothing of {} could be read",
            summary.targets_failed.join(", ")
        );
    }
    let failing = match args.fail_on {
        FailOn::Never => false,
        FailOn::Severity(min) => report.findings.iter().any(|f| f.severity >= min),
    };
    let incomplete =
        !summary.targets_failed.is_empty() || (args.fail_on_error && !summary.failed.is_empty());
    Ok(if failing {
        ExitCode::from(1)
    } else if incomplete {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_audit(args: AuditS3Args) -> Result<ExitCode> {
    let mut targets = Vec::new();
    for t in &args.targets {
        match Target::parse(t)? {
            Target::S3(url) => targets.push(url),
            _ => anyhow::bail!("{t:?}: audit s3 takes s3://bucket targets"),
        }
    }
    anyhow::ensure!(
        !targets.is_empty() || args.s3.all_buckets,
        "name buckets (s3://bucket) or give --all-buckets"
    );
    let out = open_output(args.output.output.as_deref())?;
    let report = audit::command::run(&s3_options(&args.s3), &targets, args.probe_anonymous)?;
    emit(&report, &RuleSet::default(), &args.output, out)
}

fn list_rules(args: &RuleArgs, format: ListFormat) -> Result<ExitCode> {
    let rules = load_rules(args)?;
    let mut out = io::stdout().lock();
    match format {
        ListFormat::Json => {
            let specs: Vec<_> = rules.rules().iter().map(|r| &r.spec).collect();
            serde_json::to_writer_pretty(&mut out, &specs)?;
            writeln!(out)?;
        }
        ListFormat::Human => {
            for r in rules.rules() {
                let s = &r.spec;
                writeln!(
                    out,
                    "{:<32} {:<9} {:<17} {}",
                    s.id, s.severity, s.category, s.name
                )?;
            }
            writeln!(out, "{} rules", rules.len())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(args: &RuleArgs, format: ListFormat) -> Result<ExitCode> {
    let rules = load_rules(args)?;
    let report = check_rules(rules)?;
    let mut out = io::stdout().lock();
    match format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        ListFormat::Human => {
            for r in &report.rules {
                let status = if r.failures.is_empty() {
                    "ok  "
                } else {
                    "FAIL"
                };
                writeln!(
                    out,
                    "{status} {:<32} {} examples, {} negative",
                    r.id, r.examples, r.negative_examples
                )?;
                for f in &r.failures {
                    writeln!(out, "     - {f}")?;
                }
                for w in &r.warnings {
                    writeln!(out, "     warning: {w}")?;
                }
            }
            writeln!(
                out,
                "{} rules checked, {} failed",
                report.rules.len(),
                report.failed()
            )?;
        }
    }
    Ok(if report.failed() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
