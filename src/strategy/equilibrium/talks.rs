//! The equilibrium at meetings (docs/model.md, section 6.1): concessions take effect only at
//! meetings, so each meeting is a `Stage`, solved backward from the end of the game, each holding
//! on to what the next is worth. Without an end, the backward solution starts at a far meeting
//! valued by the game's asymptotic regime; where that is the mix, by the stationary equilibrium
//! there, the root in [0, 1] of `(T_j − L_j) p² − (G_j − L_j + k_j) p + k_j = 0`, k_j what one
//! more gap costs j.

use super::hold::{asymptote, hold_across};
use super::path::{Path, Side};
use super::regime::{End, Regime};
use super::stage::Stage;
use crate::model::{PARTIES, Talks};

/// Without an end, the plan reaches at least this many meetings ahead; the engine plans again
/// from the last.
const TAIL: usize = 64;

/// The meetings in `[from, to]`, as the engine computes them.
fn meetings(talks: Talks, from: f64, to: f64, most: usize) -> Vec<f64> {
    let first = talks.next_meeting(from);
    // Count from the first meeting on the lattice first + k every, so that each time is what
    // `next_meeting` gives for it.
    let k0 = if first <= talks.first {
        0.0
    } else {
        ((first - talks.first) / talks.every).round()
    };
    (0..most)
        .map(|k| {
            if k0 == 0.0 && k == 0 {
                talks.first
            } else {
                talks.first + (k0 + k as f64) * talks.every
            }
        })
        .take_while(|&m| m <= to)
        .collect()
}

/// Each meeting's concession probabilities `(time, [p_a, p_b])`, and how far the plan reaches.
/// Without an end, the meetings are solved backward from a far meeting (beyond every event and
/// clamp, and at least `TAIL` meetings on) whose value is the game's asymptotic regime's.
pub(super) fn solve(
    path: &Path,
    talks: Talks,
    end: Option<End>,
    horizon: Option<f64>,
) -> (Vec<(f64, [f64; PARTIES])>, f64) {
    match end {
        Some(e) => (backward(path, talks, e.at, e.hold), f64::INFINITY),
        None => {
            let last = path.spans.last().expect("a path has a span");
            let (far, regime) = asymptote(path, last, horizon);
            let target = far.max(path.t0 + TAIL as f64 * talks.every);
            let m = talks.next_meeting(target);
            let value = match regime {
                Regime::Mixed => {
                    let p = stationary(path, m, m + talks.every);
                    [0, 1].map(|x| {
                        let q = path.at(x, m, Side::After);
                        p[1 - x] * q.tie + (1.0 - p[1 - x]) * q.concede
                    })
                }
                Regime::Concedes(c) => [0, 1].map(|x| {
                    let q = path.at(x, m, Side::After);
                    if x == c { q.concede } else { q.win }
                }),
                Regime::Hold { at, value } => {
                    [0, 1].map(|x| hold_across(path, x, m, at.max(m), value[x]))
                }
            };
            // The meeting at m itself is the next plan's.
            let mut atoms = backward(path, talks, m, value);
            atoms.retain(|(t, _)| *t < m);
            (atoms, m)
        }
    }
}

fn stage(path: &Path, m: f64, hold: [f64; PARTIES]) -> Stage {
    let p = [0, 1].map(|x| path.at(x, m, Side::After));
    Stage {
        tie: p.map(|q| q.tie),
        concede: p.map(|q| q.concede),
        win: p.map(|q| q.win),
        hold,
    }
}

/// Backward from `end`, reached with `value`: a meeting there holds on to it, every earlier
/// meeting to the next one's value.
fn backward(
    path: &Path,
    talks: Talks,
    end: f64,
    value: [f64; PARTIES],
) -> Vec<(f64, [f64; PARTIES])> {
    let ms = meetings(talks, path.t0, end, usize::MAX);
    let mut out = Vec::with_capacity(ms.len());
    let (mut next, mut value) = (end, value);
    for &m in ms.iter().rev() {
        let hold = [0, 1].map(|x| hold_across(path, x, m, next, value[x]));
        let play = stage(path, m, hold).play();
        out.push((m, play.concede));
        (next, value) = (m, play.value);
    }
    out.reverse();
    out
}

/// The local stationary equilibrium at meeting m, the next at `next`: each side concedes with
/// the probability that leaves the other indifferent between conceding now and at the next
/// meeting, were the next meeting like this one.
fn stationary(path: &Path, m: f64, next: f64) -> [f64; PARTIES] {
    let p = [0, 1].map(|x| path.at(x, m, Side::After));
    let later = [0, 1].map(|x| path.at(x, next, Side::Before).concede);
    let rate = |x: usize| {
        let (l, t, g) = (p[x].concede, p[x].tie, p[x].win);
        let k = l - hold_across(path, x, m, next, later[x]);
        if k <= 0.0 {
            return 0.0;
        }
        let b = g - l + k;
        let disc = (b * b - 4.0 * (t - l) * k).max(0.0);
        (2.0 * k / (b + disc.sqrt())).min(1.0)
    };
    // Side x's probability keeps its opponent indifferent.
    [rate(1), rate(0)]
}
