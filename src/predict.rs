//! Closed-form predictions for `impasse check`: where every strategy is `equilibrium`, every line
//! constant and nothing happens mid-round, the equilibrium hazards are constants and the race
//! between the concession and breakdown clocks has an exact solution.

use crate::engine::rate::Rate;
use crate::model::{PARTIES, Scenario};
use crate::strategy::Strategy;
use crate::strategy::equilibrium::{self, OpponentView};

#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// λ_i: each party's concession hazard.
    pub hazard: [f64; PARTIES],
    /// h: the breakdown hazard.
    pub breakdown_hazard: f64,
    /// P(party i concedes first, before breakdown and the end).
    pub concede: [f64; PARTIES],
    pub breakdown: f64,
    /// P(the round reaches the deadline or horizon).
    pub reach_end: f64,
    /// E[time to the end of the round].
    pub mean_time: f64,
}

/// The prediction, or `None` when the scenario is outside the closed form's assumptions.
pub fn predict(sc: &Scenario) -> Option<Prediction> {
    let p = &sc.parties;
    let constant = sc.hazard.is_constant()
        && p.iter().all(|q| {
            q.strategy == Strategy::Equilibrium
                && q.pressure.is_constant()
                && q.leverage.is_constant()
                && q.audience_cost.is_constant()
                && q.deadline.is_none()
        });
    // A global deadline makes the equilibrium stop early or end in a game of chicken.
    if !constant
        || !sc.events.is_empty()
        || sc.demands_compatible()
        || sc.deadline.is_some()
        || sc.talks.is_some()
    {
        return None;
    }
    let h = sc.hazard.initial;
    let hazard = [0, 1].map(|i| {
        let j = 1 - i;
        let rate = equilibrium::hazard(&OpponentView {
            wbar: sc.believed_type(i) * p[j].stake,
            demand_self: p[i].demand,
            demand_opp: p[j].demand,
            discount_rate: p[j].discount_rate,
            breakdown_cost: p[j].breakdown_cost,
            pressure: (p[j].pressure.initial, 0.0),
            audience_cost: (p[j].audience_cost.initial, 0.0),
            leverage: (p[j].leverage.initial, 0.0),
            hazard: (h, 0.0),
        });
        match rate {
            Rate::Linear { a, .. } => a.max(0.0),
            _ => unreachable!("constant lines give a constant hazard"),
        }
    });
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
