//! The lines during a round (docs/model.md, section 2): which a round resets and which move
//! (`LineSetup`), and the integrals the engine needs of them on a piece (the discounted waiting
//! cost, the breakdown hazard as a `Rate`). A line itself is a `model::LineState`.

pub(super) use crate::model::Lines;
use crate::model::{LineId, Scenario, Target};
use crate::rate::{self, Rate};

/// The lines at t = 0, and which of them a round can move or change.
pub(super) struct LineSetup {
    pub initial: Lines,
    /// The lines that move over a round (a growth, or an event that sets one); only these can
    /// reach a clamp, so only these split pieces.
    pub moving: Vec<usize>,
    /// The lines a round can change at all (moving, or the target of an event): reset per round.
    pub mutable: Vec<usize>,
    /// When the first of the initial lines reaches a bound (the first piece's clamp, the same in
    /// every round that no event has touched yet).
    pub first_clamp: f64,
}

impl LineSetup {
    pub fn new(sc: &Scenario) -> LineSetup {
        let initial = sc.initial_lines();
        let effects = || sc.events.iter().flat_map(|e| &e.effects);
        let slope_set_by_event = |k: usize| {
            effects().any(|f| {
                f.target
                    == Target::Line {
                        line: LineId(k),
                        growth: true,
                    }
            })
        };
        let moving: Vec<usize> = (0..LineId::COUNT)
            .filter(|&k| sc.line(LineId(k)).growth != 0.0 || slope_set_by_event(k))
            .collect();
        let targeted = |k: usize| {
            effects().any(|f| matches!(f.target, Target::Line { line, .. } if line.0 == k))
        };
        let mutable = (0..LineId::COUNT)
            .filter(|&k| moving.contains(&k) || targeted(k))
            .collect();
        let first_clamp = moving
            .iter()
            .map(|&k| initial[k].next_clamp())
            .fold(f64::INFINITY, f64::min);
        LineSetup {
            initial,
            moving,
            mutable,
            first_clamp,
        }
    }
}

/// The breakdown hazard on the current piece.
#[inline]
pub(super) fn breakdown_rate(lines: &Lines) -> Rate {
    let (h0, h1) = lines[LineId::HAZARD.0].piece();
    Rate::Linear { a: h0, b: h1 }
}

/// `int_t^t1 e^{-r s} c_i(s) ds` on a piece where party i's pressure is linear.
#[inline]
pub(super) fn cost_between(discount_rate: f64, lines: &Lines, i: usize, t: f64, t1: f64) -> f64 {
    let (c0, c1) = lines[LineId::pressure(i).0].piece();
    if c0 == 0.0 && c1 == 0.0 {
        return 0.0;
    }
    let r = discount_rate;
    let w = if r == 0.0 { 1.0 } else { (-r * t).exp() };
    w * rate::discounted_integral(r, c0, c1, t1 - t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineState;

    fn line(level: f64, slope: f64) -> LineState {
        LineState {
            t0: 0.0,
            level,
            slope,
            lo: 0.0,
            hi: 1.0,
        }
    }

    #[test]
    fn a_line_is_held_at_its_bounds() {
        let l = line(0.5, -0.1);
        assert_eq!(l.next_clamp(), 5.0);
        assert_eq!(l.at(2.0), 0.3);
        assert_eq!(l.at(7.0), 0.0);
        assert_eq!(line(0.5, 0.25).at(3.0), 1.0);
        assert_eq!(line(0.5, 0.0).next_clamp(), f64::INFINITY);
    }

    #[test]
    fn rebased_at_its_clamp_a_line_is_pinned_there() {
        // 0.3 - 0.1 t reaches 0 at 3 (up to rounding); rebased there it sits on the bound, so
        // the next piece sees no slope.
        let mut l = line(0.3, -0.1);
        let at = l.next_clamp();
        l.rebase(at);
        assert_eq!(l.piece(), (0.0, 0.0));
        assert_eq!(l.next_clamp(), f64::INFINITY);
    }

    #[test]
    fn the_waiting_cost_is_the_discounted_integral_of_the_pressure() {
        // c(t) = 1 + 2 t on [1, 3], no discounting: 2 + (9 - 1) = 10.
        let mut lines = [line(0.0, 0.0); LineId::COUNT];
        let k = LineId::pressure(1).0;
        lines[k] = LineState {
            t0: 1.0,
            level: 3.0,
            slope: 2.0,
            lo: 0.0,
            hi: f64::INFINITY,
        };
        assert!((cost_between(0.0, &lines, 1, 1.0, 3.0) - 10.0).abs() < 1e-12);
        // With r = 0.5 and a constant pressure 3 from t = 1: 3 e^{-0.5} (1 - e^{-1}) / 0.5.
        lines[k].slope = 0.0;
        let expected = 3.0 * (-0.5f64).exp() * (1.0 - (-1.0f64).exp()) / 0.5;
        assert!((cost_between(0.5, &lines, 1, 1.0, 3.0) - expected).abs() < 1e-12);
    }
}
