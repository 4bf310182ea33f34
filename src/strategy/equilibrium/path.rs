//! The game's deterministic path from a start time t0: the lines and beliefs as the scheduled
//! events leave them, cut into *spans* on which every line is linear (at events, at clamps, and
//! where a Poisson event's expected jump changes form), and each party's payoffs along it.
//!
//! Values are in *time-0 units* (docs/model.md, section 6.1): the final payoff of ending at t,
//! discounted to t0 and net of the waiting cost paid since t0, `e^{-r (t - t0)} X(t) - D(t)`. A
//! party's choices then compare directly across times, and holding on while nothing happens
//! changes no value.

use super::worth::{Post, Worth};
use crate::model::payoff::{self, Linear, Terms};
use crate::model::{EventTiming, LineId, Lines, Op, Outcome, PARTIES, Scenario, Target};
use crate::rate::discounted_integral;

/// A stretch of the path on which every line is linear.
#[derive(Clone, Debug)]
pub(super) struct Span {
    pub start: f64,
    /// May be infinite for the last span of a game without a terminal time.
    pub end: f64,
    /// Each line's value at `start` and its slope on the span.
    pub line: [(f64, f64); LineId::COUNT],
    /// W̄_x: the pie's worth to each party as its opponent believes it.
    pub wbar: [f64; PARTIES],
    /// D_x(start), the discounted waiting cost since t0, and e^{-r_x (start - t0)}.
    pub cost: [f64; PARTIES],
    pub disc: [f64; PARTIES],
    /// What the Poisson events that can still fire are expected to bring each party, per unit
    /// of time, as `(at start, slope)` in current value: Σ ρ_e v_e^post over the events whose
    /// game after is solved (`super::post`), plus Σ ρ_e Δ_e, the expected jump in the value of
    /// conceding, over the others (which the game goes on through).
    pub flow: [(f64, f64); PARTIES],
    /// The total rate of the events whose game after is solved: the game as solved here ends
    /// at that rate, paying what the game after is worth.
    pub rho: f64,
    /// The event term of the numerator (docs/model.md 6.4), `(at start, slope)`: flow − ρ L_x,
    /// that is Σ ρ_e (v_e^post − L_x) + Σ ρ_e Δ_e.
    pub drift: [(f64, f64); PARTIES],
    /// A scheduled event happened at `start`: values may jump there.
    pub event: bool,
}

/// A Poisson event that can still fire: its index in the scenario and its rate.
#[derive(Clone, Copy, Debug)]
pub struct Pending {
    /// The event's index in the scenario.
    pub event: usize,
    /// Its rate.
    pub rate: f64,
    /// How many more times it can fire (`u32::MAX`: without a limit, in effect).
    pub left: u32,
}

/// Where the path starts: the state of a round at t0, after the events at t0.
#[derive(Clone, Copy, Debug)]
pub struct Start<'a> {
    /// The time the path starts at.
    pub t0: f64,
    /// The lines there.
    pub lines: &'a Lines,
    /// Each party's belief's mean about its opponent's type.
    pub belief: [f64; PARTIES],
    /// The scheduled events still to come, as `(time, event)` by time.
    pub scheduled: &'a [(f64, usize)],
    /// The Poisson events that can still fire.
    pub poisson: &'a [Pending],
    /// Where a side's type is private: each side's integrated hazard of concessions before `t0`,
    /// so its survivors, the types above its prior's quantile 1 − e⁻ˢ, are what the opponent
    /// believes now (docs/model.md 6.3, the posterior); zero at a round's start. `None` where
    /// that is not known (a round that has played a plan solved at the means), and the solve
    /// with private types does not go on from there.
    pub conceded: Option<[f64; PARTIES]>,
}

impl Start<'_> {
    /// Apply the scheduled events due by t from the `next`-th on (advancing it) to the lines
    /// and beliefs; whether there were any. The game does not depend on the drawn types: they
    /// are not tracked here.
    pub(super) fn apply_due(
        &self,
        sc: &Scenario,
        t: f64,
        next: &mut usize,
        lines: &mut Lines,
        belief: &mut [f64; PARTIES],
    ) -> bool {
        let mut any = false;
        let mut theta = [1.0; PARTIES];
        while let Some(&(at, e)) = self.scheduled.get(*next) {
            if at > t {
                break;
            }
            sc.apply_event(e, t, lines, &mut theta, belief);
            *next += 1;
            any = true;
        }
        any
    }
}

/// What a round starts with, owned, for a [`Start`] at t = 0 to borrow: the lines, each side's
/// belief, the scheduled events as `(time, event)` by time (ties in file order), and the Poisson
/// ones that can fire.
pub(super) struct AtStart {
    pub lines: Lines,
    pub belief: [f64; PARTIES],
    pub scheduled: Vec<(f64, usize)>,
    pub poisson: Vec<Pending>,
}

impl AtStart {
    pub fn of(sc: &Scenario) -> Self {
        let mut scheduled: Vec<(f64, usize)> = Vec::new();
        let mut poisson = Vec::new();
        for (k, e) in sc.events.iter().enumerate() {
            match e.when {
                EventTiming::At(t) => scheduled.push((t, k)),
                EventTiming::Poisson { rate, max } => {
                    if max != Some(0) {
                        let left = max.unwrap_or(u32::MAX);
                        poisson.push(Pending {
                            event: k,
                            rate,
                            left,
                        });
                    }
                }
            }
        }
        scheduled.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        AtStart {
            lines: sc.initial_lines(),
            belief: [0, 1].map(|i| sc.believed_type(i)),
            scheduled,
            poisson,
        }
    }

    pub fn start(&self) -> Start<'_> {
        Start {
            t0: 0.0,
            lines: &self.lines,
            belief: self.belief,
            scheduled: &self.scheduled,
            poisson: &self.poisson,
            conceded: Some([0.0; PARTIES]),
        }
    }
}

pub(super) struct Path<'a> {
    pub sc: &'a Scenario,
    pub t0: f64,
    pub spans: Vec<Span>,
    /// The split of the pie for each outcome (model::payoff::shares).
    shares: [Option<[f64; PARTIES]>; Outcome::COUNT],
}

/// Which of two spans meeting at a time to read: the one ending there or the one starting there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Side {
    Before,
    After,
}

impl<'a> Path<'a> {
    /// The path from `start` to `until` (with a last span of length zero at `until` if events
    /// happen there; infinite: the last span runs on). Events at t0 apply first, as in a round.
    /// `posts` says, for each Poisson event of `start`, what the game after it is worth (missing:
    /// its expected jump only).
    pub fn new(sc: &'a Scenario, start: &Start, until: f64, posts: &[Post]) -> Path<'a> {
        let mut lines = *start.lines;
        let mut belief = start.belief;
        let mut t = start.t0;
        let mut next = 0;
        let (jumps, solved) = split(start.poisson, posts);
        let rho: f64 = solved.iter().map(|s| s.0).sum();
        start.apply_due(sc, t, &mut next, &mut lines, &mut belief);
        let (mut cost, mut disc) = ([0.0; PARTIES], [1.0; PARTIES]);
        let mut event = false;
        let mut spans: Vec<Span> = Vec::new();
        loop {
            for l in lines.iter_mut() {
                l.rebase(t);
            }
            let line = lines.each_ref().map(|l| l.piece());
            let mut end = start
                .scheduled
                .get(next)
                .map_or(f64::INFINITY, |e| e.0)
                .min(
                    lines
                        .iter()
                        .map(|l| l.next_clamp())
                        .fold(f64::INFINITY, f64::min),
                )
                .min(until);
            if let Some(kink) = drift_kink(sc, &jumps, &line, t, end) {
                end = kink;
            }
            end = solved.iter().map(|s| s.1.next_cut(t)).fold(end, f64::min);
            let wbar = [0, 1].map(|x| belief[1 - x] * sc.parties[x].stake);
            let flow = [0, 1].map(|x| {
                let (mut f0, mut f1) = drift(sc, &jumps, &line, &belief, x, end - t);
                for &(rate, w) in &solved {
                    let (v0, v1) = w.at(x, t);
                    (f0, f1) = (f0 + rate * v0, f1 + rate * v1);
                }
                (f0, f1)
            });
            spans.push(Span {
                start: t,
                end,
                line,
                wbar,
                cost,
                disc,
                flow,
                rho,
                drift: flow,
                event,
            });
            if !end.is_finite() || (t >= until && t == end) {
                break;
            }
            let s = spans.last().expect("a span was pushed");
            let (a, b) = (advance(sc, s, 0, end), advance(sc, s, 1, end));
            (cost, disc) = ([a.1, b.1], [a.0, b.0]);
            t = end;
            event = start.apply_due(sc, t, &mut next, &mut lines, &mut belief);
            if t >= until && !event {
                break;
            }
        }
        let demand = [sc.parties[0].demand, sc.parties[1].demand];
        let mut path = Path {
            sc,
            t0: start.t0,
            spans,
            shares: Outcome::ALL.map(|o| payoff::shares(o, demand, sc.simultaneous)),
        };
        if rho > 0.0 {
            path.price_exits(rho);
        }
        path
    }

    /// The size of the game's payoffs: the largest worth on the path, breakdown cost plus status
    /// quo, or 1. Tolerances on values are relative to it.
    pub fn scale(&self) -> f64 {
        (self.spans.iter().flat_map(|s| s.wbar))
            .chain((self.sc.parties.iter()).map(|p| p.breakdown_cost.abs() + p.status_quo.abs()))
            .fold(1.0, f64::max)
    }

    /// The numerator's event term where the games after events at total rate ρ are solved:
    /// flow − ρ L_x.
    fn price_exits(&mut self, rho: f64) {
        for k in 0..self.spans.len() {
            let s = &self.spans[k];
            let drift = [0, 1].map(|x| {
                let l = self
                    .terms_from(s, x, s.start, Outcome::concession(x))
                    .value(s.wbar[x]);
                (s.flow[x].0 - rho * l.at, s.flow[x].1 - rho * l.slope)
            });
            self.spans[k].drift = drift;
        }
    }

    /// The span holding `t`: the one that ends at `t` (`Before`) or starts there (`After`).
    pub fn span(&self, t: f64, side: Side) -> &Span {
        let k = match side {
            Side::After => self.spans.partition_point(|s| s.start <= t).max(1) - 1,
            Side::Before => self.spans.partition_point(|s| s.start < t).max(1) - 1,
        };
        &self.spans[k]
    }

    /// A line's value at `t` on span `s`.
    pub fn level(s: &Span, id: LineId, t: f64) -> f64 {
        let (v, slope) = s.line[id.0];
        if slope == 0.0 {
            v
        } else {
            v + slope * (t - s.start)
        }
    }

    /// x's payoff terms `(A, B)` of ending at t on s in `outcome` (model::payoff, the engine's
    /// definition), with its audience cost and leverage there.
    pub fn terms(&self, s: &Span, x: usize, t: f64, outcome: Outcome) -> Terms<f64> {
        let share = self.shares[outcome.index()].map(|sh| sh[x]);
        let (a, l) = (LineId::audience_cost(x), LineId::leverage(x));
        let party = &self.sc.parties[x];
        payoff::terms(
            party,
            x,
            outcome,
            share,
            Self::level(s, a, t),
            Self::level(s, l, t),
        )
    }

    /// The same terms as lines in time on s from t, in local time `time - t`.
    pub fn terms_from(&self, s: &Span, x: usize, t: f64, outcome: Outcome) -> Terms<Linear> {
        let share = self.shares[outcome.index()].map(|sh| sh[x]);
        let line = |id: LineId| Linear {
            at: Self::level(s, id, t),
            slope: s.line[id.0].1,
        };
        let (a, l) = (LineId::audience_cost(x), LineId::leverage(x));
        let party = &self.sc.parties[x];
        payoff::terms(party, x, outcome, share, line(a), line(l))
    }

    /// x's current-value payoff of ending at t on s in `outcome`, at the worth W̄_x the game is
    /// solved for.
    fn current(&self, s: &Span, x: usize, t: f64, outcome: Outcome) -> f64 {
        self.terms(s, x, t, outcome).value(s.wbar[x])
    }

    /// Current-value payoffs of x at t on s: conceding (L_x), winning (G_x), a tie (T_x), a
    /// breakdown (B_x), the status quo (s_x).
    pub fn concede(&self, s: &Span, x: usize, t: f64) -> f64 {
        self.current(s, x, t, Outcome::concession(x))
    }
    pub fn win(&self, s: &Span, x: usize) -> f64 {
        self.current(s, x, s.start, Outcome::concession(1 - x))
    }
    pub fn tie(&self, s: &Span, x: usize) -> f64 {
        self.current(s, x, s.start, Outcome::Compromise)
    }
    pub fn broken(&self, s: &Span, x: usize, t: f64) -> f64 {
        self.current(s, x, t, Outcome::Breakdown)
    }
    pub fn status_quo(&self, s: &Span, x: usize) -> f64 {
        self.current(s, x, s.start, Outcome::DeadlineStatusQuo)
    }

    /// Where c concedes at once on s, whether the other side concedes at that same instant too:
    /// a tie pays it more than winning, and pays c at least what winning would (so both
    /// conceding is an equilibrium of the instant's 2 × 2 stage). Ties and wins are constant on
    /// a span; differences within 1e-12 of their size count as none.
    pub fn joins(&self, s: &Span, c: usize) -> bool {
        let y = 1 - c;
        let (ty, gy, tc, gc) = (
            self.tie(s, y),
            self.win(s, y),
            self.tie(s, c),
            self.win(s, c),
        );
        let tol = 1e-12
            * [ty, gy, tc, gc]
                .iter()
                .fold(1.0, |m: f64, v| m.max(v.abs()));
        ty > gy + tol && tc >= gc - tol
    }

    /// A current-value payoff of x at t on s in time-0 units.
    pub fn value(&self, s: &Span, x: usize, t: f64, current: f64) -> f64 {
        let (d, cost) = advance(self.sc, s, x, t);
        d * current - cost
    }

    /// The time-0 payoffs of x at t (read on the given side): conceding, winning, a tie.
    pub fn at(&self, x: usize, t: f64, side: Side) -> Payoffs {
        let s = self.span(t, side);
        Payoffs {
            concede: self.value(s, x, t, self.concede(s, x, t)),
            win: self.value(s, x, t, self.win(s, x)),
            tie: self.value(s, x, t, self.tie(s, x)),
        }
    }
}

/// The Poisson events priced by their jumps, and those whose game after is solved, with their
/// rates and worths.
fn split<'w>(poisson: &[Pending], posts: &'w [Post]) -> (Vec<Pending>, Vec<(f64, &'w Worth)>) {
    let (mut jumps, mut solved) = (Vec::new(), Vec::new());
    for (j, p) in poisson.iter().enumerate() {
        match posts.get(j) {
            Some(Post::Solved(w)) => solved.push((p.rate, &**w)),
            _ => jumps.push(*p),
        }
    }
    (jumps, solved)
}

/// A party's time-0 payoffs at one instant.
#[derive(Clone, Copy, Debug)]
pub(super) struct Payoffs {
    pub concede: f64,
    pub win: f64,
    pub tie: f64,
}

/// `(e^{-r_x (t - t0)}, D_x(t))` at t on span s.
pub(super) fn advance(sc: &Scenario, s: &Span, x: usize, t: f64) -> (f64, f64) {
    let r = sc.parties[x].discount_rate;
    let u = t - s.start;
    let d = if r == 0.0 {
        s.disc[x]
    } else {
        s.disc[x] * (-r * u).exp()
    };
    let (c0, c1) = s.line[LineId::pressure(x).0];
    let cost = if (c0 == 0.0 && c1 == 0.0) || u == 0.0 {
        s.cost[x]
    } else {
        s.cost[x] + s.disc[x] * discounted_integral(r, c0, c1, u)
    };
    (d, cost)
}

/// The jump in x's value of conceding (current value) if Poisson event `e` fired at a time where
/// x's audience cost is `a` and the beliefs are `belief`.
fn jump(sc: &Scenario, e: usize, x: usize, a: f64, belief: &[f64; PARTIES]) -> f64 {
    let y = 1 - x;
    let (mut a_new, mut b_new) = (a, belief[y]);
    for eff in &sc.events[e].effects {
        match eff.target {
            Target::Line {
                line,
                growth: false,
            } if line == LineId::audience_cost(x) => {
                a_new = eff.op.apply(a_new, eff.value).max(0.0);
            }
            Target::Belief { party } if party == y => {
                b_new = eff.op.apply(b_new, eff.value).max(f64::MIN_POSITIVE);
            }
            Target::Line { .. } | Target::Resolve { .. } | Target::Belief { .. } => {}
        }
    }
    let stake = sc.parties[x].stake;
    (1.0 - sc.parties[y].demand) * (b_new - belief[y]) * stake - (a_new - a)
}

/// x's expected jump rate `(at start, slope)` on a span of length `len` whose lines are `line`.
/// Without kinks (`drift_kink`) each event's jump is linear in time on the span.
fn drift(
    sc: &Scenario,
    poisson: &[Pending],
    line: &[(f64, f64); LineId::COUNT],
    belief: &[f64; PARTIES],
    x: usize,
    len: f64,
) -> (f64, f64) {
    if poisson.is_empty() {
        return (0.0, 0.0);
    }
    let (a0, a1) = line[LineId::audience_cost(x).0];
    let step = if len.is_finite() && len > 0.0 {
        len
    } else {
        1.0
    };
    let (mut at0, mut at1) = (0.0, 0.0);
    for p in poisson {
        at0 += p.rate * jump(sc, p.event, x, a0, belief);
        at1 += p.rate * jump(sc, p.event, x, a0 + a1 * step, belief);
    }
    (at0, (at1 - at0) / step)
}

/// Where, on `[t, end)`, a Poisson effect that lowers an audience cost would first be held at 0
/// (its jump changes form there), if anywhere.
fn drift_kink(
    sc: &Scenario,
    poisson: &[Pending],
    line: &[(f64, f64); LineId::COUNT],
    t: f64,
    end: f64,
) -> Option<f64> {
    let mut first: Option<f64> = None;
    for p in poisson {
        for eff in &sc.events[p.event].effects {
            let Target::Line {
                line: id,
                growth: false,
            } = eff.target
            else {
                continue;
            };
            if id != LineId::audience_cost(0) && id != LineId::audience_cost(1) {
                continue;
            }
            let lowers = match eff.op {
                Op::Add => -eff.value,
                Op::Sub => eff.value,
                Op::Mul | Op::Set => continue,
            };
            let (a0, a1) = line[id.0];
            if lowers <= 0.0 || a1 == 0.0 {
                continue;
            }
            // a0 + a1 u = lowers: the jump is -lowers above, -a below.
            let u = (lowers - a0) / a1;
            // A kink a rounding error away (1e-9 relative) is the one the last span ended at.
            if u > 1e-9 * t.abs().max(1.0) && t + u < end {
                first = Some(first.map_or(t + u, |f: f64| f.min(t + u)));
            }
        }
    }
    first
}
