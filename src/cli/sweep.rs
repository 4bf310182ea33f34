//! `impasse sweep`.

use std::time::Instant;

use anyhow::{Context, Result};

use impasse::output;
use impasse::scenario::ScenarioError;
use impasse::shard::{self as shards, Part, Payload};

use super::cluster::write_part;
use super::*;

pub(super) fn sweep(a: SweepArgs) -> Result<()> {
    use impasse::sweep::{Axis, Design, Kind, Store, Sweep};
    let f = a.flags;
    let loaded = load(Some(&a.scenario), a.scenario_args.set, f.rounds, f.seed)?;
    let table = loaded.sweep.clone().unwrap_or_default();
    // The [sweep] table's axes, then the flags': a flag replaces the table's entry for its path.
    let mut axes: Vec<Axis> = Vec::new();
    for (path, spec) in &table.vary {
        let axis = Axis::parse(&format!("{path}={spec}"))
            .map_err(|e| Usage(format!("[sweep] vary {path:?} = {spec:?}: {e}")))?;
        axes.push(axis);
    }
    for v in &a.vary {
        let axis = Axis::parse(v).map_err(|e| Usage(format!("--vary {v}: {e}")))?;
        match axes.iter_mut().find(|x| x.path == axis.path) {
            Some(x) => *x = axis,
            None => axes.push(axis),
        }
    }
    let kind_text = a.design.or(table.design).unwrap_or_else(|| "grid".into());
    let kind = Kind::parse(&kind_text).map_err(|e| Usage(format!("--design: {e}")))?;
    let points = a.points.or(table.points);
    let sim = &loaded.scenario.simulation;
    let design = Design::new(kind, axes, points, sim.seed).map_err(Usage)?;
    let sw = Sweep {
        base: loaded.resolved.clone(),
        file: loaded.file.clone(),
        design,
        seed: sim.seed,
        rounds: sim.rounds,
    };
    sw.check_axes().map_err(|(axis, e)| {
        let message = match e {
            ScenarioError::Override { message, .. } => message,
            other => other.to_string(),
        };
        Usage(format!("--vary {axis}: {message}"))
    })?;
    let shard = f.shard()?;
    let out = checked_out_dir(f.out.clone(), &loaded)?;
    // A shard keeps its points in its own part folder.
    let dir = shard.map_or(out.clone(), |s| out.join(s.dir_name()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let slice = shard.map_or(0..sw.design.points, |s| s.slice(sw.design.points));
    let store = Store::open(&dir, &sw.fingerprint(), a.resume).map_err(|e| match e {
        impasse::sweep::StoreError::Io(io) => anyhow::Error::new(io),
        other => Usage(other.to_string()).into(),
    })?;
    let pool = pool(f.threads)?;
    let bar = progress_bar(slice.end - slice.start, f.quiet, "points");
    let rounds = std::sync::atomic::AtomicU64::new(0);
    let started = Instant::now();
    let result = pool.install(|| {
        sw.run_points(
            slice.clone(),
            &store,
            &|n| {
                let total = rounds.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
                let secs = started.elapsed().as_secs_f64().max(1e-9);
                bar.set_message(format!("{:.3e} rounds/s", total as f64 / secs));
            },
            &|| bar.inc(1),
        )
    });
    bar.finish_and_clear();
    result.map_err(|e| match e {
        impasse::sweep::SweepError::Point { .. } => anyhow::Error::new(Usage(e.to_string())),
        other => anyhow::Error::new(other),
    })?;
    let manifest = output::manifest::manifest_with(
        &loaded.resolved,
        &loaded.scenario,
        "sweep",
        &[("sweep", sw.design.to_table())],
    );
    if let Some(shard) = shard {
        let manifest = String::from_utf8(manifest).expect("the manifest is UTF-8");
        let part = Part {
            impasse: env!("CARGO_PKG_VERSION").into(),
            command: "sweep".into(),
            fingerprint: shards::fingerprint(&sw.fingerprint()),
            seed: sw.seed,
            rounds: sw.rounds,
            shard,
            items: slice,
            file: loaded.file.clone(),
            manifest,
            payload: Payload::Sweep {
                prefix_header: sw.prefix_header(),
                points: sw.design.points,
            },
        };
        return write_part(&out, &part, f.quiet);
    }
    sw.assemble(&store, &dir)
        .with_context(|| format!("cannot write results to {}", dir.display()))?;
    output::write_files(&dir, &[("manifest.toml", manifest)])?;
    if !f.quiet {
        println!(
            "{} points x {} rounds in {:.2} s; results in {}",
            sw.design.points,
            sw.rounds,
            started.elapsed().as_secs_f64(),
            dir.display()
        );
    }
    Ok(())
}
