//! The engine: one round of the game as a discrete-event simulation in continuous time
//! (docs/model.md, section 7). There is no time step.
//!
//! `Engine` holds what is fixed for a scenario; `play` runs one round and `play_rounds` many in
//! order. A round takes one of three paths, decided once per scenario, which give the same bits
//! (a property test compares them round by round):
//!
//! - `event_loop`: the general loop over *pieces*, stretches between events and clamps on which
//!   every line is linear; every clock integrates its `Rate` against a budget (the plan's rational
//!   hazards through tables made once per scenario, `rate::Table`: the same up to rounding).
//! - a round of one piece (no events, no moving lines, no talks), or one that a plan ends at t = 0
//!   for sure, skips the loop;
//! - `kernel`: if moreover every clock is a fixed time, a constant rate or read off a plan solved
//!   at t = 0, the memoryless kernel finds the ender in closed form and plays rounds in stages.
//!
//! The other files: `clock` classifies every strategy into the clock that runs it, `lines` tracks
//! the lines, `events` the schedule and what an event does. At one instant the order is: events,
//! then concessions, then the breakdown hazard, then party deadlines (giving in before walking
//! out), then the global deadline, then the horizon.

mod clock;
mod event_loop;
mod events;
mod kernel;
mod lines;
mod shadow;

pub use kernel::Stage;
pub use shadow::Shadow;

use std::ops::Range;

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use crate::model::payoff::{self, EndState};
use crate::model::{
    DeadlineAction, DeadlineKind, Outcome, PARTIES, RoundResult, Scenario, Strategy,
};
use crate::rate::Rate;
use crate::rng::{RoundRng, round_rng};
use crate::strategy::equilibrium::{self, Pending, Plan, Start};
use crate::strategy::time_dependent::{self, DemandPath};
use clock::{Ender, PartyClock};
use event_loop::RoundState;
use events::Schedule;
use kernel::{Draws, Kernel};
use lines::{LineSetup, Lines};

/// Per-round working memory, kept by the runner for a whole batch: the lines (of which a round
/// resets only those it can change) and the Poisson event clocks.
#[derive(Clone, Debug)]
pub struct Scratch {
    lines: Lines,
    next: Vec<f64>,
    fired: Vec<u32>,
    /// The equilibrium as last solved during the round (after a Poisson event changed the game).
    plan: Plan,
    pending: Vec<Pending>,
}

/// A scenario prepared for playing rounds.
pub struct Engine<'a> {
    sc: &'a Scenario,
    events: Schedule,
    clocks: [PartyClock; PARTIES],
    /// The mean of each party's belief about the opponent's type, at the start of a round.
    initial_belief: [f64; PARTIES],
    /// Every round ends by this time: the earlier of the global deadline and the horizon.
    end: f64,
    lines: LineSetup,
    /// The equilibrium from t = 0, when a party plays it (`strategy::equilibrium`).
    plan: Option<Plan>,
    /// The clocks on the first piece of a round that no event has touched yet: the same in every
    /// round, so computed once.
    start: StartRates,
    /// The earliest of the deterministic enders (party deadlines, the global deadline, the
    /// horizon, the meeting of time-dependent demands), by time and then by their order at one
    /// instant.
    fixed_end: (f64, Ender),
    /// Whether the breakdown hazard can ever be positive, and each party's pressure.
    breakdown_possible: bool,
    pressured: [bool; PARTIES],
    /// The split of the pie for each outcome, and at `MET` where time-dependent demands meet.
    shares: [Option<[f64; PARTIES]>; ROWS],
    /// No events, no moving lines, no talks: every round is one piece, played without the loop.
    single_piece: bool,
    /// A side's plan concedes at t = 0 with certainty and nothing happens before: every round
    /// ends at once, so it is one piece whatever the lines and events would do later.
    ends_at_once: bool,
    /// Where the first piece of a round that no event has touched ends, before the round's
    /// Poisson events (the same in every round): such a round is scanned there without the
    /// loop's setup, and goes through the loop only if nothing ends it there. None under talks or
    /// with a scheduled event at 0.
    first_piece_end: Option<f64>,
    kernel: Option<Kernel>,
    /// The deadline's breakdown probability (0 without one).
    deadline_breakdown: f64,
}

/// The shortcuts an engine takes: how many of the plan's hazards are tabulated, whether every
/// round ends at once, whether the first piece is scanned without the loop.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortcuts {
    pub tables: usize,
    pub ends_at_once: bool,
    pub first_piece: bool,
}

/// Each party's hazard and the breakdown hazard at t = 0 (for `equilibrium`, its plan's, where the
/// plan is that one rate from the start).
struct StartRates {
    rates: [Rate; PARTIES],
    breakdown: Rate,
}

/// Rows of the per-outcome tables: one per outcome, and `MET` for demands that met (a compromise
/// at the split where they met).
const ROWS: usize = Outcome::COUNT + 1;
const MET: usize = Outcome::COUNT;

/// The table row of a round that ended with `outcome` through `who`.
#[inline(always)]
fn row(outcome: Outcome, who: Ender) -> usize {
    if who == Ender::Meet {
        MET
    } else {
        outcome.index()
    }
}

impl<'a> Engine<'a> {
    pub fn new(sc: &'a Scenario) -> Engine<'a> {
        let lines = LineSetup::new(sc);
        let (fixed_end, met) = fixed_end(sc);
        let mut shares = [None; ROWS];
        let demand = [sc.parties[0].demand, sc.parties[1].demand];
        for o in Outcome::ALL {
            shares[o.index()] = payoff::shares(o, demand, sc.simultaneous);
        }
        shares[MET] = met;
        let can_move = |k: usize| {
            sc.line(crate::model::LineId(k)).initial != 0.0 || lines.mutable.contains(&k)
        };
        let mut engine = Engine {
            sc,
            events: Schedule::new(sc),
            clocks: PartyClock::compile(sc),
            initial_belief: [0, 1].map(|i| sc.believed_type(i)),
            end: sc.end_time(),
            plan: None,
            start: StartRates {
                rates: [Rate::ZERO; PARTIES],
                breakdown: lines::breakdown_rate(&lines.initial),
            },
            fixed_end,
            breakdown_possible: can_move(crate::model::LineId::HAZARD.0),
            pressured: [0, 1].map(|i| can_move(crate::model::LineId::pressure(i).0)),
            shares,
            single_piece: sc.events.is_empty() && lines.mutable.is_empty() && sc.talks.is_none(),
            ends_at_once: false,
            first_piece_end: None,
            kernel: None,
            deadline_breakdown: sc.deadline.map_or(0.0, |d| d.breakdown_probability),
            lines,
        };
        if engine
            .clocks
            .iter()
            .any(|c| matches!(c, PartyClock::Equilibrium))
            && !sc.demands_compatible()
        {
            let pending: Vec<Pending> = engine
                .events
                .poisson
                .iter()
                .filter(|p| p.max > 0)
                .map(|p| p.pending())
                .collect();
            let start = Start {
                t0: 0.0,
                lines: &engine.lines.initial,
                belief: engine.initial_belief,
                scheduled: &engine.events.scheduled,
                poisson: &pending,
            };
            let mut plan = Plan::default();
            equilibrium::solve(sc, &start, &mut plan);
            plan.tabulate(engine.end);
            engine.plan = Some(plan);
        }
        engine.start.rates = [0, 1].map(|i| match (&engine.clocks[i], &engine.plan) {
            (PartyClock::Equilibrium, Some(plan)) => match plan.sides[i].as_slice() {
                [only] if only.atom == 0.0 && only.start == 0.0 => only.rate,
                _ => Rate::ZERO,
            },
            _ => engine.budget_rate(i, 0.0),
        });
        // One piece needs every plan to be one segment from the start.
        let one_segment = engine
            .plan
            .as_ref()
            .is_none_or(|p| p.sides.iter().all(|s| s.len() == 1) && !p.end.is_finite());
        engine.single_piece &= one_segment;
        engine.ends_at_once = sc.talks.is_none()
            && engine.events.scheduled.first().is_none_or(|e| e.0 > 0.0)
            && engine.plan.as_ref().is_some_and(|p| {
                (0..PARTIES).any(|i| {
                    matches!(engine.clocks[i], PartyClock::Equilibrium)
                        && p.sides[i]
                            .first()
                            .is_some_and(|s| s.start == 0.0 && s.atom == 1.0)
                })
            });
        engine.first_piece_end = engine.first_piece_end();
        engine.kernel = Kernel::new(&engine);
        engine
    }

    /// The plan a round plays: the one from t = 0, or the one solved again during the round.
    fn plan<'s>(&'s self, scratch_plan: &'s Plan, replanned: bool) -> Option<&'s Plan> {
        if replanned {
            Some(scratch_plan)
        } else {
            self.plan.as_ref()
        }
    }

    pub fn scenario(&self) -> &Scenario {
        self.sc
    }

    /// The clocks' rates on a round's first piece, before any event: each party's
    /// exponential-budget clock (`Rate::ZERO` for other strategies) and the breakdown hazard.
    pub fn first_piece_rates(&self) -> ([Rate; PARTIES], Rate) {
        (self.start.rates, self.start.breakdown)
    }

    /// The same engine without its shortcuts: every round goes through the general loop, which
    /// integrates every hazard piece by piece from its closed form. For tests that the shortcuts
    /// change nothing (or, for tabulated hazards, nothing beyond rounding).
    #[doc(hidden)]
    pub fn without_shortcuts(mut self) -> Self {
        self.single_piece = false;
        self.ends_at_once = false;
        self.first_piece_end = None;
        self.kernel = None;
        if let Some(plan) = &mut self.plan {
            plan.tables = Default::default();
        }
        self
    }

    /// Which shortcuts this engine's rounds take (for tests that they are taken).
    #[doc(hidden)]
    pub fn shortcuts(&self) -> Shortcuts {
        Shortcuts {
            tables: self.plan.as_ref().map_or(0, |p| {
                p.tables.iter().flatten().filter(|t| t.is_some()).count()
            }),
            ends_at_once: self.ends_at_once,
            first_piece: self.first_piece_end.is_some(),
        }
    }

    pub fn scratch(&self) -> Scratch {
        let n = self.events.poisson.len();
        Scratch {
            lines: self.lines.initial,
            next: vec![0.0; n],
            fired: vec![0; n],
            plan: Plan::default(),
            pending: Vec::with_capacity(n),
        }
    }

    /// Play round `round` of a run seeded with `seed`.
    pub fn play(&self, seed: u64, round: u64, scratch: &mut Scratch) -> RoundResult {
        let mut rng = round_rng(seed, round);
        self.play_with(&mut rng, scratch)
    }

    /// Play rounds `rounds` of a run seeded with `seed`, in order, handing each result to
    /// `sink`: the same results as `play`, round by round, memoryless rounds in stages.
    #[inline]
    pub fn play_rounds(
        &self,
        seed: u64,
        rounds: Range<u64>,
        scratch: &mut Scratch,
        mut sink: impl FnMut(&RoundResult),
    ) {
        match &self.kernel {
            Some(k) => self.play_staged(k, seed, rounds, sink),
            None => {
                for r in rounds {
                    sink(&self.play(seed, r, scratch));
                }
            }
        }
    }

    /// Play one round from a given stream. The draws are made in a fixed order whatever the
    /// strategies: θ for each party, a unit exponential for the breakdown clock and for each
    /// party's concession clock, the first gap of each Poisson event; later gaps and the deadline
    /// draw come as the round needs them. Keeping the order fixed gives common random numbers
    /// across strategies.
    pub fn play_with(&self, rng: &mut RoundRng, scratch: &mut Scratch) -> RoundResult {
        let (theta, budget_break, budget) = self.first_draws(rng);
        if self.sc.demands_compatible() {
            let state = |i: usize| EndState {
                resolve: theta[i],
                cost: 0.0,
                audience_cost: 0.0,
                leverage: 0.0,
            };
            let compromise = Outcome::Compromise;
            return self.finish(compromise, 0.0, [state(0), state(1)], compromise.index());
        }
        for (k, ev) in self.events.poisson.iter().enumerate() {
            let gap: f64 = Exp1.sample(rng);
            scratch.next[k] = gap / ev.rate;
            scratch.fired[k] = 0;
        }
        if let Some(k) = &self.kernel {
            let draws = Draws {
                theta,
                budget_break,
                budget,
                deadline: self.deadline_draw(rng),
            };
            return self.play_memoryless(k, &draws);
        }
        let state = RoundState::new(theta, self.initial_belief, budget, budget_break);
        // A Poisson event drawn at exactly 0 would come first: the loop then.
        let untouched = scratch.next.iter().all(|&g| g > 0.0);
        if self.single_piece || (self.ends_at_once && untouched) {
            return self.play_single_piece(&state, rng);
        }
        let mut first = None;
        if let Some(t1) = self.first_piece_end.filter(|_| untouched) {
            match self.play_first_piece(t1, &state, (&scratch.next, &scratch.fired), rng) {
                Ok(result) => return result,
                Err(scan) => first = Some(scan),
            }
        }
        self.play_pieces(state, scratch, rng, None, first)
    }

    /// Play round `round` of a run seeded with `seed` with `shadow`'s party shadowed (an audit):
    /// returns the round as played without that party's concessions, and fills `shadow` with the
    /// party's payoff from each deviation and in the profile. Always the general loop.
    pub fn play_shadowed(
        &self,
        seed: u64,
        round: u64,
        scratch: &mut Scratch,
        shadow: &mut Shadow,
    ) -> RoundResult {
        let rng = &mut round_rng(seed, round);
        let (theta, budget_break, budget) = self.first_draws(rng);
        if self.sc.demands_compatible() {
            let result = self.play_with(&mut round_rng(seed, round), scratch);
            shadow.finish(result.payoff[shadow.party]);
            return result;
        }
        for (k, ev) in self.events.poisson.iter().enumerate() {
            let gap: f64 = Exp1.sample(rng);
            scratch.next[k] = gap / ev.rate;
            scratch.fired[k] = 0;
        }
        let state = RoundState::new(theta, self.initial_belief, budget, budget_break);
        self.play_pieces(state, scratch, rng, Some(shadow), None)
    }

    /// The draws every round starts with, in this order: θ for each party, a unit exponential
    /// for the breakdown clock, then one for each party's concession clock.
    #[inline(always)]
    fn first_draws(&self, rng: &mut RoundRng) -> ([f64; PARTIES], f64, [f64; PARTIES]) {
        let p = &self.sc.parties;
        let theta = [p[0].resolve.sample(rng), p[1].resolve.sample(rng)];
        let budget_break = Exp1.sample(rng);
        let budget = [Exp1.sample(rng), Exp1.sample(rng)];
        (theta, budget_break, budget)
    }

    /// The draw `ending` makes when the global deadline ends a round that may break down there.
    /// A memoryless round draws nothing after it, so making it at once changes no stream.
    #[inline(always)]
    fn deadline_draw(&self, rng: &mut RoundRng) -> f64 {
        if self.deadline_breakdown > 0.0 {
            rng.random::<f64>()
        } else {
            1.0
        }
    }
}

/// The earliest deterministic ender, and the split where time-dependent demands meet (if they do).
fn fixed_end(sc: &Scenario) -> ((f64, Ender), Option<[f64; PARTIES]>) {
    let mut fixed: Vec<(f64, Ender)> = Vec::new();
    let paths = sc.parties.each_ref().map(|q| match q.strategy {
        Strategy::TimeDependent { e, reservation, by } => DemandPath::Falling {
            demand: q.demand,
            reservation,
            e,
            by,
        },
        Strategy::Never
        | Strategy::Immediate
        | Strategy::AtTime { .. }
        | Strategy::Hazard { .. }
        | Strategy::Threshold { .. }
        | Strategy::Equilibrium
        | Strategy::Reputation { .. }
        | Strategy::Bayesian { .. } => DemandPath::Fixed(q.demand),
    });
    let any_falling = paths
        .iter()
        .any(|p| matches!(p, DemandPath::Falling { .. }));
    let met = any_falling
        .then(|| time_dependent::meeting(paths))
        .flatten();
    if let Some((t, _)) = met {
        fixed.push((t, Ender::Meet));
    }
    for (at, kind) in sc.deadlines() {
        fixed.push((
            at,
            match kind {
                DeadlineKind::Own {
                    party,
                    action: DeadlineAction::Concede,
                } => Ender::DeadlineConcede(party),
                DeadlineKind::Own {
                    party,
                    action: DeadlineAction::WalkOut,
                } => Ender::DeadlineWalkOut(party),
                DeadlineKind::Global { .. } => Ender::GlobalDeadline,
            },
        ));
    }
    if let Some(h) = sc.simulation.horizon {
        fixed.push((h, Ender::Horizon));
    }
    let first = fixed
        .into_iter()
        .min_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then(a.1.priority().cmp(&b.1.priority()))
        })
        .expect("validation requires a deadline or a horizon");
    (first, met.map(|(_, split)| split))
}
