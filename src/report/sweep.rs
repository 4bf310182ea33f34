//! A sweep's report: every summary metric against the varied path (`sweep-<metric>`, with
//! `-<party>` for a party's): a line with its band over one path, a heat map over a grid of two,
//! points against the first path otherwise.

use std::path::Path;

use super::data::{Table, num};
use super::plot::{self, Chart, Heat, Series};
use super::{Figure, ReportError, analysis, escape};
use crate::model::Scenario;

pub(super) fn figures(dir: &Path, sc: &Scenario) -> Result<(String, Vec<Figure>), ReportError> {
    let t = Table::read(dir, "sweep.csv")?;
    let (metric, party, value, lo, hi) = (
        t.col("metric")?,
        t.col("party")?,
        t.col("value")?,
        t.col("ci_low")?,
        t.col("ci_high")?,
    );
    let paths: Vec<(usize, String)> = (2..metric).map(|k| (k, t.header[k].clone())).collect();
    let mut keys: Vec<(String, String)> = Vec::new();
    for r in &t.rows {
        let key = (r[metric].clone(), r[party].clone());
        if key.0 != "rounds" && !keys.contains(&key) {
            keys.push(key);
        }
    }
    let label = |id: &str| {
        sc.parties
            .iter()
            .find(|p| p.id == id)
            .map_or(String::new(), |p| format!(" of {}", p.label))
    };
    let mut figures = Vec::new();
    for (m, p) in &keys {
        let rows = t.filter(&[(metric, m.as_str()), (party, p.as_str())]);
        if !rows.iter().any(|r| num(&r[value]).is_finite()) {
            continue;
        }
        let title = format!("{}{}", m.replace('_', " "), label(p));
        let id = if p.is_empty() {
            format!("sweep-{m}")
        } else {
            format!("sweep-{m}-{p}")
        };
        let distinct = |k: usize| {
            let mut v: Vec<f64> = rows.iter().map(|r| num(&r[k])).collect();
            v.sort_by(f64::total_cmp);
            v.dedup();
            v
        };
        let svg = match paths.as_slice() {
            [(k, name)] => {
                let mut pts: Vec<(f64, f64, f64, f64)> = rows
                    .iter()
                    .map(|r| (num(&r[*k]), num(&r[value]), num(&r[lo]), num(&r[hi])))
                    .collect();
                pts.sort_by(|a, b| a.0.total_cmp(&b.0));
                let chart = Chart {
                    title: title.clone(),
                    x_label: name.clone(),
                    y_label: m.replace('_', " "),
                    series: vec![Series {
                        name: String::new(),
                        points: pts.iter().map(|q| (q.0, q.1)).collect(),
                        band: pts
                            .iter()
                            .filter(|q| q.2.is_finite() && q.3.is_finite())
                            .map(|q| (q.0, q.2, q.3))
                            .collect(),
                        colour: 0,
                        scatter: false,
                    }],
                    marks: vec![],
                    levels: vec![],
                    y_range: None,
                    legend_low: false,
                };
                plot::svg(1, |_, a| plot::xy(a, &chart))
            }
            [(ka, na), (kb, nb)] if distinct(*ka).len() * distinct(*kb).len() == rows.len() => {
                let (va, vb) = (distinct(*ka), distinct(*kb));
                let mut values = vec![vec![f64::NAN; vb.len()]; va.len()];
                for r in &rows {
                    let a = va.iter().position(|x| *x == num(&r[*ka])).expect("seen");
                    let b = vb.iter().position(|x| *x == num(&r[*kb])).expect("seen");
                    // Highest first, so that the first path rises up the page.
                    values[va.len() - 1 - a][b] = num(&r[value]);
                }
                let show = |x: &f64| format!("{x}");
                let heat = Heat {
                    title: title.clone(),
                    x_label: nb.clone(),
                    y_label: na.clone(),
                    rows: va.iter().rev().map(show).collect(),
                    cols: vb.iter().map(show).collect(),
                    values,
                    annotate: va.len() * vb.len() <= 100,
                };
                plot::svg(1, |_, a| plot::heat(a, &heat))
            }
            _ => {
                let (k, name) = &paths[0];
                let chart = Chart {
                    title: title.clone(),
                    x_label: name.clone(),
                    y_label: m.replace('_', " "),
                    series: vec![Series {
                        name: String::new(),
                        points: rows.iter().map(|r| (num(&r[*k]), num(&r[value]))).collect(),
                        band: vec![],
                        colour: 0,
                        scatter: true,
                    }],
                    marks: vec![],
                    levels: vec![],
                    y_range: None,
                    legend_low: false,
                };
                plot::svg(1, |_, a| plot::xy(a, &chart))
            }
        }
        .map_err(ReportError::Drawing)?;
        figures.push(Figure {
            id,
            caption: format!("{title} at each point of the sweep."),
            svg,
        });
    }
    let points = t
        .rows
        .iter()
        .map(|r| r[0].clone())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut html = format!(
        "<p>{points} points over {}.</p>",
        escape(
            &paths
                .iter()
                .map(|p| p.1.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
    if let Some((h, f)) = analysis::sensitivity(dir, sc)? {
        html.push_str(&h);
        figures.push(f);
    }
    if let Some((h, f)) = analysis::prim(dir)? {
        html.push_str(&h);
        figures.extend(f);
    }
    Ok((html, figures))
}
