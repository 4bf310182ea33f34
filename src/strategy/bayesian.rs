//! The Bayesian equilibrium of the war of attrition with private values (Fudenberg & Tirole
//! 1986; Nalebuff & Riley 1985; Krishna & Morgan 1997). A party of value v (its type times its
//! stake) concedes at b(v); the higher value always wins. In the symmetric equilibrium type v is
//! indifferent at the margin, `v h(v) = c b'(v)` with h the hazard rate of the values, so
//!
//! ```text
//! b(v) = (1/c) int_lo^v x f(x) / (1 - F(x)) dx
//! ```
//!
//! (uniform values on [0, 1]: `(-v - ln(1 - v)) / c`; exponential with mean m: `v^2 / (2 m c)`).
//! Substituting `x = Q(1 - e^{-s})` (Q the quantile function, so `ds = dF / (1 - F)`) turns it into
//! `b(Q(1 - e^{-s})) = (1/c) int_0^s Q(1 - e^{-σ}) dσ`: a smooth integrand on a uniform grid, for
//! any distribution with a quantile function. The table is built once per scenario; a round looks
//! its type up by binary search and linear interpolation. Types above the table's top quantile,
//! `1 - e^{-27}` (probability 2e-12), concede at its last time.

use crate::model::Resolve;

/// Grid steps in s = -ln(1 - F).
const STEPS: usize = 4096;
const S_MAX: f64 = 27.0;

/// b(v) for one party, tabulated.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    values: Vec<f64>,
    times: Vec<f64>,
}

impl Plan {
    /// `values`: the distribution of the opponent's types as the party believes it, times the
    /// opponent's stake (the same as its own, in the symmetric game); `cost`: its pressure.
    pub fn new(values: &Resolve, stake: f64, cost: f64) -> Plan {
        let ds = S_MAX / STEPS as f64;
        let q = |s: f64| stake * values.quantile(-(-s).exp_m1());
        let mut vs = Vec::with_capacity(STEPS + 1);
        let mut ts = Vec::with_capacity(STEPS + 1);
        let (mut t, mut prev) = (0.0, q(0.0));
        vs.push(prev);
        ts.push(0.0);
        for k in 1..=STEPS {
            let v = q(k as f64 * ds);
            t += 0.5 * (prev + v) * ds / cost;
            vs.push(v);
            ts.push(t);
            prev = v;
        }
        Plan {
            values: vs,
            times: ts,
        }
    }

    /// When a party of value `v` concedes.
    pub fn stop_time(&self, v: f64) -> f64 {
        let k = self.values.partition_point(|&x| x < v);
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand_distr::{Exp, Uniform};

    #[test]
    fn the_table_matches_the_closed_forms() {
        let uniform = Resolve::Uniform {
            low: 0.0,
            high: 1.0,
            d: Uniform::new(0.0, 1.0).unwrap(),
        };
        let plan = Plan::new(&uniform, 1.0, 2.0);
        for v in [0.1, 0.5, 0.9, 0.99] {
            let exact = (-v - (1.0f64 - v).ln()) / 2.0;
            assert!(
                (plan.stop_time(v) - exact).abs() < 1e-5 * (1.0 + exact),
                "v = {v}"
            );
        }
        let exp = Resolve::Exponential {
            mean: 2.0,
            d: Exp::new(0.5).unwrap(),
        };
        let plan = Plan::new(&exp, 1.0, 1.0);
        for v in [0.3, 2.0, 7.0] {
            let exact = v * v / 4.0;
            assert!(
                (plan.stop_time(v) - exact).abs() < 1e-5 * (1.0 + exact),
                "v = {v}"
            );
        }
    }
}
