//! The sweep's durable state in `DIR/.sweep/`: `fingerprint.txt` (what sweep this is) and one
//! file per completed point, `points/<k>.csv`, written atomically as the point finishes. A
//! killed sweep resumes from these; `assemble` streams them, in point order, into sweep.csv and
//! sweep_outcomes.csv, so memory never holds more than one point's rows.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

const STATE: &str = ".sweep";
/// Separates a point file's summary rows from its outcome rows.
const OUTCOMES_MARK: &str = "#outcomes\n";

/// A sweep's finished points, one file each in the result directory's `.sweep/points/`, so that
/// a sweep that was stopped continues where it left off.
pub struct Store {
    dir: PathBuf,
}

/// Why a store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `--resume` where no sweep was started.
    #[error("{0}: nothing to resume (no sweep was started there)")]
    NothingToResume(String),
    #[error(
        "{0}: nothing to resume: the sweep there is complete (sweep.csv is written). Run without \
         --resume to run it again"
    )]
    /// `--resume` on a sweep that finished.
    Finished(String),
    #[error(
        "{0} holds a sweep of another scenario or design; refusing to mix them. Run without \
         --resume to start afresh, or choose another --out"
    )]
    /// `--resume` on another scenario's or design's sweep.
    Foreign(String),
    /// Reading or writing a point failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(tmp, path)
}

impl Store {
    /// Open `out/.sweep` for the sweep identified by `fingerprint`. With `resume`, the existing
    /// state must be of the same sweep; without, any old state is cleared.
    pub fn open(out: &Path, fingerprint: &str, resume: bool) -> Result<Store, StoreError> {
        let dir = out.join(STATE);
        let fp = dir.join("fingerprint.txt");
        if resume {
            let found = fs::read_to_string(&fp).map_err(|_| {
                let shown = out.display().to_string();
                if out.join("sweep.csv").is_file() {
                    StoreError::Finished(shown)
                } else {
                    StoreError::NothingToResume(shown)
                }
            })?;
            if found != fingerprint {
                return Err(StoreError::Foreign(out.display().to_string()));
            }
        } else {
            if dir.exists() {
                fs::remove_dir_all(&dir)?;
            }
            fs::create_dir_all(dir.join("points"))?;
            write_atomic(&fp, fingerprint.as_bytes())?;
        }
        Ok(Store { dir })
    }

    /// Where point `k`'s file is (or goes).
    pub fn point_path(&self, k: u64) -> PathBuf {
        point_path(&self.dir, k)
    }

    /// Whether point `k` is done.
    pub fn is_done(&self, k: u64) -> bool {
        self.point_path(k).exists()
    }

    /// Record point `k`'s rows (already prefixed with its point, seed and values).
    pub fn save(&self, k: u64, summary_rows: &[u8], outcome_rows: &[u8]) -> io::Result<()> {
        crate::output::check_finite("sweep.csv", summary_rows)?;
        crate::output::check_finite("sweep_outcomes.csv", outcome_rows)?;
        let mut bytes = Vec::with_capacity(summary_rows.len() + outcome_rows.len() + 10);
        bytes.extend_from_slice(summary_rows);
        bytes.extend_from_slice(OUTCOMES_MARK.as_bytes());
        bytes.extend_from_slice(outcome_rows);
        write_atomic(&self.point_path(k), &bytes)
    }

    /// Write the result files from a complete store into `out`, then remove the state.
    pub fn assemble(&self, points: u64, out: &Path, files: [(&str, &[u8]); 2]) -> io::Result<()> {
        assemble(points, &|k| self.point_path(k), out, files)?;
        fs::remove_dir_all(&self.dir)
    }
}

/// Point `k`'s file in the state folder `state` (`<out>/.sweep`).
pub fn point_path(state: &Path, k: u64) -> PathBuf {
    state.join("points").join(format!("{k}.csv"))
}

/// How many points an unfinished sweep in `out` has kept (`None`: no unfinished sweep there).
pub fn kept_points(out: &Path) -> Option<u64> {
    let points = fs::read_dir(out.join(STATE).join("points")).ok()?;
    let csv = |e: &fs::DirEntry| e.file_name().to_string_lossy().ends_with(".csv");
    Some(points.filter_map(Result::ok).filter(csv).count() as u64)
}

/// The state folder of a sweep (or sweep shard) written to `out`.
pub fn state_dir(out: &Path) -> PathBuf {
    out.join(STATE)
}

/// Write `files` (each a name and a header) into `out` atomically: the header, then every point's
/// rows in point order, read from `path_of(k)` one point at a time.
pub fn assemble(
    points: u64,
    path_of: &dyn Fn(u64) -> PathBuf,
    out: &Path,
    files: [(&str, &[u8]); 2],
) -> io::Result<()> {
    fs::create_dir_all(out)?;
    let mut staged = Vec::new();
    for (part, (name, header)) in files.iter().enumerate() {
        let tmp = out.join(format!(".{name}.tmp-{}", std::process::id()));
        let mut w = BufWriter::new(fs::File::create(&tmp)?);
        w.write_all(header)?;
        for k in 0..points {
            let text = fs::read_to_string(path_of(k))?;
            let (summary, outcomes) = text.split_once(OUTCOMES_MARK).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("point file {k} is damaged"),
                )
            })?;
            w.write_all([summary, outcomes][part].as_bytes())?;
        }
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        staged.push((tmp, out.join(name)));
    }
    for (tmp, dest) in staged {
        fs::rename(tmp, dest)?;
    }
    Ok(())
}
