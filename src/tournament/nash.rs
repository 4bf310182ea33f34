//! Every extreme Nash equilibrium of a bimatrix game, degenerate games included, and which of
//! them are joined by continua of equilibria.
//!
//! Vertex enumeration of the best-response polytopes (Avis, Rosenberg, Savani & von Stengel 2010;
//! what Gambit's `enummixed` does): with the payoffs made positive, P = {x ≥ 0 : Bᵀx ≤ 1} and
//! Q = {y ≥ 0 : Ay ≤ 1}. A vertex carries the labels of its tight inequalities (own strategy i
//! unplayed, x_i = 0; or opponent's strategy j a best response, (Bᵀx)_j = 1); a pair of non-zero
//! vertices whose labels cover every strategy is an extreme equilibrium, once normalised, and
//! every extreme equilibrium is one.
//!
//! Ties decide which inequalities are tight, so the arithmetic is exact: every payoff, an f64, is
//! a rational with a power of 2 below; scaled by the largest such power the payoffs are integers,
//! and the simplex tableaus are kept in integers by fraction-free pivoting (Edmonds; as lrs
//! does). Degenerate polytopes, where more inequalities than the dimension meet at a vertex, are
//! walked with the lexicographic ratio test: it visits the vertices of a symbolically perturbed,
//! simple polytope, each vertex of the real one the image of at least one of them, and leaves the
//! pivot unique, so the walk neither cycles nor misses a vertex.
//!
//! Two extreme equilibria that share a vertex are joined by a segment of equilibria (the labels
//! of the shared vertex with those of each partner cover everything, and so do those of any mix
//! of the partners). The components of the bipartite graph of equilibria therefore number the
//! connected sets of equilibria, the `component` of equilibria.csv.

use std::collections::{HashMap, HashSet};

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// One extreme equilibrium of the meta-game.
#[derive(Clone, Debug, PartialEq)]
pub struct Equilibrium {
    /// The row player's mixed strategy.
    pub x: Vec<f64>,
    /// The column player's.
    pub y: Vec<f64>,
    /// Expected payoffs.
    pub u: [f64; 2],
    /// Equilibria joined by a continuum share a component, numbered from 1.
    pub component: usize,
    /// What each pure deviation gains against it in the game as given, computed exactly and
    /// rounded once: `[row deviations, column deviations]`, each at most 0.
    pub gains: [Vec<f64>; 2],
}

/// Every extreme equilibrium of a bimatrix game, and how many components they form.
#[derive(Clone, Debug, PartialEq)]
pub struct Equilibria {
    /// Every extreme equilibrium, component by component.
    pub list: Vec<Equilibrium>,
    /// The number of components.
    pub components: usize,
    /// Whether the list is every extreme equilibrium; `false` when the enumeration stopped at
    /// its limit (`equilibria_within`): then the list holds some of them, and the components
    /// are those of the list.
    pub complete: bool,
}

/// How many bases of a best-response polytope the walk may visit per equilibrium it may
/// return: the vertex walk, not the pairing, is what grows with the game.
pub const BASES_PER_EQUILIBRIUM: usize = 10;

/// A polytope {z ≥ 0 : M z ≤ 1}'s vertex: its point and its labels as bits (variable k unplayed:
/// bit `var_label[k]`; row r tight: bit `row_label[r]`).
#[derive(Clone, Debug)]
struct Vertex {
    z: Vec<BigRational>,
    labels: u64,
}

/// A simplex tableau in integers: row r is `sum_k t[r][k] v_k = t[r][rhs]` over the variables
/// (the z's, then one slack per row), scaled by `det`; `basis[r]` is row r's basic variable.
#[derive(Clone)]
struct Tableau {
    t: Vec<Vec<BigInt>>,
    det: BigInt,
    basis: Vec<usize>,
}

impl Tableau {
    /// Fraction-free pivot on (r, c): every entry stays an integer (a minor of the original).
    fn pivot(&self, r: usize, c: usize) -> Tableau {
        let p = &self.t[r][c];
        let t = self
            .t
            .iter()
            .enumerate()
            .map(|(i, row)| {
                if i == r {
                    row.clone()
                } else {
                    let f = &row[c];
                    row.iter()
                        .zip(&self.t[r])
                        .map(|(x, y)| (x * p - f * y) / &self.det)
                        .collect()
                }
            })
            .collect();
        let mut basis = self.basis.clone();
        basis[r] = c;
        Tableau {
            t,
            det: p.clone(),
            basis,
        }
    }

    /// The leaving row when `c` enters, by the lexicographic ratio test over (rhs, then the
    /// slacks' columns); `None` if no row limits it.
    fn leaving(&self, c: usize, slacks: std::ops::Range<usize>, rhs: usize) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, row) in self.t.iter().enumerate() {
            if !row[c].is_positive() {
                continue;
            }
            let Some(b) = best else {
                best = Some(i);
                continue;
            };
            let other = &self.t[b];
            // row i before row b iff (v_i / t_ic) < (v_b / t_bc) lexicographically.
            let cols = std::iter::once(rhs).chain(slacks.clone());
            for k in cols {
                let lhs = &row[k] * &other[c];
                let rhs_ = &other[k] * &row[c];
                if lhs < rhs_ {
                    best = Some(i);
                    break;
                }
                if lhs > rhs_ {
                    break;
                }
            }
        }
        best
    }
}

/// Every vertex of {z ≥ 0 : M z ≤ 1} for `m` with positive integer entries (rows × dims), found
/// by walking the lexicographically feasible bases from the origin; `false` with those found
/// when the walk has visited `budget` bases and stopped.
fn vertices(
    m: &[Vec<BigInt>],
    var_label: &[usize],
    row_label: &[usize],
    budget: usize,
) -> (Vec<Vertex>, bool) {
    let (rows, dims) = (m.len(), m[0].len());
    let (slacks, rhs) = (dims..dims + rows, dims + rows);
    let t: Vec<Vec<BigInt>> = m
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let mut v = row.clone();
            v.extend((0..rows).map(|k| {
                if k == r {
                    BigInt::one()
                } else {
                    BigInt::zero()
                }
            }));
            v.push(BigInt::one());
            v
        })
        .collect();
    let start = Tableau {
        t,
        det: BigInt::one(),
        basis: (dims..dims + rows).collect(),
    };
    let key = |b: &[usize]| b.iter().fold(0u64, |k, &v| k | 1 << v);
    let mut seen: HashSet<u64> = HashSet::from([key(&start.basis)]);
    let mut stack = vec![start];
    let mut found: Vec<Vertex> = Vec::new();
    // A vertex is the one point where its tight constraints meet, so its labels name it.
    let mut known: HashSet<u64> = HashSet::new();
    while let Some(tab) = stack.pop() {
        let mut labels = 0u64;
        let mut basic = 0u64;
        for (r, &v) in tab.basis.iter().enumerate() {
            basic |= 1 << v;
            if tab.t[r][rhs].is_zero() {
                basic &= !(1 << v);
            }
        }
        for k in 0..dims + rows {
            if basic & (1 << k) == 0 {
                labels |= 1
                    << if k < dims {
                        var_label[k]
                    } else {
                        row_label[k - dims]
                    };
            }
        }
        if known.insert(labels) {
            let mut z = vec![BigRational::zero(); dims];
            for (r, &v) in tab.basis.iter().enumerate() {
                if v < dims {
                    // Unreduced: only the vertices that pair are ever normalised.
                    z[v] = BigRational::new_raw(tab.t[r][rhs].clone(), tab.det.clone());
                }
            }
            found.push(Vertex { z, labels });
        }
        for c in 0..dims + rows {
            if tab.basis.contains(&c) {
                continue;
            }
            let Some(r) = tab.leaving(c, slacks.clone(), rhs) else {
                continue;
            };
            let mut next = tab.basis.clone();
            next[r] = c;
            if seen.len() >= budget {
                return (found, false);
            }
            if seen.insert(key(&next)) {
                stack.push(tab.pivot(r, c));
            }
        }
    }
    (found, true)
}

/// The payoffs as integers: each f64 is k · 2^e exactly; all are scaled by the largest 2^-e.
/// Shifted so that the smallest is the scale itself (1 in the payoffs' units), every entry is
/// positive.
fn positive_integers(a: &[Vec<f64>]) -> Vec<Vec<BigInt>> {
    let exact: Vec<Vec<BigRational>> = a
        .iter()
        .map(|row| {
            row.iter()
                .map(|&v| {
                    assert!(v.is_finite(), "a meta-game payoff is not finite: {v}");
                    BigRational::from_float(v).expect("finite")
                })
                .collect()
        })
        .collect();
    let scale = exact
        .iter()
        .flatten()
        .map(|q| q.denom().clone())
        .max()
        .expect("a non-empty game");
    let ints: Vec<Vec<BigInt>> = exact
        .iter()
        .map(|row| {
            row.iter()
                .map(|q| (q * BigRational::from_integer(scale.clone())).to_integer())
                .collect()
        })
        .collect();
    let min = ints
        .iter()
        .flatten()
        .min()
        .expect("a non-empty game")
        .clone();
    ints.iter()
        .map(|row| row.iter().map(|v| v - &min + &scale).collect())
        .collect()
}

fn exact(a: &[Vec<f64>]) -> Vec<Vec<BigRational>> {
    a.iter()
        .map(|r| {
            r.iter()
                .map(|&v| BigRational::from_float(v).expect("finite"))
                .collect()
        })
        .collect()
}

fn normalised(z: &[BigRational]) -> Vec<BigRational> {
    let sum: BigRational = z.iter().sum();
    z.iter().map(|v| v / &sum).collect()
}

fn to_f64(q: &BigRational) -> f64 {
    q.to_f64().expect("a probability or payoff fits an f64")
}

/// Union-find over vertices, for the components.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The pairs of non-zero vertices of P and Q whose labels cover all `strategies`: the extreme
/// equilibria, at most `limit` of them (`false` if there were more).
fn complementary_pairs(
    p: &[Vertex],
    q: &[Vertex],
    strategies: usize,
    limit: usize,
) -> (Vec<(usize, usize)>, bool) {
    let all = if strategies == 64 {
        u64::MAX
    } else {
        (1u64 << strategies) - 1
    };
    let is_origin = |v: &Vertex| v.z.iter().all(Zero::is_zero);
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, xv) in p.iter().enumerate().filter(|(_, v)| !is_origin(v)) {
        for (j, yv) in q.iter().enumerate().filter(|(_, v)| !is_origin(v)) {
            if xv.labels | yv.labels == all {
                if pairs.len() == limit {
                    return (pairs, false);
                }
                pairs.push((i, j));
            }
        }
    }
    (pairs, true)
}

/// Every extreme equilibrium of the game with payoffs `a` (row player) and `b` (column player),
/// both `m x n`, row-major.
pub fn equilibria(a: &[Vec<f64>], b: &[Vec<f64>]) -> Equilibria {
    equilibria_within(a, b, usize::MAX)
}

/// The extreme equilibria as `equilibria` finds them, but at most `limit`, and each polytope's
/// walk stopped after `BASES_PER_EQUILIBRIUM * limit` bases: large meta-games (a 20 x 20 war of
/// attrition has about 60,000 extreme equilibria) take seconds, not hours and gigabytes.
/// `complete` says whether the list is all of them.
pub fn equilibria_within(a: &[Vec<f64>], b: &[Vec<f64>], limit: usize) -> Equilibria {
    let (m, n) = (a.len(), a[0].len());
    assert!(m + n <= 64, "at most 64 strategies in all");
    let budget = limit.saturating_mul(BASES_PER_EQUILIBRIUM);
    // P over x: rows j of Bᵀ; label i for x_i = 0, m + j for column j a best response.
    let bt: Vec<Vec<f64>> = (0..n).map(|j| (0..m).map(|i| b[i][j]).collect()).collect();
    let (p, p_all) = vertices(
        &positive_integers(&bt),
        &(0..m).collect::<Vec<_>>(),
        &(m..m + n).collect::<Vec<_>>(),
        budget,
    );
    // Q over y: rows i of A; label m + j for y_j = 0, i for row i a best response.
    let (q, q_all) = vertices(
        &positive_integers(a),
        &(m..m + n).collect::<Vec<_>>(),
        &(0..m).collect::<Vec<_>>(),
        budget,
    );
    let (pairs, paired_all) = complementary_pairs(&p, &q, m + n, limit);
    let complete = p_all && q_all && paired_all;
    let (ea, eb) = (exact(a), exact(b));
    let mut found: Vec<(Vec<BigRational>, Vec<BigRational>, usize, usize)> = pairs
        .into_iter()
        .map(|(i, j)| (normalised(&p[i].z), normalised(&q[j].z), i, j))
        .collect();
    // Pure strategies of the first entrants first: descending in x, then in y.
    found.sort_by(|l, r| r.0.cmp(&l.0).then_with(|| r.1.cmp(&l.1)));
    let mut parent: Vec<usize> = (0..p.len() + q.len()).collect();
    for (_, _, i, j) in &found {
        let (ri, rj) = (root(&mut parent, *i), root(&mut parent, p.len() + j));
        parent[ri] = rj;
    }
    let mut numbers: HashMap<usize, usize> = HashMap::new();
    let mut order: Vec<(usize, usize)> = found
        .iter()
        .enumerate()
        .map(|(k, (_, _, i, _))| {
            let r = root(&mut parent, *i);
            let next = numbers.len() + 1;
            (*numbers.entry(r).or_insert(next), k)
        })
        .collect();
    order.sort();
    let list = order
        .into_iter()
        .map(|(component, k)| {
            let (x, y, _, _) = &found[k];
            let value = |pay: &[Vec<BigRational>]| -> BigRational {
                let mut s = BigRational::zero();
                for (i, xi) in x.iter().enumerate().filter(|(_, v)| !v.is_zero()) {
                    for (j, yj) in y.iter().enumerate().filter(|(_, v)| !v.is_zero()) {
                        s += xi * yj * &pay[i][j];
                    }
                }
                s
            };
            let (ua, ub) = (value(&ea), value(&eb));
            let row_gain = |d: usize| -> f64 {
                let mut s = -ua.clone();
                for (j, yj) in y.iter().enumerate().filter(|(_, v)| !v.is_zero()) {
                    s += yj * &ea[d][j];
                }
                to_f64(&s)
            };
            let col_gain = |d: usize| -> f64 {
                let mut s = -ub.clone();
                for (i, xi) in x.iter().enumerate().filter(|(_, v)| !v.is_zero()) {
                    s += xi * &eb[i][d];
                }
                to_f64(&s)
            };
            Equilibrium {
                x: x.iter().map(to_f64).collect(),
                y: y.iter().map(to_f64).collect(),
                u: [to_f64(&ua), to_f64(&ub)],
                component,
                gains: [
                    (0..m).map(row_gain).collect(),
                    (0..n).map(col_gain).collect(),
                ],
            }
        })
        .collect();
    Equilibria {
        list,
        components: numbers.len(),
        complete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::FromPrimitive;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn game(a: &[&[f64]], b: &[&[f64]]) -> Equilibria {
        let v = |m: &[&[f64]]| m.iter().map(|r| r.to_vec()).collect::<Vec<_>>();
        equilibria(&v(a), &v(b))
    }

    /// A war of attrition between "concede at t" for t = 0..8 on both sides has hundreds of
    /// extreme equilibria. Limited, the enumeration says it stopped, returns at most the limit,
    /// and every one it returns is one of the full list; with a limit above the count it is the
    /// full list, complete.
    #[test]
    fn a_limited_enumeration_returns_true_equilibria_and_says_it_stopped() {
        let k = 8;
        let win = |i: usize, j: usize| -> [f64; 2] {
            // Concede at i (row) against j (column): the later one wins 1, both pay 0.1 a unit.
            let t = i.min(j) as f64;
            let (u, v) = match i.cmp(&j) {
                std::cmp::Ordering::Less => (0.0, 1.0),
                std::cmp::Ordering::Greater => (1.0, 0.0),
                std::cmp::Ordering::Equal => (0.5, 0.5),
            };
            [u - 0.1 * t, v - 0.1 * t]
        };
        let a: Vec<Vec<f64>> = (0..k)
            .map(|i| (0..k).map(|j| win(i, j)[0]).collect())
            .collect();
        let b: Vec<Vec<f64>> = (0..k)
            .map(|i| (0..k).map(|j| win(i, j)[1]).collect())
            .collect();
        let all = equilibria(&a, &b);
        assert!(all.complete);
        assert!(all.list.len() > 10, "{}", all.list.len());
        let some = equilibria_within(&a, &b, 10);
        assert!(!some.complete);
        assert!(!some.list.is_empty() && some.list.len() <= 10);
        for e in &some.list {
            assert!(all.list.iter().any(|f| f.x == e.x && f.y == e.y), "{e:?}");
            assert!(e.gains.iter().flatten().all(|&g| g <= 0.0));
        }
        let every = equilibria_within(&a, &b, all.list.len());
        assert!(every.complete);
        assert_eq!(every, all);
    }

    #[test]
    fn chicken_has_two_pure_equilibria_and_one_mixed() {
        // Rows/columns: swerve, straight. Mixed: swerve with 2/3, payoff 1/3.
        let e = game(&[&[0.5, 0.0], &[1.0, -1.0]], &[&[0.5, 1.0], &[0.0, -1.0]]);
        assert_eq!(e.list.len(), 3);
        assert_eq!(e.components, 3);
        let mixed = e
            .list
            .iter()
            .find(|q| q.x[0] > 0.0 && q.x[1] > 0.0)
            .unwrap();
        assert!((mixed.x[0] - 2.0 / 3.0).abs() < 1e-15 && (mixed.y[0] - 2.0 / 3.0).abs() < 1e-15);
        assert!((mixed.u[0] - 1.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn matching_pennies_has_only_the_uniform_mix() {
        let e = game(&[&[1.0, -1.0], &[-1.0, 1.0]], &[&[-1.0, 1.0], &[1.0, -1.0]]);
        assert_eq!(e.list.len(), 1);
        assert_eq!((e.list[0].x[0], e.list[0].y[1]), (0.5, 0.5));
    }

    #[test]
    fn all_equal_payoffs_make_every_pure_pair_an_extreme_equilibrium_in_one_component() {
        let a = vec![vec![0.3; 3]; 2];
        let e = equilibria(&a, &a);
        assert_eq!(e.list.len(), 6);
        assert_eq!(e.components, 1);
        assert!(e.list.iter().all(|q| q.component == 1 && q.u == [0.3, 0.3]));
    }

    #[test]
    fn a_duplicated_entrant_gives_a_continuum_with_its_twin() {
        // Row 1 duplicates row 0; (row 0 or 1, column 0) is the only equilibrium up to mixing
        // the twins: extreme points (1,0,0) and (0,1,0) against column 0, one component.
        let a = [&[2.0, 0.0][..], &[2.0, 0.0], &[0.0, 1.0]];
        let b = [&[1.0, 0.0][..], &[1.0, 0.0], &[0.0, 2.0]];
        let e = game(&a, &b);
        let with_col0: Vec<&Equilibrium> = e.list.iter().filter(|q| q.y == [1.0, 0.0]).collect();
        assert_eq!(with_col0.len(), 2, "{:?}", e.list);
        assert_eq!(with_col0[0].component, with_col0[1].component);
        assert!(e.list.iter().all(|q| is_nash(&a, &b, q)));
    }

    #[test]
    fn chicken_with_ties_has_a_segment_of_equilibria() {
        // Swerving against swerve ties with going straight against it for the row player: the
        // row player is indifferent whenever the column swerves, so a continuum appears.
        let a = [&[1.0, 0.0][..], &[1.0, -1.0]];
        let b = [&[1.0, 2.0][..], &[0.0, -1.0]];
        let e = game(&a, &b);
        assert!(e.list.iter().all(|q| is_nash(&a, &b, q)));
        assert_eq!(e, reference(&a, &b));
        // Against swerve the row player is indifferent: (swerve, swerve) and (straight, swerve)
        // are both equilibria, joined by the segment of the row's mixes.
        let against_swerve: Vec<&Equilibrium> =
            e.list.iter().filter(|q| q.y == [1.0, 0.0]).collect();
        assert_eq!(against_swerve.len(), 2, "{:?}", e.list);
        assert_eq!(against_swerve[0].component, against_swerve[1].component);
    }

    fn is_nash(a: &[&[f64]], b: &[&[f64]], q: &Equilibrium) -> bool {
        let (m, n) = (a.len(), a[0].len());
        let row = |i: usize| (0..n).map(|j| a[i][j] * q.y[j]).sum::<f64>();
        let col = |j: usize| (0..m).map(|i| b[i][j] * q.x[i]).sum::<f64>();
        let tol = 1e-12;
        (0..m).all(|i| row(i) <= q.u[0] + tol) && (0..n).all(|j| col(j) <= q.u[1] + tol)
    }

    /// Every vertex of `{z >= 0 : mat z <= 1}` by brute force: each choice of `dims` tight
    /// inequalities solved in rationals, kept if feasible; with its labels (`var_label[k]` where
    /// z_k = 0, `row_label[r]` where row r is tight).
    fn brute(mat: &[Vec<BigInt>], var_label: Vec<usize>, row_label: Vec<usize>) -> Vec<Vertex> {
        let (rows, dims) = (mat.len(), mat[0].len());
        let mut out: Vec<Vertex> = Vec::new();
        for choice in 0u64..1 << (rows + dims) {
            if choice.count_ones() as usize != dims {
                continue;
            }
            // Tight: z_k = 0 for chosen k < dims, row r = 1 for chosen dims + r.
            let mut sys: Vec<(Vec<BigRational>, BigRational)> = Vec::new();
            for k in 0..dims + rows {
                if choice & (1 << k) == 0 {
                    continue;
                }
                if k < dims {
                    let mut e = vec![BigRational::zero(); dims];
                    e[k] = BigRational::one();
                    sys.push((e, BigRational::zero()));
                } else {
                    let row = mat[k - dims]
                        .iter()
                        .map(|v| BigRational::from_integer(v.clone()))
                        .collect();
                    sys.push((row, BigRational::one()));
                }
            }
            let Some(z) = solve(sys) else { continue };
            let feasible = z.iter().all(|v| !v.is_negative())
                && mat.iter().all(|row| {
                    let s: BigRational = row
                        .iter()
                        .zip(&z)
                        .map(|(c, v)| BigRational::from_integer(c.clone()) * v)
                        .sum();
                    s <= BigRational::one()
                });
            if !feasible || out.iter().any(|v| v.z == z) {
                continue;
            }
            let mut labels = 0u64;
            for (k, v) in z.iter().enumerate() {
                if v.is_zero() {
                    labels |= 1 << var_label[k];
                }
            }
            for (r, row) in mat.iter().enumerate() {
                let s: BigRational = row
                    .iter()
                    .zip(&z)
                    .map(|(c, v)| BigRational::from_integer(c.clone()) * v)
                    .sum();
                if s == BigRational::one() {
                    labels |= 1 << row_label[r];
                }
            }
            out.push(Vertex { z, labels });
        }
        out
    }

    /// The same equilibria found by brute force: every vertex of each polytope from every choice
    /// of `dims` tight inequalities, solved in rationals; then the same pairing by labels.
    fn reference(a: &[&[f64]], b: &[&[f64]]) -> Equilibria {
        let (m, n) = (a.len(), a[0].len());
        let av: Vec<Vec<f64>> = a.iter().map(|r| r.to_vec()).collect();
        let bt: Vec<Vec<f64>> = (0..n).map(|j| (0..m).map(|i| b[i][j]).collect()).collect();
        let p = brute(
            &positive_integers(&bt),
            (0..m).collect(),
            (m..m + n).collect(),
        );
        let q = brute(
            &positive_integers(&av),
            (m..m + n).collect(),
            (0..m).collect(),
        );
        // Pair, normalise and number exactly as `equilibria` does, from these vertices.
        let all = (1u64 << (m + n)) - 1;
        let mut list = Vec::new();
        for xv in p.iter().filter(|v| !v.z.iter().all(Zero::is_zero)) {
            for yv in q.iter().filter(|v| !v.z.iter().all(Zero::is_zero)) {
                if xv.labels | yv.labels == all {
                    list.push((normalised(&xv.z), normalised(&yv.z)));
                }
            }
        }
        list.sort_by(|l, r| r.0.cmp(&l.0).then_with(|| r.1.cmp(&l.1)));
        let got = equilibria(&av, &b.iter().map(|r| r.to_vec()).collect::<Vec<_>>());
        // The equilibria must be the same points; the components are checked by connectivity.
        let ours: Vec<(Vec<f64>, Vec<f64>)> = got
            .list
            .iter()
            .map(|e| (e.x.clone(), e.y.clone()))
            .collect();
        let mut theirs: Vec<(Vec<f64>, Vec<f64>)> = list
            .iter()
            .map(|(x, y)| {
                (
                    x.iter().map(to_f64).collect(),
                    y.iter().map(to_f64).collect(),
                )
            })
            .collect();
        let mut sorted_ours = ours.clone();
        let key = |v: &(Vec<f64>, Vec<f64>)| format!("{v:?}");
        sorted_ours.sort_by_key(key);
        theirs.sort_by_key(key);
        assert_eq!(sorted_ours, theirs);
        got
    }

    /// Gaussian elimination in rationals; `None` if singular.
    fn solve(mut sys: Vec<(Vec<BigRational>, BigRational)>) -> Option<Vec<BigRational>> {
        let n = sys.len();
        for c in 0..n {
            let p = (c..n).find(|&r| !sys[r].0[c].is_zero())?;
            sys.swap(c, p);
            let (prow, prhs) = sys[c].clone();
            for (r, (row, rhs)) in sys.iter_mut().enumerate() {
                if r != c && !row[c].is_zero() {
                    let f = &row[c] / &prow[c];
                    for (v, p) in row.iter_mut().zip(&prow) {
                        *v -= &f * p;
                    }
                    *rhs -= &f * &prhs;
                }
            }
        }
        Some((0..n).map(|r| &sys[r].1 / &sys[r].0[r]).collect())
    }

    /// Random games with payoffs in {0, 1, 2} (ties everywhere: degenerate), up to 4 x 4: the
    /// same extreme equilibria as the brute force, each a Nash equilibrium, and every pure
    /// equilibrium among them.
    #[test]
    fn random_degenerate_games_agree_with_brute_force() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        for _ in 0..300 {
            let (m, n) = (rng.random_range(1..=4), rng.random_range(1..=4));
            let mut draw = || -> Vec<Vec<f64>> {
                (0..m)
                    .map(|_| {
                        (0..n)
                            .map(|_| f64::from_u32(rng.random_range(0..3)).unwrap())
                            .collect()
                    })
                    .collect()
            };
            let (a, b) = (draw(), draw());
            let ar: Vec<&[f64]> = a.iter().map(Vec::as_slice).collect();
            let br: Vec<&[f64]> = b.iter().map(Vec::as_slice).collect();
            let got = reference(&ar, &br);
            assert!(!got.list.is_empty(), "every finite game has an equilibrium");
            assert!(got.list.iter().all(|q| is_nash(&ar, &br, q)), "{a:?} {b:?}");
            for i in 0..m {
                for j in 0..n {
                    let pure =
                        (0..m).all(|k| a[k][j] <= a[i][j]) && (0..n).all(|k| b[i][k] <= b[i][j]);
                    let listed = got.list.iter().any(|q| q.x[i] == 1.0 && q.y[j] == 1.0);
                    assert_eq!(pure, listed, "pure ({i}, {j}) in {a:?} {b:?}");
                }
            }
        }
    }
}
