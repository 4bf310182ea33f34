//! `impasse tournament`.

use std::time::Instant;

use anyhow::{Context, Result, bail};

use impasse::output::{self, table};
use impasse::runner;
use impasse::scenario::Loaded;
use impasse::shard::{self as shards, Part, Payload};

use super::cluster::write_part;
use super::*;

/// The entrants of each party: the [tournament] table's, with `--entrants` replacing a party's
/// list; a party with none enters the strategy its scenario gives it.
fn entrants(loaded: &Loaded, flags: &[String]) -> Result<[Vec<impasse::tournament::Entrant>; 2]> {
    use impasse::tournament::Entrant;
    let ids = [
        &loaded.scenario.parties[0].id,
        &loaded.scenario.parties[1].id,
    ];
    let position = |id: &str, from: &str| {
        ids.iter().position(|x| x.as_str() == id).ok_or_else(|| {
            Usage(format!(
                "{from}: there is no party `{id}` (parties: {}, {})",
                ids[0], ids[1]
            ))
        })
    };
    let mut lists: [Vec<Entrant>; 2] = [Vec::new(), Vec::new()];
    if let Some(t) = &loaded.tournament {
        for (id, specs) in &t.entrants {
            let i = position(id, "[tournament] entrants")?;
            lists[i] = specs
                .iter()
                .map(Entrant::from_toml)
                .collect::<Result<_, _>>()
                .map_err(|e| Usage(format!("[tournament] entrants.{id}: {e}")))?;
        }
    }
    for f in flags {
        let (id, specs) = f
            .split_once('=')
            .ok_or_else(|| Usage(format!("--entrants {f}: expected PARTY=SPEC,SPEC,...")))?;
        let i = position(id.trim(), &format!("--entrants {f}"))?;
        lists[i] = specs
            .split(',')
            .map(Entrant::parse)
            .collect::<Result<_, _>>()
            .map_err(|e| Usage(format!("--entrants {f}: {e}")))?;
    }
    let doc: toml::Table = loaded.resolved.parse().context("re-reading the scenario")?;
    for (i, list) in lists.iter_mut().enumerate() {
        if list.is_empty() {
            let own = &doc["parties"][ids[i].as_str()]["strategy"];
            list.push(Entrant::from_toml(own).map_err(Usage)?);
        }
    }
    Ok(lists)
}

pub(super) fn tournament(a: TournamentArgs) -> Result<()> {
    use impasse::tournament::{self as tm, Tournament, report};
    let f = a.flags;
    let set = a.scenario_args.set;
    let loaded = load(Some(&a.scenario), set.clone(), f.rounds, f.seed)?;
    let lists = entrants(&loaded, &a.entrants)?;
    let make = |l: &Loaded| {
        Tournament::new(&l.file, &l.resolved, lists.clone())
            .map_err(|e| anyhow::Error::new(Usage(e.to_string())))
    };
    let main = make(&loaded)?;
    let mut others = Vec::new();
    let mut other_texts = Vec::new();
    for path in &a.scenarios {
        let l = load(Some(path), set.clone(), f.rounds, f.seed)?;
        other_texts.push(l.resolved.clone());
        let ids = [&l.scenario.parties[0].id, &l.scenario.parties[1].id];
        if ids
            != [
                &loaded.scenario.parties[0].id,
                &loaded.scenario.parties[1].id,
            ]
        {
            bail!(Usage(format!(
                "--scenarios {}: its parties ({}, {}) differ from {}'s ({}, {}); scenarios ranked together must share party ids, in the same order",
                path.display(),
                ids[0],
                ids[1],
                loaded.file,
                loaded.scenario.parties[0].id,
                loaded.scenario.parties[1].id
            )));
        }
        others.push((l.file.clone(), make(&l)?));
    }
    let shard = f.shard()?;
    let dir = checked_out_dir(f.out.clone(), &loaded)?;
    let pool = pool(f.threads)?;
    let slice_of = |t: &Tournament| {
        let b = runner::batch_count(t.rounds);
        shard.map_or(0..b, |s| s.slice(b))
    };
    let work: u64 = std::iter::once(&main)
        .chain(others.iter().map(|o| &o.1))
        .map(|t| t.rounds * t.pairings.len() as u64)
        .sum();
    let bar = progress_bar(work, f.quiet, "rounds");
    let started = Instant::now();
    let results = pool.install(|| main.run_batches(slice_of(&main), &|n| bar.inc(n)));
    let other_results: Vec<_> = others
        .iter()
        .map(|(_, t)| pool.install(|| t.run_batches(slice_of(t), &|n| bar.inc(n))))
        .collect();
    bar.finish_and_clear();
    let mut table = toml_edit::Table::new();
    let mut ent = toml_edit::InlineTable::new();
    for (i, list) in lists.iter().enumerate() {
        let arr: toml_edit::Array = list.iter().map(|e| e.name.as_str()).collect();
        ent.insert(&loaded.scenario.parties[i].id, arr.into());
    }
    table.insert("entrants", toml_edit::value(ent));
    let manifest_bytes = output::manifest::manifest_with(
        &loaded.resolved,
        &loaded.scenario,
        "tournament",
        &[("tournament", table)],
    );
    let other_refs: Vec<(String, &Tournament, &tm::Results)> = others
        .iter()
        .zip(&other_results)
        .map(|((file, t), r)| (file.clone(), t, r))
        .collect();
    if let Some(shard) = shard {
        let manifest = String::from_utf8(manifest_bytes).expect("the manifest is UTF-8");
        let mut identity = manifest.clone();
        let mut scenarios = vec![shards::TournamentPart {
            file: loaded.file.clone(),
            resolved: loaded.resolved.clone(),
            entrants: lists.clone(),
            results,
        }];
        for (((file, _), r), text) in others.iter().zip(other_results).zip(&other_texts) {
            identity.push_str(text);
            scenarios.push(shards::TournamentPart {
                file: file.clone(),
                resolved: text.clone(),
                entrants: lists.clone(),
                results: r,
            });
        }
        let part = Part {
            impasse: env!("CARGO_PKG_VERSION").into(),
            command: "tournament".into(),
            fingerprint: shards::fingerprint(&identity),
            seed: main.seed,
            rounds: main.rounds,
            shard,
            items: slice_of(&main),
            file: loaded.file.clone(),
            manifest,
            payload: Payload::Tournament { scenarios },
        };
        return write_part(&dir, &part, f.quiet);
    }
    let report::Outputs {
        files,
        matrices: [pa, pb],
        equilibria: eq,
    } = report::files(&main, &results, &other_refs, &loaded.file, manifest_bytes);
    output::write_files(&dir, &files)
        .with_context(|| format!("cannot write results to {}", dir.display()))?;
    if !f.quiet {
        print!("{}", table::tournament(&main, &pa, &pb, &eq));
        println!(
            "\n  {} pairings x {} rounds in {:.2} s; results in {}",
            main.pairings.len(),
            main.rounds,
            started.elapsed().as_secs_f64(),
            dir.display()
        );
    }
    Ok(())
}
