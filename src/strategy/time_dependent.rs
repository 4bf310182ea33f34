//! Time-dependent concession (Faratin, Sierra & Jennings 1998): a party's demand falls from its
//! `demand` α to `reservation` r along `α(t) = α - (α - r) min(1, t / by)^(1/e)`: Boulware
//! (e < 1) holds out and gives way late, Linear (e = 1) steadily, Conceder (e > 1) early.
//!
//! A deal is struck at the first instant the two demands are compatible, at the split where they
//! meet (an opponent with another strategy keeps its demand fixed). The meeting time depends only
//! on the scenario, so it is solved once: by bisection on the non-increasing sum of demands, to
//! the last bit.

/// One party's demand path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DemandPath {
    /// A demand that does not move.
    Fixed(f64),
    /// A demand falling from `demand` to `reservation` by `by`.
    Falling {
        /// The demand at t = 0.
        demand: f64,
        /// The lowest demand.
        reservation: f64,
        /// The exponent: `demand − (demand − reservation) (t/by)^(1/e)`.
        e: f64,
        /// When it reaches `reservation`.
        by: f64,
    },
}

impl DemandPath {
    /// The demand at t.
    pub fn at(&self, t: f64) -> f64 {
        match *self {
            DemandPath::Fixed(a) => a,
            DemandPath::Falling {
                demand,
                reservation,
                e,
                by,
            } => {
                let x = (t / by).min(1.0);
                demand - (demand - reservation) * x.powf(1.0 / e)
            }
        }
    }

    /// When the path stops moving.
    fn settles(&self) -> f64 {
        match *self {
            DemandPath::Fixed(_) => 0.0,
            DemandPath::Falling { by, .. } => by,
        }
    }
}

/// When the demands first meet (sum to 1), and the split there: `None` if they never do.
/// Demands that are compatible from the start are the engine's compromise at 0, not a meeting.
pub fn meeting(paths: [DemandPath; 2]) -> Option<(f64, [f64; 2])> {
    let sum = |t: f64| paths[0].at(t) + paths[1].at(t);
    let end = paths[0].settles().max(paths[1].settles());
    if sum(0.0) <= 1.0 || sum(end) > 1.0 {
        return None;
    }
    let (mut lo, mut hi) = (0.0f64, end);
    // sum(lo) > 1 >= sum(hi); halve until the interval is one ulp wide.
    while hi - lo > f64::EPSILON * hi {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if sum(mid) > 1.0 { lo = mid } else { hi = mid }
    }
    let (a, b) = (paths[0].at(hi), paths[1].at(hi));
    // At the meeting the demands sum to 1 up to rounding; give each its demand, scaled to a pie.
    let s = a + b;
    Some((hi, [a / s, b / s]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_linear_paths_meet_where_the_algebra_says() {
        // 0.8 -> 0.3 and 0.7 -> 0.4 over 10: the sum 1.5 - 0.08 t reaches 1 at t = 6.25,
        // where a asks 0.8 - 0.5 * 0.625 = 0.4875 and b 0.7 - 0.3 * 0.625 = 0.5125.
        let p = |d, r| DemandPath::Falling {
            demand: d,
            reservation: r,
            e: 1.0,
            by: 10.0,
        };
        let (t, s) = meeting([p(0.8, 0.3), p(0.7, 0.4)]).unwrap();
        assert!((t - 6.25).abs() < 1e-12, "{t}");
        assert!(
            (s[0] - 0.4875).abs() < 1e-12 && (s[1] - 0.5125).abs() < 1e-12,
            "{s:?}"
        );
    }

    #[test]
    fn reservations_that_overlap_never_meet() {
        let p = |d, r| DemandPath::Falling {
            demand: d,
            reservation: r,
            e: 1.0,
            by: 10.0,
        };
        assert_eq!(meeting([p(0.9, 0.6), p(0.9, 0.5)]), None);
    }
}
