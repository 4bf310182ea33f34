//! `impasse sweep`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::output;
use crate::shard::{Part, Payload, Whole};
use crate::sweep::{Kind, Store, StoreError, Sweep, SweepError, sensitivity};

use super::cluster::write_part;
use super::*;

pub(super) fn sweep(a: SweepArgs, host: &Host) -> Result<()> {
    let f = a.flags;
    let loaded = load(Some(&a.scenario), a.scenario_args.set, &f.sim)?;
    warn_if_means(&loaded.scenario, host);
    let d = &a.design;
    let sw = Sweep::from_loaded(&loaded, &d.vary, d.design.as_deref(), d.points).map_err(Usage)?;
    let shard = f.shard()?;
    let out = checked_out_dir(f.out.clone(), &loaded, "sweep")?;
    // A shard keeps its points in its own part folder.
    let dir = shard.map_or(out.clone(), |s| out.join(s.dir_name()));
    let _lock = lock(&dir)?;
    let slice = shard.map_or(0..sw.design.points, |s| s.slice(sw.design.points));
    warn_if_empty(shard, sw.design.points, POINTS, host);
    let manifest = output::manifest::manifest_with(
        &loaded.resolved,
        &loaded.scenario,
        "sweep",
        &[("sweep", sw.design.to_table())],
    );
    if a.resume && shard.is_none() && already_done(&dir, &manifest, f.quiet, host)? {
        return Ok(());
    }
    let store = open_store(&dir, &sw, a.resume, f.quiet, host)?;
    if !host.is_embedded() {
        on_interrupt(dir.clone(), slice.end - slice.start);
    }
    let pool = pool(f.threads)?;
    let bar = host.bar(slice.end - slice.start, f.quiet, "points");
    let rounds = AtomicU64::new(0);
    let started = Instant::now();
    let rounds_done = |n: u64| {
        let total = rounds.fetch_add(n, Ordering::Relaxed) + n;
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!("{:.3e} rounds/s", total as f64 / secs));
    };
    let result =
        pool.install(|| sw.run_points(slice.clone(), &store, &rounds_done, &|| bar.inc(1)));
    bar.finish_and_clear();
    result.map_err(|e| match e {
        SweepError::Point { .. } => anyhow::Error::new(Usage(e.to_string())),
        other => anyhow::Error::new(other),
    })?;
    if let Some(shard) = shard {
        let whole = Whole::of("sweep", &loaded, manifest, Some(sw.fingerprint()));
        let payload = Payload::Sweep {
            prefix_header: sw.prefix_header(),
            points: sw.design.points,
            sobol: sw.design.kind == Kind::Sobol,
        };
        return write_part(
            &out,
            &Part::new(whole, shard, slice, payload),
            f.quiet,
            host,
        );
    }
    sw.assemble(&store, &dir)
        .with_context(|| format!("cannot write results to {}", dir.display()))?;
    output::write_files(&dir, &[("manifest.toml", manifest)])?;
    if sw.design.kind == Kind::Sobol {
        sensitivity::write(&dir, sw.seed)?;
    }
    if !f.no_report {
        report(&dir, true, host)?;
    }
    if !f.quiet {
        let headline = crate::sweep::headline::headline(&dir, &loaded.scenario).map_err(Usage)?;
        host.print(&headline);
        host.print(&format!(
            "\n{} x {} in {:.2} s; results in {}\n",
            count(sw.design.points, POINTS),
            count(sw.rounds, ROUNDS),
            started.elapsed().as_secs_f64(),
            dir.display()
        ));
    }
    Ok(())
}

/// Ctrl-C (SIGINT), SIGTERM or SIGHUP during a sweep: every finished point is already on disk,
/// so say how many and how to go on, then stop with the shell's code for that signal (128 + its
/// number: 130 for Ctrl-C, 143 for SIGTERM, as a run killed by it). Unix only; elsewhere the
/// points are kept all the same.
fn on_interrupt(dir: std::path::PathBuf, total: u64) {
    let mut args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--resume") {
        args.push("--resume".into());
    }
    let again = shlex::try_join(args.iter().map(String::as_str)).unwrap_or_default();
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        // Registering twice in one process (a second sweep) only adds a listener that never
        // fires first; failing to register leaves the default, which also keeps the points.
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let kept = crate::sweep::store::kept_points(&dir).unwrap_or(0);
                eprintln!(
                    "\ninterrupted: {kept} of {total} points are done and kept in {}; continue \
                     with\n  {again}",
                    dir.display()
                );
                std::process::exit(128 + signal);
            }
        });
    }
}

/// `--resume` where a sweep finished: this very sweep (its manifest.toml the one this sweep
/// writes) has nothing left to do, and succeeds, as a requeued job or a rerun script expects;
/// another sweep's finished results are refused. `Ok(false)`: no finished sweep there.
fn already_done(dir: &std::path::Path, manifest: &[u8], quiet: bool, host: &Host) -> Result<bool> {
    if finished(dir, manifest) {
        if !quiet {
            host.print(&format!(
                "the sweep in {} is complete: nothing to resume\n",
                dir.display()
            ));
        }
        return Ok(true);
    }
    if dir.join("sweep.csv").is_file() {
        bail!(Usage(format!(
            "{}: nothing to resume: it holds a finished sweep of another scenario, design or \
             round count (its manifest.toml differs); run without --resume to replace it, or \
             choose another --out",
            dir.display()
        )));
    }
    Ok(false)
}

/// Whether `dir` holds this very sweep, finished: its sweep.csv written and its manifest.toml
/// the one this sweep writes.
fn finished(dir: &std::path::Path, manifest: &[u8]) -> bool {
    dir.join("sweep.csv").is_file()
        && std::fs::read(dir.join("manifest.toml")).is_ok_and(|m| m == manifest)
}

/// The sweep's store in `dir`, saying so when an unfinished sweep there is started over.
fn open_store(
    dir: &std::path::Path,
    sw: &Sweep,
    resume: bool,
    quiet: bool,
    host: &Host,
) -> Result<Store> {
    if !resume
        && !quiet
        && let Some(kept) = crate::sweep::store::kept_points(dir)
    {
        host.warn(&format!(
            "note: {} held an unfinished sweep ({kept} points done); starting over (--resume \
             continues one instead)",
            dir.display()
        ));
    }
    let store = Store::open(dir, &sw.fingerprint(), resume).map_err(|e| match e {
        StoreError::Io(io) => anyhow::Error::new(io),
        other => anyhow::Error::new(Usage(other.to_string())),
    })?;
    if !store.damaged().is_empty() {
        let points: Vec<String> = store.damaged().iter().map(u64::to_string).collect();
        host.warn(&format!(
            "note: {} in {} damaged (cut short or edited): {}; {} again",
            if points.len() == 1 {
                "a point file was"
            } else {
                "point files were"
            },
            dir.display(),
            points.join(", "),
            if points.len() == 1 {
                "it runs"
            } else {
                "they run"
            },
        ));
    }
    Ok(store)
}
