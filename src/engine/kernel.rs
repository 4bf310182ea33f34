//! The memoryless kernel: rounds that are one piece on which every clock is a fixed time, a
//! constant rate or a time read off a plan solved at t = 0 (`bayesian`, `reputation`). Their
//! ender is found without the general loop's scan and their payoffs settled from a per-ending
//! table, and `play_staged` plays them `STAGE` at a time (all draws, then all endings, then all
//! payoffs), each pass without branches on random data, so that the processor overlaps
//! independent rounds instead of waiting on one. The arithmetic is the general loop's, so the bits
//! are too: a property test compares the two round by round.

use std::hint::select_unpredictable;
use std::ops::Range;

use super::clock::{Ender, PartyClock};
use super::setup::{ROWS, Setup, row};
use crate::model::payoff::{self, Terms};
use crate::model::{LineId, Outcome, PARTIES, RoundResult};
use crate::rate::{self, Rate};
use crate::rng::round_rng;
use crate::strategy::reputation;

/// Rounds the kernel plays together.
pub(super) const STAGE: usize = 64;

/// A clock of a memoryless round, from t = 0 on a piece of length `len`. Every variant carries a
/// float (never is `At(inf)`): see `Rate::ZERO` for why no variant may leave its slot stale.
#[derive(Clone, Copy, Debug)]
enum Clock {
    /// Fires at a fixed time.
    At(f64),
    /// The constant-rate exponential clock: fires at `E / a` (`rate::constant_fires_at`).
    Exp(f64),
    /// A `bayesian` party: fires at its type's time on its curve.
    Bayesian,
    /// A `reputation` party: see `reputation::Schedule`.
    Reputation(reputation::Schedule),
    /// An `equilibrium` party conceding along its plan's `Curve`, which reaches this budget.
    Curve(f64),
}

impl Clock {
    const NEVER: Clock = Clock::At(f64::INFINITY);
}

/// A memoryless round's draws, in the order `Engine::play_with` makes them.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Draws {
    pub theta: [f64; PARTIES],
    pub budget_break: f64,
    pub budget: [f64; PARTIES],
    /// Uniform on [0, 1): the deadline breaks down below `deadline_breakdown` (1 if never drawn).
    pub deadline: f64,
}

/// The draws of consecutive rounds of one stream, made once and played by several engines whose
/// rounds draw the same (`Engine::shares_draws`): a tournament's pairings, which differ only in
/// the strategies, so draw each round once however many pairings play it. A memoryless engine
/// plays the draws; any other plays its rounds from the stream itself, the same numbers.
#[derive(Clone, Debug, Default)]
pub struct Stage {
    pub(super) seed: u64,
    pub(super) rounds: Range<u64>,
    pub(super) draws: Vec<Draws>,
}

/// How a memoryless round ended: when, and its entry in `Kernel::endings`.
#[derive(Clone, Copy, Debug, Default)]
struct Ending {
    tau: f64,
    entry: usize,
}

/// One way a memoryless round can end: its outcome, each party's payoff terms and the split.
#[derive(Clone, Copy, Debug)]
struct KernelEnd {
    outcome: Outcome,
    terms: [Terms<f64>; PARTIES],
    shares: [f64; PARTIES],
    split: bool,
}

/// The kernel of a scenario whose every round is memoryless.
pub(super) struct Kernel {
    /// The concession clocks of both parties and the breakdown clock.
    clocks: [Clock; 3],
    /// The ending for each candidate `k` (a's and b's concession clocks, the breakdown clock, the
    /// earliest fixed ender) at `(breaks * 2 + tie) * 4 + k`, where `breaks` says the deadline
    /// breaks down (which matters only if the fixed ender is the deadline) and `tie` that both
    /// parties concede at one instant (a compromise, if a concession ends the round).
    endings: [KernelEnd; 16],
}

impl Kernel {
    /// The kernel, if every round of the engine's scenario is memoryless.
    pub fn new(engine: &Setup) -> Option<Kernel> {
        let sc = engine.sc;
        if !engine.single_piece || sc.demands_compatible() {
            return None;
        }
        let constant = |r: Rate| match r {
            Rate::Linear { a, b: 0.0 } => Some(Clock::Exp(a)),
            _ => None,
        };
        let party = |i: usize| match &engine.clocks[i] {
            PartyClock::Never => Some(Clock::NEVER),
            PartyClock::At(t) => Some(Clock::At(t.max(0.0))),
            PartyClock::Bayesian(_) => Some(Clock::Bayesian),
            PartyClock::Reputation(s) => Some(Clock::Reputation(*s)),
            PartyClock::Hazard { .. } => constant(engine.start.rates[i]),
            // Memoryless only as one constant hazard from t = 0, with no atom.
            PartyClock::Equilibrium => {
                let plan = engine.plan.as_ref()?;
                match (&plan.curves[i], plan.sides[i].as_slice()) {
                    (Some(curve), _) => Some(Clock::Curve(curve.reach())),
                    (None, [only]) if only.atom == 0.0 && only.start == 0.0 => constant(only.rate),
                    _ => None,
                }
            }
            PartyClock::Threshold { .. } => None,
        };
        let breakdown = if engine.breakdown_possible {
            constant(engine.start.breakdown)?
        } else {
            Clock::NEVER
        };
        Some(Kernel {
            clocks: [party(0)?, party(1)?, breakdown],
            endings: endings(engine),
        })
    }
}

/// The kernel's endings, `[breaks][tie][k]` flattened (see `Kernel::endings`), with each party's
/// payoff terms `(A, B)` at the lines' initial values: exact here, where nothing moves.
fn endings(engine: &Setup) -> [KernelEnd; 16] {
    let sc = engine.sc;
    let initial = &engine.lines.initial;
    let terms: [[Terms<f64>; PARTIES]; ROWS] = std::array::from_fn(|row| {
        // The demands that met are a compromise at their own split.
        let outcome = Outcome::ALL
            .get(row)
            .copied()
            .unwrap_or(Outcome::Compromise);
        let share = engine.shares[row];
        [0, 1].map(|i| {
            let level = |id: LineId| initial[id.0].level;
            payoff::terms(
                &sc.parties[i],
                i,
                outcome,
                share.map(|s| s[i]),
                level(LineId::audience_cost(i)),
                level(LineId::leverage(i)),
            )
        })
    });
    let (at, who) = engine.fixed_end;
    let mut out = Vec::with_capacity(16);
    for breaks in [false, true] {
        let fixed = engine.ending(who, at, [f64::INFINITY; PARTIES], || breaks);
        for tie in [false, true] {
            let clock = |i: usize| match tie {
                true => Outcome::Compromise,
                false => Outcome::concession(i),
            };
            for (outcome, who) in [
                (clock(0), Ender::Concede(0)),
                (clock(1), Ender::Concede(1)),
                (Outcome::Breakdown, Ender::Breakdown),
                (fixed, who),
            ] {
                let row = row(outcome, who);
                out.push(KernelEnd {
                    outcome,
                    terms: terms[row],
                    shares: engine.shares[row].unwrap_or_default(),
                    split: engine.shares[row].is_some(),
                });
            }
        }
    }
    out.try_into().expect("16 endings")
}

impl Setup<'_> {
    /// A memoryless round: the general loop's `scan` on the one piece `[0, end]` with every
    /// clock's time known in closed form.
    #[inline(always)]
    pub(super) fn play_memoryless(&self, k: &Kernel, d: &Draws) -> RoundResult {
        self.settle_memoryless(k, d, &self.memoryless_ending(k, d))
    }

    /// Play `rounds` `STAGE` at a time: first all their draws, then all their endings, then all
    /// their payoffs, handed to `sink` in order.
    #[inline]
    pub(super) fn play_staged(
        &self,
        k: &Kernel,
        seed: u64,
        rounds: Range<u64>,
        mut sink: impl FnMut(&RoundResult),
    ) {
        let mut draws = [Draws::default(); STAGE];
        let mut start = rounds.start;
        while start < rounds.end {
            let stop = rounds.end.min(start + STAGE as u64);
            let staged = &mut draws[..(stop - start) as usize];
            self.draw_into(seed, start..stop, staged);
            self.settle_block(k, staged, &mut sink);
            start = stop;
        }
    }

    /// The draws of `play_with`, in its order (a memoryless round has no Poisson events), of
    /// `rounds` into `out`.
    #[inline(always)]
    pub(super) fn draw_into(&self, seed: u64, rounds: Range<u64>, out: &mut [Draws]) {
        for (d, r) in out.iter_mut().zip(rounds) {
            let rng = &mut round_rng(seed, r);
            let (theta, budget_break, budget) = self.first_draws(rng);
            *d = Draws {
                theta,
                budget_break,
                budget,
                deadline: self.deadline_draw(rng),
            };
        }
    }

    /// All the endings of up to `STAGE` rounds' draws, then all their results, into `sink`.
    #[inline(always)]
    pub(super) fn settle_block(
        &self,
        k: &Kernel,
        draws: &[Draws],
        sink: &mut impl FnMut(&RoundResult),
    ) {
        let mut endings = [Ending::default(); STAGE];
        for (e, d) in endings.iter_mut().zip(draws) {
            *e = self.memoryless_ending(k, d);
        }
        for (e, d) in endings.iter().zip(draws) {
            sink(&self.settle_memoryless(k, d, e));
        }
    }

    /// When a clock of a memoryless round fires (infinite if it does not before `len`).
    #[inline(always)]
    fn clock_time(&self, c: Clock, i: usize, budget: f64, len: f64, theta: f64) -> f64 {
        match c {
            Clock::At(t) => t,
            Clock::Reputation(s) => s.time(budget).map_or(f64::INFINITY, |at| at.max(0.0)),
            Clock::Bayesian => match &self.clocks[i] {
                PartyClock::Bayesian(curve) => curve.type_time(theta).max(0.0),
                PartyClock::Never
                | PartyClock::At(_)
                | PartyClock::Hazard { .. }
                | PartyClock::Equilibrium
                | PartyClock::Threshold { .. }
                | PartyClock::Reputation(_) => unreachable!("a bayesian clock has a plan"),
            },
            Clock::Exp(a) => rate::constant_fires_at(a, budget, len),
            Clock::Curve(last) => match self.plan.as_ref().and_then(|p| p.curves[i].as_ref()) {
                Some(curve) if budget <= last => curve.time(budget),
                _ => f64::INFINITY,
            },
        }
    }

    /// How a memoryless round ends.
    #[inline(always)]
    fn memoryless_ending(&self, k: &Kernel, d: &Draws) -> Ending {
        let end = self.end;
        let c = [
            self.clock_time(k.clocks[0], 0, d.budget[0], end, d.theta[0]),
            self.clock_time(k.clocks[1], 1, d.budget[1], end, d.theta[1]),
            self.clock_time(k.clocks[2], 2, d.budget_break, end, 0.0),
        ];
        // The earliest, and at one instant the first in the order a's concession, b's, the
        // breakdown, the fixed ender: a knockout of two pairs, each won by the first on a tie.
        // `if x < y { x } else { y }` is one `minsd` and an integer select a `cmov`, so there is
        // no branch (a float select would be one) and the chain is short. The fixed ender is
        // never after `end`, so no clock past `end` is taken; no clock is NaN (each is a
        // positive division or ends in `max(0.0)`).
        let fixed = self.fixed_end.0;
        let (t01, k01) = (
            if c[1] < c[0] { c[1] } else { c[0] },
            (c[1] < c[0]) as usize,
        );
        let (t2f, k2f) = (
            if fixed < c[2] { fixed } else { c[2] },
            2 + (fixed < c[2]) as usize,
        );
        let tau = if t2f < t01 { t2f } else { t01 };
        let k = select_unpredictable(t2f < t01, k2f, k01);
        let breaks = (d.deadline < self.deadline_breakdown) as usize;
        let tie = (c[0] == c[1]) as usize;
        Ending {
            tau,
            entry: (breaks * 2 + tie) * 4 + k,
        }
    }

    /// A memoryless round's result from its draws and its ending.
    #[inline(always)]
    fn settle_memoryless(&self, k: &Kernel, d: &Draws, e: &Ending) -> RoundResult {
        let (tau, end) = (e.tau, &k.endings[e.entry]);
        let mut cost = [0.0; PARTIES];
        for (i, c) in cost.iter_mut().enumerate() {
            if self.pressured[i] {
                *c += self.cost_between(i, &self.lines.initial, 0.0, tau);
            }
        }
        let p = &self.sc.parties;
        let pay = |i: usize| payoff::settle(&p[i], end.terms[i], tau, d.theta[i], cost[i]);
        RoundResult {
            outcome: end.outcome,
            time: tau,
            payoff: [pay(0), pay(1)],
            cost,
            shares: end.shares,
            split: end.split,
        }
    }
}
