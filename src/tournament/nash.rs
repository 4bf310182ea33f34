//! Nash equilibria of a bimatrix game by support enumeration (Nisan et al., *Algorithmic Game
//! Theory*, ch. 3): for every pair of equal-size supports, solve the indifference equations and
//! keep the solutions that are probabilities and best responses.
//!
//! Exhaustive for nondegenerate games, whose equilibria all have equal-size supports. A degenerate
//! game (payoff ties, e.g. two entrants that behave identically against some opponent) can have
//! equilibria with unequal supports, or a continuum; those may be missed. The work grows as
//! C(m + n, m); above `MAX_SUPPORT_PAIRS` pairs the search stops at smaller supports and
//! `Equilibria::exhaustive` says so.

/// Stop enumerating past this many support pairs.
pub const MAX_SUPPORT_PAIRS: u64 = 5_000_000;
const EPS: f64 = 1e-9;

#[derive(Clone, Debug, PartialEq)]
pub struct Equilibrium {
    /// Row player's mixed strategy, column player's.
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// Expected payoffs.
    pub u: [f64; 2],
}

#[derive(Clone, Debug, PartialEq)]
pub struct Equilibria {
    pub list: Vec<Equilibrium>,
    /// Every support size was searched.
    pub exhaustive: bool,
    /// Some player has two strategies that tie exactly against an opponent's strategy, so the
    /// game may be degenerate and equilibria with unequal supports (or continua) may be missing.
    pub ties: bool,
}

fn binomial(n: u64, k: u64) -> u64 {
    (0..k).fold(1u64, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}

/// All `k`-subsets of `0..n`, in lexicographic order.
fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut idx: Vec<usize> = (0..k).collect();
    if k > n {
        return out;
    }
    loop {
        out.push(idx.clone());
        let mut i = k;
        while i > 0 && idx[i - 1] == n - k + i - 1 {
            i -= 1;
        }
        if i == 0 {
            return out;
        }
        idx[i - 1] += 1;
        for j in i..k {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

/// Solve `m z = rhs` by Gaussian elimination with partial pivoting; `None` if singular.
fn solve(mut m: Vec<Vec<f64>>, mut rhs: Vec<f64>) -> Option<Vec<f64>> {
    let n = rhs.len();
    for c in 0..n {
        let p = (c..n).max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs()))?;
        if m[p][c].abs() < 1e-12 {
            return None;
        }
        m.swap(c, p);
        rhs.swap(c, p);
        let pivot = m[c].clone();
        for r in c + 1..n {
            let f = m[r][c] / pivot[c];
            for (x, p) in m[r][c..].iter_mut().zip(&pivot[c..]) {
                *x -= f * p;
            }
            rhs[r] -= f * rhs[c];
        }
    }
    let mut z = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|k| m[r][k] * z[k]).sum();
        z[r] = (rhs[r] - s) / m[r][r];
    }
    Some(z)
}

/// The mix over `support` (of the opponent) that makes every own strategy in `own` indifferent
/// under `pay(own, opp)`; returns the full-length mix and the common payoff.
fn indifferent_mix(
    pay: &dyn Fn(usize, usize) -> f64,
    own: &[usize],
    support: &[usize],
    len: usize,
) -> Option<(Vec<f64>, f64)> {
    let k = own.len();
    // Unknowns: the k probabilities and the value v. Rows: sum_j pay(i, j) p_j - v = 0; sum p = 1.
    let mut m = vec![vec![0.0; k + 1]; k + 1];
    let mut rhs = vec![0.0; k + 1];
    for (r, &i) in own.iter().enumerate() {
        for (c, &j) in support.iter().enumerate() {
            m[r][c] = pay(i, j);
        }
        m[r][k] = -1.0;
    }
    m[k][..k].fill(1.0);
    rhs[k] = 1.0;
    let z = solve(m, rhs)?;
    if z[..k].iter().any(|&p| p < EPS) {
        return None;
    }
    let mut mix = vec![0.0; len];
    for (c, &j) in support.iter().enumerate() {
        mix[j] = z[c];
    }
    Some((mix, z[k]))
}

/// Every equilibrium found for the game with payoffs `a` (row player) and `b` (column player),
/// both `m x n`, row-major.
pub fn equilibria(a: &[Vec<f64>], b: &[Vec<f64>]) -> Equilibria {
    let (m, n) = (a.len(), a[0].len());
    let mut list: Vec<Equilibrium> = Vec::new();
    let mut searched = 0u64;
    let mut exhaustive = true;
    for k in 1..=m.min(n) {
        let pairs = binomial(m as u64, k as u64).saturating_mul(binomial(n as u64, k as u64));
        if searched.saturating_add(pairs) > MAX_SUPPORT_PAIRS {
            exhaustive = false;
            break;
        }
        searched += pairs;
        let rows = subsets(m, k);
        let cols = subsets(n, k);
        for i_sup in &rows {
            for j_sup in &cols {
                // y makes the rows in I indifferent; x makes the columns in J indifferent.
                let Some((y, v)) = indifferent_mix(&|i, j| a[i][j], i_sup, j_sup, n) else {
                    continue;
                };
                let Some((x, w)) = indifferent_mix(&|j, i| b[i][j], j_sup, i_sup, m) else {
                    continue;
                };
                let row_ok = (0..m).all(|i| {
                    (0..n).map(|j| a[i][j] * y[j]).sum::<f64>() <= v + EPS * (1.0 + v.abs())
                });
                let col_ok = (0..n).all(|j| {
                    (0..m).map(|i| b[i][j] * x[i]).sum::<f64>() <= w + EPS * (1.0 + w.abs())
                });
                if row_ok && col_ok {
                    let same = |e: &Equilibrium| {
                        e.x.iter()
                            .zip(&x)
                            .chain(e.y.iter().zip(&y))
                            .all(|(p, q)| (p - q).abs() < 1e-9)
                    };
                    if !list.iter().any(same) {
                        list.push(Equilibrium { x, y, u: [v, w] });
                    }
                }
            }
        }
    }
    let ties = (0..n).any(|j| (0..m).any(|i| (i + 1..m).any(|k| a[i][j] == a[k][j])))
        || (0..m).any(|i| (0..n).any(|j| (j + 1..n).any(|k| b[i][j] == b[i][k])));
    Equilibria {
        list,
        exhaustive,
        ties,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chicken_has_two_pure_equilibria_and_one_mixed() {
        // Rows/columns: swerve, straight. Swerve-swerve 1/2 each; straight against swerve 1 and 0;
        // crash -1 each. Mixed: swerve with 2/3, payoff 1/3.
        let a = vec![vec![0.5, 0.0], vec![1.0, -1.0]];
        let b = vec![vec![0.5, 1.0], vec![0.0, -1.0]];
        let e = equilibria(&a, &b);
        assert!(e.exhaustive && !e.ties);
        assert_eq!(e.list.len(), 3);
        let mixed = e
            .list
            .iter()
            .find(|q| q.x[0] > 0.0 && q.x[1] > 0.0)
            .unwrap();
        assert!((mixed.x[0] - 2.0 / 3.0).abs() < 1e-12 && (mixed.y[0] - 2.0 / 3.0).abs() < 1e-12);
        assert!((mixed.u[0] - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn matching_pennies_has_only_the_uniform_mix() {
        let a = vec![vec![1.0, -1.0], vec![-1.0, 1.0]];
        let b = vec![vec![-1.0, 1.0], vec![1.0, -1.0]];
        let e = equilibria(&a, &b);
        assert_eq!(e.list.len(), 1);
        assert!((e.list[0].x[0] - 0.5).abs() < 1e-12 && (e.list[0].y[1] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn a_strictly_dominated_strategy_is_never_played() {
        // Row 2 is strictly dominated by row 0.
        let a = vec![
            vec![3.0, 1.0, 2.0],
            vec![0.0, 4.0, 1.0],
            vec![2.0, 0.5, 1.5],
        ];
        let b = vec![
            vec![1.0, 2.0, 0.0],
            vec![3.0, 0.0, 1.0],
            vec![2.0, 2.0, 2.0],
        ];
        let e = equilibria(&a, &b);
        assert!(!e.list.is_empty());
        assert!(e.list.iter().all(|q| q.x[2] == 0.0));
    }

    #[test]
    fn subsets_are_all_k_combinations() {
        assert_eq!(subsets(4, 2).len(), 6);
        assert_eq!(subsets(3, 3), vec![vec![0, 1, 2]]);
    }
}
