//! Payoffs (docs/model.md, section 4): what each party gets when a round ends, given how and when.
//! This is the one definition: the engine settles rounds with it, and the equilibrium solver
//! reads the same terms as lines in time (`Terms<Linear>`), so a payoff field enters both or
//! neither.
//!
//! Every payoff is affine in the party's worth of the pie, `w = θ_i V_i`: ending at τ in outcome
//! o pays `U_i = d_i(τ) (A w + B) − D_i(τ)`, with `d_i = e^(−r_i τ)`, D_i the discounted waiting
//! cost, and `(A, B)` fixed by the outcome, the split and the lines at τ (`terms`).

use std::ops::{Add, Neg};

use super::Simultaneous;
use super::outcome::Outcome;
use super::party::Party;

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

/// A quantity the payoff terms are linear in: a number (`f64`, the lines' values at the end of
/// a round) or a line on a stretch of time (`Linear`, for the solver).
pub trait Level: Copy + Add<Output = Self> + Neg<Output = Self> {
    /// A constant.
    fn of(x: f64) -> Self;
}

impl Level for f64 {
    #[inline(always)]
    fn of(x: f64) -> f64 {
        x
    }
}

/// A line on a stretch of time, in local time u: `at + slope u`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Linear {
    /// The value at u = 0.
    pub at: f64,
    /// The slope.
    pub slope: f64,
}

impl Linear {
    /// The value at local time u.
    #[inline]
    pub fn value(&self, u: f64) -> f64 {
        if self.slope == 0.0 {
            self.at
        } else {
            self.at + self.slope * u
        }
    }
}

impl Add for Linear {
    type Output = Linear;
    fn add(self, o: Linear) -> Linear {
        Linear {
            at: self.at + o.at,
            slope: self.slope + o.slope,
        }
    }
}

impl Neg for Linear {
    type Output = Linear;
    fn neg(self) -> Linear {
        Linear {
            at: -self.at,
            slope: -self.slope,
        }
    }
}

impl Level for Linear {
    fn of(x: f64) -> Linear {
        Linear { at: x, slope: 0.0 }
    }
}

/// A payoff's terms: it pays `A w + B` (undiscounted, before the waiting cost) to a party whose
/// worth of the pie is w.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Terms<T> {
    /// A: the share of the worth the party gets.
    pub a: T,
    /// B: what it gets or pays whatever its worth.
    pub b: T,
}

impl Terms<f64> {
    /// `A w + B`.
    #[inline(always)]
    pub fn value(&self, w: f64) -> f64 {
        self.a * w + self.b
    }
}

impl Terms<Linear> {
    /// `A w + B` as a line in time. A part whose slope is zero contributes none (so that a
    /// constant term adds no rounding to the slope).
    pub fn value(&self, w: f64) -> Linear {
        let slope = match (self.a.slope == 0.0, self.b.slope == 0.0) {
            (true, _) => self.b.slope,
            (false, true) => self.a.slope * w,
            (false, false) => self.a.slope * w + self.b.slope,
        };
        Linear {
            at: self.a.at * w + self.b.at,
            slope,
        }
    }

    /// The terms at local time u.
    pub fn at(&self, u: f64) -> Terms<f64> {
        Terms {
            a: self.a.value(u),
            b: self.b.value(u),
        }
    }
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

/// Party i's terms `(A, B)` for ending in `outcome` (docs/model.md, section 4), with its audience
/// cost and leverage at the end, as numbers or as lines in time. `share` is `shares(..)[i]` when
/// the outcome is an agreement. In a round where nothing moves they are known before it starts
/// (the engine tabulates them).
pub fn terms<T: Level>(
    party: &Party,
    i: usize,
    outcome: Outcome,
    share: Option<f64>,
    audience_cost: T,
    leverage: T,
) -> Terms<T> {
    // Every field named: a new one does not compile here until it is decided whether and how it
    // enters a payoff (the stake and discount rate enter in `settle`, pressure through the
    // waiting cost D, the lines through their values at the end, passed in).
    let Party {
        id: _,
        label: _,
        stake: _,
        demand: _,
        discount_rate: _,
        pressure: _,
        leverage: _,
        breakdown_cost,
        audience_cost: _,
        status_quo,
        deadline: _,
        resolve: _,
        belief: _,
        strategy: _,
    } = party;
    let t = |a: T, b: T| Terms { a, b };
    match outcome {
        Outcome::Concession0 | Outcome::Concession1 => {
            let share = share.expect("a concession always has a split");
            if outcome.party() == Some(i) {
                t(T::of(share), -audience_cost)
            } else {
                t(T::of(share), T::of(0.0))
            }
        }
        Outcome::Compromise => match share {
            Some(share) => t(T::of(share), T::of(0.0)),
            None => t(T::of(0.0), T::of(*status_quo)),
        },
        Outcome::Breakdown | Outcome::Walkout0 | Outcome::Walkout1 | Outcome::DeadlineBreakdown => {
            t(leverage, T::of(-breakdown_cost))
        }
        Outcome::DeadlineStatusQuo | Outcome::Horizon => t(T::of(0.0), T::of(*status_quo)),
    }
}

/// `U_i = d(τ) (A w + B) - D_i(τ)` with `w = θ_i V_i` and `d(τ) = e^{-r_i τ}`.
#[inline(always)]
pub fn settle(party: &Party, terms: Terms<f64>, tau: f64, resolve: f64, cost: f64) -> f64 {
    let d = if party.discount_rate == 0.0 {
        1.0
    } else {
        (-party.discount_rate * tau).exp()
    };
    d * terms.value(resolve * party.stake) - cost
}
