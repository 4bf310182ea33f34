//! What a report reads: the CSV files of a result directory, as tables of text looked up by
//! column name, and the scenario its manifest holds. A report needs nothing else, so it can be
//! drawn again for a merged result or a result of an older version.
//!
//! It draws only what impasse could have written: every file read ends with its last line (not
//! cut short), has rows, and holds no number that is not one (impasse never writes NaN or
//! infinity); a curve's or a histogram's rows are in the order of their time (`ascending`), a
//! probability lies in [0, 1] (`within`). A file that fails is named with its line, and nothing
//! is drawn.

use std::path::Path;

use super::figure::ReportError;

/// A CSV file: its header and its rows.
pub struct Table {
    /// The file it was read from, as errors name it.
    pub path: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn read(dir: &Path, name: &str) -> Result<Table, ReportError> {
        let path = dir.join(name);
        let bad = |why: String| ReportError::Unreadable {
            file: path.display().to_string(),
            why,
        };
        let bytes = std::fs::read(&path).map_err(|e| bad(e.to_string()))?;
        if !bytes.ends_with(b"\n") {
            return Err(bad(
                "cut short (its last line is incomplete); write it again with the command that \
                 made it"
                    .into(),
            ));
        }
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let header = r
            .headers()
            .map_err(|e| bad(e.to_string()))?
            .iter()
            .map(String::from)
            .collect();
        let rows = r
            .records()
            .map(|rec| rec.map(|r| r.iter().map(String::from).collect()))
            .collect::<Result<_, _>>()
            .map_err(|e| bad(e.to_string()))?;
        let table = Table {
            path: path.display().to_string(),
            header,
            rows,
        };
        if table.rows.is_empty() {
            return Err(bad("it has no rows".into()));
        }
        for (i, row) in table.rows.iter().enumerate() {
            if let Some(cell) = row
                .iter()
                .find(|c| c.parse::<f64>().is_ok_and(|x| !x.is_finite()))
            {
                return Err(bad(format!(
                    "line {}: `{cell}` is not a number impasse writes",
                    i + 2
                )));
            }
        }
        Ok(table)
    }

    /// That within each group of rows with equal `group` columns, column `by` never decreases
    /// down the file (a curve's time, a histogram's bins).
    pub fn ascending(&self, group: &[&str], by: &str) -> Result<(), ReportError> {
        let group: Vec<usize> = group
            .iter()
            .map(|g| self.col(g))
            .collect::<Result<_, _>>()?;
        let by = self.col(by)?;
        let mut last: std::collections::HashMap<Vec<&str>, f64> = Default::default();
        for (i, r) in self.rows.iter().enumerate() {
            let key: Vec<&str> = group.iter().map(|&g| r[g].as_str()).collect();
            let x = num(&r[by]);
            if x.is_nan() || last.get(&key).is_some_and(|&before| x < before) {
                return Err(ReportError::Unreadable {
                    file: self.path.clone(),
                    why: format!(
                        "line {}: its `{}` is out of order or missing: the rows were reordered or \
                         edited; write it again with the command that made it",
                        i + 2,
                        self.header[by]
                    ),
                });
            }
            last.insert(key, x);
        }
        Ok(())
    }

    /// That every non-empty cell of `column` is a number in `[lo, hi]`.
    pub fn within(&self, column: &str, lo: f64, hi: f64) -> Result<(), ReportError> {
        let c = self.col(column)?;
        for (i, r) in self.rows.iter().enumerate() {
            let x = num(&r[c]);
            if !r[c].is_empty() && !(lo..=hi).contains(&x) {
                return Err(ReportError::Unreadable {
                    file: self.path.clone(),
                    why: format!(
                        "line {}: `{column}` is {}, not a number from {lo} to {hi}",
                        i + 2,
                        r[c]
                    ),
                });
            }
        }
        Ok(())
    }

    /// The index of a column.
    pub fn col(&self, name: &str) -> Result<usize, ReportError> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ReportError::Unreadable {
                file: format!("a table with columns {}", self.header.join(",")),
                why: format!("no column `{name}`"),
            })
    }

    /// The rows whose columns hold the given values.
    pub fn filter(&self, conds: &[(usize, &str)]) -> Vec<&Vec<String>> {
        self.rows
            .iter()
            .filter(|r| conds.iter().all(|(c, v)| r[*c] == *v))
            .collect()
    }
}

/// A number as the CSV files write it (`NaN` and empty cells are NaN).
pub fn num(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}
