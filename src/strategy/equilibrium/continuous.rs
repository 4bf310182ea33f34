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

use super::path::{Path, Side, Span};
use super::stage::Stage;
use super::{OpponentView, numerator};
use crate::model::{LineId, PARTIES};

/// What the sides do on a stretch of time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Regime {
    Mixed,
    /// Both hold; `value` is what each expects at `at`, the stretch's right end.
    Hold {
        at: f64,
        value: [f64; PARTIES],
    },
    /// This side concedes at once.
    Concedes(usize),
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Stretch {
    pub start: f64,
    pub end: f64,
    pub regime: Regime,
}

/// The backward solution: stretches in time order and the atoms `(time, [p_a, p_b])`.
#[derive(Clone, Debug, Default)]
pub(super) struct Solution {
    pub stretches: Vec<Stretch>,
    pub atoms: Vec<(f64, [f64; PARTIES])>,
}

/// How the game ends, if it does: at `at`, with what each side gets (time-0 units) if neither
/// concedes there.
#[derive(Clone, Copy, Debug)]
pub(super) struct End {
    pub at: f64,
    pub hold: [f64; PARTIES],
}

/// The moment before an event that the sides cannot bridge by an atom at the event: a stage
/// this long before it, on the event's pre-values.
fn before(s: f64) -> f64 {
    s - 1e-9 * s.abs().max(1.0)
}

struct Solver<'p, 'a> {
    path: &'p Path<'a>,
    tol: f64,
    out: Solution,
}

pub(super) fn solve(path: &Path, end: Option<End>, horizon: Option<f64>) -> Solution {
    let scale = path
        .spans
        .iter()
        .flat_map(|s| s.wbar)
        .chain(
            path.sc
                .parties
                .iter()
                .map(|p| p.breakdown_cost.abs() + p.status_quo.abs()),
        )
        .fold(1.0, f64::max);
    let mut solver = Solver {
        path,
        tol: 1e-12 * scale,
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

    /// Each side's value at t on s under `regime`.
    fn values(&self, s: &Span, t: f64, regime: Regime) -> [f64; PARTIES] {
        match regime {
            Regime::Mixed => [0, 1].map(|x| self.concede(s, x, t)),
            Regime::Concedes(c) => [0, 1].map(|x| {
                if x == c {
                    self.concede(s, x, t)
                } else {
                    self.win(s, x, t)
                }
            }),
            Regime::Hold { at, value } => [0, 1].map(|x| self.hold(s, x, t, at, value[x])),
        }
    }

    /// x's numerator of section 6 on span s (x's own incentive: negative where x would rather
    /// wait a moment even if its opponent never conceded), as a polynomial in `t - s.start`.
    fn numerator(&self, s: &Span, x: usize) -> [f64; 3] {
        numerator(&view(self.path, s, x, s.start)).0
    }

    fn hold(&self, s: &Span, x: usize, t: f64, at: f64, v: f64) -> f64 {
        hold(self.path, s, x, t, at, v)
    }

    /// Holding on (both) from t to `at`, where x expects `v`: the largest t in `[lo, hi)` below
    /// which x would rather concede, if any. Values are carried back grid point by grid point, so
    /// each costs one short integral, and the crossing is refined by bisection.
    fn uncommitted(&self, s: &Span, x: usize, lo: f64, hi: f64, at: f64, v: f64) -> Option<f64> {
        const GRID: usize = 16;
        let tol = self.tol;
        let gap = |t: f64, v: f64| v - self.concede(s, x, t);
        let (mut prev, mut value) = (hi, self.hold(s, x, hi, at, v));
        // Negative right below hi: the regime stops at once.
        let just = hi - (hi - lo) * 1e-9;
        if gap(just, self.hold(s, x, just, hi, value)) < -tol {
            return Some(hi);
        }
        let mut g_prev = gap(prev, value);
        for k in 1..=GRID {
            let t = hi - (hi - lo) * k as f64 / GRID as f64;
            let here = self.hold(s, x, t, prev, value);
            let g = gap(t, here);
            if g < -tol {
                // The crossing in (t, prev): regula falsi (Illinois), values carried from prev.
                let f = |m: f64| gap(m, self.hold(s, x, m, prev, value)) + tol;
                let (mut a, mut fa, mut b, mut fb) = (t, g + tol, prev, g_prev + tol);
                let mut side = 0;
                for _ in 0..100 {
                    if (b - a).abs() <= 1e-13 * b.abs().max(1.0) {
                        break;
                    }
                    let m = if fb != fa {
                        b - fb * (b - a) / (fb - fa)
                    } else {
                        0.5 * (a + b)
                    };
                    let m = if m > a && m < b { m } else { 0.5 * (a + b) };
                    let fm = f(m);
                    if fm < 0.0 {
                        (a, fa) = (m, fm);
                        if side == -1 {
                            fb *= 0.5;
                        }
                        side = -1;
                    } else {
                        (b, fb) = (m, fm);
                        if side == 1 {
                            fa *= 0.5;
                        }
                        side = 1;
                    }
                }
                return Some(b);
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
            let mut idle = 0;
            while t > lo {
                let (mut u, mut next) = self.step(s, lo, t, regime);
                if u >= t {
                    // A regime that ends where it starts: after a few, hold the regime reached.
                    idle += 1;
                    if idle > 4 {
                        (u, next) = (lo, None);
                    }
                } else {
                    idle = 0;
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
                let stop =
                    [0, 1].map(|x| last_negative(self.numerator(s, x), lo - s.start, hi - s.start));
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
                match last_negative(self.numerator(s, c), lo - s.start, hi - s.start) {
                    None => (lo, None),
                    Some(v) => {
                        // c would rather wait until u and concede there; the other holds.
                        let u = s.start + v;
                        let value = [0, 1].map(|x| {
                            if x == c {
                                self.concede(s, x, u)
                            } else {
                                self.win(s, x, u)
                            }
                        });
                        (u, Some(Regime::Hold { at: u, value }))
                    }
                }
            }
            Regime::Hold { at, value } => {
                let stop = [0, 1].map(|x| self.uncommitted(s, x, lo, hi, at, value[x]));
                match stop {
                    [None, None] => (lo, None),
                    [Some(a), Some(b)] if (a - b).abs() <= 1e-9 * a.abs().max(1.0) => {
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
        for _ in 0..200 {
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

/// What x expects at t from both holding until `at` (both on span s), where it expects `v`: the
/// breakdown payoffs the hazard may bring on the way, and `v` if it does not.
pub(super) fn hold(path: &Path, s: &Span, x: usize, t: f64, at: f64, v: f64) -> f64 {
    let (h0, h1) = s.line[LineId::HAZARD.0];
    if (h0 == 0.0 && h1 == 0.0) || at <= t {
        return v;
    }
    let hz = |u: f64| h0 + h1 * (u - s.start);
    // H(t, u) = ∫_t^u h
    let big_h = |u: f64| h0 * (u - t) + 0.5 * h1 * ((u - s.start).powi(2) - (t - s.start).powi(2));
    // Beyond where the talks have survived the hazard with probability e^-40, nothing counts.
    const GONE: f64 = 40.0;
    let mut end = at;
    if big_h(at) > GONE {
        let (mut lo, mut hi) = (t, at);
        for _ in 0..60 {
            let m = 0.5 * (lo + hi);
            if big_h(m) > GONE { hi = m } else { lo = m }
        }
        end = hi;
    }
    let broken = |u: f64| path.value(s, x, u, path.broken(s, x, u));
    let integrand = |u: f64| hz(u) * (-big_h(u)).exp() * broken(u);
    let r = path.sc.parties[x].discount_rate;
    // Eight Gauss–Legendre nodes integrate e^-x to 1e-14 over a width of 2 in x.
    let pieces = (1.0 + (0.5 * (big_h(end) + r * (end - t))).ceil()).clamp(1.0, 100.0) as usize;
    let tail = if end < at {
        0.0
    } else {
        (-big_h(at)).exp() * v
    };
    gauss_legendre(integrand, t, end, pieces) + tail
}

/// `hold` across any number of spans: what x expects at `from` from both holding until `to`.
pub(super) fn hold_across(path: &Path, x: usize, from: f64, to: f64, v: f64) -> f64 {
    let (mut at, mut value) = (to, v);
    while at > from {
        let s = path.span(at, Side::Before);
        let t = s.start.max(from);
        value = hold(path, s, x, t, at, value);
        at = t;
    }
    value
}

/// Far out on the last span s of a game without an end (beyond every event, clamp and sign change
/// of the numerators) the regime is fixed: where both numerators stay non-negative, the mix,
/// unless a side is committed at infinity (`committed_at_infinity`); where one is negative for
/// ever, that side waits and the other concedes at once; where both are, both hold, anchored at
/// the simulation's horizon on what it pays there. Returns where that begins, and the regime.
pub(super) fn asymptote(path: &Path, s: &Span, horizon: Option<f64>) -> (f64, Regime) {
    let n = [0, 1].map(|x| numerator(&view(path, s, x, s.start)).0);
    let roots = n.iter().flat_map(|p| real_roots(*p)).filter(|r| *r > 0.0);
    let far = s.start + roots.fold(0.0, f64::max) + 1.0;
    let negative = [0, 1].map(|x| poly(n[x], far - s.start) < 0.0);
    let waits = match negative {
        [false, false] => [0, 1].map(|x| committed_at_infinity(path, s, x)),
        w => w,
    };
    let regime = match waits {
        [false, false] => Regime::Mixed,
        [true, false] => Regime::Concedes(1),
        [false, true] => Regime::Concedes(0),
        [true, true] => {
            let at = horizon.unwrap_or(far).max(far);
            let value = [0, 1].map(|x| {
                let sq = path.sc.parties[x].status_quo;
                path.value(s, x, at, sq)
            });
            return (at, Regime::Hold { at, value });
        }
    };
    (far, regime)
}

/// Whether x, mixing on the last span s, would rather never concede: its indifference between
/// conceding at t and at any later time holds, but "never" (the game going on for ever, paying
/// in the limit its status quo) beats every finite time if the opponent's survival S(t) times
/// x's loss from conceding late, s_x − L_x(t), does not vanish (transversality). On the last span
/// every line is linear, so the limit follows from the hazard's form: with discounting or a
/// breakdown hazard S decays exponentially (no commitment); the opponent's hazard N/(d0 + d1 u)
/// with a constant numerator n0 decays like (n0/d1)/u, so S like u^(−n0/d1), and the loss grows
/// like d1 u: x is committed when n0 ≤ d1 (or, with no hazard at all, when s_x > L_x).
fn committed_at_infinity(path: &Path, s: &Span, x: usize) -> bool {
    let v = view(path, s, x, s.start);
    let (h0, h1) = v.hazard;
    if v.discount_rate > 0.0 || h0 > 0.0 || h1 > 0.0 {
        return false;
    }
    let (n, _, d1) = numerator(&v);
    if n[1] != 0.0 || n[2] != 0.0 {
        // A growing numerator keeps the hazard from vanishing.
        return false;
    }
    if d1 > 0.0 {
        n[0] <= d1
    } else {
        n[0] <= 0.0 && path.sc.parties[x].status_quo > path.concede(s, x, s.start)
    }
}

/// The view of party x's values on span s from time `t` (the lines at t), for its opponent's
/// hazard: what `numerator` and `hazard` read.
pub(super) fn view(path: &Path, s: &Span, x: usize, t: f64) -> OpponentView {
    let p = &path.sc.parties;
    let y = 1 - x;
    let piece = |id: LineId| (Path::level(s, id, t), s.line[id.0].1);
    let (d0, d1) = s.drift[x];
    OpponentView {
        wbar: s.wbar[x],
        demand_self: p[y].demand,
        demand_opp: p[x].demand,
        discount_rate: p[x].discount_rate,
        breakdown_cost: p[x].breakdown_cost,
        pressure: piece(LineId::pressure(x)),
        audience_cost: piece(LineId::audience_cost(x)),
        leverage: piece(LineId::leverage(x)),
        hazard: piece(LineId::HAZARD),
        drift: (d0 + d1 * (t - s.start), d1),
    }
}

fn poly(n: [f64; 3], u: f64) -> f64 {
    n[0] + u * (n[1] + u * n[2])
}

/// The real roots of `n0 + n1 u + n2 u^2`.
fn real_roots(n: [f64; 3]) -> Vec<f64> {
    let [c, b, a] = n;
    if a == 0.0 {
        return if b != 0.0 { vec![-c / b] } else { vec![] };
    }
    let disc = b * b - 4.0 * a * c;
    if disc < 0.0 {
        return vec![];
    }
    let q = -0.5 * (b + b.signum() * disc.sqrt());
    if q == 0.0 {
        return vec![0.0];
    }
    vec![q / a, c / q]
}

/// The largest u in `[lo, hi)` with the polynomial negative just below it (`hi` itself if it is
/// negative just below `hi`): where, going back from `hi`, it first turns negative.
fn last_negative(n: [f64; 3], lo: f64, hi: f64) -> Option<f64> {
    let mut cuts: Vec<f64> = real_roots(n)
        .into_iter()
        .filter(|r| *r > lo && *r < hi)
        .collect();
    cuts.push(lo);
    cuts.push(hi);
    cuts.sort_by(f64::total_cmp);
    let scale = n[0].abs() + n[1].abs() * hi.abs().max(1.0) + n[2].abs() * hi * hi;
    for w in cuts.windows(2).rev() {
        let (a, b) = (w[0], w[1]);
        let mid = if b.is_finite() {
            0.5 * (a + b)
        } else {
            a + 1.0
        };
        if b > a && poly(n, mid) < -1e-14 * scale {
            return Some(b);
        }
    }
    None
}

/// ∫_a^b f by Gauss–Legendre with 8 nodes on each of `pieces` equal parts.
fn gauss_legendre(f: impl Fn(f64) -> f64, a: f64, b: f64, pieces: usize) -> f64 {
    const X: [f64; 4] = [
        0.183_434_642_495_649_8,
        0.525_532_409_916_329,
        0.796_666_477_413_626_7,
        0.960_289_856_497_536_3,
    ];
    const W: [f64; 4] = [
        0.362_683_783_378_362,
        0.313_706_645_877_887_3,
        0.222_381_034_453_374_5,
        0.101_228_536_290_376_3,
    ];
    let h = (b - a) / pieces as f64;
    let mut total = 0.0;
    for k in 0..pieces {
        let mid = a + (k as f64 + 0.5) * h;
        let half = 0.5 * h;
        for (x, w) in X.iter().zip(W) {
            total += w * half * (f(mid - half * x) + f(mid + half * x));
        }
    }
    total
}
