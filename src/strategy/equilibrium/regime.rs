//! The vocabulary of the backward solution (docs/model.md, section 6.1): the regime on each
//! stretch of time (both mix, both hold, one concedes at once), the stretches and atoms that
//! make a solution, and how the game ends.

use crate::model::PARTIES;

/// What the sides do on a stretch of time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Regime {
    Mixed,
    /// Both hold; `value` is what each expects at `at`, the stretch's right end.
    Hold {
        at: f64,
        value: [f64; PARTIES],
    },
    /// This side concedes at once.
    Concedes(usize),
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Stretch {
    pub start: f64,
    pub end: f64,
    pub regime: Regime,
}

/// The backward solution: stretches in time order and the atoms `(time, [p_a, p_b])`.
#[derive(Clone, Debug, Default)]
pub(super) struct Solution {
    pub stretches: Vec<Stretch>,
    pub atoms: Vec<(f64, [f64; PARTIES])>,
}

/// How the game ends, if it does: at `at`, with what each side gets (time-0 units) if neither
/// concedes there.
#[derive(Clone, Copy, Debug)]
pub(super) struct End {
    pub at: f64,
    pub hold: [f64; PARTIES],
}
