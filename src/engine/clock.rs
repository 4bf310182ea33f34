//! How each strategy runs: the one place where a `Strategy` is classified (`PartyClock::compile`,
//! an exhaustive match, so a new kind cannot be forgotten), the enders that can close a round
//! (`Ender`), and the rates of the clocks that integrate a hazard against a budget.

use super::Engine;
use super::lines::Lines;
use crate::model::{LineId, Outcome, PARTIES, Scenario, Strategy};
use crate::rate::{Rate, Step};
use crate::strategy::bayesian;
use crate::strategy::equilibrium::{self, DeadlineTerms, DeadlineView, OpponentView};
use crate::strategy::reputation;

/// A party's concession clock, compiled from its strategy once per scenario.
#[derive(Clone, Debug)]
pub(super) enum PartyClock {
    /// Never concedes outright: `never`, and `time_dependent`, whose deal is the meeting of the
    /// demands (a fixed ender).
    Never,
    /// Concedes at a fixed time: `immediate` (0) and `at_time`.
    At(f64),
    /// `hazard`: the hazard `rate + growth t` against a unit-exponential budget.
    Hazard { rate: f64, growth: f64 },
    /// `equilibrium`: the hazard that keeps the opponent indifferent, against a unit-exponential
    /// budget, with the deadline's stop and atom (`strategy::equilibrium`).
    Equilibrium,
    /// `threshold`: fires when the discounted waiting cost reaches `fraction θ V`.
    Threshold { fraction: f64 },
    /// `bayesian`: the time b(θ V) read off the plan solved at t = 0.
    Bayesian(bayesian::Plan),
    /// `reputation`: the time read off the Abreu–Gul schedule from a unit-exponential budget.
    Reputation(reputation::Schedule),
}

impl PartyClock {
    /// Both parties' clocks. The two-sided equilibria (`bayesian`, `reputation`) are solved here,
    /// once; validation makes both sides play them.
    pub fn compile(sc: &Scenario) -> [PartyClock; PARTIES] {
        let p = &sc.parties;
        let solved_bayes = || {
            let Strategy::Bayesian { pivot } = p[0].strategy else {
                unreachable!("validation makes both sides play bayesian")
            };
            // Side i's prior is the distribution of its type as the opponent believes it.
            let side = |i: usize| bayesian::Side {
                prior: p[1 - i].belief.as_ref().unwrap_or(&p[i].resolve),
                stake: p[i].stake,
                cost: p[i].pressure.initial,
            };
            bayesian::solve([side(0), side(1)], pivot)
        };
        let solved_reputation = || {
            let z = p.each_ref().map(|q| match q.strategy {
                Strategy::Reputation { obstinate } => obstinate,
                _ => unreachable!("validation makes both sides play reputation"),
            });
            reputation::Schedule::solve(
                [p[0].demand, p[1].demand],
                [p[0].discount_rate, p[1].discount_rate],
                z,
            )
        };
        let mut bayes = None;
        let mut schedules = None;
        std::array::from_fn(|i| match p[i].strategy {
            Strategy::Never | Strategy::TimeDependent { .. } => PartyClock::Never,
            Strategy::Immediate => PartyClock::At(0.0),
            Strategy::AtTime { t } => PartyClock::At(t),
            Strategy::Hazard { rate, growth } => PartyClock::Hazard { rate, growth },
            Strategy::Equilibrium => PartyClock::Equilibrium,
            Strategy::Threshold { fraction } => PartyClock::Threshold { fraction },
            Strategy::Bayesian { .. } => {
                let plans = bayes.get_or_insert_with(solved_bayes);
                PartyClock::Bayesian(plans[i].clone())
            }
            Strategy::Reputation { .. } => {
                PartyClock::Reputation(schedules.get_or_insert_with(solved_reputation)[i])
            }
        })
    }

    /// A hazard against a unit-exponential budget, whose firing within a gap between meetings
    /// commits the party to concede at the next meeting.
    pub fn exponential_budget(&self) -> bool {
        match self {
            PartyClock::Hazard { .. } | PartyClock::Equilibrium => true,
            PartyClock::Never
            | PartyClock::At(_)
            | PartyClock::Threshold { .. }
            | PartyClock::Bayesian(_)
            | PartyClock::Reputation(_) => false,
        }
    }
}

/// Candidates for ending the round; `priority` is the order they take effect at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ender {
    /// Time-dependent demands meet: a deal at their split.
    Meet,
    Concede(usize),
    Breakdown,
    DeadlineConcede(usize),
    DeadlineWalkOut(usize),
    GlobalDeadline,
    Horizon,
}

impl Ender {
    pub fn priority(self) -> u8 {
        match self {
            Ender::Meet => 0,
            Ender::Concede(_) => 1,
            Ender::Breakdown => 2,
            Ender::DeadlineConcede(_) => 3,
            Ender::DeadlineWalkOut(_) => 4,
            Ender::GlobalDeadline => 5,
            Ender::Horizon => 6,
        }
    }
}

/// Run a hazard clock over the piece starting at `t`: its firing time, or infinity with `spent`
/// filled in.
#[inline]
pub(super) fn run(rate: Rate, budget: f64, len: f64, t: f64, spent: &mut f64) -> f64 {
    match rate.advance(budget, len) {
        Step::Fires(u) => t + u,
        Step::Spent(x) => {
            *spent = x;
            f64::INFINITY
        }
    }
}

impl Engine<'_> {
    /// The rate of party i's exponential-budget clock on the piece starting at `t`
    /// (`Rate::ZERO` for any other clock).
    pub(super) fn budget_rate(
        &self,
        i: usize,
        lines: &Lines,
        belief: &[f64; PARTIES],
        t: f64,
    ) -> Rate {
        match self.clocks[i] {
            PartyClock::Hazard { rate, growth } => Rate::Linear {
                a: rate + growth * t,
                b: growth,
            },
            PartyClock::Equilibrium => match self.sc.talks {
                Some(talks) => {
                    let period = if t < talks.first && talks.first > 0.0 {
                        talks.first
                    } else {
                        talks.every
                    };
                    self.talks_rate(i, lines, belief, talks.every, period)
                }
                None => self.equilibrium_rate(i, lines, belief),
            },
            PartyClock::Never
            | PartyClock::At(_)
            | PartyClock::Threshold { .. }
            | PartyClock::Bayesian(_)
            | PartyClock::Reputation(_) => Rate::ZERO,
        }
    }

    /// λ_i on the current piece, from the opponent's lines and the breakdown hazard.
    fn equilibrium_rate(&self, i: usize, lines: &Lines, belief: &[f64; PARTIES]) -> Rate {
        let j = 1 - i;
        let (pi, pj) = (&self.sc.parties[i], &self.sc.parties[j]);
        equilibrium::hazard(&OpponentView {
            wbar: belief[i] * pj.stake,
            demand_self: pi.demand,
            demand_opp: pj.demand,
            discount_rate: pj.discount_rate,
            breakdown_cost: pj.breakdown_cost,
            pressure: lines[LineId::pressure(j).0].piece(),
            audience_cost: lines[LineId::audience_cost(j).0].piece(),
            leverage: lines[LineId::leverage(j).0].piece(),
            hazard: lines[LineId::HAZARD.0].piece(),
        })
    }

    /// The equilibrium under talks (`equilibrium::talks_rate`), with j's pressure at the piece's
    /// start.
    fn talks_rate(
        &self,
        i: usize,
        lines: &Lines,
        belief: &[f64; PARTIES],
        every: f64,
        period: f64,
    ) -> Rate {
        let j = 1 - i;
        let pj = &self.sc.parties[j];
        let wbar = belief[i] * pj.stake;
        let win = pj.demand * wbar;
        // A tie is a compromise: j's share of the split, or its status quo when ties pay that.
        let tie = match self.shares[Outcome::Compromise.index()] {
            Some(split) => split[j] * wbar,
            None => pj.status_quo,
        };
        let wait = lines[LineId::pressure(j).0].piece().0 * every;
        equilibrium::talks_rate(win, tie, wait, period)
    }

    /// How the global deadline shapes party i's `equilibrium` concessions from the piece starting
    /// at `t` (`None` for any other strategy, or without a deadline, or under talks, whose
    /// discrete game does not model the deadline). Lines are taken on the current piece, so
    /// events re-plan it.
    pub(super) fn deadline_terms(
        &self,
        i: usize,
        lines: &Lines,
        belief: &[f64; PARTIES],
        t: f64,
    ) -> Option<DeadlineTerms> {
        let d = self.sc.deadline?;
        if !matches!(self.clocks[i], PartyClock::Equilibrium) || self.sc.talks.is_some() {
            return None;
        }
        let j = 1 - i;
        let (pi, pj) = (&self.sc.parties[i], &self.sc.parties[j]);
        let wbar = belief[i] * pj.stake;
        // j's undiscounted payoffs at T, written out because this runs on every piece (through
        // `payoff::terms` it cost the bundled scenario about 5 %).
        let view = DeadlineView {
            at: d.at,
            breakdown_probability: d.breakdown_probability,
            win: pj.demand * wbar,
            concede: (1.0 - pi.demand) * wbar - lines[LineId::audience_cost(j).0].at(d.at),
            broken: lines[LineId::leverage(j).0].at(d.at) * wbar - pj.breakdown_cost,
            status_quo: pj.status_quo,
            pressure: lines[LineId::pressure(j).0].piece(),
        };
        Some(equilibrium::deadline(&view, t))
    }
}
