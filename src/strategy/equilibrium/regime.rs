//! The vocabulary of the backward solution (docs/model.md, section 6.1): the regime on each
//! stretch of time (both mix, both hold, one concedes at once), the stretches and atoms that
//! make a solution, and how the game ends.

use super::path::{Path, Side};
use crate::model::{DeadlineAction, DeadlineKind, PARTIES, Scenario};

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

/// How the game ends: the earliest of the global deadline and the parties' own deadlines, and
/// what each side gets there (current value, at that time) if neither concedes. At one instant,
/// a deadline concession comes before a walkout, and both before the global deadline.
pub(super) fn ending(sc: &Scenario, path: &Path) -> Option<End> {
    let at = sc.game_end();
    if !at.is_finite() {
        return None;
    }
    let s = path.span(at, Side::After);
    let here = || sc.deadlines().filter(|d| d.0 == at).map(|d| d.1);
    let gives_in = |x: usize| {
        here().any(|k| {
            k == DeadlineKind::Own {
                party: x,
                action: DeadlineAction::Concede,
            }
        })
    };
    let walks = here().any(|k| {
        matches!(
            k,
            DeadlineKind::Own {
                action: DeadlineAction::WalkOut,
                ..
            }
        )
    });
    let global = here().find_map(|k| match k {
        DeadlineKind::Global {
            breakdown_probability,
        } => Some(breakdown_probability),
        DeadlineKind::Own { .. } => None,
    });
    let hold = [0, 1].map(|x| {
        let y = 1 - x;
        let current = match (gives_in(x), gives_in(y)) {
            (true, true) => path.tie(s, x),
            (true, false) => path.concede(s, x, at),
            (false, true) => path.win(s, x),
            (false, false) if walks => path.broken(s, x, at),
            (false, false) => {
                let p = global.unwrap_or(0.0);
                p * path.broken(s, x, at) + (1.0 - p) * path.status_quo(s, x)
            }
        };
        path.value(s, x, at, current)
    });
    Some(End { at, hold })
}
