//! `impasse run` and `impasse check`.

use std::time::Instant;

use anyhow::{Context, Result};

use crate::output::{self, table};
use crate::predict;
use crate::runner;
use crate::shard::{Part, Payload, Whole};

use super::cluster::write_part;
use super::*;

pub(super) fn run(a: RunArgs, host: &Host) -> Result<()> {
    let f = a.flags;
    let shard = f.shard()?;
    let loaded = load(a.scenario.as_deref(), a.scenario_args.set, &f.sim)?;
    let sc = &loaded.scenario;
    warn_if_means(sc, host);
    let dir = checked_out_dir(f.out.clone(), &loaded, "run")?;
    // A shard writes its own part folder; the shards of one job share DIR.
    let _lock = if shard.is_none() { lock(&dir)? } else { None };
    let pool = pool(f.threads)?;
    let (slice, bar) = round_batches(shard, sc.simulation.rounds, f.quiet, host);
    let started = Instant::now();
    let seed = sc.simulation.seed;
    let totals = pool.install(|| runner::run_batches(sc, seed, slice.clone(), &|n| bar.inc(n)));
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    if let Some(shard) = shard {
        let manifest = output::manifest::manifest(&loaded.resolved, sc, "run");
        let whole = Whole::of("run", &loaded, manifest, None);
        let payload = Payload::Run {
            resolved: loaded.resolved.clone(),
            totals,
        };
        return write_part(
            &dir,
            &Part::new(whole, shard, slice, payload),
            f.quiet,
            host,
        );
    }
    output::write_files(&dir, &output::run_files(&loaded.resolved, sc, &totals))
        .with_context(|| format!("cannot write results to {}", dir.display()))?;
    if !f.no_report {
        report(&dir, true, host)?;
    }
    if !f.quiet {
        host.print(&table::render(sc, &totals.report()));
        host.print(&format!(
            "\n  {} in {:.2} s ({:.3e} rounds/s); results in {}\n",
            count(sc.simulation.rounds, ROUNDS),
            elapsed.as_secs_f64(),
            sc.simulation.rounds as f64 / elapsed.as_secs_f64().max(1e-9),
            dir.display()
        ));
    }
    Ok(())
}

pub(super) fn check(a: CheckArgs, host: &Host) -> Result<()> {
    let loaded = load(Some(&a.scenario), a.scenario_args.set, &SimFlags::default())?;
    let prediction = predict::predict(&loaded.scenario);
    host.print(&table::describe(&loaded.scenario, prediction.as_ref()));
    Ok(())
}
