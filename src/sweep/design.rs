//! Designs: which parameter points a sweep visits. An `Axis` varies one scenario field by its
//! dotted path; a `Design` combines axes as a grid (every combination), uniform random points, a
//! Latin hypercube (each of N equal strata of every axis hit exactly once) or Saltelli's design
//! for Sobol' indices: N base points of a scrambled Sobol' sequence, each followed by its k cross
//! points (see `Kind::Sobol`).

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::rng::derive_seed;

/// Designs above this many points are refused.
pub const MAX_POINTS: u64 = 1_000_000;

/// The values one varied path takes.
#[derive(Clone, Debug, PartialEq)]
pub enum Spec {
    /// `a:b:n`: n points from a to b inclusive.
    Grid {
        /// The first value.
        a: f64,
        /// The last.
        b: f64,
        /// How many.
        n: u64,
    },
    /// `a,b,c`
    List(Vec<f64>),
    /// `a..b`: for random and Latin-hypercube designs.
    Range {
        /// The lower end.
        a: f64,
        /// The upper end.
        b: f64,
    },
}

/// One varied path and its values (`--vary PATH=SPEC`).
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// The scenario field's dotted path.
    pub path: String,
    /// Its values.
    pub spec: Spec,
    /// The text it was given as, for messages and the manifest.
    pub text: String,
}

/// How a sweep's points are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Every combination of the axes' grids and lists.
    Grid,
    /// Points drawn uniformly from the ranges.
    Random,
    /// A Latin hypercube over the ranges.
    Lhs,
    /// Saltelli's design for first- and total-order Sobol' indices over k ranges: a 2k-dimensional
    /// Owen-scrambled Sobol' sequence (the `sobol_burley` crate) of N points gives the rows of two
    /// matrices A (its first k coordinates) and B (the last k). Base point j is the block of
    /// k + 2 consecutive points A_j, AB_j^1, ..., AB_j^k, B_j, where AB_j^i is A_j with its i-th
    /// coordinate taken from B_j: N (k + 2) points in all, in the order SALib's `sobol.sample`
    /// (without second-order indices) uses, so its `sobol.analyze` reads them as they are.
    Sobol,
}

impl Kind {
    /// `grid`, `random`, `lhs` or `sobol`; the error lists them.
    pub fn parse(s: &str) -> Result<Kind, String> {
        match s {
            "grid" => Ok(Kind::Grid),
            "random" => Ok(Kind::Random),
            "lhs" => Ok(Kind::Lhs),
            "sobol" => Ok(Kind::Sobol),
            _ => Err(format!(
                "`{s}` is not a design: use grid, random, lhs or sobol"
            )),
        }
    }

    /// Its name in flags and manifests.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Grid => "grid",
            Kind::Random => "random",
            Kind::Lhs => "lhs",
            Kind::Sobol => "sobol",
        }
    }
}

fn number(s: &str, whole: &str) -> Result<f64, String> {
    let x: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{}` is not a number (in `{whole}`)", s.trim()))?;
    if x.is_finite() {
        Ok(x)
    } else {
        Err(format!(
            "`{}` is not a finite number (in `{whole}`)",
            s.trim()
        ))
    }
}

impl Axis {
    /// Parse `PATH=SPEC`.
    pub fn parse(s: &str) -> Result<Axis, String> {
        let (path, text) = s.split_once('=').ok_or_else(|| {
            format!("`{s}` is not PATH=SPEC (e.g. parties.iran.pressure=0.5:2:4)")
        })?;
        let path = path.trim().replace('[', ".").replace(']', "");
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!(
                "`{}` is not a dotted path",
                crate::scenario::clip(&path)
            ));
        }
        if let Some(message) = crate::scenario::too_deep(&path) {
            return Err(message);
        }
        match path.as_str() {
            "simulation.rounds" => {
                return Err(
                    "simulation.rounds cannot be varied: every point of a sweep plays \
                            the same number of rounds (-n, or [simulation] rounds); to compare \
                            round counts, run a sweep for each"
                        .into(),
                );
            }
            "simulation.seed" => {
                return Err(
                    "simulation.seed cannot be varied: each point's seed is derived from \
                            the sweep's (--seed) and its point number (sweep.csv's seed column); \
                            to repeat a sweep with other draws, run it with another --seed"
                        .into(),
                );
            }
            _ => {}
        }
        Ok(Axis {
            spec: Spec::parse(text.trim())?,
            path,
            text: text.trim().to_string(),
        })
    }
}

impl Spec {
    /// `a:b:n`, `a,b,c` or `a..b`; the error says what is wrong.
    pub fn parse(s: &str) -> Result<Spec, String> {
        if let Some((a, b)) = s.split_once("..") {
            let (a, b) = (number(a, s)?, number(b, s)?);
            if a >= b {
                return Err(format!("the range `{s}` is empty: it needs a < b"));
            }
            return Ok(Spec::Range { a, b });
        }
        let parts: Vec<&str> = s.split(':').collect();
        match parts.len() {
            3 => {
                let (a, b) = (number(parts[0], s)?, number(parts[1], s)?);
                let n: u64 = parts[2].trim().parse().map_err(|_| {
                    format!(
                        "`{}` is not a whole number of points (in `{s}`)",
                        parts[2].trim()
                    )
                })?;
                if n == 0 {
                    return Err(format!("`{s}` has zero steps: give at least 1 point"));
                }
                if n > MAX_POINTS {
                    return Err(format!(
                        "`{s}` asks for {n} points; a sweep has at most {MAX_POINTS}"
                    ));
                }
                if n == 1 && a != b {
                    return Err(format!(
                        "`{s}` asks for 1 point between two different ends: use n >= 2, or a list"
                    ));
                }
                if n >= 2 && a == b {
                    return Err(format!("the range `{s}` is empty: its ends are equal"));
                }
                Ok(Spec::Grid { a, b, n })
            }
            1 => {
                let values = s
                    .split(',')
                    .map(|x| number(x, s))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Spec::List(values))
            }
            _ => Err(format!(
                "`{s}` is not a SPEC: use a:b:n (a grid), a,b,c (a list) or a..b (a range)"
            )),
        }
    }

    /// The values of a grid or list axis.
    fn values(&self) -> Option<Vec<f64>> {
        match self {
            Spec::Grid { a, b, n } => {
                let n = *n;
                if n == 1 {
                    return Some(vec![*a]);
                }
                let step = (b - a) / (n - 1) as f64;
                // a + i * step, never by repeated addition; the last point is b itself.
                Some(
                    (0..n)
                        .map(|i| if i == n - 1 { *b } else { a + i as f64 * step })
                        .collect(),
                )
            }
            Spec::List(v) => Some(v.clone()),
            Spec::Range { .. } => None,
        }
    }
}

/// Each axis's range, for the designs that draw points from ranges.
fn ranges_of(axes: &[Axis], kind: Kind) -> Result<Vec<(f64, f64)>, String> {
    axes.iter()
        .map(|a| match a.spec {
            Spec::Range { a: lo, b: hi } => Ok((lo, hi)),
            _ => Err(format!(
                "--vary {}={}: a {} design takes ranges a..b",
                a.path,
                a.text,
                kind.name()
            )),
        })
        .collect()
}

/// The base points of a Sobol' design over `k` ranges: a power of 2 from 2 to 2^16 (the
/// sequence's length), with N (k + 2) points in all within `MAX_POINTS`.
fn sobol_base_points(points: Option<u64>, k: usize) -> Result<u64, String> {
    if k < 2 {
        return Err(format!(
            "a sobol design needs at least 2 varied ranges (--vary PATH=a..b), got {k}: with one, \
             a sweep over it (--design grid) shows all there is"
        ));
    }
    let max_k = (sobol_burley::NUM_DIMENSIONS / 2) as usize;
    if k > max_k {
        return Err(format!(
            "a sobol design takes at most {max_k} varied ranges, got {k}"
        ));
    }
    let n = points.ok_or(
        "a sobol design needs --points N, the number of base points (a power of 2, e.g. 256)",
    )?;
    if !n.is_power_of_two() || n < 2 {
        let below = if n < 2 {
            2
        } else {
            1u64 << (63 - n.leading_zeros())
        };
        let above = below * 2;
        let hint = if n < 2 {
            "use 2 or more (a few hundred for indices worth reading)".to_string()
        } else {
            format!("use {below} or {above}")
        };
        return Err(format!(
            "--points {n}: a sobol design takes a power of 2 base points, for the sequence's \
             balance; {hint}"
        ));
    }
    let most = 1u64 << 16;
    if n > most {
        return Err(format!(
            "--points {n}: a sobol design takes at most {most} base points (the sequence's length)"
        ));
    }
    let total = n * (k as u64 + 2);
    if total > MAX_POINTS {
        return Err(format!(
            "--points {n} with {k} varied ranges makes {n} x {} = {total} points; at most \
             {MAX_POINTS} are allowed",
            k + 2
        ));
    }
    Ok(n)
}

/// Saltelli's points over `ranges` from `n` base points (see `Kind::Sobol`).
fn saltelli(ranges: &[(f64, f64)], n: u64, seed: u64) -> Vec<Vec<f64>> {
    let k = ranges.len();
    // The design's own scramble, from its own stream: never one of the rounds' or the points'.
    let scramble = (derive_seed(seed, u64::MAX) >> 32) as u32;
    let at = |j: u64, d: usize| {
        let (lo, hi) = ranges[d % k];
        let u = sobol_burley::sample(j as u32, d as u32, scramble) as f64;
        lo + (hi - lo) * u
    };
    let mut rows = Vec::with_capacity(n as usize * (k + 2));
    for j in 0..n {
        let a: Vec<f64> = (0..k).map(|d| at(j, d)).collect();
        let b: Vec<f64> = (0..k).map(|d| at(j, k + d)).collect();
        rows.push(a.clone());
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            rows.push(ab);
        }
        rows.push(b);
    }
    rows
}

/// A validated design, able to produce point `k`'s values.
#[derive(Clone, Debug)]
pub struct Design {
    /// How the points are chosen.
    pub kind: Kind,
    /// The varied paths.
    pub axes: Vec<Axis>,
    /// How many points the sweep runs.
    pub points: u64,
    /// How many points `--points` asked for: the base points of a Sobol' design, else `points`.
    pub base_points: u64,
    /// Grid: each axis's values. Random and LHS: the points themselves, drawn once.
    table: Table,
}

#[derive(Clone, Debug)]
enum Table {
    Grid(Vec<Vec<f64>>),
    Drawn(Vec<Vec<f64>>),
}

impl Design {
    /// `points` is required for random and LHS designs, and refused for grids.
    pub fn new(
        kind: Kind,
        axes: Vec<Axis>,
        points: Option<u64>,
        seed: u64,
    ) -> Result<Design, String> {
        if axes.is_empty() {
            return Err("nothing to vary: give --vary PATH=SPEC or a [sweep] table".into());
        }
        for (i, a) in axes.iter().enumerate() {
            if axes[..i].iter().any(|b| b.path == a.path) {
                return Err(format!("`{}` is varied twice", a.path));
            }
        }
        match kind {
            Kind::Grid => {
                if points.is_some() {
                    return Err("--points applies to random and lhs designs; a grid has as many points as its axes give".into());
                }
                let mut values = Vec::new();
                let mut total: u64 = 1;
                for a in &axes {
                    let v = a.spec.values().ok_or_else(|| {
                        format!(
                            "--vary {}={}: a range a..b needs --design random or lhs; a grid takes a:b:n or a,b,c",
                            a.path, a.text
                        )
                    })?;
                    total = total.saturating_mul(v.len() as u64);
                    values.push(v);
                }
                if total > MAX_POINTS {
                    return Err(format!(
                        "the grid of the --vary axes has {total} points; at most {MAX_POINTS} are allowed"
                    ));
                }
                Ok(Design {
                    kind,
                    axes,
                    points: total,
                    base_points: total,
                    table: Table::Grid(values),
                })
            }
            Kind::Sobol => {
                let ranges = ranges_of(&axes, kind)?;
                let n = sobol_base_points(points, ranges.len())?;
                let rows = saltelli(&ranges, n, seed);
                Ok(Design {
                    kind,
                    axes,
                    points: rows.len() as u64,
                    base_points: n,
                    table: Table::Drawn(rows),
                })
            }
            Kind::Random | Kind::Lhs => {
                let n =
                    points.ok_or_else(|| format!("a {} design needs --points N", kind.name()))?;
                if n == 0 || n > MAX_POINTS {
                    return Err(format!("--points must be in 1..={MAX_POINTS}, got {n}"));
                }
                let ranges = ranges_of(&axes, kind)?;
                // The design's own stream: never one of the rounds' or the points'.
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(derive_seed(seed, u64::MAX));
                let nn = n as usize;
                let mut cols: Vec<Vec<f64>> = Vec::new();
                for &(lo, hi) in &ranges {
                    let col = match kind {
                        Kind::Random => (0..nn)
                            .map(|_| lo + (hi - lo) * rng.random::<f64>())
                            .collect(),
                        _ => {
                            let mut strata: Vec<usize> = (0..nn).collect();
                            strata.shuffle(&mut rng);
                            strata
                                .into_iter()
                                .map(|s| {
                                    lo + (hi - lo) * (s as f64 + rng.random::<f64>()) / n as f64
                                })
                                .collect()
                        }
                    };
                    cols.push(col);
                }
                let rows = (0..nn)
                    .map(|i| cols.iter().map(|c| c[i]).collect())
                    .collect();
                Ok(Design {
                    kind,
                    axes,
                    points: n,
                    base_points: n,
                    table: Table::Drawn(rows),
                })
            }
        }
    }

    /// The number of points in one of a Sobol' design's blocks (a base point and its cross
    /// points, k + 2), or 1.
    pub fn block(&self) -> u64 {
        match self.kind {
            Kind::Sobol => self.axes.len() as u64 + 2,
            _ => 1,
        }
    }

    /// The values of point `k` (0-based), one per axis. In a grid the last axis varies fastest.
    pub fn point(&self, k: u64) -> Vec<f64> {
        match &self.table {
            Table::Drawn(rows) => rows[k as usize].clone(),
            Table::Grid(values) => {
                let mut rem = k;
                let mut out = vec![0.0; values.len()];
                for (d, v) in values.iter().enumerate().rev() {
                    let len = v.len() as u64;
                    out[d] = v[(rem % len) as usize];
                    rem /= len;
                }
                out
            }
        }
    }

    /// The design as a scenario's `[sweep]` table.
    pub fn to_table(&self) -> toml_edit::Table {
        let mut t = toml_edit::Table::new();
        t.insert("design", toml_edit::value(self.kind.name()));
        if self.kind != Kind::Grid {
            t.insert("points", toml_edit::value(self.base_points as i64));
        }
        let mut vary = toml_edit::InlineTable::new();
        for a in &self.axes {
            vary.insert(&a.path, a.text.as_str().into());
        }
        t.insert("vary", toml_edit::value(vary));
        t
    }

    /// A text that identifies the design exactly (kind, axes, points).
    pub fn describe(&self) -> String {
        let axes: Vec<String> = self
            .axes
            .iter()
            .map(|a| format!("{}={}", a.path, a.text))
            .collect();
        format!(
            "design = {}; points = {}; vary = {}",
            self.kind.name(),
            self.points,
            axes.join(" ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(s: &str) -> Axis {
        Axis::parse(s).unwrap()
    }

    #[test]
    fn grid_is_a_plus_i_step_with_both_ends() {
        let d = Design::new(Kind::Grid, vec![axis("x=0.5:2:4")], None, 1).unwrap();
        let v: Vec<f64> = (0..4).map(|k| d.point(k)[0]).collect();
        assert_eq!(v, [0.5, 1.0, 1.5, 2.0]);
        let d = Design::new(Kind::Grid, vec![axis("x=0:1:11")], None, 1).unwrap();
        assert_eq!(d.point(3)[0], 3.0 * 0.1);
        assert_eq!(d.point(10)[0], 1.0);
    }

    #[test]
    fn grids_combine_with_the_last_axis_fastest() {
        let d = Design::new(Kind::Grid, vec![axis("x=1,2"), axis("y=10:30:3")], None, 1).unwrap();
        assert_eq!(d.points, 6);
        assert_eq!(d.point(0), [1.0, 10.0]);
        assert_eq!(d.point(1), [1.0, 20.0]);
        assert_eq!(d.point(3), [2.0, 10.0]);
    }

    #[test]
    fn latin_hypercube_hits_each_stratum_once_per_dimension() {
        let n = 50;
        let d = Design::new(Kind::Lhs, vec![axis("x=0..1"), axis("y=-5..5")], Some(n), 9).unwrap();
        for (dim, (lo, hi)) in [(0, (0.0, 1.0)), (1, (-5.0, 5.0))] {
            let mut hits = vec![0; n as usize];
            for k in 0..n {
                let v = d.point(k)[dim];
                let s = ((v - lo) / (hi - lo) * n as f64).floor() as usize;
                hits[s] += 1;
            }
            assert!(hits.iter().all(|&h| h == 1), "dimension {dim}: {hits:?}");
        }
    }

    #[test]
    fn a_sobol_design_is_balanced_and_in_blocks() {
        let n = 64;
        let axes = vec![axis("x=0..1"), axis("y=-5..5"), axis("z=2..3")];
        let d = Design::new(Kind::Sobol, axes, Some(n), 11).unwrap();
        assert_eq!((d.points, d.base_points, d.block()), (n * 5, n, 5));
        let ranges = [(0.0, 1.0), (-5.0, 5.0), (2.0, 3.0)];
        // A and B: each coordinate of the 64 base points hits each of 64 equal strata once
        // (a scrambled Sobol' sequence's first 2^m points are a (0, m, 1)-net in each dimension).
        for (row, name) in [(0, "A"), (4, "B")] {
            for (dim, (lo, hi)) in ranges.into_iter().enumerate() {
                let mut hits = vec![0; n as usize];
                for j in 0..n {
                    let v = d.point(j * 5 + row)[dim];
                    hits[((v - lo) / (hi - lo) * n as f64).floor() as usize] += 1;
                }
                assert!(
                    hits.iter().all(|&h| h == 1),
                    "{name} dimension {dim}: {hits:?}"
                );
            }
        }
        for j in 0..n {
            let (a, b) = (d.point(j * 5), d.point(j * 5 + 4));
            for i in 0..3 {
                let mut ab = a.clone();
                ab[i] = b[i];
                assert_eq!(d.point(j * 5 + 1 + i as u64), ab);
            }
        }
        // Another seed, another scramble; the same seed, the same points.
        let again = Design::new(Kind::Sobol, d.axes.clone(), Some(n), 11).unwrap();
        let other = Design::new(Kind::Sobol, d.axes.clone(), Some(n), 12).unwrap();
        assert_eq!(again.point(7), d.point(7));
        assert_ne!(other.point(7), d.point(7));
    }

    #[test]
    fn a_sobol_design_over_too_many_points_is_refused() {
        let axes: Vec<Axis> = (0..14).map(|i| axis(&format!("x{i}=0..1"))).collect();
        let e = Design::new(Kind::Sobol, axes, Some(65536), 1).unwrap_err();
        assert!(
            e.contains("makes 65536 x 16 = 1048576 points; at most 1000000"),
            "{e}"
        );
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        let err = |s: &str| Spec::parse(s).unwrap_err();
        assert!(err("1..1").contains("empty"));
        assert!(err("2..1").contains("empty"));
        assert!(err("1:1:3").contains("empty"));
        assert!(err("0:1:0").contains("zero steps"));
        assert!(err("0:x:3").contains("`x` is not a number"));
        assert!(err("a,b").contains("`a` is not a number"));
        assert!(err("0:1:2.5").contains("whole number"));
        assert!(err("1:2").contains("not a SPEC"));
        let too_many = vec![axis("x=0:1:1001"), axis("y=0:1:1000")];
        assert!(
            Design::new(Kind::Grid, too_many, None, 1)
                .unwrap_err()
                .contains("at most 1000000")
        );
        assert!(
            Design::new(Kind::Grid, vec![axis("x=0..1")], None, 1)
                .unwrap_err()
                .contains("needs --design random or lhs")
        );
        assert!(
            Design::new(Kind::Random, vec![axis("x=0..1")], None, 1)
                .unwrap_err()
                .contains("--points")
        );
        assert!(
            Design::new(Kind::Lhs, vec![axis("x=0:1:3")], Some(3), 1)
                .unwrap_err()
                .contains("takes ranges")
        );
    }
}
