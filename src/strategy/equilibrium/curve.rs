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
    /// An atom at the game's end, after the curve: the survivors whose budgets it takes.
    pub end_atom: Option<EndAtom>,
    /// A lookup index over equal buckets of the share conceded, q = 1 − e⁻ˢ (in which a round's
    /// budget is uniform): `first[b]` is the first node whose q is at least bucket b's lower
    /// edge, so that `time` scans a bucket's few nodes instead of searching them all.
    first: Vec<u32>,
}

/// The concessions at the game's end (its stage, docs/model.md 6.1): the rounds whose budgets
/// lie in `(from, to]`, both above the curve's last s, concede at `at`. A side whose lower
/// survivors concede there takes the budgets just above the curve's last (`to` infinite: every
/// survivor); one whose higher survivors concede (a deadline that ends in no deal, worth less
/// to them) takes those from `from` up, `to` infinite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EndAtom {
    /// When: the game's end.
    pub at: f64,
    /// The budgets above this concede there...
    pub from: f64,
    /// ...up to this one.
    pub to: f64,
}

impl EndAtom {
    /// The share of the survivors at the curve's last s, `last`, that concede here.
    pub fn share(&self, last: f64) -> f64 {
        (-(self.from - last)).exp() - (-(self.to - last)).exp()
    }

    /// Whether they are the higher survivors (those above a cutoff type).
    pub fn from_top(&self, last: f64) -> bool {
        self.from > last && self.to.is_infinite()
    }
}

/// Buckets of the index per node.
const BUCKETS_PER_NODE: usize = 2;

impl Curve {
    /// A curve through `(t, s, s')` nodes (times increasing, s non-decreasing, s' positive).
    pub(super) fn new(nodes: &[(f64, f64, f64)], prior: Option<Resolve>) -> Curve {
        let s: Vec<f64> = nodes.iter().map(|n| n.1).collect();
        let buckets = BUCKETS_PER_NODE * s.len();
        let mut first = Vec::with_capacity(buckets + 1);
        let mut k = 0;
        for b in 0..=buckets {
            // The budget at the bucket's lower edge, −ln(1 − b / buckets).
            let edge = -(-(b as f64 / buckets as f64)).ln_1p();
            while k < s.len() && s[k] < edge {
                k += 1;
            }
            first.push(k as u32);
        }
        Curve {
            t: nodes.iter().map(|n| n.0).collect(),
            s,
            rate: nodes.iter().map(|n| n.2).collect(),
            prior,
            end_atom: None,
            first,
        }
    }

    /// The budget of a round whose side has type θ: −ln(1 − F(θ)) where the type is private
    /// (None where it is known: the round's unit exponential stands).
    #[inline]
    pub fn type_budget(&self, theta: f64) -> Option<f64> {
        self.prior.as_ref().map(|p| -(-p.cdf(theta)).ln_1p())
    }

    /// When a round whose side has type θ concedes, where its type is private (else where a
    /// budget of 1 runs out).
    #[inline]
    pub fn type_time(&self, theta: f64) -> f64 {
        match &self.prior {
            Some(p) => {
                let q = p.cdf(theta);
                self.time_at(-(-q).ln_1p(), Some(q))
            }
            None => self.time(1.0),
        }
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

    /// The largest budget that concedes, the atom at the end included: a budget above it
    /// never concedes (one below it may not either, between the curve and an atom of the
    /// higher survivors at the end).
    pub fn reach(&self) -> f64 {
        self.end_atom.map_or(self.last(), |a| a.to)
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
        self.time_at(budget, None)
    }

    /// The same, where the share the budget stands for, q = 1 − e^(−budget), may be known.
    #[inline]
    fn time_at(&self, budget: f64, q: Option<f64>) -> f64 {
        if budget <= self.s[0] || budget.is_nan() {
            return self.t[0];
        }
        let n = self.s.len();
        if budget > self.s[n - 1] {
            return match self.end_atom {
                Some(a) if budget > a.from && budget <= a.to => a.at,
                _ => f64::INFINITY,
            };
        }
        // The first node at or above the budget. Where q is known, from the first of the bucket
        // below q's on (that bucket's lower edge is below the budget whatever the rounding of
        // q, so no earlier node is); else by bisection.
        let k = match q {
            Some(q) => {
                let buckets = self.first.len() - 1;
                let b = ((q * buckets as f64) as usize)
                    .saturating_sub(1)
                    .min(buckets);
                let mut k = (self.first[b] as usize).max(1);
                while self.s[k] < budget {
                    k += 1;
                }
                k
            }
            None => self.s.partition_point(|&x| x < budget),
        };
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

    /// A round's lookup by type through the bucket index (`type_time`) finds what bisection
    /// (`time` at the type's budget) does, to the bit: nodes dense at first and sparse later,
    /// as a solve gives them, an atom at the start, types at 10,000 quantiles and the ends.
    #[test]
    fn the_lookup_by_type_is_the_lookup_by_budget() {
        let nodes: Vec<(f64, f64, f64)> = (0..=3000)
            .map(|k| {
                let t = (k as f64 / 300.0).powi(2);
                (t, 0.3 + t + t * t, 1.0 + 2.0 * t)
            })
            .collect();
        let prior = Resolve::Uniform {
            low: 0.5,
            high: 2.0,
            d: rand_distr::Uniform::new(0.5, 2.0).unwrap(),
        };
        let c = Curve::new(&nodes, Some(prior));
        for k in 0..=10_000 {
            let theta = 0.5 + 1.5 * k as f64 / 10_000.0;
            let budget = c.type_budget(theta).expect("private");
            assert_eq!(
                c.type_time(theta).to_bits(),
                c.time(budget).to_bits(),
                "{theta}"
            );
        }
    }
}
