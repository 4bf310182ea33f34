//! PRIM, the patient rule induction method (Friedman & Fisher 1999), as EMA Workbench's `Prim`
//! runs it for scenario discovery on real-valued inputs and a binary output (its defaults: peel
//! and paste alpha 0.05, minimum mass 0.05, objective `lenient1`). Step for step the same
//! arithmetic, order of candidates and tie-breaking, so that on the same points the peeling
//! trajectories and box limits agree to rounding (the fixtures in `tests/fixtures/` check it).
//!
//! A box is a lower and upper limit per input. Starting from the box around every remaining point,
//! *peeling* repeatedly cuts the `alpha` share of the box's points off one end of one input,
//! choosing the cut with the best objective (gain in the share of points of interest per point
//! lost), while the box keeps at least `mass_min` of all points; *pasting* then widens the box
//! again wherever that raises the share. Every box on the way is a step of the trajectory, with
//! its coverage (share of all points of interest inside), density (share of the box's points
//! that are of interest), mass (share of all points inside) and the quasi-p value of each
//! restriction (Bryant & Lempert 2010: the one-sided binomial test of the box's density against
//! the density with that restriction dropped). *Covering* looks for a further box among the points
//! outside the ones found.

use statrs::distribution::{Binomial, DiscreteCDF};

/// PRIM's settings (EMA Workbench's defaults by `Default`).
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// The share of a box's points one peel may cut off (α).
    pub peel_alpha: f64,
    /// The share of the points beyond a limit one paste may add.
    pub paste_alpha: f64,
    /// The smallest share of all points a box may hold.
    pub mass_min: f64,
    /// The density a box must reach for covering to look for another.
    pub threshold: f64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
            threshold: 0.8,
        }
    }
}

/// One box on a trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// (lower, upper) per input.
    pub limits: Vec<(f64, f64)>,
    /// The share of all points of interest inside the box.
    pub coverage: f64,
    /// The share of the box's points that are of interest.
    pub density: f64,
    /// The share of all points inside the box.
    pub mass: f64,
    /// How many inputs the box restricts.
    pub restricted: usize,
    /// Points inside.
    pub n: usize,
    /// Points of interest inside.
    pub k: usize,
    /// Per input, the quasi-p values of its (lower, upper) restriction; `None` where that end is
    /// not restricted.
    pub qp: Vec<(Option<f64>, Option<f64>)>,
}

/// One box's peeling and pasting trajectory (step 0 the box around every remaining point).
#[derive(Clone, Debug)]
pub struct Trajectory {
    /// Its boxes, from the box around every point to the last peeled and pasted.
    pub steps: Vec<Step>,
    /// The points inside the last step.
    pub inside: Vec<usize>,
}

/// PRIM over `x` (one column per input, one value per point) and `y` (whether each point is of
/// interest).
pub struct Prim<'a> {
    x: &'a [Vec<f64>],
    y: &'a [bool],
    s: Settings,
    n: usize,
    /// Points of interest among all points.
    total_interest: usize,
    /// The limits of the box around all points.
    init: Vec<(f64, f64)>,
    /// Points not in a box found so far, ascending.
    remaining: Vec<usize>,
}

/// EMA Workbench's quantile (after sdtoolkit): between the two order statistics around
/// (n − 1) q, stepping outward past ties (downward for q > 1/2, upward otherwise).
pub fn quantile(data: &mut [f64], q: f64) -> f64 {
    data.sort_by(f64::total_cmp);
    let i = (data.len() - 1) as f64 * q;
    let (mut lo, mut hi) = (i.floor() as usize, i.ceil() as usize);
    if q > 0.5 {
        while data[lo] == data[hi] && lo > 0 {
            lo -= 1;
        }
    } else {
        while data[lo] == data[hi] && hi < data.len() - 1 {
            hi += 1;
        }
    }
    (data[lo] + data[hi]) / 2.0
}

impl<'a> Prim<'a> {
    /// PRIM over the points `x` (one row per input) with the points of interest `y`.
    pub fn new(x: &'a [Vec<f64>], y: &'a [bool], s: Settings) -> Prim<'a> {
        let n = y.len();
        let init = x
            .iter()
            .map(|c| {
                c.iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                        (l.min(v), h.max(v))
                    })
            })
            .collect();
        Prim {
            x,
            y,
            s,
            n,
            total_interest: y.iter().filter(|&&b| b).count(),
            init,
            remaining: (0..n).collect(),
        }
    }

    fn interest(&self, points: &[usize]) -> usize {
        points.iter().filter(|&&i| self.y[i]).count()
    }

    fn mean(&self, points: &[usize]) -> f64 {
        if points.is_empty() {
            0.0
        } else {
            self.interest(points) as f64 / points.len() as f64
        }
    }

    fn restricted(&self, limits: &[(f64, f64)]) -> Vec<usize> {
        (0..limits.len())
            .filter(|&d| limits[d] != self.init[d])
            .collect()
    }

    /// The remaining points inside `limits` on the inputs `dims`.
    fn inside(&self, limits: &[(f64, f64)], dims: &[usize]) -> Vec<usize> {
        self.remaining
            .iter()
            .copied()
            .filter(|&i| {
                dims.iter().all(|&d| {
                    let v = self.x[d][i];
                    limits[d].0 <= v && v <= limits[d].1
                })
            })
            .collect()
    }

    /// `lenient1`: the change in the share of points of interest per point gained or lost.
    fn objective(&self, old: &[usize], new: &[usize]) -> f64 {
        let (m_old, m_new) = (self.mean(old), self.mean(new));
        if m_old == m_new {
            return 0.0;
        }
        let change = old.len().abs_diff(new.len());
        debug_assert!(change > 0, "the share changed with the same points");
        (m_new - m_old) / change as f64
    }

    fn step(&self, limits: Vec<(f64, f64)>, points: &[usize]) -> Step {
        let k = self.interest(points);
        let res = self.restricted(&limits);
        let n = points.len();
        let qp = (0..limits.len())
            .map(|d| {
                if !res.contains(&d) {
                    return (None, None);
                }
                let mut q = [None, None];
                for (end, slot) in q.iter_mut().enumerate() {
                    let (lim, free) = if end == 0 {
                        (limits[d].0, self.init[d].0)
                    } else {
                        (limits[d].1, self.init[d].1)
                    };
                    if lim != free {
                        let mut dropped = limits.clone();
                        if end == 0 {
                            dropped[d].0 = free;
                        } else {
                            dropped[d].1 = free;
                        }
                        let wider = self.inside(&dropped, &res);
                        let p = self.interest(&wider) as f64 / wider.len() as f64;
                        *slot = Some(binomial_upper_tail(k, n, p));
                    }
                }
                (q[0], q[1])
            })
            .collect();
        Step {
            coverage: k as f64 / self.total_interest as f64,
            density: k as f64 / n as f64,
            mass: n as f64 / self.n as f64,
            restricted: res.len(),
            n,
            k,
            qp,
            limits,
        }
    }

    /// The best candidate by (objective, unrestricted inputs), the first among equals.
    fn best(&self, old: &[usize], candidates: Vec<(Points, Limits)>) -> Option<Candidate> {
        let mut best: Option<Candidate> = None;
        for (points, limits) in candidates {
            let obj = self.objective(old, &points);
            let free = limits.len() - self.restricted(&limits).len();
            let better = best
                .as_ref()
                .is_none_or(|b| obj > b.obj || (obj == b.obj && free > b.free));
            if better {
                best = Some(Candidate {
                    obj,
                    free,
                    points,
                    limits,
                });
            }
        }
        best
    }

    fn peel(&self, t: &mut Trajectory) {
        loop {
            let limits = &t
                .steps
                .last()
                .expect("a trajectory starts with a box")
                .limits;
            let mut candidates = Vec::with_capacity(2 * self.x.len());
            for (d, col) in self.x.iter().enumerate() {
                let mut values: Vec<f64> = t.inside.iter().map(|&i| col[i]).collect();
                let upper = quantile(&mut values, 1.0 - self.s.peel_alpha);
                let lower = quantile(&mut values, self.s.peel_alpha);
                let mut lim = limits.clone();
                lim[d].1 = upper;
                let pts = t.inside.iter().copied().filter(|&i| col[i] <= upper);
                candidates.push((pts.collect(), lim));
                let mut lim = limits.clone();
                lim[d].0 = lower;
                let pts = t.inside.iter().copied().filter(|&i| col[i] >= lower);
                candidates.push((pts.collect(), lim));
            }
            let Some(c) = self.best(&t.inside, candidates) else {
                return;
            };
            let (mass_old, mass_new) = (self.mass(&t.inside), self.mass(&c.points));
            if mass_new >= self.s.mass_min && mass_new < mass_old && c.obj > 0.0 {
                t.steps.push(self.step(c.limits, &c.points));
                t.inside = c.points;
            } else {
                return;
            }
        }
    }

    fn paste(&self, t: &mut Trajectory) {
        loop {
            let limits = t
                .steps
                .last()
                .expect("a trajectory starts with a box")
                .limits
                .clone();
            let res = self.restricted(&limits);
            if res.is_empty() {
                return;
            }
            let mut candidates = Vec::with_capacity(2 * res.len());
            for &d in &res {
                let (min, max) = self.init[d];
                for end in 0..2 {
                    let mut slab = limits.clone();
                    slab[d] = if end == 0 {
                        (min, limits[d].0)
                    } else {
                        (limits[d].1, max)
                    };
                    let mut data: Vec<f64> = self
                        .inside(&slab, &res)
                        .iter()
                        .map(|&i| self.x[d][i])
                        .collect();
                    let mut lim = limits.clone();
                    if end == 0 {
                        lim[d].0 = if data.is_empty() {
                            min
                        } else {
                            quantile(&mut data, 1.0 - self.s.paste_alpha)
                        };
                    } else {
                        lim[d].1 = if data.is_empty() {
                            max
                        } else {
                            quantile(&mut data, self.s.paste_alpha)
                        };
                    }
                    candidates.push((self.inside(&lim, &res), lim));
                }
            }
            let Some(c) = self.best(&t.inside, candidates) else {
                return;
            };
            let (mass_old, mass_new) = (self.mass(&t.inside), self.mass(&c.points));
            let (mean_old, mean_new) = (self.mean(&t.inside), self.mean(&c.points));
            if mass_new >= self.s.mass_min
                && mass_new > mass_old
                && c.obj > 0.0
                && mean_new > mean_old
            {
                t.steps.push(self.step(c.limits, &c.points));
                t.inside = c.points;
            } else {
                return;
            }
        }
    }

    fn mass(&self, points: &[usize]) -> f64 {
        points.len() as f64 / self.n as f64
    }

    /// Peel and paste one box among the remaining points; `None` when none remain.
    pub fn find_box(&self) -> Option<Trajectory> {
        if self.remaining.is_empty() {
            return None;
        }
        let mut t = Trajectory {
            steps: vec![self.step(self.init.clone(), &self.remaining)],
            inside: self.remaining.clone(),
        };
        self.peel(&mut t);
        self.paste(&mut t);
        Some(t)
    }

    /// The points inside step `step` of `t` (a step other than the last: as EMA Workbench's
    /// `PrimBox.select`, the remaining points within its restricted limits).
    pub fn select(&self, t: &Trajectory, step: usize) -> Vec<usize> {
        let limits = &t.steps[step].limits;
        self.inside(limits, &self.restricted(limits))
    }

    /// Covering: take `points` (a box found) out of the remaining points.
    pub fn remove(&mut self, points: &[usize]) {
        let mut gone = vec![false; self.n];
        for &i in points {
            gone[i] = true;
        }
        self.remaining.retain(|&i| !gone[i]);
    }

    /// The settings it runs with.
    pub fn settings(&self) -> Settings {
        self.s
    }
}

/// Point indices.
type Points = Vec<usize>;
/// (lower, upper) per input.
type Limits = Vec<(f64, f64)>;

struct Candidate {
    obj: f64,
    free: usize,
    points: Vec<usize>,
    limits: Vec<(f64, f64)>,
}

/// P(X ≥ k) for X ~ Binomial(n, p): the one-sided binomial test's p-value.
pub fn binomial_upper_tail(k: usize, n: usize, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    let b = Binomial::new(p.clamp(0.0, 1.0), n as u64).expect("p in [0, 1]");
    b.sf(k as u64 - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_step_past_ties_as_ema_workbench_does() {
        let mut v = vec![3.0, 1.0, 2.0, 4.0, 5.0];
        assert_eq!(quantile(&mut v, 0.5), 3.0 * 0.5 + 4.0 * 0.5); // i = 2: ties with itself
        assert_eq!(quantile(&mut v, 0.95), (4.0 + 5.0) / 2.0);
        assert_eq!(quantile(&mut v, 0.05), (1.0 + 2.0) / 2.0);
        let mut ties = vec![1.0, 1.0, 1.0, 2.0];
        assert_eq!(quantile(&mut ties, 0.05), 1.5);
    }

    #[test]
    fn the_binomial_tail_is_the_sum_of_its_terms() {
        // n = 4, p = 1/2: P(X >= 3) = 5/16.
        assert!((binomial_upper_tail(3, 4, 0.5) - 5.0 / 16.0).abs() < 1e-14);
        assert_eq!(binomial_upper_tail(0, 4, 0.3), 1.0);
        assert!((binomial_upper_tail(4, 4, 0.5) - 1.0 / 16.0).abs() < 1e-14);
    }

    #[test]
    fn prim_finds_the_corner_where_the_interest_lies_and_leaves_the_other_input_free() {
        // Points of interest where x0 > 0.7, whatever x1: the box restricts x0 alone.
        let n = 2000;
        let mut x = vec![Vec::new(), Vec::new()];
        let mut y = Vec::new();
        for i in 0..n {
            let a = (i as f64 * 0.618_033_988_749_895).fract();
            let b = (i as f64 * 0.754_877_666_246_693).fract();
            x[0].push(a);
            x[1].push(b);
            y.push(a > 0.7);
        }
        let prim = Prim::new(&x, &y, Settings::default());
        let t = prim.find_box().unwrap();
        let last = t.steps.last().unwrap();
        assert_eq!(last.density, 1.0);
        assert!(last.coverage > 0.95, "{last:?}");
        assert_eq!(last.restricted, 1);
        assert_eq!(last.limits[1], prim.init[1]);
        // Within one peel of the edge: the last peels take alpha of a box holding 30 % of the
        // points, 0.05 x 0.3 = 0.015 of the range.
        assert!(
            (0.7..0.715).contains(&last.limits[0].0),
            "{:?}",
            last.limits
        );
        // The trajectory's density never falls while peeling, and its mass does.
        for w in t.steps.windows(2) {
            assert!(w[1].density >= w[0].density);
        }
    }
}
