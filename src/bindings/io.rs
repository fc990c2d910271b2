//! Bindings for [`crate::csvscan`].

use std::path::PathBuf;

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::parallel::{detach, interruptible, owned};
use crate::csvscan::{self, ColumnData, ColumnKind, ColumnSpec, FileSpec, ProblemKind};

fn ascii(delimiter: char) -> PyResult<u8> {
    u8::try_from(delimiter).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err("delimiter must be a single ASCII character")
    })
}

/// Read delimited files column by column (see `saferstats::csvscan::read_files`).
///
/// `files`: `(path, delimiter, fields)` with `fields[i]` the output column of header field `i`
/// (or `None`); `columns`: `(name, kind, abs_max, required)` with kind one of `"category"`,
/// `"float"`, `"bool"`, `"datetime"`. Returns a dict: `columns` (per column an int32 code array
/// and category list, a float64 array, an int8 array or an int64 ns array), `file`, `line`,
/// `rows_per_file`, and `problems` as parallel lists `file, line, row, column, value, kind`
/// (row/column -1 for a record left out; kinds `malformed`, `unterminated quote`, `unparsable`,
/// `out of range`, `missing`, `invalid utf-8`).
#[pyfunction]
#[pyo3(signature = (files, columns))]
fn read_columns<'py>(
    py: Python<'py>,
    files: Vec<(PathBuf, char, Vec<Option<usize>>)>,
    columns: Vec<(String, String, f64, bool)>,
) -> PyResult<Bound<'py, PyDict>> {
    let specs = columns
        .into_iter()
        .map(|(name, kind, abs_max, required)| {
            let kind = match kind.as_str() {
                "category" => ColumnKind::Category,
                "float" => ColumnKind::Float { abs_max },
                "bool" => ColumnKind::Bool,
                "datetime" => ColumnKind::DateTime,
                other => {
                    return Err(pyo3::exceptions::PyValueError::new_err(format!(
                        "unknown column kind {other:?}"
                    )))
                }
            };
            Ok(ColumnSpec {
                name,
                kind,
                required,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let files = files
        .into_iter()
        .map(|(path, d, fields)| {
            Ok(FileSpec {
                path,
                delimiter: ascii(d)?,
                fields,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let table = interruptible(py, |c| csvscan::read_files_with(&files, &specs, c))?;
    let out = PyDict::new(py);
    let cols = PyList::empty(py);
    for col in table.columns {
        match col {
            ColumnData::Category { codes, categories } => {
                cols.append((codes.into_pyarray(py), categories))?;
            }
            ColumnData::Float(v) => cols.append(v.into_pyarray(py))?,
            ColumnData::Bool(v) => cols.append(v.into_pyarray(py))?,
            ColumnData::DateTime(v) => cols.append(v.into_pyarray(py))?,
        }
    }
    out.set_item("columns", cols)?;
    out.set_item("file", table.file.into_pyarray(py))?;
    out.set_item("line", table.line.into_pyarray(py))?;
    out.set_item("rows_per_file", table.rows_per_file)?;
    let p = &table.problems;
    let sign = |v: Option<usize>| v.map_or(-1, |x| i64::try_from(x).unwrap_or(i64::MAX));
    let problems = PyDict::new(py);
    problems.set_item("file", p.iter().map(|x| x.file).collect::<Vec<_>>())?;
    problems.set_item("line", p.iter().map(|x| x.line).collect::<Vec<_>>())?;
    problems.set_item("row", p.iter().map(|x| sign(x.row)).collect::<Vec<_>>())?;
    problems.set_item(
        "column",
        p.iter().map(|x| sign(x.column)).collect::<Vec<_>>(),
    )?;
    problems.set_item(
        "value",
        p.iter().map(|x| x.value.clone()).collect::<Vec<_>>(),
    )?;
    let kind = |k: ProblemKind| match k {
        ProblemKind::MalformedLine => "malformed",
        ProblemKind::Unparsable => "unparsable",
        ProblemKind::OutOfRange => "out of range",
        ProblemKind::Missing => "missing",
        ProblemKind::InvalidUtf8 => "invalid utf-8",
        ProblemKind::UnterminatedQuote => "unterminated quote",
    };
    problems.set_item("kind", p.iter().map(|x| kind(x.kind)).collect::<Vec<_>>())?;
    out.set_item("problems", problems)?;
    Ok(out)
}

/// Calendar months (UTC) of int64 ns timestamps (see `saferstats::csvscan::month_codes`):
/// (codes into the sorted labels, -1 for NaT; labels `"YYYY-MM"`).
#[pyfunction]
fn month_codes<'py>(
    py: Python<'py>,
    ns: PyReadonlyArray1<'py, i64>,
) -> PyResult<(Bound<'py, PyArray1<i32>>, Vec<String>)> {
    let ns = owned(&ns);
    let (codes, labels) = detach(py, || csvscan::month_codes(&ns))?;
    Ok((codes.into_pyarray(py), labels))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_columns, m)?)?;
    m.add_function(wrap_pyfunction!(month_codes, m)?)?;
    Ok(())
}
