//! A party: its stake, demand, lines, costs, own deadline, type and strategy (docs/model.md,
//! section 3). `PARTIES` is how many there are: two, always in file order.

use super::dist::Resolve;
use super::line::Line;
use super::strategy::Strategy;

/// The two parties, always in file order: index 0 is the first party in the scenario file.
pub const PARTIES: usize = 2;

/// A party (docs/model.md, section 3).
#[derive(Clone, Debug)]
pub struct Party {
    /// The table key (`iran` in `[parties.iran]`); what CSV `party` columns hold.
    pub id: String,
    /// Its display name.
    pub label: String,
    /// V: what the whole pie is worth to it.
    pub stake: f64,
    /// α: the share of the pie it insists on.
    pub demand: f64,
    /// r: its discount rate per unit of time.
    pub discount_rate: f64,
    /// c(t): its flow cost of waiting.
    pub pressure: Line,
    /// ℓ(t): the share of the pie it secures if the talks break down.
    pub leverage: Line,
    /// κ: what a breakdown costs it.
    pub breakdown_cost: f64,
    /// a(t): what backing down costs it.
    pub audience_cost: Line,
    /// s: its payoff if a deadline passes without a deal or a breakdown.
    pub status_quo: f64,
    /// Its own deadline, if any.
    pub deadline: Option<PartyDeadline>,
    /// θ: its private type, drawn afresh each round; it multiplies the stake.
    pub resolve: Resolve,
    /// This party's belief about the opponent's resolve; `None`: the opponent's true distribution.
    pub belief: Option<Resolve>,
    /// When it concedes.
    pub strategy: Strategy,
}

/// A party's own deadline: at `at` it walks out or gives in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PartyDeadline {
    /// When.
    pub at: f64,
    /// What it does there.
    pub action: DeadlineAction,
}

/// What a party does at its own deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineAction {
    /// Walks out: the round ends as a breakdown (`walkout`).
    WalkOut,
    /// Gives in: it concedes.
    Concede,
}
