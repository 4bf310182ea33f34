//! A sweep's analyses in its report, drawn where their files are: the Sobol' indices of
//! `sensitivity.csv` (`sensitivity`), and PRIM's trajectory and boxes from `impasse discover`
//! (`prim-tradeoff`, `prim-box`).

use std::path::Path;

use super::data::{Table, num};
use super::figure::{Figure, ReportError, escape};
use super::plot::{self, Bars, Chart, LimitRow, Limits, Series};
use crate::model::Scenario;

use crate::sweep::headline::{metrics as headline_metrics, title};

fn percent(x: f64) -> String {
    if !x.is_finite() {
        "no estimate".into()
    } else if x < 0.0001 {
        "under 0.01 %".into()
    } else if x < 0.001 {
        format!("{:.2} %", 100.0 * x)
    } else {
        format!("{:.1} %", 100.0 * x)
    }
}

/// sensitivity.csv's columns.
struct SobolColumns {
    metric: usize,
    party: usize,
    parameter: usize,
    index: usize,
    value: usize,
    lo: usize,
    hi: usize,
}

/// The `sensitivity` figure and a table of total indices, if the sweep has sensitivity.csv.
pub(super) fn sensitivity(
    dir: &Path,
    sc: &Scenario,
) -> Result<Option<(String, Figure)>, ReportError> {
    if !dir.join("sensitivity.csv").is_file() {
        return Ok(None);
    }
    let t = Table::read(dir, "sensitivity.csv")?;
    let c = SobolColumns {
        metric: t.col("metric")?,
        party: t.col("party")?,
        parameter: t.col("parameter")?,
        index: t.col("index")?,
        value: t.col("value")?,
        lo: t.col("ci_low")?,
        hi: t.col("ci_high")?,
    };
    let shown: Vec<(String, String)> = headline_metrics(sc)
        .into_iter()
        .filter(|(m, p)| {
            t.filter(&[(c.metric, m), (c.party, p), (c.index, "total")])
                .iter()
                .any(|r| num(&r[c.value]).is_finite())
        })
        .collect();
    if shown.is_empty() {
        return Ok(None);
    }
    let mut params: Vec<String> = Vec::new();
    for r in &t.rows {
        if !r[c.parameter].is_empty() && !params.contains(&r[c.parameter]) {
            params.push(r[c.parameter].clone());
        }
    }
    let figure = Figure {
        id: "sensitivity".into(),
        caption: "First-order (blue) and total (vermillion) Sobol' indices of each varied path, \
                  with 95 % bootstrap intervals over the base points. A total well above the \
                  first-order index means the path acts through interactions; the noise share is \
                  the part of the variance that is Monte Carlo noise within points (raise the \
                  rounds when it rivals the indices)."
            .into(),
        svg: sobol_bars(&t, &c, &shown, &params, sc)?,
    };
    Ok(Some((sobol_table(&t, &c, &shown, &params, sc), figure)))
}

/// A panel of bars per metric shown: each path's first-order and total index.
fn sobol_bars(
    t: &Table,
    c: &SobolColumns,
    shown: &[(String, String)],
    params: &[String],
    sc: &Scenario,
) -> Result<String, ReportError> {
    let panels: Vec<Bars> = shown
        .iter()
        .map(|(m, p)| {
            let rows = t.filter(&[(c.metric, m), (c.party, p)]);
            let noise = rows
                .iter()
                .find(|r| r[c.index] == "noise")
                .map_or(f64::NAN, |r| num(&r[c.value]));
            let mut bars = Vec::new();
            for path in params {
                for (ix, colour, label) in [
                    ("first", 0, format!("{path}: first")),
                    ("total", 1, "total".to_string()),
                ] {
                    if let Some(r) = rows
                        .iter()
                        .find(|r| r[c.parameter] == *path && r[c.index] == ix)
                    {
                        let v = |k: usize| num(&r[k]);
                        bars.push((label, v(c.value), v(c.lo), v(c.hi), colour));
                    }
                }
            }
            Bars {
                title: format!(
                    "{} (noise: {} of its variance)",
                    title(m, p, sc),
                    percent(noise)
                ),
                x_label: "Sobol' index".into(),
                bars,
            }
        })
        .collect();
    let heights: Vec<u32> = panels
        .iter()
        .map(|b| 90 + 24 * b.bars.len() as u32)
        .collect();
    plot::svg_rows(&heights, |k, a| plot::bars(a, &panels[k])).map_err(ReportError::Drawing)
}

/// The table of total (first-order) indices: a row per path, a column per metric shown.
fn sobol_table(
    t: &Table,
    c: &SobolColumns,
    shown: &[(String, String)],
    params: &[String],
    sc: &Scenario,
) -> String {
    let mut html = String::from(
        "<h2>Sensitivity</h2>\n<p>Total Sobol' index of each varied path (first-order in \
         brackets): the share of the metric's variance across the sweep that the path accounts \
         for with (without) its interactions.</p>\n<table><tr><th>path</th>",
    );
    for (m, p) in shown {
        html.push_str(&format!("<th>{}</th>", escape(&title(m, p, sc))));
    }
    html.push_str("</tr>\n");
    for path in params {
        html.push_str(&format!("<tr><td>{}</td>", escape(path)));
        for (m, p) in shown {
            let get = |ix: &str| {
                let key = [
                    (c.metric, m.as_str()),
                    (c.party, p),
                    (c.parameter, path),
                    (c.index, ix),
                ];
                t.filter(&key)
                    .first()
                    .map_or(f64::NAN, |r| num(&r[c.value]))
            };
            let two = |x: f64| crate::output::table::decimal(x, 2);
            html.push_str(&format!(
                "<td>{} ({})</td>",
                two(get("total")),
                two(get("first"))
            ));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
    html
}

/// Each path's range over the sweep's points.
fn ranges(dir: &Path, paths: &[String]) -> Result<Vec<(f64, f64)>, ReportError> {
    let t = Table::read(dir, "sweep.csv")?;
    paths
        .iter()
        .map(|p| {
            let c = t.col(p)?;
            Ok(t.rows
                .iter()
                .map(|r| num(&r[c]))
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                    (l.min(v), h.max(v))
                }))
        })
        .collect()
}

/// What `impasse discover` was asked (discover.toml): the condition and each box's step.
fn asked(dir: &Path) -> (String, Vec<usize>) {
    let text = std::fs::read_to_string(dir.join("discover.toml")).unwrap_or_default();
    let table: toml::Table = toml::from_str(&text).unwrap_or_default();
    let cond = table
        .get("where")
        .and_then(|v| v.as_str())
        .unwrap_or("the condition")
        .to_string();
    let steps = table
        .get("steps")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_integer())
                .map(|v| v as usize)
                .collect()
        })
        .unwrap_or_default();
    (cond, steps)
}

fn qp_text(s: &str) -> String {
    let v = num(s);
    if v.is_finite() {
        format!("{v:.1e}")
    } else {
        "–".into()
    }
}

/// The `prim-tradeoff` and `prim-box` figures and a table of the boxes, if `impasse discover`
/// ran on the sweep.
pub(super) fn prim(dir: &Path) -> Result<Option<(String, Vec<Figure>)>, ReportError> {
    if !dir.join("prim_trajectory.csv").is_file() || !dir.join("prim_boxes.csv").is_file() {
        return Ok(None);
    }
    let traj = Table::read(dir, "prim_trajectory.csv")?;
    let lims = Table::read(dir, "prim_boxes.csv")?;
    let (cond, steps) = asked(dir);
    let tb = traj.col("box")?;
    let mut boxes: Vec<String> = Vec::new();
    for r in &traj.rows {
        if !boxes.contains(&r[tb]) {
            boxes.push(r[tb].clone());
        }
    }
    let tradeoff = tradeoff(&traj, &boxes, &steps, &cond)?;
    let (html, boxes_svg) = box_limits(dir, &lims, &boxes, &cond)?;
    Ok(Some((
        html,
        vec![
            Figure {
                id: "prim-tradeoff".into(),
                caption: format!(
                    "Coverage against density at each step of PRIM's peeling and pasting \
                     trajectory for {cond}; black marks the box given in prim_boxes.csv."
                ),
                svg: tradeoff,
            },
            Figure {
                id: "prim-box".into(),
                caption: "Each box's limits (blue) on the range of each varied path over the \
                          sweep (grey); a path the box leaves free is grey throughout. Quasi-p \
                          values test each restriction (small: the restriction matters)."
                    .into(),
                svg: boxes_svg,
            },
        ],
    )))
}

/// Coverage against density along each box's trajectory, the box given marked.
fn tradeoff(
    traj: &Table,
    boxes: &[String],
    steps: &[usize],
    cond: &str,
) -> Result<String, ReportError> {
    let (tb, ts, tc, td) = (
        traj.col("box")?,
        traj.col("step")?,
        traj.col("coverage")?,
        traj.col("density")?,
    );
    let mut series = Vec::new();
    let mut chosen = Vec::new();
    for (k, b) in boxes.iter().enumerate() {
        let rows = traj.filter(&[(tb, b)]);
        let pts: Vec<(f64, f64)> = rows.iter().map(|r| (num(&r[tc]), num(&r[td]))).collect();
        let step = steps
            .get(k)
            .copied()
            .unwrap_or(rows.len().saturating_sub(1));
        if let Some(r) = rows.iter().find(|r| num(&r[ts]) as usize == step) {
            chosen.push((num(&r[tc]), num(&r[td])));
        }
        series.push(Series {
            name: format!("box {b}"),
            points: pts.clone(),
            band: vec![],
            colour: k,
            scatter: false,
        });
        series.push(Series {
            name: String::new(),
            points: pts,
            band: vec![],
            colour: k,
            scatter: true,
        });
    }
    series.push(Series {
        name: "the box given".into(),
        points: chosen,
        band: vec![],
        colour: 7,
        scatter: true,
    });
    let chart = Chart {
        title: format!("PRIM's trade-off: {cond}"),
        x_label: "coverage (share of the points of interest inside the box)".into(),
        y_label: "density".into(),
        series,
        marks: vec![],
        levels: vec![],
        y_range: Some((0.0, 1.02)),
        legend_low: true,
    };
    plot::svg(1, |_, a| plot::xy(a, &chart)).map_err(ReportError::Drawing)
}

/// Each box's limits on each path's range (a panel a box), and the table of its restrictions.
fn box_limits(
    dir: &Path,
    lims: &Table,
    boxes: &[String],
    cond: &str,
) -> Result<(String, String), ReportError> {
    let (lb, lp, ll, lh, lql, lqh) = (
        lims.col("box")?,
        lims.col("parameter")?,
        lims.col("low")?,
        lims.col("high")?,
        lims.col("qp_low")?,
        lims.col("qp_high")?,
    );
    let mut paths: Vec<String> = Vec::new();
    for r in &lims.rows {
        if !paths.contains(&r[lp]) {
            paths.push(r[lp].clone());
        }
    }
    let range = ranges(dir, &paths)?;
    let mut panels = Vec::new();
    let mut html = format!(
        "<h2>Scenario discovery</h2>\n<p>PRIM's boxes where {}:</p>\n<table><tr><th>box</th>\
         <th>path</th><th>low</th><th>high</th><th>quasi-p (low, high)</th></tr>\n",
        escape(cond)
    );
    for b in boxes {
        let mut limit_rows = Vec::new();
        for r in lims.filter(&[(lb, b)]) {
            let d = paths.iter().position(|p| *p == r[lp]).expect("listed");
            let (a, z) = range[d];
            let (lo, hi) = (num(&r[ll]), num(&r[lh]));
            let restricted = !r[lql].is_empty() || !r[lqh].is_empty();
            let scale = |v: f64| if z > a { (v - a) / (z - a) } else { 0.5 };
            let (ql, qh) = (qp_text(&r[lql]), qp_text(&r[lqh]));
            let text = if restricted {
                format!("{lo:.4} to {hi:.4} (quasi-p {ql}, {qh})")
            } else {
                "free".to_string()
            };
            if restricted {
                html.push_str(&format!(
                    "<tr><td>{b}</td><td>{}</td><td>{lo:.4}</td><td>{hi:.4}</td><td>{ql}, {qh}</td></tr>\n",
                    escape(&r[lp]),
                ));
            }
            limit_rows.push(LimitRow {
                label: r[lp].clone(),
                low: scale(lo),
                high: scale(hi),
                text,
                restricted,
            });
        }
        panels.push(Limits {
            title: format!("Box {b}: its limits on each path's range"),
            rows: limit_rows,
        });
    }
    html.push_str("</table>\n");
    let heights: Vec<u32> = panels
        .iter()
        .map(|p| 90 + 36 * p.rows.len() as u32)
        .collect();
    let svg = plot::svg_rows(&heights, |k, a| plot::limits(a, &panels[k]))
        .map_err(ReportError::Drawing)?;
    Ok((html, svg))
}
