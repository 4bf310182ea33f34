//! The equilibrium in continuous time, solved backward from the end of the game
//! (docs/model.md, section 6.1).
//!
//! Going back in time, the game is in one of three regimes:
//!
//! - *mixed*: neither side is committed; each is indifferent between conceding now and later, so
//!   its value is its value of conceding, and its opponent concedes at the hazard of section 6
//!   (with the expected jumps of Poisson events in the drift). It holds while both numerators are
//!   non-negative.
//! - *hold*: both are committed: each would rather hold on to what lies ahead than concede, even
//!   if the other never does. Values follow the breakdown hazard back from an anchor.
//! - *concedes x*: only the other side is committed, so x concedes at once: its waiting would be
//!   anticipated, and the anticipation unravels. It holds while x does not want to wait.
//!
//! The end of the game is a `Stage` (the deadline's game of chicken); a scheduled event that
//! moves a value of conceding is a jump, bridged by an atom of the other side's concessions where
//! it can be and by a stage just before the event where it cannot. The result is a list of
//! stretches, each with its regime, and the atoms.

use super::hold::{asymptote, hold};
use super::indifference::Indifference;
use super::path::{Path, Side, Span};
use super::regime::{End, Regime, Solution, Stretch};
use super::stage::Stage;
use crate::model::PARTIES;
use crate::numeric::{Quadratic, regula_falsi};

/// Values closer than this, relative to the game's largest payoff, are equal: the rounding of
/// values carried back by quadrature (about 1e-14) with room to spare, and far below any
/// difference a round could show.
const VALUE_TOL: f64 = 1e-12;

/// Two times closer than this (relative, at least 1 in absolute terms) are one instant: where both
/// sides stop being committed "at the same moment" going back, and how far before an event the
/// stage it cannot bridge is played (far enough to be its own instant in a double, near enough
/// that nothing moves in between).
const INSTANT: f64 = 1e-9;

/// The commitment boundary is refined to this relative width (a few ulps of a time).
const CROSSING: f64 = 1e-13;

/// Steps of regula falsi at most: the Illinois variant reaches `CROSSING` in well under 100.
const FALSI_STEPS: usize = 100;

/// While both hold, a side's commitment is checked at this many points of a span before the
/// crossing is refined: a side that becomes uncommitted and committed again between two of them
/// is not seen (the values are smooth, so that takes a stretch shorter than a sixteenth of a
/// span).
const GRID: usize = 16;

/// Regimes that end where they start, in a row, before the walk holds the regime reached.
const IDLE_STEPS: usize = 4;

/// Regime changes on one span at most before the walk holds a side's concession at once to the
/// span's start (the chattering `run` describes; a game's span has a handful at most).
const MOST_STEPS: usize = 64;

/// At most this many stages cascade before an event (each shrinks the shortfall by (L − T)/(G − T)
/// < 1, so 200 leave less than its 200th power).
const MOST_STAGES: usize = 200;

/// The points at which a hold is checked on `[lo, hi)`, descending, ending at `lo`: the
/// multiples of a power of two, the least one that puts at most `GRID` of them in the range.
/// They do not depend on where the solve started: a solve from a later `lo` checks the same
/// points (and, where its range is shorter, those of a finer lattice that holds them), so the
/// plan solved from a state on the path finds the crossings the plan from 0 found
/// (docs/model.md 6.4, consistency).
fn lattice(lo: f64, hi: f64) -> impl Iterator<Item = f64> {
    let step = ((hi - lo) / GRID as f64).log2().ceil().exp2();
    let top = if step > 0.0 && step.is_finite() {
        ((hi / step).ceil() - 1.0) * step
    } else {
        lo
    };
    let mut k = 0.0;
    std::iter::from_fn(move || {
        let t = top - k * step;
        k += 1.0;
        (t > lo && t < hi).then_some(t)
    })
    .take(2 * GRID + 2)
    .chain(std::iter::once(lo))
}

/// The moment before an event that the sides cannot bridge by an atom at the event: a stage
/// this long before it, on the event's pre-values.
fn before(s: f64) -> f64 {
    s - INSTANT * s.abs().max(1.0)
}

struct Solver<'p, 'a> {
    path: &'p Path<'a>,
    tol: f64,
    out: Solution,
}

pub(super) fn solve(path: &Path, end: Option<End>, horizon: Option<f64>) -> Solution {
    let mut solver = Solver {
        path,
        tol: VALUE_TOL * path.scale(),
        out: Solution::default(),
    };
    solver.run(end, horizon);
    solver.out.stretches.reverse();
    solver.out.atoms.reverse();
    solver.out
}

impl Solver<'_, '_> {
    fn value_of(&self, s: &Span, x: usize, t: f64, current: f64) -> f64 {
        self.path.value(s, x, t, current)
    }

    /// ℒ_x(t) on span s.
    fn concede(&self, s: &Span, x: usize, t: f64) -> f64 {
        self.value_of(s, x, t, self.path.concede(s, x, t))
    }

    fn win(&self, s: &Span, x: usize, t: f64) -> f64 {
        self.value_of(s, x, t, self.path.win(s, x))
    }

    /// x's value at t on s where c concedes at once there: c's value of conceding; the other's
    /// value of winning, or of the tie where it concedes at that instant too (`Path::joins`).
    fn conceded(&self, s: &Span, c: usize, x: usize, t: f64) -> f64 {
        if x == c {
            self.concede(s, x, t)
        } else if self.path.joins(s, c) {
            self.value_of(s, x, t, self.path.tie(s, x))
        } else {
            self.win(s, x, t)
        }
    }

    /// Each side's value at t on s under `regime`.
    fn values(&self, s: &Span, t: f64, regime: Regime) -> [f64; PARTIES] {
        match regime {
            Regime::Mixed => [0, 1].map(|x| self.concede(s, x, t)),
            Regime::Concedes(c) => [0, 1].map(|x| self.conceded(s, c, x, t)),
            Regime::Hold { at, value } => [0, 1].map(|x| self.hold(s, x, t, at, value[x])),
        }
    }

    /// x's numerator of section 6 on span s (x's own incentive: negative where x would rather
    /// wait a moment even if its opponent never conceded), as a polynomial in `t - s.start`.
    fn numerator(&self, s: &Span, x: usize) -> Quadratic {
        Indifference::on(self.path, s, x, s.start).numerator
    }

    fn hold(&self, s: &Span, x: usize, t: f64, at: f64, v: f64) -> f64 {
        hold(self.path, s, x, t, at, v)
    }

    /// Holding on (both) from t to `at`, where x expects `v`: the largest t in `[lo, hi)` below
    /// which x would rather concede, if any. Values are carried back point by point over a
    /// lattice (`lattice`), so each costs one short integral, and the crossing is refined by
    /// regula falsi on the values carried from the last point.
    fn uncommitted(&self, s: &Span, x: usize, lo: f64, hi: f64, at: f64, v: f64) -> Option<f64> {
        let tol = self.tol;
        let gap = |t: f64, v: f64| v - self.concede(s, x, t);
        let (mut prev, mut value) = (hi, self.hold(s, x, hi, at, v));
        // Negative right below hi: the regime stops at once.
        let just = hi - INSTANT * hi.abs().max(1.0);
        if just > lo && gap(just, self.hold(s, x, just, hi, value)) < -tol {
            return Some(hi);
        }
        let mut g_prev = gap(prev, value);
        for t in lattice(lo, hi) {
            let here = self.hold(s, x, t, prev, value);
            let g = gap(t, here);
            if g < -tol {
                let f = |m: f64| gap(m, self.hold(s, x, m, prev, value)) + tol;
                let bracket = ((t, g + tol), (prev, g_prev + tol));
                return Some(regula_falsi(f, bracket.0, bracket.1, CROSSING, FALSI_STEPS));
            }
            (prev, value, g_prev) = (t, here, g);
        }
        None
    }

    fn run(&mut self, end: Option<End>, horizon: Option<f64>) {
        let path = self.path;
        let t0 = path.t0;
        let last = path.spans.len() - 1;
        // The regime at the right end, and where that is.
        let (mut t, mut regime) = match end {
            Some(e) => {
                let s = path.span(e.at, Side::After);
                let stage = Stage {
                    tie: [0, 1].map(|x| self.value_of(s, x, e.at, path.tie(s, x))),
                    concede: [0, 1].map(|x| self.concede(s, x, e.at)),
                    win: [0, 1].map(|x| self.win(s, x, e.at)),
                    hold: e.hold,
                };
                let play = stage.play();
                self.out.atoms.push((e.at, play.concede));
                self.out.stretches.push(Stretch {
                    start: e.at,
                    end: f64::INFINITY,
                    regime: Regime::Hold {
                        at: e.at,
                        value: play.value,
                    },
                });
                let before = path.span(e.at, Side::Before);
                let pre = [0, 1].map(|x| self.concede(before, x, e.at));
                (e.at, self.boundary(e.at, play.value, pre, None))
            }
            None => self.asymptote(&path.spans[last], horizon),
        };
        // Walk the spans back from the one ending at t.
        let mut k = path.spans.partition_point(|s| s.start < t).max(1) - 1;
        loop {
            let s = &path.spans[k];
            let lo = s.start.max(t0);
            let (mut idle, mut steps) = (0, 0);
            while t > lo {
                let (mut u, mut next) = self.step(s, lo, t, regime);
                steps += 1;
                if u >= t {
                    // A regime that ends where it starts: after a few, hold the regime reached.
                    idle += 1;
                    if idle > IDLE_STEPS {
                        (u, next) = (lo, None);
                    }
                } else {
                    idle = 0;
                }
                if steps > MOST_STEPS
                    && (matches!(regime, Regime::Concedes(_)) || steps > 2 * MOST_STEPS)
                {
                    // Chattering: a side whose numerator says "wait" (a Poisson event's expected
                    // jump) but whose hold, which does not see the event, is not worth it,
                    // alternates between conceding at once and holding for ever shorter
                    // stretches. It concedes at once through the span.
                    (u, next) = (lo, None);
                }
                self.out.stretches.push(Stretch {
                    start: u,
                    end: t,
                    regime,
                });
                t = u;
                match next {
                    Some(r) => regime = r,
                    None => break,
                }
            }
            if k == 0 || s.start <= t0 {
                break;
            }
            let prev = &path.spans[k - 1];
            if s.event {
                let post = self.values(s, s.start, regime);
                let pre = [0, 1].map(|x| self.concede(prev, x, s.start));
                let free =
                    [0, 1].map(|x| (post[x] - self.concede(s, x, s.start)).abs() <= self.tol);
                regime = self.boundary(s.start, post, pre, Some((s, free)));
                t = self
                    .out
                    .stretches
                    .last()
                    .map_or(s.start, |st| st.start.min(s.start));
            } else if let Regime::Hold { .. } = regime {
                // Values are continuous across a clamp: anchor at the span's start.
                regime = Regime::Hold {
                    at: s.start,
                    value: self.values(s, s.start, regime),
                };
            }
            k -= 1;
        }
    }

    /// The regime beyond every event and clamp of a game without an end, recorded as the last
    /// stretch; returns where the walk back starts.
    fn asymptote(&mut self, s: &Span, horizon: Option<f64>) -> (f64, Regime) {
        let (t, regime) = asymptote(self.path, s, horizon);
        self.out.stretches.push(Stretch {
            start: t,
            end: f64::INFINITY,
            regime,
        });
        (t, regime)
    }

    /// Run `regime` back from `hi` towards `lo` on span s: where it stops (`lo` if it holds
    /// throughout, with `None`) and the regime before that.
    fn step(&self, s: &Span, lo: f64, hi: f64, regime: Regime) -> (f64, Option<Regime>) {
        match regime {
            Regime::Mixed => {
                let stop = [0, 1].map(|x| {
                    self.numerator(s, x)
                        .last_negative(lo - s.start, hi - s.start)
                });
                let u = stop
                    .iter()
                    .flatten()
                    .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
                if u == f64::NEG_INFINITY {
                    return (lo, None);
                }
                let u = s.start + u;
                let waits = [0, 1].map(|x| stop[x].is_some_and(|v| s.start + v == u));
                let next = match waits {
                    [true, true] => Regime::Hold {
                        at: u,
                        value: [0, 1].map(|x| self.concede(s, x, u)),
                    },
                    [true, false] => Regime::Concedes(1),
                    [false, true] => Regime::Concedes(0),
                    [false, false] => unreachable!("u is a stop"),
                };
                (u, Some(next))
            }
            Regime::Concedes(c) => {
                match self
                    .numerator(s, c)
                    .last_negative(lo - s.start, hi - s.start)
                {
                    None => (lo, None),
                    Some(v) => {
                        // c would rather wait until u and concede there; the other holds.
                        let u = s.start + v;
                        let value = [0, 1].map(|x| self.conceded(s, c, x, u));
                        (u, Some(Regime::Hold { at: u, value }))
                    }
                }
            }
            Regime::Hold { at, value } => {
                let stop = [0, 1].map(|x| self.uncommitted(s, x, lo, hi, at, value[x]));
                match stop {
                    [None, None] => (lo, None),
                    [Some(a), Some(b)] if (a - b).abs() <= INSTANT * a.abs().max(1.0) => {
                        (a.max(b), Some(Regime::Mixed))
                    }
                    _ => {
                        let (a, b) = (
                            stop[0].unwrap_or(f64::NEG_INFINITY),
                            stop[1].unwrap_or(f64::NEG_INFINITY),
                        );
                        // The side that stops being committed first (going back) concedes.
                        let c = if a > b { 0 } else { 1 };
                        (a.max(b), Some(Regime::Concedes(c)))
                    }
                }
            }
        }
    }

    /// Left of a jump at s: the sides' values on reaching s are `post`, their values of
    /// conceding just before it `pre`. `free` says, for an event inside the game, which side is
    /// indifferent at s and so can concede there with an atom. Returns the regime before s,
    /// recording any atoms (and, for a stage just before s, its short hold).
    fn boundary(
        &mut self,
        s: f64,
        post: [f64; PARTIES],
        pre: [f64; PARTIES],
        event: Option<(&Span, [bool; PARTIES])>,
    ) -> Regime {
        let tol = self.tol;
        let drop = [0, 1].map(|x| post[x] < pre[x] - tol);
        let rise = [0, 1].map(|x| post[x] > pre[x] + tol);
        let by_commitment =
            |committed: [bool; PARTIES], at: f64, value: [f64; PARTIES]| match committed {
                [false, false] => Regime::Mixed,
                [true, true] => Regime::Hold { at, value },
                [true, false] => Regime::Concedes(1),
                [false, true] => Regime::Concedes(0),
            };
        match drop {
            [false, false] => by_commitment(rise, s, post),
            [true, true] => self.stage_before(s, post),
            [dx, _] => {
                let x = if dx { 0 } else { 1 };
                let y = 1 - x;
                if rise[y] {
                    // y is committed and x would rather concede before s: x concedes at once.
                    return Regime::Concedes(x);
                }
                match event {
                    Some((after, free)) if free[y] && self.win(after, x, s) > pre[x] => {
                        // y concedes at s with the atom that leaves x indifferent across it.
                        let win = self.win(after, x, s);
                        let pi = (pre[x] - post[x]) / (win - post[x]);
                        self.out
                            .atoms
                            .push((s, if y == 0 { [pi, 0.0] } else { [0.0, pi] }));
                        Regime::Mixed
                    }
                    _ => self.stage_before(s, post),
                }
            }
        }
    }

    /// Both would rather concede before s than reach it, and no atom at s can keep them: they
    /// play the stage an instant before s, on the values there. Where ties pay less than
    /// conceding, that stage's value still falls short of conceding, so another stage precedes
    /// it: the cascade of the game at ever finer meetings, whose shortfall shrinks by
    /// (L − T)/(G − T) < 1 a stage, until it is gone.
    fn stage_before(&mut self, s: f64, post: [f64; PARTIES]) -> Regime {
        let (mut next, mut value) = (s, post);
        for _ in 0..MOST_STAGES {
            let at = before(next);
            let sp = self.path.span(at, Side::After);
            let stage = Stage {
                tie: [0, 1].map(|x| self.value_of(sp, x, at, self.path.tie(sp, x))),
                concede: [0, 1].map(|x| self.concede(sp, x, at)),
                win: [0, 1].map(|x| self.win(sp, x, at)),
                hold: value,
            };
            let play = stage.play();
            self.out.stretches.push(Stretch {
                start: at,
                end: next,
                regime: Regime::Hold { at: next, value },
            });
            self.out.atoms.push((at, play.concede));
            (next, value) = (at, play.value);
            let pre = stage.concede;
            let short = [0, 1].map(|x| value[x] < pre[x] - self.tol);
            if short == [false, false] {
                let committed = [0, 1].map(|x| value[x] > pre[x] + self.tol);
                return match committed {
                    [false, false] => Regime::Mixed,
                    [true, true] => Regime::Hold { at, value },
                    [true, false] => Regime::Concedes(1),
                    [false, true] => Regime::Concedes(0),
                };
            }
            if short != [true, true] {
                // One side alone would rather have conceded: it does, at once.
                let x = if short[0] { 0 } else { 1 };
                return Regime::Concedes(x);
            }
        }
        Regime::Mixed
    }
}
