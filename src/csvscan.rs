//! Record shapes of a delimited text file: how many fields each record has and the line on which
//! it ends, so that the Python readers can report malformed lines by number without a Python
//! loop over a million records. Parsing follows RFC 4180 quoting (the `csv` crate).

use crate::error::{Error, Result};

/// Field count and 1-based end line of every record after the header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordShapes {
    /// Number of fields in the header.
    pub header_fields: usize,
    /// Fields per data record (empty lines are skipped, as pandas does).
    pub fields: Vec<u32>,
    /// 1-based line number on which each record ends.
    pub line: Vec<u64>,
}

/// Scan `data` (UTF-8 or bytes) with delimiter `delimiter`.
///
/// # Errors
/// [`Error::InvalidArgument`] if the text cannot be read as delimited records.
///
/// # Examples
/// ```
/// let s = saferstats::csvscan::record_shapes(b"a,b,c\n1,2,3\n\"x,y\",2\n4,5,6,7\n", b',').unwrap();
/// assert_eq!(s.header_fields, 3);
/// assert_eq!(s.fields, vec![3, 2, 4]);
/// assert_eq!(s.line, vec![2, 3, 4]);
/// ```
pub fn record_shapes(data: &[u8], delimiter: u8) -> Result<RecordShapes> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut out = RecordShapes::default();
    let mut rec = csv::ByteRecord::new();
    let mut first = true;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let end_line = rdr.position().line();
                if first {
                    out.header_fields = rec.len();
                    first = false;
                    continue;
                }
                if rec.len() == 1 && rec.get(0).is_some_and(|f| f.is_empty()) {
                    continue;
                }
                out.fields
                    .push(u32::try_from(rec.len()).unwrap_or(u32::MAX));
                out.line.push(end_line.saturating_sub(1).max(1));
            }
            Err(e) => {
                return Err(Error::argument(
                    "data",
                    format!("cannot read delimited text: {e}"),
                ));
            }
        }
    }
    Ok(out)
}
