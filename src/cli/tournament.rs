//! `impasse tournament`.

use std::time::Instant;

use anyhow::{Context, Result};

use crate::output;
use crate::shard::{Part, Payload, TournamentPart, Whole};
use crate::tournament::{self as tm, Series};

use super::cluster::write_part;
use super::*;

pub(super) fn tournament(a: TournamentArgs, host: &Host) -> Result<()> {
    let f = a.flags;
    let set = a.scenario_args.set;
    let main = load(Some(&a.scenario), set.clone(), &f.sim)?;
    let entrants = tm::resolve_entrants(&main, &a.entrants.entrants).map_err(Usage)?;
    let mut loaded = vec![main];
    for path in &a.entrants.scenarios {
        loaded.push(load(Some(path), set.clone(), &f.sim)?);
    }
    let series = Series::new(&loaded, entrants).map_err(Usage)?;
    let shard = f.shard()?;
    let dir = checked_out_dir(f.out.clone(), &loaded[0], "tournament")?;
    // A shard writes its own part folder; the shards of one job share DIR.
    let _lock = if shard.is_none() { lock(&dir)? } else { None };
    let pool = pool(f.threads)?;
    let slice = |batches: u64| shard.map_or(0..batches, |s| s.slice(batches));
    warn_if_empty(
        shard,
        crate::runner::batch_count(series.main().rounds),
        BATCHES,
        host,
    );
    let bar = host.bar(series.work(), f.quiet, "rounds");
    let started = Instant::now();
    let results = pool.install(|| series.run(&slice, &|n| bar.inc(n)));
    bar.finish_and_clear();
    let manifest = series.manifest(&loaded[0], max_equilibria(&a.entrants, &loaded[0])?);
    if let Some(shard) = shard {
        let main = series.main();
        let identity = Some(series.identity(&manifest));
        let whole = Whole::of("tournament", &loaded[0], manifest, identity);
        let parts = series.scenarios.iter().zip(results);
        let scenarios = parts
            .map(|((file, resolved, _), results)| TournamentPart {
                file: file.clone(),
                resolved: resolved.clone(),
                entrants: series.entrants.clone(),
                results,
            })
            .collect();
        let items = slice(crate::runner::batch_count(main.rounds));
        let part = Part::new(whole, shard, items, Payload::Tournament { scenarios });
        return write_part(&dir, &part, f.quiet, host);
    }
    let [m, n] = series.main().entrants.each_ref().map(Vec::len);
    if !f.quiet && m * n > 100 {
        // Vertex enumeration grows fast with the entrants: say what the wait is for.
        host.warn(&format!(
            "  finding every equilibrium of the {m} x {n} meta-game (exact vertex enumeration)"
        ));
    }
    let tm::report::Outputs {
        files,
        matrices: [pa, pb],
        equilibria,
    } = tm::report::series_files(&series, &results, manifest);
    output::write_files(&dir, &files)
        .with_context(|| format!("cannot write results to {}", dir.display()))?;
    if !f.no_report {
        report(&dir, true, host)?;
    }
    if !f.quiet {
        host.print(&tm::table::table(series.main(), &pa, &pb, &equilibria));
        host.print(&format!(
            "\n  {} x {} in {:.2} s; results in {}\n",
            count(series.main().pairings.len() as u64, PAIRINGS),
            count(series.main().rounds, ROUNDS),
            started.elapsed().as_secs_f64(),
            dir.display()
        ));
    }
    Ok(())
}

/// The limit on the meta-game's equilibria: `--max-equilibria`, else the file's
/// `[tournament] max_equilibria`, else the default.
fn max_equilibria(e: &EntrantArgs, main: &crate::scenario::Loaded) -> Result<u64> {
    let file = main.tournament.as_ref().and_then(|t| t.max_equilibria);
    let n = e
        .max_equilibria
        .or(file)
        .unwrap_or(tm::DEFAULT_MAX_EQUILIBRIA);
    if !(1..=100_000_000).contains(&n) {
        bail!(Usage(format!(
            "{}: tournament.max_equilibria = {n}: must be from 1 to 100000000",
            main.file
        )));
    }
    Ok(n)
}
