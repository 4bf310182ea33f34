//! `Curve`: a side's concessions where the solve gives them as an integrated hazard tabulated in
//! time rather than in closed form (docs/model.md 6.3): where types are private, the marginal
//! type m(t) = Q(s(t)) moves the hazard, so s(t) comes from integrating the pair of sides
//! forward. A round concedes where s reaches its budget: a unit exponential for a side whose
//! type is known, and −ln(1 − F(θ)) for one whose type θ is private (F its prior), so that each
//! type concedes at its own time and lower types first. One lookup a round.

use crate::model::Resolve;

/// A side's integrated hazard s(t), from the solve's start to where its concessions stop.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// Times, increasing, from the solve's start.
    t: Vec<f64>,
    /// s at those times, non-decreasing; the first includes the atom at the start.
    s: Vec<f64>,
    /// s' (the hazard) at those times, positive.
    rate: Vec<f64>,
    /// The prior a round's type is read against, where the side's type is private; `None`: it
    /// is known, and a round draws a unit exponential budget.
    pub prior: Option<Resolve>,
    /// An atom at the game's end, after the curve: `(when, s after it)` (infinite s: every
    /// survivor concedes there).
    pub end_atom: Option<(f64, f64)>,
}

impl Curve {
    /// A curve through `(t, s, s')` nodes (times increasing, s non-decreasing, s' positive).
    pub(super) fn new(nodes: &[(f64, f64, f64)], prior: Option<Resolve>) -> Curve {
        Curve {
            t: nodes.iter().map(|n| n.0).collect(),
            s: nodes.iter().map(|n| n.1).collect(),
            rate: nodes.iter().map(|n| n.2).collect(),
            prior,
            end_atom: None,
        }
    }

    /// The budget of a round whose side has type θ: −ln(1 − F(θ)) where the type is private
    /// (None where it is known: the round's unit exponential stands).
    #[inline]
    pub fn type_budget(&self, theta: f64) -> Option<f64> {
        self.prior.as_ref().map(|p| -(-p.cdf(theta)).ln_1p())
    }

    /// s at the start: the atom of concessions there.
    pub fn at_start(&self) -> f64 {
        self.s[0]
    }

    /// The atoms inside the curve (at scheduled events): `(when, the share of those still
    /// holding that concede there)`; the atoms at the start and at the end are not among them.
    pub fn atoms(&self) -> Vec<(f64, f64)> {
        (1..self.t.len())
            .filter(|&k| self.t[k] == self.t[k - 1] && self.s[k] > self.s[k - 1])
            .map(|k| (self.t[k], -(self.s[k - 1] - self.s[k]).exp_m1()))
            .collect()
    }

    /// s where the curve ends: a budget above it never concedes on the curve.
    pub fn last(&self) -> f64 {
        self.s[self.s.len() - 1]
    }

    /// s after everything the curve gives, the atom at the end included: a budget above it
    /// never concedes.
    pub fn reach(&self) -> f64 {
        self.end_atom.map_or(self.last(), |a| a.1)
    }

    /// The times of the curve's nodes (a time twice where an atom falls there): for tests.
    pub fn knots(&self) -> &[f64] {
        &self.t
    }

    /// Where the curve ends.
    pub fn end(&self) -> f64 {
        self.t[self.t.len() - 1]
    }

    /// s at time t (0 before the start; the last value after the end): for tests and reports.
    pub fn at(&self, t: f64) -> f64 {
        let k = self.t.partition_point(|&x| x <= t);
        if k == 0 {
            return 0.0;
        }
        if k >= self.t.len() {
            return self.last();
        }
        let (t0, t1) = (self.t[k - 1], self.t[k]);
        let h = t1 - t0;
        let u = (t - t0) / h;
        let (s0, s1) = (self.s[k - 1], self.s[k]);
        let (d0, d1) = (self.rate[k - 1] * h, self.rate[k] * h);
        hermite(u, s0, d0, s1, d1)
    }

    /// When s reaches `budget`: the start where the atom there covers it, the end where the
    /// atom there does, infinite beyond. Between nodes, the cubic Hermite interpolant of the inverse t(s), whose
    /// slopes 1/s' the nodes carry: within the integration's error of the solved curve.
    #[inline]
    pub fn time(&self, budget: f64) -> f64 {
        if budget <= self.s[0] || budget.is_nan() {
            return self.t[0];
        }
        let n = self.s.len();
        if budget > self.s[n - 1] {
            return match self.end_atom {
                Some((at, s)) if budget <= s => at,
                _ => f64::INFINITY,
            };
        }
        let k = self.s.partition_point(|&x| x < budget);
        let (s0, s1) = (self.s[k - 1], self.s[k]);
        let (t0, t1) = (self.t[k - 1], self.t[k]);
        let ds = s1 - s0;
        if ds <= 0.0 {
            return t1;
        }
        let u = (budget - s0) / ds;
        hermite(u, t0, ds / self.rate[k - 1], t1, ds / self.rate[k]).clamp(t0, t1)
    }
}

/// The cubic Hermite interpolant at u in [0, 1] through `(0, a)` and `(1, b)` with slopes `da`
/// and `db` (per unit of u).
#[inline]
fn hermite(u: f64, a: f64, da: f64, b: f64, db: f64) -> f64 {
    let (u2, u3) = (u * u, u * u * u);
    (2.0 * u3 - 3.0 * u2 + 1.0) * a
        + (u3 - 2.0 * u2 + u) * da
        + (3.0 * u2 - 2.0 * u3) * b
        + (u3 - u2) * db
}

#[cfg(test)]
mod tests {
    use super::*;

    /// s(t) = t + t², sampled at 65 nodes on [0, 2]: time() inverts it within the cubic
    /// Hermite bound Δs⁴ max|t⁗(s)| / 384 (first cell: Δs = 0.0322, t⁗ = 120 at s = 0:
    /// 3.4e-7), at() reproduces the quadratic exactly, and budgets outside give the start and
    /// never.
    #[test]
    fn a_curve_inverts_its_integrated_hazard() {
        let nodes: Vec<(f64, f64, f64)> = (0..=64)
            .map(|k| {
                let t = k as f64 / 32.0;
                (t, t + t * t, 1.0 + 2.0 * t)
            })
            .collect();
        let c = Curve::new(&nodes, None);
        for y in [0.01_f64, 0.5, 1.7, 3.3, 5.99] {
            let exact = (-1.0 + (1.0 + 4.0 * y).sqrt()) / 2.0;
            assert!((c.time(y) - exact).abs() < 3.4e-7, "{y}");
            assert!((c.at(exact) - y).abs() < 1e-12, "{y}");
        }
        assert_eq!(c.time(0.0), 0.0);
        assert_eq!(c.time(6.0), 2.0);
        assert_eq!(c.time(6.0001), f64::INFINITY);
    }
}
