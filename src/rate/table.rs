//! `Table`: a rational hazard's integral tabulated once per segment of a plan that many rounds
//! play, inverted by an index, a cubic Hermite guess and Newton steps on the closed form
//! (docs/model.md, section 7).

use super::{Rate, Step, invert, quadratic_roots, rational_antiderivative};

/// A rational rate's integral `Λ(v)` over `[0, len]`, tabulated once (for a segment of an
/// equilibrium plan, the same in every round) so that inverting it costs an index and one Newton
/// step instead of a bracketed iteration from scratch (docs/model.md, section 7).
///
/// The table holds the inverse, `v(y)` at `NODES + 1` equally spaced levels `y_k = k Δ` of the
/// integral, integrated from `v' = 1 / λ(v)` by Runge-Kutta steps (no logarithm), and its slope.
/// A level's cell is found by division; inside it the cubic Hermite interpolant guesses `v`
/// (within `Δ⁴ max|v⁗| / 384` of the nodes' curve, which is within the integration's error of the
/// inverse), and Newton steps on the closed form refine it inside the piece's bracket, narrowed
/// by every evaluation; a step that would leave it hands over to the bracketed iteration
/// (`invert`), as do four steps without meeting the stopping rule. A step of size `δ` leaves an error of at most
/// `M δ²`, `M = max |λ'| / (2 min λ)` over the piece (bounded from the nodes with a margin of 4),
/// so the iteration stops once `M δ²` is below a quarter of an ulp of the result: the answer is
/// the closed form's root to full precision, whatever the guess. Only rates positive on the
/// whole piece are tabulated (`Table::new` says `None` otherwise).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    n: [f64; 3],
    d0: f64,
    d1: f64,
    len: f64,
    /// `Λ(len)`, and the spacing of the levels `Δ = Λ(len) / NODES`.
    total: f64,
    step: f64,
    /// `[v, Δ v']` at each level, side by side so that a cell is one or two cache lines.
    nodes: Vec<[f64; 2]>,
    /// `M` above.
    curvature: f64,
    /// The log form's coefficients (`rational_antiderivative`), `None` where it uses the series.
    log_form: Option<[f64; 4]>,
}

impl Table {
    /// Levels per piece: fine enough that one Newton step usually meets the stopping rule (1024
    /// levels cost 15 % more per round on the `round/*` benches), at about 140 µs per table to
    /// build (once per scenario, or per sweep point).
    pub const NODES: usize = 2048;

    /// Tabulate a `Rate::Rational` positive on `[0, len]` (finite, positive `len`).
    pub fn new(rate: &Rate, len: f64) -> Option<Table> {
        let Rate::Rational { n, d0, d1 } = *rate else {
            return None;
        };
        if !(len.is_finite() && len > 0.0) {
            return None;
        }
        let num = |u: f64| n[0] + u * (n[1] + u * n[2]);
        let positive = num(0.0) > 0.0
            && num(len) > 0.0
            && quadratic_roots(n).all(|r| r <= 0.0 || r >= len)
            && d0 > 0.0
            && d0 + d1 * len > 0.0;
        if !positive {
            return None;
        }
        let e = d1 / d0;
        let log_form = ((e * len).abs() >= 0.05).then(|| {
            let p1 = n[2] / d1;
            let p0 = (n[1] - p1 * d0) / d1;
            [p0, 0.5 * p1, (n[0] - p0 * d0) / d1, e]
        });
        let anti = |u: f64| antiderivative(log_form, n, d0, d1, len, u);
        let lam = |u: f64| num(u) / (d0 + d1 * u);
        let total = anti(len);
        let step = total / Self::NODES as f64;
        // The inverse solves v'(y) = 1 / λ(v), v(0) = 0: classical Runge-Kutta steps of Δ
        // (the nodes only guess; the closed form decides), ending at len exactly.
        let slope = |u: f64| 1.0 / lam(u.min(len));
        let mut v = Vec::with_capacity(Self::NODES + 1);
        v.push(0.0);
        for k in 0..Self::NODES - 1 {
            let u = v[k];
            let k1 = slope(u);
            let k2 = slope(u + 0.5 * step * k1);
            let k3 = slope(u + 0.5 * step * k2);
            let k4 = slope(u + step * k3);
            v.push((u + step / 6.0 * (k1 + 2.0 * (k2 + k3) + k4)).min(len));
        }
        v.push(len);
        let dv: Vec<f64> = v.iter().map(|&u| step / lam(u)).collect();
        let nodes: Vec<[f64; 2]> = v.iter().zip(&dv).map(|(&a, &b)| [a, b]).collect();
        let rates: Vec<f64> = (0..=Self::NODES)
            .map(|k| lam(len * k as f64 / Self::NODES as f64))
            .collect();
        let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
        let slope = rates
            .windows(2)
            .map(|w| (w[1] - w[0]).abs() * Self::NODES as f64 / len)
            .fold(0.0, f64::max);
        let curvature = 4.0 * slope / (2.0 * min);
        let finite = total > 0.0 && total.is_finite() && curvature.is_finite();
        if !(finite && v.windows(2).all(|w| w[0] <= w[1]) && dv.iter().all(|d| d.is_finite())) {
            return None;
        }
        Some(Table {
            n,
            d0,
            d1,
            len,
            total,
            step,
            nodes,
            curvature,
            log_form,
        })
    }

    /// `Λ(v)`, the closed form (`v` in `[0, len]`).
    #[inline]
    pub fn integral(&self, v: f64) -> f64 {
        if v == 0.0 {
            0.0
        } else if v == self.len {
            self.total
        } else {
            self.antiderivative(v)
        }
    }

    #[inline]
    fn antiderivative(&self, v: f64) -> f64 {
        antiderivative(self.log_form, self.n, self.d0, self.d1, self.len, v)
    }

    /// The rate at `v`.
    #[inline]
    fn rate(&self, v: f64) -> f64 {
        (self.n[0] + v * (self.n[1] + v * self.n[2])) / (self.d0 + self.d1 * v)
    }

    /// `Rate::advance` over the piece `[v0, v1]` of the table's (`v1 <= len`; the piece that
    /// reaches the table's end passes `len` itself, so that its integral is the stored one):
    /// where the budget runs out, as a time from `v0`, or how much of it the piece uses.
    #[inline]
    pub fn advance(&self, v0: f64, v1: f64, budget: f64) -> Step {
        if budget <= 0.0 {
            return Step::Fires(0.0);
        }
        let v1 = v1.min(self.len);
        let (c0, c1) = (self.integral(v0), self.integral(v1));
        let target = c0 + budget;
        if target > c1 {
            return Step::Spent((c1 - c0).max(0.0));
        }
        Step::Fires((self.invert(target) - v0).clamp(0.0, v1 - v0))
    }

    /// The `v` at which `Λ(v) = y`, for `0 <= y <= Λ(len)`.
    pub fn invert(&self, y: f64) -> f64 {
        let x = y / self.step;
        let k = (x as usize).min(Self::NODES - 1);
        let ([a, da], [b, db]) = (self.nodes[k], self.nodes[k + 1]);
        // The nodes are the inverse to the integration's error, not exactly: the bracket is the
        // whole piece, narrowed by each evaluation.
        let (mut lo, mut hi) = (0.0, self.len);
        // Cubic Hermite in s = (y - y_k) / Δ.
        let s = (x - k as f64).clamp(0.0, 1.0);
        let (s2, s3) = (s * s, s * s * s);
        let mut v = (2.0 * s3 - 3.0 * s2 + 1.0) * a
            + (s3 - 2.0 * s2 + s) * da
            + (3.0 * s2 - 2.0 * s3) * b
            + (s3 - s2) * db;
        if !(v >= lo && v <= hi) {
            v = 0.5 * (lo + hi);
        }
        // Newton from the guess while its steps stay in the bracket (one or two, as a rule);
        // else the bracketed iteration every other inversion uses, on what is left.
        for _ in 0..4 {
            let g = self.antiderivative(v) - y;
            if g == 0.0 {
                return v;
            }
            if g < 0.0 {
                lo = v;
            } else {
                hi = v;
            }
            let step = g / self.rate(v);
            let next = v - step;
            if !(next >= lo && next <= hi) {
                break;
            }
            v = next;
            if self.curvature * step * step <= 0.25 * f64::EPSILON * v.abs() {
                return v;
            }
        }
        invert(|u| self.antiderivative(u), |u| self.rate(u), lo, hi, y)
    }
}

/// `rational_antiderivative` with the log form's coefficients `[p0, p1 / 2, rem / d1, e]`
/// computed once (a table's piece); the series form is unchanged.
#[inline]
fn antiderivative(
    log_form: Option<[f64; 4]>,
    n: [f64; 3],
    d0: f64,
    d1: f64,
    len: f64,
    v: f64,
) -> f64 {
    match log_form {
        Some([p0, half_p1, q, e]) => v * (p0 + half_p1 * v) + q * (e * v).ln_1p(),
        None => rational_antiderivative(n, d0, d1, len, v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table's inverse is the closed form's root: within 1e-12 (relative) of the bracketed
    /// iteration `advance` runs from scratch (the general loop's); entering the piece part-way (`v0`) and running out agree with `advance` of the shifted rate.
    #[test]
    fn tabulated_inverse_is_the_closed_forms_root() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(17);
        let mut checked = 0;
        for _ in 0..400 {
            let n = [
                rng.random_range(0.001..0.1),
                rng.random_range(-0.001..0.01),
                rng.random_range(-1e-4..1e-4),
            ];
            let (d0, d1) = (rng.random_range(0.2..2.0), rng.random_range(-0.005..0.02));
            let len = rng.random_range(1.0..150.0);
            let rate = Rate::rational(n, d0, d1);
            let Some(table) = Table::new(&rate, len) else {
                continue;
            };
            checked += 1;
            let total = table.integral(len);
            // The closed forms' own rounding: 16 ulps of the largest term they add up (the log
            // form cancels when the denominator hardly moves), and of the integral.
            let cond = if (d1 / d0 * len).abs() < 0.05 {
                total
            } else {
                let p1 = n[2] / d1;
                let p0 = (n[1] - p1 * d0) / d1;
                let rem = n[0] - p0 * d0;
                (p0 * len).abs()
                    + (0.5 * p1 * len * len).abs()
                    + (rem / d1 * (d1 / d0 * len).ln_1p()).abs()
            }
            .max(total);
            let tol = 16.0 * f64::EPSILON * cond;
            let slowest = (0..=64)
                .map(|k| rate.value(len * k as f64 / 64.0))
                .fold(f64::INFINITY, f64::min);
            for _ in 0..20 {
                let v0 = if rng.random::<bool>() {
                    0.0
                } else {
                    rng.random_range(0.0..len)
                };
                let piece = rng.random_range(0.0..=len - v0);
                let budget = rng.random_range(1e-6..1.2) * total;
                let old = rate.shifted(v0).advance(budget, piece);
                let new = table.advance(v0, v0 + piece, budget);
                match (old, new) {
                    (Step::Fires(a), Step::Fires(b)) => {
                        assert!(
                            (a - b).abs() <= 1e-12 * (v0 + a).max(1.0) + tol / slowest,
                            "{rate:?} {v0} {a} {b}"
                        );
                    }
                    (Step::Spent(a), Step::Spent(b)) => {
                        assert!((a - b).abs() <= tol, "{a} vs {b}")
                    }
                    // Only where the budget is the piece's integral to rounding.
                    (a, b) => {
                        let whole = table.integral(v0 + piece) - table.integral(v0);
                        assert!((whole - budget).abs() <= tol, "{a:?} {b:?}");
                    }
                }
            }
        }
        assert!(checked > 200, "only {checked} rates were positive");
    }

    #[test]
    fn only_positive_rational_rates_are_tabulated() {
        let rate = |n: [f64; 3]| Rate::Rational {
            n,
            d0: 1.0,
            d1: 0.1,
        };
        assert!(Table::new(&rate([0.1, 0.01, 0.0]), 10.0).is_some());
        // The numerator crosses zero at 5.
        assert!(Table::new(&rate([0.1, -0.02, 0.0]), 10.0).is_none());
        assert!(Table::new(&Rate::Linear { a: 1.0, b: 0.0 }, 10.0).is_none());
        assert!(Table::new(&rate([0.1, 0.01, 0.0]), f64::INFINITY).is_none());
    }
}
