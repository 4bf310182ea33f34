//! Shards across machines: writing a shard's part, `impasse merge` and `impasse slurm`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use impasse::output;
use impasse::scenario;
use impasse::shard::{self as shards, Part, Payload};

use super::*;

/// Write a shard's partial result into `dir/part-I-of-N/` and say so.
pub(super) fn write_part(dir: &Path, part: &Part, quiet: bool) -> Result<()> {
    let d = dir.join(part.shard.dir_name());
    part.write(&d)
        .with_context(|| format!("cannot write the partial result to {}", d.display()))?;
    if !quiet {
        println!(
            "shard {} of {} ({} {} to {}) written to {}; combine all {} with `impasse merge`",
            part.shard.index,
            part.shard.count,
            if part.command == "sweep" {
                "points"
            } else {
                "batches"
            },
            part.items.start,
            part.items.end,
            d.display(),
            part.shard.count
        );
    }
    Ok(())
}

pub(super) fn merge(a: MergeArgs) -> Result<()> {
    let parts = shards::collect(&a.dirs).map_err(|e| Usage(e.to_string()))?;
    let out = &a.out;
    if out.exists() && !out.is_dir() {
        bail!(Usage(format!(
            "--out {}: exists and is not a directory",
            out.display()
        )));
    }
    let first = &parts[0].1;
    let written = |what: String| {
        if !a.quiet {
            println!(
                "merged {} shards of a {what} into {}",
                parts.len(),
                out.display()
            );
        }
    };
    match &first.payload {
        Payload::Run { resolved, .. } => {
            let mut totals: Option<impasse::aggregate::Totals> = None;
            for (_, p) in &parts {
                let Payload::Run { totals: t, .. } = &p.payload else {
                    unreachable!("checked: one command")
                };
                match &mut totals {
                    Some(all) => all.merge(t),
                    None => totals = Some(t.clone()),
                }
            }
            let totals = totals.expect("at least one part");
            let loaded = scenario::load_str(&first.file, resolved, &[])?;
            output::write_files(out, &output::run_files(resolved, &loaded.scenario, &totals))?;
            written("run".into());
        }
        Payload::Sweep {
            prefix_header,
            points,
        } => {
            use impasse::sweep::store;
            let locate = |k: u64| {
                let (dir, _) = parts
                    .iter()
                    .find(|(_, p)| p.items.contains(&k))
                    .expect("checked: the parts cover every point");
                store::point_path(&store::state_dir(dir), k)
            };
            let [summary, outcomes] = impasse::sweep::headers(prefix_header);
            store::assemble(
                *points,
                &locate,
                out,
                [("sweep.csv", &summary), ("sweep_outcomes.csv", &outcomes)],
            )
            .with_context(|| format!("cannot write results to {}", out.display()))?;
            output::write_files(
                out,
                &[("manifest.toml", first.manifest.clone().into_bytes())],
            )?;
            written(format!("sweep of {points} points"));
        }
        Payload::Tournament { scenarios } => {
            use impasse::tournament::{Tournament, report};
            let mut merged: Vec<impasse::tournament::Results> =
                scenarios.iter().map(|s| s.results.clone()).collect();
            for (_, p) in &parts[1..] {
                let Payload::Tournament { scenarios: more } = &p.payload else {
                    unreachable!("checked: one command")
                };
                for (m, s) in merged.iter_mut().zip(more) {
                    m.merge(&s.results);
                }
            }
            let rebuilt: Vec<Tournament> = scenarios
                .iter()
                .map(|s| Tournament::new(&s.file, &s.resolved, s.entrants.clone()))
                .collect::<Result<_, _>>()
                .map_err(|e| Usage(e.to_string()))?;
            let others: Vec<(String, &Tournament, &impasse::tournament::Results)> = scenarios[1..]
                .iter()
                .zip(&rebuilt[1..])
                .zip(&merged[1..])
                .map(|((s, t), r)| (s.file.clone(), t, r))
                .collect();
            let files = report::files(
                &rebuilt[0],
                &merged[0],
                &others,
                &scenarios[0].file,
                first.manifest.clone().into_bytes(),
            )
            .files;
            output::write_files(out, &files)?;
            written("tournament".into());
        }
    }
    Ok(())
}

/// Take `--name VALUE` or `--name=VALUE` (or `-s VALUE`) out of `args`.
fn take_flag(args: &mut Vec<String>, long: &str, short: Option<&str>) -> Result<Option<String>> {
    let mut found = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == long || Some(a.as_str()) == short {
            if i + 1 >= args.len() {
                bail!(Usage(format!("{long} needs a value")));
            }
            found = Some(args.remove(i + 1));
            args.remove(i);
        } else if let Some(v) = a.strip_prefix(&format!("{long}=")) {
            found = Some(v.to_string());
            args.remove(i);
        } else {
            i += 1;
        }
    }
    Ok(found)
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))
}

pub(super) fn slurm(a: SlurmArgs) -> Result<()> {
    use impasse::slurm::Job;
    if !["run", "sweep", "tournament"].contains(&a.command.as_str()) {
        bail!(Usage(format!(
            "`{}` cannot be sharded: give run, sweep or tournament",
            a.command
        )));
    }
    let mut rest = a.rest.clone();
    let shards: u64 = take_flag(&mut rest, "--shards", None)?
        .ok_or_else(|| Usage("--shards N is required".into()))?
        .parse()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| Usage("--shards takes a whole number >= 1".into()))?;
    let dir = take_flag(&mut rest, "--out", Some("-o"))?.ok_or_else(|| {
        Usage("-o DIR is required: where the scripts, parts and merged results go".into())
    })?;
    let partition = take_flag(&mut rest, "--partition", None)?;
    let time = take_flag(&mut rest, "--time", None)?;
    let cpus = match take_flag(&mut rest, "--cpus-per-task", None)? {
        None => None,
        Some(c) => Some(
            c.parse::<u64>()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| Usage("--cpus-per-task takes a whole number >= 1".into()))?,
        ),
    };
    let bin = match take_flag(&mut rest, "--bin", None)? {
        Some(b) => absolute(Path::new(&b))?,
        None => std::env::current_exe().context("cannot find this binary's path")?,
    };
    if let Some(bad) = rest
        .iter()
        .find(|x| x.starts_with("--shard") || *x == "-o" || x.starts_with("--out"))
    {
        bail!(Usage(format!(
            "{bad}: impasse slurm sets the shard and output flags itself"
        )));
    }
    // Paths the jobs read must not depend on their working directory.
    let mut k = 0;
    while k < rest.len() {
        if rest[k] == "--scenarios" && k + 1 < rest.len() {
            let abs: Vec<String> = rest[k + 1]
                .split(',')
                .map(|p| absolute(Path::new(p)).map(|q| q.display().to_string()))
                .collect::<Result<_>>()?;
            rest[k + 1] = abs.join(",");
        }
        k += 1;
    }
    // The command and its flags must parse now, not fail on the cluster.
    let mut argv = vec![
        "impasse".to_string(),
        a.command.clone(),
        a.scenario.display().to_string(),
    ];
    argv.extend(rest.iter().cloned());
    if let Err(e) = Cli::try_parse_from(&argv) {
        bail!(Usage(format!(
            "{} flags: {}",
            a.command,
            e.to_string().trim()
        )));
    }
    scenario::load_file(&a.scenario, &[])?;
    let dir = absolute(Path::new(&dir))?;
    std::fs::create_dir_all(dir.join("logs"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let copy = dir.join("scenario.toml");
    std::fs::copy(&a.scenario, &copy)
        .with_context(|| format!("cannot copy the scenario to {}", copy.display()))?;
    let job = Job {
        bin,
        command: a.command.clone(),
        scenario: copy,
        args: rest,
        shards,
        dir: dir.clone(),
        partition,
        time,
        cpus,
    };
    output::write_files(
        &dir,
        &[
            ("array.sbatch", job.array_sbatch().into_bytes()),
            ("merge.sbatch", job.merge_sbatch().into_bytes()),
            ("submit.sh", job.submit_sh().into_bytes()),
        ],
    )?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.join("submit.sh"),
            std::fs::Permissions::from_mode(0o755),
        )?;
    }
    println!(
        "wrote {d}/array.sbatch ({shards} shards), {d}/merge.sbatch and {d}/submit.sh\nsubmit with: bash {d}/submit.sh --wait   (results in {d}/merged/)",
        d = dir.display()
    );
    Ok(())
}
