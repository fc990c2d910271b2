//! The columnar CSV reader: line numbers (LF, CRLF, quoted newlines), malformed records, missing
//! columns, gzip, dictionaries merged across files in order of first appearance. Expected values
//! are worked by hand from the literal file contents below.

use std::io::Write;
use std::path::PathBuf;

use saferstats::csvscan::*;

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

#[test]
fn crlf_and_quoted_newlines_give_the_starting_line() {
    let text = b"\xEF\xBB\xBFeth,date,flag\r\nWhite,2020-01-01,True\r\n\"Black\r\nCaribbean\",2020-01-02,no\r\n\r\nAsian,2020-01-03,1\r\n";
    let t = read_files(
        &[spec(
            write("crlf.csv", text),
            vec![Some(0), Some(1), Some(2)],
        )],
        &cols(),
    )
    .unwrap();
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
        let t = read_files(
            &[spec(
                write("blank.csv", text),
                vec![Some(0), Some(1), Some(2)],
            )],
            &cols(),
        )
        .unwrap();
        assert_eq!(t.line, lines, "{}", String::from_utf8_lossy(text));
    }
}

#[test]
fn malformed_records_are_reported_and_left_out() {
    let text = b"eth,date,flag\nWhite,2020-01-01,True\nBlack,2020-01-02\nAsian,2020-01-03,1,extra\nMixed,2020-01-04,maybe\n";
    let t = read_files(
        &[spec(
            write("bad.csv", text),
            vec![Some(0), Some(1), Some(2)],
        )],
        &cols(),
    )
    .unwrap();
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
