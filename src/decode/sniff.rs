//! What a stream holds, told from its first bytes (magic numbers), never from its name.

use std::io::{self, Read};

/// How many leading bytes the sniffer looks at.
pub const HEADER: usize = 8 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Gzip,
    Bzip2,
    Xz,
    Zstd,
    Zip,
    Tar,
    /// Images, audio, video: nothing to find, skipped and counted.
    Media(&'static str),
    Utf16Le,
    Utf16Be,
    /// Bytes that are not text (databases, captures, core dumps): scanned byte-wise.
    Binary,
    Text,
}

impl Kind {
    pub fn is_compression(self) -> bool {
        matches!(self, Kind::Gzip | Kind::Bzip2 | Kind::Xz | Kind::Zstd)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Gzip => "gzip",
            Kind::Bzip2 => "bzip2",
            Kind::Xz => "xz",
            Kind::Zstd => "zstd",
            Kind::Zip => "zip",
            Kind::Tar => "tar",
            Kind::Media(m) => m,
            Kind::Utf16Le => "UTF-16LE text",
            Kind::Utf16Be => "UTF-16BE text",
            Kind::Binary => "binary",
            Kind::Text => "text",
        }
    }
}

const MEDIA: &[(&[u8], usize, &str)] = &[
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"II*\x00", 0, "TIFF image"),
    (b"MM\x00*", 0, "TIFF image"),
    (b"\x00\x00\x01\x00", 0, "ICO image"),
    (b"ftyp", 4, "MP4/QuickTime video"),
    (b"\x1a\x45\xdf\xa3", 0, "Matroska/WebM video"),
    (b"OggS", 0, "Ogg media"),
    (b"fLaC", 0, "FLAC audio"),
    (b"ID3", 0, "MP3 audio"),
];

fn at(header: &[u8], offset: usize, magic: &[u8]) -> bool {
    header.get(offset..offset + magic.len()) == Some(magic)
}

/// Tell the kind of a stream from its first bytes.
pub fn sniff(header: &[u8]) -> Kind {
    if at(header, 0, b"\x1f\x8b") {
        return Kind::Gzip;
    }
    if at(header, 0, b"BZh") && header.get(3).is_some_and(|b| (b'1'..=b'9').contains(b)) {
        return Kind::Bzip2;
    }
    if at(header, 0, b"\xfd7zXZ\x00") {
        return Kind::Xz;
    }
    if at(header, 0, b"\x28\xb5\x2f\xfd") {
        return Kind::Zstd;
    }
    if at(header, 0, b"PK\x03\x04") || at(header, 0, b"PK\x05\x06") || at(header, 0, b"PK\x07\x08")
    {
        return Kind::Zip;
    }
    if at(header, 257, b"ustar") {
        return Kind::Tar;
    }
    for (magic, offset, name) in MEDIA {
        if at(header, *offset, magic) {
            return Kind::Media(name);
        }
    }
    if at(header, 0, b"RIFF") && header.len() >= 12 {
        match &header[8..12] {
            b"WEBP" => return Kind::Media("WebP image"),
            b"AVI " => return Kind::Media("AVI video"),
            b"WAVE" => return Kind::Media("WAV audio"),
            _ => {}
        }
    }
    if at(header, 0, b"\xff\xfe") {
        return Kind::Utf16Le;
    }
    if at(header, 0, b"\xfe\xff") {
        return Kind::Utf16Be;
    }
    if let Some(kind) = utf16_without_bom(header) {
        return kind;
    }
    if memchr::memchr(0, header).is_some() {
        return Kind::Binary;
    }
    Kind::Text
}

/// UTF-16 text without a BOM: mostly-ASCII text has a zero in every other byte.
fn utf16_without_bom(header: &[u8]) -> Option<Kind> {
    let n = header.len() & !1;
    if n < 16 {
        return None;
    }
    let pairs = n / 2;
    let (mut zero_even, mut zero_odd) = (0usize, 0usize);
    for pair in header[..n].chunks_exact(2) {
        zero_even += usize::from(pair[0] == 0);
        zero_odd += usize::from(pair[1] == 0);
    }
    let mostly = |z: usize| z * 10 >= pairs * 6;
    let rarely = |z: usize| z * 20 <= pairs;
    if mostly(zero_odd) && rarely(zero_even) {
        Some(Kind::Utf16Le)
    } else if mostly(zero_even) && rarely(zero_odd) {
        Some(Kind::Utf16Be)
    } else {
        None
    }
}

/// Read up to [`HEADER`] bytes (fewer only at the end of the stream).
pub fn read_header(reader: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut header = vec![0u8; HEADER];
    let mut filled = 0;
    while filled < HEADER {
        match reader.read(&mut header[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    header.truncate(filled);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_content() {
        assert_eq!(sniff(b"\x1f\x8b\x08\x00rest"), Kind::Gzip);
        assert_eq!(sniff(b"BZh91AY&SY"), Kind::Bzip2);
        assert_eq!(sniff(b"\xfd7zXZ\x00\x00"), Kind::Xz);
        assert_eq!(sniff(b"\x28\xb5\x2f\xfd\x00"), Kind::Zstd);
        assert_eq!(sniff(b"PK\x03\x04\x14\x00"), Kind::Zip);
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(sniff(&tar), Kind::Tar);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Kind::Media("PNG image"));
        assert_eq!(sniff(b"SQLite format 3\x00\x10\x00"), Kind::Binary);
        assert_eq!(sniff(b"\xff\xfeh\x00i\x00"), Kind::Utf16Le);
        let le: Vec<u8> = "2026-11-02 10:00:00 login ok\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(sniff(&le), Kind::Utf16Le);
        let be: Vec<u8> = "2026-11-02 10:00:00 login ok\r\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(sniff(&be), Kind::Utf16Be);
        assert_eq!(sniff(b"GET / HTTP/1.1 200\n"), Kind::Text);
        assert_eq!(sniff(b""), Kind::Text);
    }
}
