//! The Bayesian equilibrium of the war of attrition with private values (Fudenberg & Tirole
//! 1986; Nalebuff & Riley 1985; Krishna & Morgan 1997). Party i's pie is worth v_i (its type
//! times its stake), drawn from the prior G_i; it concedes at b_i(v_i), increasing in v_i; the
//! conceder gets 0, the other v_i, both pay c_i per unit of time.
//!
//! Write `s_i(t) = -ln(1 - G_i(b_i^{-1}(t)))` for the integrated hazard of i's concessions and
//! `Q_i(s) = G_i^{-1}(1 - e^{-s})` for the type that concedes when it reaches s. The type of j
//! conceding at t is indifferent at the margin, `Q_j(s_j) s_i' = c_j`, so
//!
//! ```text
//! s_0' = c_1 / Q_1(s_1),   s_1' = c_0 / Q_0(s_0).
//! ```
//!
//! Symmetric parties follow the diagonal `s_0 = s_1`, which is the closed form
//! `b(v) = (1/c) int_lo^v x g(x) / (1 - G(x)) dx` (uniform values on [0, 1]: `(-v - ln(1 - v)) / c`;
//! exponential with mean m: `v^2 / (2 m c)`). Asymmetric parties have a continuum of equilibria
//! (Nalebuff & Riley 1985): every trajectory of the system above that leaves the origin or an
//! axis (one side conceding with an atom at t = 0) is one. With lowest values 0 the free
//! parameter is how aggressive one side is against the other; with positive lowest values it is
//! the size of an atom. impasse selects one by a single rule: the trajectory on which the two
//! sides' types at quantile `pivot` (the medians by default) concede at the same moment,
//! `s_0 = s_1 = -ln(1 - pivot)`. Symmetric parties satisfy it for every pivot, so the rule
//! only matters when the sides differ, and a sweep over `pivot` walks the continuum.
//!
//! The solve: along the trajectory `u = s_0 + s_1` rises at the rate `s_0' + s_1'`; as functions
//! of u, `ds_0/du = w_0 / (w_0 + w_1)` and `dt/du = w_0 w_1 / (w_0 + w_1)`, with
//! `w_i = Q_i(s_i) / c_i`. These stay bounded even where a lowest value is 0 (there the rates in
//! t are infinite), so a Runge–Kutta (RK4) in u integrates backward from the pivot to
//! the start (the origin, or an axis: the atom) and forward until both sides have reached
//! `s = 27` (types above the `1 - e^{-27}` quantile, probability 2e-12, concede at the last
//! tabulated time; once a side passes it, its value is held there, which moves only the plans of
//! opponent types that would outlast it, an event of probability below 2e-12). Time is then
//! counted from the start. The tables are built once per scenario; a round finds its type
//! through a bucket index and a short binary search, and interpolates linearly.

use crate::model::Resolve;

/// Integration step in u = s_0 + s_1.
const STEP: f64 = 1.0 / 256.0;
/// The largest s tabulated: the `1 - e^{-27}` quantile.
const S_MAX: f64 = 27.0;

/// b(v) for one party, tabulated.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    values: Vec<f64>,
    times: Vec<f64>,
    /// A lookup index over equal value buckets: `first[b]` is the first entry whose value is at
    /// least bucket b's lower edge, so a search only scans one bucket's entries.
    first: Vec<usize>,
    /// Buckets per unit of value.
    scale: f64,
}

impl Plan {
    fn new(values: Vec<f64>, times: Vec<f64>) -> Plan {
        let (lo, hi) = (values[0], values[values.len() - 1]);
        let buckets = values.len();
        let scale = if hi > lo {
            buckets as f64 / (hi - lo)
        } else {
            0.0
        };
        let first = (0..=buckets)
            .map(|b| {
                let edge = lo + b as f64 / scale;
                values.partition_point(|&x| x < edge)
            })
            .collect();
        Plan {
            values,
            times,
            first,
            scale,
        }
    }

    /// The first entry whose value is at least `v`: a binary search over v's bucket and its
    /// neighbours (so that rounding at a bucket's edge cannot matter), which gives exactly what a
    /// search of the whole table gives.
    fn position(&self, v: f64) -> usize {
        let buckets = self.first.len() - 1;
        let b = (v - self.values[0]) * self.scale;
        if self.scale == 0.0 || b.is_nan() {
            return self.values.partition_point(|&x| x < v);
        }
        if b < 0.0 {
            return 0;
        }
        let b = (b as usize).min(buckets - 1);
        let lo = self.first[b.saturating_sub(1)];
        let hi = (self.first[(b + 2).min(buckets)] + 1).min(self.values.len());
        lo + self.values[lo..hi].partition_point(|&x| x < v)
    }

    /// When a party of value `v` concedes.
    pub fn stop_time(&self, v: f64) -> f64 {
        let k = self.position(v);
        if k == 0 {
            return 0.0;
        }
        if k >= self.values.len() {
            return self.times[self.times.len() - 1];
        }
        let (v0, v1) = (self.values[k - 1], self.values[k]);
        let w = if v1 > v0 { (v - v0) / (v1 - v0) } else { 1.0 };
        self.times[k - 1] + w * (self.times[k] - self.times[k - 1])
    }
}

/// One side of the game: the prior of its type, its stake and its cost of waiting.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    /// The prior of its type.
    pub prior: &'a Resolve,
    /// Its stake.
    pub stake: f64,
    /// Its constant cost of waiting.
    pub cost: f64,
}

impl Side<'_> {
    /// `Q(s)`: the value at quantile `1 - e^{-s}`.
    fn value(&self, s: f64) -> f64 {
        self.stake * self.prior.quantile(-(-s.clamp(0.0, S_MAX)).exp_m1())
    }
}

/// The stopping rules `[b_0, b_1]` of the equilibrium selected by `pivot` in (0, 1).
pub fn solve(sides: [Side; 2], pivot: f64) -> [Plan; 2] {
    let w = |s0: f64, s1: f64| {
        [
            sides[0].value(s0) / sides[0].cost,
            sides[1].value(s1) / sides[1].cost,
        ]
    };
    // (ds_0/du, dt/du) at (u, s_0).
    let field = |u: f64, x: f64| -> (f64, f64) {
        let [w0, w1] = w(x, (u - x).max(0.0));
        let sum = w0 + w1;
        if sum > 0.0 {
            (w0 / sum, w0 * w1 / sum)
        } else {
            // Only at the origin with both lowest values 0: the step ends there.
            (0.5, 0.0)
        }
    };
    let rk4 = |u: f64, x: f64, h: f64| -> (f64, f64) {
        let (k1, l1) = field(u, x);
        let (k2, l2) = field(u + h / 2.0, x + h / 2.0 * k1);
        let (k3, l3) = field(u + h / 2.0, x + h / 2.0 * k2);
        let (k4, l4) = field(u + h, x + h * k3);
        (
            x + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4),
            h / 6.0 * (l1 + 2.0 * l2 + 2.0 * l3 + l4),
        )
    };
    let inside = |u: f64, x: f64| x > 0.0 && x < u;

    // Points (u, s_0, t) with t counted from the pivot.
    let sp = -(-pivot).ln_1p();
    let mut back = vec![(2.0 * sp, sp, 0.0)];
    let (mut u, mut x, mut t) = (2.0 * sp, sp, 0.0);
    while u > 0.0 {
        let h = STEP.min(u);
        let (x1, dt) = rk4(u, x, -h);
        if u - h > 0.0 && inside(u - h, x1) {
            (u, x, t) = (u - h, x1, t + dt);
            back.push((u, x, t));
            continue;
        }
        // The step reaches the origin or leaves through an axis: bisect for the last inside
        // point, then land on the axis (an atom at t = 0 for the side whose s is positive).
        let (mut lo, mut hi) = (0.0, h);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            let (xm, _) = rk4(u, x, -mid);
            if u - mid > 0.0 && inside(u - mid, xm) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let (xe, dt) = rk4(u, x, -hi);
        let ue = u - hi;
        let xe = xe.clamp(0.0, ue.max(0.0));
        back.push((ue.max(0.0), xe, t + dt));
        break;
    }
    let t0 = back.last().map_or(0.0, |p| p.2);

    let mut path: Vec<(f64, f64, f64)> =
        back.iter().rev().map(|&(u, x, t)| (u, x, t - t0)).collect();
    let (mut u, mut x, mut t) = (2.0 * sp, sp, -t0);
    // Forward: a fixed step until u = 4, then growing in proportion to u (where the types are
    // rarer and their values change more slowly), so that a side far slower than the other is
    // still followed to its top quantile in a bounded number of steps.
    while x < S_MAX || u - x < S_MAX {
        let h = STEP * (u / 4.0).max(1.0);
        let (x1, dt) = rk4(u, x, h);
        (u, x, t) = (u + h, x1, t + dt);
        path.push((u, x, t));
    }

    let plan = |i: usize| {
        let (mut values, mut times) = (Vec::new(), Vec::new());
        for &(u, x, t) in &path {
            let s = if i == 0 { x } else { (u - x).max(0.0) };
            values.push(sides[i].value(s));
            times.push(t.max(0.0));
            if s >= S_MAX {
                break;
            }
        }
        Plan::new(values, times)
    };
    [plan(0), plan(1)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_distr::Exp;

    fn exponential(mean: f64) -> Resolve {
        Resolve::Exponential {
            mean,
            d: Exp::new(1.0 / mean).unwrap(),
        }
    }

    /// Tables agree with closed forms to 1e-5 (relative above 1): the linear interpolation
    /// between grid points, far below any Monte Carlo se of the validation tests (>= 1e-3).
    fn close(got: f64, exact: f64, what: &str) {
        assert!(
            (got - exact).abs() < 1e-5 * (1.0 + exact),
            "{what}: {got} against {exact} ({})",
            got - exact
        );
    }

    #[test]
    fn symmetric_tables_match_the_closed_forms_for_every_pivot() {
        for pivot in [0.1, 0.5, 0.9] {
            let u = Resolve::uniform(0.0, 1.0);
            let side = Side {
                prior: &u,
                stake: 1.0,
                cost: 2.0,
            };
            for plan in solve([side, side], pivot) {
                for v in [0.1, 0.5, 0.9, 0.99] {
                    let exact = (-v - (1.0f64 - v).ln()) / 2.0;
                    close(plan.stop_time(v), exact, "uniform");
                }
            }
            let e = exponential(2.0);
            let side = Side {
                prior: &e,
                stake: 1.0,
                cost: 1.0,
            };
            for plan in solve([side, side], pivot) {
                for v in [0.3, 2.0, 7.0] {
                    close(plan.stop_time(v), v * v / 4.0, "exponential");
                }
            }
        }
    }

    /// Exponential values with means m_i: `s_0 = α t^a`, `s_1 = β t^b` with `K = c_1/m_1 + c_0/m_0`,
    /// `a = (c_1/m_1)/K`, `b = 1 - a`, `αβ = K`; the pivot fixes `t_p = s_p^2 / K`.
    #[test]
    fn asymmetric_exponential_tables_match_the_power_laws() {
        let (e0, e1) = (exponential(1.0), exponential(1.0));
        let sides = [
            Side {
                prior: &e0,
                stake: 1.0,
                cost: 1.0,
            },
            Side {
                prior: &e1,
                stake: 2.0,
                cost: 0.5,
            },
        ];
        for pivot in [0.5, 0.8] {
            let plans = solve(sides, pivot);
            let (m0, m1, c0, c1) = (1.0, 2.0, 1.0, 0.5);
            let k = c1 / m1 + c0 / m0;
            let a = (c1 / m1) / k;
            let sp = -(1.0f64 - pivot).ln();
            let tp = sp * sp / k;
            let (alpha, beta) = (sp / tp.powf(a), sp / tp.powf(1.0 - a));
            // Side 0's types above about 1.5 concede after side 1 has passed its top tabulated
            // quantile (s_1 > 27), where side 1's value is held there: they are not checked.
            for v in [0.01, 0.3, 1.0, 1.5] {
                let b0 = (v / m0 / alpha).powf(1.0 / a);
                close(plans[0].stop_time(v), b0, "b_0");
            }
            for v in [0.01, 0.3, 1.0, 4.0, 15.0] {
                let b1 = (v / m1 / beta).powf(1.0 / (1.0 - a));
                close(plans[1].stop_time(v), b1, "b_1");
            }
        }
    }

    /// A positive lowest value on one side makes the trajectory leave an axis: the other side
    /// concedes with an atom at t = 0, whose top type is indifferent there.
    #[test]
    fn a_positive_lowest_value_gives_the_other_side_an_atom() {
        let (u0, u1) = (Resolve::uniform(0.0, 1.0), Resolve::uniform(0.5, 1.5));
        let side = |prior| Side {
            prior,
            stake: 1.0,
            cost: 1.0,
        };
        let [p0, p1] = solve([side(&u0), side(&u1)], 0.5);
        assert!(p0.values[0] > 0.01, "{:?}", &p0.values[..3]);
        assert_eq!(p1.values[0], 0.5);
        assert_eq!(p0.stop_time(0.5 * p0.values[0]), 0.0);
        assert!(p1.stop_time(0.5 + 1e-3) > 0.0);
    }

    #[test]
    fn the_bucket_index_finds_what_a_full_search_finds() {
        let (u0, e1) = (Resolve::uniform(0.0, 1.0), exponential(2.0));
        let plans = solve(
            [
                Side {
                    prior: &u0,
                    stake: 1.0,
                    cost: 1.0,
                },
                Side {
                    prior: &e1,
                    stake: 3.0,
                    cost: 0.5,
                },
            ],
            0.5,
        );
        for plan in &plans {
            let (lo, hi) = (plan.values[0], plan.values[plan.values.len() - 1]);
            let probes = (0..20_000)
                .map(|k| lo - 0.1 + (hi - lo + 0.2) * k as f64 / 20_000.0)
                .chain(plan.values.iter().copied())
                .chain([f64::NEG_INFINITY, f64::INFINITY, -0.0, lo, hi]);
            for v in probes {
                let full = plan.values.partition_point(|&x| x < v);
                assert_eq!(plan.position(v), full, "v = {v}");
            }
        }
    }
}
