//! The commands, the top floor: the clap definitions and shared helpers here, each command in
//! its own file as parse → load → run → write. The `impasse` binary calls [`main`]; a program
//! that embeds impasse (the Python package) calls [`execute`] with the same arguments and a
//! [`Host`] through which it follows and stops the work. No floor below sees clap types.

mod audit;
mod cluster;
mod dirs;
mod discover;
mod host;
mod run;
mod sweep;
mod tournament;

use dirs::{lock, refuse_foreign, written_by};

pub use host::{Host, Stopped};

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use crate::output::table;
use crate::scenario::{self, Loaded, Override, ScenarioError};
use crate::shard::Shard;

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
    /// Scenario discovery over a sweep: PRIM's boxes in the varied parameters where a condition
    /// on a metric holds (e.g. --where 'breakdown_probability > 0.2').
    Discover(DiscoverArgs),
    /// Write and submit-ready Slurm scripts: an array job of shards and the merge.
    Slurm(SlurmArgs),
    /// Combine the partial results of shards (--shard I/N) into the files of an unsharded run.
    Merge(MergeArgs),
    /// How much each party could gain by deviating from its strategy: the value of conceding at
    /// each time, and never, against the opponent's strategy (no SCENARIO: the bundled one).
    Audit(AuditArgs),
    /// Draw (again) the figures and report.html of a result directory from its files.
    Report(ReportArgs),
    /// Validate a scenario; print it resolved, with closed-form predictions where they exist.
    Check(CheckArgs),
    /// List the strategies, their parameters and their sources.
    Strategies,
}

#[derive(Args, Default, Clone)]
struct ScenarioArgs {
    /// Override a scenario field by its dotted path, e.g. parties.iran.pressure.growth=0.02
    /// (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_override)]
    set: Vec<Override>,
}

impl ScenarioArgs {
    fn args(&self) -> Vec<String> {
        self.set
            .iter()
            .flat_map(|o| ["--set".to_string(), o.to_string()])
            .collect()
    }
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

/// What a simulation is, besides its scenario: these go to a Slurm job as they are.
#[derive(Args, Default, Clone)]
struct SimFlags {
    /// Number of rounds (overrides [simulation] rounds; for a sweep, per point).
    /// A whole number: 20000, 1e6 or 2.5e5.
    #[arg(short = 'n', long, value_parser = parse_rounds, allow_negative_numbers = true)]
    rounds: Option<u64>,
    /// Random seed, 0 to 2^63 - 1 (overrides [simulation] seed).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
}

/// `-n`: a whole number of rounds, also in scientific notation (1e6), from 1 to 2^63 - 1.
fn parse_rounds(s: &str) -> Result<u64, String> {
    let s = s.trim().replace('_', "");
    let whole = |x: f64| x.fract() == 0.0 && x >= 1.0 && x <= i64::MAX as f64;
    if let Ok(n) = s.parse::<u64>() {
        return if (1..=i64::MAX as u64).contains(&n) {
            Ok(n)
        } else {
            Err(format!(
                "the number of rounds must be from 1 to 2^63 - 1, got {n}"
            ))
        };
    }
    match s.parse::<f64>() {
        Ok(x) if whole(x) => Ok(x as u64),
        Ok(x) if x.is_finite() && x < 1.0 => {
            Err(format!("the number of rounds must be at least 1, got {s}"))
        }
        Ok(x) if x.is_finite() && x > i64::MAX as f64 => Err(format!(
            "the number of rounds must be at most 2^63 - 1, got {s}"
        )),
        Ok(x) if x.is_finite() && x.fract() != 0.0 => Err(format!(
            "the number of rounds must be a whole number, got {s}"
        )),
        _ => Err(format!(
            "`{s}` is not a number of rounds (a whole number such as 20000 or 1e6)"
        )),
    }
}

impl SimFlags {
    fn args(&self) -> Vec<String> {
        let mut a = Vec::new();
        if let Some(n) = self.rounds {
            a.extend(["-n".to_string(), n.to_string()]);
        }
        if let Some(s) = self.seed {
            a.extend(["--seed".to_string(), s.to_string()]);
        }
        a
    }
}

/// Flags every simulating command takes.
#[derive(Args, Default)]
struct RunFlags {
    #[command(flatten)]
    sim: SimFlags,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(short = 'j', long, value_parser = clap::value_parser!(u64).range(1..=4096))]
    threads: Option<u64>,
    /// Output directory (default: out/<scenario file stem>/ for run, out/<stem>/<command>/ for
    /// sweep, tournament and audit).
    #[arg(short = 'o', long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// No progress bar and no table.
    #[arg(short = 'q', long)]
    quiet: bool,
    /// Do not draw the figures and report.html.
    #[arg(long)]
    no_report: bool,
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

/// A sweep's design.
#[derive(Args, Default, Clone)]
struct DesignArgs {
    /// Vary a field: PATH=a:b:n (n points from a to b), PATH=a,b,c (a list) or PATH=a..b (a range,
    /// for random, lhs and sobol designs). Repeatable; replaces the [sweep] table's entry for PATH.
    #[arg(long = "vary", value_name = "PATH=SPEC")]
    vary: Vec<String>,
    /// grid (every combination), random, lhs (Latin hypercube) or sobol (Saltelli's design for
    /// Sobol' indices; also writes sensitivity.csv).
    #[arg(long, value_name = "grid|random|lhs|sobol")]
    design: Option<String>,
    /// Number of points of a random or lhs design; of base points (a power of 2) of a sobol
    /// design, which runs N (k + 2) points for k varied ranges.
    #[arg(long)]
    points: Option<u64>,
}

impl DesignArgs {
    fn args(&self) -> Vec<String> {
        let mut a: Vec<String> = self
            .vary
            .iter()
            .flat_map(|v| ["--vary".to_string(), v.clone()])
            .collect();
        if let Some(d) = &self.design {
            a.extend(["--design".to_string(), d.clone()]);
        }
        if let Some(p) = self.points {
            a.extend(["--points".to_string(), p.to_string()]);
        }
        a
    }
}

#[derive(Args)]
struct SweepArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    scenario_args: ScenarioArgs,
    #[command(flatten)]
    design: DesignArgs,
    /// Continue an interrupted sweep in --out from its completed points.
    #[arg(long)]
    resume: bool,
    #[command(flatten)]
    flags: RunFlags,
}

/// A tournament's entrants and further scenarios.
#[derive(Args, Default, Clone)]
struct EntrantArgs {
    /// A party's entrants: PARTY=SPEC,SPEC,... where SPEC is a strategy name or
    /// kind:param=value:param=value (e.g. iran=never,hazard:rate=0.1). Repeatable; replaces the
    /// [tournament] table's list for PARTY.
    #[arg(long = "entrants", value_name = "PARTY=SPEC,...")]
    entrants: Vec<String>,
    /// More scenarios (sharing the party ids) to rank the entrants across, comma-separated.
    #[arg(long, value_name = "A.toml,B.toml", value_delimiter = ',')]
    scenarios: Vec<PathBuf>,
    /// Enumerate at most N extreme equilibria of the meta-game (each best-response polytope's
    /// walk stops after 10 N bases); the table says when the list is incomplete. Raise it for
    /// large meta-games [default: the [tournament] table's max_equilibria, else 1000].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    max_equilibria: Option<u64>,
}

impl EntrantArgs {
    /// The flags, with the further scenarios' paths made absolute (a job runs elsewhere).
    fn args(&self) -> Result<Vec<String>> {
        let mut a: Vec<String> = self
            .entrants
            .iter()
            .flat_map(|e| ["--entrants".to_string(), e.clone()])
            .collect();
        if !self.scenarios.is_empty() {
            let abs: Vec<String> = self
                .scenarios
                .iter()
                .map(|p| absolute(p).map(|q| q.display().to_string()))
                .collect::<Result<_>>()?;
            a.extend(["--scenarios".to_string(), abs.join(",")]);
        }
        if let Some(n) = self.max_equilibria {
            a.extend(["--max-equilibria".to_string(), n.to_string()]);
        }
        Ok(a)
    }
}

#[derive(Args)]
struct TournamentArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    scenario_args: ScenarioArgs,
    #[command(flatten)]
    entrants: EntrantArgs,
    #[command(flatten)]
    flags: RunFlags,
}

#[derive(Args)]
struct AuditArgs {
    /// Scenario file (TOML). Omitted: the bundled Iran–P5+1 2013 scenario.
    scenario: Option<PathBuf>,
    #[command(flatten)]
    scenario_args: ScenarioArgs,
    /// Deviations at this many equal steps over [0, the end of the game], besides every
    /// scheduled event and deadline (default: the [audit] table's, else 200).
    #[arg(long, value_name = "K")]
    grid: Option<u64>,
    /// More times to try conceding at, comma-separated.
    #[arg(
        long,
        value_name = "T,T,...",
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    at: Vec<f64>,
    /// Skip the history deviation: the best rule that waits for random events (tried by default
    /// where the scenario has Poisson events; it doubles the rounds played).
    #[arg(long)]
    no_history: bool,
    /// Audit each party whose type is private at K types, the quantiles (k - 0.5)/K of its
    /// prior (default: the [audit] table's, else 5; 0: none); each is one more pass.
    #[arg(long, value_name = "K")]
    types: Option<u64>,
    #[command(flatten)]
    flags: RunFlags,
}

#[derive(Args)]
struct DiscoverArgs {
    /// A sweep's result directory (of any design; merged or not).
    dir: PathBuf,
    /// The points of interest: METRIC[:PARTY] > X (or <, >=, <=), a metric of sweep.csv.
    #[arg(long = "where", value_name = "CONDITION", allow_hyphen_values = true)]
    condition: String,
    /// How many boxes covering may find (each among the points outside the boxes before it).
    #[arg(long, value_name = "K", default_value_t = 1)]
    boxes: usize,
    /// The density a box must reach for covering to look for another.
    #[arg(long, value_name = "D", default_value_t = 0.8)]
    threshold: f64,
    /// Give the last box at this step of its peeling trajectory (default: its last step).
    #[arg(long, value_name = "K")]
    step: Option<usize>,
    /// No table.
    #[arg(short = 'q', long)]
    quiet: bool,
    /// Do not draw the figures and report.html.
    #[arg(long)]
    no_report: bool,
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
    /// Do not draw the figures and report.html.
    #[arg(long)]
    no_report: bool,
}

#[derive(Args)]
struct ReportArgs {
    /// A result directory: of a run, sweep, tournament or audit (merged or not).
    dir: PathBuf,
}

#[derive(Args)]
struct SlurmArgs {
    /// Scenario file (TOML); copied into DIR.
    scenario: PathBuf,
    /// The command to shard, with its own flags and the Slurm flags.
    #[command(subcommand)]
    job: SlurmJob,
}

/// The commands `impasse slurm` can shard. Each takes its command's flags (but the shard, output,
/// thread and quiet flags, which the job sets) and the Slurm flags.
#[derive(Subcommand)]
enum SlurmJob {
    /// Shard `impasse run` by batches of rounds.
    Run {
        #[command(flatten)]
        slurm: SlurmOpts,
        #[command(flatten)]
        scenario_args: ScenarioArgs,
        #[command(flatten)]
        sim: SimFlags,
    },
    /// Shard `impasse sweep` by points.
    Sweep {
        #[command(flatten)]
        slurm: SlurmOpts,
        #[command(flatten)]
        scenario_args: ScenarioArgs,
        #[command(flatten)]
        design: DesignArgs,
        #[command(flatten)]
        sim: SimFlags,
    },
    /// Shard `impasse tournament` by batches of rounds.
    Tournament {
        #[command(flatten)]
        slurm: SlurmOpts,
        #[command(flatten)]
        scenario_args: ScenarioArgs,
        #[command(flatten)]
        entrants: EntrantArgs,
        #[command(flatten)]
        sim: SimFlags,
    },
}

/// Where and how the Slurm job runs.
#[derive(Args)]
struct SlurmOpts {
    /// The number of shards: the array job's tasks.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    shards: u64,
    /// Where the scripts, logs, parts and merged results go.
    #[arg(short = 'o', long, value_name = "DIR")]
    out: PathBuf,
    /// The Slurm partition (sbatch --partition).
    #[arg(long)]
    partition: Option<String>,
    /// Each task's time limit (sbatch --time).
    #[arg(long)]
    time: Option<String>,
    /// CPUs per shard (sbatch --cpus-per-task); the shard uses them all.
    #[arg(long, value_name = "C", value_parser = clap::value_parser!(u64).range(1..))]
    cpus_per_task: Option<u64>,
    /// The impasse binary the jobs run (default: this one).
    #[arg(long, value_name = "PATH")]
    bin: Option<PathBuf>,
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

/// The exit code of a command that failed with `e`: 2 for what the user can fix (bad usage, a bad
/// scenario, a result that is not a finite number), 1 for anything else.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    let non_finite = e
        .chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| {
            io.get_ref()
                .is_some_and(|i| i.downcast_ref::<crate::output::NonFinite>().is_some())
        });
    if non_finite
        || e.downcast_ref::<ScenarioError>().is_some()
        || e.downcast_ref::<Usage>().is_some()
    {
        2
    } else {
        1
    }
}

/// The one line printed after `error: `: the error and its causes.
pub fn render_error(e: &anyhow::Error) -> String {
    format!("{e:#}")
}

/// The `impasse` binary: the command line of this process, run at the terminal.
pub fn main() -> Result<()> {
    // clap prints help and version itself (exit 0) and usage errors with exit code 2.
    let cli = Cli::try_parse().unwrap_or_else(|e| e.exit());
    dispatch(cli, &Host::terminal())
}

/// Run the command line `args` (the program's name first, as in `std::env::args`) for `host`.
/// Help, version and usage errors come back as errors (exit code 2) instead of ending the
/// process; a command stopped by [`Host::stop`] returns [`Stopped`].
pub fn execute<I, T>(args: I, host: &Host) -> Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::try_parse_from(args).map_err(|e| {
        let text = e.render().to_string();
        Usage(text.trim_start_matches("error: ").trim_end().to_string())
    })?;
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(cli, host))) {
        Ok(result) => result,
        Err(payload) if payload.is::<host::Unwind>() => Err(Stopped.into()),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

fn dispatch(cli: Cli, host: &Host) -> Result<()> {
    match cli.command {
        None => run::run(RunArgs::default(), host),
        Some(Command::Run(a)) => run::run(a, host),
        Some(Command::Sweep(a)) => sweep::sweep(a, host),
        Some(Command::Tournament(a)) => tournament::tournament(a, host),
        Some(Command::Discover(a)) => discover::discover(a, host),
        Some(Command::Merge(a)) => cluster::merge(a, host),
        Some(Command::Slurm(a)) => cluster::slurm(a, host),
        Some(Command::Audit(a)) => audit::audit(a, host),
        Some(Command::Report(a)) => report(&a.dir, false, host),
        Some(Command::Check(a)) => run::check(a, host),
        Some(Command::Strategies) => {
            host.print(&table::strategies());
            Ok(())
        }
    }
}

/// Load the scenario (or the bundled one) with overrides, the CLI's own flags going last.
fn load(path: Option<&Path>, mut overrides: Vec<Override>, sim: &SimFlags) -> Result<Loaded> {
    if let Some(n) = sim.rounds {
        overrides.push(Override {
            path: "simulation.rounds".into(),
            value: n.to_string(),
        });
    }
    if let Some(s) = sim.seed {
        overrides.push(Override {
            path: "simulation.seed".into(),
            value: s.to_string(),
        });
    }
    let loaded = match path {
        Some(p) => scenario::load_file(p, &overrides)?,
        None => scenario::load_bundled(&overrides)?,
    };
    crate::runner::playable(&loaded)?;
    Ok(loaded)
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))
}

fn pool(threads: Option<u64>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(k) = threads {
        b = b.num_threads(k as usize);
    }
    b.build().context("cannot start worker threads")
}

/// Draw the report of the result in `dir`, and say where unless `quiet`.
fn report(dir: &Path, quiet: bool, host: &Host) -> Result<()> {
    use crate::report::{self, ReportError};
    let figures = report::write(dir).map_err(|e| match e {
        ReportError::Io(_) | ReportError::Drawing(_) => anyhow::Error::new(e),
        other => Usage(other.to_string()).into(),
    })?;
    if !quiet {
        host.print(&format!(
            "  report: {} ({})\n",
            dir.join("report.html").display(),
            count(figures.len() as u64, FIGURES)
        ));
    }
    Ok(())
}

/// Where `command` writes by default: `out/<scenario file stem>/` for a run, and a folder of the
/// command's name inside it for the others (`out/<stem>/sweep/`). No two commands, and no two
/// scenario files of different names, can share a default: a stem never holds a `/`.
fn default_dir(loaded: &Loaded, command: &str) -> PathBuf {
    let dir = Path::new("out").join(checked_stem(loaded));
    if command == "run" {
        dir
    } else {
        dir.join(command)
    }
}

fn checked_stem(loaded: &Loaded) -> String {
    Path::new(&loaded.file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into())
}

/// The batches of `rounds` this process plays (its shard's slice, or all of them), warning if a
/// shard has none, and a progress bar over their rounds.
fn round_batches(
    shard: Option<Shard>,
    rounds: u64,
    quiet: bool,
    host: &Host,
) -> (std::ops::Range<u64>, host::Bar<'_>) {
    let batches = crate::runner::batch_count(rounds);
    let slice = shard.map_or(0..batches, |s| s.slice(batches));
    warn_if_empty(shard, batches, BATCHES, host);
    let here = crate::runner::rounds_of(&slice, rounds);
    (slice, host.bar(here.end - here.start, quiet, "rounds"))
}

/// Where a side plays `equilibrium` and a type is private but the game is not yet solved with
/// types (docs/model.md 6.1), `equilibrium` plays the game at the beliefs' means: say so, so that
/// no result is read as the Bayesian equilibrium that it is not.
fn warn_if_means(sc: &crate::model::Scenario, host: &Host) {
    use crate::strategy::equilibrium::{PrivateTypes, private_types};
    if !(sc.parties.iter()).any(|p| p.strategy == crate::model::Strategy::Equilibrium) {
        return;
    }
    if let PrivateTypes::Unsolved(what) = private_types(sc) {
        host.warn(&format!(
            "warning: private types are not solved with types yet here ({what}): `equilibrium` \
             plays the game at the beliefs' means, which low and high types can exploit \
             (docs/model.md 6.1; `impasse audit` measures by how much, per type)"
        ));
    }
}

/// A shard with nothing to do still writes its (empty) part, so that the merge is complete; but
/// it is most likely a mistake, so say so.
fn warn_if_empty(shard: Option<Shard>, items: u64, what: Noun, host: &Host) {
    if let Some(s) = shard
        && s.slice(items).is_empty()
    {
        host.warn(&format!(
            "warning: shard {}/{} is empty: the {} shards share {} (shards are numbered from \
             0); use fewer shards or more rounds",
            s.index,
            s.count,
            s.count,
            count(items, what)
        ));
    }
}

/// A noun's singular and plural, for [`count`].
type Noun = (&'static str, &'static str);
const BATCHES: Noun = ("batch of 16,384 rounds", "batches of 16,384 rounds");
const POINTS: Noun = ("point", "points");
const FIGURES: Noun = ("figure", "figures");
const SHARDS: Noun = ("shard", "shards");
const ROUNDS: Noun = ("round", "rounds");
const DEVIATIONS: Noun = ("deviation", "deviations");
const PAIRINGS: Noun = ("pairing", "pairings");

/// `n` and the noun in the number it takes: "1 figure", "4 figures".
fn count(n: u64, (one, many): Noun) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where `command` writes: `--out`, or its [`default_dir`], so that no command's default
/// overwrites another's results. A directory whose manifest.toml says another command wrote it
/// is refused rather than mixed.
fn checked_out_dir(out: Option<PathBuf>, loaded: &Loaded, command: &str) -> Result<PathBuf> {
    let dir = out.unwrap_or_else(|| default_dir(loaded, command));
    if dir.exists() && !dir.is_dir() {
        bail!(Usage(format!(
            "--out {}: exists and is not a directory",
            dir.display()
        )));
    }
    if let Some(other) = written_by(&dir).filter(|c| c != command) {
        bail!(Usage(format!(
            "{} holds the results of `impasse {other}` (its manifest.toml says so); writing those \
             of `impasse {command}` there would mix them: choose another --out, or remove it first",
            dir.display()
        )));
    }
    refuse_foreign(&dir)?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A result that is not a finite number is the user's scenario to fix: exit 2 however deep
    /// the writer's error sits under context; any other I/O error stays 1.
    #[test]
    fn a_non_finite_result_exits_with_2() {
        let written = crate::output::write_files(
            Path::new("/nonexistent-dir-never-created"),
            &[("x.csv", b"a\nNaN\n".to_vec())],
        )
        .unwrap_err();
        let e = anyhow::Error::new(written).context("cannot write results to x");
        assert_eq!(exit_code(&e), 2);
        let other = anyhow::Error::new(std::io::Error::other("disk full")).context("cannot write");
        assert_eq!(exit_code(&other), 1);
    }

    /// The flags `impasse slurm` forwards to its jobs parse back, with the job's own, into the
    /// command the user gave.
    #[test]
    fn slurm_jobs_run_the_command_as_given() {
        let common = ["--set", "parties.a.stake=2", "-n", "10", "--seed", "4"];
        let given = |cmd: &str, more: &[&str]| {
            let mut argv = vec!["impasse", "slurm", "s.toml", cmd];
            argv.extend(common);
            argv.extend(more);
            argv.extend(["--shards", "2", "-o", "job"]);
            let Some(Command::Slurm(a)) = Cli::try_parse_from(argv).unwrap().command else {
                panic!("a slurm command")
            };
            a.job
        };
        let job_runs = |cmd: &str, args: Vec<String>| {
            let mut argv = vec!["impasse".to_string(), cmd.into(), "s.toml".into()];
            argv.extend(args);
            argv.extend(["--shard-from-env", "-j", "1", "-q", "-o", "parts"].map(String::from));
            Cli::try_parse_from(argv).unwrap().command.unwrap()
        };
        let sweep = ["--vary", "x=1,2", "--design", "lhs", "--points", "3"];
        let SlurmJob::Sweep {
            scenario_args,
            design,
            sim,
            ..
        } = given("sweep", &sweep)
        else {
            panic!("a sweep")
        };
        let args = [scenario_args.args(), design.args(), sim.args()].concat();
        let Command::Sweep(s) = job_runs("sweep", args) else {
            panic!("a sweep")
        };
        assert_eq!(s.scenario_args.set, scenario_args.set);
        assert_eq!(s.design.vary, ["x=1,2"]);
        assert_eq!(
            (s.design.design.as_deref(), s.design.points),
            (Some("lhs"), Some(3))
        );
        assert_eq!((s.flags.sim.rounds, s.flags.sim.seed), (Some(10), Some(4)));
        let SlurmJob::Tournament { entrants, sim, .. } =
            given("tournament", &["--entrants", "a=never,immediate"])
        else {
            panic!("a tournament")
        };
        let Command::Tournament(t) = job_runs(
            "tournament",
            [entrants.args().unwrap(), sim.args()].concat(),
        ) else {
            panic!("a tournament")
        };
        assert_eq!(t.entrants.entrants, ["a=never,immediate"]);
        assert_eq!(t.flags.sim.rounds, Some(10));
    }
}
