//! What a report reads: the CSV files of a result directory, as tables of text looked up by
//! column name, and the scenario its manifest holds. A report needs nothing else, so it can be
//! drawn again for a merged result or a result of an older version.

use std::path::Path;

use super::figure::ReportError;

/// A CSV file: its header and its rows.
pub struct Table {
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
        let mut r = csv::Reader::from_path(&path).map_err(|e| bad(e.to_string()))?;
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
        Ok(Table { header, rows })
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
