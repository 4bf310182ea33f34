//! What every round of a scenario shares, compiled once (`Setup`): each party's clock, the event
//! schedule, the lines, the equilibrium plan from t = 0, the deterministic enders and the splits
//! of the pie; and what every path of a round needs of them: the first draws, the next event and
//! where a piece ends, how an ender becomes an outcome (`ending`) and what it pays (`finish`,
//! `payoff_at`).

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use super::clock::{Ender, PartyClock};
use super::events::{Poisson, Schedule};
use super::lines::{self, LineSetup, Lines};
use super::state::{Playing, RoundState, Scratch};
use crate::model::payoff::{self, EndState};
use crate::model::{
    DeadlineAction, DeadlineKind, LineId, Outcome, PARTIES, RoundResult, Scenario, Strategy,
};
use crate::rate::Rate;
use crate::rng::RoundRng;
use crate::strategy::equilibrium::{self, Pending, Plan, Start};
use crate::strategy::time_dependent::{self, DemandPath};

/// A scenario compiled for playing rounds: what every round shares.
pub(super) struct Setup<'a> {
    pub(super) sc: &'a Scenario,
    pub(super) events: Schedule,
    pub(super) clocks: [PartyClock; PARTIES],
    /// The mean of each party's belief about the opponent's type, at the start of a round.
    pub(super) initial_belief: [f64; PARTIES],
    /// Every round ends by this time: the earlier of the global deadline and the horizon.
    pub(super) end: f64,
    pub(super) lines: LineSetup,
    /// The equilibrium from t = 0, when a party plays it (`strategy::equilibrium`).
    pub(super) plan: Option<Plan>,
    /// The plans after histories of Poisson events whose games after do not depend on when they
    /// fired, solved with `plan`, by `history_key`.
    pub(super) after: Vec<(u64, Plan)>,
    /// The clocks on the first piece of a round that no event has touched yet: the same in every
    /// round, so computed once.
    pub(super) start: StartRates,
    /// The earliest of the deterministic enders (party deadlines, the global deadline, the
    /// horizon, the meeting of time-dependent demands), by time and then by their order at one
    /// instant.
    pub(super) fixed_end: (f64, Ender),
    /// Whether the breakdown hazard can ever be positive, and each party's pressure.
    pub(super) breakdown_possible: bool,
    pub(super) pressured: [bool; PARTIES],
    /// The split of the pie for each outcome, and at `MET` where time-dependent demands meet.
    pub(super) shares: [Option<[f64; PARTIES]>; ROWS],
    /// No events, no moving lines, no talks: every round is one piece, played without the loop.
    pub(super) single_piece: bool,
    /// A side's plan concedes at t = 0 with certainty and nothing happens before: every round
    /// ends at once, so it is one piece whatever the lines and events would do later.
    pub(super) ends_at_once: bool,
    /// Where the first piece of a round that no event has touched ends, before the round's
    /// Poisson events (the same in every round): such a round is scanned there without the
    /// loop's setup, and goes through the loop only if nothing ends it there. None under talks or
    /// with a scheduled event at 0.
    pub(super) first_piece_end: Option<f64>,
    /// The deadline's breakdown probability (0 without one).
    pub(super) deadline_breakdown: f64,
}

/// Each party's hazard and the breakdown hazard at t = 0 (for `equilibrium`, its plan's, where the
/// plan is that one rate from the start).
pub(super) struct StartRates {
    pub(super) rates: [Rate; PARTIES],
    pub(super) breakdown: Rate,
}

/// Rows of the per-outcome tables: one per outcome, and `MET` for demands that met (a compromise
/// at the split where they met).
pub(super) const ROWS: usize = Outcome::COUNT + 1;
pub(super) const MET: usize = Outcome::COUNT;

/// The table row of a round that ended with `outcome` through `who`.
#[inline(always)]
pub(super) fn row(outcome: Outcome, who: Ender) -> usize {
    if who == Ender::Meet {
        MET
    } else {
        outcome.index()
    }
}

impl<'a> Setup<'a> {
    pub(super) fn new(sc: &'a Scenario) -> Setup<'a> {
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
        let mut engine = Setup {
            sc,
            events: Schedule::new(sc),
            clocks: PartyClock::compile(sc),
            initial_belief: [0, 1].map(|i| sc.believed_type(i)),
            end: sc.end_time(),
            plan: None,
            after: Vec::new(),
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
                .map(|p| p.pending(0))
                .collect();
            let start = Start {
                t0: 0.0,
                lines: &engine.lines.initial,
                belief: engine.initial_belief,
                scheduled: &engine.events.scheduled,
                poisson: &pending,
                conceded: Some([0.0; PARTIES]),
            };
            let mut plan = Plan::default();
            let after = equilibrium::solve_with_histories(sc, &start, &mut plan);
            plan.tabulate(engine.end);
            engine.plan = Some(plan);
            engine.after = keyed(&engine.events.poisson, after, engine.end);
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
        engine
    }

    /// The plan a round plays: the one from t = 0, one after a history of events, or the one
    /// solved again during the round.
    pub(super) fn plan<'s>(&'s self, scratch_plan: &'s Plan, playing: Playing) -> Option<&'s Plan> {
        match playing {
            Playing::Start => self.plan.as_ref(),
            Playing::After(k) => Some(&self.after[k].1),
            Playing::Scratch => Some(scratch_plan),
        }
    }

    /// The plan after the Poisson events `fired` (counts by `events.poisson`), if it was solved
    /// with the plan from t = 0.
    pub(super) fn after(&self, fired: &[u32]) -> Option<usize> {
        let key = history_key(&self.events.poisson, fired)?;
        self.after.binary_search_by_key(&key, |a| a.0).ok()
    }

    /// Each Poisson event's first gap, in the scenario's order (after `first_draws`).
    pub(super) fn draw_poisson(&self, rng: &mut RoundRng, scratch: &mut Scratch) {
        for (k, ev) in self.events.poisson.iter().enumerate() {
            let gap: f64 = Exp1.sample(rng);
            scratch.next[k] = gap / ev.rate;
            scratch.fired[k] = 0;
        }
    }

    /// The draws every round starts with, in this order: θ for each party, a unit exponential
    /// for the breakdown clock, then one for each party's concession clock. Where the plan's
    /// side concedes by its private type (`Curve`), its budget is read off the type instead
    /// (the draw is still made, so that the stream is the same).
    #[inline(always)]
    pub(super) fn first_draws(&self, rng: &mut RoundRng) -> ([f64; PARTIES], f64, [f64; PARTIES]) {
        let p = &self.sc.parties;
        let theta = [p[0].resolve.sample(rng), p[1].resolve.sample(rng)];
        let budget_break = Exp1.sample(rng);
        let mut budget = [Exp1.sample(rng), Exp1.sample(rng)];
        if let Some(plan) = &self.plan {
            for i in 0..PARTIES {
                if let Some(b) = plan.curves[i]
                    .as_ref()
                    .and_then(|c| c.type_budget(theta[i]))
                {
                    budget[i] = b;
                }
            }
        }
        (theta, budget_break, budget)
    }

    /// The draw `ending` makes when the global deadline ends a round that may break down there.
    /// A memoryless round draws nothing after it, so making it at once changes no stream.
    #[inline(always)]
    pub(super) fn deadline_draw(&self, rng: &mut RoundRng) -> f64 {
        if self.deadline_breakdown > 0.0 {
            rng.random::<f64>()
        } else {
            1.0
        }
    }

    /// The rate of party i's `hazard` clock on the piece starting at `t` (`Rate::ZERO` for any
    /// other clock; `equilibrium` plays its plan).
    pub(super) fn budget_rate(&self, i: usize, t: f64) -> Rate {
        match self.clocks[i] {
            PartyClock::Hazard { rate, growth } => Rate::Linear {
                a: rate + growth * t,
                b: growth,
            },
            PartyClock::Never
            | PartyClock::At(_)
            | PartyClock::Equilibrium
            | PartyClock::Threshold { .. }
            | PartyClock::Bayesian(_)
            | PartyClock::Reputation(_) => Rate::ZERO,
        }
    }

    /// Where the first piece of a round ends at the latest, besides its events: the same in every
    /// round (`Engine::first_piece_end`). None under talks or with a scheduled event at 0, whose
    /// rounds take the loop from the start.
    pub(super) fn first_piece_end(&self) -> Option<f64> {
        let at_zero = self.events.scheduled.first().is_some_and(|e| e.0 <= 0.0);
        (self.sc.talks.is_none() && !at_zero)
            .then(|| self.piece_end(0.0, &self.lines.initial, true, self.plan.as_ref()))
    }

    /// The next event: the next scheduled one (the first from `next_sched`) or the earliest
    /// Poisson event that can still fire.
    pub(super) fn next_event(&self, next_sched: usize, next: &[f64], fired: &[u32]) -> f64 {
        let mut t_event = self
            .events
            .scheduled
            .get(next_sched)
            .map_or(f64::INFINITY, |e| e.0);
        for (k, ev) in self.events.poisson.iter().enumerate() {
            if fired[k] < ev.max {
                t_event = t_event.min(next[k]);
            }
        }
        t_event
    }

    /// Where the piece from `t` ends at the latest, events aside: the round's end, the first
    /// meeting of talks, a line's clamp (`pristine`: the initial lines' first, precomputed), the
    /// plan's end or the start of an equilibrium side's next segment.
    pub(super) fn piece_end(
        &self,
        t: f64,
        lines: &Lines,
        pristine: bool,
        plan: Option<&Plan>,
    ) -> f64 {
        let mut t1 = self.end;
        if let Some(talks) = self.sc.talks.filter(|k| t < k.first) {
            t1 = t1.min(talks.first);
        }
        if pristine {
            t1 = t1.min(self.lines.first_clamp);
        } else {
            for &k in &self.lines.moving {
                t1 = t1.min(lines[k].next_clamp());
            }
        }
        if let Some(plan) = plan {
            t1 = t1.min(plan.end);
            for (i, side) in plan.sides.iter().enumerate() {
                if let PartyClock::Equilibrium = self.clocks[i] {
                    let k = side.partition_point(|s| s.start <= t);
                    t1 = t1.min(side.get(k).map_or(f64::INFINITY, |s| s.start));
                }
            }
        }
        t1
    }

    /// The outcome an ender produces. Two concessions at one instant are a compromise; the
    /// global deadline breaks down if `deadline_breaks` says so (asked only then).
    #[inline(always)]
    pub(super) fn ending(
        &self,
        who: Ender,
        tau: f64,
        conceding_at: [f64; PARTIES],
        deadline_breaks: impl FnOnce() -> bool,
    ) -> Outcome {
        let p = &self.sc.parties;
        match who {
            Ender::Meet => Outcome::Compromise,
            Ender::Concede(i) if conceding_at[1 - i] == tau => Outcome::Compromise,
            Ender::Concede(i) => Outcome::concession(i),
            Ender::Breakdown => Outcome::Breakdown,
            Ender::DeadlineConcede(i) => {
                let j = 1 - i;
                let other = p[j]
                    .deadline
                    .is_some_and(|d| d.at == tau && d.action == DeadlineAction::Concede);
                if other {
                    Outcome::Compromise
                } else {
                    Outcome::concession(i)
                }
            }
            Ender::DeadlineWalkOut(i) => Outcome::walkout(i),
            Ender::GlobalDeadline if deadline_breaks() => Outcome::DeadlineBreakdown,
            Ender::GlobalDeadline => Outcome::DeadlineStatusQuo,
            Ender::Horizon => Outcome::Horizon,
        }
    }

    /// The round's result; `row` of the tables: the outcome's, or `MET`.
    #[inline(always)]
    pub(super) fn finish(
        &self,
        outcome: Outcome,
        tau: f64,
        state: [EndState; PARTIES],
        row: usize,
    ) -> RoundResult {
        let sc = self.sc;
        let share = self.shares[row];
        let pay = |i: usize| {
            payoff::payoff(
                &sc.parties[i],
                i,
                outcome,
                tau,
                share.map(|s| s[i]),
                &state[i],
            )
        };
        RoundResult {
            outcome,
            time: tau,
            payoff: [pay(0), pay(1)],
            cost: [state[0].cost, state[1].cost],
            shares: share.unwrap_or_default(),
            split: share.is_some(),
        }
    }

    /// Party i's payoff if the round ended at `at` (on the piece from `t`, with the state `c`
    /// there) in `outcome`.
    pub(super) fn payoff_at(
        &self,
        i: usize,
        outcome: Outcome,
        at: f64,
        (t, lines, c): (f64, &Lines, &RoundState),
    ) -> f64 {
        let state = EndState {
            resolve: c.theta[i],
            cost: if self.pressured[i] {
                c.cost[i] + self.cost_between(i, lines, t, at)
            } else {
                c.cost[i]
            },
            audience_cost: lines[LineId::audience_cost(i).0].at(at),
            leverage: lines[LineId::leverage(i).0].at(at),
        };
        let share = self.shares[outcome.index()].map(|s| s[i]);
        payoff::payoff(&self.sc.parties[i], i, outcome, at, share, &state)
    }

    /// Party i's waiting cost on `[t, t1]`.
    #[inline]
    pub(super) fn cost_between(&self, i: usize, lines: &Lines, t: f64, t1: f64) -> f64 {
        lines::cost_between(self.sc.parties[i].discount_rate, lines, i, t, t1)
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

/// The plans after histories of the events that can fire (max > 0), tabulated and keyed by
/// `history_key` over every Poisson event, in key order.
fn keyed(poisson: &[Poisson], after: Vec<(Vec<u32>, Plan)>, end: f64) -> Vec<(u64, Plan)> {
    let live: Vec<usize> = (poisson.iter().enumerate())
        .filter(|(_, p)| p.max > 0)
        .map(|(k, _)| k)
        .collect();
    let mut out = Vec::new();
    for (history, mut plan) in after {
        let mut fired = vec![0; poisson.len()];
        for (j, &n) in history.iter().enumerate() {
            fired[live[j]] = n;
        }
        if let Some(key) = history_key(poisson, &fired) {
            plan.tabulate(end);
            out.push((key, plan));
        }
    }
    out.sort_by_key(|a| a.0);
    out
}

/// A history of Poisson events (the counts fired, by event) as one number, counting only the
/// events that change the game; none where a count or the number of events is too large.
fn history_key(poisson: &[Poisson], fired: &[u32]) -> Option<u64> {
    const RADIX: u64 = 8;
    if poisson.len() > 21 {
        return None;
    }
    let mut key = 0;
    for (p, &n) in poisson.iter().zip(fired).rev() {
        let n = if p.changes_game { u64::from(n) } else { 0 };
        if n >= RADIX {
            return None;
        }
        key = key * RADIX + n;
    }
    Some(key)
}
