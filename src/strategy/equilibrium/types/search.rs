//! The search for the solution with private types (docs/model.md 6.1, "Private types"): the
//! atom at the start that makes both sides stop at one time (`lag`, `atom`), or a side that
//! concedes at once, and the checks of what the solution relies on (the survivors' hold to the
//! end, single crossing).

use super::{ATOMS, CROSSING, FALSI_STEPS, Game, MEET, Shot, Solved, Unsolved};
use crate::model::PARTIES;
use crate::numeric::try_regula_falsi;
use crate::strategy::equilibrium::curve::{Curve, EndAtom};
use crate::strategy::equilibrium::cutoffs::{self, ALL, stage};
use crate::strategy::equilibrium::indifference::Indifference;

/// An atom at the start that leaves fewer than e⁻¹⁶ (1.1·10⁻⁷) of a side's types is that side
/// conceding at once, every type. A run could tell the two apart in one round in nine million
/// at most, and shots from beyond are ill-conditioned: the survivors' types, the quantiles
/// above 1 − e⁻ˢ, are resolved only to 10⁻¹⁶ / e⁻ˢ of their spread (10⁻⁹ at s = 16, the
/// precision the stops are matched to; 5·10⁻⁵ at s = 27, where the stops of the few types
/// left jumped with the atom's last bits in the bundled Iran scenario with both types private).
const NEGLIGIBLE: f64 = 16.0;

impl Game<'_, '_> {
    /// How much later b stops than a, after the atom z (the end standing in for never).
    fn lag(&self, z: f64) -> Result<f64, Unsolved> {
        let end = self.grid[self.grid.len() - 1].0;
        let shot = self.shoot(z, false)?;
        let stop = shot.stop.map(|t| t.min(end + 1.0));
        Ok(stop[1] - stop[0])
    }

    pub(super) fn solve(&self) -> Result<Solved, Unsolved> {
        // The lag rises with z: a's atom makes a stop sooner and b later.
        let end = self.grid[self.grid.len() - 1].0;
        // Relative to the game's length from the round's start, so that a solve from a later
        // state accepts what the solve from 0 did.
        let meet = MEET * end.max(1.0);
        let z = match self.lag(0.0)? {
            lag if lag.abs() <= meet => 0.0,
            lag => self.atom(lag)?,
        };
        if z.abs() > NEGLIGIBLE {
            let x = if z > 0.0 { 0 } else { 1 };
            return self.at_once(x);
        }
        let shot = self.shoot(z, true)?;
        let [a, b] = shot.stop;
        if !(a.is_finite() && b.is_finite()) {
            return Err(Unsolved::Unsupported("concessions that reach the end"));
        }
        if (a - b).abs() > meet {
            // The lag changed sign by a jump, not through 0 (docs/model.md 6.1).
            return Err(Unsolved::Unsupported("stop times that jump with the atom"));
        }
        let held = [0, 1].map(|x| shot.nodes[x].last().map_or(0.0, |n| n.1));
        let q = stage(&self.end, &self.survivors(held))
            .map_err(|cutoffs::Unsolved(what)| Unsolved::Unsupported(what))?;
        let top = self.top_concedes(q);
        self.holds_after(&shot, held, q, top)?;
        self.single_crossing(&shot)?;
        let curves = [0, 1].map(|x| {
            let mut curve = Curve::new(&shot.nodes[x], self.priors[x].cloned());
            if q[x] > 0.0 {
                // The survivors' budgets are those above `held`: the lowest share q of them
                // lie below held − ln(1 − q), the highest above held − ln q.
                let (from, to) = if top[x] {
                    (held[x] - q[x].ln(), f64::INFINITY)
                } else {
                    (held[x], held[x] - (-q[x]).ln_1p())
                };
                curve.end_atom = Some(EndAtom { at: end, from, to });
            }
            curve
        });
        Ok(Solved::Curves(Box::new(curves)))
    }

    /// Whether each side's survivors that concede at the end's stage (shares q) are its higher
    /// types: a private side's whose Φ rises with θ there (a known side has one type).
    fn top_concedes(&self, q: [f64; PARTIES]) -> [bool; PARTIES] {
        [0, 1].map(|x| self.priors[x].is_some() && self.end[x].top_concedes(q[1 - x]))
    }

    /// x concedes at once, every type: an equilibrium where not even x's top type would rather
    /// hold to the end against an opponent that never concedes (and so concedes nothing at the
    /// end either).
    fn at_once(&self, x: usize) -> Result<Solved, Unsolved> {
        let top = self.top(x);
        if self.gap_at_node(x, 0, top, self.end[x].worth(top, 0.0)) >= 0.0 {
            return Err(Unsolved::Unsupported(
                "a side whose top type would rather hold",
            ));
        }
        Ok(Solved::AtOnce(x))
    }

    /// The atom at the start (signed as in `shoot`) that makes both sides stop at one time: the
    /// smallest in size at which the lag changes sign, scanned outward on both sides
    /// (`ATOMS` sizes each, denser near 0: with a stage at the end the lag need not move
    /// monotonically with the atom), up to `NEGLIGIBLE`, and then refined by regula falsi to
    /// `CROSSING` of the atom's size (a dozen shots where halving took sixty). Infinite where no
    /// atom does: the side that stops later at 0 (b for a positive lag) concedes at once.
    fn atom(&self, lag0: f64) -> Result<f64, Unsolved> {
        let open = |lag: f64| lag.signum() == lag0.signum();
        let mut prev = [(0.0, lag0); 2];
        let sizes = (1..=ATOMS)
            .map(|k| ALL * (k as f64 / ATOMS as f64).powi(2))
            .take_while(|&size| size < NEGLIGIBLE)
            .chain([NEGLIGIBLE]);
        for size in sizes {
            for (i, sign) in [1.0, -1.0].into_iter().enumerate() {
                let z = sign * size;
                let lag = self.lag(z)?;
                if open(lag) {
                    prev[i] = (z, lag);
                    continue;
                }
                // Negative while the lag keeps its sign at 0, so the root is where it changes.
                let f = |z: f64| self.lag(z).map(|lag| -lag * lag0.signum());
                let sided = |(z, lag): (f64, f64)| (z, -lag * lag0.signum());
                let (lo, hi) = (sided(prev[i]), sided((z, lag)));
                return try_regula_falsi(f, lo, hi, CROSSING, FALSI_STEPS);
            }
        }
        Ok(if lag0 > 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        })
    }

    /// After the concessions stop, the survivors hold to the end: at every grid time from
    /// there, holding beats conceding for every survivor. The gap is convex in the type (the
    /// end's worth is the better of two lines), so it is checked at the lowest survivor, at the
    /// top of the prior and at the cutoff of the end's stage.
    fn holds_after(
        &self,
        shot: &Shot,
        held: [f64; PARTIES],
        q: [f64; PARTIES],
        top: [bool; PARTIES],
    ) -> Result<(), Unsolved> {
        let sides = self.survivors(held);
        for x in 0..PARTIES {
            let types = [
                sides[x].type_at(0.0),
                self.top(x),
                sides[x].cutoff(q[x], top[x]),
            ];
            let from = self.grid.partition_point(|g| g.0 <= shot.stop[x]);
            for j in from..self.grid.len() {
                for theta in types {
                    let worth = self.end[x].worth(theta, q[1 - x]);
                    if self.gap_at_node(x, j, theta, worth) < -self.tol {
                        return Err(Unsolved::Unsupported("a hold that does not last"));
                    }
                }
            }
        }
        Ok(())
    }

    /// Higher types must gain more from waiting (N_x / M_x falls with θ) wherever a private
    /// side's types concede: else the order of concessions is not an equilibrium.
    fn single_crossing(&self, shot: &Shot) -> Result<(), Unsolved> {
        for x in (0..PARTIES).filter(|&x| self.priors[x].is_some()) {
            for &(t, _, _) in &shot.nodes[1 - x] {
                let k = self.grid[self.grid.partition_point(|g| g.0 <= t).max(1) - 1].1;
                let [i0, i1] = self.ind[x][k];
                let u = t - self.paths[1].spans[k].start;
                let at = |i: &Indifference| (i.numerator.at(u), i.denominator.value(u));
                if super::affine::crossing_fails(at(&i0), at(&i1), self.tol) {
                    return Err(Unsolved::SingleCrossing { party: x, time: t });
                }
            }
        }
        Ok(())
    }
}
