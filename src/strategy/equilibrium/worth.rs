//! What the game after a random event is worth to each party, as a function of the time the
//! event fires (`Worth`), or that it is priced by its expected jump instead (`Post`): what the
//! path of a game (`super::path`) needs of the games after its events. `super::post` solves them.

use std::rc::Rc;

use crate::model::PARTIES;

/// Halvings of a lattice's span at most.
const LATTICE_LAST: u32 = 30;

/// What the game after one Poisson event is worth, for the solve's path.
#[derive(Clone, Debug)]
pub(super) enum Post {
    /// Solved: its value at every time the event may fire.
    Solved(Rc<Worth>),
    /// Priced by the expected jump in the value of conceding.
    Jump,
}

impl Post {
    /// A game's values where they could be read (finite, `most` pieces at most), else its jump.
    pub fn of(worth: Option<Worth>, most: usize) -> Post {
        match worth {
            Some(w) if w.len() <= most => Post::Solved(Rc::new(w)),
            _ => Post::Jump,
        }
    }
}

/// Each party's current value of a game after an event, as a function of the time the event
/// fires: piecewise linear, piece k from `starts[k]` as `(value there, slope)`.
#[derive(Clone, Debug, Default)]
pub(super) struct Worth {
    starts: Vec<f64>,
    pieces: Vec<[(f64, f64); PARTIES]>,
}

impl Worth {
    /// x's value at t and its slope there.
    pub fn at(&self, x: usize, t: f64) -> (f64, f64) {
        let k = self.starts.partition_point(|&s| s <= t).max(1) - 1;
        let (v, slope) = self.pieces[k][x];
        (v + slope * (t - self.starts[k]), slope)
    }

    /// Continue with a line from t, unless it is the last piece's own continuation (to 1e-12
    /// relative): cuts that do not bend the value are not kept, so that a game's cuts do not
    /// pile up through the games before it.
    pub fn extend(&mut self, t: f64, piece: [(f64, f64); PARTIES]) {
        if let (Some(&t0), Some(last)) = (self.starts.last(), self.pieces.last()) {
            let same = (0..PARTIES).all(|x| {
                let ((v0, s0), (v, s)) = (last[x], piece[x]);
                let tol = 1e-12 * v.abs().max(v0.abs()).max(1.0);
                (s - s0).abs() <= 1e-12 * s.abs().max(s0.abs()).max(1.0)
                    && (v0 + s0 * (t - t0) - v).abs() <= tol
            });
            if same {
                return;
            }
        }
        self.push(t, piece);
    }

    /// Continue with every piece of `later`, which starts where this one ends.
    pub fn append(&mut self, later: Worth) {
        for (t, piece) in later.starts.into_iter().zip(later.pieces) {
            self.extend(t, piece);
        }
    }

    /// How many pieces it has.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Where the first piece after t starts (infinite if none does).
    pub fn next_cut(&self, t: f64) -> f64 {
        let k = self.starts.partition_point(|&s| s <= t);
        self.starts.get(k).copied().unwrap_or(f64::INFINITY)
    }

    pub fn push(&mut self, t: f64, piece: [(f64, f64); PARTIES]) {
        if self.starts.last() == Some(&t) {
            *self.pieces.last_mut().expect("a piece per start") = piece;
        } else {
            self.starts.push(t);
            self.pieces.push(piece);
        }
    }
}

/// How many points a `lattice` may take: beyond them, `Strict` gives up (the event is then
/// priced by its jump), `Best` keeps the chords the points taken make. With it, the halvings
/// every interval takes before its chord is judged.
#[derive(Clone, Copy)]
pub(super) enum Budget {
    Strict(usize),
    Best(usize),
}

/// How finely a `lattice` samples: every interval halved `first` times, and then until its
/// midpoint is within `tol` of its chord, `budget` points at most.
#[derive(Clone, Copy)]
pub(super) struct Fineness {
    pub first: u32,
    pub tol: f64,
    pub budget: Budget,
}

/// Chords of `f` on `[a, b]` through points at the midpoints of halvings of it: each half is
/// halved again until its midpoint is within `tol` of the chord (after `first` halvings at
/// least, `LATTICE_LAST` at most); `None` past a strict budget or where a sample is not
/// finite (a game after the event this solve cannot value). At b the value just before b (the
/// last halving's width before it), and beyond b the last chord's line.
pub(super) fn lattice(
    mut f: impl FnMut(f64) -> [f64; PARTIES],
    (a, b): (f64, f64),
    fine: Fineness,
) -> Option<Worth> {
    let Fineness { first, tol, budget } = fine;
    let mut w = Worth::default();
    if b <= a || b.is_nan() {
        w.push(a, f(a).map(|v| (v, 0.0)));
        return Some(w);
    }
    // At b itself the game has ended (an event never fires there): its value just before.
    let (fa, fb) = (f(a), f(b - (b - a) * (0.5f64).powi(LATTICE_LAST as i32)));
    if fa.iter().chain(&fb).any(|v| !v.is_finite()) {
        return None;
    }
    let mut points = vec![(a, fa), (b, fb)];
    // The intervals of one number of halvings still to halve, level by level, so that where the
    // budget ends the chords are as fine everywhere.
    let mut todo = vec![(a, fa, b, fb)];
    let mut samples = 2;
    for level in 0..=LATTICE_LAST {
        if todo.is_empty() {
            break;
        }
        samples += todo.len();
        match budget {
            Budget::Strict(most) if samples > most => return None,
            Budget::Best(most) if samples > most => break,
            _ => {}
        }
        let mut next = Vec::with_capacity(2 * todo.len());
        for (t0, v0, t1, v1) in todo {
            let m = 0.5 * (t0 + t1);
            let vm = f(m);
            if vm.iter().any(|v| !v.is_finite()) {
                return None;
            }
            points.push((m, vm));
            let off = (0..PARTIES).any(|x| (vm[x] - 0.5 * (v0[x] + v1[x])).abs() > tol);
            if (level < first || off) && level < LATTICE_LAST {
                next.push((t0, v0, m, vm));
                next.push((m, vm, t1, v1));
            }
        }
        todo = next;
    }
    points.sort_by(|p, q| p.0.total_cmp(&q.0));
    for pair in points.windows(2) {
        let ((t0, v0), (t1, v1)) = (pair[0], pair[1]);
        w.extend(t0, [0, 1].map(|x| (v0[x], (v1[x] - v0[x]) / (t1 - t0))));
    }
    // Beyond b the last chord goes on. Where b is the game's end nothing is valued there; where
    // it is the horizon of a game without an end, the lines go on moving past it, and a value
    // held fixed there would have the gap to conceding grow without bound far out, where the
    // regime of the game's tail is read (`hold::asymptote`).
    Some(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fine(tol: f64, budget: Budget) -> Fineness {
        Fineness {
            first: 4,
            tol,
            budget,
        }
    }

    #[test]
    fn a_lattice_keeps_its_chords_within_the_tolerance_and_refuses_what_is_not_finite() {
        // A smooth curve, a kink and a jump between samples: every chord within tol of the
        // function at points between the samples (away from the jump's last halving).
        let f = |t: f64| {
            let v =
                0.1 * (0.7 * t).sin() + 0.3 * (t - 1.3).abs() + if t < 2.71 { 0.0 } else { 0.5 };
            [v, -v]
        };
        let tol = 1e-6;
        let w = lattice(f, (0.0, 5.0), fine(tol, Budget::Strict(2048))).expect("finite");
        let mut worst: f64 = 0.0;
        for k in 0..10_000 {
            let t = 5.0 * (k as f64 + 0.5) / 10_000.0;
            if (t - 2.71).abs() < 1e-6 {
                continue;
            }
            worst = worst.max((w.at(0, t).0 - f(t)[0]).abs());
        }
        assert!(worst <= tol, "{worst}");
        assert!(w.len() < 2048, "{} pieces", w.len());
        // A sample that is not finite: no chords.
        let g = |t: f64| if t > 3.0 { [f64::NAN; 2] } else { [t; 2] };
        assert!(lattice(g, (0.0, 5.0), fine(tol, Budget::Strict(2048))).is_none());
    }

    #[test]
    fn a_lattice_out_of_points_gives_up_or_keeps_what_it_has_as_its_budget_says() {
        // A curve that needs thousands of points at this tolerance.
        let f = |t: f64| [(40.0 * t).sin(), 0.0];
        let tol = 1e-9;
        assert!(lattice(f, (0.0, 5.0), fine(tol, Budget::Strict(64))).is_none());
        let w = lattice(f, (0.0, 5.0), fine(tol, Budget::Best(64))).expect("kept");
        // Halved level by level: every level that fits the budget, and no more.
        assert!(w.len() >= 32 && w.len() <= 64, "{} pieces", w.len());
    }
}
