//! Limits on what one file may expand into: decompressed bytes, compression ratio,
//! archive depth and entries. A limit that bites ends the stream with a [`LimitHit`]
//! error; what was read before it is still scanned.

use std::cell::Cell;
use std::fmt;
use std::io::{self, Read};
use std::rc::Rc;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Nested containers (compression layers and archives) followed at most.
    pub max_depth: u32,
    /// Decompressed bytes per file, all layers together.
    pub max_decompressed: u64,
    /// Decompressed bytes per compressed byte read.
    pub max_ratio: u64,
    /// Entries per archive.
    pub max_entries: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 4,
            max_decompressed: 16 << 30,
            max_ratio: 200,
            max_entries: 100_000,
        }
    }
}

/// The ratio is checked once this much has been decompressed (tiny files compress well).
const RATIO_FLOOR: u64 = 1 << 20;

/// Why a stream was stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitHit {
    Decompressed(u64),
    Ratio(u64),
}

impl fmt::Display for LimitHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitHit::Decompressed(max) => write!(
                f,
                "decompressed size passed --max-decompressed-size ({max} bytes); the rest was not scanned"
            ),
            LimitHit::Ratio(max) => write!(
                f,
                "compression ratio passed --max-compression-ratio ({max}:1, a decompression bomb?); the rest was not scanned"
            ),
        }
    }
}

impl std::error::Error for LimitHit {}

/// The limit behind an I/O error, if a limit ended the stream.
pub fn limit_of(err: &io::Error) -> Option<&LimitHit> {
    err.get_ref().and_then(|e| e.downcast_ref::<LimitHit>())
}

/// What one file has consumed so far: compressed bytes in, decompressed bytes out.
#[derive(Debug, Clone)]
pub struct Budget {
    limits: Limits,
    read: Rc<Cell<u64>>,
    inflated: Rc<Cell<u64>>,
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget {
            limits,
            read: Rc::new(Cell::new(0)),
            inflated: Rc::new(Cell::new(0)),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Count the raw bytes read from the file.
    pub fn count_input<R: Read>(&self, inner: R) -> Counted<R> {
        Counted {
            inner,
            read: Rc::clone(&self.read),
        }
    }

    /// Guard a decompressor's output.
    pub fn guard<R: Read>(&self, inner: R) -> Guarded<R> {
        Guarded {
            inner,
            budget: self.clone(),
        }
    }

    fn charge(&self, n: u64) -> Result<(), LimitHit> {
        let out = self.inflated.get() + n;
        self.inflated.set(out);
        if out > self.limits.max_decompressed {
            return Err(LimitHit::Decompressed(self.limits.max_decompressed));
        }
        let input = self.read.get().max(1);
        if out > RATIO_FLOOR && out / input > self.limits.max_ratio {
            return Err(LimitHit::Ratio(self.limits.max_ratio));
        }
        Ok(())
    }
}

pub struct Counted<R> {
    inner: R,
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

impl<R: io::Seek> io::Seek for Counted<R> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

pub struct Guarded<R> {
    inner: R,
    budget: Budget,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.budget.charge(n as u64).map_err(io::Error::other)?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_and_size_limits_bite() {
        let budget = Budget::new(Limits {
            max_ratio: 10,
            max_decompressed: 100 << 20,
            ..Limits::default()
        });
        let mut input = budget.count_input(io::Cursor::new(vec![0u8; 1000]));
        let mut sink = vec![0u8; 1000];
        input.read_exact(&mut sink).expect("read");
        let mut zeros = budget.guard(io::repeat(0));
        let err = io::copy(&mut zeros, &mut io::sink()).expect_err("limit");
        assert_eq!(limit_of(&err), Some(&LimitHit::Ratio(10)));

        let budget = Budget::new(Limits {
            max_decompressed: 3 << 20,
            ..Limits::default()
        });
        let mut input = budget.count_input(io::Cursor::new(vec![0u8; 1 << 20]));
        io::copy(&mut input, &mut io::sink()).expect("read");
        let err = io::copy(&mut budget.guard(io::repeat(0)), &mut io::sink()).expect_err("limit");
        assert_eq!(limit_of(&err), Some(&LimitHit::Decompressed(3 << 20)));
    }
}
