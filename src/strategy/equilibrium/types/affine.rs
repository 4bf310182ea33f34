//! What both solves with private types (with an end, `Game`; without, `open`) read off the
//! game's two paths, at θ = 0 and θ = 1, between which every payoff is affine in the type: the
//! indifference's N and M per span, the moves in the values of conceding at a span's start, and
//! the marginal type of an integrated hazard.

use crate::model::{PARTIES, Resolve};
use crate::strategy::equilibrium::cutoffs::ALL;
use crate::strategy::equilibrium::indifference::Indifference;
use crate::strategy::equilibrium::path::{Path, Side};

/// Per side, `[drop, room]` at a time, each at θ = 0 and θ = 1: the drop ℒ_x(t−) − ℒ_x(t+) in
/// its value of conceding and the room 𝒢_x(t) − ℒ_x(t+) above it.
pub(super) type Move = [[[f64; 2]; 2]; PARTIES];

/// Per side, per span, N_x and M_x at θ = 0 and θ = 1 from the span's start.
pub(super) fn indifferences(paths: [&Path; 2]) -> [Vec<[Indifference; 2]>; PARTIES] {
    let [p0, p1] = paths;
    [0, 1].map(|x| {
        (p1.spans.iter().zip(&p0.spans))
            .map(|(s1, s0)| {
                [
                    Indifference::on(p0, s0, x, s0.start),
                    Indifference::on(p1, s1, x, s1.start),
                ]
            })
            .collect()
    })
}

/// The move in each side's value of conceding where a span starts at t.
pub(super) fn move_at(paths: [&Path; 2], t: f64) -> Move {
    [0, 1].map(|x| {
        let [at0, at1] = paths.map(|p| {
            let (sb, sa) = (p.span(t, Side::Before), p.span(t, Side::After));
            let after = p.value(sa, x, t, p.concede(sa, x, t));
            let before = p.value(sb, x, t, p.concede(sb, x, t));
            [before - after, p.value(sa, x, t, p.win(sa, x)) - after]
        });
        [[at0[0], at1[0]], [at0[1], at1[1]]]
    })
}

/// The marginal type where a side's integrated hazard is s (non-negative): its prior's quantile
/// 1 − e⁻ˢ (s held at `ALL`), or its known type.
pub(super) fn marginal(prior: Option<&Resolve>, known: f64, s: f64) -> f64 {
    match prior {
        Some(p) => p.quantile(-(-s.min(ALL)).exp_m1()),
        None => known,
    }
}

/// Whether single crossing fails where x's N and M are `(n0, d0)` at θ = 0 and `(n1, d1)` at
/// θ = 1: N / M rises with θ (its derivative's sign, the same for every type), beyond `tol`.
pub(super) fn crossing_fails((n0, d0): (f64, f64), (n1, d1): (f64, f64), tol: f64) -> bool {
    (n1 - n0) * d0 - n0 * (d1 - d0) > tol
}
