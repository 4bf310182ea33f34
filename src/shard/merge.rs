//! `impasse merge`: check a set of parts (`collect`) and write the files of the unsharded run.
//! Runs and tournaments add their exact aggregates; a sweep's parts hold finished points, which
//! are assembled in point order.

use std::path::{Path, PathBuf};

use super::{MergeError, Part, Payload, collect};
use crate::aggregate::Totals;
use crate::output;
use crate::runner::Merge;
use crate::scenario;
use crate::sweep::{self, store};
use crate::tournament::{self, Tournament, report};

/// What was merged: the number of parts and what they were parts of.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    /// How many parts.
    pub parts: usize,
    /// What they were parts of (`a run of iran.toml`).
    pub what: String,
}

/// Merge the parts under `dirs` into `out`.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Merged, MergeError> {
    let parts = collect(dirs)?;
    if out.exists() && !out.is_dir() {
        return Err(MergeError::OutNotADirectory(out.display().to_string()));
    }
    let io = |source: std::io::Error| MergeError::Io {
        path: out.display().to_string(),
        source,
    };
    let first = &parts[0].1;
    let what = match &first.payload {
        Payload::Run { resolved, .. } => {
            let mut totals: Option<Totals> = None;
            for (_, p) in &parts {
                let Payload::Run { totals: t, .. } = &p.payload else {
                    unreachable!("collect checked: one command")
                };
                match &mut totals {
                    Some(all) => all.merge(t),
                    None => totals = Some(t.clone()),
                }
            }
            let totals = totals.expect("at least one part");
            let loaded = scenario::load_str(&first.file, resolved, &[])
                .map_err(|e| MergeError::Scenario(e.to_string()))?;
            let files = output::run_files(resolved, &loaded.scenario, &totals);
            output::write_files(out, &files).map_err(io)?;
            "run".to_string()
        }
        Payload::Sweep {
            prefix_header,
            points,
            sobol,
        } => {
            for (dir, p) in &parts {
                let state = store::state_dir(dir);
                if let Some(k) = p
                    .items
                    .clone()
                    .find(|&k| !store::is_sound(&store::point_path(&state, k)))
                {
                    return Err(MergeError::Damaged {
                        path: dir.display().to_string(),
                        reason: format!("point {k} is missing or damaged (cut short or edited)"),
                    });
                }
            }
            let locate = |k: u64| {
                let (dir, _) = parts
                    .iter()
                    .find(|(_, p)| p.items.contains(&k))
                    .expect("collect checked: the parts cover every point");
                store::point_path(&store::state_dir(dir), k)
            };
            let [summary, outcomes] = sweep::headers(prefix_header);
            store::assemble(
                *points,
                &locate,
                out,
                [("sweep.csv", &summary), ("sweep_outcomes.csv", &outcomes)],
            )
            .map_err(io)?;
            let manifest = first.manifest.clone().into_bytes();
            output::write_files(out, &[("manifest.toml", manifest)]).map_err(io)?;
            if *sobol {
                sweep::sensitivity::write(out, first.seed)
                    .map_err(|e| io(std::io::Error::other(e.to_string())))?;
            }
            format!("sweep of {points} points")
        }
        Payload::Tournament { scenarios } => {
            let files = merge_tournament(&parts, scenarios)?;
            output::write_files(out, &files).map_err(io)?;
            "tournament".to_string()
        }
        Payload::Audit { resolved, totals } => {
            let all = merge_audit(&parts, totals)?;
            let loaded = scenario::load_str(&first.file, resolved, &[])
                .map_err(|e| MergeError::Scenario(e.to_string()))?;
            let manifest = first.manifest.clone().into_bytes();
            let files = crate::audit::files::files(&loaded.scenario, &all, manifest);
            output::write_files(out, &files).map_err(io)?;
            "audit".to_string()
        }
    };
    Ok(Merged {
        parts: parts.len(),
        what,
    })
}

/// The audit parts' sums, merged; their history rules must be the same (every shard chooses
/// them on the same training rounds).
fn merge_audit(
    parts: &[(PathBuf, Part)],
    first: &crate::audit::Totals,
) -> Result<crate::audit::Totals, MergeError> {
    let mut all = first.clone();
    for (path, p) in &parts[1..] {
        let Payload::Audit { totals: t, .. } = &p.payload else {
            unreachable!("collect checked: one command")
        };
        if !all.same_rules(t) {
            // Every shard chooses them on the same training rounds: one part was altered.
            return Err(MergeError::Damaged {
                path: path.display().to_string(),
                reason: format!(
                    "its history rules differ from those of {}, which every shard chooses alike",
                    parts[0].0.display()
                ),
            });
        }
        Merge::merge(&mut all, t);
    }
    Ok(all)
}

fn merge_tournament(
    parts: &[(PathBuf, Part)],
    scenarios: &[super::TournamentPart],
) -> Result<output::Files, MergeError> {
    let mut merged: Vec<tournament::Results> =
        scenarios.iter().map(|s| s.results.clone()).collect();
    for (_, p) in &parts[1..] {
        let Payload::Tournament { scenarios: more } = &p.payload else {
            unreachable!("collect checked: one command")
        };
        for (m, s) in merged.iter_mut().zip(more) {
            m.merge(&s.results);
        }
    }
    let rebuilt: Vec<Tournament> = scenarios
        .iter()
        .map(|s| Tournament::new(&s.file, &s.resolved, s.entrants.clone()))
        .collect::<Result<_, _>>()
        .map_err(|e| MergeError::Scenario(e.to_string()))?;
    let others: Vec<(String, &Tournament, &tournament::Results)> = scenarios[1..]
        .iter()
        .zip(&rebuilt[1..])
        .zip(&merged[1..])
        .map(|((s, t), r)| (s.file.clone(), t, r))
        .collect();
    let manifest = parts[0].1.manifest.clone().into_bytes();
    Ok(report::files(
        &rebuilt[0],
        &merged[0],
        &others,
        &scenarios[0].file,
        manifest,
    )
    .files)
}
