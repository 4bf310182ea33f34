//! A tournament's report: each party's payoff matrix (`payoffs-<party>`), the entrants' mean
//! payoffs with intervals (`ranking`), and the replicator dynamics (`replicator`).

use std::path::Path;

use super::data::{Table, num};
use super::figure::{Figure, ReportError, escape, short};
use super::plot::{self, Bars, Chart, Heat, Series};
use crate::model::Scenario;

pub(super) fn figures(dir: &Path, sc: &Scenario) -> Result<(String, Vec<Figure>), ReportError> {
    let t = Table::read(dir, "tournament.csv")?;
    let mut figures = payoff_maps(&t, sc)?;
    figures.push(ranking(&Table::read(dir, "ranking.csv")?, sc)?);
    figures.push(replicator(&Table::read(dir, "replicator.csv")?, sc)?);
    let limit = std::fs::read(dir.join("manifest.toml"))
        .map_or(crate::tournament::DEFAULT_MAX_EQUILIBRIA, |m| {
            crate::tournament::max_equilibria(&m)
        });
    let html = match Table::read(dir, "equilibria.csv") {
        Ok(eq) => equilibria(&eq, limit)?,
        Err(_) => String::new(),
    };
    Ok((html, figures))
}

/// Each party's mean payoff in every pairing, as a heat map (`payoffs-<party>`).
fn payoff_maps(t: &Table, sc: &Scenario) -> Result<Vec<Figure>, ReportError> {
    let (row_s, col_s, metric, party, value) = (
        t.col("row_strategy")?,
        t.col("column_strategy")?,
        t.col("metric")?,
        t.col("party")?,
        t.col("value")?,
    );
    let mut rows: Vec<String> = Vec::new();
    let mut cols: Vec<String> = Vec::new();
    for r in &t.rows {
        if !rows.contains(&r[row_s]) {
            rows.push(r[row_s].clone());
        }
        if !cols.contains(&r[col_s]) {
            cols.push(r[col_s].clone());
        }
    }
    let mut figures = Vec::new();
    for p in &sc.parties {
        let mut values = vec![vec![f64::NAN; cols.len()]; rows.len()];
        for r in t.filter(&[(metric, "payoff_mean"), (party, p.id.as_str())]) {
            let a = rows.iter().position(|x| *x == r[row_s]).expect("seen");
            let b = cols.iter().position(|x| *x == r[col_s]).expect("seen");
            values[a][b] = num(&r[value]);
        }
        let heat = Heat {
            title: format!("Mean payoff of {}", p.label),
            x_label: format!("{}'s entrant", sc.parties[1].label),
            y_label: format!("{}'s entrant", sc.parties[0].label),
            rows: rows.clone(),
            cols: cols.clone(),
            values,
            annotate: rows.len() * cols.len() <= 144,
        };
        figures.push(Figure {
            id: format!("payoffs-{}", p.id),
            caption: format!(
                "{}'s mean payoff in every pairing (rows: {}'s entrants, columns: {}'s).",
                p.label, sc.parties[0].label, sc.parties[1].label
            ),
            svg: plot::svg(1, |_, a| plot::heat(a, &heat)).map_err(ReportError::Drawing)?,
        });
    }
    Ok(figures)
}

/// Each entrant's mean payoff across the opponent's entrants (`ranking`).
fn ranking(ranking: &Table, sc: &Scenario) -> Result<Figure, ReportError> {
    let (r_party, r_strategy, r_metric, r_value, r_lo, r_hi) = (
        ranking.col("party")?,
        ranking.col("strategy")?,
        ranking.col("metric")?,
        ranking.col("value")?,
        ranking.col("ci_low")?,
        ranking.col("ci_high")?,
    );
    let bars: Vec<Bars> = sc
        .parties
        .iter()
        .enumerate()
        .map(|(i, p)| Bars {
            title: format!("{}: mean payoff across opponents", p.label),
            x_label: "mean payoff".into(),
            bars: ranking
                .filter(&[(r_party, p.id.as_str()), (r_metric, "mean_payoff")])
                .iter()
                .map(|r| {
                    let (v, l, h) = (num(&r[r_value]), num(&r[r_lo]), num(&r[r_hi]));
                    (r[r_strategy].clone(), v, l, h, i)
                })
                .collect(),
        })
        .collect();
    Ok(Figure {
        id: "ranking".into(),
        caption: "Each entrant's mean payoff across the opponent's entrants, with its 95 % \
                  interval (exact under common random numbers)."
            .into(),
        svg: plot::svg(2, |k, a| plot::bars(a, &bars[k])).map_err(ReportError::Drawing)?,
    })
}

/// The two populations' shares under the replicator dynamics (`replicator`).
fn replicator(replicator: &Table, sc: &Scenario) -> Result<Figure, ReportError> {
    let (x_time, x_party, x_strategy, x_share) = (
        replicator.col("time")?,
        replicator.col("party")?,
        replicator.col("strategy")?,
        replicator.col("share")?,
    );
    let charts: Vec<Chart> = sc
        .parties
        .iter()
        .map(|p| {
            let mut names: Vec<String> = Vec::new();
            for r in replicator.filter(&[(x_party, p.id.as_str())]) {
                if !names.contains(&r[x_strategy]) {
                    names.push(r[x_strategy].clone());
                }
            }
            let curve = |(k, n): (usize, &String)| Series {
                name: n.clone(),
                points: replicator
                    .filter(&[(x_party, p.id.as_str()), (x_strategy, n.as_str())])
                    .iter()
                    .map(|r| (num(&r[x_time]), num(&r[x_share])))
                    .collect(),
                band: vec![],
                colour: k,
                scatter: false,
            };
            Chart {
                title: format!("{}'s population", p.label),
                x_label: "replicator time".into(),
                y_label: "share".into(),
                series: names.iter().enumerate().map(curve).collect(),
                marks: vec![],
                levels: vec![],
                y_range: Some((0.0, 1.0)),
                legend_low: false,
            }
        })
        .collect();
    Ok(Figure {
        id: "replicator".into(),
        caption: "Two-population replicator dynamics from the uniform mix: which entrants \
                  survive when each population shifts towards what paid better against the other. \
                  It follows the dynamics, not the equilibria: it can settle where no equilibrium \
                  of the table below is, or on an entrant none of them plays (the paths need not \
                  converge to a Nash equilibrium, and where they do, it is the one their start \
                  leads to)."
            .into(),
        svg: plot::svg(2, |k, a| plot::xy(a, &charts[k])).map_err(ReportError::Drawing)?,
    })
}

/// The report lists at most this many equilibria; equilibria.csv has every one found.
const SHOWN: usize = 20;

/// The equilibria of the meta-game, as a table: the first `SHOWN`, and how many there are.
fn equilibria(eq: &Table, limit: u64) -> Result<String, ReportError> {
    let number = eq.col("equilibrium")?;
    let count = eq.rows.last().map_or(0, |r| num(&r[number]) as u64);
    let mut html = format!(
        "<p>{count} extreme equilibri{} of the meta-game{}. impasse enumerates at most {limit} \
         (<code>--max-equilibria</code>) and stops walking a larger meta-game early; \
         <code>impasse tournament</code> says when it did.</p>",
        if count == 1 { "um" } else { "a" },
        if count as usize > SHOWN {
            format!(", the first {SHOWN} below and all in equilibria.csv")
        } else {
            String::new()
        }
    );
    html.push_str(
        "<table><tr><th>equilibrium</th><th>party</th><th>strategy</th><th>probability</th>\
         <th>expected payoff</th></tr>",
    );
    for r in eq.rows.iter().filter(|r| num(&r[number]) <= SHOWN as f64) {
        html.push_str("<tr>");
        for (k, c) in r.iter().enumerate().take(5) {
            let cell = if k >= 3 { short(c) } else { escape(c) };
            html.push_str(&format!("<td>{cell}</td>"));
        }
        html.push_str("</tr>");
    }
    html.push_str("</table>");
    Ok(html)
}
