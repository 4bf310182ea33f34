//! The short human-readable table a run prints on stdout.

use std::fmt::Write;

use crate::aggregate::Report;
use crate::aggregate::stats::Estimate;
use crate::model::{PARTIES, Scenario};

fn num(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else if x != 0.0 && (x.abs() >= 1e5 || x.abs() < 1e-3) {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}

fn with_ci(e: &Estimate) -> String {
    match e.ci {
        Some((lo, hi)) => format!("{} [{}, {}]", num(e.value), num(lo), num(hi)),
        None => num(e.value),
    }
}

/// Left-aligned columns, two spaces apart.
fn columns(rows: &[Vec<String>]) -> String {
    let ncol = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..ncol)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| format!("{s:<w$}", w = widths[c]))
            .collect();
        out.push_str("  ");
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub fn render(sc: &Scenario, report: &Report) -> String {
    let ids: [&str; PARTIES] = [&sc.parties[0].id, &sc.parties[1].id];
    let mut out = String::new();
    let title = sc.title.as_deref().unwrap_or("scenario");
    let rounds = report.get("rounds", None).map_or(0.0, |e| e.value);
    let _ = writeln!(
        out,
        "{title}: {rounds} rounds, seed {}\n",
        sc.simulation.seed
    );
    let mut rows = vec![vec![
        "outcome".into(),
        "party".into(),
        "probability [95% CI]".into(),
        "mean time".into(),
    ]];
    for r in report.outcomes.iter().filter(|r| r.count > 0) {
        rows.push(vec![
            r.outcome.name().into(),
            r.outcome.party().map_or("", |i| ids[i]).into(),
            with_ci(&r.probability),
            r.time_mean.map(num).unwrap_or_default(),
        ]);
    }
    out.push_str(&columns(&rows));
    let g = |m: &str| {
        report
            .get(m, None)
            .map(|e| num(e.value))
            .unwrap_or_default()
    };
    let _ = writeln!(
        out,
        "\n  time to the end: mean {}, quantiles 5% {}  25% {}  50% {}  75% {}  95% {}\n",
        report
            .get("time_mean", None)
            .map(with_ci)
            .unwrap_or_default(),
        g("time_p05"),
        g("time_p25"),
        g("time_p50"),
        g("time_p75"),
        g("time_p95"),
    );
    let mut rows = vec![vec![
        "party".into(),
        "payoff [95% CI]".into(),
        "waiting cost".into(),
        "share of deals".into(),
        "P(concedes)".into(),
    ]];
    for (i, id) in ids.iter().enumerate() {
        let p = |m: &str| report.get(m, Some(i)).map(with_ci).unwrap_or_default();
        let label = &sc.parties[i].label;
        let name = if label == id {
            id.to_string()
        } else {
            format!("{id} ({label})")
        };
        rows.push(vec![
            name,
            p("payoff_mean"),
            report
                .get("cost_mean", Some(i))
                .map(|e| num(e.value))
                .unwrap_or_default(),
            report
                .get("share_mean", Some(i))
                .map(|e| num(e.value))
                .unwrap_or_default(),
            p("concede_probability"),
        ]);
    }
    out.push_str(&columns(&rows));
    out
}
