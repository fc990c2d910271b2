//! A columnar reader for delimited text files (police.uk CSV exports and their re-exports).
//!
//! Files are parsed in parallel (one rayon task per file) with RFC 4180 quoting (the `csv` crate)
//! and each wanted column is converted as it is read: text columns to categorical codes (one
//! dictionary per column, categories in order of first appearance across the files, as
//! `pandas.factorize` gives), numbers to `f64`, flags to `i8` and ISO 8601 timestamps to
//! nanoseconds since the Unix epoch (UTC). Nothing is dropped silently: every cell that cannot be
//! converted and every record with the wrong number of fields is returned as a [`Problem`] with its
//! file and line; the cell becomes missing and the row is kept (a record with the wrong number of
//! fields cannot be attributed to columns, so it is reported and left out). The guarantee, tested
//! with generated hostile files (`tests/io_csvscan_fuzz.rs`): every record of a file is either a row
//! or a reported [`ProblemKind::MalformedLine`] / [`ProblemKind::UnterminatedQuote`]; nothing is
//! lost unreported or read twice.
//!
//! Hostile input: a quote that opens a field and never closes (or closes in the middle of a later
//! field) would make an RFC 4180 parser swallow every following line into one field. A record that
//! spans several lines and is not well-formed RFC 4180 is therefore reported as
//! [`ProblemKind::UnterminatedQuote`] on its first line, and reading resumes on the next line.
//! Cells that are not valid UTF-8 are kept (invalid bytes replaced by U+FFFD) and reported
//! ([`ProblemKind::InvalidUtf8`]); timestamps outside the range of `i64` nanoseconds (before
//! 1677-09-21 or after 2262-04-11, what pandas can hold) are reported as
//! [`ProblemKind::OutOfRange`] instead of wrapping. Gzip input is decompressed with a bound
//! ([`MAX_GZIP_RATIO`], [`MIN_GZIP_LIMIT`]): a file that expands beyond it is refused before its
//! contents are held in memory.
//!
//! Cleaning, applied to every cell: surrounding whitespace is stripped and the null markers
//! `""`, `null`, `none`, `nan`, `n/a`, `na` (any case) mean missing. Missing text is the empty
//! category `""`.

use std::io::Read;
use std::path::PathBuf;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

pub use super::calendar::{month_codes, NAT};
use super::calendar::{parse_datetime, DateError};
use crate::cancel::Cancel;
use crate::error::{Error, Result};

/// What a column is converted to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ColumnKind {
    /// Text, returned as categorical codes into a dictionary.
    Category,
    /// A decimal number; values with `|x| > abs_max` are reported ([`ProblemKind::OutOfRange`]).
    Float {
        /// Largest allowed absolute value (e.g. 90 for a latitude).
        abs_max: f64,
    },
    /// `true/false`, `1/0`, `yes/no` (any case) to 1/0; missing is -1.
    Bool,
    /// An ISO 8601 date or timestamp (`2019-12-01T01:48:53+00:00`, `2023-12-01 03:40:12.000`,
    /// `2020-01-31`); offsets are applied, naive times are taken as UTC.
    DateTime,
}

choice! {
    /// A [`ColumnKind`] by name, as the Python reader passes it ([`ColumnKind::from_name`]).
    pub enum ColumnKindName("columns", "column kind") {
        /// [`ColumnKind::Category`].
        Category = "category",
        /// [`ColumnKind::Float`].
        Float = "float",
        /// [`ColumnKind::Bool`].
        Bool = "bool",
        /// [`ColumnKind::DateTime`].
        DateTime = "datetime",
    }
}

impl ColumnKind {
    /// The kind named `name`; `abs_max` is used by `Float` only.
    ///
    /// # Examples
    /// ```
    /// use saferstats::csvscan::{ColumnKind, ColumnKindName};
    /// let k = ColumnKind::from_name("float".parse::<ColumnKindName>().unwrap(), 90.0);
    /// assert_eq!(k, ColumnKind::Float { abs_max: 90.0 });
    /// ```
    pub fn from_name(name: ColumnKindName, abs_max: f64) -> Self {
        match name {
            ColumnKindName::Category => ColumnKind::Category,
            ColumnKindName::Float => ColumnKind::Float { abs_max },
            ColumnKindName::Bool => ColumnKind::Bool,
            ColumnKindName::DateTime => ColumnKind::DateTime,
        }
    }
}

/// One output column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    /// Name (used only in messages).
    pub name: String,
    /// Conversion.
    pub kind: ColumnKind,
    /// Report a missing value as a problem ([`ProblemKind::Missing`]).
    pub required: bool,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSpec {
    /// Path; a name ending in `.gz` is decompressed.
    pub path: PathBuf,
    /// Field delimiter (`b','` or `b';'`).
    pub delimiter: u8,
    /// For each field of the file's header, the output column it feeds (`None`: not wanted).
    /// Output columns fed by no field are missing in that file's rows.
    pub fields: Vec<Option<usize>>,
}

/// Why a cell or a record could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The record has a different number of fields from the header (the row is left out).
    MalformedLine,
    /// The value cannot be converted to the column's kind (the cell is missing).
    Unparsable,
    /// A number outside `[-abs_max, abs_max]`, or a timestamp outside 1677-09-21 – 2262-04-11
    /// (the cell is missing).
    OutOfRange,
    /// A required value is missing.
    Missing,
    /// The cell is not valid UTF-8 (kept, with the invalid bytes replaced by U+FFFD).
    InvalidUtf8,
    /// A quote opened a field on this line and did not close as RFC 4180 requires; the line is
    /// left out and reading resumes on the next line (without this, every following record would
    /// be swallowed into one field).
    UnterminatedQuote,
}

impl ProblemKind {
    /// The short label used in problem reports (`"malformed"`, `"unparsable"`, `"out of range"`,
    /// `"missing"`, `"invalid utf-8"`, `"unterminated quote"`).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(saferstats::csvscan::ProblemKind::OutOfRange.label(), "out of range");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            ProblemKind::MalformedLine => "malformed",
            ProblemKind::Unparsable => "unparsable",
            ProblemKind::OutOfRange => "out of range",
            ProblemKind::Missing => "missing",
            ProblemKind::InvalidUtf8 => "invalid utf-8",
            ProblemKind::UnterminatedQuote => "unterminated quote",
        }
    }
}

/// A cell or record that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Index of the file in the input list.
    pub file: u32,
    /// 1-based line on which the record starts.
    pub line: u64,
    /// Output row of the cell (`None` for a malformed record, which has no row).
    pub row: Option<usize>,
    /// Output column (`None` for a malformed record).
    pub column: Option<usize>,
    /// The offending text (for a malformed record, its first 80 bytes).
    pub value: String,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// A converted column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Codes into `categories` (no missing code: missing text is the category `""`).
    Category {
        /// One code per row.
        codes: Vec<i32>,
        /// Distinct cleaned values in order of first appearance.
        categories: Vec<String>,
    },
    /// Numbers; NaN where missing.
    Float(Vec<f64>),
    /// 1 true, 0 false, -1 missing.
    Bool(Vec<i8>),
    /// Nanoseconds since 1970-01-01T00:00Z; [`NAT`] where missing.
    DateTime(Vec<i64>),
}

/// The result of [`read_files`].
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// One entry per [`ColumnSpec`].
    pub columns: Vec<ColumnData>,
    /// Input file of each row.
    pub file: Vec<u32>,
    /// 1-based line on which each row's record starts.
    pub line: Vec<u64>,
    /// Rows read from each file.
    pub rows_per_file: Vec<usize>,
    /// Every cell and record that could not be used, in file and line order.
    pub problems: Vec<Problem>,
}

uninterruptible! {
    /// Read `files` into the columns `columns`, in parallel over files; rows keep file order.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] (naming the file, and the line where there is one) if a file cannot
    /// be opened or decompressed, expands beyond the gzip bound, its header has a quote that does not
    /// close on the header line or a different number of fields from its field map, or its field map
    /// points at a column that does not exist.
    ///
    /// # Examples
    /// ```
    /// use saferstats::csvscan::*;
    /// let dir = std::env::temp_dir().join("saferstats_csvscan_doc");
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("a.csv");
    /// std::fs::write(&path, "Type,Date,Lat\nPerson,2020-01-02T03:04:05+01:00,51.5\n Vehicle ,,north\n").unwrap();
    /// let cols = vec![
    ///     ColumnSpec { name: "type".into(), kind: ColumnKind::Category, required: false },
    ///     ColumnSpec { name: "date".into(), kind: ColumnKind::DateTime, required: true },
    ///     ColumnSpec { name: "lat".into(), kind: ColumnKind::Float { abs_max: 90.0 }, required: false },
    /// ];
    /// let files = vec![FileSpec { path, delimiter: b',', fields: vec![Some(0), Some(1), Some(2)] }];
    /// let t = read_files(&files, &cols).unwrap();
    /// assert_eq!(t.columns[0], ColumnData::Category { codes: vec![0, 1], categories: vec!["Person".into(), "Vehicle".into()] });
    /// assert_eq!(t.columns[1], ColumnData::DateTime(vec![1_577_930_645_000_000_000, NAT]));
    /// assert_eq!(t.line, vec![2, 3]);
    /// assert_eq!(t.problems.len(), 2); // the missing date and the latitude "north", both on line 3
    /// assert_eq!((t.problems[1].kind, t.problems[1].value.as_str()), (ProblemKind::Unparsable, "north"));
    /// ```
    pub fn read_files(files: &[FileSpec], columns: &[ColumnSpec]) -> Result<Table> = read_files_with;
}

/// [`read_files`], stopping with [`Error::Interrupted`] soon after `cancel` is set (polled per
/// file and every 65,536 records).
///
/// # Errors
/// As [`read_files`]; [`Error::Interrupted`] when cancelled.
///
/// # Examples
/// ```
/// use saferstats::cancel::Cancel;
/// let c = Cancel::new();
/// c.cancel();
/// let spec = saferstats::csvscan::FileSpec { path: "missing.csv".into(), delimiter: b',', fields: vec![] };
/// assert_eq!(
///     saferstats::csvscan::read_files_with(&[spec], &[], &c).unwrap_err(),
///     saferstats::Error::Interrupted
/// );
/// ```
pub fn read_files_with(
    files: &[FileSpec],
    columns: &[ColumnSpec],
    cancel: &Cancel,
) -> Result<Table> {
    for f in files {
        let mut used = vec![false; columns.len()];
        for &c in f.fields.iter().flatten() {
            match used.get_mut(c) {
                Some(u) if !*u => *u = true,
                _ => {
                    return Err(Error::argument(
                        "fields",
                        format!(
                        "{}: field map points at column {c} twice or past the {} defined columns",
                        f.path.display(),
                        columns.len()
                    ),
                    ))
                }
            }
        }
    }
    let parts: Vec<Part> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| read_one(u32::try_from(i).unwrap_or(u32::MAX), f, columns, cancel))
        .collect::<Result<_>>()?;
    Ok(merge(parts, columns))
}

/// One file's columns, with per-file dictionaries.
struct Part {
    cols: Vec<PartColumn>,
    line: Vec<u64>,
    problems: Vec<Problem>,
}

/// Distinct byte strings of one category column, numbered in order of first appearance.
///
/// Police data columns have a few to a few dozen distinct values, looked up once per cell
/// (about ten million lookups per million records), so a lookup first tries a small
/// direct-mapped cache indexed by a multiplicative hash of the key's signature (length, first
/// 8 bytes, last 8 bytes): one multiply, one load, one compare, and a byte comparison only for
/// keys longer than 16 bytes (shorter ones are determined by their signature). Misses go to a
/// hash map, then refresh the cache slot.
struct Interner {
    /// Code per cache slot (-1 empty).
    slots: Box<[i32; Interner::SLOTS]>,
    /// (length, first 8 bytes, last 8 bytes) of each key, by code.
    sigs: Vec<(usize, u64, u64)>,
    /// The keys, by code.
    keys: Vec<Vec<u8>>,
    /// Key → code.
    map: FxHashMap<Vec<u8>, i32>,
    /// Whether each key (by code) is not valid UTF-8.
    bad: Vec<bool>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner {
            slots: Box::new([-1; Interner::SLOTS]),
            sigs: Vec::new(),
            keys: Vec::new(),
            map: FxHashMap::default(),
            bad: Vec::new(),
        }
    }
}

impl Interner {
    const SLOTS: usize = 128;

    /// (length, first 8 bytes, last 8 bytes), zero-padded for short keys.
    #[inline]
    fn signature(key: &[u8]) -> (usize, u64, u64) {
        // plain 8-byte loads (no memcpy call) for the usual keys of 8 bytes or more
        match (key.first_chunk::<8>(), key.last_chunk::<8>()) {
            (Some(head), Some(tail)) => (
                key.len(),
                u64::from_le_bytes(*head),
                u64::from_le_bytes(*tail),
            ),
            _ => {
                let head = key
                    .iter()
                    .enumerate()
                    .fold(0u64, |w, (i, &b)| w | u64::from(b) << (8 * i));
                (key.len(), head, 0)
            }
        }
    }

    #[inline]
    fn slot(sig: (usize, u64, u64)) -> usize {
        let h = (sig.1 ^ sig.2.rotate_left(29) ^ sig.0 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> 57) as usize // top 7 bits: 0..128
    }

    /// The code of `key`, adding it if new.
    #[inline]
    fn code(&mut self, key: &[u8]) -> i32 {
        let sig = Self::signature(key);
        let slot = Self::slot(sig);
        let cached = self.slots[slot];
        if let Ok(i) = usize::try_from(cached)
            && self.sigs.get(i) == Some(&sig)
            && (sig.0 <= 16 || self.keys[i] == key)
        {
            return cached;
        }
        let code = self.lookup(key, sig);
        self.slots[slot] = code;
        code
    }

    /// Whether the key with this code is not valid UTF-8.
    #[inline]
    fn is_bad(&self, code: i32) -> bool {
        usize::try_from(code)
            .ok()
            .and_then(|i| self.bad.get(i))
            .copied()
            .unwrap_or(false)
    }

    #[cold]
    fn lookup(&mut self, key: &[u8], sig: (usize, u64, u64)) -> i32 {
        if let Some(&k) = self.map.get(key) {
            return k;
        }
        let k = i32::try_from(self.keys.len()).unwrap_or(i32::MAX);
        self.sigs.push(sig);
        self.bad.push(std::str::from_utf8(key).is_err());
        self.keys.push(key.to_vec());
        self.map.insert(key.to_vec(), k);
        k
    }
}

enum PartColumn {
    Category { codes: Vec<i32>, dict: Interner },
    Float(Vec<f64>),
    Bool(Vec<i8>),
    DateTime(Vec<i64>),
}

/// A `.gz` input may expand to at most this many times its compressed size (or
/// [`MIN_GZIP_LIMIT`], whichever is larger) before it is refused as a likely gzip bomb. police.uk
/// and NHS CSVs compress 5–17× (measured on the files in `shared/data`); deflate's maximum is
/// about 1,032×.
pub const MAX_GZIP_RATIO: u64 = 50;

/// Gzip files may always expand to this many bytes (64 MiB), whatever their ratio.
pub const MIN_GZIP_LIMIT: u64 = 64 << 20;

/// The decompressed size a `.gz` file of `compressed` bytes may reach (see [`MAX_GZIP_RATIO`]).
pub fn gzip_limit(compressed: u64) -> u64 {
    compressed
        .saturating_mul(MAX_GZIP_RATIO)
        .max(MIN_GZIP_LIMIT)
}

fn gzip_refusal(path: &std::path::Path, compressed: u64, at_least: u64) -> Error {
    Error::argument(
        "path_or_paths",
        format!(
            "{}: gzip file of {compressed} bytes expands to at least {at_least} bytes, beyond the \
             limit of {} bytes ({MAX_GZIP_RATIO}x its size, at least {} MiB); refused as a likely \
             gzip bomb. If the file is genuine, decompress it (gunzip) and read the .csv",
            path.display(),
            gzip_limit(compressed),
            MIN_GZIP_LIMIT >> 20,
        ),
    )
}

/// Read (and for `.gz`, decompress within [`gzip_limit`]) a whole file into `buf`, reusing its
/// capacity. Only regular files are read (not devices or pipes, which may never end).
fn load_into(spec: &FileSpec, buf: &mut Vec<u8>) -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::argument(
            "path_or_paths",
            format!("{}: cannot read: {e}", spec.path.display()),
        )
    };
    buf.clear();
    let mut file = std::fs::File::open(&spec.path).map_err(fail)?;
    let meta = file.metadata().map_err(fail)?;
    if !meta.is_file() {
        return Err(Error::argument(
            "path_or_paths",
            format!("{}: not a regular file", spec.path.display()),
        ));
    }
    if spec.path.extension().is_some_and(|e| e == "gz") {
        let compressed = meta.len();
        let limit = gzip_limit(compressed);
        // the gzip trailer states the (last member's) size mod 2^32: refuse before decompressing
        // when it already says too much (the bounded read below catches what it hides)
        if compressed >= 18 {
            use std::io::{Seek, SeekFrom};
            let mut isize = [0u8; 4];
            if file.seek(SeekFrom::End(-4)).is_ok() && file.read_exact(&mut isize).is_ok() {
                let stated = u64::from(u32::from_le_bytes(isize));
                // deflate expands at most ~1,032x: a larger stated size is no trailer at all (a
                // truncated file), which the decoder below reports as such
                if stated > limit && stated <= compressed.saturating_mul(1032) {
                    return Err(gzip_refusal(&spec.path, compressed, stated));
                }
            }
            file.seek(SeekFrom::Start(0)).map_err(fail)?;
        }
        let decoder = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file));
        decoder
            .take(limit.saturating_add(1))
            .read_to_end(buf)
            .map_err(|e| {
                Error::argument(
                    "path_or_paths",
                    format!(
                        "{}: not a readable gzip file (truncated or corrupt?): {e}",
                        spec.path.display()
                    ),
                )
            })?;
        if buf.len() as u64 > limit {
            let n = buf.len() as u64;
            *buf = Vec::new();
            return Err(gzip_refusal(&spec.path, compressed, n));
        }
    } else {
        buf.reserve(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(buf).map_err(fail)?;
    }
    Ok(())
}

thread_local! {
    /// Each reader thread's file buffer, reused from file to file: fresh multi-megabyte buffers
    /// cost more in page faults than reading the file does.
    static FILE_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Buffers above this are released after use rather than kept for the next file.
const KEEP_BUFFER_BYTES: usize = 64 << 20;

fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

fn is_null(b: &[u8]) -> bool {
    match b.len() {
        0 => true,
        2 => b.eq_ignore_ascii_case(b"na"),
        3 => b.eq_ignore_ascii_case(b"nan") || b.eq_ignore_ascii_case(b"n/a"),
        4 => b.eq_ignore_ascii_case(b"null") || b.eq_ignore_ascii_case(b"none"),
        _ => false,
    }
}

fn parse_bool(b: &[u8]) -> Option<i8> {
    if b == b"1" || b.eq_ignore_ascii_case(b"true") || b.eq_ignore_ascii_case(b"yes") {
        Some(1)
    } else if b == b"0" || b.eq_ignore_ascii_case(b"false") || b.eq_ignore_ascii_case(b"no") {
        Some(0)
    } else {
        None
    }
}

/// One file being read: its column builders and problems.
struct FileState<'a> {
    index: u32,
    /// Polled every [`CANCEL_EVERY`] records (Ctrl-C from Python).
    cancel: &'a Cancel,
    /// Records since the last poll.
    since_poll: u32,
    spec: &'a FileSpec,
    columns: &'a [ColumnSpec],
    body: &'a [u8],
    nh: usize,
    fed: Vec<bool>,
    any_unfed: bool,
    cols: Vec<PartColumn>,
    part: Part,
}

/// How many records are read between two polls of the cancellation flag.
const CANCEL_EVERY: u32 = 1 << 16;

impl FileState<'_> {
    /// Poll the cancellation flag every [`CANCEL_EVERY`] records.
    fn poll(&mut self) -> Result<()> {
        self.since_poll += 1;
        if self.since_poll >= CANCEL_EVERY {
            self.since_poll = 0;
            self.cancel.check()?;
        }
        Ok(())
    }

    /// Take the header's field count, which must match the field map.
    fn header(&mut self, nh: usize) -> Result<()> {
        if nh != self.spec.fields.len() {
            return Err(Error::argument(
                "path_or_paths",
                format!(
                    "{}: line 1: the header has {nh} fields but the field map has {}",
                    self.spec.path.display(),
                    self.spec.fields.len()
                ),
            ));
        }
        self.nh = nh;
        Ok(())
    }

    /// Report the record starting at byte `start` on `line` as left out (its first 80 bytes, up
    /// to the line end, as the value).
    fn left_out(&mut self, kind: ProblemKind, line: u64, start: usize) {
        let text = self.body.get(start..).unwrap_or_default();
        let end = text
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .unwrap_or(text.len())
            .min(80);
        self.part.problems.push(Problem {
            file: self.index,
            line,
            row: None,
            column: None,
            value: String::from_utf8_lossy(&text[..end]).into_owned(),
            kind,
        });
    }

    /// Convert one data record (its fields, the 1-based line and byte offset where it starts).
    fn record(&mut self, fields: &[&[u8]], line: u64, start: usize) {
        if fields.len() != self.nh {
            self.left_out(ProblemKind::MalformedLine, line, start);
            return;
        }
        let row = self.part.line.len();
        self.part.line.push(line);
        for (&field, target) in fields.iter().zip(&self.spec.fields) {
            let Some(c) = *target else { continue };
            let v = trim(field);
            let missing = is_null(v);
            let mut report = |kind| {
                self.part.problems.push(Problem {
                    file: self.index,
                    line,
                    row: Some(row),
                    column: Some(c),
                    value: String::from_utf8_lossy(field).into_owned(),
                    kind,
                });
            };
            if missing && self.columns[c].required {
                report(ProblemKind::Missing);
            }
            match &mut self.cols[c] {
                PartColumn::Category { codes, dict } => {
                    let code = dict.code(if missing { b"" } else { v });
                    codes.push(code);
                    if dict.is_bad(code) {
                        report(ProblemKind::InvalidUtf8);
                    }
                }
                PartColumn::Float(out) => {
                    let x = if missing {
                        f64::NAN
                    } else {
                        let abs_max = match self.columns[c].kind {
                            ColumnKind::Float { abs_max } => abs_max,
                            _ => f64::INFINITY,
                        };
                        match std::str::from_utf8(v)
                            .ok()
                            .and_then(|s| s.parse::<f64>().ok())
                        {
                            Some(x) if x.abs() <= abs_max => x,
                            Some(_) => {
                                report(ProblemKind::OutOfRange);
                                f64::NAN
                            }
                            None => {
                                report(ProblemKind::Unparsable);
                                f64::NAN
                            }
                        }
                    };
                    out.push(x);
                }
                PartColumn::Bool(out) => {
                    let x = if missing {
                        -1
                    } else if let Some(x) = parse_bool(v) {
                        x
                    } else {
                        report(ProblemKind::Unparsable);
                        -1
                    };
                    out.push(x);
                }
                PartColumn::DateTime(out) => {
                    let x = if missing {
                        NAT
                    } else {
                        match parse_datetime(v) {
                            Ok(x) => x,
                            Err(DateError::Unparsable) => {
                                report(ProblemKind::Unparsable);
                                NAT
                            }
                            Err(DateError::OutOfRange) => {
                                report(ProblemKind::OutOfRange);
                                NAT
                            }
                        }
                    };
                    out.push(x);
                }
            }
        }
        if self.any_unfed {
            // columns this file does not have
            for (c, col) in self.cols.iter_mut().enumerate() {
                if self.fed[c] {
                    continue;
                }
                match col {
                    PartColumn::Category { codes, dict } => codes.push(dict.code(b"")),
                    PartColumn::Float(v) => v.push(f64::NAN),
                    PartColumn::Bool(v) => v.push(-1),
                    PartColumn::DateTime(v) => v.push(NAT),
                }
                if self.columns[c].required {
                    self.part.problems.push(Problem {
                        file: self.index,
                        line,
                        row: Some(row),
                        column: Some(c),
                        value: String::new(),
                        kind: ProblemKind::Missing,
                    });
                }
            }
        }
    }
}

fn read_one(index: u32, spec: &FileSpec, columns: &[ColumnSpec], cancel: &Cancel) -> Result<Part> {
    cancel.check()?;
    FILE_BUFFER.with_borrow_mut(|buf| {
        let part = load_into(spec, buf).and_then(|()| parse_one(index, spec, columns, buf, cancel));
        if buf.capacity() > KEEP_BUFFER_BYTES {
            *buf = Vec::new();
        }
        part
    })
}

fn parse_one(
    index: u32,
    spec: &FileSpec,
    columns: &[ColumnSpec],
    data: &[u8],
    cancel: &Cancel,
) -> Result<Part> {
    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    // rough row estimate for the allocations: ~200 bytes per police.uk record
    let cap = body.len() / 160 + 16;
    let cols: Vec<PartColumn> = columns
        .iter()
        .map(|c| match c.kind {
            ColumnKind::Category => PartColumn::Category {
                codes: Vec::with_capacity(cap),
                dict: Interner::default(),
            },
            ColumnKind::Float { .. } => PartColumn::Float(Vec::with_capacity(cap)),
            ColumnKind::Bool => PartColumn::Bool(Vec::with_capacity(cap)),
            ColumnKind::DateTime => PartColumn::DateTime(Vec::with_capacity(cap)),
        })
        .collect();
    let fed: Vec<bool> = (0..columns.len())
        .map(|c| spec.fields.contains(&Some(c)))
        .collect();
    let mut st = FileState {
        index,
        cancel,
        since_poll: 0,
        spec,
        columns,
        body,
        nh: 0,
        any_unfed: fed.iter().any(|f| !f),
        fed,
        cols,
        part: Part {
            cols: Vec::new(),
            line: Vec::with_capacity(cap),
            problems: Vec::new(),
        },
    };
    if memchr::memchr(b'"', body).is_some() {
        read_quoted(&mut st)?;
    } else {
        read_plain(&mut st)?;
    }
    st.part.cols = st.cols;
    Ok(st.part)
}

/// Files without a quote character (police.uk's bulk files): records are the non-empty runs
/// between line ends (`\n`, `\r`), fields are split at the delimiter — what RFC 4180 parsing
/// gives for such text, at a fraction of the cost.
fn read_plain(st: &mut FileState<'_>) -> Result<()> {
    let body = st.body;
    let delim = st.spec.delimiter;
    let mut fields: Vec<&[u8]> = Vec::with_capacity(32);
    let mut header = true;
    // one SIMD scan for every delimiter and line end of the file (a scan per record or per
    // field costs more in set-up than in scanning on ~200-byte police records)
    let (mut start, mut field_start, mut line) = (0usize, 0usize, 1u64);
    let ends = memchr::memchr3_iter(delim, b'\n', b'\r', body).chain(std::iter::once(body.len()));
    for k in ends {
        let c = body.get(k).copied();
        if c == Some(delim) {
            fields.push(&body[field_start..k]);
            field_start = k + 1;
            continue;
        }
        // a line end (or the end of the file) closes the record, unless the line is empty
        // (which includes the \n of \r\n)
        if k > start || !fields.is_empty() {
            fields.push(&body[field_start..k]);
            if header {
                st.header(fields.len())?;
                header = false;
            } else {
                st.record(&fields, line, start);
                st.poll()?;
                st.poll()?;
            }
            fields.clear();
        }
        // a line ends at \n, at \r\n, or at a lone \r (old Mac files)
        if c == Some(b'\n') || (c == Some(b'\r') && body.get(k + 1) != Some(&b'\n')) {
            line += 1;
        }
        (start, field_start) = (k + 1, k + 1);
    }
    Ok(())
}

/// Line numbers of byte offsets visited in increasing order: a line ends at `\n`, at `\r\n` or
/// at a lone `\r` (as in [`read_plain`]; the `csv` crate counts only `\n`).
struct LineCounter<'a> {
    body: &'a [u8],
    pos: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// The 1-based line of byte `at` (not before the last one asked for).
    fn line_of(&mut self, at: usize) -> u64 {
        let at = at.min(self.body.len()).max(self.pos);
        for k in memchr::memchr2_iter(b'\n', b'\r', &self.body[self.pos..at]) {
            let k = self.pos + k;
            if self.body[k] == b'\n' || self.body.get(k + 1) != Some(&b'\n') {
                self.line += 1;
            }
        }
        self.pos = at;
        self.line
    }
}

/// Files with quoting: the `csv` crate (RFC 4180: quoted delimiters, quotes and line breaks),
/// made safe against a quote that never closes (see [`ProblemKind::UnterminatedQuote`]). A record
/// whose quote is still open at the end of the file is left out; a record
/// that spans lines is taken as one record only if it is well-formed ([`quoting`]), has the
/// header's number of fields and no inner line of it looks like a record of its own
/// ([`hides_records`]); otherwise its first line is reported and reading resumes at the next
/// line. (A quote that never closes and a quoted field with line breaks cannot always be told
/// apart — RFC 4180 itself cannot — but a record is never silently merged into another's field.) Resuming re-reads bytes; once that has cost more than
/// [`RESYNC_BUDGET`] times the file, the rest of the file is read one line per record (no
/// multi-line fields), so the work stays linear in the file size.
fn read_quoted(st: &mut FileState<'_>) -> Result<()> {
    let body = st.body;
    let delim = st.spec.delimiter;
    // where the current csv reader starts, and the line number of that byte
    let mut offset = 0usize;
    let mut lines = LineCounter {
        body,
        pos: 0,
        line: 1,
    };
    let mut header = true;
    let mut rescanned = 0usize;
    let budget = body
        .len()
        .saturating_mul(RESYNC_BUDGET)
        .saturating_add(1 << 20);
    'restart: loop {
        let line_mode = rescanned > budget;
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delim)
            .has_headers(false)
            .flexible(true)
            .from_reader(&body[offset..]);
        let mut rec = csv::ByteRecord::new();
        loop {
            match rdr.read_byte_record(&mut rec) {
                Ok(false) => break 'restart,
                Ok(true) => {}
                Err(e) => {
                    return Err(Error::argument(
                        "path_or_paths",
                        format!(
                            "{}: cannot read as delimited text: {e}",
                            st.spec.path.display()
                        ),
                    ))
                }
            }
            let pos = rec.position().cloned().unwrap_or_else(csv::Position::new);
            let end = offset
                .saturating_add(usize::try_from(rdr.position().byte()).unwrap_or(usize::MAX))
                .min(body.len());
            // A record's position can point at the '\n' of the previous CRLF; step over line
            // ends to the record's first byte.
            let mut start = offset
                .saturating_add(usize::try_from(pos.byte()).unwrap_or(usize::MAX))
                .min(body.len());
            while start < body.len() && (body[start] == b'\n' || body[start] == b'\r') {
                start += 1;
            }
            let line = lines.line_of(start);
            let raw = &body[start..end.max(start)];
            let spans_lines = raw
                .trim_ascii_end()
                .iter()
                .any(|&c| c == b'\n' || c == b'\r');
            if header {
                if spans_lines {
                    return Err(Error::argument(
                        "path_or_paths",
                        format!(
                            "{}: line 1: the header has a quote that does not close on the header line",
                            st.spec.path.display()
                        ),
                    ));
                }
                st.header(rec.len())?;
                header = false;
                continue;
            }
            if rec.len() == 1 && rec.get(0).is_some_and(<[u8]>::is_empty) {
                continue;
            }
            let quoting = quoting(raw, delim);
            if quoting == Quoting::Unterminated
                || (spans_lines
                    && (line_mode
                        || rec.len() != st.nh
                        || quoting != Quoting::Ok
                        || hides_records(raw, delim, st.nh)))
            {
                // report the line, then read again from the next line
                st.left_out(ProblemKind::UnterminatedQuote, line, start);
                rescanned = rescanned.saturating_add(raw.len());
                let Some(k) = body[start..].iter().position(|&c| c == b'\n' || c == b'\r') else {
                    break 'restart;
                };
                let mut next = start + k;
                if body[next] == b'\r' {
                    next += 1;
                }
                if body.get(next) == Some(&b'\n') {
                    next += 1;
                }
                offset = next;
                continue 'restart;
            }
            let fields: Vec<&[u8]> = rec.iter().collect();
            st.record(&fields, line, start);
            st.poll()?;
        }
    }
    Ok(())
}

/// Whether an inner line of a multi-line record (not its first or last line) has no quote and
/// exactly `nh - 1` delimiters: a whole record swallowed by a quote opened on the first line.
fn hides_records(raw: &[u8], delim: u8, nh: usize) -> bool {
    let mut inner_lines = raw
        .trim_ascii_end()
        .split(|&c| c == b'\n' || c == b'\r')
        .filter(|l| !l.is_empty());
    inner_lines.next(); // the first line
    let inner: Vec<&[u8]> = inner_lines.collect();
    let Some((_last, inner)) = inner.split_last() else {
        return false;
    };
    inner
        .iter()
        .any(|l| !l.contains(&b'"') && l.iter().filter(|&&c| c == delim).count() + 1 == nh)
}

/// How many times the file's size [`read_quoted`] may re-read after unterminated quotes before
/// it reads the rest one line per record.
const RESYNC_BUDGET: usize = 8;

/// How one record's quoting compares with RFC 4180 (see [`quoting`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// Well-formed.
    Ok,
    /// A quote that closes and is followed by something other than the delimiter or a line end,
    /// or a quote inside an unquoted field.
    Stray,
    /// A quoted field still open at the end of the text.
    Unterminated,
}

/// Check one record's bytes (from its first byte to the start of the next record) against RFC
/// 4180: a quote that opens a field closes, and is followed by the delimiter, a line end or the
/// end of the text, and no unquoted field holds a quote. The `csv` crate accepts anything after
/// a closing quote and quotes inside unquoted fields, which is how an unterminated quote
/// swallows the following records. A stray quote matters only in a record that spans lines (a
/// stray quote within one line, `5'10"`, loses nothing); an unterminated one always does.
fn quoting(raw: &[u8], delim: u8) -> Quoting {
    let mut i = 0;
    let mut field_start = true;
    let mut quoted = false;
    let mut stray = false;
    while let Some(&c) = raw.get(i) {
        if quoted {
            if c == b'"' {
                match raw.get(i + 1) {
                    Some(b'"') => i += 1, // an escaped quote
                    None => quoted = false,
                    Some(&d) if d == delim || d == b'\n' || d == b'\r' => quoted = false,
                    Some(_) => {
                        // the csv crate goes on reading the field unquoted
                        stray = true;
                        quoted = false;
                    }
                }
            }
        } else if c == b'"' && field_start {
            quoted = true;
            field_start = false;
        } else {
            stray |= c == b'"';
            field_start = c == delim || c == b'\n' || c == b'\r';
        }
        i += 1;
    }
    if quoted {
        Quoting::Unterminated
    } else if stray {
        Quoting::Stray
    } else {
        Quoting::Ok
    }
}

fn merge(parts: Vec<Part>, columns: &[ColumnSpec]) -> Table {
    let total: usize = parts.iter().map(|p| p.line.len()).sum();
    // columns are independent: concatenate them in parallel
    let out_cols: Vec<ColumnData> = (0..columns.len())
        .into_par_iter()
        .map(|c| merge_column(&parts, c, columns[c].kind, total))
        .collect();
    let mut table = Table {
        columns: out_cols,
        file: Vec::with_capacity(total),
        line: Vec::with_capacity(total),
        rows_per_file: Vec::with_capacity(parts.len()),
        problems: Vec::new(),
    };
    for (i, part) in parts.into_iter().enumerate() {
        let offset = table.line.len();
        let n = part.line.len();
        table.rows_per_file.push(n);
        table
            .file
            .extend(std::iter::repeat_n(u32::try_from(i).unwrap_or(u32::MAX), n));
        table.line.extend_from_slice(&part.line);
        table
            .problems
            .extend(part.problems.into_iter().map(|mut p| {
                p.row = p.row.map(|r| r + offset);
                p
            }));
    }
    table
}

/// Column `c` of every part, in file order; category codes renumbered into one dictionary
/// (categories in order of first appearance across the files).
fn merge_column(parts: &[Part], c: usize, kind: ColumnKind, total: usize) -> ColumnData {
    let pieces = parts.iter().filter_map(|p| p.cols.get(c));
    match kind {
        ColumnKind::Category => {
            let mut global = Interner::default();
            let mut codes = Vec::with_capacity(total);
            for piece in pieces {
                if let PartColumn::Category { codes: part, dict } = piece {
                    let remap: Vec<i32> = dict.keys.iter().map(|key| global.code(key)).collect();
                    codes.extend(part.iter().map(|&k| {
                        usize::try_from(k)
                            .ok()
                            .and_then(|k| remap.get(k))
                            .copied()
                            .unwrap_or(-1)
                    }));
                }
            }
            let categories = global
                .keys
                .iter()
                .map(|key| String::from_utf8_lossy(key).into_owned())
                .collect();
            ColumnData::Category { codes, categories }
        }
        ColumnKind::Float { .. } => ColumnData::Float(concat(total, pieces, |p| match p {
            PartColumn::Float(v) => Some(v),
            _ => None,
        })),
        ColumnKind::Bool => ColumnData::Bool(concat(total, pieces, |p| match p {
            PartColumn::Bool(v) => Some(v),
            _ => None,
        })),
        ColumnKind::DateTime => ColumnData::DateTime(concat(total, pieces, |p| match p {
            PartColumn::DateTime(v) => Some(v),
            _ => None,
        })),
    }
}

/// The values of `pieces` (those `values` recognises) end to end.
fn concat<'p, T: Copy + 'p>(
    total: usize,
    pieces: impl Iterator<Item = &'p PartColumn>,
    values: impl Fn(&'p PartColumn) -> Option<&'p Vec<T>>,
) -> Vec<T> {
    let mut out = Vec::with_capacity(total);
    for v in pieces.filter_map(values) {
        out.extend_from_slice(v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quote-free fast path gives what the csv crate gives (fields, lines, problems).
    #[test]
    fn plain_path_equals_csv_crate() {
        let columns = vec![
            ColumnSpec {
                name: "a".into(),
                kind: ColumnKind::Category,
                required: false,
            },
            ColumnSpec {
                name: "d".into(),
                kind: ColumnKind::DateTime,
                required: true,
            },
            ColumnSpec {
                name: "x".into(),
                kind: ColumnKind::Float { abs_max: 90.0 },
                required: false,
            },
        ];
        let spec = FileSpec {
            path: "t.csv".into(),
            delimiter: b',',
            fields: vec![Some(0), Some(1), Some(2)],
        };
        let mut s = 3u64;
        let mut next = move |k: u64| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (s >> 33) % k
        };
        for _ in 0..300 {
            let mut text = b"a,d,x".to_vec();
            for _ in 0..next(12) {
                text.extend_from_slice(
                    [&b"\n"[..], b"\r\n", b"\n\n", b"\r\n\r\n", b"\r"][next(5) as usize],
                );
                let row: &[u8] = [
                    &b"White,2020-01-02,51.5"[..],
                    b" Black ,,north",
                    b"x,2020-13-01,100",
                    b"short,2020-01-01",
                    b"a,2020-01-01,1,extra",
                    b",,",
                    b"NULL,2021-06-30T10:00:00+01:00,-0.5",
                ][next(7) as usize];
                text.extend_from_slice(row);
            }
            if next(2) == 0 {
                text.push(b'\n');
            }
            let run = |quoted: bool| {
                let fed = vec![true; 3];
                let mut st = FileState {
                    index: 0,
                    cancel: &crate::cancel::NEVER,
                    since_poll: 0,
                    spec: &spec,
                    columns: &columns,
                    body: &text,
                    nh: 0,
                    any_unfed: false,
                    fed,
                    cols: columns
                        .iter()
                        .map(|c| match c.kind {
                            ColumnKind::Category => PartColumn::Category {
                                codes: vec![],
                                dict: Interner::default(),
                            },
                            ColumnKind::Float { .. } => PartColumn::Float(vec![]),
                            ColumnKind::Bool => PartColumn::Bool(vec![]),
                            ColumnKind::DateTime => PartColumn::DateTime(vec![]),
                        })
                        .collect(),
                    part: Part {
                        cols: vec![],
                        line: vec![],
                        problems: vec![],
                    },
                };
                if quoted {
                    read_quoted(&mut st).unwrap();
                } else {
                    read_plain(&mut st).unwrap();
                }
                let t = merge(
                    vec![Part {
                        cols: st.cols,
                        ..st.part
                    }],
                    &columns,
                );
                format!("{:?}", (t.columns, t.line, t.problems))
            };
            assert_eq!(
                run(false),
                run(true),
                "{:?}",
                String::from_utf8_lossy(&text)
            );
        }
    }

    /// The interner numbers keys in order of first appearance, like a plain hash map would —
    /// also for keys that share a signature (same length, first and last 8 bytes) and with far
    /// more keys than cache slots (colliding slots).
    #[test]
    fn interner_equals_a_plain_dictionary() {
        let mut keys: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"White".to_vec(),
            b"White - Irish".to_vec(),
            b"abcdefgh".to_vec(),
            b"abcdefghabcdefgh".to_vec(),
            b"White - XXXXXXX - British".to_vec(), // same signature as the next one
            b"White - YYYYYYY - British".to_vec(),
        ];
        keys.extend((0..500).map(|i| format!("Section {i} of an Act").into_bytes()));
        let mut s = 7u64;
        let mut reference = std::collections::HashMap::new();
        let mut interner = Interner::default();
        for _ in 0..20_000 {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            // mostly the first few keys, as in police data
            let i = ((s >> 33) % 1000) as usize % if s.is_multiple_of(4) { keys.len() } else { 7 };
            let key = &keys[i];
            let next = reference.len() as i32;
            let want = *reference.entry(key.clone()).or_insert(next);
            assert_eq!(
                interner.code(key),
                want,
                "{:?}",
                String::from_utf8_lossy(key)
            );
        }
        assert_eq!(interner.keys.len(), reference.len());
    }

    #[test]
    fn nulls_and_flags() {
        for s in ["", "NULL", "None", "nan", "N/A", "na"] {
            assert!(is_null(s.as_bytes()), "{s}");
        }
        assert!(!is_null(b"nah"));
        assert_eq!(parse_bool(b"TRUE"), Some(1));
        assert_eq!(parse_bool(b"0"), Some(0));
        assert_eq!(parse_bool(b"maybe"), None);
    }
}
