//! Outputs: the files a run writes (summary.csv, outcomes.csv, times.csv, survival.csv,
//! manifest.toml) and the
//! table on stdout. Exporters only turn results into bytes; `write_files` does the file I/O, and
//! every file is written under a temporary name and renamed into place, so an interrupted run
//! never leaves a file that looks complete but is not.

pub mod csv;

pub mod manifest;
pub mod table;

use std::io;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::aggregate::Totals;
use crate::model::Scenario;

/// Output files as `(file name, bytes)`, ready for `write_files`.
pub type Files = Vec<(&'static str, Vec<u8>)>;

/// The files of `impasse run`, from its totals: what a run and a merge of run shards both write.
pub fn run_files(resolved: &str, sc: &Scenario, totals: &Totals) -> Files {
    let report = totals.report();
    let ids = [sc.parties[0].id.clone(), sc.parties[1].id.clone()];
    vec![
        ("summary.csv", csv::summary(&report, &ids)),
        ("outcomes.csv", csv::outcomes(&report, &ids)),
        ("times.csv", csv::times(&totals.counts.histogram, &ids)),
        (
            "survival.csv",
            csv::survival(&totals.counts.histogram, &ids),
        ),
        ("manifest.toml", manifest::manifest(resolved, sc, "run")),
    ]
}

/// Write `(file name, bytes)` pairs into `dir` atomically, creating `dir` if needed. All files
/// are staged before any is renamed, so a failure leaves no new file at all.
pub fn write_files(dir: &Path, files: &[(&str, Vec<u8>)]) -> io::Result<()> {
    // The last line of defence: no CSV leaves with a number that is not one.
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".csv")) {
        if let Some(e) = non_finite(name, bytes) {
            return Err(io::Error::other(e));
        }
    }
    std::fs::create_dir_all(dir)?;
    let mut staged = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        if let Err(e) = std::fs::write(&tmp, bytes) {
            for (t, _) in &staged {
                let _ = std::fs::remove_file(t);
            }
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        staged.push((tmp, dir.join(name)));
    }
    for (tmp, dest) in staged {
        std::fs::rename(tmp, dest)?;
    }
    Ok(())
}

/// A CSV field that should have been a number and is not a finite one: the scenario's
/// magnitudes went beyond what the statistics hold. Nothing is written (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error(
    "{file}, line {line}: a result is not a finite number ({field}); the scenario's numbers are \
     too large or too small for its statistics: rescale its units"
)]
pub struct NonFinite {
    /// The file it would have gone to.
    pub file: String,
    /// The line (1-based).
    pub line: usize,
    /// The field's text.
    pub field: String,
}

/// `Err` if a CSV text holds a field that is not a finite number (`NaN`, `inf`).
pub fn check_finite(name: &str, bytes: &[u8]) -> io::Result<()> {
    non_finite(name, bytes).map_or(Ok(()), |e| Err(io::Error::other(e)))
}

fn non_finite(name: &str, bytes: &[u8]) -> Option<NonFinite> {
    let text = std::str::from_utf8(bytes).ok()?;
    text.lines().enumerate().find_map(|(k, line)| {
        line.split(',')
            .find(|f| matches!(*f, "NaN" | "inf" | "-inf"))
            .map(|f| NonFinite {
                file: name.to_string(),
                line: k + 1,
                field: f.to_string(),
            })
    })
}

/// The SHA-256 of `text`, in hex: the seal of a file impasse reads back (a shard's part, a
/// sweep's point) and the identity of a run.
pub fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
