//! Strategy tournaments: every entrant of the first party meets every entrant of the second, on
//! the same scenario, with common random numbers.
//!
//! All pairings play round `r` from the same stream (`rng::round_rng(seed, r)`) and the engine
//! draws in a fixed order whatever the strategies, so differences between entrants are not
//! drowned by noise. Because round `r` of every pairing is played together, the runner also
//! accumulates the covariance of the payoffs across pairings, which gives the standard error of
//! every average and difference the ranking and the equilibria report: a CRN comparison is
//! tighter than an independent one, and the intervals show it. Each pairing's variance comes from
//! all its rounds; the correlations between pairings, whose products cost as the square of the
//! pairings, from every `cross_stride(p)`-th round (every round up to 4 pairings), which keeps a
//! tournament's round as cheap as a run's. Sums are exact and merged exactly.
//!
//! `nash` finds the meta-game's equilibria; `replicator` shows which entrants survive.

mod entrant;
pub mod nash;
pub mod replicator;
pub mod report;
pub mod table;

pub use entrant::{Entrant, resolve_entrants};

use crate::aggregate::stats::{Estimate, Z95};
use crate::aggregate::{ExactSum, Tally, Totals};
use crate::engine::{Engine, Stage};
use crate::model::{PARTIES, RoundResult, Scenario};
use crate::runner::{self, Merge, batch_count};
use crate::scenario::{self, Loaded, Override, ScenarioError};

/// At most this many entrants per party (the covariance grows as the square of the pairings).
pub const MAX_ENTRANTS: usize = 20;

/// A tournament on one scenario: the pairings' scenarios, row-major (first party's entrant a,
/// second's b at `a * cols + b`).
pub struct Tournament {
    /// Each party's entrants.
    pub entrants: [Vec<Entrant>; PARTIES],
    /// Each pairing's scenario, row-major.
    pub pairings: Vec<Scenario>,
    /// The seed every pairing plays (common random numbers).
    pub seed: u64,
    /// Rounds per pairing.
    pub rounds: u64,
}

/// Why a tournament could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TournamentError {
    /// An entrant that does not make a valid scenario.
    #[error("entrant `{entrant}` for `{party}`: {error}")]
    Entrant {
        /// The party's key.
        party: String,
        /// The entrant as written.
        entrant: String,
        /// Why its pairing's scenario is invalid.
        error: Box<ScenarioError>,
    },
    /// Entrants or scenarios that do not make a tournament.
    #[error("{0}")]
    Invalid(String),
}

impl Tournament {
    /// Substitute every pair of entrants into the scenario `text` (already resolved).
    pub fn new(
        file: &str,
        text: &str,
        entrants: [Vec<Entrant>; PARTIES],
    ) -> Result<Tournament, TournamentError> {
        let base = scenario::load_str(file, text, &[])
            .map_err(|e| TournamentError::Invalid(e.to_string()))?;
        let ids = [
            base.scenario.parties[0].id.clone(),
            base.scenario.parties[1].id.clone(),
        ];
        for (i, list) in entrants.iter().enumerate() {
            if list.is_empty() {
                return Err(TournamentError::Invalid(format!(
                    "party `{}` has no entrants",
                    ids[i]
                )));
            }
            if list.len() > MAX_ENTRANTS {
                return Err(TournamentError::Invalid(format!(
                    "party `{}` has {} entrants; at most {MAX_ENTRANTS} are allowed",
                    ids[i],
                    list.len()
                )));
            }
            for (k, e) in list.iter().enumerate() {
                if list[..k].iter().any(|f| f.name == e.name) {
                    return Err(TournamentError::Invalid(format!(
                        "entrant `{}` is entered twice for `{}`",
                        e.name, ids[i]
                    )));
                }
            }
        }
        let set = |i: usize, e: &Entrant| Override {
            path: format!("parties.{}.strategy", ids[i]),
            value: e.toml.clone(),
        };
        // Each entrant alone first, so that an error names it.
        for (i, list) in entrants.iter().enumerate() {
            for e in list {
                scenario::load_str(file, text, &[set(i, e)]).map_err(|error| {
                    TournamentError::Entrant {
                        party: ids[i].clone(),
                        entrant: e.name.clone(),
                        error: Box::new(error),
                    }
                })?;
            }
        }
        let mut pairings = Vec::new();
        for a in &entrants[0] {
            for b in &entrants[1] {
                let l = scenario::load_str(file, text, &[set(0, a), set(1, b)])
                    .map_err(|e| TournamentError::Invalid(e.to_string()))?;
                pairings.push(l.scenario);
            }
        }
        let sim = &base.scenario.simulation;
        Ok(Tournament {
            entrants,
            pairings,
            seed: sim.seed,
            rounds: sim.rounds,
        })
    }

    /// Each party's key.
    pub fn ids(&self) -> [String; PARTIES] {
        [
            self.pairings[0].parties[0].id.clone(),
            self.pairings[0].parties[1].id.clone(),
        ]
    }

    /// Play every pairing's rounds, round `r` of all pairings together.
    pub fn run(&self, progress: &(dyn Fn(u64) + Sync)) -> Results {
        self.run_batches(0..batch_count(self.rounds), progress)
    }

    /// Play the given batches of rounds (a shard of the tournament): the runner's batch loop,
    /// `CHUNK` rounds of every pairing at a time so that the cross products see round r of all
    /// pairings together. Each chunk's draws are made once (`Engine::stage`) and every pairing
    /// plays them (`Engine::play_stage`: the staged path `run` takes, from shared draws).
    pub fn run_batches(
        &self,
        batches: std::ops::Range<u64>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Results {
        const CHUNK: u64 = 256;
        let p = self.pairings.len();
        let engines: Vec<Engine> = self.pairings.iter().map(Engine::new).collect();
        let (end, bins) = (
            self.pairings[0].end_time(),
            self.pairings[0].simulation.bins as usize,
        );
        let tri = p * (p + 1) / 2;
        let stride = cross_stride(p);
        // The pairings differ in strategies only, so each round's draws are made once for all.
        let shared = engines.iter().all(|e| e.shares_draws(&engines[0]));
        let empty = || Results {
            pairings: (0..p).map(|_| Totals::empty(end, bins)).collect(),
            cross: [0, 1].map(|_| vec![ExactSum::default(); tri]),
            sampled: [0, 1].map(|_| vec![ExactSum::default(); p]),
        };
        runner::over_batches(self.rounds, batches, progress, empty, |rounds| {
            let mut tallies: Vec<Tally> = (0..p).map(|_| Tally::new(end, bins)).collect();
            let mut scratch: Vec<_> = engines.iter().map(Engine::scratch).collect();
            let mut stage = Stage::default();
            let mut cross = [vec![0.0; tri], vec![0.0; tri]];
            let mut sampled = [vec![0.0; p], vec![0.0; p]];
            // The sampled rounds' payoffs by party and pairing (each pairing's rounds contiguous).
            let c = CHUNK as usize;
            let mut u = [vec![0.0; p * c], vec![0.0; p * c]];
            let mut first = rounds.start;
            while first < rounds.end {
                let last = (first + CHUNK).min(rounds.end);
                let mut m = 0;
                if shared {
                    engines[0].stage(self.seed, first..last, &mut stage);
                }
                for k in 0..p {
                    // Rounds to skip before the next sampled one (a multiple of the stride).
                    let mut skip = (stride - first % stride) % stride;
                    let mut j = k * c;
                    let mut sink = |res: &RoundResult| {
                        tallies[k].push(res);
                        if skip == 0 {
                            u[0][j] = res.payoff[0];
                            u[1][j] = res.payoff[1];
                            j += 1;
                            skip = stride - 1;
                        } else {
                            skip -= 1;
                        }
                    };
                    if shared {
                        engines[k].play_stage(&stage, &mut scratch[k], &mut sink);
                    } else {
                        engines[k].play_rounds(self.seed, first..last, &mut scratch[k], &mut sink);
                    }
                    m = j - k * c;
                }
                for q in 0..PARTIES {
                    let rows: Vec<&[f64]> = (0..p).map(|k| &u[q][k * c..k * c + m]).collect();
                    add_cross_products(&rows, &mut cross[q]);
                    for (s, row) in sampled[q].iter_mut().zip(&rows) {
                        *s += row.iter().sum::<f64>();
                    }
                }
                first = last;
            }
            progress((rounds.end - rounds.start) * p as u64);
            let exact = |v: Vec<f64>| -> Vec<ExactSum> {
                v.into_iter()
                    .map(|x| {
                        let mut s = ExactSum::default();
                        s.add(x);
                        s
                    })
                    .collect()
            };
            Results {
                pairings: tallies.into_iter().map(Totals::from).collect(),
                cross: cross.map(exact),
                sampled: sampled.map(exact),
            }
        })
    }
}

/// The rounds whose cross products a tournament of `p` pairings sums: every `stride`-th, so that
/// the products (p (p + 1) / 2 a round for each party) come to about 2 per pairing and round.
pub fn cross_stride(p: usize) -> u64 {
    p.div_ceil(4).max(1) as u64
}

/// Add to `out` (upper triangle, row-major) the sum over the rounds of the products of every two
/// pairings' payoffs, `rows[k]` holding pairing k's payoffs round by round.
///
/// Each sum runs in eight lanes (round r in lane r mod 8), combined in a fixed order, so that it
/// vectorises and yet every machine and every vector width gives the same bits (no fused
/// multiply-add: a multiplication and an addition, each rounded, per term). Where the processor
/// has AVX the same code runs on 256-bit registers.
fn add_cross_products(rows: &[&[f64]], out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX, checked just above.
        unsafe { add_cross_products_avx(rows, out) };
        return;
    }
    add_cross_products_lanes(rows, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn add_cross_products_avx(rows: &[&[f64]], out: &mut [f64]) {
    add_cross_products_lanes(rows, out);
}

#[inline(always)]
fn add_cross_products_lanes(rows: &[&[f64]], out: &mut [f64]) {
    let p = rows.len();
    let mut idx = 0;
    for i in 0..p {
        for j in i..p {
            out[idx] += dot(rows[i], rows[j]);
            idx += 1;
        }
    }
}

/// The sum of products of `a` and `b` in eight lanes, combined in a fixed order.
#[inline(always)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    const L: usize = 8;
    let mut lanes = [0.0f64; L];
    let (ca, cb) = (a.chunks_exact(L), b.chunks_exact(L));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..L {
            lanes[l] += x[l] * y[l];
        }
    }
    let pairs = [
        lanes[0] + lanes[4],
        lanes[1] + lanes[5],
        lanes[2] + lanes[6],
        lanes[3] + lanes[7],
    ];
    (pairs[0] + pairs[2]) + (pairs[1] + pairs[3]) + tail
}

/// A tournament on its scenario and on further scenarios sharing its parties, whose rankings go
/// into robustness.csv. The first is the main one.
pub struct Series {
    /// `(file, resolved text, tournament)` of each scenario.
    pub scenarios: Vec<(String, String, Tournament)>,
    /// Each party's entrants, the same in every scenario.
    pub entrants: [Vec<Entrant>; PARTIES],
}

impl Series {
    /// The same entrants on each loaded scenario; every scenario must have the first's party ids,
    /// in its order.
    pub fn new(loaded: &[Loaded], entrants: [Vec<Entrant>; PARTIES]) -> Result<Series, String> {
        let ids = |l: &Loaded| [0, 1].map(|i| l.scenario.parties[i].id.clone());
        let main = &loaded[0];
        let mut scenarios = Vec::new();
        for l in loaded {
            if ids(l) != ids(main) {
                let [a, b] = ids(l);
                let [c, d] = ids(main);
                return Err(format!(
                    "--scenarios {}: its parties ({a}, {b}) differ from {}'s ({c}, {d}); scenarios \
                     ranked together must share party ids, in the same order",
                    l.file, main.file
                ));
            }
            let t = Tournament::new(&l.file, &l.resolved, entrants.clone())
                .map_err(|e| e.to_string())?;
            scenarios.push((l.file.clone(), l.resolved.clone(), t));
        }
        Ok(Series {
            scenarios,
            entrants,
        })
    }

    /// The first scenario's tournament.
    pub fn main(&self) -> &Tournament {
        &self.scenarios[0].2
    }

    /// Rounds to play in all: every pairing of every scenario.
    pub fn work(&self) -> u64 {
        let t = self.scenarios.iter().map(|(_, _, t)| t);
        t.map(|t| t.rounds * t.pairings.len() as u64).sum()
    }

    /// Play each scenario's batches `slice(batch count)`: all of them, or a shard's.
    pub fn run(
        &self,
        slice: &dyn Fn(u64) -> std::ops::Range<u64>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Vec<Results> {
        let run = |t: &Tournament| t.run_batches(slice(batch_count(t.rounds)), progress);
        self.scenarios.iter().map(|(_, _, t)| run(t)).collect()
    }

    /// manifest.toml: the main scenario with the entrants written into `[tournament]`.
    pub fn manifest(&self, main: &Loaded, max_equilibria: u64) -> Vec<u8> {
        let mut table = toml_edit::Table::new();
        let mut ent = toml_edit::InlineTable::new();
        for (i, list) in self.entrants.iter().enumerate() {
            let arr: toml_edit::Array = list.iter().map(|e| e.name.as_str()).collect();
            ent.insert(&main.scenario.parties[i].id, arr.into());
        }
        table.insert("entrants", toml_edit::value(ent));
        if max_equilibria != DEFAULT_MAX_EQUILIBRIA {
            table.insert("max_equilibria", toml_edit::value(max_equilibria as i64));
        }
        crate::output::manifest::manifest_with(
            &main.resolved,
            &main.scenario,
            "tournament",
            &[("tournament", table)],
        )
    }

    /// What identifies the series' results: the manifest and every further scenario's text.
    pub fn identity(&self, manifest: &[u8]) -> String {
        let mut identity = String::from_utf8(manifest.to_vec()).expect("the manifest is UTF-8");
        for (_, text, _) in &self.scenarios[1..] {
            identity.push_str(text);
        }
        identity
    }
}

/// The meta-game's extreme equilibria enumerated by default (`--max-equilibria`); another
/// limit is recorded in the manifest, so that a merge of shards enumerates as the run would.
pub const DEFAULT_MAX_EQUILIBRIA: u64 = 1000;

/// The limit on the equilibria recorded in a tournament's `manifest`.
pub fn max_equilibria(manifest: &[u8]) -> u64 {
    std::str::from_utf8(manifest)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("tournament")?.get("max_equilibria")?.as_integer())
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(DEFAULT_MAX_EQUILIBRIA)
}

/// Every pairing's totals, and for each party, over the sampled rounds (every
/// `cross_stride`-th), the sums of products of its payoffs across pairings (upper triangle,
/// row-major) and each pairing's sum, from which the correlations follow.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Results {
    /// Each pairing's totals, row-major.
    pub pairings: Vec<Totals>,
    cross: [Vec<ExactSum>; PARTIES],
    sampled: [Vec<ExactSum>; PARTIES],
}

impl Merge for Results {
    fn merge(&mut self, o: &Results) {
        Results::merge(self, o)
    }
}

impl Results {
    /// That results read from a file (a shard's part) are of `rounds` rounds in every pairing,
    /// with finite cross sums, one sampled sum per pairing.
    pub fn check(&self, rounds: u64) -> Result<(), String> {
        for t in &self.pairings {
            t.check(rounds)?;
        }
        let finite = |v: &[ExactSum]| v.iter().all(ExactSum::is_finite);
        for q in 0..PARTIES {
            if self.sampled[q].len() != self.pairings.len()
                || !finite(&self.sampled[q])
                || !finite(&self.cross[q])
            {
                return Err("its cross-pairing sums are not one finite set per pairing".into());
            }
        }
        Ok(())
    }

    /// Add another's rounds.
    pub fn merge(&mut self, o: &Results) {
        for (a, b) in self.pairings.iter_mut().zip(&o.pairings) {
            a.merge(b);
        }
        for q in 0..PARTIES {
            for (a, b) in self.cross[q].iter_mut().zip(&o.cross[q]) {
                a.merge(b);
            }
            for (a, b) in self.sampled[q].iter_mut().zip(&o.sampled[q]) {
                a.merge(b);
            }
        }
    }
}

/// The payoff means of one party and their covariance (of single rounds) across pairings: each
/// pairing's variance from all rounds, the correlations from the sampled rounds (so the matrix
/// is a correlation matrix scaled, positive semi-definite like any covariance).
pub struct PayoffModel {
    /// Each pairing's mean payoff.
    pub mean: Vec<f64>,
    cov: Vec<Vec<f64>>,
    n: f64,
}

impl PayoffModel {
    /// Party `party`'s payoffs across the pairings of `r`.
    pub fn new(r: &Results, party: usize) -> PayoffModel {
        let p = r.pairings.len();
        let rounds = r.pairings[0].counts.rounds();
        let n = rounds as f64;
        let sums: Vec<f64> = r.pairings.iter().map(|t| t.payoff_sum(party)).collect();
        let mean: Vec<f64> = sums.iter().map(|s| s / n).collect();
        let sd: Vec<f64> = r
            .pairings
            .iter()
            .zip(&sums)
            .map(|(t, s)| {
                ((t.payoff_sum_sq(party) - s * s / n) / (n - 1.0))
                    .max(0.0)
                    .sqrt()
            })
            .collect();
        let stride = cross_stride(p);
        let m = rounds.div_ceil(stride) as f64;
        let sub: Vec<f64> = r.sampled[party].iter().map(ExactSum::value).collect();
        let mut scov = vec![vec![0.0; p]; p];
        let mut idx = 0;
        for i in 0..p {
            for j in i..p {
                let c = (r.cross[party][idx].value() - sub[i] * sub[j] / m) / (m - 1.0);
                scov[i][j] = c;
                scov[j][i] = c;
                idx += 1;
            }
        }
        let mut cov = vec![vec![0.0; p]; p];
        for i in 0..p {
            for j in 0..p {
                cov[i][j] = if i == j {
                    sd[i] * sd[i]
                } else if m >= 2.0 && scov[i][i] > 0.0 && scov[j][j] > 0.0 {
                    let rho = (scov[i][j] / (scov[i][i] * scov[j][j]).sqrt()).clamp(-1.0, 1.0);
                    rho * sd[i] * sd[j]
                } else {
                    0.0
                };
            }
        }
        PayoffModel { mean, cov, n }
    }

    /// The estimate of `sum_k w_k mean_k` with its normal 95 % interval (exact under CRN).
    pub fn combination(&self, w: &[(usize, f64)]) -> Estimate {
        let value: f64 = w.iter().map(|&(k, c)| c * self.mean[k]).sum();
        let half = Z95 * self.standard_error(w);
        Estimate {
            value,
            ci: Some((value - half, value + half)),
        }
    }

    /// The standard error of the estimate of `sum_k w_k mean_k`, from the pairings' covariance.
    pub fn standard_error(&self, w: &[(usize, f64)]) -> f64 {
        let var: f64 = w
            .iter()
            .flat_map(|&(i, ci)| w.iter().map(move |&(j, cj)| (i, ci, j, cj)))
            .map(|(i, ci, j, cj)| ci * cj * self.cov[i][j])
            .sum::<f64>()
            .max(0.0);
        (var / self.n).sqrt()
    }

    /// The standard deviation of a single round's `U_i - U_j`.
    pub fn difference_sd(&self, i: usize, j: usize) -> f64 {
        (self.cov[i][i] + self.cov[j][j] - 2.0 * self.cov[i][j])
            .max(0.0)
            .sqrt()
    }
}

/// One row of ranking.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct Rank {
    /// The party.
    pub party: usize,
    /// The entrant's index.
    pub entrant: usize,
    /// `mean_payoff`, `worst_payoff`, ...
    pub metric: &'static str,
    /// Its value and 95 % interval.
    pub value: Estimate,
}

/// Rankings of both parties' entrants: mean and worst payoff across opponents, mean and worst
/// regret (the gap to the best entrant against each opponent), and the rank by mean payoff.
pub fn ranking(t: &Tournament, r: &Results) -> Vec<Rank> {
    let (rows, cols) = (t.entrants[0].len(), t.entrants[1].len());
    let mut out = Vec::new();
    for party in 0..PARTIES {
        let model = PayoffModel::new(r, party);
        let (own, opp) = if party == 0 {
            (rows, cols)
        } else {
            (cols, rows)
        };
        let idx = |e: usize, o: usize| {
            if party == 0 {
                e * cols + o
            } else {
                o * cols + e
            }
        };
        let best: Vec<usize> = (0..opp)
            .map(|o| {
                (0..own)
                    .max_by(|&x, &y| model.mean[idx(x, o)].total_cmp(&model.mean[idx(y, o)]))
                    .unwrap()
            })
            .collect();
        let mut means = Vec::new();
        for e in 0..own {
            let w = 1.0 / opp as f64;
            let mean = model.combination(&(0..opp).map(|o| (idx(e, o), w)).collect::<Vec<_>>());
            let worst_o = (0..opp)
                .min_by(|&x, &y| model.mean[idx(e, x)].total_cmp(&model.mean[idx(e, y)]))
                .unwrap();
            let worst = model.combination(&[(idx(e, worst_o), 1.0)]);
            let regret_w: Vec<(usize, f64)> = (0..opp)
                .flat_map(|o| [(idx(best[o], o), w), (idx(e, o), -w)])
                .collect();
            let mean_regret = model.combination(&regret_w);
            let regret_at = |o: usize| model.mean[idx(best[o], o)] - model.mean[idx(e, o)];
            let max_o = (0..opp)
                .max_by(|&x, &y| regret_at(x).total_cmp(&regret_at(y)))
                .unwrap();
            let max_regret =
                model.combination(&[(idx(best[max_o], max_o), 1.0), (idx(e, max_o), -1.0)]);
            means.push(mean.value);
            for (metric, value) in [
                ("mean_payoff", mean),
                ("worst_payoff", worst),
                ("mean_regret", mean_regret),
                ("max_regret", max_regret),
            ] {
                out.push(Rank {
                    party,
                    entrant: e,
                    metric,
                    value,
                });
            }
        }
        for e in 0..own {
            let rank = 1 + means.iter().filter(|&&m| m > means[e]).count();
            out.push(Rank {
                party,
                entrant: e,
                metric: "rank",
                value: Estimate {
                    value: rank as f64,
                    ci: None,
                },
            });
        }
    }
    out
}

/// The 95 % upper bound of the most any entrant could gain by deviating from the equilibrium
/// `e` of the estimated meta-game (its regret): for each of the m + n pure deviations, the gain
/// is a linear combination of pairing means (computed exactly by `nash`, so at most 0), whose
/// standard error follows from the pairings' covariance; the bound is the largest gain plus
/// z(1 − 0.05 / (m + n)) standard errors
/// (Bonferroni over the deviations, so all hold together). The equilibrium is taken as given:
/// the bound says how far from an equilibrium of the true game it may be.
pub fn regret_bound(t: &Tournament, r: &Results, e: &nash::Equilibrium) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    let (rows, cols) = (t.entrants[0].len(), t.entrants[1].len());
    let deviations = (rows + cols) as f64;
    let z = Normal::standard().inverse_cdf(1.0 - 0.05 / deviations);
    let idx = |i: usize, j: usize| i * cols + j;
    let mut bound = f64::NEG_INFINITY;
    let row_model = PayoffModel::new(r, 0);
    for d in 0..rows {
        // sum_j y_j (A_dj - sum_k x_k A_kj)
        let w: Vec<(usize, f64)> = (0..rows)
            .flat_map(|k| (0..cols).map(move |j| (k, j)))
            .map(|(k, j)| (idx(k, j), e.y[j] * (f64::from(u8::from(k == d)) - e.x[k])))
            .filter(|&(_, c)| c != 0.0)
            .collect();
        bound = bound.max(e.gains[0][d] + z * row_model.standard_error(&w));
    }
    let col_model = PayoffModel::new(r, 1);
    for d in 0..cols {
        let w: Vec<(usize, f64)> = (0..rows)
            .flat_map(|i| (0..cols).map(move |j| (i, j)))
            .map(|(i, j)| (idx(i, j), e.x[i] * (f64::from(u8::from(j == d)) - e.y[j])))
            .filter(|&(_, c)| c != 0.0)
            .collect();
        bound = bound.max(e.gains[1][d] + z * col_model.standard_error(&w));
    }
    bound.max(0.0)
}

/// The meta-game's payoff matrices: `[party][row][col]` mean payoffs.
pub fn matrices(t: &Tournament, r: &Results) -> [Vec<Vec<f64>>; PARTIES] {
    let cols = t.entrants[1].len();
    [0, 1].map(|q| {
        let m = PayoffModel::new(r, q);
        m.mean.chunks(cols).map(<[f64]>::to_vec).collect()
    })
}
