//! Strategy tournaments: every entrant of the first party meets every entrant of the second, on
//! the same scenario, with common random numbers.
//!
//! All pairings play round `r` from the same stream (`rng::round_rng(seed, r)`) and the engine
//! draws in a fixed order whatever the strategies, so differences between entrants are not
//! drowned by noise. Because round `r` of every pairing is played together, the runner also
//! accumulates the covariance of the payoffs across pairings (exact sums, merged exactly), which
//! gives exact standard errors for every average and difference the ranking reports: a CRN
//! comparison is tighter than an independent one, and the intervals show it.
//!
//! `nash` finds the meta-game's equilibria; `replicator` shows which entrants survive.

mod entrant;
pub mod nash;
pub mod replicator;
pub mod report;
mod table;

pub use entrant::{Entrant, resolve_entrants};
pub use table::table;

use crate::aggregate::stats::{Estimate, Z95};
use crate::aggregate::{ExactSum, Tally, Totals};
use crate::engine::Engine;
use crate::model::{PARTIES, Scenario};
use crate::runner::{self, Merge, batch_count};
use crate::scenario::{self, Loaded, Override, ScenarioError};

/// At most this many entrants per party (the covariance grows as the square of the pairings).
pub const MAX_ENTRANTS: usize = 20;

/// A tournament on one scenario: the pairings' scenarios, row-major (first party's entrant a,
/// second's b at `a * cols + b`).
pub struct Tournament {
    pub entrants: [Vec<Entrant>; PARTIES],
    pub pairings: Vec<Scenario>,
    pub seed: u64,
    pub rounds: u64,
}

/// Why a tournament could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TournamentError {
    #[error("entrant `{entrant}` for `{party}`: {error}")]
    Entrant {
        party: String,
        entrant: String,
        error: Box<ScenarioError>,
    },
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
    /// each pairing's rounds through `Engine::play_rounds` (the path `run` takes), `CHUNK` rounds
    /// of every pairing at a time so that the cross products see round r of all pairings
    /// together.
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
        let empty = || Results {
            pairings: (0..p).map(|_| Totals::empty(end, bins)).collect(),
            cross: [0, 1].map(|_| vec![ExactSum::default(); tri]),
        };
        runner::over_batches(self.rounds, batches, empty, |rounds| {
            let mut tallies: Vec<Tally> = (0..p).map(|_| Tally::new(end, bins)).collect();
            let mut scratch: Vec<_> = engines.iter().map(Engine::scratch).collect();
            let mut cross = [vec![0.0; tri], vec![0.0; tri]];
            // Payoffs by party, pairing and round of the chunk.
            let mut u = [vec![0.0; p * CHUNK as usize], vec![0.0; p * CHUNK as usize]];
            let mut first = rounds.start;
            while first < rounds.end {
                let last = (first + CHUNK).min(rounds.end);
                let n = (last - first) as usize;
                for k in 0..p {
                    let mut j = 0;
                    engines[k].play_rounds(self.seed, first..last, &mut scratch[k], |res| {
                        tallies[k].push(res);
                        u[0][j * p + k] = res.payoff[0];
                        u[1][j * p + k] = res.payoff[1];
                        j += 1;
                    });
                }
                for j in 0..n {
                    for q in 0..PARTIES {
                        let (uq, acc) = (&u[q][j * p..(j + 1) * p], &mut cross[q]);
                        let mut idx = 0;
                        for i in 0..p {
                            let ui = uq[i];
                            for (slot, &uj) in acc[idx..idx + p - i].iter_mut().zip(&uq[i..]) {
                                *slot += ui * uj;
                            }
                            idx += p - i;
                        }
                    }
                }
                first = last;
            }
            progress((rounds.end - rounds.start) * p as u64);
            Results {
                pairings: tallies.into_iter().map(Totals::from).collect(),
                cross: cross.map(|c| {
                    c.into_iter()
                        .map(|x| {
                            let mut s = ExactSum::default();
                            s.add(x);
                            s
                        })
                        .collect()
                }),
            }
        })
    }
}

/// A tournament on its scenario and on further scenarios sharing its parties, whose rankings go
/// into robustness.csv. The first is the main one.
pub struct Series {
    /// `(file, resolved text, tournament)` of each scenario.
    pub scenarios: Vec<(String, String, Tournament)>,
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
    pub fn manifest(&self, main: &Loaded) -> Vec<u8> {
        let mut table = toml_edit::Table::new();
        let mut ent = toml_edit::InlineTable::new();
        for (i, list) in self.entrants.iter().enumerate() {
            let arr: toml_edit::Array = list.iter().map(|e| e.name.as_str()).collect();
            ent.insert(&main.scenario.parties[i].id, arr.into());
        }
        table.insert("entrants", toml_edit::value(ent));
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

    /// Every file the series writes, from its results.
    pub fn files(&self, results: &[Results], manifest: Vec<u8>) -> report::Outputs {
        let others: Vec<(String, &Tournament, &Results)> = self.scenarios[1..]
            .iter()
            .zip(&results[1..])
            .map(|((file, _, t), r)| (file.clone(), t, r))
            .collect();
        report::files(
            self.main(),
            &results[0],
            &others,
            &self.scenarios[0].0,
            manifest,
        )
    }
}

/// Every pairing's totals, and for each party the sums of products of its payoffs across
/// pairings (upper triangle, row-major), from which any covariance follows.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Results {
    pub pairings: Vec<Totals>,
    cross: [Vec<ExactSum>; PARTIES],
}

impl Merge for Results {
    fn merge(&mut self, o: &Results) {
        Results::merge(self, o)
    }
}

impl Results {
    pub fn merge(&mut self, o: &Results) {
        for (a, b) in self.pairings.iter_mut().zip(&o.pairings) {
            a.merge(b);
        }
        for q in 0..PARTIES {
            for (a, b) in self.cross[q].iter_mut().zip(&o.cross[q]) {
                a.merge(b);
            }
        }
    }
}

/// The payoff means of one party and their covariance (of single rounds) across pairings.
pub struct PayoffModel {
    pub mean: Vec<f64>,
    cov: Vec<Vec<f64>>,
    n: f64,
}

impl PayoffModel {
    pub fn new(r: &Results, party: usize) -> PayoffModel {
        let p = r.pairings.len();
        let n = r.pairings[0].counts.rounds() as f64;
        let sums: Vec<f64> = r.pairings.iter().map(|t| t.payoff_sum(party)).collect();
        let mean: Vec<f64> = sums.iter().map(|s| s / n).collect();
        let mut cov = vec![vec![0.0; p]; p];
        let mut idx = 0;
        for i in 0..p {
            for j in i..p {
                let c = (r.cross[party][idx].value() - sums[i] * sums[j] / n) / (n - 1.0);
                cov[i][j] = c;
                cov[j][i] = c;
                idx += 1;
            }
        }
        PayoffModel { mean, cov, n }
    }

    /// The estimate of `sum_k w_k mean_k` with its normal 95 % interval (exact under CRN).
    pub fn combination(&self, w: &[(usize, f64)]) -> Estimate {
        let value: f64 = w.iter().map(|&(k, c)| c * self.mean[k]).sum();
        let var: f64 = w
            .iter()
            .flat_map(|&(i, ci)| w.iter().map(move |&(j, cj)| (i, ci, j, cj)))
            .map(|(i, ci, j, cj)| ci * cj * self.cov[i][j])
            .sum::<f64>()
            .max(0.0);
        let half = Z95 * (var / self.n).sqrt();
        Estimate {
            value,
            ci: Some((value - half, value + half)),
        }
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
    pub party: usize,
    pub entrant: usize,
    pub metric: &'static str,
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

/// The meta-game's payoff matrices: `[party][row][col]` mean payoffs.
pub fn matrices(t: &Tournament, r: &Results) -> [Vec<Vec<f64>>; PARTIES] {
    let cols = t.entrants[1].len();
    [0, 1].map(|q| {
        let m = PayoffModel::new(r, q);
        m.mean.chunks(cols).map(<[f64]>::to_vec).collect()
    })
}
