//! The engine: one round of the game as a discrete-event simulation in continuous time
//! (MODEL.md section 7). There is no time step.
//!
//! `Engine` holds what is fixed for a scenario (event order, believed values); `Engine::play`
//! runs one round. A round is a sequence of *pieces*: stretches between events and the points
//! where a line hits its clamp, on which every quantity is linear. On each piece every clock
//! (concessions, the breakdown hazard) is a `Rate` integrated against a budget: a unit
//! exponential for hazards, the remaining cost for `threshold`. A clock that does not fire keeps
//! its unused budget into the next piece, which is exact by the Markov property.
//!
//! At one instant the order is: events, then concessions, then the breakdown hazard, then party
//! deadlines (giving in before walking out), then the global deadline, then the horizon.
//!
//! Two shortcuts play the same rounds with less work, decided once per scenario: with no events
//! and no moving lines a round is one piece (no loop); if moreover every clock is a fixed time, a
//! constant rate or a time read off a plan solved at t = 0 (`bayesian`, `reputation`), the
//! memoryless kernel finds the ender without the scan and settles payoffs from a per-outcome
//! table. `Engine::play_rounds` plays such rounds in stages of `STAGE`: all their draws, then all
//! their endings, then all their payoffs, each pass without branches on random data, so that the
//! processor overlaps independent rounds instead of waiting on one. A property test checks both
//! shortcuts, and the stages, against the general loop, bit for bit.

pub mod rate;

use std::hint::select_unpredictable;
use std::ops::Range;

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use crate::model::payoff::{self, EndState};
use crate::model::{DeadlineAction, EventTiming, LineId, Outcome, PARTIES, Scenario, Target};
use crate::rng::{RoundRng, round_rng};
use crate::strategy::Strategy;
use crate::strategy::bayesian;
use crate::strategy::equilibrium::{self, OpponentView};
use crate::strategy::time_dependent::{self, DemandPath};
use rate::{Rate, Step};

/// What one round produced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoundResult {
    pub outcome: Outcome,
    /// When the round ended.
    pub time: f64,
    pub payoff: [f64; PARTIES],
    /// Discounted waiting cost D_i(τ).
    pub cost: [f64; PARTIES],
    /// Shares of the pie if the round ended in a split of it (`split`), else zeros: a plain
    /// array, so that consumers read it without a branch on `split`.
    pub shares: [f64; PARTIES],
    pub split: bool,
}

impl RoundResult {
    /// The shares of the pie, for agreements that split it.
    pub fn share(&self) -> Option<[f64; PARTIES]> {
        self.split.then_some(self.shares)
    }
}

/// Per-round working memory, kept by the runner for a whole batch: the lines (of which a round
/// resets only those it can change) and the Poisson event clocks.
#[derive(Clone, Debug)]
pub struct Scratch {
    lines: [LineState; LineId::COUNT],
    next: Vec<f64>,
    fired: Vec<u32>,
}

/// A scenario prepared for playing rounds.
pub struct Engine<'a> {
    sc: &'a Scenario,
    /// Scheduled events as `(time, index into sc.events)`, by time (ties in file order).
    scheduled: Vec<(f64, usize)>,
    /// Poisson events.
    poisson: Vec<Poisson>,
    /// The mean of each party's belief about the opponent's type, at the start of a round.
    initial_belief: [f64; PARTIES],
    end: f64,
    /// Every line at t = 0.
    initial_lines: [LineState; LineId::COUNT],
    /// The lines that move over a round (a growth, or an event that sets one); only these can
    /// reach a clamp, so only these split pieces.
    moving: Vec<usize>,
    /// The lines a round can change at all (moving, or the target of an event): reset per round.
    mutable: Vec<usize>,
    /// The clocks' rates on the first piece of a round that no event has touched yet: the same
    /// in every round, so computed once.
    start_rates: [Rate; PARTIES],
    start_deadline_terms: [Option<(f64, f64, f64)>; PARTIES],
    start_breakdown: Rate,
    /// The earliest of the deterministic enders (party deadlines, the global deadline, the
    /// horizon), by time and then by their order at one instant.
    fixed_end: (f64, Ender),
    /// Whether the breakdown hazard can ever be positive, and each party's pressure.
    breakdown_possible: bool,
    pressured: [bool; PARTIES],
    /// The split of the pie for each outcome, and at `MET` where time-dependent demands meet
    /// (the meeting itself is among the fixed enders).
    shares: [Option<[f64; PARTIES]>; ROWS],
    /// No events and no moving lines: every round is one piece, played without the loop.
    single_piece: bool,
    /// One piece on which every clock is a fixed time, a constant rate or read off a plan: the
    /// concession clocks of both parties and the breakdown clock, played without the scan.
    memoryless: Option<[Clock; 3]>,
    /// The memoryless kernel's ending for each candidate `k` (a's and b's concession clocks,
    /// the breakdown clock, the earliest fixed ender) at `(breaks * 2 + tie) * 4 + k`, where
    /// `breaks` says the deadline breaks down (which matters only if the fixed ender is the
    /// deadline) and `tie` that both parties concede at one instant (a compromise, if a
    /// concession ends the round: `ending`).
    endings: [KernelEnd; 16],
    /// The deadline's breakdown probability (0 without one).
    deadline_breakdown: f64,
    /// The Bayesian stopping rule b(v) of each `bayesian` party.
    bayes: [Option<bayesian::Plan>; PARTIES],
    /// Abreu–Gul concession times from a unit-exponential budget E, per party:
    /// `(λ_i, ln c_i, -ln z_i)`; see `reputation_time`.
    reputation: [(f64, f64, f64); PARTIES],
}

#[derive(Clone, Copy, Debug)]
struct Poisson {
    event: usize,
    rate: f64,
    max: u32,
}

/// A tracked line during a round: `value(t) = clamp(level + slope (t - t0))`.
#[derive(Clone, Copy, Debug)]
struct LineState {
    t0: f64,
    level: f64,
    slope: f64,
    lo: f64,
    hi: f64,
}

impl LineState {
    #[inline]
    fn at(&self, t: f64) -> f64 {
        if self.slope == 0.0 {
            return self.level;
        }
        let v = self.level + self.slope * (t - self.t0);
        // Not f64::clamp, which checks its bounds on every call: lo <= hi by construction.
        if v < self.lo {
            self.lo
        } else if v > self.hi {
            self.hi
        } else {
            v
        }
    }

    /// Slope actually in effect from `t0` on (0 while pinned at a bound).
    #[inline]
    fn effective_slope(&self) -> f64 {
        if (self.slope < 0.0 && self.level <= self.lo)
            || (self.slope > 0.0 && self.level >= self.hi)
        {
            0.0
        } else {
            self.slope
        }
    }

    /// When the line reaches a bound, if it is moving towards one.
    #[inline]
    fn next_clamp(&self) -> f64 {
        if self.slope < 0.0 && self.level > self.lo {
            self.t0 + (self.level - self.lo) / -self.slope
        } else if self.slope > 0.0 && self.level < self.hi {
            self.t0 + (self.hi - self.level) / self.slope
        } else {
            f64::INFINITY
        }
    }

    /// Re-anchor at `t`. At the clamp time itself land exactly on the bound, so that the next
    /// piece sees the line pinned rather than a rounding error away from it.
    #[inline]
    fn rebase(&mut self, t: f64) {
        let hit = t >= self.next_clamp();
        let v = self.at(t);
        self.level = if hit {
            if self.slope < 0.0 { self.lo } else { self.hi }
        } else {
            v
        };
        self.t0 = t;
    }

    /// `(value at t0, effective slope)`: the line on the current piece.
    #[inline]
    fn piece(&self) -> (f64, f64) {
        (self.level, self.effective_slope())
    }
}

fn breakdown_rate(lines: &[LineState; LineId::COUNT]) -> Rate {
    let (h0, h1) = lines[LineId::HAZARD.0].piece();
    Rate::Linear { a: h0, b: h1 }
}

/// What one piece's clocks say: the earliest ender (infinite time if none falls on the piece),
/// when each party would concede, and the budgets the clocks used.
struct PieceScan {
    best: (f64, Ender),
    conceding_at: [f64; PARTIES],
    spent_conc: [f64; PARTIES],
    spent_break: f64,
}

/// Candidates for ending the round; `priority` is the order they take effect at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ender {
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
    fn priority(self) -> u8 {
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

/// Rounds the memoryless kernel plays together (`Engine::play_rounds`).
const STAGE: usize = 64;

/// A memoryless round's draws, in the order `play_with` makes them.
#[derive(Clone, Copy, Debug, Default)]
struct Draws {
    theta: [f64; PARTIES],
    budget_break: f64,
    budget: [f64; PARTIES],
    /// Uniform on [0, 1): the deadline breaks down below `deadline_breakdown` (1 if never drawn).
    deadline: f64,
}

/// How a memoryless round ended: when, and its entry in `Engine::endings`.
#[derive(Clone, Copy, Debug, Default)]
struct Ending {
    tau: f64,
    entry: usize,
}

/// One way a memoryless round can end: its outcome, each party's payoff terms and the split.
#[derive(Clone, Copy, Debug)]
struct KernelEnd {
    outcome: Outcome,
    terms: [(f64, f64); PARTIES],
    shares: [f64; PARTIES],
    split: bool,
}

impl Default for KernelEnd {
    fn default() -> Self {
        KernelEnd {
            outcome: Outcome::Horizon,
            terms: [(0.0, 0.0); PARTIES],
            shares: [0.0; PARTIES],
            split: false,
        }
    }
}

/// When an Abreu–Gul party concedes, from its unit-exponential budget `e` and its
/// `(λ_i, ln c_i, -ln z_i)`: the unconditional survival `c e^{-λ t}` on `[0, T0]` (the opponent's
/// view: constant hazard λ, an atom `1 - c` at 0) down to `z`, the obstinate type that never
/// concedes. So: at 0 if `e < -ln c`, at `(e + ln c) / λ` if `e < -ln z`, never otherwise.
#[inline(always)]
fn reputation_time((lambda, ln_c, cap): (f64, f64, f64), e: f64) -> Option<f64> {
    if e >= cap {
        None
    } else if e < -ln_c {
        Some(0.0)
    } else {
        Some((e + ln_c) / lambda)
    }
}

/// A clock of a memoryless round, from t = 0 on a piece of length `len`. Every variant carries a
/// float (never is `At(inf)`): see `Rate::ZERO` for why no variant may leave its slot stale.
#[derive(Clone, Copy, Debug)]
enum Clock {
    /// Fires at a fixed time.
    At(f64),
    /// The constant-rate exponential clock: fires at `E / a` (`rate::constant_fires_at`).
    Exp(f64),
    /// A `bayesian` party with this stake: fires at b(θ x stake), from its plan.
    Bayesian(f64),
    /// A `reputation` party with these `(λ, ln c, -ln z)`: see `reputation_time`.
    Reputation((f64, f64, f64)),
}

impl Clock {
    const NEVER: Clock = Clock::At(f64::INFINITY);

    #[inline(always)]
    fn time(self, budget: f64, len: f64, plan: Option<&bayesian::Plan>, theta: f64) -> f64 {
        match self {
            Clock::At(t) => t,
            Clock::Reputation(params) => {
                reputation_time(params, budget).map_or(f64::INFINITY, |at| at.max(0.0))
            }
            Clock::Bayesian(stake) => match plan {
                Some(plan) => plan.stop_time(theta * stake).max(0.0),
                None => unreachable!("a plan is made for every bayesian party"),
            },
            Clock::Exp(a) => rate::constant_fires_at(a, budget, len),
        }
    }
}

impl<'a> Engine<'a> {
    pub fn new(sc: &'a Scenario) -> Engine<'a> {
        let mut scheduled = Vec::new();
        let mut poisson = Vec::new();
        for (event, e) in sc.events.iter().enumerate() {
            match e.when {
                EventTiming::At(t) => scheduled.push((t, event)),
                EventTiming::Poisson { rate, max } => poisson.push(Poisson {
                    event,
                    rate,
                    max: max.unwrap_or(u32::MAX),
                }),
            }
        }
        scheduled.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let initial_belief = [0, 1].map(|i| sc.believed_type(i));
        let initial_lines = std::array::from_fn(|k| {
            let id = LineId(k);
            let (l, d) = (sc.line(id), id.domain());
            LineState {
                t0: 0.0,
                level: d.clamp(l.initial),
                slope: l.growth,
                lo: d.lo(),
                hi: d.hi(),
            }
        });
        let slope_set_by_event = |k: usize| {
            sc.events.iter().flat_map(|e| &e.effects).any(|f| {
                f.target
                    == Target::Line {
                        line: LineId(k),
                        growth: true,
                    }
            })
        };
        let moving: Vec<usize> = (0..LineId::COUNT)
            .filter(|&k| sc.line(LineId(k)).growth != 0.0 || slope_set_by_event(k))
            .collect();
        let targeted = |k: usize| {
            sc.events
                .iter()
                .flat_map(|e| &e.effects)
                .any(|f| matches!(f.target, Target::Line { line, .. } if line.0 == k))
        };
        let mutable = (0..LineId::COUNT)
            .filter(|&k| moving.contains(&k) || targeted(k))
            .collect();
        let mut engine = Engine {
            sc,
            scheduled,
            poisson,
            initial_belief,
            end: sc.end_time(),
            initial_lines,
            moving,
            mutable,
            start_rates: [Rate::ZERO; PARTIES],
            start_deadline_terms: [None; PARTIES],
            start_breakdown: breakdown_rate(&initial_lines),
            fixed_end: (f64::INFINITY, Ender::Horizon),
            breakdown_possible: false,
            pressured: [false; PARTIES],
            shares: [None; ROWS],
            single_piece: false,
            memoryless: None,
            endings: [KernelEnd::default(); 16],
            deadline_breakdown: sc.deadline.map_or(0.0, |d| d.breakdown_probability),
            reputation: [(0.0, 0.0, 0.0); PARTIES],
            bayes: [None, None],
        };
        if let Strategy::Bayesian { pivot } = sc.parties[0].strategy {
            // Validation makes both sides play it with one pivot. Side i's prior is the
            // distribution of its type as the opponent believes it.
            let side = |i: usize| bayesian::Side {
                prior: sc.parties[1 - i]
                    .belief
                    .as_ref()
                    .unwrap_or(&sc.parties[i].resolve),
                stake: sc.parties[i].stake,
                cost: sc.parties[i].pressure.initial,
            };
            engine.bayes = bayesian::solve([side(0), side(1)], pivot).map(Some);
        }
        if let [
            Strategy::Reputation { obstinate: za },
            Strategy::Reputation { obstinate: zb },
        ] = sc.parties.each_ref().map(|q| q.strategy)
        {
            // λ_i = r_j (1 - α_i) / (α_i + α_j - 1); reputation z_i e^{λ_i t} reaches 1 at
            // T_i = -ln z_i / λ_i; both finish at T0 = min T_i, the slower side conceding at 0 with
            // 1 - c_i, c_i = z_i e^{λ_i T0}.
            let p = &sc.parties;
            let excess = p[0].demand + p[1].demand - 1.0;
            let z = [za, zb];
            let lambda = [0, 1].map(|i| p[1 - i].discount_rate * (1.0 - p[i].demand) / excess);
            let t0 = (-z[0].ln() / lambda[0]).min(-z[1].ln() / lambda[1]);
            engine.reputation = [0, 1].map(|i| (lambda[i], z[i].ln() + lambda[i] * t0, -z[i].ln()));
        }
        let mut fixed: Vec<(f64, Ender)> = Vec::new();
        let paths = sc.parties.each_ref().map(|q| match q.strategy {
            Strategy::TimeDependent { e, reservation, by } => DemandPath::Falling {
                demand: q.demand,
                reservation,
                e,
                by,
            },
            _ => DemandPath::Fixed(q.demand),
        });
        let any_falling = paths
            .iter()
            .any(|p| matches!(p, DemandPath::Falling { .. }));
        if let Some((t, split)) = any_falling
            .then(|| time_dependent::meeting(paths))
            .flatten()
        {
            fixed.push((t, Ender::Meet));
            engine.shares[MET] = Some(split);
        }
        for (i, q) in sc.parties.iter().enumerate() {
            if let Some(d) = q.deadline {
                fixed.push((
                    d.at,
                    match d.action {
                        DeadlineAction::Concede => Ender::DeadlineConcede(i),
                        DeadlineAction::WalkOut => Ender::DeadlineWalkOut(i),
                    },
                ));
            }
        }
        if let Some(d) = sc.deadline {
            fixed.push((d.at, Ender::GlobalDeadline));
        }
        if let Some(h) = sc.simulation.horizon {
            fixed.push((h, Ender::Horizon));
        }
        engine.fixed_end = fixed
            .into_iter()
            .min_by(|a, b| {
                a.0.total_cmp(&b.0)
                    .then(a.1.priority().cmp(&b.1.priority()))
            })
            .expect("validation requires a deadline or a horizon");
        let can_move = |id: LineId| sc.line(id).initial != 0.0 || engine.mutable.contains(&id.0);
        engine.breakdown_possible = can_move(LineId::HAZARD);
        engine.pressured = [0, 1].map(|i| can_move(LineId::pressure(i)));
        let demand = [sc.parties[0].demand, sc.parties[1].demand];
        for o in Outcome::ALL {
            engine.shares[o.index()] = payoff::shares(o, demand, sc.simultaneous);
        }
        engine.single_piece =
            sc.events.is_empty() && engine.mutable.is_empty() && sc.talks.is_none();
        engine.start_rates =
            [0, 1].map(|i| engine.budget_rate(i, &initial_lines, &initial_belief, 0.0));
        engine.start_deadline_terms =
            [0, 1].map(|i| engine.deadline_terms(i, &initial_lines, &initial_belief, 0.0));
        engine.memoryless = engine.memoryless_clocks();
        // Each party's payoff terms `(a, b)` per row of `shares`, with the lines at their
        // initial values: exact for the memoryless kernel, where nothing moves.
        let terms: [[(f64, f64); PARTIES]; ROWS] = std::array::from_fn(|row| {
            // The demands that met are a compromise at their own split.
            let outcome = Outcome::ALL
                .get(row)
                .copied()
                .unwrap_or(Outcome::Compromise);
            let share = engine.shares[row];
            [0, 1].map(|i| {
                let level = |id: LineId| initial_lines[id.0].level;
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
        // The kernel's endings, `[breaks][tie][k]` flattened (see `endings`).
        let (at, who) = engine.fixed_end;
        let mut endings = Vec::new();
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
                    endings.push(KernelEnd {
                        outcome,
                        terms: terms[row],
                        shares: engine.shares[row].unwrap_or_default(),
                        split: engine.shares[row].is_some(),
                    });
                }
            }
        }
        engine.endings = endings.try_into().expect("16 endings");
        engine
    }

    /// The clocks of a memoryless round (see `Clock`), if every round is one.
    fn memoryless_clocks(&self) -> Option<[Clock; 3]> {
        if !self.single_piece || self.sc.demands_compatible() {
            return None;
        }
        let constant = |r: Rate| match r {
            Rate::Linear { a, b: 0.0 } => Some(Clock::Exp(a)),
            _ => None,
        };
        let party = |i: usize| match self.sc.parties[i].strategy {
            Strategy::Never | Strategy::TimeDependent { .. } => Some(Clock::NEVER),
            Strategy::Bayesian { .. } => Some(Clock::Bayesian(self.sc.parties[i].stake)),
            Strategy::Reputation { .. } => Some(Clock::Reputation(self.reputation[i])),
            Strategy::Immediate => Some(Clock::At(0.0)),
            Strategy::AtTime { t } => Some(Clock::At(t.max(0.0))),
            Strategy::Hazard { .. } | Strategy::Equilibrium => match self.start_deadline_terms[i] {
                None => constant(self.start_rates[i]),
                Some(_) => None,
            },
            _ => None,
        };
        let breakdown = if self.breakdown_possible {
            constant(self.start_breakdown)?
        } else {
            Clock::NEVER
        };
        Some([party(0)?, party(1)?, breakdown])
    }

    pub fn scenario(&self) -> &Scenario {
        self.sc
    }

    /// The clocks' rates on a round's first piece, before any event: each party's
    /// exponential-budget clock (`Rate::ZERO` for other strategies) and the breakdown hazard.
    pub fn first_piece_rates(&self) -> ([Rate; PARTIES], Rate) {
        (self.start_rates, self.start_breakdown)
    }

    /// The same engine without the one-piece shortcut: every round goes through the general
    /// loop. For tests that the shortcut changes nothing.
    #[doc(hidden)]
    pub fn without_shortcuts(mut self) -> Self {
        self.single_piece = false;
        self.memoryless = None;
        self
    }

    pub fn scratch(&self) -> Scratch {
        Scratch {
            lines: self.initial_lines,
            next: vec![0.0; self.poisson.len()],
            fired: vec![0; self.poisson.len()],
        }
    }

    /// Play round `round` of a run seeded with `seed`.
    pub fn play(&self, seed: u64, round: u64, scratch: &mut Scratch) -> RoundResult {
        let mut rng = round_rng(seed, round);
        self.play_with(&mut rng, scratch)
    }

    /// Play rounds `rounds` of a run seeded with `seed`, in order, handing each result to
    /// `sink`. The same results as `play`, round by round; memoryless rounds are played `STAGE`
    /// at a time, first all their draws, then all their endings, then all their payoffs, so
    /// that the processor overlaps the rounds' independent work.
    #[inline]
    pub fn play_rounds(
        &self,
        seed: u64,
        rounds: Range<u64>,
        scratch: &mut Scratch,
        mut sink: impl FnMut(&RoundResult),
    ) {
        let Some(clocks) = &self.memoryless else {
            for r in rounds {
                sink(&self.play(seed, r, scratch));
            }
            return;
        };
        let mut draws = [Draws::default(); STAGE];
        let mut endings = [Ending::default(); STAGE];
        let mut start = rounds.start;
        while start < rounds.end {
            let stop = rounds.end.min(start + STAGE as u64);
            let staged = &mut draws[..(stop - start) as usize];
            // The draws of `play_with`, in its order (a memoryless round has no Poisson events).
            for (d, r) in staged.iter_mut().zip(start..stop) {
                let rng = &mut round_rng(seed, r);
                let (theta, budget_break, budget) = self.first_draws(rng);
                *d = Draws {
                    theta,
                    budget_break,
                    budget,
                    deadline: self.deadline_draw(rng),
                };
            }
            for (e, d) in endings.iter_mut().zip(staged.iter()) {
                *e = self.memoryless_ending(clocks, d);
            }
            for (e, d) in endings.iter().zip(staged.iter()) {
                sink(&self.settle_memoryless(d, e));
            }
            start = stop;
        }
    }

    /// Play one round from a given stream. The draws are made in a fixed order whatever the
    /// strategies: θ for each party, a unit exponential for the breakdown clock and for each
    /// party's concession clock, the first gap of each Poisson event; later gaps and the deadline
    /// draw come as the round needs them. Keeping the order fixed gives common random numbers
    /// across strategies.
    pub fn play_with(&self, rng: &mut RoundRng, scratch: &mut Scratch) -> RoundResult {
        let sc = self.sc;
        let p = &sc.parties;
        let (mut theta, mut budget_break, mut budget) = self.first_draws(rng);

        if sc.demands_compatible() {
            let state = |i: usize| EndState {
                resolve: theta[i],
                cost: 0.0,
                audience_cost: 0.0,
                leverage: 0.0,
            };
            let compromise = Outcome::Compromise;
            return self.finish(compromise, 0.0, [state(0), state(1)], compromise.index());
        }

        for (k, ev) in self.poisson.iter().enumerate() {
            let gap: f64 = Exp1.sample(rng);
            scratch.next[k] = gap / ev.rate;
            scratch.fired[k] = 0;
        }

        if let Some(clocks) = &self.memoryless {
            let draws = Draws {
                theta,
                budget_break,
                budget,
                deadline: self.deadline_draw(rng),
            };
            return self.play_memoryless(clocks, &draws);
        }
        if self.single_piece {
            // Nothing changes during the round: it is one piece, [0, end].
            let lines = &self.initial_lines;
            let (cost, inf) = ([0.0; PARTIES], f64::INFINITY);
            let scan = self.scan(
                0.0,
                self.end,
                inf,
                true,
                lines,
                &theta,
                &self.initial_belief,
                &cost,
                &budget,
                budget_break,
                &[f64::INFINITY; PARTIES],
            );
            return self.conclude(&scan, 0.0, lines, cost, theta, rng);
        }
        if let Some(talks) = sc.talks {
            // A meeting at t = 0 is the end of a period that has already passed: its share of
            // the equilibrium clock is spent at once (and fires there if the budget runs out).
            if talks.first == 0.0 {
                for i in 0..PARTIES {
                    if let (Strategy::Equilibrium, Rate::Linear { a, .. }) =
                        (p[i].strategy, self.start_rates[i])
                    {
                        budget[i] -= a * talks.every;
                    }
                }
            }
        }
        for &k in &self.mutable {
            scratch.lines[k] = self.initial_lines[k];
        }
        let lines = &mut scratch.lines;
        let mut belief = self.initial_belief;
        let mut pending = [f64::INFINITY; PARTIES];
        let mut cost = [0.0; PARTIES];
        let mut t = 0.0;
        let mut next_sched = 0;
        loop {
            let mut pristine = t == 0.0;
            // Events due now, scheduled in order, then Poisson.
            while let Some(&(at, e)) = self.scheduled.get(next_sched) {
                if at > t {
                    break;
                }
                self.apply(e, t, lines, &mut theta, &mut belief);
                pristine = false;
                next_sched += 1;
            }
            for (k, ev) in self.poisson.iter().enumerate() {
                while scratch.next[k] <= t && scratch.fired[k] < ev.max {
                    self.apply(ev.event, t, lines, &mut theta, &mut belief);
                    pristine = false;
                    scratch.fired[k] += 1;
                    let gap: f64 = Exp1.sample(rng);
                    scratch.next[k] += gap / ev.rate;
                }
            }

            // The piece [t, t1]: up to the next event, clamp or the end.
            let mut t_event = self
                .scheduled
                .get(next_sched)
                .map_or(f64::INFINITY, |e| e.0);
            for (k, ev) in self.poisson.iter().enumerate() {
                if scratch.fired[k] < ev.max {
                    t_event = t_event.min(scratch.next[k]);
                }
            }
            let mut t1 = t_event.min(self.end);
            if let Some(talks) = sc.talks.filter(|k| t < k.first) {
                t1 = t1.min(talks.first);
            }
            for &k in &self.moving {
                t1 = t1.min(lines[k].next_clamp());
            }

            let scan = self.scan(
                t,
                t1,
                t_event,
                pristine,
                lines,
                &theta,
                &belief,
                &cost,
                &budget,
                budget_break,
                &pending,
            );
            if scan.best.0.is_finite() {
                return self.conclude(&scan, t, lines, cost, theta, rng);
            }
            let PieceScan {
                spent_conc,
                spent_break,
                conceding_at,
                ..
            } = scan;
            // An exponential-budget clock that fired on this piece has decided: its concession
            // takes effect later (at a meeting) whatever happens meanwhile. Deterministic rules are
            // simply evaluated again on the next piece, with whatever the events changed.
            for i in 0..PARTIES {
                let budgeted = matches!(
                    p[i].strategy,
                    Strategy::Hazard { .. } | Strategy::Equilibrium
                );
                if budgeted && conceding_at[i].is_finite() {
                    pending[i] = conceding_at[i];
                }
            }

            // Nothing ended the round on this piece: carry everything to t1.
            for i in 0..PARTIES {
                if self.pressured[i] {
                    cost[i] += self.cost_between(i, lines, t, t1);
                }
                budget[i] -= spent_conc[i];
            }
            budget_break -= spent_break;
            for &k in &self.moving {
                lines[k].rebase(t1);
            }
            t = t1;
        }
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

    /// A memoryless round: `scan` on the one piece `[0, end]` with every clock's time known in
    /// closed form (the same arithmetic, so the same bits: a property test compares the two).
    /// Written without branches on the draws, which no predictor can guess.
    #[inline(always)]
    fn play_memoryless(&self, clocks: &[Clock; 3], d: &Draws) -> RoundResult {
        self.settle_memoryless(d, &self.memoryless_ending(clocks, d))
    }

    /// How a memoryless round ends.
    #[inline(always)]
    fn memoryless_ending(&self, clocks: &[Clock; 3], d: &Draws) -> Ending {
        let end = self.end;
        let party = |i: usize| clocks[i].time(d.budget[i], end, self.bayes[i].as_ref(), d.theta[i]);
        let c = [
            party(0),
            party(1),
            clocks[2].time(d.budget_break, end, None, 0.0),
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
    fn settle_memoryless(&self, d: &Draws, e: &Ending) -> RoundResult {
        let (tau, end) = (e.tau, &self.endings[e.entry]);
        let mut cost = [0.0; PARTIES];
        for (i, c) in cost.iter_mut().enumerate() {
            if self.pressured[i] {
                *c += self.cost_between(i, &self.initial_lines, 0.0, tau);
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

    /// Every candidate's time on the piece `[t, t1]` (infinite when it does not fall there; only
    /// before `t_event` counts, as events come first), and the earliest by time and then by the
    /// order at one instant. `pristine`: no event has happened yet and `t = 0`, so the clocks'
    /// rates are the precomputed ones.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn scan(
        &self,
        t: f64,
        t1: f64,
        t_event: f64,
        pristine: bool,
        lines: &[LineState; LineId::COUNT],
        theta: &[f64; PARTIES],
        belief: &[f64; PARTIES],
        cost: &[f64; PARTIES],
        budget: &[f64; PARTIES],
        budget_break: f64,
        pending: &[f64; PARTIES],
    ) -> PieceScan {
        let p = &self.sc.parties;
        let len = t1 - t;
        let mut best = (f64::INFINITY, Ender::Horizon);
        let mut consider = |time: f64, who: Ender| {
            if time <= t1
                && time < t_event
                && (time < best.0 || (time == best.0 && who.priority() < best.1.priority()))
            {
                best = (time, who);
            }
        };
        // The deterministic enders are known in advance: start from the earliest of them.
        consider(self.fixed_end.0, self.fixed_end.1);
        let mut spent_conc = [0.0; PARTIES];
        let mut conceding_at = [f64::INFINITY; PARTIES];
        for i in 0..PARTIES {
            if pending[i].is_finite() {
                // Conceded already; it takes effect at this meeting.
                conceding_at[i] = pending[i];
                consider(pending[i], Ender::Concede(i));
                continue;
            }
            let time = match p[i].strategy {
                // A time-dependent party never concedes outright; its deal is the meeting.
                Strategy::Never | Strategy::TimeDependent { .. } => continue,
                Strategy::Immediate => 0.0,
                Strategy::AtTime { t: at } => at.max(t),
                Strategy::Hazard { .. } | Strategy::Equilibrium => {
                    let (r, terms) = if pristine {
                        (self.start_rates[i], self.start_deadline_terms[i])
                    } else {
                        (
                            self.budget_rate(i, lines, belief, t),
                            self.deadline_terms(i, lines, belief, t),
                        )
                    };
                    match terms {
                        None => self.clock(r, budget[i], len, t, &mut spent_conc[i]),
                        Some((stop, atom, at)) => {
                            // The hazard runs only until `stop`; at the deadline the leftover
                            // unit-exponential budget decides the atom: P(E' < -ln(1 - q)) = q.
                            let active = (stop.min(t1) - t).max(0.0);
                            let time = self.clock(r, budget[i], active, t, &mut spent_conc[i]);
                            if time.is_finite() {
                                time
                            } else if t1 >= at && budget[i] - spent_conc[i] < -(-atom).ln_1p() {
                                at
                            } else {
                                continue;
                            }
                        }
                    }
                }
                Strategy::Bayesian { .. } => match &self.bayes[i] {
                    Some(plan) => plan.stop_time(theta[i] * p[i].stake).max(t),
                    None => unreachable!("a plan is made for every bayesian party"),
                },
                Strategy::Reputation { .. } => match reputation_time(self.reputation[i], budget[i])
                {
                    Some(at) => at.max(t),
                    None => continue,
                },
                Strategy::Threshold { fraction } => {
                    let remaining = fraction * theta[i] * p[i].stake - cost[i];
                    let (c0, c1) = lines[LineId::pressure(i).0].piece();
                    let r_i = p[i].discount_rate;
                    let w = if r_i == 0.0 { 1.0 } else { (-r_i * t).exp() };
                    let r = Rate::discounted(w, r_i, c0, c1);
                    self.clock(r, remaining, len, t, &mut 0.0)
                }
            };
            // Under talks a concession takes effect at the next meeting.
            let time = match self.sc.talks {
                Some(talks) => talks.next_meeting(time),
                None => time,
            };
            conceding_at[i] = time;
            consider(time, Ender::Concede(i));
        }
        let mut spent_break = 0.0;
        if self.breakdown_possible {
            let breakdown = if pristine {
                self.start_breakdown
            } else {
                breakdown_rate(lines)
            };
            let tb = self.clock(breakdown, budget_break, len, t, &mut spent_break);
            consider(tb, Ender::Breakdown);
        }
        PieceScan {
            best,
            conceding_at,
            spent_conc,
            spent_break,
        }
    }

    /// End the round as `scan` found, on the piece that started at `t`.
    #[inline(always)]
    fn conclude(
        &self,
        scan: &PieceScan,
        t: f64,
        lines: &[LineState; LineId::COUNT],
        mut cost: [f64; PARTIES],
        theta: [f64; PARTIES],
        rng: &mut RoundRng,
    ) -> RoundResult {
        let (tau, who) = scan.best;
        let breaks = || self.deadline_draw(rng) < self.deadline_breakdown;
        let ended = self.ending(who, tau, scan.conceding_at, breaks);
        for (i, c) in cost.iter_mut().enumerate() {
            if self.pressured[i] {
                *c += self.cost_between(i, lines, t, tau);
            }
        }
        let state = |i: usize| EndState {
            resolve: theta[i],
            cost: cost[i],
            audience_cost: lines[LineId::audience_cost(i).0].at(tau),
            leverage: lines[LineId::leverage(i).0].at(tau),
        };
        self.finish(ended, tau, [state(0), state(1)], row(ended, who))
    }

    /// How the global deadline shapes party i's `equilibrium` concessions (`None` for any other
    /// strategy, or without a deadline, or under talks), from the opponent j's
    /// side (whose indifference sets i's hazard): `(stop, atom, T)`. With D_j the worth to j of
    /// reaching the deadline over conceding there, `p B_j(T) + (1 - p) s_j - L_j(T)`:
    /// if D_j > 0, j will not concede once its waiting cost to T is below D_j, so i's hazard stops
    /// where that cost equals D_j (`T - D_j / c_j` for constant pressure; no atom); otherwise the
    /// two play chicken at T and i concedes there with the q that keeps j indifferent,
    /// `-D_j / (G_j - L_j - D_j)`. Lines are taken on the current piece, so events re-plan it.
    /// Waiting costs are not discounted in this comparison.
    fn deadline_terms(
        &self,
        i: usize,
        lines: &[LineState; LineId::COUNT],
        belief: &[f64; PARTIES],
        t: f64,
    ) -> Option<(f64, f64, f64)> {
        let d = self.sc.deadline?;
        if self.sc.parties[i].strategy != Strategy::Equilibrium || self.sc.talks.is_some() {
            // The discrete-time equilibrium under talks does not model the deadline.
            return None;
        }
        let j = 1 - i;
        let pj = &self.sc.parties[j];
        let (at, p) = (d.at, d.breakdown_probability);
        let wbar = belief[i] * pj.stake;
        // j's undiscounted payoffs at T: `payoff::terms` for conceding, the breakdown, the status
        // quo and winning, written out because this runs on every piece (through the terms it
        // cost the bundled scenario about 5 %).
        let pi = &self.sc.parties[i];
        let concede = (1.0 - pi.demand) * wbar - lines[LineId::audience_cost(j).0].at(at);
        let broken = lines[LineId::leverage(j).0].at(at) * wbar - pj.breakdown_cost;
        let gap = p * broken + (1.0 - p) * pj.status_quo - concede;
        if gap > 0.0 {
            // Cost from t to u: c0 (u - t) + c1 (u - t)^2 / 2; it must leave exactly `gap` to T.
            let (c0, c1) = lines[LineId::pressure(j).0].piece();
            let to_deadline = (at - t).max(0.0);
            let total = c0 * to_deadline + 0.5 * c1 * to_deadline * to_deadline;
            let cost = Rate::Linear { a: c0, b: c1 };
            let stop = match cost.advance(total - gap, to_deadline) {
                Step::Fires(x) => t + x,
                Step::Spent(_) => at,
            };
            Some((stop, 0.0, at))
        } else {
            let win = pj.demand * wbar;
            Some((f64::INFINITY, -gap / (win - concede - gap), at))
        }
    }

    /// Run a hazard clock over the piece: its firing time, or infinity with `spent` filled in.
    #[inline]
    fn clock(&self, rate: Rate, budget: f64, len: f64, t: f64, spent: &mut f64) -> f64 {
        match rate.advance(budget, len) {
            Step::Fires(u) => t + u,
            Step::Spent(x) => {
                *spent = x;
                f64::INFINITY
            }
        }
    }

    /// The rate of party i's exponential-budget clock (`hazard` or `equilibrium`) on the piece
    /// starting at `t`.
    fn budget_rate(
        &self,
        i: usize,
        lines: &[LineState; LineId::COUNT],
        belief: &[f64; PARTIES],
        t: f64,
    ) -> Rate {
        match self.sc.parties[i].strategy {
            Strategy::Hazard { rate, growth } => Rate::Linear {
                a: rate + growth * t,
                b: growth,
            },
            Strategy::Equilibrium => match self.sc.talks {
                Some(talks) => self.talks_rate(i, lines, belief, t, talks),
                None => self.equilibrium_rate(i, lines, belief),
            },
            _ => Rate::ZERO,
        }
    }

    /// The equilibrium under talks: at each meeting i concedes with the probability that keeps j
    /// indifferent between conceding and holding to the next meeting, `p = c_j Δ / (G_j - T_j +
    /// c_j Δ)` (T_j: j's payoff from a tie under the `simultaneous` rule; the pressure at the
    /// piece's start). As a clock: the constant hazard `-ln(1 - p) / Δ` whose concessions take
    /// effect at the next meeting gives exactly a geometric number of meetings; before the first
    /// meeting the period is `first`.
    fn talks_rate(
        &self,
        i: usize,
        lines: &[LineState; LineId::COUNT],
        belief: &[f64; PARTIES],
        t: f64,
        talks: crate::model::Talks,
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
        let wait = lines[LineId::pressure(j).0].piece().0 * talks.every;
        let p = wait / (win - tie + wait);
        let period = if t < talks.first && talks.first > 0.0 {
            talks.first
        } else {
            talks.every
        };
        Rate::Linear {
            a: -(-p).ln_1p() / period,
            b: 0.0,
        }
    }

    /// λ_i on the current piece, from the opponent's lines and the breakdown hazard.
    fn equilibrium_rate(
        &self,
        i: usize,
        lines: &[LineState; LineId::COUNT],
        belief: &[f64; PARTIES],
    ) -> Rate {
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

    /// `int_t^t1 e^{-r s} c_i(s) ds` on a piece where c_i is linear.
    #[inline]
    fn cost_between(&self, i: usize, lines: &[LineState; LineId::COUNT], t: f64, t1: f64) -> f64 {
        let (c0, c1) = lines[LineId::pressure(i).0].piece();
        if c0 == 0.0 && c1 == 0.0 {
            return 0.0;
        }
        let r = self.sc.parties[i].discount_rate;
        let w = if r == 0.0 { 1.0 } else { (-r * t).exp() };
        w * rate::discounted_integral(r, c0, c1, t1 - t)
    }

    fn apply(
        &self,
        e: usize,
        t: f64,
        lines: &mut [LineState; LineId::COUNT],
        theta: &mut [f64; PARTIES],
        belief: &mut [f64; PARTIES],
    ) {
        for eff in &self.sc.events[e].effects {
            match eff.target {
                Target::Line { line, growth } => {
                    let st = &mut lines[line.0];
                    st.rebase(t);
                    if growth {
                        st.slope = eff.op.apply(st.slope, eff.value);
                    } else {
                        st.level = eff.op.apply(st.level, eff.value).clamp(st.lo, st.hi);
                    }
                }
                Target::Resolve { party } => {
                    theta[party] = eff.op.apply(theta[party], eff.value).max(0.0);
                }
                // A belief of zero would make the equilibrium hazard 0/0: keep it positive.
                Target::Belief { party } => {
                    belief[party] = eff
                        .op
                        .apply(belief[party], eff.value)
                        .max(f64::MIN_POSITIVE);
                }
            }
        }
    }

    /// The outcome an ender produces. Two concessions at one instant are a compromise; the
    /// global deadline breaks down if `deadline_breaks` says so (asked only then).
    #[inline(always)]
    fn ending(
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
    fn finish(
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
}
