//! What the commands print on stdout: the table of a run (`render`), the resolved scenario of
//! `check` (`describe`), the strategy list, and a tournament's matrices and equilibria.

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

/// The resolved scenario in words, and the closed-form predictions where they apply
/// (`impasse check`).
pub fn describe(sc: &Scenario) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "ok: {}", sc.title.as_deref().unwrap_or("scenario"));
    for p in &sc.parties {
        let _ = writeln!(o, "\nparty {} ({})", p.id, p.label);
        let _ = writeln!(
            o,
            "  stake {}  demand {}  discount_rate {}",
            p.stake, p.demand, p.discount_rate
        );
        let _ = writeln!(
            o,
            "  pressure {} + {} t",
            p.pressure.initial, p.pressure.growth
        );
        let _ = writeln!(
            o,
            "  leverage {} + {} t",
            p.leverage.initial, p.leverage.growth
        );
        let _ = writeln!(
            o,
            "  audience_cost {} + {} t",
            p.audience_cost.initial, p.audience_cost.growth
        );
        let _ = writeln!(
            o,
            "  breakdown_cost {}  status_quo {}",
            p.breakdown_cost, p.status_quo
        );
        let _ = writeln!(
            o,
            "  resolve {:?}  (mean {})",
            resolve_text(&p.resolve),
            p.resolve.mean()
        );
        if let Some(d) = p.deadline {
            let _ = writeln!(o, "  deadline at {} ({:?})", d.at, d.action);
        }
        let _ = writeln!(o, "  strategy {:?}", p.strategy);
    }
    let _ = writeln!(
        o,
        "\nbreakdown hazard {} + {} t",
        sc.hazard.initial, sc.hazard.growth
    );
    match sc.deadline {
        Some(d) => {
            let _ = writeln!(
                o,
                "deadline at {} (breakdown probability {})",
                d.at, d.breakdown_probability
            );
        }
        None => {
            let _ = writeln!(o, "no global deadline");
        }
    }
    for e in &sc.events {
        let _ = writeln!(
            o,
            "event {:?}: {:?}, {} effect(s)",
            e.name,
            e.when,
            e.effects.len()
        );
    }
    let s = &sc.simulation;
    let _ = writeln!(
        o,
        "simulation: {} rounds, seed {}, horizon {}, {} bins",
        s.rounds,
        s.seed,
        s.horizon.map_or("none".into(), |h| h.to_string()),
        s.bins
    );
    match crate::predict::predict(sc) {
        Some(p) => {
            let _ = writeln!(
                o,
                "\nclosed-form predictions (stationary equilibrium, constant lines):"
            );
            for (i, q) in sc.parties.iter().enumerate() {
                let _ = writeln!(
                    o,
                    "  {}: concession hazard {:.6}, P(concedes first) {:.6}",
                    q.id, p.hazard[i], p.concede[i]
                );
            }
            let _ = writeln!(
                o,
                "  breakdown hazard {:.6}, P(breakdown) {:.6}",
                p.breakdown_hazard, p.breakdown
            );
            let _ = writeln!(o, "  P(reaches the deadline or horizon) {:.6}", p.reach_end);
            let _ = writeln!(o, "  mean time to the end {:.6}", p.mean_time);
        }
        None => {
            let _ = writeln!(
                o,
                "\nno closed form: predictions need every strategy `equilibrium`, constant lines, \
                 no events, no party deadlines, no global deadline and no talks"
            );
        }
    }
    o
}

fn resolve_text(r: &crate::model::Resolve) -> String {
    use crate::model::Resolve::*;
    match r {
        Constant(v) => format!("constant {v}"),
        Uniform { low, high, .. } => format!("uniform({low}, {high})"),
        Normal { mean, sd, .. } => format!("normal({mean}, {sd}) truncated at 0"),
        LogNormal { mu, sigma, .. } => format!("lognormal({mu}, {sigma})"),
        Exponential { mean, .. } => format!("exponential(mean {mean})"),
        Gamma { shape, scale, .. } => format!("gamma({shape}, {scale})"),
        Beta { alpha, beta, .. } => format!("beta({alpha}, {beta})"),
    }
}

/// Every strategy with its parameters and sources (`impasse strategies`).
pub fn strategies() -> String {
    use std::fmt::Write;
    let mut o = String::new();
    for s in crate::model::CATALOG {
        let _ = writeln!(o, "{}", s.name);
        let _ = writeln!(o, "  {}", s.summary);
        for (p, m) in s.params {
            let _ = writeln!(o, "  - {p}: {m}");
        }
        let _ = writeln!(o, "  source: {}\n", s.source);
    }
    let _ = writeln!(
        o,
        "Write a strategy as a name (strategy = \"equilibrium\") or a table \
         (strategy = {{ kind = \"hazard\", rate = 0.1 }})."
    );
    o
}

/// The payoff matrix of each party and the equilibria (`impasse tournament`).
pub fn tournament(
    t: &crate::tournament::Tournament,
    pa: &[Vec<f64>],
    pb: &[Vec<f64>],
    eq: &crate::tournament::nash::Equilibria,
) -> String {
    use std::fmt::Write;
    let ids = t.ids();
    let mut o = String::new();
    let first = t.entrants[0]
        .iter()
        .map(|e| e.name.len())
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = t.entrants[1].iter().map(|e| e.name.len().max(8)).collect();
    for (q, m) in [pa, pb].iter().enumerate() {
        let _ = writeln!(
            o,
            "\nmean payoff of {} (rows: {}, columns: {})",
            ids[q], ids[0], ids[1]
        );
        let _ = write!(o, "  {:first$}", "");
        for (e, w) in t.entrants[1].iter().zip(&widths) {
            let _ = write!(o, "  {:>w$}", e.name);
        }
        o.push('\n');
        for (r, row) in m.iter().enumerate() {
            let _ = write!(o, "  {:first$}", t.entrants[0][r].name);
            for (v, w) in row.iter().zip(&widths) {
                let _ = write!(o, "  {:>w$.4}", v);
            }
            o.push('\n');
        }
    }
    let scope = if !eq.exhaustive {
        "the search was cut short: not exhaustive"
    } else if eq.ties {
        "some entrants tie exactly, so equilibria with unequal supports or continua may be missing"
    } else {
        "all of them"
    };
    let _ = writeln!(o, "\nequilibria of the meta-game ({scope}):");
    for (k, e) in eq.list.iter().enumerate() {
        let mix = |q: usize, v: &[f64]| {
            v.iter()
                .enumerate()
                .filter(|(_, p)| **p > 0.0)
                .map(|(s, p)| format!("{} {:.3}", t.entrants[q][s].name, p))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            o,
            "  {}: {} [{}] vs {} [{}]; payoffs {:.4}, {:.4}",
            k + 1,
            ids[0],
            mix(0, &e.x),
            ids[1],
            mix(1, &e.y),
            e.u[0],
            e.u[1]
        );
    }
    o
}
