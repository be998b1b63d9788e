//! Compressed, archived, UTF-16 and binary inputs, made here: every planted secret is
//! found at `path!member` and line; bombs, truncation and corruption end in a summary
//! entry, never a crash or a hang.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;

use common::{Gen, scan_json};
use flate2::Compression;
use flate2::write::GzEncoder;

struct Plant {
    secret: String,
    text: String,
}

/// `lines` lines of ordinary log text with a JSESSIONID cookie on line `at` (1-based).
fn log_with_secret(g: &mut Gen, lines: usize, at: usize) -> Plant {
    let secret = g.hex_upper(32);
    let mut text = String::new();
    for i in 1..=lines {
        if i == at {
            text.push_str(&format!(
                "10.0.0.7 - - [02/Nov/2026:10:00:00 +0000] \"GET /account HTTP/1.1\" 200 1 \"Cookie: JSESSIONID={secret}\"\n"
            ));
        } else {
            text.push_str(&format!(
                "10.0.0.{} - - [02/Nov/2026:10:00:00 +0000] \"GET /static/{i}.css HTTP/1.1\" 200 {}\n",
                i % 250,
                i * 13
            ));
        }
    }
    Plant { secret, text }
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).expect("tar");
    }
    b.into_inner().expect("tar")
}

fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in members {
        w.start_file(
            *name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .expect("zip");
        w.write_all(data).expect("zip");
    }
    w.finish().expect("zip").into_inner()
}

fn finding<'a>(report: &'a serde_json::Value, secret: &str) -> Option<&'a serde_json::Value> {
    report["findings"]
        .as_array()?
        .iter()
        .find(|f| f["secret"] == secret)
}

/// The first location of `secret`: (path relative to `root`, line).
fn located(report: &serde_json::Value, root: &Path, secret: &str) -> (String, Option<u64>) {
    let f = finding(report, secret).unwrap_or_else(|| {
        panic!(
            "{secret} not found; report: {}",
            serde_json::to_string_pretty(report).unwrap_or_default()
        )
    });
    let loc = &f["locations"][0];
    let path = loc["path"].as_str().unwrap_or_default();
    let rel = path
        .strip_prefix(&format!("{}/", root.display()))
        .unwrap_or(path)
        .to_string();
    (rel, loc["line"].as_u64())
}

fn note_for(report: &serde_json::Value, list: &str, path_end: &str) -> Option<String> {
    report["summary"][list]
        .as_array()?
        .iter()
        .find(|n| n["path"].as_str().is_some_and(|p| p.ends_with(path_end)))
        .and_then(|n| n["reason"].as_str().map(String::from))
}

#[test]
fn compressed_and_archived_members_are_found_with_their_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mut g = Gen::new(0xdec0de);

    // A multi-member gzip (as pigz and logrotate write it): the secret is in member two.
    let first = log_with_secret(&mut g, 40, 0);
    let second = log_with_secret(&mut g, 40, 7);
    let mut multi = gz(first.text.as_bytes());
    multi.extend(gz(second.text.as_bytes()));
    fs::write(root.join("access.log.2.gz"), multi).expect("write");

    // gzip whose name does not say so.
    let unnamed = log_with_secret(&mut g, 30, 12);
    fs::write(root.join("app.log-20261101"), gz(unnamed.text.as_bytes())).expect("write");

    let zst = log_with_secret(&mut g, 30, 3);
    fs::write(
        root.join("journal.log.zst"),
        zstd::encode_all(zst.text.as_bytes(), 3).expect("zstd"),
    )
    .expect("write");

    let bz = log_with_secret(&mut g, 30, 4);
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    e.write_all(bz.text.as_bytes()).expect("bz2");
    fs::write(root.join("old.log.bz2"), e.finish().expect("bz2")).expect("write");

    let xz = log_with_secret(&mut g, 30, 5);
    let mut w =
        lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(1)).expect("xz");
    w.write_all(xz.text.as_bytes()).expect("xz");
    fs::write(root.join("older.log.xz"), w.finish().expect("xz")).expect("write");

    let pod = log_with_secret(&mut g, 20, 3);
    let bundle = tar(&[
        ("bundle/README", b"support bundle\n"),
        ("bundle/pod-1/container.log", pod.text.as_bytes()),
    ]);
    fs::write(root.join("bundle.tar.gz"), gz(&bundle)).expect("write");

    let plain = log_with_secret(&mut g, 10, 10);
    fs::write(
        root.join("plain.tar"),
        tar(&[("var/log/app.log", plain.text.as_bytes())]),
    )
    .expect("write");

    // zip holding a log and a tar.gz holding a log: a.zip!inner.tar.gz!x.log.
    let zipped = log_with_secret(&mut g, 10, 2);
    let deep = log_with_secret(&mut g, 10, 9);
    let inner = gz(&tar(&[("x.log", deep.text.as_bytes())]));
    fs::write(
        root.join("support.zip"),
        zip(&[
            ("logs/app.log", zipped.text.as_bytes()),
            ("inner.tar.gz", &inner),
        ]),
    )
    .expect("write");

    let report = scan_json(root, &[]);
    let expect = [
        (&second, "access.log.2.gz", 47),
        (&unnamed, "app.log-20261101", 12),
        (&zst, "journal.log.zst", 3),
        (&bz, "old.log.bz2", 4),
        (&xz, "older.log.xz", 5),
        (&pod, "bundle.tar.gz!bundle/pod-1/container.log", 3),
        (&plain, "plain.tar!var/log/app.log", 10),
        (&zipped, "support.zip!logs/app.log", 2),
        (&deep, "support.zip!inner.tar.gz!x.log", 9),
    ];
    for (plant, path, line) in expect {
        assert_eq!(
            located(&report, root, &plant.secret),
            (path.to_string(), Some(line)),
            "{path}"
        );
    }
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(expect.len())
    );
    let s = &report["summary"];
    assert_eq!(s["files_failed"], 0, "{s}");
    assert_eq!(s["files_scanned"], 8, "{s}");
    assert!(s["archive_members_scanned"].as_u64() >= Some(5), "{s}");

    // The same member path in every format.
    let (_, sarif) = common::scan(&[&root.to_string_lossy(), "--format", "sarif"]);
    assert!(sarif.contains("support.zip!inner.tar.gz!x.log"));
    let (_, human) = common::scan(&[&root.to_string_lossy(), "--no-color"]);
    assert!(human.contains("bundle.tar.gz!bundle/pod-1/container.log:3:"));
}

#[test]
fn bombs_and_depth_limits_end_in_summary_entries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mut g = Gen::new(0xb0b);
    // A secret, then 64 MB of one repeated line: the ratio guard stops it, the secret is
    // still found.
    let head = log_with_secret(&mut g, 5, 2);
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    e.write_all(head.text.as_bytes()).expect("gzip");
    let filler = "a".repeat(127) + "\n";
    let block = filler.repeat(8192);
    for _ in 0..64 {
        e.write_all(block.as_bytes()).expect("gzip");
    }
    let bomb = e.finish().expect("gzip");
    assert!(bomb.len() < 1 << 20);
    fs::write(root.join("bomb.log.gz"), bomb).expect("write");

    // gzip inside gzip inside gzip inside gzip inside gzip: deeper than --max-archive-depth 2.
    let deep = log_with_secret(&mut g, 5, 1);
    let mut nested = deep.text.clone().into_bytes();
    for _ in 0..3 {
        nested = gz(&nested);
    }
    fs::write(root.join("nested.gz"), nested).expect("write");

    let report = scan_json(root, &["--max-archive-depth", "2"]);
    assert_eq!(located(&report, root, &head.secret).1, Some(2));
    let reason = note_for(&report, "skipped", "bomb.log.gz").expect("bomb note");
    assert!(reason.contains("compression ratio"), "{reason}");
    let reason = note_for(&report, "skipped", "nested.gz").expect("depth note");
    assert!(reason.contains("--max-archive-depth"), "{reason}");
    assert!(finding(&report, &deep.secret).is_none());

    // The decompressed-size cap bites too.
    let report = scan_json(
        root,
        &[
            "--max-decompressed-size",
            "2MiB",
            "--max-compression-ratio",
            "100000",
        ],
    );
    assert!(finding(&report, &head.secret).is_some());
    let reason = note_for(&report, "skipped", "bomb.log.gz").expect("size note");
    assert!(reason.contains("--max-decompressed-size"), "{reason}");
}

#[test]
fn corrupt_inputs_keep_what_decoded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mut g = Gen::new(0xbad);

    // A truncated .gz: the secret early in it is found, the truncation is a failure entry.
    let big = log_with_secret(&mut g, 20_000, 100);
    let whole = gz(big.text.as_bytes());
    fs::write(root.join("cut.log.gz"), &whole[..whole.len() * 6 / 10]).expect("write");

    // A zip whose central directory is gone.
    let z = log_with_secret(&mut g, 10, 4);
    let mut broken = zip(&[("a.log", z.text.as_bytes())]);
    broken.truncate(broken.len() - 30);
    fs::write(root.join("broken.zip"), broken).expect("write");

    // A tar whose member is cut short.
    let t = log_with_secret(&mut g, 400, 5);
    let mut short = tar(&[("short.log", t.text.as_bytes()), ("after.log", b"x\n")]);
    short.truncate(512 + t.text.len() / 2);
    fs::write(root.join("short.tar"), short).expect("write");

    // Junk that only looks like gzip.
    let mut junk = vec![0x1f, 0x8b, 0x08, 0x00];
    junk.extend((0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    fs::write(root.join("junk.gz"), junk).expect("write");

    let report = scan_json(root, &[]);
    assert_eq!(located(&report, root, &big.secret).1, Some(100));
    assert_eq!(
        located(&report, root, &z.secret),
        ("broken.zip!a.log".into(), Some(4))
    );
    assert_eq!(
        located(&report, root, &t.secret),
        ("short.tar!short.log".into(), Some(5))
    );
    for (path, word) in [
        ("cut.log.gz", "gzip"),
        ("broken.zip", "central directory"),
        ("short.tar", "tar"),
        ("junk.gz", "gzip"),
    ] {
        let reason = note_for(&report, "failed", path)
            .unwrap_or_else(|| panic!("no note for {path}: {}", report["summary"]));
        assert!(reason.contains(word), "{path}: {reason}");
    }
}

#[test]
fn utf16_crlf_and_binary_content() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mut g = Gen::new(0x16);

    // A Windows event export: UTF-16LE with a BOM and CRLF line ends.
    let le_secret = g.hex_upper(32);
    let text = format!(
        "Event 1\r\nÉvénement 2 ok\r\nSet-Cookie: JSESSIONID={le_secret}; Path=/\r\nEvent 4\r\n"
    );
    let mut le = vec![0xff, 0xfe];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    fs::write(root.join("events.txt"), le).expect("write");

    // UTF-16BE without a BOM.
    let be_secret = g.hex_upper(32);
    let text = format!("first line\nsecond Cookie: JSESSIONID={be_secret}\n");
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    fs::write(root.join("export-be.log"), be).expect("write");

    // CRLF UTF-8.
    let crlf_secret = g.hex_upper(32);
    fs::write(
        root.join("win.log"),
        format!("a\r\nb\r\nCookie: JSESSIONID={crlf_secret}\r\n"),
    )
    .expect("write");

    // A real SQLite database holding a logged cookie.
    let db_secret = g.hex_upper(32);
    let db = root.join("sessions.db");
    let conn = rusqlite::Connection::open(&db).expect("sqlite");
    conn.execute_batch("CREATE TABLE requests (id INTEGER PRIMARY KEY, headers TEXT);")
        .expect("sqlite");
    for i in 0..50 {
        let headers = if i == 37 {
            format!("Host: shop.example.org\nCookie: JSESSIONID={db_secret}")
        } else {
            format!("Host: shop.example.org\nAccept: */*\nX-Req: {i}")
        };
        conn.execute("INSERT INTO requests (headers) VALUES (?1)", [headers])
            .expect("insert");
    }
    drop(conn);

    // A PNG that happens to carry a token-like string: media is skipped, not scanned.
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    png.extend(format!("Cookie: JSESSIONID={}", g.hex_upper(32)).as_bytes());
    fs::write(root.join("screenshot.png"), png).expect("write");

    let report = scan_json(root, &[]);
    let f = finding(&report, &le_secret).expect("utf-16le secret");
    assert_eq!(f["locations"][0]["line"], 3);
    assert_eq!(f["locations"][0]["column"], 24);
    assert!(
        f["context"]
            .as_str()
            .is_some_and(|c| c.starts_with("Set-Cookie: JSESSIONID="))
    );
    assert_eq!(located(&report, root, &be_secret).1, Some(2));
    let f = finding(&report, &crlf_secret).expect("crlf secret");
    assert_eq!(f["locations"][0]["line"], 3);
    assert!(!f["context"].as_str().unwrap_or_default().contains('\r'));
    let f = finding(&report, &db_secret).expect("sqlite secret");
    assert!(f["locations"][0]["line"].is_null());
    assert!(f["locations"][0]["offset"].as_u64().is_some_and(|o| o > 0));
    let reason = note_for(&report, "skipped", "screenshot.png").expect("media note");
    assert!(reason.contains("PNG"), "{reason}");
    // Four secrets, and the weak Set-Cookie (no HttpOnly, Secure, SameSite) of the export.
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(5));

    let report = scan_json(root, &["--skip-binary"]);
    assert!(finding(&report, &db_secret).is_none());
    assert!(note_for(&report, "skipped", "sessions.db").is_some());
}
