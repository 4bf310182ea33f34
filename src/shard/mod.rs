//! Shards: one run, sweep or tournament split into N slices that run anywhere, and merged back
//! into files byte-identical to an unsharded run.
//!
//! `Shard` names slice I of N; its `slice` of any number of items is contiguous and nearly equal
//! to the others. A shard writes a `Part` (`part.json`) that records what it is part of (a SHA-256
//! of the run's manifest, which holds the resolved scenario, design, seed and rounds) and its
//! exact aggregates; `collect` checks a set of parts (none missing, none twice, none foreign)
//! before the command-specific merge. Aggregates merge exactly (`aggregate`), so the order of the
//! parts does not matter.
//!
//! Runs and tournaments are sliced by batches of rounds, sweeps by points. (A tournament is not
//! sliced by pairings: its paired confidence intervals need round r of every pairing together.)
//! `merge` (in `merge.rs`) turns a complete set of parts into the files of an unsharded run.

pub mod merge;

use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::aggregate::Totals;
use crate::scenario::Loaded;
use crate::tournament::{Entrant, Results};

/// The file a shard's partial result is written to, in its directory.
pub const PART_FILE: &str = "part.json";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
/// Slice `index` of `count` (`--shard I/N`, from 0).
pub struct Shard {
    /// Which slice, from 0.
    pub index: u64,
    /// How many slices.
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not I/N (e.g. 0/4)"))?;
        let index: u64 = i
            .trim()
            .parse()
            .map_err(|_| format!("`{i}` is not a shard index"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a shard count"))?;
        Shard::new(index, count)
    }
}

impl Shard {
    /// Shard `index` of `count`; the error says why it is not one.
    pub fn new(index: u64, count: u64) -> Result<Shard, String> {
        if count == 0 {
            return Err("the shard count must be at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "shard {index} of {count}: the index must be below the count (0 <= I < N)"
            ));
        }
        Ok(Shard { index, count })
    }

    /// Items `[I * items / N, (I + 1) * items / N)`: contiguous, covering everything once.
    pub fn slice(&self, items: u64) -> Range<u64> {
        let at = |i: u64| (i as u128 * items as u128 / self.count as u128) as u64;
        at(self.index)..at(self.index + 1)
    }

    /// Where a shard's part goes inside `--out`.
    pub fn dir_name(&self) -> String {
        format!("part-{}-of-{}", self.index, self.count)
    }

    /// The shard of a Slurm array task (`SLURM_ARRAY_TASK_ID` from `SLURM_ARRAY_TASK_MIN`, and
    /// `SLURM_ARRAY_TASK_COUNT`), or of a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, with the
    /// count given).
    pub fn from_env(
        count: Option<u64>,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Shard, String> {
        let num = |name: &str| -> Result<Option<u64>, String> {
            var(name)
                .map(|v| {
                    v.trim()
                        .parse::<u64>()
                        .map_err(|_| format!("{name}={v} is not a whole number"))
                })
                .transpose()
        };
        if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let n = match num("SLURM_ARRAY_TASK_COUNT")? {
                Some(n) => n,
                None => count.ok_or("SLURM_ARRAY_TASK_COUNT is not set; give --shard-count")?,
            };
            return Shard::new(
                id.checked_sub(min)
                    .ok_or("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")?,
                n,
            );
        }
        if let Some(idx) = num("JOB_COMPLETION_INDEX")? {
            let n = count.ok_or(
                "JOB_COMPLETION_INDEX is set but the shard count is not: give --shard-count N",
            )?;
            return Shard::new(idx, n);
        }
        Err("--shard-from-env: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set".into())
    }
}

/// A hex SHA-256: what identifies a run whose shards may be merged.
pub fn fingerprint(text: &str) -> String {
    crate::output::sha256(text)
}

/// What a sharded run is, whole: what every one of its parts records.
#[derive(Clone, Debug)]
pub struct Whole {
    /// `run`, `sweep`, `tournament` or `audit`.
    pub command: &'static str,
    /// The text whose SHA-256 identifies the run (for a run, its manifest).
    pub identity: String,
    /// manifest.toml of the merged result.
    pub manifest: Vec<u8>,
    /// The scenario file's name, as the whole run would report it.
    pub file: String,
    /// Its seed.
    pub seed: u64,
    /// Its rounds (per point, for a sweep).
    pub rounds: u64,
}

impl Whole {
    /// The whole of a command run on `loaded`: its seed, rounds and file, with `manifest` as the
    /// merged result's and `identity` (the manifest's text if `None`) as what identifies it.
    pub fn of(
        command: &'static str,
        loaded: &Loaded,
        manifest: Vec<u8>,
        identity: Option<String>,
    ) -> Whole {
        let sim = &loaded.scenario.simulation;
        Whole {
            command,
            identity: identity.unwrap_or_else(|| {
                String::from_utf8(manifest.clone()).expect("the manifest is UTF-8")
            }),
            manifest,
            file: loaded.file.clone(),
            seed: sim.seed,
            rounds: sim.rounds,
        }
    }
}

/// One shard's partial result.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Part {
    /// The impasse version that wrote it.
    pub impasse: String,
    /// `run`, `sweep`, `tournament` or `audit`.
    pub command: String,
    /// SHA-256 of what identifies the whole (its manifest, or a sweep's design and scenario).
    pub fingerprint: String,
    /// The whole run's seed.
    pub seed: u64,
    /// The whole run's rounds (per point, for a sweep).
    pub rounds: u64,
    /// Which shard this is.
    pub shard: Shard,
    /// The slice of batches (run, tournament) or points (sweep) it holds.
    pub items: Range<u64>,
    /// The scenario file's name, as the whole run would report it.
    pub file: String,
    /// manifest.toml of the merged result, byte for byte.
    pub manifest: String,
    /// The partial results.
    pub payload: Payload,
}

/// What a part holds besides its identity: the command's partial totals.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Payload {
    /// A run's exact totals over its batches.
    Run {
        /// The scenario as run (overrides applied).
        resolved: String,
        /// The totals.
        totals: Totals,
    },
    /// The points themselves are files in the part's `.sweep/points/`.
    Sweep {
        /// sweep.csv's columns before summary.csv's: point, seed, the varied paths.
        prefix_header: Vec<String>,
        /// The whole sweep's number of points.
        points: u64,
        /// A Sobol' design's merge also writes sensitivity.csv.
        #[serde(default)]
        sobol: bool,
    },
    /// Each scenario of a tournament's partial results.
    Tournament {
        /// One per scenario of the series.
        scenarios: Vec<TournamentPart>,
    },
    /// An audit's exact sums over its batches.
    Audit {
        /// The scenario as run.
        resolved: String,
        /// The sums.
        totals: crate::audit::Totals,
    },
}

/// One scenario of a tournament shard.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TournamentPart {
    /// The scenario file's name.
    pub file: String,
    /// The scenario as run.
    pub resolved: String,
    /// Each party's entrants.
    pub entrants: [Vec<Entrant>; 2],
    /// The pairings' partial results.
    pub results: Results,
}

/// Why parts could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// No directory was given.
    #[error("no partial results given")]
    Empty,
    /// A directory holds no part.
    #[error("{0}: not a partial result (no {PART_FILE} in it, nor in part-* folders inside it)")]
    NotAPart(String),
    /// A part file could not be read or parsed.
    #[error("{path}: cannot read {PART_FILE}: {reason}")]
    Unreadable {
        /// The part's directory.
        path: String,
        /// Why.
        reason: String,
    },
    /// A part of another command, scenario, design, seed or round count than the first.
    #[error("{path} is a part of another {what} than {first} ({detail}); refusing to mix them")]
    Foreign {
        /// The part's directory.
        path: String,
        /// The first part's directory.
        first: String,
        /// What differs.
        what: &'static str,
        /// The two values.
        detail: String,
    },
    /// A part file whose seal or counts are wrong.
    #[error(
        "{path}: {reason}; run that shard again (the same command with its --shard; a sweep \
         shard's with --resume runs only what is damaged) and merge anew"
    )]
    Damaged {
        /// The part's directory.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A directory given does not exist.
    #[error("{0}: no such file or directory")]
    NotFound(String),
    /// Two parts are the same shard.
    #[error("shard {index} of {count} is given twice: {a} and {b}")]
    Duplicate {
        /// The shard's index.
        index: u64,
        /// The number of shards.
        count: u64,
        /// One directory.
        a: String,
        /// The other.
        b: String,
    },
    /// Some shards are missing.
    #[error("shard(s) {missing} of {count} missing; run them, then merge all {count}")]
    Missing {
        /// Their indices.
        missing: String,
        /// The number of shards.
        count: u64,
    },
    /// `--out` names a file.
    #[error("--out {0}: exists and is not a directory")]
    OutNotADirectory(String),
    /// The parts' scenario no longer loads.
    #[error("the parts' scenario: {0}")]
    Scenario(String),
    /// Writing the merged result failed.
    #[error("cannot write results to {path}")]
    Io {
        /// Where.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

impl Part {
    /// Shard `shard` of `whole`, holding `items` (batches or points) and `payload`.
    pub fn new(whole: Whole, shard: Shard, items: Range<u64>, payload: Payload) -> Part {
        Part {
            impasse: env!("CARGO_PKG_VERSION").into(),
            command: whole.command.into(),
            fingerprint: fingerprint(&whole.identity),
            seed: whole.seed,
            rounds: whole.rounds,
            shard,
            items,
            file: whole.file,
            manifest: String::from_utf8(whole.manifest).expect("the manifest is UTF-8"),
            payload,
        }
    }

    /// Where this part goes inside `--out`, and what it holds, for the user.
    pub fn describe(&self) -> String {
        let unit = if self.command == "sweep" {
            "points"
        } else {
            "batches"
        };
        format!(
            "shard {} of {} ({unit} {} to {})",
            self.shard.index, self.shard.count, self.items.start, self.items.end
        )
    }

    /// Write it to `dir/part.json` (to a temporary name, then renamed into place), sealed with
    /// the SHA-256 of its content: `{"sha256": "…", "part": {…}}`.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        let part = serde_json::to_string(self).map_err(io::Error::other)?;
        let sealed = format!("{{\"sha256\":\"{}\",\"part\":{part}}}", fingerprint(&part));
        crate::output::write_files(dir, &[(PART_FILE, sealed.into_bytes())])
    }

    /// Read `dir/part.json`, check its seal, and check that its counts add up (`check`).
    pub fn read(dir: &Path) -> Result<Part, MergeError> {
        let path = dir.join(PART_FILE);
        let shown = dir.display().to_string();
        let unreadable = |reason: String| MergeError::Unreadable {
            path: shown.clone(),
            reason,
        };
        let damaged = |reason: String| MergeError::Damaged {
            path: shown.clone(),
            reason: format!("{PART_FILE} is damaged: {reason}"),
        };
        let bytes = std::fs::read(&path).map_err(|e| unreadable(e.to_string()))?;
        let sealed: Sealed = serde_json::from_slice(&bytes).map_err(|e| {
            damaged(format!(
                "it is not a part file sealed by this version of impasse ({e})"
            ))
        })?;
        if fingerprint(sealed.part.get()) != sealed.sha256 {
            return Err(damaged(
                "its content does not match its SHA-256 (edited or cut short)".into(),
            ));
        }
        let part: Part = serde_json::from_str(sealed.part.get())
            .map_err(|e| damaged(format!("its content does not parse ({e})")))?;
        part.check().map_err(damaged)?;
        Ok(part)
    }

    /// That the part holds what its header says: its slice is its shard's, and every total
    /// counts exactly the rounds of that slice, with finite sums of the right shape.
    pub fn check(&self) -> Result<(), String> {
        let items = match &self.payload {
            Payload::Sweep { points, .. } => *points,
            _ => crate::runner::batch_count(self.rounds),
        };
        if self.items != self.shard.slice(items) {
            return Err(format!(
                "it holds items {:?}, not the slice {:?} of its shard",
                self.items,
                self.shard.slice(items)
            ));
        }
        let rounds = crate::runner::rounds_of(&self.items, self.rounds);
        let rounds = rounds.end - rounds.start;
        match &self.payload {
            Payload::Run { totals, .. } => totals.check(rounds),
            Payload::Audit { totals, .. } => totals.check(rounds),
            Payload::Tournament { scenarios } => {
                scenarios.iter().try_for_each(|s| s.results.check(rounds))
            }
            Payload::Sweep { .. } => Ok(()),
        }
    }
}

/// part.json on disk: the part's JSON text and its SHA-256.
#[derive(Deserialize)]
struct Sealed<'a> {
    sha256: String,
    #[serde(borrow)]
    part: &'a serde_json::value::RawValue,
}

/// The part directories under the given paths: each path is a part, or holds `part-*` parts.
pub fn find(paths: &[PathBuf]) -> Result<Vec<PathBuf>, MergeError> {
    let mut out = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(MergeError::NotFound(p.display().to_string()));
        }
        if p.join(PART_FILE).is_file() {
            out.push(p.clone());
            continue;
        }
        let mut inner: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|_| MergeError::NotAPart(p.display().to_string()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|q| {
                q.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("part-"))
                    && q.join(PART_FILE).is_file()
            })
            .collect();
        if inner.is_empty() {
            return Err(MergeError::NotAPart(p.display().to_string()));
        }
        inner.sort();
        out.extend(inner);
    }
    Ok(out)
}

/// Read and check the parts: one run, every shard exactly once. Sorted by shard index.
pub fn collect(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, Part)>, MergeError> {
    let mut parts: Vec<(PathBuf, Part)> = Vec::new();
    for d in find(dirs)? {
        let part = Part::read(&d)?;
        parts.push((d, part));
    }
    let Some((first_dir, first)) = parts.first().cloned() else {
        return Err(MergeError::Empty);
    };
    for (d, p) in &parts {
        let short = |f: &str| f.chars().take(12).collect::<String>();
        let differs = if p.command != first.command {
            Some((
                "command",
                format!("`{}` here, `{}` there", p.command, first.command),
            ))
        } else if p.seed != first.seed {
            Some(("seed", format!("{} here, {} there", p.seed, first.seed)))
        } else if p.rounds != first.rounds {
            Some((
                "round count",
                format!("{} here, {} there", p.rounds, first.rounds),
            ))
        } else if p.fingerprint != first.fingerprint {
            Some((
                "scenario or design",
                format!(
                    "scenario {} with fingerprint {} here, {} with {} there: their scenario text, \
                     --set or sweep settings differ",
                    p.file,
                    short(&p.fingerprint),
                    first.file,
                    short(&first.fingerprint)
                ),
            ))
        } else if p.shard.count != first.shard.count {
            Some((
                "split into shards",
                format!("{} shards here, {} there", p.shard.count, first.shard.count),
            ))
        } else {
            None
        };
        if let Some((what, detail)) = differs {
            return Err(MergeError::Foreign {
                path: d.display().to_string(),
                first: first_dir.display().to_string(),
                what,
                detail,
            });
        }
    }
    parts.sort_by_key(|(_, p)| p.shard.index);
    for w in parts.windows(2) {
        if w[0].1.shard.index == w[1].1.shard.index {
            return Err(MergeError::Duplicate {
                index: w[0].1.shard.index,
                count: first.shard.count,
                a: w[0].0.display().to_string(),
                b: w[1].0.display().to_string(),
            });
        }
    }
    let have: Vec<u64> = parts.iter().map(|(_, p)| p.shard.index).collect();
    let missing: Vec<String> = (0..first.shard.count)
        .filter(|i| !have.contains(i))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing: missing.join(", "),
            count: first.shard.count,
        });
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_every_item_once_for_any_split() {
        for items in [0u64, 1, 5, 16, 1000] {
            for n in [1u64, 2, 3, 7, 16, 40] {
                let mut next = 0;
                for i in 0..n {
                    let s = Shard::new(i, n).unwrap().slice(items);
                    assert_eq!(s.start, next);
                    assert!(s.end - s.start <= items.div_ceil(n));
                    next = s.end;
                }
                assert_eq!(next, items);
            }
        }
    }

    #[test]
    fn shard_specs_are_checked() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert!(
            "4/4"
                .parse::<Shard>()
                .unwrap_err()
                .contains("below the count")
        );
        assert!("0/0".parse::<Shard>().unwrap_err().contains("at least 1"));
        assert!("x".parse::<Shard>().unwrap_err().contains("not I/N"));
    }

    #[test]
    fn the_environment_gives_slurm_or_kubernetes_indices() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(a, _)| *a == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            Shard::from_env(None, &slurm),
            Ok(Shard { index: 3, count: 4 })
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "1")]);
        assert_eq!(
            Shard::from_env(Some(3), &k8s),
            Ok(Shard { index: 1, count: 3 })
        );
        assert!(
            Shard::from_env(None, &k8s)
                .unwrap_err()
                .contains("--shard-count")
        );
        assert!(
            Shard::from_env(None, &env(&[]))
                .unwrap_err()
                .contains("neither")
        );
    }
}
