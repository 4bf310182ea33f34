//! How each strategy runs: the one place where a `Strategy` is classified (`PartyClock::compile`,
//! an exhaustive match, so a new kind cannot be forgotten), the enders that can close a round
//! (`Ender`), and the rates of the clocks that integrate a hazard against a budget.

use crate::model::{PARTIES, Scenario, Strategy};
use crate::rate::table::Table;
use crate::rate::{Rate, Step};
use crate::strategy::equilibrium::{self, Curve};
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
    /// `equilibrium`: its side of the equilibrium `Plan` (`strategy::equilibrium`): atoms and
    /// hazards against a unit-exponential budget.
    Equilibrium,
    /// `threshold`: fires when the discounted waiting cost reaches `fraction θ V`.
    Threshold { fraction: f64 },
    /// `bayesian`: the time of the round's type read off its side's curve of the equilibrium
    /// with private types solved at t = 0 (`equilibrium::pivoted`).
    Bayesian(Box<Curve>),
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
            equilibrium::pivoted(sc, pivot)
                .expect("runner::playable refuses a bayesian game its solve does not cover")
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
                PartyClock::Bayesian(Box::new(plans[i].clone()))
            }
            Strategy::Reputation { .. } => {
                PartyClock::Reputation(schedules.get_or_insert_with(solved_reputation)[i])
            }
        })
    }

    /// A hazard against a unit-exponential budget whose firing within a gap between meetings
    /// commits the party to concede at the next meeting. (`equilibrium` plans its concessions at
    /// the meetings themselves.)
    pub fn commits_between_meetings(&self) -> bool {
        match self {
            PartyClock::Hazard { .. } => true,
            PartyClock::Never
            | PartyClock::Equilibrium
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
    time(rate.advance(budget, len), t, spent)
}

/// `run` for a rate tabulated over its segment (`rate::Table`), on the piece from `v0` to `v1`
/// into the segment, which starts at `t - v0`.
#[inline]
pub(super) fn run_table(
    table: &Table,
    (v0, v1): (f64, f64),
    budget: f64,
    t: f64,
    spent: &mut f64,
) -> f64 {
    time(table.advance(v0, v1, budget), t, spent)
}

/// A step on the piece starting at `t` as a firing time, or infinity with `spent` filled in.
#[inline(always)]
fn time(step: Step, t: f64, spent: &mut f64) -> f64 {
    match step {
        Step::Fires(u) => t + u,
        Step::Spent(x) => {
            *spent = x;
            f64::INFINITY
        }
    }
}
