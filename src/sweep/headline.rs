//! What a finished sweep prints on the terminal, as a run prints its table: for each headline
//! metric (the chances of breakdown, of agreement and of each party conceding, the mean time to
//! the end) its range over the points and, over a few paths, where it is lowest and highest; for
//! a Sobol' design, each varied path's total index for each metric with its 95 % interval (the
//! first-order indices are in sensitivity.csv and the report).

use std::fmt::Write;
use std::path::Path;

use super::results::SweepTable;
use crate::model::Scenario;
use crate::output::table::decimal;

/// The metrics a sweep's headline and its report's sensitivity figure show: (metric, party).
pub fn metrics(sc: &Scenario) -> Vec<(String, String)> {
    let mut m = vec![
        ("breakdown_probability".to_string(), String::new()),
        ("agreement_probability".to_string(), String::new()),
    ];
    for p in &sc.parties {
        m.push(("concede_probability".to_string(), p.id.clone()));
    }
    m.push(("time_mean".to_string(), String::new()));
    m
}

/// A metric's name as a reader says it: "concede probability of Iran".
pub fn title(metric: &str, party: &str, sc: &Scenario) -> String {
    let who = sc
        .parties
        .iter()
        .find(|p| p.id == party)
        .map_or(String::new(), |p| format!(" of {}", p.label));
    format!("{}{who}", metric.replace('_', " "))
}

/// The headline of the sweep written to `dir` (sweep.csv, and sensitivity.csv if there).
pub fn headline(dir: &Path, sc: &Scenario) -> Result<String, String> {
    let t = SweepTable::read(&dir.join("sweep.csv"))?;
    let mut out = String::new();
    let shown: Vec<(String, String)> = metrics(sc)
        .into_iter()
        .filter(|k| t.metrics.contains_key(k))
        .collect();
    let width = shown
        .iter()
        .map(|(m, p)| title(m, p, sc).len())
        .max()
        .unwrap_or(0);
    // Where a metric peaks names every path's value: readable over a grid of a few paths, not
    // over a Sobol' design's random points of many.
    let sobol = dir.join("sensitivity.csv").is_file();
    let say_where = !sobol && t.paths.len() <= 3;
    let _ = writeln!(out, "Over the {} points (lowest to highest):", t.points());
    for key in &shown {
        let values = &t.metrics[key][0];
        let at = |best: &dyn Fn(f64, f64) -> bool| {
            let mut found: Option<usize> = None;
            for (p, &v) in values.iter().enumerate() {
                if v.is_finite() && found.is_none_or(|q| best(v, values[q])) {
                    found = Some(p);
                }
            }
            found
        };
        let (Some(lo), Some(hi)) = (at(&|a, b| a < b), at(&|a, b| a > b)) else {
            continue;
        };
        let point = |p: usize| {
            t.paths
                .iter()
                .zip(&t.x)
                .map(|(path, x)| format!("{path} = {}", short(x[p])))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = write!(
            out,
            "  {:<width$}  {:>7} to {}",
            title(&key.0, &key.1, sc),
            decimal(values[lo], 3),
            decimal(values[hi], 3),
        );
        if values[lo] == values[hi] {
            out.push_str("  (the same at every point)");
        } else if say_where {
            let _ = write!(out, "  (lowest at {}; highest at {})", point(lo), point(hi));
        }
        out.push('\n');
    }
    if sobol {
        out.push_str(&sobol_totals(dir, sc, &shown)?);
    }
    Ok(out)
}

/// A path's value as the headline shows it: 4 significant digits, no trailing zeros.
fn short(x: f64) -> String {
    let text = format!("{x:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    decimal(
        text.parse().unwrap_or(x),
        text.split('.').nth(1).map_or(0, str::len),
    )
}

/// The total Sobol' indices of sensitivity.csv: a row per path (and the noise share), a column
/// per metric, each "index ±half-width of its 95 % interval".
fn sobol_totals(dir: &Path, sc: &Scenario, shown: &[(String, String)]) -> Result<String, String> {
    let path = dir.join("sensitivity.csv");
    let bad = |e: String| format!("{}: {e}", path.display());
    let mut r = ::csv::Reader::from_path(&path).map_err(|e| bad(e.to_string()))?;
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.map(|r| r.iter().map(str::to_string).collect()))
        .collect::<Result<_, _>>()
        .map_err(|e| bad(e.to_string()))?;
    let cell = |r: &[String], i: usize| r.get(i).and_then(|s| s.parse::<f64>().ok());
    let mut params: Vec<&str> = Vec::new();
    for r in rows.iter().filter(|r| r.len() == 7 && !r[2].is_empty()) {
        if !params.contains(&r[2].as_str()) {
            params.push(&r[2]);
        }
    }
    let heads: Vec<String> = shown
        .iter()
        .map(|(m, p)| {
            let name = sc.parties.iter().find(|q| q.id == *p).map(|q| &q.label);
            match (m.as_str(), name) {
                ("concede_probability", Some(label)) => format!("{label} concedes"),
                ("breakdown_probability", _) => "breakdown".into(),
                ("agreement_probability", _) => "agreement".into(),
                ("time_mean", _) => "mean time".into(),
                _ => title(m, p, sc),
            }
        })
        .collect();
    let width = params.iter().map(|p| p.len()).max().unwrap_or(0).max(5);
    let columns: Vec<usize> = heads.iter().map(|h| h.len().max(12)).collect();
    let mut out = format!(
        "\nTotal Sobol' indices, the share of each metric's variance due to each path \
         (± half the 95 % interval):\n  {:<width$}",
        ""
    );
    for (h, w) in heads.iter().zip(&columns) {
        let _ = write!(out, "  {h:>w$}");
    }
    out.push('\n');
    let lines = params
        .iter()
        .map(|p| (*p, "total"))
        .chain(std::iter::once(("", "noise")));
    for (param, index) in lines {
        let _ = write!(
            out,
            "  {:<width$}",
            if param.is_empty() { "noise" } else { param }
        );
        for ((metric, party), w) in shown.iter().zip(&columns) {
            let found = rows.iter().find(|r| {
                r.len() == 7 && r[0] == *metric && r[1] == *party && r[2] == param && r[3] == index
            });
            let text = match found.map(|r| (cell(r, 4), cell(r, 5), cell(r, 6))) {
                Some((Some(v), Some(lo), Some(hi))) => {
                    format!("{} ±{}", decimal(v, 2), decimal((hi - lo) / 2.0, 2))
                }
                Some((Some(v), _, _)) => decimal(v, 2),
                _ => "-".into(),
            };
            let _ = write!(out, "  {text:>w$}");
        }
        out.push('\n');
    }
    Ok(out)
}
