//! How a round ends: `Outcome`, the nine endings in the row order of outcomes.csv, and
//! `RoundResult`, what one round produced (the engine's output and the aggregates' input).

use super::party::PARTIES;

/// How a round ended. The order is the row order of outcomes.csv.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Party 0 conceded.
    Concession0,
    /// Party 1 conceded.
    Concession1,
    /// Both conceded at one instant.
    Compromise,
    /// The breakdown hazard fired.
    Breakdown,
    /// Party 0 walked out at its deadline.
    Walkout0,
    /// Party 1 walked out at its deadline.
    Walkout1,
    /// The global deadline passed and the talks broke down.
    DeadlineBreakdown,
    /// The global deadline passed without a deal or a breakdown.
    DeadlineStatusQuo,
    /// The simulation's horizon stopped the round (outside the game).
    Horizon,
}

impl Outcome {
    /// How many outcomes there are.
    pub const COUNT: usize = 9;
    /// Every outcome, in the row order of outcomes.csv.
    pub const ALL: [Outcome; 9] = [
        Outcome::Concession0,
        Outcome::Concession1,
        Outcome::Compromise,
        Outcome::Breakdown,
        Outcome::Walkout0,
        Outcome::Walkout1,
        Outcome::DeadlineBreakdown,
        Outcome::DeadlineStatusQuo,
        Outcome::Horizon,
    ];

    /// Its row in outcomes.csv.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name written in CSV `outcome` columns.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Concession0 | Outcome::Concession1 => "concession",
            Outcome::Compromise => "compromise",
            Outcome::Breakdown => "breakdown",
            Outcome::Walkout0 | Outcome::Walkout1 => "walkout",
            Outcome::DeadlineBreakdown => "deadline_breakdown",
            Outcome::DeadlineStatusQuo => "deadline_status_quo",
            Outcome::Horizon => "horizon",
        }
    }

    /// The party a concession or walkout belongs to.
    pub fn party(self) -> Option<usize> {
        match self {
            Outcome::Concession0 | Outcome::Walkout0 => Some(0),
            Outcome::Concession1 | Outcome::Walkout1 => Some(1),
            _ => None,
        }
    }

    /// Party `party` conceded.
    pub fn concession(party: usize) -> Outcome {
        [Outcome::Concession0, Outcome::Concession1][party]
    }

    /// Party `party` walked out.
    pub fn walkout(party: usize) -> Outcome {
        [Outcome::Walkout0, Outcome::Walkout1][party]
    }

    /// A deal: somebody conceded, or both did at once.
    pub fn is_agreement(self) -> bool {
        matches!(
            self,
            Outcome::Concession0 | Outcome::Concession1 | Outcome::Compromise
        )
    }

    /// Ended with the breakdown payoff (hazard, walkout, or a deadline that broke down).
    pub fn is_breakdown(self) -> bool {
        matches!(
            self,
            Outcome::Breakdown | Outcome::Walkout0 | Outcome::Walkout1 | Outcome::DeadlineBreakdown
        )
    }
}

/// What one round produced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoundResult {
    /// How it ended.
    pub outcome: Outcome,
    /// When the round ended.
    pub time: f64,
    /// Each party's payoff U_i (docs/model.md, section 4).
    pub payoff: [f64; PARTIES],
    /// Discounted waiting cost D_i(τ).
    pub cost: [f64; PARTIES],
    /// Shares of the pie if the round ended in a split of it (`split`), else zeros: a plain
    /// array, so that consumers read it without a branch on `split`.
    pub shares: [f64; PARTIES],
    /// Whether the round ended in a split of the pie (`shares` holds it).
    pub split: bool,
}

impl RoundResult {
    /// The shares of the pie, for agreements that split it.
    pub fn share(&self) -> Option<[f64; PARTIES]> {
        self.split.then_some(self.shares)
    }
}
