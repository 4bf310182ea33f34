//! Closed-form predictions for `impasse check`: where every strategy is `equilibrium`, every line
//! constant and nothing happens mid-round, the equilibrium hazards are constants and the race
//! between the concession and breakdown clocks has an exact solution.

use crate::engine::Engine;
use crate::model::Strategy;
use crate::model::{PARTIES, Party, Scenario};
use crate::rate::Rate;

/// The closed form of the stationary equilibrium with constant lines (`impasse check`).
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// λ_i: each party's concession hazard.
    pub hazard: [f64; PARTIES],
    /// h: the breakdown hazard.
    pub breakdown_hazard: f64,
    /// P(party i concedes first, before breakdown and the end).
    pub concede: [f64; PARTIES],
    /// P(the breakdown hazard fires first).
    pub breakdown: f64,
    /// P(the round reaches the deadline or horizon).
    pub reach_end: f64,
    /// E[time to the end of the round].
    pub mean_time: f64,
}

/// The prediction, or `None` when the scenario is outside the closed form's assumptions.
pub fn predict(sc: &Scenario) -> Option<Prediction> {
    // Every field named: a new one does not compile here until it is decided whether the closed
    // form holds with it (numbers do, through the engine's rates; lines must be constant).
    let stationary = |q: &Party| {
        let Party {
            id: _,
            label: _,
            stake: _,
            demand: _,
            discount_rate: _,
            pressure,
            leverage,
            breakdown_cost: _,
            audience_cost,
            status_quo: _,
            deadline,
            resolve: _,
            belief: _,
            strategy,
        } = q;
        *strategy == Strategy::Equilibrium
            && pressure.is_constant()
            && leverage.is_constant()
            && audience_cost.is_constant()
            && deadline.is_none()
    };
    let constant = sc.hazard.is_constant() && sc.parties.iter().all(stationary);
    // A global deadline makes the equilibrium stop early or end in a game of chicken.
    if !constant
        || !sc.events.is_empty()
        || sc.demands_compatible()
        || sc.deadline.is_some()
        || sc.talks.is_some()
        // Private types solved as such (docs/model.md 6.1): not the stationary game at the
        // beliefs' means this closed form is.
        || crate::strategy::equilibrium::private_types_unsolved(sc).is_none()
    {
        return None;
    }
    // The engine's own first-piece rates: with constant lines and no events they hold all round.
    let constant_rate = |r: Rate| match r {
        Rate::Linear { a, b: 0.0 } => a.max(0.0),
        _ => unreachable!("constant lines give constant rates"),
    };
    let (rates, breakdown) = Engine::new(sc).first_piece_rates();
    let hazard = rates.map(constant_rate);
    let h = constant_rate(breakdown);
    let total = hazard[0] + hazard[1] + h;
    let end = sc.end_time();
    // P(some clock fires before the end) and E[min(T, end)] for T ~ Exp(total).
    let (fires, mean_time) = if total > 0.0 {
        let f = -(-total * end).exp_m1();
        (f, f / total)
    } else {
        (0.0, end)
    };
    let share = |x: f64| if total > 0.0 { x / total * fires } else { 0.0 };
    Some(Prediction {
        hazard,
        breakdown_hazard: h,
        concede: [share(hazard[0]), share(hazard[1])],
        breakdown: share(h),
        reach_end: 1.0 - fires,
        mean_time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brinkmanship_predictions_are_the_closed_form() {
        // h = 0.02, κ_a = 1, ℓ_a = 0.3, κ_b = 0.5: λ_b = h (κ_a - ℓ_a) = 0.014 and
        // λ_a = h κ_b = 0.01; P(breakdown) = 0.02 / 0.044 = 5/11; E[T] = 1/0.044 (the horizon at
        // 5000 is never reached in practice: e^-220).
        let text = include_str!("../scenarios/brinkmanship.toml");
        let sc = crate::scenario::load_str("b.toml", text, &[])
            .unwrap()
            .scenario;
        let p = predict(&sc).expect("a closed form applies");
        let close = |x: f64, y: f64| (x - y).abs() < 1e-12;
        assert!(
            close(p.hazard[0], 0.01) && close(p.hazard[1], 0.014),
            "{:?}",
            p.hazard
        );
        assert!(
            close(p.breakdown, 5.0 / 11.0) && close(p.mean_time, 1.0 / 0.044),
            "{p:?}"
        );
        assert!(close(
            p.concede[0] + p.concede[1] + p.breakdown + p.reach_end,
            1.0
        ));
    }

    #[test]
    fn no_prediction_outside_the_closed_form() {
        let text = include_str!("../scenarios/iran-p5plus1-2013.toml");
        let sc = crate::scenario::load_str("i.toml", text, &[])
            .unwrap()
            .scenario;
        assert_eq!(predict(&sc), None);
    }
}

/// The closed form of `equilibrium` with private types, where there is one (docs/model.md 6.1,
/// "Exact example"): a symmetric war of attrition with the same uniform prior U[low, high] on
/// both sides' types, the same stake V and constant pressure c, demands of 1, and nothing else
/// that moves a value while the sides concede (no discounting, audience cost, breakdown hazard,
/// events, talks or own deadlines; leverage and breakdown cost matter only at the end). On the
/// mixed path both integrated hazards are equal and s' = c / (m(s) V), with m(s) = low + (high −
/// low)(1 − e⁻ˢ), so type θ concedes at
///
/// ```text
/// t(θ) = (V / c) [high ln((high − low) / (high − θ)) − (θ − low)]
/// ```
///
/// (Fudenberg & Tirole 1986), until the concessions stop, which the solve finds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UniformAttrition {
    /// The prior's lower end.
    pub low: f64,
    /// The prior's upper end.
    pub high: f64,
    /// V: each side's stake.
    pub stake: f64,
    /// c: each side's pressure.
    pub pressure: f64,
}

impl UniformAttrition {
    /// The closed form, or `None` where the scenario is not of its kind.
    pub fn of(sc: &Scenario) -> Option<UniformAttrition> {
        use crate::model::Resolve;
        use crate::strategy::equilibrium::prior_of;
        let [a, b] = &sc.parties;
        let bare = |p: &Party| {
            p.strategy == Strategy::Equilibrium
                && p.demand == 1.0
                && p.discount_rate == 0.0
                && p.pressure.is_constant()
                && p.pressure.initial > 0.0
                && p.audience_cost == crate::model::Line::ZERO
                && p.deadline.is_none()
        };
        let quiet = sc.talks.is_none() && sc.events.is_empty();
        let alike = a.stake == b.stake && a.pressure == b.pressure;
        if !(bare(a) && bare(b) && quiet && alike && sc.hazard == crate::model::Line::ZERO) {
            return None;
        }
        match (prior_of(sc, 0)?, prior_of(sc, 1)?) {
            (
                Resolve::Uniform { low, high, .. },
                Resolve::Uniform {
                    low: low_b,
                    high: high_b,
                    ..
                },
            ) if low == low_b && high == high_b => Some(UniformAttrition {
                low: *low,
                high: *high,
                stake: a.stake,
                pressure: a.pressure.initial,
            }),
            _ => None,
        }
    }

    /// When type θ concedes on the mixed path (from t = 0).
    pub fn time(&self, theta: f64) -> f64 {
        let (lo, hi) = (self.low, self.high);
        self.stake / self.pressure * (hi * ((hi - lo) / (hi - theta)).ln() - (theta - lo))
    }
}
