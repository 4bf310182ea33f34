//! Scheduled events in the solve with private types (docs/model.md 6.1, "Private types"): where
//! an event moves a side's value of conceding (`jumps`), the other side's atom there keeps the
//! marginal type indifferent across it (`bridge`, `jump_at`). Random (Poisson) events are not
//! solved with types yet (`not_covered`).

use super::{Game, Jump, Node, Unsolved};
use crate::model::PARTIES;

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
            let m = self.marginal(x, before[x]);
            let at = |v: [f64; 2]| v[0] + m * (v[1] - v[0]);
            let (drop, room) = (at(jump[x][0]), at(jump[x][1]));
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
    /// there is its value of conceding); a side committed right after the event would need
    /// another, which this solve does not place.
    pub(super) fn jump_at(
        &self,
        j: usize,
        jump: &Jump,
        s: &mut [f64; PARTIES],
        (stop, held): (&[f64; PARTIES], &[f64; PARTIES]),
        nodes: Option<&mut [Vec<Node>; PARTIES]>,
    ) -> Result<(), Unsolved> {
        let t = self.grid[j].0;
        let before = *s;
        self.bridge(jump, s, stop)?;
        let there = [0, 1].map(|y| if stop[y].is_finite() { held[y] } else { s[y] });
        for x in (0..PARTIES).filter(|&x| stop[x].is_infinite()) {
            if self.committed_gap(x, there, |m, w| self.gap_at_node(x, j, m, w)) >= 0.0 {
                return Err(Unsolved::Unsupported("an event after which a side holds"));
            }
        }
        if let Some(nodes) = nodes {
            let rate = self.rates(self.grid[j - 1].1, t, before);
            for x in (0..PARTIES).filter(|&x| stop[x].is_infinite()) {
                nodes[x].push((t, before[x], rate[x]));
            }
        }
        Ok(())
    }
}
