//! `Line`: a quantity that moves linearly in time, `q(t) = initial + growth * t`, clamped to its
//! `Domain`. Events re-anchor a line (new level, new slope), so over a round every quantity is
//! piecewise linear; the engine's `LineState` tracks that.

/// Where a quantity may live. Values outside are clamped (docs/model.md, section 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// `[0, inf)`: pressure, audience cost, the breakdown hazard.
    NonNegative,
    /// `[0, 1]`: leverage.
    Unit,
}

impl Domain {
    pub fn lo(self) -> f64 {
        0.0
    }

    pub fn hi(self) -> f64 {
        match self {
            Domain::NonNegative => f64::INFINITY,
            Domain::Unit => 1.0,
        }
    }

    pub fn clamp(self, v: f64) -> f64 {
        v.clamp(self.lo(), self.hi())
    }
}

/// A line as written in a scenario: a number (constant) or `{ initial, growth }`.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Line {
    pub initial: f64,
    pub growth: f64,
}

impl Line {
    pub const ZERO: Line = Line {
        initial: 0.0,
        growth: 0.0,
    };

    pub fn constant(v: f64) -> Line {
        Line {
            initial: v,
            growth: 0.0,
        }
    }

    pub fn is_constant(&self) -> bool {
        self.growth == 0.0
    }
}
