//! The quantities a round tracks as lines: the breakdown hazard and each party's pressure,
//! leverage and audience cost, as indices (`LineId`) into one array (`Lines`).

use super::line::{Domain, LineState};
use super::party::PARTIES;

/// Every tracked line of a round, indexed by `LineId`.
pub type Lines = [LineState; LineId::COUNT];

/// The piecewise-linear quantities the engine tracks, as indices into one array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineId(pub usize);

impl LineId {
    /// The breakdown hazard h(t).
    pub const HAZARD: LineId = LineId(0);
    /// How many lines a round tracks.
    pub const COUNT: usize = 1 + 3 * PARTIES;

    /// Party `party`'s pressure.
    pub fn pressure(party: usize) -> LineId {
        LineId(1 + 3 * party)
    }
    /// Party `party`'s leverage.
    pub fn leverage(party: usize) -> LineId {
        LineId(2 + 3 * party)
    }
    /// Party `party`'s audience cost.
    pub fn audience_cost(party: usize) -> LineId {
        LineId(3 + 3 * party)
    }
    /// The quantity's name in effects and scenario files.
    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "breakdown.hazard",
            k => ["pressure", "leverage", "audience_cost"][(k - 1) % 3],
        }
    }
    /// Where its values may lie.
    pub fn domain(self) -> Domain {
        if self.0 != 0 && (self.0 - 1) % 3 == 1 {
            Domain::Unit
        } else {
            Domain::NonNegative
        }
    }
}
