//! The indifference that sets a side's concession hazard (docs/model.md, sections 6 and 6.1), in
//! the model's x/y notation. While x mixes (is willing to concede at any moment), y concedes at
//! exactly the hazard that leaves x indifferent between conceding now and a moment later:
//!
//! ```text
//! λ_y = N_x / M_x
//! N_x = c_x + r_x L_x − L_x' + h (L_x − B_x) − Σ_e ρ_e Δ_e,x   what waiting a moment costs x
//! M_x = G_x − L_x                                           what y's concession is worth to x
//! ```
//!
//! with x's values of conceding L_x, of winning G_x and of a breakdown B_x read from
//! `model::payoff` (the engine's definition) at the worth W̄_x the game is solved for, and
//! ρ_e Δ_e,x the expected jump in L_x from Poisson events that can still fire. Where N_x < 0, x
//! would rather wait a moment even if y never conceded: x is not indifferent there. On a span
//! every line is linear, so N_x is a quadratic and M_x a line in time, and λ_y is a rational
//! hazard that `Rate::rational` integrates in closed form.

use super::path::{Path, Span};
use crate::model::payoff::Linear;
use crate::model::{LineId, Outcome};
use crate::numeric::Quadratic;
use crate::rate::Rate;

/// x's quantities on a span, as lines in local time u from the moment the hazard is wanted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantities {
    /// L_x: x's value of conceding.
    pub concede: Linear,
    /// G_x: x's value of winning.
    pub win: Linear,
    /// B_x: x's value of a breakdown.
    pub breakdown: Linear,
    /// c_x: x's pressure.
    pub pressure: Linear,
    /// h: the breakdown hazard.
    pub hazard: Linear,
    /// r_x: x's discount rate.
    pub discount_rate: f64,
    /// Σ_e ρ_e Δ_e,x: the expected rate of jumps in L_x from Poisson events that can still fire.
    pub drift: Linear,
}

impl Quantities {
    /// x's quantities on span s of the game's path, from time t.
    pub(super) fn of(path: &Path, s: &Span, x: usize, t: f64) -> Quantities {
        let line = |id: LineId| Linear {
            at: Path::level(s, id, t),
            slope: s.line[id.0].1,
        };
        let w = s.wbar[x];
        let value = |o: Outcome| path.terms_from(s, x, t, o).value(w);
        let (d0, d1) = s.drift[x];
        Quantities {
            concede: value(Outcome::concession(x)),
            win: value(Outcome::concession(1 - x)),
            breakdown: value(Outcome::Breakdown),
            pressure: line(LineId::pressure(x)),
            hazard: line(LineId::HAZARD),
            discount_rate: path.sc.parties[x].discount_rate,
            drift: Linear {
                at: d0 + d1 * (t - s.start),
                slope: d1,
            },
        }
    }
}

/// x's indifference on a span: `N_x(u)` and `M_x(u)` in local time u.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Indifference {
    /// N_x: what waiting a moment costs x, a quadratic.
    pub numerator: Quadratic,
    /// M_x = G_x − L_x.
    pub denominator: Linear,
}

impl Indifference {
    /// N_x and M_x from x's quantities.
    pub fn of(q: &Quantities) -> Indifference {
        let (c, h, r) = (q.pressure, q.hazard, q.discount_rate);
        let (l, b, g) = (q.concede, q.breakdown, q.win);
        // L − B, the loss a breakdown spares x when it would have conceded.
        let gap = (l.at - b.at, l.slope - b.slope);
        let numerator = Quadratic([
            c.at + r * l.at - l.slope + h.at * gap.0 - q.drift.at,
            c.slope + r * l.slope + h.slope * gap.0 + h.at * gap.1 - q.drift.slope,
            h.slope * gap.1,
        ]);
        // G is constant (a share of the worth): M's slope is −L's.
        let slope = if g.slope == 0.0 {
            -l.slope
        } else {
            g.slope - l.slope
        };
        Indifference {
            numerator,
            denominator: Linear {
                at: g.at - l.at,
                slope,
            },
        }
    }

    /// x's indifference on span s of the game's path from time t.
    pub(super) fn on(path: &Path, s: &Span, x: usize, t: f64) -> Indifference {
        Indifference::of(&Quantities::of(path, s, x, t))
    }

    /// λ_y = N_x / M_x, held at 0 where N_x < 0.
    pub fn hazard(&self) -> Rate {
        let m = self.denominator;
        Rate::rational(self.numerator.0, m.at, m.slope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constant(x: f64) -> Linear {
        Linear { at: x, slope: 0.0 }
    }

    /// The war of attrition: V = 2, c = 0.5, nothing else (L = 0, G = V, B = 0).
    fn war() -> Quantities {
        Quantities {
            concede: constant(0.0),
            win: constant(2.0),
            breakdown: constant(0.0),
            pressure: constant(0.5),
            hazard: constant(0.0),
            discount_rate: 0.0,
            drift: constant(0.0),
        }
    }

    #[test]
    fn war_of_attrition_hazard_is_cost_over_value() {
        // λ_y = c_x / V_x = 0.5 / 2
        let h = Indifference::of(&war()).hazard();
        assert_eq!(h, Rate::Linear { a: 0.25, b: 0.0 });
    }

    #[test]
    fn audience_costs_give_one_over_one_plus_t() {
        // c = 0, a_x(t) = t, V = 1: L = −t, G = 1, λ = a'/(V + a) = 1/(1 + t)
        let q = Quantities {
            concede: Linear {
                at: 0.0,
                slope: -1.0,
            },
            win: constant(1.0),
            pressure: constant(0.0),
            ..war()
        };
        let rate = Indifference::of(&q).hazard();
        for u in [0.0, 1.0, 3.5] {
            assert!((rate.value(u) - 1.0 / (1.0 + u)).abs() < 1e-15);
        }
    }

    #[test]
    fn breakdown_hazard_enters_through_the_breakdown_gap() {
        // c = 0, κ_x = 0.5, ℓ_x = 0.1, V = 2: B = 0.2 − 0.5, λ = h (L − B) / V = 0.2 · 0.3 / 2
        let q = Quantities {
            pressure: constant(0.0),
            breakdown: constant(0.1 * 2.0 - 0.5),
            hazard: constant(0.2),
            ..war()
        };
        let Rate::Linear { a, b } = Indifference::of(&q).hazard() else {
            panic!()
        };
        assert!((a - 0.03).abs() < 1e-15 && b == 0.0);
    }
}
