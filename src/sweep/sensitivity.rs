//! Sobol' indices from a Sobol' sweep (`sensitivity.csv`): for every summary metric with a value
//! at every point, each varied path's first-order index (Saltelli et al. 2010) and total-order
//! index (Jansen 1999), with bootstrap intervals over the base points, and the share of the
//! metric's variance across points that is Monte Carlo noise within points.
//!
//! The arithmetic is SALib's `sobol.analyze` without second-order indices, step for step, so the
//! two agree to rounding on the same values (the fixtures in `tests/fixtures/` check it): the
//! values are standardised over all N (k + 2) points; with A, B and AB^i the values at the blocks'
//! points (see `design::Kind::Sobol`) and V the variance of A and B together,
//!
//! ```text
//! first_i = mean_j B_j (AB^i_j − A_j) / V          total_i = mean_j (A_j − AB^i_j)² / (2 V)
//! ```
//!
//! The interval is the estimate ± z₀.₉₇₅ times the standard deviation of the estimate over
//! `RESAMPLES` bootstrap resamples of the N base points (each resample the same for every metric,
//! drawn from the sweep's seed). The noise share is the mean over A's and B's points of each
//! point's squared standard error (p (1 − p) / n for a probability, the normal interval's half
//! width over z for a mean; none for spreads and quantiles) over V in the metric's own units.

use std::path::Path;

use indexmap::IndexMap;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::results::SweepTable;
use crate::aggregate::stats::Z95;
use crate::output::{self, csv};
use crate::rng::derive_seed;

/// sensitivity.csv's columns.
pub const HEADER: [&str; 7] = [
    "metric",
    "party",
    "parameter",
    "index",
    "value",
    "ci_low",
    "ci_high",
];

/// Bootstrap resamples of the base points (SALib's default).
pub const RESAMPLES: usize = 100;

/// An estimate with its 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The estimate.
    pub value: f64,
    /// The 95 % interval's lower end.
    pub low: f64,
    /// Its upper end.
    pub high: f64,
}

/// The indices of one metric: per parameter (first, total), and the noise share. `None` where the
/// metric is constant over the design (every index 0/0), or has no standard error (noise).
#[derive(Clone, Debug, PartialEq)]
pub struct Indices {
    /// Each parameter's first-order index.
    pub first: Vec<Option<Interval>>,
    /// Each parameter's total index.
    pub total: Vec<Option<Interval>>,
    /// The share of the metric's variance that is Monte Carlo noise within points.
    pub noise: Option<Interval>,
}

/// One metric over the design's points: its values and each point's squared standard error.
pub struct Series {
    /// The metric at each point.
    pub value: Vec<f64>,
    /// Each point's squared standard error, where the metric has one.
    pub se2: Option<Vec<f64>>,
}

/// The base-point resamples: `RESAMPLES` draws of N indices with replacement, from `seed`.
pub fn resamples(n: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(derive_seed(seed, u64::MAX - 1));
    (0..RESAMPLES)
        .map(|_| (0..n).map(|_| rng.random_range(0..n)).collect())
        .collect()
}

/// Where base point j's values are: A_j, AB^i_j, B_j in the standardised values.
struct Blocks<'a> {
    y: &'a [f64],
    k: usize,
}

impl Blocks<'_> {
    fn a(&self, j: usize) -> f64 {
        self.y[j * (self.k + 2)]
    }
    fn b(&self, j: usize) -> f64 {
        self.y[j * (self.k + 2) + self.k + 1]
    }
    fn ab(&self, j: usize, i: usize) -> f64 {
        self.y[j * (self.k + 2) + 1 + i]
    }

    /// Population variance of A and B over the base points `rows`, and whether they spread at all.
    fn variance(&self, rows: &[usize]) -> (f64, bool) {
        let vals = || rows.iter().flat_map(|&j| [self.a(j), self.b(j)]);
        let m = vals().count() as f64;
        let mean = vals().sum::<f64>() / m;
        let var = vals().map(|x| (x - mean) * (x - mean)).sum::<f64>() / m;
        let (lo, hi) = vals().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| {
            (l.min(x), h.max(x))
        });
        (var, hi - lo > f64::EPSILON)
    }

    /// First and total index of parameter `i` over the base points `rows` (0 where A and B are
    /// constant, as SALib has it).
    fn estimate(&self, rows: &[usize], i: usize, var: (f64, bool)) -> (f64, f64) {
        let (v, spread) = var;
        if !spread || v <= f64::EPSILON {
            return (0.0, 0.0);
        }
        let m = rows.len() as f64;
        let first = rows
            .iter()
            .map(|&j| self.b(j) * (self.ab(j, i) - self.a(j)))
            .sum::<f64>()
            / m;
        let total = rows
            .iter()
            .map(|&j| (self.a(j) - self.ab(j, i)).powi(2))
            .sum::<f64>()
            / m;
        (first / v, 0.5 * total / v)
    }
}

fn interval(value: f64, draws: &[f64]) -> Interval {
    let n = draws.len() as f64;
    let mean = draws.iter().sum::<f64>() / n;
    let sd = (draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    Interval {
        value,
        low: value - Z95 * sd,
        high: value + Z95 * sd,
    }
}

/// The indices of `series` over a Saltelli design of `k` parameters (its length N (k + 2)).
pub fn indices(series: &Series, k: usize, resamples: &[Vec<usize>]) -> Indices {
    let y = &series.value;
    let n = y.len() / (k + 2);
    let all: Vec<usize> = (0..n).collect();
    let p = y.len() as f64;
    let mean = y.iter().sum::<f64>() / p;
    let sd = (y.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / p).sqrt();
    let constant = {
        let raw = Blocks { y, k };
        !raw.variance(&all).1
    };
    let noise = series
        .se2
        .as_ref()
        .and_then(|se2| noise(y, se2, k, &all, resamples));
    if constant || sd == 0.0 {
        return Indices {
            first: vec![None; k],
            total: vec![None; k],
            noise,
        };
    }
    let z: Vec<f64> = y.iter().map(|x| (x - mean) / sd).collect();
    let blocks = Blocks { y: &z, k };
    let var = blocks.variance(&all);
    let vars: Vec<(f64, bool)> = resamples.iter().map(|r| blocks.variance(r)).collect();
    let mut first = Vec::with_capacity(k);
    let mut total = Vec::with_capacity(k);
    for i in 0..k {
        let (f, t) = blocks.estimate(&all, i, var);
        let draws: Vec<(f64, f64)> = resamples
            .iter()
            .zip(&vars)
            .map(|(r, &v)| blocks.estimate(r, i, v))
            .collect();
        let (df, dt): (Vec<f64>, Vec<f64>) = draws.into_iter().unzip();
        first.push(Some(interval(f, &df)));
        total.push(Some(interval(t, &dt)));
    }
    Indices {
        first,
        total,
        noise,
    }
}

/// Mean squared standard error over A's and B's points, over their variance.
fn noise(
    y: &[f64],
    se2: &[f64],
    k: usize,
    all: &[usize],
    resamples: &[Vec<usize>],
) -> Option<Interval> {
    let values = Blocks { y, k };
    let errors = Blocks { y: se2, k };
    let share = |rows: &[usize]| {
        let (v, spread) = values.variance(rows);
        let m = 2.0 * rows.len() as f64;
        let e = rows.iter().map(|&j| errors.a(j) + errors.b(j)).sum::<f64>() / m;
        (spread && v > 0.0).then_some(e / v)
    };
    let value = share(all)?;
    let draws: Vec<f64> = resamples
        .iter()
        .map(|r| share(r).unwrap_or(f64::INFINITY))
        .collect();
    if draws.iter().any(|x| !x.is_finite()) {
        return Some(Interval {
            value,
            low: f64::NAN,
            high: f64::NAN,
        });
    }
    Some(interval(value, &draws))
}

/// Why sensitivity.csv could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SensitivityError {
    /// sweep.csv does not hold what the analysis needs.
    #[error("{0}")]
    Data(String),
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Each (metric, party)'s values over the design.
pub type Metrics = IndexMap<(String, String), Series>;

/// The metrics of a sweep.csv over a Saltelli design, keyed by (metric, party) in file order:
/// those with a value at every point (the `rounds` row, the design's own, left out).
pub fn read_series(path: &Path) -> Result<(Vec<String>, Metrics), SensitivityError> {
    let table = SweepTable::read(path).map_err(SensitivityError::Data)?;
    if table.paths.len() < 2 {
        let why = "not a sweep.csv with two or more varied paths";
        return Err(SensitivityError::Data(format!("{}: {why}", path.display())));
    }
    let (paths, rounds) = (table.paths, table.rounds);
    let points = rounds.len();
    let mut out = IndexMap::new();
    for (key, [value, lo, hi]) in table.metrics {
        if value.len() != points || value.iter().any(|x| !x.is_finite()) {
            continue;
        }
        let se2 = if key.0.ends_with("_probability") {
            Some(
                value
                    .iter()
                    .zip(&rounds)
                    .map(|(p, n)| p * (1.0 - p) / n)
                    .collect(),
            )
        } else if lo.len() == points && lo.iter().chain(&hi).all(|x| x.is_finite()) {
            Some(
                lo.iter()
                    .zip(&hi)
                    .map(|(l, h)| ((h - l) / (2.0 * Z95)).powi(2))
                    .collect(),
            )
        } else {
            None
        };
        out.insert(key, Series { value, se2 });
    }
    Ok((paths, out))
}

/// Write `dir/sensitivity.csv` from `dir/sweep.csv`, a sweep over a Saltelli design run with
/// `seed`.
pub fn write(dir: &Path, seed: u64) -> Result<(), SensitivityError> {
    let (paths, series) = read_series(&dir.join("sweep.csv"))?;
    let k = paths.len();
    let points = series.values().next().map_or(0, |s| s.value.len());
    if points == 0 || points % (k + 2) != 0 {
        return Err(SensitivityError::Data(format!(
            "{}: {points} points is not a Sobol' design over {k} paths (a multiple of {})",
            dir.join("sweep.csv").display(),
            k + 2
        )));
    }
    let draws = resamples(points / (k + 2), seed);
    let keyed: Vec<(&(String, String), &Series)> = series.iter().collect();
    let results: Vec<Indices> = keyed
        .par_iter()
        .map(|(_, s)| indices(s, k, &draws))
        .collect();
    let cell = |x: Option<f64>| {
        x.filter(|v| v.is_finite())
            .map_or(String::new(), output::csv::float)
    };
    let mut rows = Vec::new();
    for ((metric, party), ix) in keyed.iter().map(|(k, _)| k).zip(&results) {
        let mut row = |parameter: &str, index: &str, e: Option<Interval>| {
            rows.push(vec![
                metric.clone(),
                party.clone(),
                parameter.to_string(),
                index.to_string(),
                cell(e.map(|e| e.value)),
                cell(e.map(|e| e.low)),
                cell(e.map(|e| e.high)),
            ]);
        };
        for (i, path) in paths.iter().enumerate() {
            row(path, "first", ix.first[i]);
            row(path, "total", ix.total[i]);
        }
        row("", "noise", ix.noise);
    }
    let bytes = csv::to_csv(&HEADER, &[], &rows);
    output::write_files(dir, &[("sensitivity.csv", bytes)])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y = f(x) over a Saltelli design of `n` base points drawn uniformly.
    fn design(n: usize, k: usize, seed: u64, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut y = Vec::new();
        for _ in 0..n {
            let a: Vec<f64> = (0..k).map(|_| rng.random::<f64>()).collect();
            let b: Vec<f64> = (0..k).map(|_| rng.random::<f64>()).collect();
            y.push(f(&a));
            for i in 0..k {
                let mut ab = a.clone();
                ab[i] = b[i];
                y.push(f(&ab));
            }
            y.push(f(&b));
        }
        y
    }

    #[test]
    fn an_additive_function_has_first_equal_total_in_proportion_to_its_variance_shares() {
        // y = x0 + 2 x1 (+ 0 x2): variances 1/12 and 4/12, so indices 0.2, 0.8, 0.
        let n = 4096;
        let y = design(n, 3, 1, |x| x[0] + 2.0 * x[1]);
        let s = Series {
            value: y,
            se2: None,
        };
        let ix = indices(&s, 3, &resamples(n, 5));
        for (i, want) in [0.2, 0.8, 0.0].into_iter().enumerate() {
            for e in [ix.first[i].unwrap(), ix.total[i].unwrap()] {
                let half = (e.high - e.low) / 2.0;
                assert!(
                    (e.value - want).abs() < 4.0 * half / Z95 + 1e-12,
                    "{i}: {e:?} vs {want}"
                );
            }
        }
        // A path the function ignores has a total index of exactly 0 (A and AB agree).
        assert_eq!(ix.total[2].unwrap().value, 0.0);
        assert!(ix.noise.is_none());
    }

    #[test]
    fn a_constant_metric_has_no_indices() {
        let s = Series {
            value: vec![0.5; 4 * 5],
            se2: Some(vec![0.01; 20]),
        };
        let ix = indices(&s, 3, &resamples(4, 1));
        assert!(ix.first.iter().chain(&ix.total).all(Option::is_none));
        assert!(ix.noise.is_none());
    }

    #[test]
    fn noise_is_the_mean_squared_error_over_the_variance() {
        // Values alternating 0 and 2 over A and B (variance 1), every se² 0.25.
        let k = 2;
        let n = 8;
        let mut y = Vec::new();
        for j in 0..n {
            let v = if j % 2 == 0 { 0.0 } else { 2.0 };
            y.extend([v, v, v, 2.0 - v]);
        }
        let s = Series {
            se2: Some(vec![0.25; y.len()]),
            value: y,
        };
        let ix = indices(&s, k, &resamples(n, 3));
        assert!((ix.noise.unwrap().value - 0.25).abs() < 1e-15);
    }
}
