//! Bindings for [`crate::io::csvscan`].

use std::path::PathBuf;

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::PyList;

use super::parallel::{detach, interruptible};
use super::{Dict, Obj};
use crate::io::csvscan::{self, ColumnData, ColumnKind, ColumnKindName, ColumnSpec, FileSpec};

fn ascii(delimiter: char) -> PyResult<u8> {
    u8::try_from(delimiter).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err("delimiter must be a single ASCII character")
    })
}

binding! {
    /// Read delimited files column by column (see `saferstats::io::csvscan::read_files`).
    ///
    /// `files`: `(path, delimiter, fields)` with `fields[i]` the output column of header field `i`
    /// (or `None`); `columns`: `(name, kind, abs_max, required)` with kind one of `"category"`,
    /// `"float"`, `"bool"`, `"datetime"`. Returns a dict: `columns` (per column an int32 code array
    /// and category list, a float64 array, an int8 array or an int64 ns array), `file`, `line`,
    /// `rows_per_file`, and `problems` as parallel lists `file, line, row, column, value, kind`
    /// (row/column -1 for a record left out; kinds `malformed`, `unterminated quote`, `unparsable`,
    /// `out of range`, `missing`, `invalid utf-8`).
    fn read_columns(py, files: Vec<(PathBuf, char, Vec<Option<usize>>)>,
        columns: Vec<(String, ColumnKindName, f64, bool)>) -> Dict<'py> {
        let specs = columns
            .into_iter()
            .map(|(name, kind, abs_max, required)| ColumnSpec {
                name,
                kind: ColumnKind::from_name(kind, abs_max),
                required,
            })
            .collect::<Vec<_>>();
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
        let sign = |v: Option<usize>| v.map_or(-1, |x| i64::try_from(x).unwrap_or(i64::MAX));
        let p = &table.problems;
        let problems = columns!(py;
            "file" => Obj(p.iter().map(|x| x.file).collect::<Vec<_>>()),
            "line" => Obj(p.iter().map(|x| x.line).collect::<Vec<_>>()),
            "row" => Obj(p.iter().map(|x| sign(x.row)).collect::<Vec<_>>()),
            "column" => Obj(p.iter().map(|x| sign(x.column)).collect::<Vec<_>>()),
            "value" => Obj(p.iter().map(|x| x.value.clone()).collect::<Vec<_>>()),
            "kind" => Obj(p.iter().map(|x| x.kind.label()).collect::<Vec<_>>()),
        );
        Ok(columns!(py;
            "columns" => Obj(cols),
            "file" => table.file,
            "line" => table.line,
            "rows_per_file" => Obj(table.rows_per_file),
            "problems" => Obj(problems),
        ))
    }
}

binding! {
    /// Calendar months (UTC) of int64 ns timestamps (see `saferstats::io::csvscan::month_codes`):
    /// dict of `codes` (into the sorted labels, -1 for NaT) and `labels` (`"YYYY-MM"`).
    fn month_codes(py, ns: &[i64]) -> Dict<'py> {
        let (codes, labels) = detach(py, || csvscan::month_codes(&ns))?;
        Ok(columns!(py; "codes" => codes, "labels" => Obj(labels)))
    }
}
