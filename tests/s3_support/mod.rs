//! Test support for the S3 tests: a moto S3 server on 127.0.0.1 and a free port (started per
//! test, killed on drop), fixture helpers over aws-sdk-s3, a throttling proxy
//! ([`proxy::ThrottleProxy`]) and a `leakhound` runner whose environment cannot pick up
//! anything AWS-related from the host.
//!
//! moto is installed by `scripts/test` into `target/moto-venv` (from PyPI,
//! `moto[server]>=5.2.5`), which exports `LEAKHOUND_MOTO_SERVER`. Without it these tests fail:
//! they never skip.
//!
//! # What moto (5.2.5, server mode) enforces, found by experiment and in its source
//!
//! * **Auth is off by default.** Any access key and any signature is accepted, and the
//!   credential scope of the `Authorization` header only routes the request to a service.
//!   IAM (user policies, signature checks) is enforced only once the number of requests
//!   reaches `INITIAL_NO_AUTH_ACTION_COUNT` (env var, default infinity). Counting requests
//!   is fragile (the SDK's retries and HeadBucket/GetBucketLocation calls all count), so
//!   these tests leave the variable unset, do the whole setup unauthenticated, then
//!   `POST /moto-api/reset-auth` with body `0` ([`Moto::enforce_auth`]): from that request
//!   on every request must be SigV4-signed with the keys of an IAM user created in moto
//!   (the setup keys then get `InvalidAccessKeyId`), and that user's policies are
//!   evaluated: an explicit `Deny` of `s3:GetObject` on `arn:aws:s3:::bucket/key` makes
//!   GetObject of exactly that key answer a real `403` with an `<Code>AccessDenied</Code>`
//!   XML body, while listing the bucket and reading its other keys work.
//!   That is how [`Moto::create_user`] + [`Moto::enforce_auth`] give "an object the
//!   credentials may not read".
//! * **Bucket policies** with `Effect: Deny` on `s3:GetObject` are enforced even with auth
//!   off, but moto then answers `403` with an EMPTY body (no `AccessDenied` code), so the
//!   IAM route above is the more faithful one.
//! * **Anonymous (unsigned) requests**: with auth off, moto serves unsigned ListObjectsV2
//!   of any bucket (bucket ACLs are not checked for listing) and unsigned GetObject of an
//!   object whose ACL is public-read; an unsigned GetObject of a private object gets `403`
//!   (empty body). With auth enforced, moto cannot handle unsigned requests at all (it
//!   answers `500`: it looks up the missing `Authorization` header), so the
//!   `--no-sign-request` tests run with auth off. The private-object 403 still proves that
//!   leakhound really sent unsigned requests: a signed request would have been served.
//! * **STS/IAM at the same endpoint**: moto_server serves every service on one port and
//!   routes by the credential scope, so `--role-arn` (AssumeRole) works against it; with
//!   auth enforced, AssumeRole checks the caller's `sts:AssumeRole` permission and the
//!   role's trust policy, and requests signed with the temporary credentials are evaluated
//!   against the role's policies.
//! * Throttling (`503 SlowDown`), broken downloads and stalled responses cannot be produced
//!   by moto; they come from [`proxy::ThrottleProxy`], which sits between leakhound and moto.
//!
//! Sources: moto's docs/docs/iam.rst (INITIAL_NO_AUTH_ACTION_COUNT "defaults to infinity,
//! thus moto will never perform any authentication"), moto/core/authorization.py and
//! moto/moto_api/_internal/responses.py (`reset-auth` sets the count and zeroes the request
//! counter), moto/s3/responses.py `_key_response` (bucket-policy Deny and object-ACL checks
//! for unsigned requests, both with empty 403 bodies), moto/iam/access_control.py
//! (IAMRequestBase reads `Authorization` unconditionally: the 500 for unsigned requests),
//! getmoto/moto#6637 (resource-level S3 permissions in IAM policies), getmoto/moto#2892
//! (bucket policies in server mode); all checked against moto 5.2.5 by experiment.
#![allow(dead_code)]

pub mod proxy;

use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_s3::Client;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketCannedAcl, ObjectCannedAcl, RestoreRequest, StorageClass};

/// moto's default account.
pub const MOTO_ACCOUNT: &str = "123456789012";

/// Keys for the unauthenticated setup phase (moto accepts anything then).
pub const SETUP_KEY: &str = "testing";
pub const SETUP_SECRET: &str = "testing";

/// Where the moto_server executable is: `LEAKHOUND_MOTO_SERVER`, else the venv that
/// `scripts/test` makes. Panics (the test fails) when neither exists.
pub fn moto_server_path() -> PathBuf {
    if let Some(p) = std::env::var_os("LEAKHOUND_MOTO_SERVER") {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "LEAKHOUND_MOTO_SERVER={} does not exist; run scripts/test, which installs moto \
             into target/moto-venv",
            p.display()
        );
        return p;
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/moto-venv/bin/moto_server");
    assert!(
        venv.is_file(),
        "moto_server not found: neither LEAKHOUND_MOTO_SERVER is set nor {} exists. \
         Run scripts/test (it installs moto[server]>=5.2.5 into target/moto-venv and \
         exports LEAKHOUND_MOTO_SERVER)",
        venv.display()
    );
    venv
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    l.local_addr().expect("local addr").port()
}

/// One raw HTTP/1.1 request to 127.0.0.1:port; returns (status, body). For moto's own
/// /moto-api endpoints and the readiness probe.
pub fn http_request(
    port: u16,
    method: &str,
    path: &str,
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {text:?}")))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// A moto S3 server on 127.0.0.1, killed when dropped, with an SDK client for setup.
pub struct Moto {
    child: Child,
    pub port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
    pub rt: tokio::runtime::Runtime,
    pub client: Client,
}

impl Moto {
    pub fn start() -> Moto {
        let exe = moto_server_path();
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("moto.log");
        // The port can be taken between free_port() and moto's bind: try a few.
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port();
            let logf = fs::File::create(&log).expect("moto log");
            let mut child = StdCommand::new(&exe)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env_remove("INITIAL_NO_AUTH_ACTION_COUNT")
                .stdin(Stdio::null())
                .stdout(logf.try_clone().expect("log fd"))
                .stderr(logf)
                .spawn()
                .unwrap_or_else(|e| panic!("start {}: {e}", exe.display()));
            // Not a timed assertion: a generous bound so that a hung start fails the test
            // instead of hanging it (the machine is slow and shared).
            let deadline = Instant::now() + Duration::from_secs(180);
            loop {
                if let Some(status) = child.try_wait().expect("try_wait") {
                    last = format!(
                        "moto_server exited with {status}: {}",
                        fs::read_to_string(&log).unwrap_or_default()
                    );
                    break;
                }
                if let Ok((200, _)) = http_request(port, "GET", "/moto-api/data.json", b"") {
                    return Moto::ready(child, port, log, dir);
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "moto_server on port {port} did not answer: {}",
                        fs::read_to_string(&log).unwrap_or_default()
                    );
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        panic!("could not start moto_server: {last}");
    }

    fn ready(child: Child, port: u16, log: PathBuf, dir: tempfile::TempDir) -> Moto {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let client = sdk_client(&format!("http://127.0.0.1:{port}"), SETUP_KEY, SETUP_SECRET);
        Moto {
            child,
            port,
            log,
            _dir: dir,
            rt,
            client,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn create_bucket(&self, bucket: &str) {
        self.rt
            .block_on(self.client.create_bucket().bucket(bucket).send())
            .unwrap_or_else(|e| panic!("create bucket {bucket}: {e:?}"));
    }

    /// A bucket whose ACL is public-read.
    pub fn create_public_bucket(&self, bucket: &str) {
        self.rt
            .block_on(
                self.client
                    .create_bucket()
                    .bucket(bucket)
                    .acl(BucketCannedAcl::PublicRead)
                    .send(),
            )
            .unwrap_or_else(|e| panic!("create bucket {bucket}: {e:?}"));
    }

    pub fn put(&self, bucket: &str, key: &str, body: &[u8]) {
        self.put_with(bucket, key, body, None);
    }

    /// An object with the public-read canned ACL.
    pub fn put_public(&self, bucket: &str, key: &str, body: &[u8]) {
        self.put_with(bucket, key, body, Some(ObjectCannedAcl::PublicRead));
    }

    fn put_with(&self, bucket: &str, key: &str, body: &[u8], acl: Option<ObjectCannedAcl>) {
        self.rt
            .block_on(
                self.client
                    .put_object()
                    .bucket(bucket)
                    .key(key)
                    .set_acl(acl)
                    .body(ByteStream::from(body.to_vec()))
                    .send(),
            )
            .unwrap_or_else(|e| panic!("put s3://{bucket}/{key}: {e:?}"));
    }

    /// An object in an archive storage class (GLACIER, DEEP_ARCHIVE, ...).
    pub fn put_archived(&self, bucket: &str, key: &str, body: &[u8], class: StorageClass) {
        self.rt
            .block_on(
                self.client
                    .put_object()
                    .bucket(bucket)
                    .key(key)
                    .storage_class(class)
                    .body(ByteStream::from(body.to_vec()))
                    .send(),
            )
            .unwrap_or_else(|e| panic!("put s3://{bucket}/{key}: {e:?}"));
    }

    /// RestoreObject (moto restores at once: HeadObject then reports
    /// `x-amz-restore: ongoing-request="false", ...` and GetObject serves the object).
    pub fn restore(&self, bucket: &str, key: &str) {
        self.rt
            .block_on(
                self.client
                    .restore_object()
                    .bucket(bucket)
                    .key(key)
                    .restore_request(RestoreRequest::builder().days(1).build())
                    .send(),
            )
            .unwrap_or_else(|e| panic!("restore s3://{bucket}/{key}: {e:?}"));
    }

    /// Many objects, a few requests in flight at a time.
    pub fn put_many(&self, bucket: &str, objects: Vec<(String, Vec<u8>)>) {
        self.rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for (key, body) in objects {
                while set.len() >= 16 {
                    set.join_next().await.expect("task").expect("join");
                }
                let c = self.client.clone();
                let bucket = bucket.to_string();
                set.spawn(async move {
                    c.put_object()
                        .bucket(&bucket)
                        .key(&key)
                        .body(ByteStream::from(body))
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("put s3://{bucket}/{key}: {e:?}"));
                });
            }
            while let Some(r) = set.join_next().await {
                r.expect("join");
            }
        });
    }

    /// A bucket in `region` (CreateBucket with a LocationConstraint).
    pub fn create_bucket_in(&self, bucket: &str, region: &str) {
        use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
        self.rt
            .block_on(
                self.client
                    .create_bucket()
                    .bucket(bucket)
                    .create_bucket_configuration(
                        CreateBucketConfiguration::builder()
                            .location_constraint(BucketLocationConstraint::from(region))
                            .build(),
                    )
                    .send(),
            )
            .unwrap_or_else(|e| panic!("create bucket {bucket} in {region}: {e:?}"));
    }

    pub fn put_bucket_policy(&self, bucket: &str, policy: &str) {
        self.rt
            .block_on(
                self.client
                    .put_bucket_policy()
                    .bucket(bucket)
                    .policy(policy)
                    .send(),
            )
            .unwrap_or_else(|e| panic!("put policy {bucket}: {e:?}"));
    }

    /// Every key of `bucket` (ListObjectsV2, paginated).
    pub fn list_keys(&self, client: &Client, bucket: &str) -> Vec<String> {
        self.rt.block_on(async {
            let mut keys = Vec::new();
            let mut token = None;
            loop {
                let out = client
                    .list_objects_v2()
                    .bucket(bucket)
                    .set_continuation_token(token)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("list {bucket}: {e:?}"));
                keys.extend(
                    out.contents()
                        .iter()
                        .filter_map(|o| o.key().map(String::from)),
                );
                token = out.next_continuation_token().map(String::from);
                if token.is_none() {
                    break;
                }
            }
            keys
        })
    }

    /// The body of one object read with `client`.
    pub fn get(&self, client: &Client, bucket: &str, key: &str) -> Result<Vec<u8>, String> {
        self.rt.block_on(async {
            match client.get_object().bucket(bucket).key(key).send().await {
                Ok(out) => Ok(out
                    .body
                    .collect()
                    .await
                    .map_err(|e| e.to_string())?
                    .to_vec()),
                Err(e) => Err(format!("{:?}", e.into_service_error())),
            }
        })
    }

    /// One IAM query-API call (moto routes it by the credential scope in the Authorization
    /// header; with auth off the signature is not checked). The IAM SDK is not a dependency.
    fn iam(&self, params: &[(&str, &str)]) -> String {
        let mut body = String::from("Version=2010-05-08");
        for (k, v) in params {
            body.push('&');
            body.push_str(k);
            body.push('=');
            body.push_str(&urlencode(v));
        }
        let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).expect("connect moto");
        let head = format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\n\
             X-Amz-Date: 20260101T000000Z\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential={SETUP_KEY}/20260101/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=00\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.port,
            body.len()
        );
        s.write_all(head.as_bytes()).expect("write");
        s.write_all(body.as_bytes()).expect("write");
        let mut out = String::new();
        s.read_to_string(&mut out).expect("read");
        assert!(
            out.starts_with("HTTP/1.1 200") || out.starts_with("HTTP/1.0 200"),
            "IAM {params:?}: {out}"
        );
        out
    }

    /// An IAM user with one inline policy and an access key; returns (key id, secret).
    /// Only meaningful once [`Moto::enforce_auth`] is called.
    pub fn create_user(&self, name: &str, policy: &str) -> (String, String) {
        self.iam(&[("Action", "CreateUser"), ("UserName", name)]);
        self.iam(&[
            ("Action", "PutUserPolicy"),
            ("UserName", name),
            ("PolicyName", "leakhound-test"),
            ("PolicyDocument", policy),
        ]);
        let out = self.iam(&[("Action", "CreateAccessKey"), ("UserName", name)]);
        (
            xml_text(&out, "AccessKeyId").expect("AccessKeyId"),
            xml_text(&out, "SecretAccessKey").expect("SecretAccessKey"),
        )
    }

    /// An IAM role that `trusted_user` may assume, with one inline policy; returns its ARN.
    pub fn create_role(&self, name: &str, trusted_user: &str, policy: &str) -> String {
        let trust = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{MOTO_ACCOUNT}:user/{trusted_user}")},
                "Action": "sts:AssumeRole"
            }]
        })
        .to_string();
        let out = self.iam(&[
            ("Action", "CreateRole"),
            ("RoleName", name),
            ("AssumeRolePolicyDocument", &trust),
        ]);
        self.iam(&[
            ("Action", "PutRolePolicy"),
            ("RoleName", name),
            ("PolicyName", "leakhound-test"),
            ("PolicyDocument", policy),
        ]);
        xml_text(&out, "Arn").expect("role Arn")
    }

    /// From now on moto checks signatures and IAM policies on every request (see the
    /// module docs). The setup client stops working.
    pub fn enforce_auth(&self) {
        let (status, body) =
            http_request(self.port, "POST", "/moto-api/reset-auth", b"0").expect("reset-auth");
        assert_eq!(status, 200, "reset-auth: {body}");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An S3 client for `endpoint` with static keys, path-style, us-east-1, standard retries.
pub fn sdk_client(endpoint: &str, key: &str, secret: &str) -> Client {
    let conf = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .credentials_provider(Credentials::new(key, secret, None, None, "leakhound-tests"))
        .retry_config(aws_sdk_s3::config::retry::RetryConfig::standard().with_max_attempts(10))
        .build();
    Client::from_conf(conf)
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{tag}>"))? + start;
    Some(xml[start..end].to_string())
}

/// Credentials for a leakhound run.
#[derive(Clone)]
pub struct Creds {
    pub key: String,
    pub secret: String,
}

impl Creds {
    pub fn setup() -> Creds {
        Creds {
            key: SETUP_KEY.into(),
            secret: SETUP_SECRET.into(),
        }
    }
}

/// The result of one leakhound run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The JSON report; panics with stderr when stdout is not one.
    pub fn report(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "exit {}: stdout is not a JSON report ({e}): {}\nstderr: {}",
                self.code, self.stdout, self.stderr
            )
        })
    }
}

/// Runs `leakhound scan --format json --show-secrets --no-progress ARGS` with an environment
/// that holds only test credentials: every AWS_* variable of the host is removed, the config
/// and credentials files point to a file that does not exist, IMDS is off, and no proxy is
/// configured.
pub fn leakhound_scan(args: &[&str], creds: Option<&Creds>) -> Run {
    run_scan(None, args, creds)
}

/// [`leakhound_scan`] under a Python wrapper (moto's venv) that reports the peak resident
/// memory of leakhound (getrusage of the waited-for child); returns it in kB.
pub fn leakhound_scan_peak_rss(args: &[&str], creds: Option<&Creds>) -> (Run, u64) {
    let python = moto_server_path().with_file_name("python");
    let mut run = run_scan(Some(&python), args, creds);
    let (rest, rss) = run
        .stderr
        .rsplit_once("\nPEAK_RSS_KB=")
        .unwrap_or_else(|| panic!("no PEAK_RSS_KB from the wrapper: {}", run.stderr));
    let rss = rss.trim().parse().expect("peak rss");
    run.stderr = rest.to_string();
    (run, rss)
}

const RSS_WRAPPER: &str = "import resource, subprocess, sys\n\
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n\
sys.stdout.buffer.write(p.stdout)\n\
sys.stderr.buffer.write(p.stderr)\n\
sys.stderr.write('\\nPEAK_RSS_KB=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n\
sys.exit(p.returncode)\n";

fn run_scan(wrapper: Option<&Path>, args: &[&str], creds: Option<&Creds>) -> Run {
    let mut full = vec![
        "scan",
        "--format",
        "json",
        "--show-secrets",
        "--no-progress",
    ];
    full.extend_from_slice(args);
    run_leakhound(wrapper, &full, creds)
}

/// Runs `leakhound ARGS` (any subcommand) in the same clean environment as
/// [`leakhound_scan`].
pub fn leakhound(args: &[&str], creds: Option<&Creds>) -> Run {
    run_leakhound(None, args, creds)
}

fn run_leakhound(wrapper: Option<&Path>, args: &[&str], creds: Option<&Creds>) -> Run {
    let home = tempfile::tempdir().expect("tempdir");
    let missing = home.path().join("no-such-aws-file");
    let bin = env!("CARGO_BIN_EXE_leakhound");
    let mut cmd = match wrapper {
        Some(python) => {
            let mut c = StdCommand::new(python);
            c.args(["-c", RSS_WRAPPER, bin]);
            c
        }
        None => StdCommand::new(bin),
    };
    cmd.env_remove("NO_COLOR");
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        let upper = k.to_ascii_uppercase();
        if upper.starts_with("AWS_")
            || upper.ends_with("_PROXY")
            || upper == "LEAKHOUND_MOTO_SERVER"
        {
            cmd.env_remove(&k);
        }
    }
    let creds = creds.cloned().unwrap_or_else(Creds::setup);
    cmd.env("AWS_ACCESS_KEY_ID", &creds.key)
        .env("AWS_SECRET_ACCESS_KEY", &creds.secret)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", &missing)
        .env("AWS_SHARED_CREDENTIALS_FILE", &missing)
        .env("NO_PROXY", "127.0.0.1")
        .env("HOME", home.path())
        .stdin(Stdio::null())
        .args(args);
    let out = cmd.output().expect("run leakhound");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
