//! A party: its stake, demand, lines, costs, own deadline, type and strategy (docs/model.md,
//! section 3). `PARTIES` is how many there are: two, always in file order.

use super::dist::Resolve;
use super::line::Line;
use super::strategy::Strategy;

/// The two parties, always in file order: index 0 is the first party in the scenario file.
pub const PARTIES: usize = 2;

#[derive(Clone, Debug)]
pub struct Party {
    /// The table key (`iran` in `[parties.iran]`); what CSV `party` columns hold.
    pub id: String,
    pub label: String,
    pub stake: f64,
    pub demand: f64,
    pub discount_rate: f64,
    pub pressure: Line,
    pub leverage: Line,
    pub breakdown_cost: f64,
    pub audience_cost: Line,
    pub status_quo: f64,
    pub deadline: Option<PartyDeadline>,
    pub resolve: Resolve,
    /// This party's belief about the opponent's resolve; `None`: the opponent's true distribution.
    pub belief: Option<Resolve>,
    pub strategy: Strategy,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PartyDeadline {
    pub at: f64,
    pub action: DeadlineAction,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineAction {
    WalkOut,
    Concede,
}
