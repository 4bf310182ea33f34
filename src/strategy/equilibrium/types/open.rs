//! Private types in a game without an end (docs/model.md 6.1, "Private types without an end"):
//! both sides' types concede along the mixed regime for ever, each marginal type indifferent,
//!
//! ```text
//! s_y'(t) = N_x(t, m_x) / M_x(t, m_x) = 1 / w_x,    w_x = M_x / N_x,
//! ```
//!
//! with no end to pin the atom at the start down: every trajectory that leaves the origin or an
//! axis is an equilibrium (Nalebuff & Riley 1985). The one solved is the trajectory on which
//! both sides' types at the quantile `PIVOT` (the medians) concede at the same moment, as the
//! `bayesian` strategy selects in the bare war of attrition, which is the special case of this
//! with N_x = c_x and M_x = θ V_x. As there, the pair is integrated in u = s_a + s_b, where
//! `ds_a/du = w_a / (w_a + w_b)` and `dt/du = w_a w_b / (w_a + w_b)` stay bounded where a lowest
//! type is worth nothing (rates in t infinite): backward from the pivot to the axis, with the
//! pivot's time found so that the axis falls at the solve's start (one try where the game does
//! not change with time), and forward until both sides reach the top of their priors. The
//! construction is an equilibrium where every type of each side strictly loses by waiting
//! while the other does not concede (N_x > 0 for every type: no type would ever hold for
//! ever) and single crossing holds; elsewhere the solve says what it does not cover. Steps land
//! on every span's start, and where a scheduled event lowers a side's value of conceding the
//! other concedes there with the atom that bridges it (`atoms_at`).

use super::affine::{self, Move};
use crate::model::{PARTIES, Resolve};
use crate::strategy::equilibrium::curve::Curve;
use crate::strategy::equilibrium::cutoffs::ALL;
use crate::strategy::equilibrium::indifference::Indifference;
use crate::strategy::equilibrium::path::{Path, Side};

/// The quantile whose types concede at the same moment on both sides, where `equilibrium`
/// plays (the `bayesian` strategy's `pivot` chooses its own).
pub(super) const PIVOT: f64 = 0.5;

/// Runge–Kutta step in u = s_a + s_b (the `bayesian` strategy's): an error of order STEP⁴.
const STEP: f64 = 1.0 / 256.0;

/// Tries at the pivot's time at most, and how close the axis must fall to the start (relative
/// to the time from it to the pivot, or 1).
const TRIES: usize = 60;
const AT_START: f64 = 1e-12;

/// Steps forward at most: a side far slower than the other is followed to its top quantile in
/// steps that grow with u, well within this.
const MOST_STEPS: usize = 1 << 20;

/// The game from the start at θ = 0 and θ = 1 on each side, read at the marginal types.
pub(super) struct Open<'p, 'a> {
    pub paths: [&'p Path<'a>; 2],
    pub priors: [Option<&'p Resolve>; PARTIES],
    pub known: [f64; PARTIES],
    /// Per side, per span, N_x and M_x at θ = 0 and θ = 1 from the span's start.
    ind: [Vec<[Indifference; 2]>; PARTIES],
    /// Where a span begins after the first (a scheduled event, a clamp): the integration lands
    /// there, with the move in each side's value of conceding there.
    cuts: Vec<(f64, Move)>,
    /// Values closer than this are equal.
    tol: f64,
}

/// A point of the trajectory: `(u, s_a, t)`.
type Point = (f64, f64, f64);

/// A curve's node: `(t, s, s')`.
type Node = (f64, f64, f64);

/// Why the game is not solved here.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Unsolved {
    /// A structure this solve does not cover.
    Unsupported(&'static str),
    /// Higher types of this party would gain less from waiting, at this time.
    SingleCrossing { party: usize, time: f64 },
}

/// Where a marginal type would rather wait or finds the other's concession worth less than
/// nothing, on the way: the mixed regime does not hold there.
const BROKEN: Unsolved =
    Unsolved::Unsupported("a game without an end whose mixed regime breaks down");

impl<'p, 'a> Open<'p, 'a> {
    pub fn new(
        paths: [&'p Path<'a>; 2],
        priors: [Option<&'p Resolve>; PARTIES],
        known: [f64; PARTIES],
    ) -> Result<Self, Unsolved> {
        let [p0, p1] = paths;
        if p0.spans.len() != p1.spans.len() {
            return Err(Unsolved::Unsupported("paths that differ with the type"));
        }
        let ind = affine::indifferences(paths);
        let cuts = (p1.spans[1..].iter())
            .map(|span| (span.start, affine::move_at(paths, span.start)))
            .collect();
        Ok(Open {
            paths,
            priors,
            known,
            ind,
            cuts,
            tol: 1e-9 * p1.scale(),
        })
    }

    /// The atoms at a cut, as increments of each side's s, where the integrated hazards are s
    /// just before it: where the event lowers x's value of conceding at its marginal type, y
    /// concedes with the atom π = drop / room that keeps that type indifferent across it (6.1's
    /// bridge, as `Game::bridge` places it with an end).
    fn atoms_at(&self, m: &Move, s: [f64; PARTIES]) -> Result<[f64; PARTIES], Unsolved> {
        let mut jump = [0.0; PARTIES];
        for x in 0..PARTIES {
            let theta = self.marginal(x, s[x]);
            let at = |v: [f64; 2]| v[0] + theta * (v[1] - v[0]);
            let (drop, room) = (at(m[x][0]), at(m[x][1]));
            if drop.abs() <= self.tol {
                continue;
            }
            if drop < 0.0 || room <= drop {
                return Err(Unsolved::Unsupported(
                    "a game without an end with an event that raises a value of conceding",
                ));
            }
            jump[1 - x] = -(-drop / room).ln_1p();
        }
        if jump.iter().all(|&j| j > 0.0) {
            return Err(Unsolved::Unsupported(
                "a game without an end with an event that lowers both values of conceding",
            ));
        }
        Ok(jump)
    }

    /// A Runge–Kutta step of length h in u from p that stops at the first cut it would cross
    /// (forward: after p; backward: before p), landing on it: the point reached, and the cut's
    /// move where it stopped at one.
    fn step_to_cut(&self, p: Point, h: f64) -> (Point, Option<&Move>) {
        let next = self.step(p, h);
        let crossed = |t: f64| {
            if h > 0.0 {
                p.2 < t && t <= next.2
            } else {
                next.2 < t && t < p.2
            }
        };
        let Some((at, m)) = self.cuts.iter().find(|c| crossed(c.0)) else {
            return (next, None);
        };
        // The fraction of the step that reaches the cut (t is monotone in u).
        let (mut lo, mut hi) = (0.0, h.abs());
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            let t = self.step(p, mid * h.signum()).2;
            if (t < *at) == (h > 0.0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let (u, sa, _) = self.step(p, hi * h.signum());
        ((u, sa, *at), Some(m))
    }

    /// x's marginal type where its integrated hazard is s.
    fn marginal(&self, x: usize, s: f64) -> f64 {
        affine::marginal(self.priors[x], self.known[x], s.max(0.0))
    }

    /// x's (N_x, M_x) at t for type θ: affine in θ between the paths at 0 and 1.
    fn flows(&self, x: usize, t: f64, theta: f64) -> (f64, f64) {
        self.flows_on(x, t, theta, Side::After)
    }

    /// The same, on the span that ends at t where `side` says so and one does.
    fn flows_on(&self, x: usize, t: f64, theta: f64, side: Side) -> (f64, f64) {
        let spans = &self.paths[1].spans;
        let mut k = spans.partition_point(|s| s.start <= t).max(1) - 1;
        if side == Side::Before && k > 0 && spans[k].start == t {
            k -= 1;
        }
        let [i0, i1] = self.ind[x][k];
        let u = t - spans[k].start;
        let (n0, n1) = (i0.numerator.at(u), i1.numerator.at(u));
        let (d0, d1) = (i0.denominator.value(u), i1.denominator.value(u));
        (n0 + theta * (n1 - n0), d0 + theta * (d1 - d0))
    }

    /// w_x = M_x / N_x at the marginal types where the integrated hazards are s, at t; NaN
    /// where the marginal type would rather wait (N ≤ 0) or the other's concession is worth
    /// less than nothing to it (M < 0).
    fn w(&self, t: f64, s: [f64; PARTIES]) -> [f64; PARTIES] {
        self.w_on(t, s, Side::After)
    }

    fn w_on(&self, t: f64, s: [f64; PARTIES], side: Side) -> [f64; PARTIES] {
        [0, 1].map(|x| {
            let (n, m) = self.flows_on(x, t, self.marginal(x, s[x]), side);
            if n > 0.0 && m >= 0.0 { m / n } else { f64::NAN }
        })
    }

    /// (ds_a/du, dt/du) at (u, s_a, t).
    fn field(&self, (u, sa, t): Point) -> (f64, f64) {
        let [wa, wb] = self.w(t, [sa, (u - sa).max(0.0)]);
        let sum = wa + wb;
        if sum > 0.0 {
            (wa / sum, wa * wb / sum)
        } else {
            // Only at the origin where both lowest types are worth nothing.
            (0.5, 0.0)
        }
    }

    /// The classical Runge–Kutta step of length h in u.
    fn step(&self, p: Point, h: f64) -> Point {
        let (u, x, t) = p;
        let (k1, l1) = self.field(p);
        let (k2, l2) = self.field((u + h / 2.0, x + h / 2.0 * k1, t + h / 2.0 * l1));
        let (k3, l3) = self.field((u + h / 2.0, x + h / 2.0 * k2, t + h / 2.0 * l2));
        let (k4, l4) = self.field((u + h, x + h * k3, t + h * l3));
        (
            u + h,
            x + h / 6.0 * (k1 + 2.0 * (k2 + k3) + k4),
            t + h / 6.0 * (l1 + 2.0 * (l2 + l3) + l4),
        )
    }

    /// Backward from the pivot at time `at` to where the trajectory leaves the quadrant (the
    /// origin, or an axis: the atom at the start), the points from there to the pivot.
    fn back(&self, at: f64, pivot: f64) -> Result<Vec<Point>, Unsolved> {
        let sp = -(-pivot).ln_1p();
        let inside = |(u, x, _): Point| x > 0.0 && x < u && u > 0.0;
        let mut p = (2.0 * sp, sp, at);
        let mut out = vec![p];
        loop {
            let h = STEP.min(p.0);
            let (next, cut) = self.step_to_cut(p, -h);
            if next.1.is_nan() || next.2.is_nan() {
                return Err(BROKEN);
            }
            if inside(next) {
                p = next;
                out.push(p);
                if let Some(m) = cut {
                    // Back across the cut: the atoms there, which the marginal types of the
                    // side that makes none (unchanged across it) set.
                    let sb = (p.0 - p.1).max(0.0);
                    let jump = self.atoms_at(m, [p.1, sb])?;
                    p = (p.0 - jump[0] - jump[1], p.1 - jump[0], p.2);
                    if !inside(p) {
                        return Err(Unsolved::Unsupported(
                            "a game without an end whose atom at an event exceeds what was \
                             conceded before it",
                        ));
                    }
                    out.push(p);
                }
                continue;
            }
            // Bisect for the last point inside, then land on the axis.
            let (mut lo, mut hi) = (0.0, h);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if inside(self.step(p, -mid)) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let (u, x, t) = self.step(p, -hi);
            let u = u.max(0.0);
            out.push((u, x.clamp(0.0, u), t));
            out.reverse();
            return Ok(out);
        }
    }

    /// The trajectory through the pivot whose backward run reaches the axis at the start t0.
    fn through_start(&self, t0: f64, pivot: f64) -> Result<Vec<Point>, Unsolved> {
        // Secant steps on the pivot's time (the first as if the game did not change with time).
        let mut at = t0;
        let mut last: Option<(f64, f64)> = None;
        for _ in 0..TRIES {
            let mut back = self.back(at, pivot)?;
            let miss = back[0].2 - t0;
            if miss.abs() <= AT_START * (at - t0).abs().max(1.0) {
                // Within rounding of the start: the atom there is at the start.
                back[0].2 = t0;
                return Ok(back);
            }
            let slope = match last {
                Some((a, m)) if at != a && miss != m => (miss - m) / (at - a),
                _ => 1.0,
            };
            last = Some((at, miss));
            at -= miss / slope;
        }
        Err(Unsolved::Unsupported(
            "a game without an end whose pivot's time is not found",
        ))
    }

    /// The equilibrium from t0, where neither side has conceded yet, whose types at quantile
    /// `pivot` concede at the same moment.
    pub fn solve(&self, t0: f64, pivot: f64) -> Result<[Curve; PARTIES], Unsolved> {
        let mut points = self.through_start(t0, pivot)?;
        let mut p = *points.last().expect("the pivot");
        let mut steps = 0;
        while p.1 < ALL || p.0 - p.1 < ALL {
            let h = STEP * (p.0 / 4.0).max(1.0);
            let cut;
            (p, cut) = self.step_to_cut(p, h);
            if p.1.is_nan() || p.2.is_nan() || steps > MOST_STEPS {
                return Err(BROKEN);
            }
            points.push(p);
            if let Some(m) = cut {
                let jump = self.atoms_at(m, [p.1, (p.0 - p.1).max(0.0)])?;
                p = (p.0 + jump[0] + jump[1], p.1 + jump[0], p.2);
                points.push(p);
            }
            steps += 1;
        }
        self.check(&points)?;
        Ok([0, 1].map(|x| Curve::new(&self.nodes(&points, x), self.priors[x].cloned())))
    }

    /// Side x's `(t, s, s')` nodes, times increasing (a run of points at one time, at the start
    /// where an atom is, kept as its last).
    fn nodes(&self, points: &[Point], x: usize) -> Vec<Node> {
        let mut out: Vec<Node> = Vec::with_capacity(points.len());
        for (k, &(u, sa, t)) in points.iter().enumerate() {
            let s = [sa, (u - sa).max(0.0)];
            // s_x' = 1 / w_y: infinite where y's marginal type is worth nothing; the first of
            // two points at a cut ends the span before it.
            let side = match points.get(k + 1) {
                Some(next) if k > 0 && next.2 == t => Side::Before,
                _ => Side::After,
            };
            let w = self.w_on(t, s, side)[1 - x];
            let node = (t, s[x], 1.0 / w);
            // Points at the start's instant (where a lowest type worth nothing holds the time
            // still) are one node; two at a later instant are an atom at a cut.
            let start = out.len() == 1;
            match out.last_mut() {
                Some(last) if start && last.0 >= t => *last = (last.0, node.1.max(last.1), node.2),
                _ => out.push(node),
            }
        }
        out
    }

    /// What the construction relies on, along the trajectory: every type of each side loses
    /// by waiting while the other does not concede (N_x > 0 at the top of its prior: no type
    /// would hold for ever), and higher types gain more from waiting (N_x / M_x falls with θ).
    fn check(&self, points: &[Point]) -> Result<(), Unsolved> {
        let top = [0, 1].map(|x| self.marginal(x, ALL));
        let tol = 1e-9 * self.paths[1].scale();
        for &(_, _, t) in points {
            for (x, &top) in top.iter().enumerate() {
                let (n, _) = self.flows(x, t, top);
                if n <= 0.0 {
                    return Err(Unsolved::Unsupported(
                        "a game without an end in which a type would hold on",
                    ));
                }
                if self.priors[x].is_none() {
                    continue;
                }
                if affine::crossing_fails(self.flows(x, t, 0.0), self.flows(x, t, 1.0), tol) {
                    return Err(Unsolved::SingleCrossing { party: x, time: t });
                }
            }
        }
        Ok(())
    }
}
