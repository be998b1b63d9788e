//! Test fixtures made at test time: secrets come from a seeded generator, so nothing
//! live-looking is committed and every run plants the same values.
#![allow(dead_code)]

use std::path::Path;

use assert_cmd::Command;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// SplitMix64: small, seeded, good enough for made-up tokens.
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn from(&mut self, alphabet: &str, n: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..n)
            .map(|_| chars[(self.next() % chars.len() as u64) as usize])
            .collect()
    }

    pub fn hex_upper(&mut self, n: usize) -> String {
        self.from("0123456789ABCDEF", n)
    }

    pub fn hex(&mut self, n: usize) -> String {
        self.from("0123456789abcdef", n)
    }

    pub fn alnum(&mut self, n: usize) -> String {
        self.from(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            n,
        )
    }

    pub fn upper_alnum(&mut self, n: usize) -> String {
        self.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", n)
    }

    pub fn lower_alnum(&mut self, n: usize) -> String {
        self.from("abcdefghijklmnopqrstuvwxyz0123456789", n)
    }

    pub fn b64(&mut self, n: usize) -> String {
        self.from(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            n,
        )
    }

    pub fn b64url(&mut self, n: usize) -> String {
        self.from(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            n,
        )
    }

    pub fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..]
        )
    }

    /// A JWT with the given header and payload JSON and a made-up signature.
    pub fn jwt(&mut self, header: &str, payload: &str, signed: bool) -> String {
        let sig = if signed {
            self.b64url(43)
        } else {
            String::new()
        };
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload),
            sig
        )
    }
}

pub fn basic(user: &str, password: &str) -> String {
    STANDARD.encode(format!("{user}:{password}"))
}

pub fn leakhound() -> Command {
    let mut cmd = Command::cargo_bin("leakhound").expect("binary");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// Run `leakhound scan` with `args`; returns (exit code, stdout, stderr), whatever the code.
pub fn scan_any(args: &[&str]) -> (i32, String, String) {
    let out = leakhound()
        .arg("scan")
        .arg("--no-progress")
        .args(args)
        .output()
        .expect("run leakhound");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run `leakhound scan` with `args`, which must exit 0 or 1; returns (exit code, stdout).
pub fn scan(args: &[&str]) -> (i32, String) {
    let (code, stdout, stderr) = scan_any(args);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    (code, stdout)
}

/// The JSON report of a scan of `path` with raw secrets.
pub fn scan_json(path: &Path, extra: &[&str]) -> serde_json::Value {
    let p = path.to_string_lossy();
    let mut args = vec![p.as_ref(), "--format", "json", "--show-secrets"];
    args.extend_from_slice(extra);
    let (_, stdout) = scan(&args);
    serde_json::from_str(&stdout).expect("json report")
}

/// (rule_id, secret) of every finding.
pub fn found(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["secret"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}
