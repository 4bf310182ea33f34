//! The equilibrium hazard of docs/model.md, section 6.1, over one piece of a round.
//!
//! For the conceding party i and its opponent j, with every line linear on the piece
//! (`x(u) = x0 + x1 u`), the indifference condition of j gives
//!
//! ```text
//! λ_i(u) = [c_j + r_j L_j − L_j' + h (L_j − B_j)] / (G_j − L_j)
//!   G_j = α_j W̄_j,  L_j = (1 − α_i) W̄_j − a_j,  B_j = ℓ_j W̄_j − κ_j
//! ```
//!
//! a quadratic over a linear term, which `Rate::rational` integrates in closed form.
//!
//! Two games change it: a global deadline (`deadline`: the hazard stops early, or the two play
//! chicken at the deadline) and meetings (`talks_rate`: a probability per meeting).

use crate::rate::{Rate, Step};

/// The opponent's quantities on the piece, as `(value at piece start, slope)`.
#[derive(Clone, Copy, Debug)]
pub struct OpponentView {
    /// W̄_j: the opponent's pie value as the conceding party believes it (mean type × stake).
    pub wbar: f64,
    /// α_i, α_j
    pub demand_self: f64,
    pub demand_opp: f64,
    pub discount_rate: f64,
    pub breakdown_cost: f64,
    pub pressure: (f64, f64),
    pub audience_cost: (f64, f64),
    pub leverage: (f64, f64),
    pub hazard: (f64, f64),
}

/// The conceding party's hazard on the piece.
pub fn hazard(v: &OpponentView) -> Rate {
    let (c0, c1) = v.pressure;
    let (a0, a1) = v.audience_cost;
    let (l0, l1) = v.leverage;
    let (h0, h1) = v.hazard;
    let r = v.discount_rate;
    let g = v.demand_opp * v.wbar;
    let (lj0, lj1) = ((1.0 - v.demand_self) * v.wbar - a0, -a1);
    let (bj0, bj1) = (l0 * v.wbar - v.breakdown_cost, l1 * v.wbar);
    let (gap0, gap1) = (lj0 - bj0, lj1 - bj1);
    let n = [
        c0 + r * lj0 - lj1 + h0 * gap0,
        c1 + r * lj1 + h1 * gap0 + h0 * gap1,
        h1 * gap1,
    ];
    Rate::rational(n, g - lj0, -lj1)
}

/// The opponent j at the global deadline T, as the conceding party i believes it: its undiscounted
/// payoffs there and its pressure on the current piece.
#[derive(Clone, Copy, Debug)]
pub struct DeadlineView {
    /// T, and the probability that the deadline ends in a breakdown.
    pub at: f64,
    pub breakdown_probability: f64,
    /// G_j: what j gets if i concedes.
    pub win: f64,
    /// L_j(T): what j gets by conceding at T.
    pub concede: f64,
    /// B_j(T): what j gets from a breakdown at T.
    pub broken: f64,
    pub status_quo: f64,
    /// j's pressure at the piece's start `t` and its slope.
    pub pressure: (f64, f64),
}

/// How the deadline shapes i's concessions from the piece starting at `t`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeadlineTerms {
    /// i's hazard runs only until `stop`.
    pub stop: f64,
    /// At the deadline `at`, i concedes with probability `atom`.
    pub atom: f64,
    pub at: f64,
}

/// With D_j the worth to j of reaching the deadline over conceding there,
/// `p B_j(T) + (1 - p) s_j - L_j(T)`: if D_j > 0, j will not concede once its waiting cost to T
/// is below D_j, so i's hazard stops where that cost equals D_j (`T - D_j / c_j` for constant
/// pressure; no atom); otherwise the two play chicken at T and i concedes there with the q that
/// keeps j indifferent, `-D_j / (G_j - L_j - D_j)`. Waiting costs are not discounted in this
/// comparison.
pub fn deadline(v: &DeadlineView, t: f64) -> DeadlineTerms {
    let (at, p) = (v.at, v.breakdown_probability);
    let gap = p * v.broken + (1.0 - p) * v.status_quo - v.concede;
    if gap > 0.0 {
        // Cost from t to u: c0 (u - t) + c1 (u - t)^2 / 2; it must leave exactly `gap` to T.
        let (c0, c1) = v.pressure;
        let to_deadline = (at - t).max(0.0);
        let total = c0 * to_deadline + 0.5 * c1 * to_deadline * to_deadline;
        let cost = Rate::Linear { a: c0, b: c1 };
        let stop = match cost.advance(total - gap, to_deadline) {
            Step::Fires(x) => t + x,
            Step::Spent(_) => at,
        };
        DeadlineTerms {
            stop,
            atom: 0.0,
            at,
        }
    } else {
        DeadlineTerms {
            stop: f64::INFINITY,
            atom: -gap / (v.win - v.concede - gap),
            at,
        }
    }
}

/// The equilibrium under talks: at each meeting i concedes with the probability that keeps j
/// indifferent between conceding and holding to the next meeting, `p = w / (G_j - T_j + w)`, where
/// `win` is G_j, `tie` T_j (j's payoff from a tie under the `simultaneous` rule) and `wait` what one
/// more period costs j. As a clock: the constant hazard `-ln(1 - p) / period` whose concessions
/// take effect at the next meeting gives exactly a geometric number of meetings.
pub fn talks_rate(win: f64, tie: f64, wait: f64, period: f64) -> Rate {
    let p = wait / (win - tie + wait);
    Rate::Linear {
        a: -(-p).ln_1p() / period,
        b: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> OpponentView {
        OpponentView {
            wbar: 2.0,
            demand_self: 1.0,
            demand_opp: 1.0,
            discount_rate: 0.0,
            breakdown_cost: 0.0,
            pressure: (0.5, 0.0),
            audience_cost: (0.0, 0.0),
            leverage: (0.0, 0.0),
            hazard: (0.0, 0.0),
        }
    }

    #[test]
    fn war_of_attrition_hazard_is_cost_over_value() {
        // λ_i = c_j / V_j = 0.5 / 2
        assert_eq!(hazard(&view()), Rate::Linear { a: 0.25, b: 0.0 });
    }

    #[test]
    fn audience_costs_give_one_over_one_plus_t() {
        // c = 0, a_j(t) = t, W̄ = 1: λ = a'/(W̄ + a t) = 1/(1 + t)
        let v = OpponentView {
            wbar: 1.0,
            pressure: (0.0, 0.0),
            audience_cost: (0.0, 1.0),
            ..view()
        };
        let rate = hazard(&v);
        for u in [0.0, 1.0, 3.5] {
            assert!((rate.value(u) - 1.0 / (1.0 + u)).abs() < 1e-15);
        }
    }

    #[test]
    fn breakdown_hazard_enters_through_the_breakdown_gap() {
        // c = 0, κ_j = 0.5, ℓ_j = 0.1, W̄ = 2: λ = h (κ − ℓ W̄) / W̄ = 0.2 * 0.3 / 2
        let v = OpponentView {
            pressure: (0.0, 0.0),
            breakdown_cost: 0.5,
            leverage: (0.1, 0.0),
            hazard: (0.2, 0.0),
            ..view()
        };
        let Rate::Linear { a, b } = hazard(&v) else {
            panic!()
        };
        assert!((a - 0.03).abs() < 1e-15 && b == 0.0);
    }
}
