//! Scheduled events in the solve with private types (docs/model.md 6.1, "Private types"): where
//! an event moves a side's value of conceding (`jumps`), the other side's atom there keeps the
//! marginal type indifferent across it (`bridge`, `jump_at`). Random (Poisson) events are not
//! solved with types yet (`not_covered`).

use super::{CROSSING, FALSI_STEPS, Game, Jump, Node, Unsolved};
use crate::model::PARTIES;
use crate::numeric::regula_falsi;

/// What an event after which a side holds is, where it is not solved.
const HOLDS: Unsolved = Unsolved::Unsupported("an event after which a side holds");

impl Game<'_, '_> {
    /// The grid nodes where a scheduled event moves a value of conceding, with the drops and
    /// rooms there (see `jumps`).
    pub(super) fn jumps(&self) -> Vec<(usize, Jump)> {
        let mut out = Vec::new();
        for j in 1..self.grid.len() {
            if self.grid[j].1 == self.grid[j - 1].1 {
                continue;
            }
            let each = super::affine::move_at(self.paths, self.grid[j].0);
            if each.iter().any(|e| e[0].iter().any(|d| d.abs() > self.tol)) {
                out.push((j, each));
            }
        }
        out
    }

    /// x's `[drop, room]` at an event (`affine::Move`), at its marginal type where its integrated
    /// hazard is s_x.
    fn moved(&self, jump: &Jump, x: usize, s_x: f64) -> (f64, f64) {
        let m = self.marginal(x, s_x);
        let at = |v: [f64; 2]| v[0] + m * (v[1] - v[0]);
        (at(jump[x][0]), at(jump[x][1]))
    }

    /// At a scheduled event that lowers x's value of conceding at its marginal type, the other
    /// side concedes with the atom that keeps that type indifferent across it: 6.1's
    /// π = drop / room, at the marginal type. One that raises it would need a hold before the
    /// event, which this solve does not place.
    fn bridge(
        &self,
        jump: &Jump,
        s: &mut [f64; PARTIES],
        stop: &[f64; PARTIES],
    ) -> Result<(), Unsolved> {
        let before = *s;
        for x in (0..PARTIES).filter(|&x| stop[x].is_infinite()) {
            let (drop, room) = self.moved(jump, x, before[x]);
            if drop.abs() <= self.tol {
                continue;
            }
            let y = 1 - x;
            if drop < 0.0 {
                return Err(Unsolved::Unsupported(
                    "an event that raises a value of conceding",
                ));
            }
            if stop[y].is_finite() || room <= drop {
                return Err(Unsolved::Unsupported(
                    "an event that lowers a value of conceding where the other side holds",
                ));
            }
            s[y] -= (-(drop / room)).ln_1p();
        }
        Ok(())
    }

    /// The atoms at grid node j's event (`bridge`), with the nodes just before them. 6.1's atom
    /// keeps the marginal type indifferent where it goes on mixing after the event (its value
    /// there is its value of conceding). Where the side whose value of conceding drops is
    /// committed right after the event instead, its value there is holding to the end, and the
    /// other side's atom is the one that leaves it indifferent between that and conceding just
    /// before (`holds_after_event`); a side committed after an event that did not lower its
    /// value of conceding would have held before it, which this solve does not place.
    pub(super) fn jump_at(
        &self,
        j: usize,
        jump: &Jump,
        s: &mut [f64; PARTIES],
        (stop, held): (&mut [f64; PARTIES], &mut [f64; PARTIES]),
        mut nodes: Option<&mut [Vec<Node>; PARTIES]>,
    ) -> Result<(), Unsolved> {
        let t = self.grid[j].0;
        let before = *s;
        if let Some(nodes) = nodes.as_deref_mut() {
            let rate = self.rates(self.grid[j - 1].1, t, before);
            for x in (0..PARTIES).filter(|&x| stop[x].is_infinite()) {
                nodes[x].push((t, before[x], rate[x]));
            }
        }
        self.bridge(jump, s, stop)?;
        let holding: Vec<usize> = (0..PARTIES)
            .filter(|&x| stop[x].is_infinite())
            .filter(|&x| self.gap_after(j, x, s, (stop, held), false) >= 0.0)
            .collect();
        // The side whose value of conceding the event lowered, where it holds after it (the
        // other, where it holds too, is judged again with the atom that side needs).
        let dropped = |x: &&usize| self.moved(jump, **x, before[**x]).0 > self.tol;
        match holding.iter().find(dropped) {
            None if holding.is_empty() => Ok(()),
            None => Err(HOLDS),
            Some(&x) => self.holds_after_event(j, jump, x, before, s, (stop, held), nodes),
        }
    }

    /// x's gap between holding to the end and conceding right after grid node j's event, where
    /// the integrated hazards are s (a stopped side's those it stopped at): its sign alone
    /// (`committed_gap`), or its value (`exact`: the stage at the end solved).
    fn gap_after(
        &self,
        j: usize,
        x: usize,
        s: &[f64; PARTIES],
        (stop, held): (&[f64; PARTIES], &[f64; PARTIES]),
        exact: bool,
    ) -> f64 {
        let there = [0, 1].map(|y| if stop[y].is_finite() { held[y] } else { s[y] });
        let gap = |m: f64, w: f64| self.gap_at_node(x, j, m, w);
        if !exact {
            return self.committed_gap(x, there, gap);
        }
        let m = self.marginal(x, there[x]);
        match self.stage_at(there) {
            Ok(q) => gap(m, self.end[x].worth(m, q[1 - x])),
            Err(_) => f64::NAN,
        }
    }

    /// x is committed right after grid node j's event, which lowered its value of conceding by
    /// `drop` at its marginal type, with `room` above it. Just before the event that type is
    /// indifferent between conceding (ℒ⁻) and waiting, which brings 𝒢 if y concedes at the event
    /// (its atom π) and holding to the end, ℒ⁺ + gap(π), if not: π = (drop − gap) / (room − gap),
    /// a fixed point in π (the gap moves with y's survivors through the end's stage), found by
    /// regula falsi on [0, drop / room]. x's concessions stop at the event. So do y's if its
    /// marginal type after the atom is committed too; then the types in its atom must be those
    /// that would rather concede than hold, which is a share `cut` of its survivors at most: where
    /// that is less than π, y concedes less than x needs and x would go on conceding, so x is
    /// reported as stopping later by (π − cut) of the game's length, for the search for the atom
    /// at the start to close (docs/model.md 6.1, "Jumps at scheduled events").
    #[allow(clippy::too_many_arguments)]
    fn holds_after_event(
        &self,
        j: usize,
        jump: &Jump,
        x: usize,
        before: [f64; PARTIES],
        s: &mut [f64; PARTIES],
        (stop, held): (&mut [f64; PARTIES], &mut [f64; PARTIES]),
        nodes: Option<&mut [Vec<Node>; PARTIES]>,
    ) -> Result<(), Unsolved> {
        let (t, y) = (self.grid[j].0, 1 - x);
        let (drop, room) = self.moved(jump, x, before[x]);
        let y_drop = self.moved(jump, y, before[y]).0;
        if drop <= self.tol || stop[y].is_finite() || y_drop.abs() > self.tol {
            return Err(HOLDS);
        }
        let with = |pi: f64| {
            let mut u = before;
            u[y] = before[y] - (-pi).ln_1p();
            u
        };
        // x's integrated hazard is `before`'s whether it is counted as stopped or not.
        let (st, hd) = (*stop, *held);
        let gap = |z: usize, pi: f64| self.gap_after(j, z, &with(pi), (&st, &hd), true);
        let h = |pi: f64| {
            let g = gap(x, pi);
            pi * (room - g) - (drop - g)
        };
        let (h0, top) = (h(0.0), drop / room);
        let h1 = h(top);
        if h0.is_nan() || h1.is_nan() {
            return Err(Unsolved::Unsupported(
                "a stage at the end without an equilibrium",
            ));
        }
        if h0 >= 0.0 {
            return Err(Unsolved::Unsupported(
                "a side that would hold before an event",
            ));
        }
        let pi = if h1 <= 0.0 {
            top
        } else {
            regula_falsi(h, (0.0, h0), (top, h1), CROSSING, FALSI_STEPS)
        };
        *s = with(pi);
        stop[x] = t;
        held[x] = before[x];
        if self.gap_after(j, y, s, (stop, held), false) < 0.0 {
            return Ok(());
        }
        let g0 = gap(y, 0.0);
        let cut = if g0 >= 0.0 {
            0.0
        } else {
            regula_falsi(
                |p| gap(y, p),
                (0.0, g0),
                (pi, gap(y, pi)),
                CROSSING,
                FALSI_STEPS,
            )
        };
        stop[y] = t;
        held[y] = s[y];
        let length = self.grid[self.grid.len() - 1].0 - self.grid[0].0;
        stop[x] = t + length * (pi - cut).max(0.0);
        if let Some(nodes) = nodes {
            nodes[y].push((t, s[y], 1.0));
        }
        Ok(())
    }
}
