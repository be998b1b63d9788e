//! Read a bucket's configuration from S3 (read-only calls): Block Public Access at bucket
//! and account level, ACL, object ownership, policy and policy status, default encryption,
//! access logging, versioning, and, with `--probe-anonymous`, unsigned read requests.
//! Each answer is kept as "set", "not set" or "could not read (why)"; judging is left to
//! the pure modules beside this one.

use aws_config::BehaviorVersion;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::types::PublicAccessBlockConfiguration;

use crate::source::s3::{BucketRef, S3Source, describe, status};

/// `Ok(Some(v))`: set; `Ok(None)`: not configured; `Err(why)`: could not be read.
pub type Fetched<T> = Result<Option<T>, String>;

/// The four Block Public Access switches (`None`: not given).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlockFlags {
    pub block_public_acls: Option<bool>,
    pub ignore_public_acls: Option<bool>,
    pub block_public_policy: Option<bool>,
    pub restrict_public_buckets: Option<bool>,
}

impl BlockFlags {
    fn from_sdk(c: &PublicAccessBlockConfiguration) -> BlockFlags {
        BlockFlags {
            block_public_acls: c.block_public_acls(),
            ignore_public_acls: c.ignore_public_acls(),
            block_public_policy: c.block_public_policy(),
            restrict_public_buckets: c.restrict_public_buckets(),
        }
    }
}

/// One ACL grant: the grantee (group URI, canonical id or e-mail) and the permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclGrant {
    pub grantee: String,
    pub permission: String,
}

/// What unsigned requests could do (`--probe-anonymous`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnonymousProbe {
    /// HeadBucket answered 200.
    pub head: bool,
    /// ListObjectsV2 answered; the first key listed, if any.
    pub list: Option<Option<String>>,
    /// GetObject of that key answered 200 (one byte asked for).
    pub get: bool,
}

/// Everything read about one bucket.
#[derive(Debug, Clone)]
pub struct BucketFacts {
    pub bucket: String,
    pub region: String,
    pub bucket_block: Fetched<BlockFlags>,
    pub account_block: Fetched<BlockFlags>,
    pub acl: Fetched<Vec<AclGrant>>,
    /// `BucketOwnerEnforced`, `BucketOwnerPreferred` or `ObjectWriter`.
    pub ownership: Fetched<String>,
    pub policy: Fetched<String>,
    pub policy_status: Fetched<bool>,
    /// The default encryption algorithms (`AES256`, `aws:kms`, ...).
    pub encryption: Fetched<Vec<String>>,
    /// The target bucket of server access logs.
    pub logging: Fetched<String>,
    /// `Enabled` or `Suspended`.
    pub versioning: Fetched<String>,
    pub probe: Option<AnonymousProbe>,
}

/// Read the configuration of `buckets`; `account_block` is read once per identity.
pub fn gather(source: &S3Source, buckets: &[BucketRef], probe: bool) -> Vec<BucketFacts> {
    source.block_on(async {
        let mut accounts: Vec<(Option<String>, Fetched<BlockFlags>)> = Vec::new();
        let mut out = Vec::new();
        for b in buckets {
            let account_block = match accounts.iter().find(|(role, _)| *role == b.role) {
                Some((_, block)) => block.clone(),
                None => {
                    let block = account_block(source, b).await;
                    accounts.push((b.role.clone(), block.clone()));
                    block
                }
            };
            let mut facts = bucket_facts(&b.client, &b.bucket, &b.region).await;
            facts.account_block = account_block;
            if probe {
                facts.probe = Some(probe_anonymous(source, b).await);
            }
            out.push(facts);
        }
        out
    })
}

/// "Not configured" answers come as errors with these codes.
const NOT_SET: &[&str] = &[
    "NoSuchPublicAccessBlockConfiguration",
    "NoSuchBucketPolicy",
    "OwnershipControlsNotFoundError",
    "ServerSideEncryptionConfigurationNotFoundError",
];

fn fetched<T, E, R>(answer: Result<Option<T>, SdkError<E, R>>) -> Fetched<T>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: crate::source::s3::HasStatus + std::fmt::Debug,
{
    match answer {
        Ok(v) => Ok(v),
        Err(e)
            if e.as_service_error()
                .and_then(|s| s.code())
                .is_some_and(|c| NOT_SET.contains(&c)) =>
        {
            Ok(None)
        }
        Err(e) => Err(describe(&e)),
    }
}

async fn bucket_facts(client: &Client, bucket: &str, region: &str) -> BucketFacts {
    let bucket_block = fetched(
        client
            .get_public_access_block()
            .bucket(bucket)
            .send()
            .await
            .map(|o| {
                o.public_access_block_configuration()
                    .map(BlockFlags::from_sdk)
            }),
    );
    let acl = fetched(
        client
            .get_bucket_acl()
            .bucket(bucket)
            .send()
            .await
            .map(|o| {
                Some(
                    o.grants()
                        .iter()
                        .map(|g| AclGrant {
                            grantee: g
                                .grantee()
                                .and_then(|e| e.uri().or(e.id()).or(e.email_address()))
                                .unwrap_or("?")
                                .to_string(),
                            permission: g
                                .permission()
                                .map_or("?".to_string(), |p| p.as_str().to_string()),
                        })
                        .collect(),
                )
            }),
    );
    let ownership = fetched(
        client
            .get_bucket_ownership_controls()
            .bucket(bucket)
            .send()
            .await
            .map(|o| {
                o.ownership_controls()
                    .and_then(|c| c.rules().first())
                    .map(|r| r.object_ownership().as_str().to_string())
            }),
    );
    let policy = fetched(
        client
            .get_bucket_policy()
            .bucket(bucket)
            .send()
            .await
            .map(|o| o.policy().map(str::to_string)),
    );
    let policy_status = match &policy {
        Ok(Some(_)) => fetched(
            client
                .get_bucket_policy_status()
                .bucket(bucket)
                .send()
                .await
                .map(|o| o.policy_status().and_then(|s| s.is_public())),
        ),
        _ => Ok(None),
    };
    let encryption = fetched(
        client
            .get_bucket_encryption()
            .bucket(bucket)
            .send()
            .await
            .map(|o| {
                o.server_side_encryption_configuration().map(|c| {
                    c.rules()
                        .iter()
                        .filter_map(|r| r.apply_server_side_encryption_by_default())
                        .map(|d| d.sse_algorithm().as_str().to_string())
                        .collect()
                })
            }),
    );
    let logging = fetched(
        client
            .get_bucket_logging()
            .bucket(bucket)
            .send()
            .await
            .map(|o| o.logging_enabled().map(|l| l.target_bucket().to_string())),
    );
    let versioning = match client.get_bucket_versioning().bucket(bucket).send().await {
        Ok(o) => Ok(o.status().map(|s| s.as_str().to_string())),
        // A 200 whose body names no status in a form the SDK knows (some S3-compatible
        // stores answer an empty document of another name): versioning was never enabled.
        Err(e) if status(&e) == Some(200) => Ok(None),
        Err(e) => Err(describe(&e)),
    };
    BucketFacts {
        bucket: bucket.to_string(),
        region: region.to_string(),
        bucket_block,
        account_block: Ok(None),
        acl,
        ownership,
        policy,
        policy_status,
        encryption,
        logging,
        versioning,
        probe: None,
    }
}

/// The account-level Block Public Access of the identity reading `bucket`: the account id
/// from STS GetCallerIdentity, then s3control GetPublicAccessBlock. With a custom endpoint
/// the account id is not put in front of the host name.
async fn account_block(source: &S3Source, bucket: &BucketRef) -> Fetched<BlockFlags> {
    let options = source.options();
    if options.no_sign_request {
        return Err("not readable without credentials (--no-sign-request)".into());
    }
    let config = source.sdk_config(bucket);
    let sts = aws_sdk_sts::Client::new(config);
    let account = match sts.get_caller_identity().send().await {
        Ok(out) => out.account().map(str::to_string),
        Err(e) => return Err(format!("STS GetCallerIdentity: {}", describe(&e))),
    };
    let Some(account) = account else {
        return Err("STS GetCallerIdentity gave no account id".into());
    };
    let mut builder = aws_sdk_s3control::config::Builder::from(config)
        .region(aws_config::Region::new(bucket.region.clone()));
    if let Some(url) = &options.endpoint_url {
        builder = builder.endpoint_resolver(FixedEndpoint(url.clone()));
    }
    let control = aws_sdk_s3control::Client::from_conf(builder.build());
    fetched(
        control
            .get_public_access_block()
            .account_id(&account)
            .send()
            .await
            .map(|o| {
                o.public_access_block_configuration().map(|c| BlockFlags {
                    block_public_acls: c.block_public_acls(),
                    ignore_public_acls: c.ignore_public_acls(),
                    block_public_policy: c.block_public_policy(),
                    restrict_public_buckets: c.restrict_public_buckets(),
                })
            }),
    )
}

/// s3control's resolver puts the account id in front of the host (`123….s3-control…`); a
/// custom endpoint (a test server, a private gateway) is used as given instead.
#[derive(Debug)]
pub struct FixedEndpoint(pub String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

/// Unsigned HeadBucket, ListObjectsV2 (one key) and GetObject (one byte of that key): what
/// anyone on the internet can do. Never writes.
async fn probe_anonymous(source: &S3Source, bucket: &BucketRef) -> AnonymousProbe {
    let options = source.options();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .no_credentials()
        .region(aws_config::Region::new(bucket.region.clone()));
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    let client = Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(options.endpoint_url.is_some())
            .build(),
    );
    let mut probe = AnonymousProbe {
        head: client
            .head_bucket()
            .bucket(&bucket.bucket)
            .send()
            .await
            .is_ok(),
        ..AnonymousProbe::default()
    };
    if let Ok(list) = client
        .list_objects_v2()
        .bucket(&bucket.bucket)
        .max_keys(1)
        .send()
        .await
    {
        let key = list
            .contents()
            .first()
            .and_then(|o| o.key())
            .map(str::to_string);
        probe.list = Some(key);
    }
    let listed_key = probe.list.clone().flatten();
    let key = match listed_key {
        Some(k) => Some(k),
        // Not listable anonymously: try a key the signed listing can see.
        None => bucket
            .client
            .list_objects_v2()
            .bucket(&bucket.bucket)
            .max_keys(1)
            .send()
            .await
            .ok()
            .and_then(|l| {
                l.contents()
                    .first()
                    .and_then(|o| o.key())
                    .map(str::to_string)
            }),
    };
    if let Some(key) = key {
        probe.get = client
            .get_object()
            .bucket(&bucket.bucket)
            .key(&key)
            .range("bytes=0-0")
            .send()
            .await
            .is_ok();
    }
    probe
}
