//! What a round carries: `RoundState`, from piece to piece (types, beliefs, costs, budgets), and
//! `Scratch`, the working memory a batch of rounds reuses (lines, Poisson clocks, a plan solved
//! again during a round).

use super::lines::Lines;
use crate::model::PARTIES;
use crate::strategy::equilibrium::{Pending, Plan};

/// The plan a round plays (`Setup::plan`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Playing {
    /// The plan from t = 0.
    Start,
    /// The plan after the history of events numbered so in `Setup::after`.
    After(usize),
    /// The plan solved again during the round, in the scratch.
    Scratch,
}

/// What a round carries from piece to piece, besides its lines.
pub(super) struct RoundState {
    /// Each party's drawn type (events may change it).
    pub theta: [f64; PARTIES],
    /// The mean of each party's belief about the opponent's type.
    pub belief: [f64; PARTIES],
    /// Discounted waiting cost so far.
    pub cost: [f64; PARTIES],
    /// What is left of each concession clock's budget, and of the breakdown clock's.
    pub budget: [f64; PARTIES],
    pub budget_break: f64,
    /// The meeting at which a `hazard` clock that already fired takes effect.
    pub pending: [f64; PARTIES],
    /// Which plan the round plays: the one from t = 0, one after a history of events solved
    /// with it, or one solved again during the round (in the scratch).
    pub playing: Playing,
    /// The time of the last planned atom each party's budget has paid for (an atom falls at the
    /// end of the piece before it, or at the start of the piece after an event there).
    pub atom_done: [f64; PARTIES],
}

impl RoundState {
    /// A round at t = 0 with its first draws made.
    pub fn new(
        theta: [f64; PARTIES],
        belief: [f64; PARTIES],
        budget: [f64; PARTIES],
        budget_break: f64,
    ) -> RoundState {
        RoundState {
            theta,
            belief,
            cost: [0.0; PARTIES],
            budget,
            budget_break,
            pending: [f64::INFINITY; PARTIES],
            playing: Playing::Start,
            atom_done: [f64::NEG_INFINITY; PARTIES],
        }
    }
}

/// Per-round working memory, kept by the runner for a whole batch: the lines (of which a round
/// resets only those it can change) and the Poisson event clocks.
#[derive(Clone, Debug)]
pub struct Scratch {
    pub(super) lines: Lines,
    pub(super) next: Vec<f64>,
    pub(super) fired: Vec<u32>,
    /// The equilibrium as last solved during the round (after a Poisson event changed the game).
    pub(super) plan: Plan,
    pub(super) pending: Vec<Pending>,
}
