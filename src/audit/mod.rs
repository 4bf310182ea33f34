//! The audit (docs/model.md, section 6.2): how far a profile of strategies is from an
//! equilibrium. For each party, hold the opponent's strategy fixed and try every deviation to a
//! stopping time: conceding at each time of a grid, and never. One round played with the party
//! shadowed (`engine::Shadow`) gives the payoff of every deviation at once, on the same draws as
//! the profile, so each deviation's difference from the profile is a paired estimate.
//!
//! Where random events can fire, one more deviation is tried: the best rule that may wait for
//! them (`history`), chosen on other rounds and valued on the audit's.
//!
//! `grid` picks the times; `run_batches` plays the rounds on the runner's batch loop into
//! `Totals`, exact sums that merge across threads and shards; `Totals::report` turns them into
//! each party's value curve, best deviation, gain and the profile's NashConv.

pub mod files;
pub mod history;

use serde::{Deserialize, Serialize};

use crate::aggregate::ExactSum;
use crate::aggregate::stats::{Estimate, Z95, mean_ci};
use crate::engine::{Engine, Scratch, Shadow};
use crate::model::{EventTiming, PARTIES, Scenario};
use crate::runner::{self, Merge};
use history::{Histories, Rule};

/// The end of the deviations' times: the end of the game (its earliest deadline, a party's own
/// included), or the horizon if that comes first. Past it every deviation pays what never
/// conceding pays.
pub fn end(sc: &Scenario) -> f64 {
    sc.game_end().min(sc.end_time())
}

/// The deviations' times: `points` equal steps over [0, the end of the game] (`end`), every
/// scheduled event, the deadlines, and `extra`; under talks, the meetings these fall to (a
/// concession takes effect only there).
pub fn grid(sc: &Scenario, points: usize, extra: &[f64]) -> Vec<f64> {
    let end = end(sc);
    let mut g: Vec<f64> = (0..points.max(2))
        .map(|k| end * k as f64 / (points.max(2) - 1) as f64)
        .collect();
    for e in &sc.events {
        if let EventTiming::At(t) = e.when {
            g.push(t);
        }
    }
    g.extend(sc.deadlines().map(|d| d.0));
    g.extend(extra.iter().copied());
    if let Some(talks) = sc.talks {
        for t in &mut g {
            *t = talks.next_meeting(*t);
        }
    }
    g.retain(|t| t.is_finite() && *t >= 0.0 && *t <= end);
    g.sort_by(f64::total_cmp);
    g.dedup();
    g
}

/// Sums over rounds of one party's payoffs: in the profile, and for each deviation (the grid's
/// times, then never) its payoff and its difference from the profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Sums {
    profile: [ExactSum; 2],
    /// Per deviation: Σ u, Σ u², Σ d, Σ d² with d = u − profile.
    deviations: Vec<[ExactSum; 4]>,
}

/// The history deviation: the histories told apart, each party's rule (chosen on the training
/// rounds, the same in every shard), and per party Σ u, Σ u², Σ d, Σ d² of following it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryTotals {
    /// The histories the rules tell apart.
    pub histories: Histories,
    /// Each party's rule.
    pub rules: [Rule; PARTIES],
    sums: [[ExactSum; 4]; PARTIES],
}

/// The audit's exact sums over any number of rounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// The deviations' times.
    pub grid: Vec<f64>,
    rounds: u64,
    parties: [Sums; PARTIES],
    /// The history deviation, where the scenario has random events and the audit tried it.
    #[serde(default)]
    pub history: Option<Box<HistoryTotals>>,
}

impl Totals {
    /// That sums read from a file (a shard's part) are of `rounds` rounds: the count, one set
    /// of sums per deviation (the grid's times and never), every sum finite.
    pub fn check(&self, rounds: u64) -> Result<(), String> {
        if self.rounds != rounds {
            return Err(format!(
                "its sums are of {} rounds, where its slice has {rounds}",
                self.rounds
            ));
        }
        let finite = |s: &Sums| {
            s.profile.iter().all(ExactSum::is_finite)
                && s.deviations.iter().flatten().all(ExactSum::is_finite)
        };
        for s in &self.parties {
            if s.deviations.len() != self.grid.len() + 1 || !finite(s) {
                return Err("its sums are not one finite set per deviation of its grid".to_string());
            }
        }
        if let Some(h) = &self.history {
            let cells = self.grid.len() * h.histories.states();
            if h.histories.states() > history::MOST_STATES
                || h.rules.iter().any(|r| r.len() != cells)
                || !h.sums.iter().flatten().all(ExactSum::is_finite)
            {
                return Err(
                    "its history rules do not fit its grid, or their sums are not finite"
                        .to_string(),
                );
            }
        }
        Ok(())
    }
}

impl Merge for Totals {
    fn merge(&mut self, o: &Totals) {
        self.rounds += o.rounds;
        for (a, b) in self.parties.iter_mut().zip(&o.parties) {
            for (x, y) in a.profile.iter_mut().zip(&b.profile) {
                x.merge(y);
            }
            for (x, y) in a.deviations.iter_mut().zip(&b.deviations) {
                for (u, v) in x.iter_mut().zip(y) {
                    u.merge(v);
                }
            }
        }
        if let (Some(a), Some(b)) = (&mut self.history, &o.history) {
            for (x, y) in a.sums.iter_mut().flatten().zip(b.sums.iter().flatten()) {
                x.merge(y);
            }
        }
    }
}

impl Totals {
    /// No rounds yet, over `grid`, with the history rules if any.
    fn empty(grid: &[f64], history: Option<&(Histories, [Rule; PARTIES])>) -> Totals {
        let sums = || Sums {
            profile: Default::default(),
            deviations: vec![Default::default(); grid.len() + 1],
        };
        Totals {
            grid: grid.to_vec(),
            rounds: 0,
            parties: [sums(), sums()],
            history: history.map(|(h, rules)| {
                Box::new(HistoryTotals {
                    histories: h.clone(),
                    rules: rules.clone(),
                    sums: Default::default(),
                })
            }),
        }
    }

    /// Whether `o` was made with the same history rules (parts of one audit always are).
    pub fn same_rules(&self, o: &Totals) -> bool {
        match (&self.history, &o.history) {
            (Some(a), Some(b)) => a.histories == b.histories && a.rules == b.rules,
            (a, b) => a.is_none() && b.is_none(),
        }
    }

    /// How many rounds were played.
    pub fn rounds(&self) -> u64 {
        self.rounds
    }
}

/// Play the audit's rounds of `batches` (the runner's batches of `sc.simulation.rounds`); with
/// `history`, where the scenario has random events, first choose each party's history rule on
/// the training rounds (`history::training`) and value it on these rounds too.
pub fn run_batches(
    sc: &Scenario,
    seed: u64,
    grid: &[f64],
    batches: std::ops::Range<u64>,
    history: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Totals {
    let engine = Engine::new(sc);
    let rules = Histories::of(sc).filter(|_| history).map(|h| {
        let rules = history::choose(&engine, seed, grid, &h, progress);
        (h, rules)
    });
    runner::over_batches(
        sc.simulation.rounds,
        batches,
        progress,
        || Totals::empty(grid, rules.as_ref()),
        |rounds| {
            let n = rounds.end - rounds.start;
            let mut batch = Batch::new(grid, rules.as_ref());
            let mut scratch = engine.scratch();
            for r in rounds {
                for i in 0..PARTIES {
                    batch.play(&engine, seed, r, i, &mut scratch);
                }
            }
            progress(n);
            batch.totals(n)
        },
    )
}

/// One batch's sums, in plain doubles (in round order, so the same on any thread), made exact
/// at the end of the batch.
struct Batch<'a> {
    grid: &'a [f64],
    rules: Option<&'a (Histories, [Rule; PARTIES])>,
    payoffs: Vec<f64>,
    counts: Vec<u32>,
    /// Per party: [profile, profile²] and per deviation [u, u², d, d²].
    profile: [[f64; 2]; PARTIES],
    sums: [Vec<[f64; 4]>; PARTIES],
    /// Deviations after a round's end all pay what never conceding pays: added once per round
    /// to `after[m]` (m the first of them) and spread by a running sum.
    after: [Vec<[f64; 4]>; PARTIES],
    /// Per party: following its history rule.
    history: [[f64; 4]; PARTIES],
}

fn add(s: &mut [f64; 4], u: f64, p: f64) {
    let d = u - p;
    s[0] += u;
    s[1] += u * u;
    s[2] += d;
    s[3] += d * d;
}

impl<'a> Batch<'a> {
    fn new(grid: &'a [f64], rules: Option<&'a (Histories, [Rule; PARTIES])>) -> Batch<'a> {
        let k = grid.len() + 1;
        let events = rules.map_or(0, |(h, _)| h.events());
        Batch {
            grid,
            rules,
            payoffs: vec![0.0; grid.len()],
            counts: vec![0; grid.len() * events],
            profile: [[0.0; 2]; PARTIES],
            sums: [vec![[0.0; 4]; k], vec![[0.0; 4]; k]],
            after: [vec![[0.0; 4]; k], vec![[0.0; 4]; k]],
            history: [[0.0; 4]; PARTIES],
        }
    }

    /// Round r with party i shadowed.
    fn play(&mut self, engine: &Engine, seed: u64, r: u64, i: usize, scratch: &mut Scratch) {
        let mut shadow = Shadow::new(i, self.grid, &mut self.payoffs);
        if self.rules.is_some() {
            shadow = shadow.with_history(&mut self.counts);
        }
        engine.play_shadowed(seed, r, scratch, &mut shadow);
        let (p, never, m) = (shadow.profile, shadow.never, shadow.evaluated());
        self.profile[i][0] += p;
        self.profile[i][1] += p * p;
        for (s, &u) in self.sums[i].iter_mut().zip(&self.payoffs[..m]) {
            add(s, u, p);
        }
        add(&mut self.after[i][m], never, p);
        if let Some((h, rules)) = self.rules {
            let u = history::follow(&rules[i], h, &self.payoffs, &self.counts, m, never);
            add(&mut self.history[i], u, p);
        }
    }

    /// The batch's exact sums, over `n` rounds.
    fn totals(mut self, n: u64) -> Totals {
        for (sums, after) in self.sums.iter_mut().zip(&self.after) {
            let mut running = [0.0; 4];
            for (s, a) in sums.iter_mut().zip(after) {
                for j in 0..4 {
                    running[j] += a[j];
                    s[j] += running[j];
                }
            }
        }
        let exact = |x: f64| {
            let mut s = ExactSum::default();
            s.add(x);
            s
        };
        let party = |i: usize| Sums {
            profile: self.profile[i].map(exact),
            deviations: self.sums[i].iter().map(|s| s.map(exact)).collect(),
        };
        let mut totals = Totals::empty(self.grid, self.rules);
        totals.rounds = n;
        totals.parties = [party(0), party(1)];
        if let Some(h) = &mut totals.history {
            h.sums = self.history.map(|s| s.map(exact));
        }
        totals
    }
}
/// One deviation of one party: conceding at `time` (`None`: never).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Deviation {
    /// When (none: never).
    pub time: Option<f64>,
    /// Its expected payoff and 95 % interval.
    pub payoff: Estimate,
    /// Its payoff less the profile's, with the interval of the paired differences.
    pub difference: Estimate,
}

impl Deviation {
    /// `immediate`, `at_time` or `never`.
    pub fn name(&self) -> &'static str {
        match self.time {
            Some(0.0) => "immediate",
            Some(_) => "at_time",
            None => "never",
        }
    }
}

/// What the audit finds for one party.
#[derive(Clone, Debug, PartialEq)]
pub struct PartyAudit {
    /// The party's payoff in the profile.
    pub payoff: Estimate,
    /// Each deviation: the grid's times in order, then never.
    pub deviations: Vec<Deviation>,
    /// The deviation that pays most: its index in `deviations`.
    pub best: usize,
    /// The history rule, where tried.
    pub history: Option<HistoryAudit>,
}

/// The best rule that waits for random events, as valued on the audit's rounds.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryAudit {
    /// The rule in words.
    pub rule: String,
    /// Its expected payoff and 95 % interval.
    pub payoff: Estimate,
    /// Its payoff less the profile's, with the interval of the paired differences.
    pub difference: Estimate,
}

impl PartyAudit {
    /// What the best time fixed in advance gains over the profile, with its paired interval.
    pub fn gain(&self) -> Estimate {
        self.deviations[self.best].difference
    }

    /// What the party's best deviation gains: the history rule's where that pays more than the
    /// best fixed time.
    pub fn best_gain(&self) -> Estimate {
        match &self.history {
            Some(h) if h.difference.value > self.gain().value => h.difference,
            _ => self.gain(),
        }
    }
}

impl Totals {
    /// Each party's value curve, best deviation and gain.
    pub fn report(&self) -> [PartyAudit; PARTIES] {
        let n = self.rounds;
        let est = |s: &[ExactSum]| mean_ci(s[0].value(), s[1].value(), n);
        [0, 1].map(|i| {
            let sums = &self.parties[i];
            let deviations: Vec<Deviation> = sums
                .deviations
                .iter()
                .enumerate()
                .map(|(k, s)| Deviation {
                    time: self.grid.get(k).copied(),
                    payoff: est(&s[..2]),
                    difference: est(&s[2..]),
                })
                .collect();
            let best = (0..deviations.len())
                .max_by(|&a, &b| {
                    deviations[a]
                        .payoff
                        .value
                        .total_cmp(&deviations[b].payoff.value)
                })
                .expect("never is always a deviation");
            let history = self.history.as_ref().map(|h| HistoryAudit {
                rule: history::describe(&h.rules[i], &h.histories, &self.grid),
                payoff: est(&h.sums[i][..2]),
                difference: est(&h.sums[i][2..]),
            });
            PartyAudit {
                payoff: est(&sums.profile),
                deviations,
                best,
                history,
            }
        })
    }
}

/// The sum of the parties' gains (OpenSpiel's NashConv; each party's best deviation, the history
/// rule's where it pays more), with a normal interval from the two gains' intervals (the
/// parties' rounds are the same, so this is conservative); none where a gain has none (a single
/// round).
pub fn nash_conv(parties: &[PartyAudit; PARTIES]) -> Estimate {
    let g = parties.each_ref().map(|p| p.best_gain());
    let value = g[0].value + g[1].value;
    let ci = match (g[0].ci, g[1].ci) {
        (Some((a0, a1)), Some((b0, b1))) => {
            let h = 0.5 * (a1 - a0) + 0.5 * (b1 - b0);
            Some((value - h, value + h))
        }
        _ => None,
    };
    Estimate { value, ci }
}

/// The standard error behind an estimate's normal interval.
pub fn se(e: &Estimate) -> f64 {
    e.ci.map_or(0.0, |(lo, hi)| (hi - lo) / (2.0 * Z95))
}

/// Equal steps of the grid when neither `--grid` nor the `[audit]` table says.
pub const DEFAULT_GRID: u64 = 200;

/// The audit's settings: `--grid`, `--at` and `--no-history` over the scenario's `[audit]`
/// table.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Equal steps of the grid.
    pub points: u64,
    /// More times.
    pub at: Vec<f64>,
    /// Whether to try the history rule (where random events can fire).
    pub history: bool,
}

/// The audit's settings: `--grid`, `--at` and `--no-history` over the scenario's `[audit]`
/// table. The error is the message for the user.
pub fn settings(
    loaded: &crate::scenario::Loaded,
    grid: Option<u64>,
    at: &[f64],
    no_history: bool,
) -> Result<Settings, String> {
    let table = loaded.audit.clone().unwrap_or_default();
    let history = !no_history && table.history.unwrap_or(true);
    let points = grid.or(table.grid).unwrap_or(DEFAULT_GRID);
    if !(2..=100_000).contains(&points) {
        return Err(format!(
            "--grid: the grid needs 2 to 100000 points, got {points}"
        ));
    }
    let mut times = table.at;
    times.extend_from_slice(at);
    let end = end(&loaded.scenario);
    if let Some(bad) = times
        .iter()
        .find(|t| !t.is_finite() || **t < 0.0 || **t > end)
    {
        return Err(format!(
            "--at {bad}: a deviation's time must lie in [0, {end}] (the end of the game)"
        ));
    }
    Ok(Settings {
        points,
        at: times,
        history,
    })
}

/// The manifest's `[audit]` table: what reproduces the deviations tried.
pub fn table(s: &Settings) -> toml_edit::Table {
    let mut t = toml_edit::Table::new();
    t.insert("grid", toml_edit::value(s.points as i64));
    let arr: toml_edit::Array = s.at.iter().copied().collect();
    t.insert("at", toml_edit::value(arr));
    t.insert("history", toml_edit::value(s.history));
    t
}

/// The table on stdout: per party its strategy, payoff, best deviation and gain; the NashConv.
pub fn summary(sc: &Scenario, parties: &[PartyAudit; PARTIES]) -> String {
    use std::fmt::Write;
    let num = |x: f64| crate::output::table::decimal(x, 4);
    let with_ci = |e: &Estimate| match e.ci {
        Some((lo, hi)) => format!("{} [{}, {}]", num(e.value), num(lo), num(hi)),
        None => num(e.value),
    };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: audit of {} rounds\n",
        sc.title.as_deref().unwrap_or("scenario"),
        sc.simulation.rounds
    );
    for (i, p) in parties.iter().enumerate() {
        let q = &sc.parties[i];
        let best = &p.deviations[p.best];
        let at = match best.time {
            Some(t) => format!("concede at {}", num(t)),
            None => "never concede".into(),
        };
        let _ = writeln!(
            o,
            "  {} ({}) plays {}",
            q.id,
            q.label,
            q.strategy.describe()
        );
        let _ = writeln!(o, "    payoff          {}", with_ci(&p.payoff));
        let _ = writeln!(o, "    best deviation  {at}: {}", with_ci(&best.payoff));
        let g = p.gain();
        let z = if se(&g) > 0.0 { g.value / se(&g) } else { 0.0 };
        let _ = writeln!(
            o,
            "    gain            {} ({z:+.1} standard errors)",
            with_ci(&g)
        );
        if let Some(h) = &p.history {
            let g = h.difference;
            let z = if se(&g) > 0.0 { g.value / se(&g) } else { 0.0 };
            let _ = writeln!(o, "    waiting for events: {}", h.rule);
            let _ = writeln!(o, "      payoff        {}", with_ci(&h.payoff));
            let _ = writeln!(
                o,
                "      gain          {} ({z:+.1} standard errors)",
                with_ci(&g)
            );
        }
    }
    let nc = nash_conv(parties);
    let _ = writeln!(o, "\n  NashConv (sum of the gains) {}", with_ci(&nc));
    o
}
