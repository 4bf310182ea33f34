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
pub mod types;

use serde::{Deserialize, Serialize};

use crate::aggregate::ExactSum;
use crate::aggregate::stats::{Estimate, Z95, mean_ci};
use crate::engine::{Engine, Scratch, Shadow};
use crate::model::{EventTiming, PARTIES, Scenario};
use crate::runner::{self, Merge};
use history::{Histories, Rule};
use types::TypeAt;

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

impl Sums {
    fn merge(&mut self, o: &Sums) {
        for (x, y) in self.profile.iter_mut().zip(&o.profile) {
            x.merge(y);
        }
        for (x, y) in self.deviations.iter_mut().zip(&o.deviations) {
            for (u, v) in x.iter_mut().zip(y) {
                u.merge(v);
            }
        }
    }
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
    /// The types audited, where a party's type is private.
    #[serde(default)]
    pub types: Vec<TypeTotals>,
}

/// One type's sums: its party's, in the scenario where its type is that one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeTotals {
    /// The type.
    pub at: TypeAt,
    sums: Sums,
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
        for s in self
            .parties
            .iter()
            .chain(self.types.iter().map(|t| &t.sums))
        {
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
            a.merge(b);
        }
        if let (Some(a), Some(b)) = (&mut self.history, &o.history) {
            for (x, y) in a.sums.iter_mut().flatten().zip(b.sums.iter().flatten()) {
                x.merge(y);
            }
        }
        for (a, b) in self.types.iter_mut().zip(&o.types) {
            a.sums.merge(&b.sums);
        }
    }
}

impl Totals {
    /// No rounds yet, over `grid`, with the history rules if any, and `types`.
    fn empty(
        grid: &[f64],
        history: Option<&(Histories, [Rule; PARTIES])>,
        types: &[TypeAt],
    ) -> Totals {
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
            types: (types.iter())
                .map(|&at| TypeTotals { at, sums: sums() })
                .collect(),
        }
    }

    /// Whether `o` was made with the same history rules and types (parts of one audit always
    /// are).
    pub fn same_rules(&self, o: &Totals) -> bool {
        let types = |t: &Totals| t.types.iter().map(|t| t.at).collect::<Vec<_>>();
        types(self) == types(o)
            && match (&self.history, &o.history) {
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
/// the training rounds (`history::training`) and value it on these rounds too; and audit each
/// of `types` (`types::types`) on the same rounds, its party shadowed in the scenario at that type.
pub fn run_batches(
    sc: &Scenario,
    seed: u64,
    grid: &[f64],
    batches: std::ops::Range<u64>,
    history: bool,
    types: &[TypeAt],
    progress: &(dyn Fn(u64) + Sync),
) -> Totals {
    let engine = Engine::new(sc);
    let typed: Vec<Scenario> = types.iter().map(|t| types::at_type(sc, t)).collect();
    let typed: Vec<Engine> = typed.iter().map(Engine::new).collect();
    let rules = Histories::of(sc).filter(|_| history).map(|h| {
        let rules = history::choose(&engine, seed, grid, &h, progress);
        (h, rules)
    });
    runner::over_batches(
        sc.simulation.rounds,
        batches,
        progress,
        || Totals::empty(grid, rules.as_ref(), types),
        |rounds| {
            let n = rounds.end - rounds.start;
            let mut batch = Batch::new(grid, rules.as_ref(), types.len());
            let mut scratch = engine.scratch();
            let mut scratches: Vec<Scratch> = typed.iter().map(Engine::scratch).collect();
            for r in rounds {
                for i in 0..PARTIES {
                    batch.play(&engine, seed, r, i, &mut scratch);
                }
                for (k, (e, s)) in typed.iter().zip(&mut scratches).enumerate() {
                    batch.play_type(k, types[k].party, e, (seed, r), s);
                }
            }
            progress(n);
            batch.totals(n, types)
        },
    )
}

/// One party's sums over a batch's rounds, in plain doubles.
#[derive(Clone)]
struct Tally {
    /// [profile, profile²].
    profile: [f64; 2],
    /// Per deviation [u, u², d, d²].
    sums: Vec<[f64; 4]>,
    /// Deviations after a round's end all pay what never conceding pays: added once per round
    /// to `after[m]` (m the first of them) and spread by a running sum.
    after: Vec<[f64; 4]>,
}

impl Tally {
    fn new(deviations: usize) -> Tally {
        Tally {
            profile: [0.0; 2],
            sums: vec![[0.0; 4]; deviations],
            after: vec![[0.0; 4]; deviations],
        }
    }

    /// A round whose profile paid `p`, the first `m` deviations `payoffs`, the rest `never`.
    fn add(&mut self, payoffs: &[f64], p: f64, never: f64, m: usize) {
        self.profile[0] += p;
        self.profile[1] += p * p;
        for (s, &u) in self.sums.iter_mut().zip(&payoffs[..m]) {
            add(s, u, p);
        }
        add(&mut self.after[m], never, p);
    }

    /// The exact sums.
    fn exact(mut self) -> Sums {
        let mut running = [0.0; 4];
        for (s, a) in self.sums.iter_mut().zip(&self.after) {
            for j in 0..4 {
                running[j] += a[j];
                s[j] += running[j];
            }
        }
        Sums {
            profile: self.profile.map(exact),
            deviations: self.sums.iter().map(|s| s.map(exact)).collect(),
        }
    }
}

fn exact(x: f64) -> ExactSum {
    let mut s = ExactSum::default();
    s.add(x);
    s
}

/// One batch's sums, in plain doubles (in round order, so the same on any thread), made exact
/// at the end of the batch.
struct Batch<'a> {
    grid: &'a [f64],
    rules: Option<&'a (Histories, [Rule; PARTIES])>,
    payoffs: Vec<f64>,
    counts: Vec<u32>,
    parties: [Tally; PARTIES],
    /// Per type audited.
    types: Vec<Tally>,
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
    fn new(
        grid: &'a [f64],
        rules: Option<&'a (Histories, [Rule; PARTIES])>,
        types: usize,
    ) -> Batch<'a> {
        let k = grid.len() + 1;
        let events = rules.map_or(0, |(h, _)| h.events());
        Batch {
            grid,
            rules,
            payoffs: vec![0.0; grid.len()],
            counts: vec![0; grid.len() * events],
            parties: [Tally::new(k), Tally::new(k)],
            types: vec![Tally::new(k); types],
            history: [[0.0; 4]; PARTIES],
        }
    }

    /// Round r with party i shadowed.
    fn play(&mut self, engine: &Engine, seed: u64, r: u64, i: usize, scratch: &mut Scratch) {
        let history = self.rules.is_some();
        let (p, never, m) = self.shadowed(engine, (seed, r), i, scratch, history);
        self.parties[i].add(&self.payoffs, p, never, m);
        if let Some((h, rules)) = self.rules {
            let u = history::follow(&rules[i], h, &self.payoffs, &self.counts, m, never);
            add(&mut self.history[i], u, p);
        }
    }

    /// Round r of type k's scenario (`engine`), with its party i shadowed (no history rule: the
    /// rule is the party's, not per type).
    fn play_type(
        &mut self,
        k: usize,
        i: usize,
        engine: &Engine,
        (seed, r): (u64, u64),
        scratch: &mut Scratch,
    ) {
        let (p, never, m) = self.shadowed(engine, (seed, r), i, scratch, false);
        self.types[k].add(&self.payoffs, p, never, m);
    }

    /// Round r with party i shadowed, its deviations' payoffs into `payoffs` (and, with
    /// `history`, the events fired by each grid time into `counts`): the party's payoff in the
    /// profile, its payoff if it never concedes, and how many deviations were valued.
    fn shadowed(
        &mut self,
        engine: &Engine,
        (seed, r): (u64, u64),
        i: usize,
        scratch: &mut Scratch,
        history: bool,
    ) -> (f64, f64, usize) {
        let mut shadow = Shadow::new(i, self.grid, &mut self.payoffs);
        if history {
            shadow = shadow.with_history(&mut self.counts);
        }
        engine.play_shadowed(seed, r, scratch, &mut shadow);
        (shadow.profile, shadow.never, shadow.evaluated())
    }

    /// The batch's exact sums, over `n` rounds.
    fn totals(self, n: u64, types: &[TypeAt]) -> Totals {
        let mut totals = Totals::empty(self.grid, self.rules, types);
        totals.rounds = n;
        let [a, b] = self.parties;
        totals.parties = [a.exact(), b.exact()];
        for (t, tally) in totals.types.iter_mut().zip(self.types) {
            t.sums = tally.exact();
        }
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
    /// Where the party's type is private, each type's audit (without history rules or types).
    pub types: Vec<TypeAudit>,
}

/// The audit of one type of a party whose type is private.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeAudit {
    /// The type.
    pub at: TypeAt,
    /// Its value curve, best deviation and gain.
    pub audit: PartyAudit,
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
    /// What the best time fixed in advance gains over the profile, with its paired interval;
    /// where the party's type is private, per type: the interim gain, the mean over its types of
    /// their best times' gains (its interval the mean of theirs, which holds however the types'
    /// estimates are correlated).
    pub fn gain(&self) -> Estimate {
        if self.types.is_empty() {
            return self.deviations[self.best].difference;
        }
        mean_estimate(self.types.iter().map(|t| t.audit.gain()))
    }

    /// The payoff of the best time fixed in advance; per type, the party's payoff plus its
    /// interim gain (what it would get if each type took its best time), without an interval.
    pub fn best_payoff(&self) -> Estimate {
        if self.types.is_empty() {
            return self.deviations[self.best].payoff;
        }
        Estimate {
            value: self.payoff.value + self.gain().value,
            ci: None,
        }
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

/// The mean of estimates, its interval the mean of theirs (none if one has none).
fn mean_estimate(e: impl Iterator<Item = Estimate> + Clone) -> Estimate {
    let n = e.clone().count() as f64;
    let value = e.clone().map(|e| e.value).sum::<f64>() / n;
    let ci = (e.map(|e| e.ci))
        .try_fold((0.0, 0.0), |(lo, hi), ci| ci.map(|(a, b)| (lo + a, hi + b)))
        .map(|(lo, hi)| (lo / n, hi / n));
    Estimate { value, ci }
}

impl Totals {
    /// Each party's value curve, best deviation and gain, and per type where its type is private.
    pub fn report(&self) -> [PartyAudit; PARTIES] {
        let n = self.rounds;
        let est = |s: &[ExactSum]| mean_ci(s[0].value(), s[1].value(), n);
        [0, 1].map(|i| {
            let history = self.history.as_ref().map(|h| HistoryAudit {
                rule: history::describe(&h.rules[i], &h.histories, &self.grid),
                payoff: est(&h.sums[i][..2]),
                difference: est(&h.sums[i][2..]),
            });
            let types = (self.types.iter())
                .filter(|t| t.at.party == i)
                .map(|t| TypeAudit {
                    at: t.at,
                    audit: self.audit_of(&t.sums, None, Vec::new()),
                })
                .collect();
            self.audit_of(&self.parties[i], history, types)
        })
    }

    /// One party's (or type's) value curve and best deviation from its sums.
    fn audit_of(
        &self,
        sums: &Sums,
        history: Option<HistoryAudit>,
        types: Vec<TypeAudit>,
    ) -> PartyAudit {
        let est = |s: &[ExactSum]| mean_ci(s[0].value(), s[1].value(), self.rounds);
        let deviations: Vec<Deviation> = (sums.deviations.iter().enumerate())
            .map(|(k, s)| Deviation {
                time: self.grid.get(k).copied(),
                payoff: est(&s[..2]),
                difference: est(&s[2..]),
            })
            .collect();
        let best = (0..deviations.len())
            .max_by(|&a, &b| (deviations[a].payoff.value).total_cmp(&deviations[b].payoff.value))
            .expect("never is always a deviation");
        PartyAudit {
            payoff: est(&sums.profile),
            deviations,
            best,
            history,
            types,
        }
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
    /// Types audited per party whose type is private (0: none).
    pub types: u64,
}

/// What the command line asks of an audit, over the scenario's `[audit]` table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flags {
    /// `--grid`.
    pub grid: Option<u64>,
    /// `--at`.
    pub at: Vec<f64>,
    /// `--no-history`.
    pub no_history: bool,
    /// `--types`.
    pub types: Option<u64>,
}

/// The audit's settings: `--grid`, `--at`, `--no-history` and `--types` over the scenario's
/// `[audit]` table. The error is the message for the user.
pub fn settings(loaded: &crate::scenario::Loaded, flags: &Flags) -> Result<Settings, String> {
    let Flags {
        grid,
        at,
        no_history,
        types,
    } = flags.clone();
    let table = loaded.audit.clone().unwrap_or_default();
    let history = !no_history && table.history.unwrap_or(true);
    let types = types.or(table.types).unwrap_or(types::DEFAULT_TYPES);
    if types > types::MOST_TYPES {
        return Err(format!(
            "--types: at most {} types a party, got {types}",
            types::MOST_TYPES
        ));
    }
    let points = grid.or(table.grid).unwrap_or(DEFAULT_GRID);
    if !(2..=100_000).contains(&points) {
        return Err(format!(
            "--grid: the grid needs 2 to 100000 points, got {points}"
        ));
    }
    let mut times = table.at;
    times.extend(at);
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
        types,
    })
}

/// The manifest's `[audit]` table: what reproduces the deviations tried.
pub fn table(s: &Settings) -> toml_edit::Table {
    let mut t = toml_edit::Table::new();
    t.insert("grid", toml_edit::value(s.points as i64));
    let arr: toml_edit::Array = s.at.iter().copied().collect();
    t.insert("at", toml_edit::value(arr));
    t.insert("history", toml_edit::value(s.history));
    t.insert("types", toml_edit::value(s.types as i64));
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
        let z = |g: &Estimate| if se(g) > 0.0 { g.value / se(g) } else { 0.0 };
        if p.types.is_empty() {
            let _ = writeln!(o, "    best deviation  {at}: {}", with_ci(&best.payoff));
            let g = p.gain();
            let _ = writeln!(
                o,
                "    gain            {} ({:+.1} standard errors)",
                with_ci(&g),
                z(&g)
            );
        } else {
            let _ = writeln!(o, "    per type        best deviation            gain");
            for t in &p.types {
                let (a, g) = (&t.audit, t.audit.gain());
                let at = match a.deviations[a.best].time {
                    Some(t) => format!("concede at {}", num(t)),
                    None => "never concede".into(),
                };
                let _ = writeln!(
                    o,
                    "      q {:<4} {:<8} {at:<25} {} ({:+.1} se)",
                    num(t.at.quantile),
                    num(t.at.theta),
                    with_ci(&g),
                    z(&g)
                );
            }
            let g = p.gain();
            let _ = writeln!(
                o,
                "    interim gain    {} (mean over its types)",
                with_ci(&g)
            );
        }
        if let Some(h) = &p.history {
            let g = h.difference;
            let _ = writeln!(o, "    waiting for events: {}", h.rule);
            let _ = writeln!(o, "      payoff        {}", with_ci(&h.payoff));
            let _ = writeln!(
                o,
                "      gain          {} ({:+.1} standard errors)",
                with_ci(&g),
                z(&g)
            );
        }
    }
    let nc = nash_conv(parties);
    let _ = writeln!(o, "\n  NashConv (sum of the gains) {}", with_ci(&nc));
    o
}
