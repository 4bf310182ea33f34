//! A sweep's report: every summary metric against the varied path (`sweep-<metric>`, with
//! `-<party>` for a party's): a line with its band over one path, a heat map over a grid of two,
//! points against the first path otherwise.

use std::path::Path;

use super::analysis;
use super::data::{Table, num};
use super::figure::{Figure, ReportError, escape};
use super::plot::{self, Chart, Heat, Series};
use crate::model::Scenario;

/// Up to this many points a sweep's figure shows each point; above, binned means.
const SCATTER_MAX: usize = 400;
/// Bins of a varied path for the binned means.
const BINS: usize = 20;

/// The mean of the points' values in each of `BINS` equal bins of their x, with the normal 95 %
/// band of each mean.
fn binned_means(pts: &[(f64, f64)]) -> Series {
    let (lo, hi) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), p| {
            (l.min(p.0), h.max(p.0))
        });
    let width = (hi - lo) / BINS as f64;
    let mut sums = vec![(0.0, 0.0, 0usize); BINS];
    for &(x, y) in pts {
        let b = if width > 0.0 {
            (((x - lo) / width) as usize).min(BINS - 1)
        } else {
            0
        };
        sums[b].0 += y;
        sums[b].1 += y * y;
        sums[b].2 += 1;
    }
    let mut points = Vec::new();
    let mut band = Vec::new();
    for (b, &(s1, s2, n)) in sums.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let x = lo + (b as f64 + 0.5) * width;
        let mean = s1 / n as f64;
        let var = if n > 1 {
            ((s2 - s1 * s1 / n as f64) / (n as f64 - 1.0)).max(0.0)
        } else {
            0.0
        };
        let half = 1.96 * (var / n as f64).sqrt();
        points.push((x, mean));
        band.push((x, mean - half, mean + half));
    }
    Series {
        name: String::new(),
        points,
        band,
        colour: 0,
        scatter: false,
    }
}

/// One metric's points over the sweep: its rows of sweep.csv and how to name it.
struct Metric<'t> {
    rows: Vec<&'t Vec<String>>,
    title: String,
    /// The metric's name, for an axis.
    name: String,
    /// Columns of sweep.csv: the value and its interval.
    value: usize,
    lo: usize,
    hi: usize,
}

pub(super) fn figures(dir: &Path, sc: &Scenario) -> Result<(String, Vec<Figure>), ReportError> {
    let t = Table::read(dir, "sweep.csv")?;
    let (metric, party, value, lo, hi) = (
        t.col("metric")?,
        t.col("party")?,
        t.col("value")?,
        t.col("ci_low")?,
        t.col("ci_high")?,
    );
    let paths: Vec<(usize, String)> = (2..metric)
        .map(|k| (k, super::figure::path_name(&t.header[k], sc)))
        .collect();
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
        let id = if p.is_empty() {
            format!("sweep-{m}")
        } else {
            format!("sweep-{m}-{p}")
        };
        let metric = Metric {
            rows,
            title: format!("{}{}", m.replace('_', " "), label(p)),
            name: m.replace('_', " "),
            value,
            lo,
            hi,
        };
        figures.push(metric_figure(id, &metric, &paths)?);
    }
    let html = format!("<p>{} points over {}.</p>", point_count(&t), {
        let names: Vec<String> = (2..metric).map(|k| t.header[k].clone()).collect();
        escape(&names.join(", "))
    });
    // The headline metrics first, the rest in the file's order.
    let headline = crate::sweep::headline::metrics(sc);
    let rank = |f: &Figure| {
        headline
            .iter()
            .position(|(m, p)| {
                f.id == format!("sweep-{m}") || (!p.is_empty() && f.id == format!("sweep-{m}-{p}"))
            })
            .unwrap_or(headline.len())
    };
    figures.sort_by_key(rank);
    // The answer first: the analyses of a Sobol' sweep or a discovery lead the page.
    let mut html = html;
    let mut answer = Vec::new();
    if let Some((h, f)) = analysis::sensitivity(dir, sc)? {
        html.push_str(&h);
        answer.push(f);
    }
    if let Some((h, f)) = analysis::prim(dir)? {
        html.push_str(&h);
        answer.extend(f);
    }
    answer.extend(figures);
    Ok((html, answer))
}

/// How many points sweep.csv holds.
fn point_count(t: &Table) -> usize {
    let points: std::collections::BTreeSet<&String> = t.rows.iter().map(|r| &r[0]).collect();
    points.len()
}

/// One metric's figure: a line with its band over one path, a heat map over a grid of two, a
/// panel a path otherwise.
fn metric_figure(id: String, m: &Metric, paths: &[(usize, String)]) -> Result<Figure, ReportError> {
    let distinct = |k: usize| {
        let mut v: Vec<f64> = m.rows.iter().map(|r| num(&r[k])).collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        v
    };
    let title = &m.title;
    let (svg, caption) = match paths {
        [(k, name)] => (
            one_path(m, *k, name),
            format!("{title} at each point of the sweep."),
        ),
        [(ka, na), (kb, nb)] if distinct(*ka).len() * distinct(*kb).len() == m.rows.len() => (
            grid_of_two(m, (*ka, na), (*kb, nb), (distinct(*ka), distinct(*kb))),
            format!("{title} at each point of the sweep, against each varied path."),
        ),
        _ => {
            let caption = if m.rows.len() > SCATTER_MAX {
                format!(
                    "{title}: its mean over the points in each of {BINS} equal bins of each \
                     varied path (the band: 95 % of that mean's spread over the points), one \
                     panel a path."
                )
            } else {
                format!("{title} at each point of the sweep, against each varied path.")
            };
            (panels(m, paths), caption)
        }
    };
    Ok(Figure {
        id,
        caption,
        svg: svg.map_err(ReportError::Drawing)?,
    })
}

/// The metric against the one varied path, with its band.
fn one_path(m: &Metric, k: usize, name: &str) -> Result<String, String> {
    let mut pts: Vec<(f64, f64, f64, f64)> = m
        .rows
        .iter()
        .map(|r| (num(&r[k]), num(&r[m.value]), num(&r[m.lo]), num(&r[m.hi])))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let chart = Chart {
        title: m.title.clone(),
        x_label: name.to_string(),
        y_label: m.name.clone(),
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

/// The metric over a grid of two paths, as a heat map (`va`, `vb`: each path's distinct values).
fn grid_of_two(
    m: &Metric,
    (ka, na): (usize, &str),
    (kb, nb): (usize, &str),
    (va, vb): (Vec<f64>, Vec<f64>),
) -> Result<String, String> {
    let mut values = vec![vec![f64::NAN; vb.len()]; va.len()];
    for r in &m.rows {
        let a = va.iter().position(|x| *x == num(&r[ka])).expect("seen");
        let b = vb.iter().position(|x| *x == num(&r[kb])).expect("seen");
        // Highest first, so that the first path rises up the page.
        values[va.len() - 1 - a][b] = num(&r[m.value]);
    }
    let show = |x: &f64| format!("{x}");
    let heat = Heat {
        title: m.title.clone(),
        x_label: nb.to_string(),
        y_label: na.to_string(),
        rows: va.iter().rev().map(show).collect(),
        cols: vb.iter().map(show).collect(),
        values,
        annotate: va.len() * vb.len() <= 100,
    };
    plot::svg(1, |_, a| plot::heat(a, &heat))
}

/// The metric against each path in its own panel, on one y scale; binned means above
/// `SCATTER_MAX` points.
fn panels(m: &Metric, paths: &[(usize, String)]) -> Result<String, String> {
    let mut charts: Vec<Chart> = paths
        .iter()
        .map(|(k, name)| {
            let pts: Vec<(f64, f64)> = m
                .rows
                .iter()
                .map(|r| (num(&r[*k]), num(&r[m.value])))
                .filter(|p| p.1.is_finite())
                .collect();
            let series = if pts.len() <= SCATTER_MAX {
                Series {
                    name: String::new(),
                    points: pts,
                    band: vec![],
                    colour: 0,
                    scatter: true,
                }
            } else {
                binned_means(&pts)
            };
            Chart {
                title: m.title.clone(),
                x_label: name.clone(),
                y_label: m.name.clone(),
                series: vec![series],
                marks: vec![],
                levels: vec![],
                y_range: None,
                legend_low: false,
            }
        })
        .collect();
    // One y scale for every panel, so that the paths' effects compare by eye.
    let ys = charts.iter().flat_map(|c| {
        c.series.iter().flat_map(|s| {
            s.points
                .iter()
                .map(|p| p.1)
                .chain(s.band.iter().flat_map(|b| [b.1, b.2]))
        })
    });
    let (y0, y1) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), y| {
        (l.min(y), h.max(y))
    });
    let pad = if y1 > y0 {
        0.04 * (y1 - y0)
    } else {
        0.1 * y0.abs().max(1.0)
    };
    if y0.is_finite() {
        for c in &mut charts {
            c.y_range = Some((y0 - pad, y1 + pad));
        }
    }
    plot::svg(charts.len(), |i, a| plot::xy(a, &charts[i]))
}
