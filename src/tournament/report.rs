//! The tournament's files as CSV records: tournament.csv (every pairing's summary metrics),
//! ranking.csv, equilibria.csv and replicator.csv, all long format.

use super::nash::{self, Equilibria};
use super::{
    Rank, Results, Series, Tournament, matrices, ranking as rank_entrants, regret_bound,
    replicator as dynamics,
};
use crate::output::Files;
use crate::output::csv::float;
use crate::output::csv::{self, Records};

/// tournament.csv's columns before summary.csv's.
pub const TOURNAMENT_PREFIX: [&str; 2] = ["row_strategy", "column_strategy"];
/// ranking.csv's columns.
pub const RANKING_HEADER: [&str; 6] = ["party", "strategy", "metric", "value", "ci_low", "ci_high"];
/// equilibria.csv's columns.
pub const EQUILIBRIA_HEADER: [&str; 7] = [
    "equilibrium",
    "party",
    "strategy",
    "probability",
    "expected_payoff",
    "component",
    "regret_ci_high",
];
/// replicator.csv's columns.
pub const REPLICATOR_HEADER: [&str; 4] = ["time", "party", "strategy", "share"];

/// tournament.csv: row_strategy, column_strategy, then summary.csv's columns.
pub fn tournament(t: &Tournament, r: &Results) -> Vec<u8> {
    let ids = t.ids();
    let cols = t.entrants[1].len();
    let mut rows = Records::new();
    for (k, totals) in r.pairings.iter().enumerate() {
        let (a, b) = (k / cols, k % cols);
        for rec in csv::summary_records(&totals.report(), &ids) {
            let mut row = vec![t.entrants[0][a].name.clone(), t.entrants[1][b].name.clone()];
            row.extend(rec);
            rows.push(row);
        }
    }
    let prefix: Vec<String> = TOURNAMENT_PREFIX.iter().map(|s| s.to_string()).collect();
    csv::to_csv(&csv::SUMMARY_HEADER, &prefix, &rows)
}

/// ranking.csv: each entrant's ranking metrics.
pub fn ranking(t: &Tournament, ranks: &[Rank]) -> Vec<u8> {
    let ids = t.ids();
    let rows = ranks
        .iter()
        .map(|r| {
            let (lo, hi) = r.value.ci.map_or((String::new(), String::new()), |(l, h)| {
                (float(l), float(h))
            });
            vec![
                ids[r.party].clone(),
                t.entrants[r.party][r.entrant].name.clone(),
                r.metric.to_string(),
                float(r.value.value),
                lo,
                hi,
            ]
        })
        .collect();
    csv::to_csv(&RANKING_HEADER, &[], &rows)
}

/// equilibria.csv: every extreme equilibrium's support, with its component and regret bound.
pub fn equilibria(t: &Tournament, r: &Results, eq: &Equilibria) -> Vec<u8> {
    let ids = t.ids();
    let mut rows = Records::new();
    for (k, e) in eq.list.iter().enumerate() {
        let bound = float(regret_bound(t, r, e));
        for (party, mix) in [(0, &e.x), (1, &e.y)] {
            for (s, &p) in mix.iter().enumerate().filter(|(_, p)| **p > 0.0) {
                rows.push(vec![
                    (k + 1).to_string(),
                    ids[party].clone(),
                    t.entrants[party][s].name.clone(),
                    float(p),
                    float(e.u[party]),
                    e.component.to_string(),
                    bound.clone(),
                ]);
            }
        }
    }
    csv::to_csv(&EQUILIBRIA_HEADER, &[], &rows)
}

/// replicator.csv: each population's shares along the replicator dynamics.
pub fn replicator(t: &Tournament, path: &[(f64, Vec<f64>, Vec<f64>)]) -> Vec<u8> {
    let ids = t.ids();
    let mut rows = Records::new();
    for (time, x, y) in path {
        for (party, shares) in [(0, x), (1, y)] {
            for (s, &share) in shares.iter().enumerate() {
                rows.push(vec![
                    float(*time),
                    ids[party].clone(),
                    t.entrants[party][s].name.clone(),
                    float(share),
                ]);
            }
        }
    }
    csv::to_csv(&REPLICATOR_HEADER, &[], &rows)
}

/// robustness.csv's columns.
pub const ROBUSTNESS_HEADER: [&str; 5] = ["party", "strategy", "metric", "scenario", "value"];

/// robustness.csv: each entrant's mean payoff across opponents in every scenario, then its mean
/// and worst over the scenarios.
pub fn robustness(t: &Tournament, per_scenario: &[(String, Vec<Rank>)]) -> Vec<u8> {
    let ids = t.ids();
    let mut rows = Records::new();
    for (party, id) in ids.iter().enumerate() {
        for (e, entrant) in t.entrants[party].iter().enumerate() {
            let means: Vec<f64> = per_scenario
                .iter()
                .map(|(_, ranks)| {
                    ranks
                        .iter()
                        .find(|r| r.party == party && r.entrant == e && r.metric == "mean_payoff")
                        .expect("every entrant has a mean payoff")
                        .value
                        .value
                })
                .collect();
            for ((file, _), m) in per_scenario.iter().zip(&means) {
                rows.push(vec![
                    id.clone(),
                    entrant.name.clone(),
                    "mean_payoff".into(),
                    file.clone(),
                    float(*m),
                ]);
            }
            let avg = means.iter().sum::<f64>() / means.len() as f64;
            let worst = means.iter().copied().fold(f64::INFINITY, f64::min);
            rows.push(vec![
                id.clone(),
                entrant.name.clone(),
                "mean_over_scenarios".into(),
                String::new(),
                float(avg),
            ]);
            rows.push(vec![
                id.clone(),
                entrant.name.clone(),
                "worst_over_scenarios".into(),
                String::new(),
                float(worst),
            ]);
        }
    }
    csv::to_csv(&ROBUSTNESS_HEADER, &[], &rows)
}

/// A tournament's files, and its meta-game for the terminal.
pub struct Outputs {
    /// The files, by name.
    pub files: Files,
    /// Mean payoffs `[party][row][column]`.
    pub matrices: [Vec<Vec<f64>>; 2],
    /// The meta-game's equilibria.
    pub equilibria: Equilibria,
}

/// Everything a tournament writes, from its results (and those of any further scenarios, for
/// robustness.csv): what a tournament and a merge of tournament shards both write.
pub fn files(
    t: &Tournament,
    r: &Results,
    others: &[(String, &Tournament, &Results)],
    main_file: &str,
    manifest: Vec<u8>,
) -> Outputs {
    let ranks = rank_entrants(t, r);
    let [pa, pb] = matrices(t, r);
    let limit = usize::try_from(super::max_equilibria(&manifest)).unwrap_or(usize::MAX);
    let eq = nash::equilibria_within(&pa, &pb, limit);
    let path = dynamics::trajectory(&pa, &pb, 200.0, 50);
    let mut files = vec![
        ("tournament.csv", tournament(t, r)),
        ("ranking.csv", ranking(t, &ranks)),
        ("equilibria.csv", equilibria(t, r, &eq)),
        ("replicator.csv", replicator(t, &path)),
    ];
    if !others.is_empty() {
        let mut all = vec![(main_file.to_string(), ranks)];
        for (file, ot, or) in others {
            all.push((file.clone(), rank_entrants(ot, or)));
        }
        files.push(("robustness.csv", robustness(t, &all)));
    }
    files.push(("manifest.toml", manifest));
    Outputs {
        files,
        matrices: [pa, pb],
        equilibria: eq,
    }
}

/// Every file a series of tournaments writes, from its results.
pub fn series_files(series: &Series, results: &[Results], manifest: Vec<u8>) -> Outputs {
    let others: Vec<(String, &Tournament, &Results)> = series.scenarios[1..]
        .iter()
        .zip(&results[1..])
        .map(|((file, _, t), r)| (file.clone(), t, r))
        .collect();
    files(
        series.main(),
        &results[0],
        &others,
        &series.scenarios[0].0,
        manifest,
    )
}
