//! Payoffs (docs/model.md, section 4): what each party gets when a round ends, given how and when.

use super::{Outcome, Party, Simultaneous};

/// The state of one party at the end of a round, as the payoff needs it.
#[derive(Clone, Copy, Debug)]
pub struct EndState {
    /// θ_i at the end (events may have changed the drawn type).
    pub resolve: f64,
    /// Discounted waiting cost D_i(τ).
    pub cost: f64,
    /// a_i(τ)
    pub audience_cost: f64,
    /// ℓ_i(τ)
    pub leverage: f64,
}

/// The share of the pie each side gets from an agreement, or `None` when there is no split
/// (no agreement, or a simultaneous concession under `simultaneous = "status_quo"`).
pub fn shares(outcome: Outcome, demand: [f64; 2], simultaneous: Simultaneous) -> Option<[f64; 2]> {
    let surplus_half = 0.5 * (demand[0] + demand[1] - 1.0);
    match outcome {
        Outcome::Concession0 => Some([1.0 - demand[1], demand[1]]),
        Outcome::Concession1 => Some([demand[0], 1.0 - demand[0]]),
        Outcome::Compromise => match simultaneous {
            Simultaneous::Split => Some([demand[0] - surplus_half, demand[1] - surplus_half]),
            Simultaneous::StatusQuo => None,
        },
        _ => None,
    }
}

/// U_i for party `i` (opponent `j`) when the round ends at `tau` with `outcome`.
/// `share` is `shares(..)[i]` when the outcome is an agreement.
pub fn payoff(
    party: &Party,
    i: usize,
    outcome: Outcome,
    tau: f64,
    share: Option<f64>,
    s: &EndState,
) -> f64 {
    let terms = terms(party, i, outcome, share, s.audience_cost, s.leverage);
    settle(party, terms, tau, s.resolve, s.cost)
}

/// The payoff is affine in the party's worth of the pie, `w = θ_i V_i`: its undiscounted gross
/// part is `a w + b`, with `(a, b)` fixed by the outcome, the share and the lines at the end. In
/// a round where nothing moves they are known before it starts (the engine tabulates them).
pub fn terms(
    party: &Party,
    i: usize,
    outcome: Outcome,
    share: Option<f64>,
    audience_cost: f64,
    leverage: f64,
) -> (f64, f64) {
    match outcome {
        Outcome::Concession0 | Outcome::Concession1 => {
            let share = share.expect("a concession always has a split");
            if outcome.party() == Some(i) {
                (share, -audience_cost)
            } else {
                (share, 0.0)
            }
        }
        Outcome::Compromise => match share {
            Some(share) => (share, 0.0),
            None => (0.0, party.status_quo),
        },
        Outcome::Breakdown | Outcome::Walkout0 | Outcome::Walkout1 | Outcome::DeadlineBreakdown => {
            (leverage, -party.breakdown_cost)
        }
        Outcome::DeadlineStatusQuo | Outcome::Horizon => (0.0, party.status_quo),
    }
}

/// `U_i = d(τ) (a w + b) - D_i(τ)` with `w = θ_i V_i` and `d(τ) = e^{-r_i τ}`.
#[inline(always)]
pub fn settle(party: &Party, (a, b): (f64, f64), tau: f64, resolve: f64, cost: f64) -> f64 {
    let d = if party.discount_rate == 0.0 {
        1.0
    } else {
        (-party.discount_rate * tau).exp()
    };
    d * (a * (resolve * party.stake) + b) - cost
}
