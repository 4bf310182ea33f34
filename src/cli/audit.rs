//! `impasse audit`.

use std::time::Instant;

use anyhow::{Context, Result};

use crate::audit;
use crate::output;
use crate::shard::{Part, Payload, Whole};

use super::cluster::write_part;
use super::*;

pub(super) fn audit(a: AuditArgs, host: &Host) -> Result<()> {
    let f = a.flags;
    let shard = f.shard()?;
    let loaded = load(a.scenario.as_deref(), a.scenario_args.set, &f.sim)?;
    let sc = &loaded.scenario;
    warn_if_means(sc, host);
    let asked = audit::Flags {
        grid: a.grid,
        at: a.at,
        no_history: a.no_history,
        types: a.types,
    };
    let settings = audit::settings(&loaded, &asked).map_err(Usage)?;
    let grid = audit::grid(sc, settings.points as usize, &settings.at);
    let types = audit::types::types(sc, settings.types);
    let dir = checked_out_dir(f.out.clone(), &loaded, "audit")?;
    // A shard writes its own part folder; the shards of one job share DIR.
    let _lock = if shard.is_none() { lock(&dir)? } else { None };
    let pool = pool(f.threads)?;
    let (slice, bar) = round_batches(shard, sc.simulation.rounds, f.quiet, host);
    let history = settings.history && audit::history::Histories::of(sc).is_some();
    if history {
        // The history rule is first chosen on rounds of its own.
        let train = audit::history::training(sc.simulation.rounds);
        bar.extend(train.end - train.start);
    }
    let started = Instant::now();
    let seed = sc.simulation.seed;
    let play = |n| bar.inc(n);
    let totals =
        pool.install(|| audit::run_batches(sc, seed, &grid, slice.clone(), history, &types, &play));
    bar.finish_and_clear();
    let table = audit::table(&settings);
    let manifest =
        output::manifest::manifest_with(&loaded.resolved, sc, "audit", &[("audit", table)]);
    if let Some(shard) = shard {
        let whole = Whole::of("audit", &loaded, manifest, None);
        let payload = Payload::Audit {
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
    output::write_files(&dir, &audit::files::files(sc, &totals, manifest))
        .with_context(|| format!("cannot write results to {}", dir.display()))?;
    if !f.no_report {
        report(&dir, true, host)?;
    }
    if !f.quiet {
        host.print(&audit::summary(sc, &totals.report()));
        host.print(&format!(
            "\n  {} x {} a party in {:.2} s; results in {}\n",
            count(sc.simulation.rounds, ROUNDS),
            count(grid.len() as u64 + 1, DEVIATIONS),
            started.elapsed().as_secs_f64(),
            dir.display()
        ));
    }
    Ok(())
}
