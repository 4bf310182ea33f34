//! The sweep's durable state in `DIR/.sweep/`: `fingerprint.txt` (what sweep this is) and one
//! file per completed point, `points/<k>.csv`, written atomically as the point finishes. A
//! killed sweep resumes from these; `assemble` streams them, in point order, into sweep.csv and
//! sweep_outcomes.csv, so memory never holds more than one point's rows.
//!
//! A point file ends in a seal, `#sha256 <hex of everything before it>`: a point cut short or
//! edited is found when the store is opened to resume (it is removed and run again) and when the
//! points are assembled (the sweep or merge stops and says which point to run again).

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

const STATE: &str = ".sweep";
/// Separates a point file's summary rows from its outcome rows.
const OUTCOMES_MARK: &str = "#outcomes\n";
/// Starts a point file's last line, its seal.
const SEAL_MARK: &str = "#sha256 ";

/// A sweep's finished points, one file each in the result directory's `.sweep/points/`, so that
/// a sweep that was stopped continues where it left off.
pub struct Store {
    dir: PathBuf,
    /// Points whose files were found damaged when resuming, removed to run again.
    damaged: Vec<u64>,
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
    /// A point file whose seal does not match (in a merge, where it cannot be run again).
    #[error(
        "point {point} in {dir} is damaged ({reason}); run that sweep shard again (the same \
         command with --resume runs only the damaged point) and merge anew"
    )]
    Damaged {
        /// The point.
        point: u64,
        /// The state folder.
        dir: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// Reading or writing a point failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// A point file's summary and outcome rows, if its seal matches its content.
fn unseal(text: &str) -> Result<(&str, &str), &'static str> {
    let body_end = text
        .strip_suffix('\n')
        .and_then(|t| t.rfind(SEAL_MARK))
        .ok_or("it has no seal: cut short")?;
    let (body, seal) = text.split_at(body_end);
    // The seal is the last line, exactly: a blank line after it is a change too.
    let hex = &seal[SEAL_MARK.len()..seal.len() - 1];
    if crate::output::sha256(body) != hex {
        return Err("its content does not match its SHA-256: edited or cut short");
    }
    body.split_once(OUTCOMES_MARK)
        .ok_or("it lacks its outcome rows")
}

/// Whether point file `path` exists and its seal matches.
pub fn is_sound(path: &Path) -> bool {
    fs::read_to_string(path).is_ok_and(|t| unseal(&t).is_ok())
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
            let mut store = Store {
                dir,
                damaged: Vec::new(),
            };
            store.damaged = store.tidy()?;
            return Ok(store);
        } else {
            if dir.exists() {
                fs::remove_dir_all(&dir)?;
            }
            fs::create_dir_all(dir.join("points"))?;
            write_atomic(&fp, fingerprint.as_bytes())?;
        }
        Ok(Store {
            dir,
            damaged: Vec::new(),
        })
    }

    /// The points found damaged when resuming (removed; they run again).
    pub fn damaged(&self) -> &[u64] {
        &self.damaged
    }

    /// Before resuming: remove temporary files of a sweep that was killed while writing, and
    /// every point file whose seal does not match (they run again). The damaged points, sorted.
    pub fn tidy(&self) -> io::Result<Vec<u64>> {
        let mut damaged = Vec::new();
        for entry in fs::read_dir(self.dir.join("points"))? {
            let path = entry?.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let point = name
                .strip_suffix(".csv")
                .and_then(|k| k.parse::<u64>().ok());
            match point {
                Some(k) if !is_sound(&path) => {
                    fs::remove_file(&path)?;
                    damaged.push(k);
                }
                Some(_) => {}
                None if name.contains(".tmp-") => fs::remove_file(&path)?,
                None => {}
            }
        }
        damaged.sort_unstable();
        Ok(damaged)
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
        let seal = format!(
            "{SEAL_MARK}{}\n",
            crate::output::sha256(std::str::from_utf8(&bytes).map_err(io::Error::other)?)
        );
        bytes.extend_from_slice(seal.as_bytes());
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
    let written = write_staged(points, path_of, out, files, &mut staged);
    if written.is_err() {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
    }
    written?;
    for (tmp, dest) in staged {
        fs::rename(tmp, dest)?;
    }
    Ok(())
}

/// `assemble`'s files, each to a temporary name pushed to `staged` as it is created.
fn write_staged(
    points: u64,
    path_of: &dyn Fn(u64) -> PathBuf,
    out: &Path,
    files: [(&str, &[u8]); 2],
    staged: &mut Vec<(PathBuf, PathBuf)>,
) -> io::Result<()> {
    for (part, (name, header)) in files.iter().enumerate() {
        let tmp = out.join(format!(".{name}.tmp-{}", std::process::id()));
        staged.push((tmp.clone(), out.join(name)));
        let mut w = BufWriter::new(fs::File::create(&tmp)?);
        w.write_all(header)?;
        for k in 0..points {
            let path = path_of(k);
            let text = fs::read_to_string(&path)?;
            let (summary, outcomes) = unseal(&text).map_err(|reason| {
                io::Error::other(StoreError::Damaged {
                    point: k,
                    dir: path
                        .parent()
                        .map(Path::display)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    reason,
                })
            })?;
            w.write_all([summary, outcomes][part].as_bytes())?;
        }
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    }
    Ok(())
}
