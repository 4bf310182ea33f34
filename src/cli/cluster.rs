//! Shards across machines: writing a shard's part, `impasse merge` and `impasse slurm`.

use std::path::Path;

use anyhow::{Context, Result};

use crate::output;
use crate::shard::{self as shards, MergeError, Part};
use crate::slurm::Job;

use super::*;

/// Write a shard's partial result into `dir/part-I-of-N/` and say so.
pub(super) fn write_part(dir: &Path, part: &Part, quiet: bool, host: &Host) -> Result<()> {
    let d = dir.join(part.shard.dir_name());
    part.write(&d)
        .with_context(|| format!("cannot write the partial result to {}", d.display()))?;
    if !quiet {
        host.print(&format!(
            "{} written to {}; combine all {} with `impasse merge`\n",
            part.describe(),
            d.display(),
            part.shard.count
        ));
    }
    Ok(())
}

pub(super) fn merge(a: MergeArgs, host: &Host) -> Result<()> {
    if a.out.is_dir() {
        refuse_foreign(&a.out)?;
    }
    let merged = shards::merge::merge(&a.dirs, &a.out).map_err(|e| match e {
        MergeError::Io { .. } => anyhow::Error::new(e),
        other => Usage(other.to_string()).into(),
    })?;
    if !a.no_report {
        report(&a.out, true, host)?;
    }
    if !a.quiet {
        host.print(&format!(
            "merged {} of `impasse {}` into {}\n",
            count(merged.parts as u64, SHARDS),
            merged.what,
            a.out.display()
        ));
    }
    Ok(())
}

pub(super) fn slurm(a: SlurmArgs, host: &Host) -> Result<()> {
    let (command, slurm, args) = match &a.job {
        SlurmJob::Run {
            slurm,
            scenario_args,
            sim,
        } => ("run", slurm, [scenario_args.args(), sim.args()].concat()),
        SlurmJob::Sweep {
            slurm,
            scenario_args,
            design,
            sim,
        } => {
            let args = [scenario_args.args(), design.args(), sim.args()].concat();
            ("sweep", slurm, args)
        }
        SlurmJob::Tournament {
            slurm,
            scenario_args,
            entrants,
            sim,
        } => {
            let args = [scenario_args.args(), entrants.args()?, sim.args()].concat();
            ("tournament", slurm, args)
        }
    };
    let (items, what) = check_job(&a.scenario, &a.job)?;
    if slurm.shards > items {
        bail!(Usage(format!(
            "--shards {}: the {command} has {} to share out, at most one to a shard; use \
             --shards {items} or fewer (or more rounds)",
            slurm.shards,
            count(items, what),
        )));
    }
    let bin = match &slurm.bin {
        Some(b) => absolute(b)?,
        None => std::env::current_exe().context("cannot find this binary's path")?,
    };
    let dir = absolute(&slurm.out)?;
    std::fs::create_dir_all(dir.join("logs"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let copy = dir.join("scenario.toml");
    std::fs::copy(&a.scenario, &copy)
        .with_context(|| format!("cannot copy the scenario to {}", copy.display()))?;
    let job = Job {
        bin,
        command: command.into(),
        scenario: copy,
        args,
        shards: slurm.shards,
        dir: dir.clone(),
        partition: slurm.partition.clone(),
        time: slurm.time.clone(),
        cpus: slurm.cpus_per_task,
    };
    let scripts = [
        ("array.sbatch", job.array_sbatch().into_bytes()),
        ("merge.sbatch", job.merge_sbatch().into_bytes()),
        ("submit.sh", job.submit_sh().into_bytes()),
    ];
    output::write_files(&dir, &scripts)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let executable = std::fs::Permissions::from_mode(0o755);
        std::fs::set_permissions(dir.join("submit.sh"), executable)?;
    }
    host.print(&format!(
        "wrote {d}/array.sbatch ({} shards), {d}/merge.sbatch and {d}/submit.sh\nsubmit with: bash {d}/submit.sh --wait   (results in {d}/merged/)\n",
        slurm.shards,
        d = dir.display()
    ));
    Ok(())
}

/// What the jobs will run must work now, not fail on the cluster: the scenario with its
/// overrides, and a sweep's design or a tournament's entrants. Returns the number of items the
/// shards share (batches of rounds, or a sweep's points) and their name.
fn check_job(file: &Path, job: &SlurmJob) -> Result<(u64, Noun)> {
    Ok(match job {
        SlurmJob::Run {
            scenario_args, sim, ..
        } => {
            let loaded = load(Some(file), scenario_args.set.clone(), sim)?;
            let rounds = loaded.scenario.simulation.rounds;
            (crate::runner::batch_count(rounds), BATCHES)
        }
        SlurmJob::Sweep {
            scenario_args,
            design: d,
            sim,
            ..
        } => {
            let loaded = load(Some(file), scenario_args.set.clone(), sim)?;
            let sweep =
                crate::sweep::Sweep::from_loaded(&loaded, &d.vary, d.design.as_deref(), d.points)
                    .map_err(Usage)?;
            (sweep.design.points, POINTS)
        }
        SlurmJob::Tournament {
            scenario_args,
            entrants,
            sim,
            ..
        } => {
            let set = &scenario_args.set;
            let main = load(Some(file), set.clone(), sim)?;
            let lists =
                crate::tournament::resolve_entrants(&main, &entrants.entrants).map_err(Usage)?;
            let mut loaded = vec![main];
            for path in &entrants.scenarios {
                loaded.push(load(Some(path), set.clone(), sim)?);
            }
            let series = crate::tournament::Series::new(&loaded, lists).map_err(Usage)?;
            (crate::runner::batch_count(series.main().rounds), BATCHES)
        }
    })
}
