//! Command-line glue: the clap definitions and shared helpers here, each command in its own file
//! as parse → load → run → write. The library never sees clap types.

mod cluster;
mod run;
mod sweep;
mod tournament;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use impasse::output::table;
use impasse::scenario::{self, Loaded, Override, ScenarioError};
use impasse::shard::Shard;

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
        None => run::run(RunArgs::default()),
        Some(Command::Run(a)) => run::run(a),
        Some(Command::Sweep(a)) => sweep::sweep(a),
        Some(Command::Tournament(a)) => tournament::tournament(a),
        Some(Command::Merge(a)) => cluster::merge(a),
        Some(Command::Slurm(a)) => cluster::slurm(a),
        Some(Command::Check(a)) => run::check(a),
        Some(Command::Strategies) => {
            print!("{}", table::strategies());
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
