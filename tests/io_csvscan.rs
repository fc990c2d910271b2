//! The columnar CSV reader: line numbers (LF, CRLF, quoted newlines), malformed records, missing
//! columns, gzip, dictionaries merged across files in order of first appearance. Expected values
//! are worked by hand from the literal file contents below.

use std::io::Write;
use std::path::PathBuf;

use saferstats::io::csvscan::*;

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("saferstats_csvscan_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn cols() -> Vec<ColumnSpec> {
    vec![
        ColumnSpec {
            name: "eth".into(),
            kind: ColumnKind::Category,
            required: false,
        },
        ColumnSpec {
            name: "date".into(),
            kind: ColumnKind::DateTime,
            required: true,
        },
        ColumnSpec {
            name: "flag".into(),
            kind: ColumnKind::Bool,
            required: false,
        },
    ]
}

fn spec(path: PathBuf, fields: Vec<Option<usize>>) -> FileSpec {
    FileSpec {
        path,
        delimiter: b',',
        fields,
    }
}

/// Read one file whose three fields feed the three columns of [`cols`].
fn read_three(name: &str, text: &[u8]) -> Table {
    read_files(
        &[spec(write(name, text), vec![Some(0), Some(1), Some(2)])],
        &cols(),
    )
    .unwrap()
}

#[test]
fn crlf_and_quoted_newlines_give_the_starting_line() {
    let text = b"\xEF\xBB\xBFeth,date,flag\r\nWhite,2020-01-01,True\r\n\"Black\r\nCaribbean\",2020-01-02,no\r\n\r\nAsian,2020-01-03,1\r\n";
    let t = read_three("crlf.csv", text);
    assert_eq!(t.line, vec![2, 3, 6]);
    assert_eq!(t.columns[2], ColumnData::Bool(vec![1, 0, 1]));
    match &t.columns[0] {
        ColumnData::Category { codes, categories } => {
            assert_eq!(codes, &vec![0, 1, 2]);
            assert_eq!(categories[1], "Black\r\nCaribbean");
        }
        other => panic!("{other:?}"),
    }
    assert!(t.problems.is_empty());
}

#[test]
fn blank_lines_are_skipped_but_counted() {
    for (text, lines) in [
        (
            &b"eth,date,flag\nA,2020-01-01,1\n\n\nB,2020-01-01,1\n"[..],
            vec![2, 5],
        ),
        (
            b"eth,date,flag\r\n\r\nA,2020-01-01,1\r\n\r\n\r\nB,2020-01-01,1",
            vec![3, 6],
        ),
        (
            b"eth,date,flag\n\"A\n\n\",2020-01-01,1\nB,2020-01-01,1\n",
            vec![2, 5],
        ),
    ] {
        let t = read_three("blank.csv", text);
        assert_eq!(t.line, lines, "{}", String::from_utf8_lossy(text));
    }
}

#[test]
fn malformed_records_are_reported_and_left_out() {
    let text = b"eth,date,flag\nWhite,2020-01-01,True\nBlack,2020-01-02\nAsian,2020-01-03,1,extra\nMixed,2020-01-04,maybe\n";
    let t = read_three("bad.csv", text);
    assert_eq!(t.line, vec![2, 5]);
    let kinds: Vec<_> = t
        .problems
        .iter()
        .map(|p| (p.line, p.kind, p.row, p.value.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (3, ProblemKind::MalformedLine, None, "Black,2020-01-02"),
            (
                4,
                ProblemKind::MalformedLine,
                None,
                "Asian,2020-01-03,1,extra"
            ),
            (5, ProblemKind::Unparsable, Some(1), "maybe"),
        ]
    );
    assert_eq!(t.columns[2], ColumnData::Bool(vec![1, -1]));
}

#[test]
fn files_merge_in_order_with_missing_columns_and_gzip() {
    let a = write("a.csv", b"eth,date\nWhite,2020-01-01\nnull,2020-01-02\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"flag,date,eth\nfalse,,Black\nTRUE,2020-02-01T00:00:00Z,White\n")
        .unwrap();
    let b = write("b.csv.gz", &gz.finish().unwrap());
    let t = read_files(
        &[
            spec(a, vec![Some(0), Some(1)]),
            spec(b, vec![Some(2), Some(1), Some(0)]),
        ],
        &cols(),
    )
    .unwrap();
    assert_eq!(t.rows_per_file, vec![2, 2]);
    assert_eq!(t.file, vec![0, 0, 1, 1]);
    assert_eq!(
        t.columns[0],
        ColumnData::Category {
            codes: vec![0, 1, 2, 0],
            categories: vec!["White".into(), "".into(), "Black".into()]
        }
    );
    assert_eq!(t.columns[2], ColumnData::Bool(vec![-1, -1, 0, 1]));
    assert_eq!(
        t.columns[1],
        ColumnData::DateTime(vec![
            18_262 * 86_400_000_000_000,
            18_263 * 86_400_000_000_000,
            NAT,
            18_293 * 86_400_000_000_000
        ])
    );
    assert_eq!(t.problems.len(), 1);
    assert_eq!(
        (t.problems[0].file, t.problems[0].row, t.problems[0].kind),
        (1, Some(2), ProblemKind::Missing)
    );
}

#[test]
fn bad_field_maps_and_missing_files_are_errors_not_panics() {
    let a = write("c.csv", b"eth\nWhite\n");
    assert!(read_files(&[spec(a.clone(), vec![Some(7)])], &cols()).is_err());
    assert!(read_files(&[spec(a.clone(), vec![Some(0), Some(0)])], &cols()).is_err());
    assert!(read_files(&[spec(a.with_extension("nope"), vec![Some(0)])], &cols()).is_err());
    let t = read_files(&[spec(write("empty.csv", b""), vec![])], &cols()).unwrap();
    assert!(t.line.is_empty());
}

fn lines_and_problems(name: &str, text: &[u8]) -> (Vec<u64>, Vec<(u64, ProblemKind)>) {
    let t = read_files(
        &[spec(write(name, text), vec![Some(0), Some(1), Some(2)])],
        &cols(),
    )
    .unwrap();
    (
        t.line,
        t.problems.iter().map(|p| (p.line, p.kind)).collect(),
    )
}

/// Issue 16.5: an unterminated quote used to swallow every following record into one field (7
/// records vanished unreported). Now its line is reported and reading resumes on the next line.
#[test]
fn an_unterminated_quote_loses_only_its_own_line() {
    let mut text = b"eth,date,flag\nA,2020-01-01,1\n\"B,2020-01-02,1\n".to_vec();
    for i in 3..10 {
        text.extend_from_slice(format!("C{i},2020-01-0{i},0\n").as_bytes());
    }
    let (lines, problems) = lines_and_problems("unterminated.csv", &text);
    assert_eq!(lines, vec![2, 4, 5, 6, 7, 8, 9, 10]);
    assert_eq!(problems, vec![(3, ProblemKind::UnterminatedQuote)]);
    // the quote closes in the middle of a later field (not before a delimiter): same
    let text =
        b"eth,date,flag\n\"A,2020-01-01,1\nB,2020-01-02,1\n\"C\",2020-01-03,1\nD,2020-01-04,1\n";
    let (lines, problems) = lines_and_problems("closes_late.csv", text);
    assert_eq!(lines, vec![3, 4, 5]);
    assert_eq!(problems, vec![(2, ProblemKind::UnterminatedQuote)]);
    // the quote closes before a delimiter with the right number of fields, swallowing a whole
    // record: still not one record
    let text = b"eth,date,flag\nA,\"2020-01-01,1\nB,2020-01-02,1\nC,\",1\nD,2020-01-04,1\n";
    let (lines, problems) = lines_and_problems("hides.csv", text);
    // (line 4's own quote does not close either)
    assert_eq!(lines, vec![3, 5]);
    assert_eq!(
        problems,
        vec![
            (2, ProblemKind::UnterminatedQuote),
            (4, ProblemKind::UnterminatedQuote)
        ]
    );
    // CRLF, and the unterminated quote on the last line but one
    let text = b"eth,date,flag\r\nA,2020-01-01,1\r\nB,\"2020-01-02,1\r\nC,2020-01-03,1\r\n";
    let (lines, problems) = lines_and_problems("crlf_unterminated.csv", text);
    assert_eq!(lines, vec![2, 4]);
    assert_eq!(problems, vec![(3, ProblemKind::UnterminatedQuote)]);
    // a well-formed quoted field with a line break is still one record
    let text = b"eth,date,flag\n\"Black\nCaribbean\",2020-01-02,1\nA,2020-01-01,1\n";
    let (lines, problems) = lines_and_problems("multiline_ok.csv", text);
    assert_eq!((lines, problems), (vec![2, 4], vec![]));
}

/// A header whose quote does not close on its line, or whose field count differs from the field
/// map, is an error naming the file — not a table built on a wrong header.
#[test]
fn bad_headers_are_errors_naming_the_file() {
    let p = write("bad_header.csv", b"eth,\"date,flag\nA,2020-01-01,1\n");
    let e = read_files(&[spec(p, vec![Some(0), Some(1), Some(2)])], &cols()).unwrap_err();
    assert!(e.to_string().contains("bad_header.csv: line 1"), "{e}");
    let p = write("short_map.csv", b"eth,date,flag,extra\nA,2020-01-01,1,x\n");
    let e = read_files(&[spec(p, vec![Some(0), Some(1), Some(2)])], &cols()).unwrap_err();
    assert!(e.to_string().contains("4 fields"), "{e}");
}

/// Cells that are not UTF-8 are kept (replaced) and reported; dates beyond what i64 nanoseconds
/// hold are reported as out of range instead of wrapping to other dates.
#[test]
fn invalid_utf8_and_far_dates_are_reported() {
    let text =
        b"eth,date,flag\nCaf\xe9,2020-01-01,1\nWhite,1500-01-01,1\nWhite,2300-06-30T10:00:00Z,1\n";
    let t = read_three("latin1.csv", text);
    assert_eq!(t.line, vec![2, 3, 4]);
    let probs: Vec<_> = t
        .problems
        .iter()
        .map(|p| (p.line, p.column, p.kind, p.value.as_str()))
        .collect();
    assert_eq!(
        probs,
        vec![
            (2, Some(0), ProblemKind::InvalidUtf8, "Caf\u{fffd}"),
            (3, Some(1), ProblemKind::OutOfRange, "1500-01-01"),
            (4, Some(1), ProblemKind::OutOfRange, "2300-06-30T10:00:00Z"),
        ]
    );
    match &t.columns[1] {
        ColumnData::DateTime(v) => assert_eq!(&v[1..], &[NAT, NAT]),
        other => panic!("{other:?}"),
    }
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Issue 16.4: a gzip bomb is refused within a bounded allocation, with the sizes in the
/// message; truncated and non-gzip `.gz` files are errors naming the file.
#[test]
fn gzip_bombs_truncated_and_fake_gzip_are_refused() {
    let header_line = b"eth,date,flag\n";
    // one 1 MiB member of zeros, repeated: its trailer (ISIZE) states 1 MiB, so only the bounded
    // read can catch it; 80 MiB > the 64 MiB floor (the file is ~80 KiB, 50x of which is far less)
    let mut zeros = header_line.to_vec();
    zeros.resize(1 << 20, b'0');
    let member = gz(&zeros);
    let bomb: Vec<u8> = member.repeat(80);
    let p = write("bomb.csv.gz", &bomb);
    let e = read_files(&[spec(p, vec![Some(0), Some(1), Some(2)])], &cols()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("bomb.csv.gz") && msg.contains(&format!("limit of {} bytes", MIN_GZIP_LIMIT)),
        "{msg}"
    );
    // a single member whose trailer states the size: refused before decompressing
    let mut big = header_line.to_vec();
    big.resize(70 << 20, b'0');
    let p = write("bomb1.csv.gz", &gz(&big));
    let e = read_files(&[spec(p, vec![Some(0), Some(1), Some(2)])], &cols()).unwrap_err();
    assert!(e.to_string().contains("at least 73400320 bytes"), "{e}");
    assert_eq!(gzip_limit(10 << 20), 500 << 20);
    // truncated, and not gzip at all
    let good = gz(b"eth,date,flag\nA,2020-01-01,1\n");
    for (name, bytes) in [
        ("trunc.csv.gz", &good[..good.len() - 6]),
        ("fake.csv.gz", &b"eth,date,flag\n"[..]),
    ] {
        let p = write(name, bytes);
        let e = read_files(&[spec(p, vec![Some(0), Some(1), Some(2)])], &cols()).unwrap_err();
        assert!(
            e.to_string().contains(name) && e.to_string().contains("gzip"),
            "{e}"
        );
    }
}
