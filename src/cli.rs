//! Command-line glue: clap definitions, then each command as parse → load → run → write. The
//! library never sees clap types.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use impasse::model::Scenario;
use impasse::output::{self, table};
use impasse::scenario::{self, Loaded, Override, ScenarioError};
use impasse::shard::{self as shards, Part, Payload, Shard};
use impasse::{predict, runner, strategy};

#[derive(Parser)]
#[command(
    name = "impasse",
    version,
    about = "Simulate negotiation waiting games: who gives in, when, on what terms, and how often \
             the talks collapse instead.",
    after_help = "Without a command, impasse runs the bundled Iran–P5+1 (January 2013) scenario.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// Without a command: `run` the bundled scenario.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario for many rounds (no SCENARIO: the bundled Iran–P5+1 2013 case).
    Run(RunArgs),
    /// Run a scenario over a design of parameter points.
    Sweep(SweepArgs),
    /// Play every entrant of one party against every entrant of the other; rank them and solve
    /// the meta-game.
    Tournament(TournamentArgs),
    /// Write and submit-ready Slurm scripts: an array job of shards and the merge.
    Slurm(SlurmArgs),
    /// Combine the partial results of shards (--shard I/N) into the files of an unsharded run.
    Merge(MergeArgs),
    /// Validate a scenario; print it resolved, with closed-form predictions where they exist.
    Check(CheckArgs),
    /// List the strategies, their parameters and their sources.
    Strategies,
}

#[derive(Args, Default)]
struct ScenarioArgs {
    /// Override a scenario field by its dotted path, e.g. parties.iran.pressure.growth=0.02
    /// (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_override)]
    set: Vec<Override>,
}

#[derive(Args, Default)]
struct RunArgs {
    /// Scenario file (TOML). Omitted: the bundled Iran–P5+1 2013 scenario.
    scenario: Option<PathBuf>,
    #[command(flatten)]
    scenario_args: ScenarioArgs,
    #[command(flatten)]
    flags: RunFlags,
}

/// Flags every simulating command takes.
#[derive(Args, Default)]
struct RunFlags {
    /// Number of rounds (overrides [simulation] rounds; for a sweep, per point).
    #[arg(short = 'n', long, value_parser = clap::value_parser!(u64).range(1..))]
    rounds: Option<u64>,
    /// Random seed, 0 to 2^63 - 1 (overrides [simulation] seed).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(short = 'j', long, value_parser = clap::value_parser!(u64).range(1..=4096))]
    threads: Option<u64>,
    /// Output directory (default: out/<scenario file stem>/).
    #[arg(short = 'o', long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// No progress bar and no table.
    #[arg(short = 'q', long)]
    quiet: bool,
    /// Run only slice I of N (0 <= I < N) and write a partial result into DIR/part-I-of-N/, for
    /// `impasse merge`.
    #[arg(long, value_name = "I/N", conflicts_with = "shard_from_env")]
    shard: Option<Shard>,
    /// Take the shard from the environment: a Slurm array task (SLURM_ARRAY_TASK_ID and
    /// SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with
    /// --shard-count).
    #[arg(long)]
    shard_from_env: bool,
    /// The number of shards, where the environment does not say (Kubernetes).
    #[arg(long, value_name = "N", requires = "shard_from_env")]
    shard_count: Option<u64>,
}

impl RunFlags {
    fn shard(&self) -> Result<Option<Shard>> {
        if let Some(s) = self.shard {
            return Ok(Some(s));
        }
        if self.shard_from_env {
            let var = |k: &str| std::env::var(k).ok();
            return Ok(Some(
                Shard::from_env(self.shard_count, &var).map_err(Usage)?,
            ));
        }
        Ok(None)
    }
}

/// Write a shard's partial result into `dir/part-I-of-N/` and say so.
fn write_part(dir: &Path, part: &Part, quiet: bool) -> Result<()> {
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

#[derive(Args)]
struct SweepArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    scenario_args: ScenarioArgs,
    /// Vary a field: PATH=a:b:n (n points from a to b), PATH=a,b,c (a list) or PATH=a..b (a range,
    /// for random and lhs designs). Repeatable; replaces the [sweep] table's entry for PATH.
    #[arg(long = "vary", value_name = "PATH=SPEC")]
    vary: Vec<String>,
    /// grid (every combination), random, or lhs (Latin hypercube).
    #[arg(long, value_name = "grid|random|lhs")]
    design: Option<String>,
    /// Number of points of a random or lhs design.
    #[arg(long)]
    points: Option<u64>,
    /// Continue an interrupted sweep in --out from its completed points.
    #[arg(long)]
    resume: bool,
    #[command(flatten)]
    flags: RunFlags,
}

#[derive(Args)]
struct TournamentArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    scenario_args: ScenarioArgs,
    /// A party's entrants: PARTY=SPEC,SPEC,... where SPEC is a strategy name or
    /// kind:param=value:param=value (e.g. iran=never,hazard:rate=0.1). Repeatable; replaces the
    /// [tournament] table's list for PARTY.
    #[arg(long = "entrants", value_name = "PARTY=SPEC,...")]
    entrants: Vec<String>,
    /// More scenarios (sharing the party ids) to rank the entrants across, comma-separated.
    #[arg(long, value_name = "A.toml,B.toml", value_delimiter = ',')]
    scenarios: Vec<PathBuf>,
    #[command(flatten)]
    flags: RunFlags,
}

#[derive(Args)]
struct MergeArgs {
    /// Partial results: part-I-of-N folders, or folders holding them.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Output directory for the merged files.
    #[arg(short = 'o', long, value_name = "DIR", default_value = "out/merged")]
    out: PathBuf,
    /// Print nothing.
    #[arg(short = 'q', long)]
    quiet: bool,
}

#[derive(Args)]
#[command(disable_help_flag = false)]
struct SlurmArgs {
    /// Scenario file (TOML); copied into DIR.
    scenario: PathBuf,
    /// The command to shard: run, sweep or tournament.
    command: String,
    /// The command's own flags, and: --shards N (required), -o/--out DIR (required),
    /// --partition P, --time T, --cpus-per-task C, --bin PATH (the impasse binary the jobs run;
    /// default: this one).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "FLAGS"
    )]
    rest: Vec<String>,
}

#[derive(Args)]
struct CheckArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    scenario_args: ScenarioArgs,
}

fn parse_override(s: &str) -> Result<Override, String> {
    s.parse()
}

/// Errors that are the user's to fix: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Usage(String);

pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<ScenarioError>().is_some() || e.downcast_ref::<Usage>().is_some() {
        2
    } else {
        1
    }
}

pub fn render_error(e: &anyhow::Error) -> String {
    format!("{e:#}")
}

pub fn main() -> Result<()> {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help and version itself (exit 0) and usage errors with exit code 2.
            e.exit()
        }
    };
    match cli.command {
        None => run(RunArgs::default()),
        Some(Command::Run(a)) => run(a),
        Some(Command::Sweep(a)) => sweep(a),
        Some(Command::Tournament(a)) => tournament(a),
        Some(Command::Merge(a)) => merge(a),
        Some(Command::Slurm(a)) => slurm(a),
        Some(Command::Check(a)) => check(a),
        Some(Command::Strategies) => {
            print!("{}", strategies());
            Ok(())
        }
    }
}

/// Load the scenario (or the bundled one) with overrides, the CLI's own flags going last.
fn load(
    path: Option<&Path>,
    mut overrides: Vec<Override>,
    rounds: Option<u64>,
    seed: Option<u64>,
) -> Result<Loaded> {
    if let Some(n) = rounds {
        overrides.push(Override {
            path: "simulation.rounds".into(),
            value: n.to_string(),
        });
    }
    if let Some(s) = seed {
        overrides.push(Override {
            path: "simulation.seed".into(),
            value: s.to_string(),
        });
    }
    Ok(match path {
        Some(p) => scenario::load_file(p, &overrides)?,
        None => scenario::load_bundled(&overrides)?,
    })
}

fn out_dir(out: Option<PathBuf>, loaded: &Loaded) -> PathBuf {
    out.unwrap_or_else(|| {
        let stem = Path::new(&loaded.file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
        Path::new("out").join(stem)
    })
}

fn pool(threads: Option<u64>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(k) = threads {
        b = b.num_threads(k as usize);
    }
    b.build().context("cannot start worker threads")
}

fn progress_bar(total: u64, quiet: bool, unit: &str) -> ProgressBar {
    let target = if quiet {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{bar:40}} {{human_pos}}/{{human_len}} {unit} ({{rate}} {unit}/s, {{eta}} left) {{msg}}"
        ))
        .expect("a valid template")
        .with_key(
            "rate",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.3e}", s.per_sec());
            },
        ),
    );
    bar
}

fn checked_out_dir(out: Option<PathBuf>, loaded: &Loaded) -> Result<PathBuf> {
    let dir = out_dir(out, loaded);
    if dir.exists() && !dir.is_dir() {
        bail!(Usage(format!(
            "--out {}: exists and is not a directory",
            dir.display()
        )));
    }
    Ok(dir)
}

fn run(a: RunArgs) -> Result<()> {
    let f = a.flags;
    let shard = f.shard()?;
    let loaded = load(a.scenario.as_deref(), a.scenario_args.set, f.rounds, f.seed)?;
    let sc = &loaded.scenario;
    let dir = checked_out_dir(f.out.clone(), &loaded)?;
    let pool = pool(f.threads)?;
    let batches = runner::batch_count(sc.simulation.rounds);
    let slice = shard.map_or(0..batches, |s| s.slice(batches));
    let rounds_here = (slice.end * runner::BATCH).min(sc.simulation.rounds)
        - (slice.start * runner::BATCH).min(sc.simulation.rounds);
    let bar = progress_bar(rounds_here, f.quiet, "rounds");
    let started = Instant::now();
    let totals = pool
        .install(|| runner::run_batches(sc, sc.simulation.seed, slice.clone(), &|n| bar.inc(n)));
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    if let Some(shard) = shard {
        let manifest = output::manifest::manifest(&loaded.resolved, sc, "run");
        let manifest = String::from_utf8(manifest).expect("the manifest is UTF-8");
        let part = Part {
            impasse: env!("CARGO_PKG_VERSION").into(),
            command: "run".into(),
            fingerprint: shards::fingerprint(&manifest),
            seed: sc.simulation.seed,
            rounds: sc.simulation.rounds,
            shard,
            items: slice,
            file: loaded.file.clone(),
            manifest,
            payload: Payload::Run {
                resolved: loaded.resolved.clone(),
                totals,
            },
        };
        return write_part(&dir, &part, f.quiet);
    }
    let report = totals.report();
    output::write_files(&dir, &output::run_files(&loaded.resolved, sc, &totals))
        .with_context(|| format!("cannot write results to {}", dir.display()))?;
    if !f.quiet {
        print!("{}", table::render(sc, &report));
        println!(
            "\n  {} rounds in {:.2} s ({:.3e} rounds/s); results in {}",
            sc.simulation.rounds,
            elapsed.as_secs_f64(),
            sc.simulation.rounds as f64 / elapsed.as_secs_f64().max(1e-9),
            dir.display()
        );
    }
    Ok(())
}

fn sweep(a: SweepArgs) -> Result<()> {
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

fn tournament(a: TournamentArgs) -> Result<()> {
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
        print!("{}", tournament_table(&main, &pa, &pb, &eq));
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

/// The payoff matrix of each party and the equilibria, for the terminal.
fn tournament_table(
    t: &impasse::tournament::Tournament,
    pa: &[Vec<f64>],
    pb: &[Vec<f64>],
    eq: &impasse::tournament::nash::Equilibria,
) -> String {
    use std::fmt::Write;
    let ids = t.ids();
    let mut o = String::new();
    let first = t.entrants[0]
        .iter()
        .map(|e| e.name.len())
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = t.entrants[1].iter().map(|e| e.name.len().max(8)).collect();
    for (q, m) in [pa, pb].iter().enumerate() {
        let _ = writeln!(
            o,
            "\nmean payoff of {} (rows: {}, columns: {})",
            ids[q], ids[0], ids[1]
        );
        let _ = write!(o, "  {:first$}", "");
        for (e, w) in t.entrants[1].iter().zip(&widths) {
            let _ = write!(o, "  {:>w$}", e.name);
        }
        o.push('\n');
        for (r, row) in m.iter().enumerate() {
            let _ = write!(o, "  {:first$}", t.entrants[0][r].name);
            for (v, w) in row.iter().zip(&widths) {
                let _ = write!(o, "  {:>w$.4}", v);
            }
            o.push('\n');
        }
    }
    let scope = if !eq.exhaustive {
        "the search was cut short: not exhaustive"
    } else if eq.ties {
        "some entrants tie exactly, so equilibria with unequal supports or continua may be missing"
    } else {
        "all of them"
    };
    let _ = writeln!(o, "\nequilibria of the meta-game ({scope}):");
    for (k, e) in eq.list.iter().enumerate() {
        let mix = |q: usize, v: &[f64]| {
            v.iter()
                .enumerate()
                .filter(|(_, p)| **p > 0.0)
                .map(|(s, p)| format!("{} {:.3}", t.entrants[q][s].name, p))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            o,
            "  {}: {} [{}] vs {} [{}]; payoffs {:.4}, {:.4}",
            k + 1,
            ids[0],
            mix(0, &e.x),
            ids[1],
            mix(1, &e.y),
            e.u[0],
            e.u[1]
        );
    }
    o
}

fn merge(a: MergeArgs) -> Result<()> {
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

fn slurm(a: SlurmArgs) -> Result<()> {
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

fn check(a: CheckArgs) -> Result<()> {
    let loaded = load(Some(&a.scenario), a.scenario_args.set, None, None)?;
    print!("{}", describe(&loaded.scenario));
    Ok(())
}

/// The resolved scenario in words, and the closed-form predictions where they apply.
fn describe(sc: &Scenario) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "ok: {}", sc.title.as_deref().unwrap_or("scenario"));
    for p in &sc.parties {
        let _ = writeln!(o, "\nparty {} ({})", p.id, p.label);
        let _ = writeln!(
            o,
            "  stake {}  demand {}  discount_rate {}",
            p.stake, p.demand, p.discount_rate
        );
        let _ = writeln!(
            o,
            "  pressure {} + {} t",
            p.pressure.initial, p.pressure.growth
        );
        let _ = writeln!(
            o,
            "  leverage {} + {} t",
            p.leverage.initial, p.leverage.growth
        );
        let _ = writeln!(
            o,
            "  audience_cost {} + {} t",
            p.audience_cost.initial, p.audience_cost.growth
        );
        let _ = writeln!(
            o,
            "  breakdown_cost {}  status_quo {}",
            p.breakdown_cost, p.status_quo
        );
        let _ = writeln!(
            o,
            "  resolve {:?}  (mean {})",
            resolve_text(&p.resolve),
            p.resolve.mean()
        );
        if let Some(d) = p.deadline {
            let _ = writeln!(o, "  deadline at {} ({:?})", d.at, d.action);
        }
        let _ = writeln!(o, "  strategy {:?}", p.strategy);
    }
    let _ = writeln!(
        o,
        "\nbreakdown hazard {} + {} t",
        sc.hazard.initial, sc.hazard.growth
    );
    match sc.deadline {
        Some(d) => {
            let _ = writeln!(
                o,
                "deadline at {} (breakdown probability {})",
                d.at, d.breakdown_probability
            );
        }
        None => {
            let _ = writeln!(o, "no global deadline");
        }
    }
    for e in &sc.events {
        let _ = writeln!(
            o,
            "event {:?}: {:?}, {} effect(s)",
            e.name,
            e.when,
            e.effects.len()
        );
    }
    let s = &sc.simulation;
    let _ = writeln!(
        o,
        "simulation: {} rounds, seed {}, horizon {}, {} bins",
        s.rounds,
        s.seed,
        s.horizon.map_or("none".into(), |h| h.to_string()),
        s.bins
    );
    match predict::predict(sc) {
        Some(p) => {
            let _ = writeln!(
                o,
                "\nclosed-form predictions (stationary equilibrium, constant lines):"
            );
            for (i, q) in sc.parties.iter().enumerate() {
                let _ = writeln!(
                    o,
                    "  {}: concession hazard {:.6}, P(concedes first) {:.6}",
                    q.id, p.hazard[i], p.concede[i]
                );
            }
            let _ = writeln!(
                o,
                "  breakdown hazard {:.6}, P(breakdown) {:.6}",
                p.breakdown_hazard, p.breakdown
            );
            let _ = writeln!(o, "  P(reaches the deadline or horizon) {:.6}", p.reach_end);
            let _ = writeln!(o, "  mean time to the end {:.6}", p.mean_time);
        }
        None => {
            let _ = writeln!(
                o,
                "\nno closed form: predictions need every strategy `equilibrium`, constant lines, \
                 no events, no party deadlines, no global deadline and no talks"
            );
        }
    }
    o
}

fn resolve_text(r: &impasse::model::Resolve) -> String {
    use impasse::model::Resolve::*;
    match r {
        Constant(v) => format!("constant {v}"),
        Uniform { low, high, .. } => format!("uniform({low}, {high})"),
        Normal { mean, sd, .. } => format!("normal({mean}, {sd}) truncated at 0"),
        LogNormal { mu, sigma, .. } => format!("lognormal({mu}, {sigma})"),
        Exponential { mean, .. } => format!("exponential(mean {mean})"),
        Gamma { shape, scale, .. } => format!("gamma({shape}, {scale})"),
        Beta { alpha, beta, .. } => format!("beta({alpha}, {beta})"),
    }
}

fn strategies() -> String {
    use std::fmt::Write;
    let mut o = String::new();
    for s in strategy::CATALOG {
        let _ = writeln!(o, "{}", s.name);
        let _ = writeln!(o, "  {}", s.summary);
        for (p, m) in s.params {
            let _ = writeln!(o, "  - {p}: {m}");
        }
        let _ = writeln!(o, "  source: {}\n", s.source);
    }
    let _ = writeln!(
        o,
        "Write a strategy as a name (strategy = \"equilibrium\") or a table \
         (strategy = {{ kind = \"hazard\", rate = 0.1 }})."
    );
    o
}
