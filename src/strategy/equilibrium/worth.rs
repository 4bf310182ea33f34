//! What the game after a random event is worth to each party, as a function of the time the
//! event fires (`Worth`), or that it is priced by its expected jump instead (`Post`): what the
//! path of a game (`super::path`) needs of the games after its events. `super::post` solves them.

use std::rc::Rc;

use crate::model::PARTIES;

/// Chords per stretch of a hold at most, where the value of the game after an event is a curve.
const MOST_CHORDS: usize = 16;

/// What the game after one Poisson event is worth, for the solve's path.
#[derive(Clone, Debug)]
pub(super) enum Post {
    /// Solved: its value at every time the event may fire.
    Solved(Rc<Worth>),
    /// Priced by the expected jump in the value of conceding.
    Jump,
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

    /// Chords of a curve `f` on `[a, b)`: halved until each is within `tol` of the curve at its
    /// middle, or there are `MOST_CHORDS`.
    pub fn chords(&mut self, f: impl Fn(f64) -> [f64; PARTIES], a: f64, b: f64, tol: f64) {
        let mut points = vec![(a, f(a)), (b, f(b))];
        while points.len() <= MOST_CHORDS {
            let mut refined = Vec::with_capacity(2 * points.len());
            let mut worst: f64 = 0.0;
            for pair in points.windows(2) {
                let ((t0, v0), (t1, v1)) = (pair[0], pair[1]);
                let m = 0.5 * (t0 + t1);
                let vm = f(m);
                for x in 0..PARTIES {
                    worst = worst.max((vm[x] - 0.5 * (v0[x] + v1[x])).abs());
                }
                refined.push((t0, v0));
                refined.push((m, vm));
            }
            refined.push(*points.last().expect("two points at least"));
            points = refined;
            if worst <= tol {
                break;
            }
        }
        for pair in points.windows(2) {
            let ((t0, v0), (t1, v1)) = (pair[0], pair[1]);
            self.push(t0, [0, 1].map(|x| (v0[x], (v1[x] - v0[x]) / (t1 - t0))));
        }
    }
}
