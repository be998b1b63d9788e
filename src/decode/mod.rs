//! From raw bytes to scannable text: sniff the content, decompress (gzip, bzip2, xz,
//! zstd), unpack (tar, zip), transcode (UTF-16), streaming and within [`Limits`].
//! Members of archives are addressed as `outer.tar.gz!dir/member.log`.

mod limits;
pub mod sniff;

use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom};

pub use limits::{Budget, LimitHit, Limits, limit_of};
use sniff::{Kind, sniff};

/// What a leaf stream is, for how its positions are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Lines make sense: line and column are reported.
    Text,
    /// Bytes that are not text: only the offset is reported.
    Binary,
}

/// Receives the leaves of a decoded input and every note about it.
pub trait Visitor {
    /// Scan one leaf; returns the error that ended it early, if any.
    fn scan(&mut self, path: &str, content: Content, reader: &mut dyn Read) -> Option<io::Error>;
    /// A part passed over, with the reason.
    fn skipped(&mut self, path: &str, reason: String);
    /// A part that could not be read (in full), with the reason.
    fn failed(&mut self, path: &str, reason: String);
}

#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOptions {
    pub limits: Limits,
    /// Do not scan binary content.
    pub skip_binary: bool,
}

/// Where the bytes come from: a file can seek (zip needs it), a stream cannot.
pub enum Input<'a> {
    File(File),
    Stream(Box<dyn Read + 'a>),
}

/// Decode `input` (known to reports as `path`) and hand each leaf to `visitor`.
pub fn decode(input: Input<'_>, path: &str, options: &DecodeOptions, visitor: &mut dyn Visitor) {
    let budget = Budget::new(options.limits);
    let input = match input {
        Input::File(f) => Source::File(budget.count_input(f)),
        Input::Stream(r) => Source::Stream(Box::new(budget.count_input(r))),
    };
    let mut cx = Context {
        options,
        budget,
        visitor,
    };
    cx.decode(input, path, 0);
}

type CountedFile = limits::Counted<File>;

enum Source<'a> {
    File(CountedFile),
    Stream(Box<dyn Read + 'a>),
}

impl<'a> Source<'a> {
    fn into_reader(self) -> Box<dyn Read + 'a> {
        match self {
            Source::File(f) => Box::new(f),
            Source::Stream(r) => r,
        }
    }
}

/// Replays bytes already read, then an error that ended the reading early.
struct ThenFail {
    error: Option<io::Error>,
}

impl Read for ThenFail {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

/// Names the layer an error came from (limits pass through untouched).
struct Labeled<R> {
    inner: R,
    label: &'static str,
}

impl<R: Read> Read for Labeled<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if limit_of(&e).is_some() {
                e
            } else {
                io::Error::new(e.kind(), format!("{}: {e}", self.label))
            }
        })
    }
}

struct Context<'o, 'v> {
    options: &'o DecodeOptions,
    budget: Budget,
    visitor: &'v mut dyn Visitor,
}

impl Context<'_, '_> {
    fn decode<'a>(&mut self, source: Source<'a>, path: &str, depth: u32) {
        let mut source = source;
        let (header, header_error) = match &mut source {
            Source::File(f) => read_header_lossy(f),
            Source::Stream(r) => read_header_lossy(r.as_mut()),
        };
        let kind = sniff(&header);
        let nested_too_deep = depth >= self.budget.limits().max_depth;
        if (kind.is_compression() || matches!(kind, Kind::Tar | Kind::Zip)) && nested_too_deep {
            self.visitor.skipped(
                path,
                format!(
                    "{} nested deeper than --max-archive-depth ({})",
                    kind.name(),
                    self.budget.limits().max_depth
                ),
            );
            return;
        }
        // A seekable zip is read in place; everything else streams from the header on.
        if kind == Kind::Zip
            && header_error.is_none()
            && let Source::File(mut file) = source
        {
            if file.seek(SeekFrom::Start(0)).is_ok() {
                self.zip(file, path, depth + 1);
            } else {
                self.visitor
                    .failed(path, "zip: cannot seek to the start".into());
            }
            return;
        }
        let rest: Box<dyn Read + 'a> = match header_error {
            Some(e) => Box::new(ThenFail { error: Some(e) }),
            None => source.into_reader(),
        };
        let mut stream = Cursor::new(header).chain(rest);
        match kind {
            Kind::Media(what) => self
                .visitor
                .skipped(path, format!("{what}: media is not scanned")),
            Kind::Gzip => {
                let d = flate2::read::MultiGzDecoder::new(stream);
                self.decompressed(d, "gzip", path, depth);
            }
            Kind::Bzip2 => {
                let d = bzip2::read::MultiBzDecoder::new(stream);
                self.decompressed(d, "bzip2", path, depth);
            }
            Kind::Xz => {
                let d = lzma_rust2::XzReader::new(stream, true);
                self.decompressed(d, "xz", path, depth);
            }
            Kind::Zstd => match zstd::stream::read::Decoder::new(stream) {
                Ok(d) => self.decompressed(d, "zstd", path, depth),
                Err(e) => self.visitor.failed(path, format!("zstd: {e}")),
            },
            Kind::Tar => self.tar(stream, path, depth + 1),
            Kind::Zip => {
                // Inside another container: spool it to a private temporary file.
                match spool(stream) {
                    Ok(file) => self.zip(file, path, depth + 1),
                    Err(e) => self.visitor.failed(path, format!("zip: {e}")),
                }
            }
            Kind::Utf16Le | Kind::Utf16Be => {
                let encoding = if kind == Kind::Utf16Le {
                    encoding_rs::UTF_16LE
                } else {
                    encoding_rs::UTF_16BE
                };
                let mut text = encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(encoding))
                    .bom_override(true)
                    .build(stream);
                self.leaf(path, Content::Text, &mut text);
            }
            Kind::Binary if self.options.skip_binary => self
                .visitor
                .skipped(path, "binary content (--skip-binary)".into()),
            Kind::Binary => self.leaf(path, Content::Binary, &mut stream),
            Kind::Text => self.leaf(path, Content::Text, &mut stream),
        }
    }

    fn decompressed<R: Read>(&mut self, decoder: R, label: &'static str, path: &str, depth: u32) {
        let guarded = self.budget.guard(Labeled {
            inner: decoder,
            label,
        });
        self.decode(Source::Stream(Box::new(guarded)), path, depth + 1);
    }

    fn leaf(&mut self, path: &str, content: Content, reader: &mut dyn Read) {
        if let Some(err) = self.visitor.scan(path, content, reader) {
            self.note_error(path, &err);
        }
    }

    fn note_error(&mut self, path: &str, err: &io::Error) {
        match limit_of(err) {
            Some(limit) => self.visitor.skipped(path, limit.to_string()),
            None => self.visitor.failed(path, describe(err)),
        }
    }

    fn tar<'a>(&mut self, stream: impl Read + 'a, path: &str, depth: u32) {
        let mut archive = tar::Archive::new(stream);
        let entries = match archive.entries() {
            Ok(entries) => entries,
            Err(e) => {
                self.visitor.failed(path, format!("tar: {}", describe(&e)));
                return;
            }
        };
        let max = self.budget.limits().max_entries;
        let mut seen = 0u64;
        for entry in entries {
            let mut entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    match limit_of(&e) {
                        Some(limit) => self.visitor.skipped(path, limit.to_string()),
                        None => self.visitor.failed(
                            path,
                            format!("tar: {}; later members were not read", describe(&e)),
                        ),
                    }
                    return;
                }
            };
            if !entry.header().entry_type().is_file() {
                continue;
            }
            seen += 1;
            if seen > max {
                self.visitor.skipped(
                    path,
                    format!(
                        "more than {max} entries (--max-archive-entries): the rest were not scanned"
                    ),
                );
                return;
            }
            let name = entry.path_bytes();
            let member = format!("{path}!{}", String::from_utf8_lossy(&name));
            self.decode(Source::Stream(Box::new(&mut entry)), &member, depth);
        }
    }

    fn zip<R: Read + Seek>(&mut self, mut file: R, path: &str, depth: u32) {
        let mut archive = match zip::ZipArchive::new(&mut file) {
            Ok(archive) => archive,
            Err(e) => {
                // No usable central directory: read what the local headers give.
                self.visitor.failed(
                    path,
                    format!("zip: central directory unreadable ({e}); entries were read from their local headers"),
                );
                if file.seek(SeekFrom::Start(0)).is_ok() {
                    self.zip_stream(&mut file, path, depth);
                }
                return;
            }
        };
        let max = self.budget.limits().max_entries;
        let mut seen = 0u64;
        for index in 0..archive.len() {
            let name = archive.name_for_index(index).unwrap_or("?").to_string();
            let entry = match archive.by_index(index) {
                Ok(entry) => entry,
                Err(e) => {
                    self.visitor
                        .failed(&format!("{path}!{name}"), format!("zip: {e}"));
                    continue;
                }
            };
            if entry.is_dir() {
                continue;
            }
            seen += 1;
            if seen > max {
                self.visitor.skipped(
                    path,
                    format!(
                        "more than {max} entries (--max-archive-entries): the rest were not scanned"
                    ),
                );
                return;
            }
            let member = format!("{path}!{}", entry.name());
            let guarded = self.budget.guard(Labeled {
                inner: entry,
                label: "zip",
            });
            self.decode(Source::Stream(Box::new(guarded)), &member, depth);
        }
    }

    fn zip_stream<R: Read>(&mut self, reader: &mut R, path: &str, depth: u32) {
        let max = self.budget.limits().max_entries;
        let mut seen = 0u64;
        loop {
            match zip::read::read_zipfile_from_stream(reader) {
                Ok(Some(entry)) => {
                    if entry.is_dir() {
                        continue;
                    }
                    seen += 1;
                    if seen > max {
                        return;
                    }
                    let member = format!("{path}!{}", entry.name());
                    let guarded = self.budget.guard(Labeled {
                        inner: entry,
                        label: "zip",
                    });
                    self.decode(Source::Stream(Box::new(guarded)), &member, depth);
                }
                Ok(None) => return,
                Err(e) => {
                    self.visitor.failed(path, format!("zip: {e}"));
                    return;
                }
            }
        }
    }
}

/// Read the header; an error after some bytes keeps the bytes (they are still scanned).
fn read_header_lossy(reader: &mut dyn Read) -> (Vec<u8>, Option<io::Error>) {
    let mut header = Vec::new();
    let mut chunk = [0u8; 1024];
    while header.len() < sniff::HEADER {
        match reader.read(&mut chunk[..(sniff::HEADER - header.len()).min(1024)]) {
            Ok(0) => break,
            Ok(n) => header.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (header, Some(e)),
        }
    }
    (header, None)
}

/// Copy a stream to an anonymous temporary file (zip needs to seek).
fn spool(mut stream: impl Read) -> io::Result<File> {
    let mut file = tempfile::tempfile()?;
    io::copy(&mut stream, &mut file)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(file)
}

/// A short, clear reason for a read error.
pub fn describe(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::UnexpectedEof => format!("truncated: {err}"),
        io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput => format!("corrupt: {err}"),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}
