//! S3 buckets as a source: resolve credentials and each bucket's region, list the objects
//! (paginated), and stream each object through a bounded reader that resumes a broken
//! download with a Range request. Knows nothing of rules or reports beyond path notes.

use std::collections::{HashMap, HashSet};
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_s3::Client;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ObjectStorageClass, RequestPayer};
use bytes::{Buf, Bytes};
use globset::{Glob, GlobSet, GlobSetBuilder};
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::Remote;
use super::fs::{FileEntry, Listing};
use crate::error::Error;
use crate::report::PathNote;
use crate::report::finding::BucketSummary;

/// The region used when neither the options nor the environment name one.
const DEFAULT_REGION: &str = "us-east-1";
/// Attempts per request (the first one included), with exponential backoff between them.
const MAX_ATTEMPTS: u32 = 10;
/// Range requests that may resume one object's broken download.
const MAX_RESUMES: u32 = 5;
/// A request or a body read that makes no progress for this long is abandoned (and resumed).
const STALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Buckets listed at the same time.
const LIST_CONCURRENCY: usize = 16;

/// How to reach S3 and what to scan there.
#[derive(Debug, Clone)]
pub struct S3Options {
    pub endpoint_url: Option<String>,
    pub region: Option<String>,
    pub profile: Option<String>,
    pub no_sign_request: bool,
    /// Roles to assume (one identity each); none: the default credential chain.
    pub role_arns: Vec<String>,
    pub all_buckets: bool,
    pub exclude_buckets: Vec<String>,
    pub include_keys: Vec<String>,
    pub exclude_keys: Vec<String>,
    /// GetObject requests in flight at most.
    pub concurrency: usize,
    pub max_object_size: Option<u64>,
    pub request_payer: bool,
    /// Time one object may take to download, resumptions included.
    pub object_timeout: Duration,
}

impl Default for S3Options {
    fn default() -> Self {
        S3Options {
            endpoint_url: None,
            region: None,
            profile: None,
            no_sign_request: false,
            role_arns: Vec::new(),
            all_buckets: false,
            exclude_buckets: Vec::new(),
            include_keys: Vec::new(),
            exclude_keys: Vec::new(),
            concurrency: 32,
            max_object_size: None,
            request_payer: false,
            object_timeout: Duration::from_secs(3600),
        }
    }
}

/// `s3://bucket[/prefix]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    pub prefix: String,
}

impl S3Url {
    /// `None` when `arg` is not an `s3://` URL; an error when it is one without a bucket.
    pub fn parse(arg: &str) -> Option<Result<S3Url, String>> {
        let rest = arg
            .strip_prefix("s3://")
            .or_else(|| arg.strip_prefix("S3://"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Some(Err(format!(
                "{arg:?}: no bucket name (s3://bucket[/prefix])"
            )));
        }
        Some(Ok(S3Url {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        }))
    }
}

impl std::fmt::Display for S3Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.prefix.is_empty() {
            write!(f, "s3://{}", self.bucket)
        } else {
            write!(f, "s3://{}/{}", self.bucket, self.prefix)
        }
    }
}

/// The target `--all-buckets` is, in `Summary::targets_failed`.
const ALL_BUCKETS: &str = "--all-buckets";

/// The path of a failed ListBuckets call's note (it names no bucket).
const LIST_BUCKETS_PATH: &str = "s3://";

/// One object to scan.
#[derive(Debug, Clone)]
struct S3Object {
    client: Client,
    bucket: String,
    key: String,
}

/// A connected S3 source: the runtime the SDK runs on, and the objects listed.
pub struct S3Source {
    runtime: Runtime,
    options: S3Options,
    identities: Vec<Identity>,
    /// `--include-key`, `--exclude-key` and `--exclude-bucket`.
    keys: Arc<KeyFilter>,
    objects: Vec<S3Object>,
}

#[derive(Clone)]
struct Identity {
    /// The role assumed, if any (shown in bucket summaries).
    role: Option<String>,
    config: SdkConfig,
}

/// What listing one bucket gave.
struct BucketListing {
    bucket: String,
    region: String,
    role: Option<String>,
    client: Option<Client>,
    objects: Vec<(String, u64)>,
    skipped: Vec<PathNote>,
    bytes_skipped: u64,
    error: Option<String>,
    /// The bucket's region was found (it exists and answers), whatever the listing did.
    located: bool,
}

impl S3Source {
    /// Build the runtime and the credentials of each identity (the default chain, or each
    /// `--role-arn` assumed through STS). Makes no request yet.
    pub fn connect(options: &S3Options) -> Result<S3Source, Error> {
        let keys = KeyFilter::new(options).map_err(Error::Usage)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("leakhound-s3")
            .enable_all()
            .build()
            .map_err(|e| Error::Engine(format!("S3 runtime: {e}")))?;
        let identities = runtime.block_on(load_identities(options));
        Ok(S3Source {
            runtime,
            options: options.clone(),
            identities,
            keys: Arc::new(keys),
            objects: Vec::new(),
        })
    }

    /// List the objects of `targets` (and of every visible bucket with `--all-buckets`) into
    /// `listing`, with one bucket summary each (objects listed and skipped so far).
    pub fn list(&mut self, targets: &[S3Url], listing: &mut Listing) {
        let keys = Arc::clone(&self.keys);
        let listed =
            self.runtime
                .block_on(list_all(&self.identities, &self.options, targets, keys));
        let summaries = &mut listing.buckets;
        let mut by_bucket: HashMap<String, usize> = HashMap::new();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        let (failed, listed) = listed;
        listing.failed.extend(failed);
        for b in listed {
            let index = *by_bucket.entry(b.bucket.clone()).or_insert_with(|| {
                summaries.push(BucketSummary {
                    bucket: b.bucket.clone(),
                    region: b.region.clone(),
                    role: b.role.clone(),
                    located: b.located,
                    ..BucketSummary::default()
                });
                summaries.len() - 1
            });
            let summary = &mut summaries[index];
            if let Some(e) = b.error {
                listing.failed.push(PathNote {
                    path: format!("s3://{}", b.bucket),
                    reason: e,
                });
                summary.listing_failed = true;
            }
            for note in b.skipped {
                if seen.insert((b.bucket.clone(), note.path.clone())) {
                    summary.objects_listed += 1;
                    summary.objects_skipped += 1;
                    listing.skipped.push(note);
                }
            }
            summary.bytes_listed += b.bytes_skipped;
            let Some(client) = b.client else { continue };
            for (key, size) in b.objects {
                let display = format!("s3://{}/{}", b.bucket, key);
                if !seen.insert((b.bucket.clone(), display.clone())) {
                    continue;
                }
                summary.objects_listed += 1;
                summary.bytes_listed += size;
                listing.files.push(FileEntry {
                    path: PathBuf::from(&display),
                    display,
                    size,
                    remote: Some(self.objects.len() as u32),
                    bucket: Some(index as u32),
                });
                self.objects.push(S3Object {
                    client: client.clone(),
                    bucket: b.bucket.clone(),
                    key,
                });
            }
        }
    }

    /// The targets of which nothing could be read, given the `buckets` visited and whether
    /// nothing of one could be (`unread`): each named bucket so, and `--all-buckets` when
    /// ListBuckets failed (a [`LIST_BUCKETS_PATH`] note in `failed`) for every identity or nothing of
    /// any bucket could be read.
    pub fn unread_targets<'a>(
        &self,
        targets: &[S3Url],
        failed: &[PathNote],
        buckets: impl IntoIterator<Item = &'a str>,
        unread: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut out: Vec<String> = targets
            .iter()
            .filter(|t| unread(&t.bucket))
            .map(S3Url::to_string)
            .collect();
        let mut named = HashSet::new();
        out.retain(|t| named.insert(t.clone()));
        if self.options.all_buckets {
            let listings_failed = failed
                .iter()
                .filter(|n| n.path == LIST_BUCKETS_PATH)
                .count();
            let mut buckets = buckets.into_iter().peekable();
            let none_read = buckets.peek().is_some() && buckets.all(&unread);
            if listings_failed >= self.identities.len().max(1) || none_read {
                out.push(ALL_BUCKETS.into());
            }
        }
        out
    }
}

/// What [`S3Source::locate`] found.
pub struct Located {
    pub buckets: Vec<BucketRef>,
    /// The buckets no identity could locate, and failed ListBuckets calls (`s3://`).
    pub failed: Vec<PathNote>,
    /// The targets of which nothing could be located (see `Summary::targets_failed`).
    pub targets_failed: Vec<String>,
}

/// A bucket located for the configuration audit: its region and who reads it.
#[derive(Debug, Clone)]
pub struct BucketRef {
    pub bucket: String,
    pub region: String,
    pub role: Option<String>,
    /// An S3 client of that identity for that region.
    pub client: Client,
    identity: usize,
}

impl S3Source {
    /// The buckets of `targets` (and every visible bucket with `--all-buckets`) with their
    /// regions, without listing objects; a bucket no identity can locate is a `failed` note.
    pub fn locate(&self, targets: &[S3Url]) -> Located {
        let (buckets, failed, seen) = self.runtime.block_on(async {
            let (plans, mut failed) =
                plan_buckets(&self.identities, &self.options, targets, &self.keys).await;
            let mut found = Vec::new();
            let mut seen = HashSet::new();
            for plan in plans {
                if !seen.insert(plan.bucket.clone()) {
                    continue;
                }
                let mut last_error = None;
                for &i in &plan.identities {
                    match self.region_of(i, &plan.bucket).await {
                        Ok(region) => {
                            found.push(self.bucket_ref(&plan.bucket, &region, i));
                            last_error = None;
                            break;
                        }
                        Err(e) => last_error = Some(e),
                    }
                }
                if let Some(reason) = last_error {
                    failed.push(PathNote {
                        path: format!("s3://{}", plan.bucket),
                        reason,
                    });
                }
            }
            (found, failed, seen)
        });
        let targets_failed = self.unread_targets(
            targets,
            &failed,
            seen.iter().map(String::as_str),
            |bucket| !buckets.iter().any(|b| b.bucket == bucket),
        );
        Located {
            buckets,
            failed,
            targets_failed,
        }
    }

    /// The bucket of a scan's summary, as a reference for the audit.
    pub fn bucket_of(&self, summary: &BucketSummary) -> BucketRef {
        let identity = self
            .identities
            .iter()
            .position(|i| i.role == summary.role)
            .unwrap_or(0);
        self.bucket_ref(&summary.bucket, &summary.region, identity)
    }

    fn bucket_ref(&self, bucket: &str, region: &str, identity: usize) -> BucketRef {
        BucketRef {
            bucket: bucket.to_string(),
            region: region.to_string(),
            role: self.identities.get(identity).and_then(|i| i.role.clone()),
            client: self.identities.get(identity).map_or_else(
                || client_for(&self.identities[0], &self.options, Some(region)),
                |i| client_for(i, &self.options, Some(region)),
            ),
            identity,
        }
    }

    async fn region_of(&self, identity: usize, bucket: &str) -> Result<String, String> {
        let id = &self.identities[identity];
        let client = client_for(id, &self.options, None);
        let default = client
            .config()
            .region()
            .map_or(DEFAULT_REGION.to_string(), |r| r.to_string());
        bucket_region(&client, bucket)
            .await
            .map(|r| r.unwrap_or(default))
    }

    /// The SDK settings (credentials, endpoint, retries) of the identity reading `bucket`.
    pub fn sdk_config(&self, bucket: &BucketRef) -> &SdkConfig {
        &self.identities[bucket.identity.min(self.identities.len() - 1)].config
    }

    /// The S3 options this source was built with.
    pub fn options(&self) -> &S3Options {
        &self.options
    }

    /// Run `future` on the source's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

impl Remote for S3Source {
    fn open(&self, object: u32) -> Result<Box<dyn Read + '_>, String> {
        let object = self
            .objects
            .get(object as usize)
            .ok_or_else(|| format!("no object #{object}"))?;
        let mut reader = ObjectReader {
            source: self,
            object,
            body: None,
            chunk: Bytes::new(),
            delivered: 0,
            length: None,
            etag: None,
            deadline: Instant::now() + self.options.object_timeout,
            resumes: 0,
        };
        reader.request().map_err(|e| e.to_string())?;
        Ok(Box::new(reader))
    }
}

async fn load_identities(options: &S3Options) -> Vec<Identity> {
    let base = base_loader(options).load().await;
    if options.role_arns.is_empty() {
        return vec![Identity {
            role: None,
            config: base,
        }];
    }
    let mut identities = Vec::new();
    for arn in &options.role_arns {
        let provider = aws_config::sts::AssumeRoleProvider::builder(arn.clone())
            .session_name("leakhound")
            .configure(&base)
            .build()
            .await;
        let config = base_loader(options)
            .credentials_provider(provider)
            .load()
            .await;
        identities.push(Identity {
            role: Some(arn.clone()),
            config,
        });
    }
    identities
}

fn base_loader(options: &S3Options) -> aws_config::ConfigLoader {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(MAX_ATTEMPTS)
                .with_initial_backoff(Duration::from_millis(200))
                .with_max_backoff(Duration::from_secs(20)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(STALL_TIMEOUT)
                .build(),
        );
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if options.no_sign_request {
        loader = loader.no_credentials();
    }
    loader
}

/// An S3 client of `identity` for `region` (path-style addressing with a custom endpoint).
fn client_for(identity: &Identity, options: &S3Options, region: Option<&str>) -> Client {
    let mut builder = aws_sdk_s3::config::Builder::from(&identity.config);
    match region {
        Some(r) => builder = builder.region(Region::new(r.to_string())),
        None if identity.config.region().is_none() => {
            builder = builder.region(Region::new(DEFAULT_REGION))
        }
        None => {}
    }
    if options.endpoint_url.is_some() {
        builder = builder.force_path_style(true);
    }
    Client::from_conf(builder.build())
}

/// Which keys to scan (`--include-key`, `--exclude-key`; `*` matches across `/`).
struct KeyFilter {
    include: Option<GlobSet>,
    exclude: GlobSet,
    buckets: GlobSet,
}

impl KeyFilter {
    fn new(options: &S3Options) -> Result<KeyFilter, String> {
        let include = if options.include_keys.is_empty() {
            None
        } else {
            Some(glob_set(&options.include_keys, "--include-key")?)
        };
        Ok(KeyFilter {
            include,
            exclude: glob_set(&options.exclude_keys, "--exclude-key")?,
            buckets: glob_set(&options.exclude_buckets, "--exclude-bucket")?,
        })
    }

    fn wants(&self, key: &str) -> bool {
        self.include.as_ref().is_none_or(|s| s.is_match(key)) && !self.exclude.is_match(key)
    }
}

fn glob_set(globs: &[String], flag: &str) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for g in globs {
        builder.add(Glob::new(g).map_err(|e| format!("{flag} {g:?}: {e}"))?);
    }
    builder.build().map_err(|e| format!("{flag}: {e}"))
}

/// A bucket to list: its name, the prefix, and which identities may try it (in order).
struct Plan {
    bucket: String,
    prefix: String,
    identities: Vec<usize>,
}

/// The buckets to visit: the targets named (any identity may try them, in order), then,
/// with `--all-buckets`, each identity's buckets not named yet. Returns the failures of
/// ListBuckets too.
async fn plan_buckets(
    identities: &[Identity],
    options: &S3Options,
    targets: &[S3Url],
    keys: &KeyFilter,
) -> (Vec<Plan>, Vec<PathNote>) {
    let all: Vec<usize> = (0..identities.len()).collect();
    let mut plans: Vec<Plan> = targets
        .iter()
        .map(|t| Plan {
            bucket: t.bucket.clone(),
            prefix: t.prefix.clone(),
            identities: all.clone(),
        })
        .collect();
    let mut failed = Vec::new();
    if options.all_buckets {
        // A named target is tried with every identity already; a listed bucket with every
        // identity that listed it, in order (the first may be denied what another may read).
        let named = plans.len();
        let mut planned: HashMap<String, usize> = plans
            .iter()
            .enumerate()
            .map(|(i, p)| (p.bucket.clone(), i))
            .collect();
        for (i, identity) in identities.iter().enumerate() {
            match list_buckets(&client_for(identity, options, None)).await {
                Ok(names) => {
                    for name in names.into_iter().filter(|n| !keys.buckets.is_match(n)) {
                        match planned.get(&name) {
                            Some(&p) if p >= named => plans[p].identities.push(i),
                            Some(_) => {}
                            None => {
                                planned.insert(name.clone(), plans.len());
                                plans.push(Plan {
                                    bucket: name,
                                    prefix: String::new(),
                                    identities: vec![i],
                                });
                            }
                        }
                    }
                }
                Err(e) => failed.push(PathNote {
                    path: LIST_BUCKETS_PATH.into(),
                    reason: match &identity.role {
                        Some(role) => format!("ListBuckets as {role}: {e}"),
                        None => format!("ListBuckets: {e}"),
                    },
                }),
            }
        }
    }
    (plans, failed)
}

/// List every target bucket; returns the ListBuckets failures and, in target order, each
/// bucket's listing.
async fn list_all(
    identities: &[Identity],
    options: &S3Options,
    targets: &[S3Url],
    keys: Arc<KeyFilter>,
) -> (Vec<PathNote>, Vec<BucketListing>) {
    let (plans, failed) = plan_buckets(identities, options, targets, &keys).await;
    let limit = Arc::new(Semaphore::new(LIST_CONCURRENCY));
    let mut tasks = JoinSet::new();
    for (index, plan) in plans.into_iter().enumerate() {
        let tries: Vec<Identity> = plan
            .identities
            .iter()
            .map(|&i| identities[i].clone())
            .collect();
        let options = options.clone();
        let keys = Arc::clone(&keys);
        let limit = Arc::clone(&limit);
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let mut last = None;
            for identity in &tries {
                let listed =
                    list_bucket(&plan.bucket, &plan.prefix, identity, &options, &keys).await;
                // Another identity may be allowed what this one is denied.
                let denied = listed.error.is_some() && listed.objects.is_empty();
                last = Some(listed);
                if !denied {
                    break;
                }
            }
            (index, last)
        });
    }
    let mut listed = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok(pair) = joined {
            listed.push(pair);
        }
    }
    listed.sort_by_key(|(i, _)| *i);
    (failed, listed.into_iter().filter_map(|(_, b)| b).collect())
}

async fn list_buckets(client: &Client) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut pages = client.list_buckets().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| describe(&e))?;
        names.extend(
            page.buckets()
                .iter()
                .filter_map(|b| b.name().map(str::to_string)),
        );
    }
    names.sort();
    Ok(names)
}

/// Resolve the bucket's region, then list its objects under `prefix`.
async fn list_bucket(
    bucket: &str,
    prefix: &str,
    identity: &Identity,
    options: &S3Options,
    keys: &KeyFilter,
) -> BucketListing {
    let default_client = &client_for(identity, options, None);
    let mut out = BucketListing {
        bucket: bucket.to_string(),
        region: String::new(),
        role: identity.role.clone(),
        client: None,
        objects: Vec::new(),
        skipped: Vec::new(),
        bytes_skipped: 0,
        error: None,
        located: false,
    };
    let default_region = default_client
        .config()
        .region()
        .map_or(DEFAULT_REGION.to_string(), |r| r.to_string());
    let region = match bucket_region(default_client, bucket).await {
        Ok(r) => r.unwrap_or(default_region.clone()),
        Err(e) => {
            out.region = default_region;
            out.error = Some(e);
            return out;
        }
    };
    out.located = true;
    let client = if region == default_region {
        default_client.clone()
    } else {
        client_for(identity, options, Some(&region))
    };
    out.region = region;
    let payer = options.request_payer.then_some(RequestPayer::Requester);
    let mut pages = client
        .list_objects_v2()
        .bucket(bucket)
        .set_prefix((!prefix.is_empty()).then(|| prefix.to_string()))
        .set_request_payer(payer.clone())
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                let listed = out.objects.len() + out.skipped.len();
                out.error = Some(if listed == 0 {
                    format!("ListObjectsV2: {}", describe(&e))
                } else {
                    format!(
                        "ListObjectsV2 stopped after {listed} objects: {}",
                        describe(&e)
                    )
                });
                break;
            }
        };
        for object in page.contents() {
            let Some(key) = object.key() else { continue };
            if key.ends_with('/') && object.size().unwrap_or(0) == 0 {
                continue; // a "folder" marker
            }
            if !keys.wants(key) {
                continue;
            }
            let size = object.size().unwrap_or(0).max(0) as u64;
            let skip = |reason: String| PathNote {
                path: format!("s3://{bucket}/{key}"),
                reason,
            };
            if let Some(max) = options.max_object_size
                && size > max
            {
                out.skipped.push(skip(format!(
                    "object of {size} bytes is larger than --max-object-size ({max} bytes)"
                )));
                out.bytes_skipped += size;
                continue;
            }
            if let Some(class) = object.storage_class()
                && matches!(
                    class,
                    ObjectStorageClass::Glacier | ObjectStorageClass::DeepArchive
                )
                && !restored(&client, bucket, key, payer.clone()).await
            {
                out.skipped.push(skip(format!(
                    "storage class {}: archived and not restored",
                    class.as_str()
                )));
                out.bytes_skipped += size;
                continue;
            }
            out.objects.push((key.to_string(), size));
        }
    }
    out.client = Some(client);
    out
}

/// The bucket's region: HeadBucket's answer (or its `x-amz-bucket-region` header on a
/// redirect or a denial), else GetBucketLocation; `Ok(None)` when the store names none.
async fn bucket_region(client: &Client, bucket: &str) -> Result<Option<String>, String> {
    let head_error = match client.head_bucket().bucket(bucket).send().await {
        Ok(out) => return Ok(out.bucket_region().map(str::to_string)),
        Err(e) => {
            if let Some(region) = e
                .raw_response()
                .and_then(|r| r.headers().get("x-amz-bucket-region"))
            {
                return Ok(Some(region.to_string()));
            }
            if status(&e) == Some(404) {
                return Err(format!(
                    "NoSuchBucket: the bucket {bucket:?} does not exist"
                ));
            }
            if e.raw_response().is_none() {
                // No answer at all (network, timeout): asking the same endpoint again won't help.
                return Err(format!("HeadBucket: {}", describe(&e)));
            }
            describe(&e)
        }
    };
    match client.get_bucket_location().bucket(bucket).send().await {
        Ok(out) => Ok(Some(
            match out.location_constraint().map(|c| c.as_str()) {
                None | Some("") => DEFAULT_REGION,
                Some("EU") => "eu-west-1",
                Some(other) => other,
            }
            .to_string(),
        )),
        // Neither answered (a denial, typically): try the listing in the default region,
        // which says what is wrong if it fails too.
        Err(_) if head_error.starts_with("AccessDenied") => Ok(None),
        Err(e) => Err(format!(
            "HeadBucket: {head_error}; GetBucketLocation: {}",
            describe(&e)
        )),
    }
}

/// Whether an archived (GLACIER, DEEP_ARCHIVE) object has a restored copy to read.
async fn restored(client: &Client, bucket: &str, key: &str, payer: Option<RequestPayer>) -> bool {
    match client
        .head_object()
        .bucket(bucket)
        .key(key)
        .set_request_payer(payer)
        .send()
        .await
    {
        Ok(head) => head
            .restore()
            .is_some_and(|r| r.contains("ongoing-request=\"false\"")),
        Err(_) => false,
    }
}

pub(crate) fn status<E, R: HasStatus>(e: &SdkError<E, R>) -> Option<u16> {
    e.raw_response().map(HasStatus::status)
}

pub trait HasStatus {
    fn status(&self) -> u16;
}

impl HasStatus for HttpResponse {
    fn status(&self) -> u16 {
        self.status().as_u16()
    }
}

/// One line for an SDK error: the S3 error code and message with the HTTP status, or what
/// went wrong on the way (timeout, network, credentials).
pub fn describe<E, R>(e: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: HasStatus + std::fmt::Debug,
{
    match e {
        SdkError::ServiceError(ctx) => {
            let status = ctx.raw().status();
            let code = ctx.err().code().map(str::to_string).unwrap_or_else(|| {
                match status {
                    301 => "PermanentRedirect",
                    400 => "BadRequest",
                    403 => "AccessDenied",
                    404 => "NotFound",
                    412 => "PreconditionFailed",
                    503 => "SlowDown",
                    _ => "Error",
                }
                .to_string()
            });
            match ctx.err().message() {
                Some(m) if !m.is_empty() => format!("{code}: {m} (HTTP {status})"),
                _ => format!("{code} (HTTP {status})"),
            }
        }
        SdkError::TimeoutError(_) => "request timed out".into(),
        SdkError::DispatchFailure(_) => {
            // The innermost cause says what happened ("Connection refused (os error 111)").
            let mut cause: &dyn std::error::Error = e;
            while let Some(next) = cause.source() {
                cause = next;
            }
            format!("network error: {cause}")
        }
        _ => DisplayErrorContext(e).to_string(),
    }
}

/// Streams one object: a GetObject, then, when the body breaks off or stalls, Range
/// requests from the byte reached (pinned to the object's ETag). Holds one body chunk.
struct ObjectReader<'a> {
    source: &'a S3Source,
    object: &'a S3Object,
    body: Option<ByteStream>,
    chunk: Bytes,
    delivered: u64,
    /// The object's length, from the first response.
    length: Option<u64>,
    etag: Option<String>,
    deadline: Instant,
    resumes: u32,
}

impl ObjectReader<'_> {
    fn remaining(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "not read within the per-object timeout ({} s) after {} bytes",
                    self.source.options.object_timeout.as_secs(),
                    self.delivered
                ),
            ));
        }
        Ok(left.min(STALL_TIMEOUT))
    }

    /// (Re)issue the GetObject from the byte reached.
    fn request(&mut self) -> io::Result<()> {
        let o = self.object;
        let wait = self.remaining()?;
        let mut get = o
            .client
            .get_object()
            .bucket(&o.bucket)
            .key(&o.key)
            .set_request_payer(
                self.source
                    .options
                    .request_payer
                    .then_some(RequestPayer::Requester),
            );
        if self.delivered > 0 {
            get = get
                .range(format!("bytes={}-", self.delivered))
                .set_if_match(self.etag.clone());
        }
        let answer = self
            .source
            .runtime
            .block_on(async { tokio::time::timeout(wait, get.send()).await });
        let out = match answer {
            Err(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "GetObject: no answer in time",
                ));
            }
            Ok(Err(e)) => {
                let what = if self.delivered > 0 {
                    format!("GetObject (resuming at byte {})", self.delivered)
                } else {
                    "GetObject".to_string()
                };
                return Err(io::Error::other(format!("{what}: {}", describe(&e))));
            }
            Ok(Ok(out)) => out,
        };
        if self.delivered == 0 {
            self.length = out.content_length().map(|n| n.max(0) as u64);
            self.etag = out.e_tag().map(str::to_string);
        }
        self.body = Some(out.body);
        Ok(())
    }

    /// After a broken or stalled body: resume with a Range request, a few times at most.
    fn resume(&mut self, why: String) -> io::Result<()> {
        self.body = None;
        if self.resumes >= MAX_RESUMES {
            return Err(io::Error::other(format!(
                "download broken after {} bytes, {} resumptions: {why}",
                self.delivered, self.resumes
            )));
        }
        self.resumes += 1;
        self.request()
    }
}

impl Read for ObjectReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if !self.chunk.is_empty() {
                let n = buf.len().min(self.chunk.len());
                buf[..n].copy_from_slice(&self.chunk[..n]);
                self.chunk.advance(n);
                self.delivered += n as u64;
                return Ok(n);
            }
            if self.length.is_some_and(|len| self.delivered >= len) || buf.is_empty() {
                return Ok(0);
            }
            let wait = self.remaining()?;
            let Some(body) = self.body.as_mut() else {
                self.request()?;
                continue;
            };
            let next = self
                .source
                .runtime
                .block_on(async { tokio::time::timeout(wait, body.next()).await });
            match next {
                Ok(Some(Ok(bytes))) => self.chunk = bytes,
                Ok(Some(Err(e))) => self.resume(format!("{}", DisplayErrorContext(&e)))?,
                Ok(None) if self.length.is_none() => return Ok(0),
                Ok(None) => self.resume(format!(
                    "connection closed at byte {} of {}",
                    self.delivered,
                    self.length.unwrap_or(0)
                ))?,
                Err(_) => self.resume(format!(
                    "no data for {} s at byte {}",
                    wait.as_secs(),
                    self.delivered
                ))?,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_s3_urls() {
        assert_eq!(
            S3Url::parse("s3://logs/2026/11/"),
            Some(Ok(S3Url {
                bucket: "logs".into(),
                prefix: "2026/11/".into()
            }))
        );
        assert_eq!(
            S3Url::parse("s3://logs"),
            Some(Ok(S3Url {
                bucket: "logs".into(),
                prefix: String::new()
            }))
        );
        assert!(matches!(S3Url::parse("s3://"), Some(Err(_))));
        assert!(matches!(S3Url::parse("s3:///x"), Some(Err(_))));
        assert_eq!(S3Url::parse("logs/s3:/x"), None);
        assert_eq!(S3Url::parse("/var/log"), None);
    }

    #[test]
    fn key_globs_cross_slashes() {
        let options = S3Options {
            include_keys: vec!["*.gz".into()],
            exclude_keys: vec!["archive/*".into()],
            ..S3Options::default()
        };
        let keys = KeyFilter::new(&options).expect("globs");
        assert!(keys.wants("2026/11/28/app.log.gz"));
        assert!(!keys.wants("2026/11/28/app.log"));
        assert!(!keys.wants("archive/2025/app.log.gz"));
        let bad = S3Options {
            include_keys: vec!["[".into()],
            ..S3Options::default()
        };
        assert!(KeyFilter::new(&bad).is_err());
    }
}
