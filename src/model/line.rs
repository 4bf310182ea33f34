//! `Line`: a quantity that moves linearly in time, `q(t) = initial + growth * t`, clamped to its
//! `Domain`. Events re-anchor a line (new level, new slope), so over a round every quantity is
//! piecewise linear; `LineState` is a line as a round carries it.

/// Where a quantity may live. Values outside are clamped (docs/model.md, section 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// `[0, inf)`: pressure, audience cost, the breakdown hazard.
    NonNegative,
    /// `[0, 1]`: leverage.
    Unit,
}

impl Domain {
    /// The lowest value.
    pub fn lo(self) -> f64 {
        0.0
    }

    /// The highest value.
    pub fn hi(self) -> f64 {
        match self {
            Domain::NonNegative => f64::INFINITY,
            Domain::Unit => 1.0,
        }
    }

    /// `v` moved into the domain.
    pub fn clamp(self, v: f64) -> f64 {
        v.clamp(self.lo(), self.hi())
    }
}

/// A line as written in a scenario: a number (constant) or `{ initial, growth }`.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Line {
    /// The value at t = 0.
    pub initial: f64,
    /// The slope.
    pub growth: f64,
}

impl Line {
    /// Zero for ever.
    pub const ZERO: Line = Line {
        initial: 0.0,
        growth: 0.0,
    };

    /// Always `v`.
    pub fn constant(v: f64) -> Line {
        Line {
            initial: v,
            growth: 0.0,
        }
    }

    /// Whether the slope is zero.
    pub fn is_constant(&self) -> bool {
        self.growth == 0.0
    }
}

/// A tracked line during a round: `value(t) = clamp(level + slope (t - t0))`.
#[derive(Clone, Copy, Debug)]
pub struct LineState {
    /// The time `level` is at.
    pub t0: f64,
    /// The value at `t0`, clamped.
    pub level: f64,
    /// The slope from `t0` (the value runs on from the clamp once it is reached).
    pub slope: f64,
    /// The domain's lower end.
    pub lo: f64,
    /// The domain's upper end.
    pub hi: f64,
}

impl LineState {
    /// The value at t, clamped to the domain.
    #[inline]
    pub fn at(&self, t: f64) -> f64 {
        if self.slope == 0.0 {
            return self.level;
        }
        let v = self.level + self.slope * (t - self.t0);
        // Not f64::clamp, which checks its bounds on every call: lo <= hi by construction.
        if v < self.lo {
            self.lo
        } else if v > self.hi {
            self.hi
        } else {
            v
        }
    }

    /// Slope actually in effect from `t0` on (0 while pinned at a bound).
    #[inline]
    pub fn effective_slope(&self) -> f64 {
        if (self.slope < 0.0 && self.level <= self.lo)
            || (self.slope > 0.0 && self.level >= self.hi)
        {
            0.0
        } else {
            self.slope
        }
    }

    /// When the line reaches a bound, if it is moving towards one.
    #[inline]
    pub fn next_clamp(&self) -> f64 {
        if self.slope < 0.0 && self.level > self.lo {
            self.t0 + (self.level - self.lo) / -self.slope
        } else if self.slope > 0.0 && self.level < self.hi {
            self.t0 + (self.hi - self.level) / self.slope
        } else {
            f64::INFINITY
        }
    }

    /// Re-anchor at `t`. At the clamp time itself land exactly on the bound, so that the next
    /// piece sees the line pinned rather than a rounding error away from it.
    #[inline]
    pub fn rebase(&mut self, t: f64) {
        let hit = t >= self.next_clamp();
        let v = self.at(t);
        self.level = if hit {
            if self.slope < 0.0 { self.lo } else { self.hi }
        } else {
            v
        };
        self.t0 = t;
    }

    /// `(value at t0, effective slope)`: the line on the current piece.
    #[inline]
    pub fn piece(&self) -> (f64, f64) {
        (self.level, self.effective_slope())
    }
}
