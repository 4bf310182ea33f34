//! A run's report: how long the talks survive (`survival`), how they end over time (`incidence`),
//! each party's concession hazard (`hazard`), and the outcome probabilities (`outcomes`).

use std::path::Path;

use super::data::{Table, num};
use super::figure::{Figure, ReportError, escape, marks, short};
use super::plot::{self, Bars, Chart, Series, Stack};
use crate::model::{Outcome, Scenario};

/// How an outcome row is named in a figure: by the party's label.
fn outcome_name(sc: &Scenario, o: Outcome) -> String {
    let label = |i: usize| sc.parties[i].label.clone();
    match o {
        Outcome::Concession0 | Outcome::Concession1 => {
            format!("{} concedes", label(o.party().expect("a party")))
        }
        Outcome::Walkout0 | Outcome::Walkout1 => {
            format!("{} walks out", label(o.party().expect("a party")))
        }
        other => other.name().replace('_', " "),
    }
}

fn party_index(sc: &Scenario, id: &str) -> Option<usize> {
    sc.parties.iter().position(|p| p.id == id)
}

/// A run's files, as the figures read them.
struct RunFiles {
    survival: Table,
    outcomes: Table,
    summary: Table,
    times: Table,
    /// The rows of S(t) within the time shown.
    still: Vec<Vec<String>>,
    /// The time the figures show: where nearly every round has ended, or the last mark if later.
    shown_until: f64,
}

impl RunFiles {
    fn read(dir: &Path, sc: &Scenario) -> Result<RunFiles, ReportError> {
        let survival = Table::read(dir, "survival.csv")?;
        survival.ascending(&["curve", "party"], "time")?;
        for column in ["value", "ci_low", "ci_high"] {
            survival.within(column, 0.0, 1.0)?;
        }
        let times = Table::read(dir, "times.csv")?;
        times.ascending(&["outcome", "party"], "bin_start")?;
        let outcomes = Table::read(dir, "outcomes.csv")?;
        outcomes.within("probability", 0.0, 1.0)?;
        let summary = Table::read(dir, "summary.csv")?;
        check_summary(&summary, sc)?;
        let (curve, time, value) = (
            survival.col("curve")?,
            survival.col("time")?,
            survival.col("value")?,
        );
        let s = survival.filter(&[(curve, "still_negotiating")]);
        let settled = s
            .iter()
            .find(|r| num(&r[value]) <= 1e-3)
            .map_or(f64::INFINITY, |r| num(&r[time]));
        let last_mark = marks(sc).iter().map(|m| m.0).fold(0.0, f64::max);
        let shown_until = (1.1 * settled).max(last_mark).max(1e-9);
        let still = s
            .into_iter()
            .filter(|r| num(&r[time]) <= shown_until)
            .cloned()
            .collect();
        Ok(RunFiles {
            outcomes,
            summary,
            times,
            survival,
            still,
            shown_until,
        })
    }
}

/// That summary.csv holds the rows a run writes (a file cut at a line's end still parses):
/// `rounds` first, each party's chance of conceding, the chance of a breakdown.
fn check_summary(summary: &Table, sc: &Scenario) -> Result<(), ReportError> {
    let (metric, party) = (summary.col("metric")?, summary.col("party")?);
    let has = |m: &str, p: &str| !summary.filter(&[(metric, m), (party, p)]).is_empty();
    let whole = summary.rows[0][metric] == "rounds"
        && has("breakdown_probability", "")
        && sc.parties.iter().all(|p| has("concede_probability", &p.id));
    if !whole {
        return Err(ReportError::Unreadable {
            file: summary.path.clone(),
            why: "it lacks some of its rows (rounds, each party's chance of conceding, the \
              chance of a breakdown): cut short or edited; write it again with the \
              command that made it"
                .into(),
        });
    }
    Ok(())
}

/// The top of the hazard axis: above the highest point and level (the axis starts at 0).
fn hazard_top(series: &[Series], levels: &[(f64, String, usize)]) -> f64 {
    let most = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .chain(levels.iter().map(|l| l.0))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    if most > 0.0 { 1.08 * most } else { 1.0 }
}

/// At most this many points in the hazard figure: finer histograms are grouped.
const HAZARD_BINS: usize = 200;

fn draw(e: String) -> ReportError {
    ReportError::Drawing(e)
}

pub(super) fn figures(dir: &Path, sc: &Scenario) -> Result<(String, Vec<Figure>), ReportError> {
    let f = RunFiles::read(dir, sc)?;
    let figures = vec![
        survival(sc, &f)?,
        incidence(sc, &f)?,
        hazard(sc, &f)?,
        outcomes(sc, &f)?,
    ];
    Ok((headline(sc, &f)?, figures))
}

/// How long the talks survive: S(t) with its band.
fn survival(sc: &Scenario, f: &RunFiles) -> Result<Figure, ReportError> {
    let t = &f.survival;
    let (time, value, lo, hi) = (
        t.col("time")?,
        t.col("value")?,
        t.col("ci_low")?,
        t.col("ci_high")?,
    );
    let s = &f.still;
    // Rounds that end at t = 0 (an atom) drop S from 1 to S(0) at once: draw that drop.
    let atom: Vec<(f64, f64)> = s
        .first()
        .filter(|r| num(&r[time]) == 0.0 && num(&r[value]) < 1.0)
        .map(|_| (0.0, 1.0))
        .into_iter()
        .collect();
    let chart = Chart {
        title: "Still negotiating".into(),
        x_label: format!("time ({})", sc.time_unit),
        y_label: "share of rounds".into(),
        series: vec![Series {
            name: String::new(),
            points: atom
                .iter()
                .copied()
                .chain(s.iter().map(|r| (num(&r[time]), num(&r[value]))))
                .collect(),
            band: atom
                .iter()
                .map(|&(t, v)| (t, v, v))
                .chain(s.iter().map(|r| (num(&r[time]), num(&r[lo]), num(&r[hi]))))
                .collect(),
            colour: 0,
            scatter: false,
        }],
        marks: marks(sc),
        levels: vec![],
        y_range: Some((0.0, 1.02)),
        legend_low: false,
    };
    Ok(Figure {
        id: "survival".into(),
        caption: format!(
            "The share of rounds still negotiating at each time, S(t), with its 95 % band; the \
             deadline and scheduled events are marked.{}",
            if atom.is_empty() {
                String::new()
            } else {
                format!(
                    " The drop at t = 0 is the {:.1} % of rounds that end at once.",
                    100.0 * (1.0 - num(&s[0][value]))
                )
            }
        ),
        svg: plot::svg(1, |_, a| plot::xy(a, &chart)).map_err(draw)?,
    })
}

/// How the rounds have ended by each time: the cumulative incidences, stacked.
fn incidence(sc: &Scenario, f: &RunFiles) -> Result<Figure, ReportError> {
    let t = &f.survival;
    let (curve, party, time, value) = (
        t.col("curve")?,
        t.col("party")?,
        t.col("time")?,
        t.col("value")?,
    );
    let mut layers = Vec::new();
    for (k, o) in Outcome::ALL.iter().enumerate() {
        let id = o
            .party()
            .map_or(String::new(), |i| sc.parties[i].id.clone());
        let rows: Vec<&Vec<String>> = t
            .filter(&[(curve, o.name()), (party, id.as_str())])
            .into_iter()
            .filter(|r| num(&r[time]) <= f.shown_until)
            .collect();
        if rows.last().is_some_and(|r| num(&r[value]) > 0.0) {
            let points = rows
                .iter()
                .map(|r| (num(&r[time]), num(&r[value])))
                .collect();
            layers.push((outcome_name(sc, *o), k, points));
        }
    }
    let stack = Stack {
        title: "How the rounds have ended by each time".into(),
        x_label: format!("time ({})", sc.time_unit),
        y_label: "share of rounds".into(),
        layers,
        marks: marks(sc),
    };
    Ok(Figure {
        id: "incidence".into(),
        caption: "The cumulative incidence of each outcome, stacked: at each time the coloured \
                  bands are the shares of rounds that have ended so far in each way, and the white \
                  above them the share still negotiating."
            .into(),
        svg: plot::svg(1, |_, a| plot::stacked(a, &stack)).map_err(draw)?,
    })
}

/// Each party's concession hazard, from the histogram of end times, with the closed form where
/// `impasse check` has one.
fn hazard(sc: &Scenario, f: &RunFiles) -> Result<Figure, ReportError> {
    let (summary, times) = (&f.summary, &f.times);
    let value = f.survival.col("value")?;
    let unit = &sc.time_unit;
    let (m_col, v_col) = (summary.col("metric")?, summary.col("value")?);
    let rounds = summary
        .filter(&[(m_col, "rounds")])
        .first()
        .map_or(f64::NAN, |r| num(&r[v_col]));
    let (t_out, t_party, t_lo, t_hi, t_count) = (
        times.col("outcome")?,
        times.col("party")?,
        times.col("bin_start")?,
        times.col("bin_end")?,
        times.col("count")?,
    );
    // Per bin, the total hazard -ln(S(end) / S(start)) / width, shared among the outcomes by
    // their counts: exact for constant hazards within a bin. Bins with fewer than 100 rounds at
    // risk, or where every round ends, are left out.
    let surv: Vec<f64> = f.still.iter().map(|r| num(&r[value])).collect();
    let all = times.filter(&[(t_out, "all")]);
    let ended_in = |b: usize| -> f64 { all.get(b).map_or(f64::NAN, |r| num(&r[t_count])) };
    let prediction = crate::predict::predict(sc);
    let mut series = Vec::new();
    let mut levels = Vec::new();
    for (i, p) in sc.parties.iter().enumerate() {
        let rows = times.filter(&[(t_out, "concession"), (t_party, p.id.as_str())]);
        // Bins grouped by `group` (one when there are at most HAZARD_BINS), so that the figure
        // has a bounded number of points and each enough rounds, however fine the histogram.
        let group = rows.len().div_ceil(HAZARD_BINS).max(1);
        let points: Vec<(f64, f64)> = (0..rows.len())
            .step_by(group)
            .filter_map(|b0| {
                let b1 = (b0 + group).min(rows.len());
                if !(b1 < surv.len() && surv[b0] * rounds >= 100.0 && surv[b1] > 0.0) {
                    return None;
                }
                let (a, z) = (num(&rows[b0][t_lo]), num(&rows[b1 - 1][t_hi]));
                let total = -(surv[b1] / surv[b0]).ln() / (z - a);
                let mine: f64 = rows[b0..b1].iter().map(|r| num(&r[t_count])).sum();
                let share = mine / (b0..b1).map(ended_in).sum::<f64>();
                Some((
                    0.5 * (a + z),
                    if share.is_finite() {
                        total * share
                    } else {
                        0.0
                    },
                ))
            })
            .collect();
        series.push(Series {
            name: format!("{} (measured)", p.label),
            points,
            band: vec![],
            colour: i,
            scatter: true,
        });
        if let Some(pr) = &prediction {
            levels.push((pr.hazard[i], format!("{} (closed form)", p.label), i));
        }
    }
    let chart = Chart {
        title: "Concession hazards".into(),
        x_label: format!("time ({unit})"),
        y_label: format!(
            "hazard: concessions per round at risk, per {}",
            unit.strip_suffix('s').unwrap_or(unit)
        ),
        y_range: Some((0.0, hazard_top(&series, &levels))),
        series,
        marks: marks(sc),
        levels,
        legend_low: false,
    };
    Ok(Figure {
        id: "hazard".into(),
        caption: "Each party's concession hazard over time (nothing to show when nearly every \
                  round ends at once), measured on the bins of times.csv \
                  (the bin's total hazard, -ln(S(end)/S(start)) over its width, shared by the \
                  parties' concessions in it; bins with fewer than 100 rounds at risk left out), \
                  with the closed-form equilibrium hazard where `impasse check` has one."
            .into(),
        svg: plot::svg(1, |_, a| plot::xy(a, &chart)).map_err(draw)?,
    })
}

/// The probability of each outcome with its interval.
fn outcomes(sc: &Scenario, f: &RunFiles) -> Result<Figure, ReportError> {
    let outcomes = &f.outcomes;
    let (o_out, o_party, o_p, o_lo, o_hi, o_count) = (
        outcomes.col("outcome")?,
        outcomes.col("party")?,
        outcomes.col("probability")?,
        outcomes.col("ci_low")?,
        outcomes.col("ci_high")?,
        outcomes.col("count")?,
    );
    let bars_data: Vec<(String, f64, f64, f64, usize)> = outcomes
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| num(&r[o_count]) > 0.0)
        .map(|(k, r)| {
            let o = Outcome::ALL[k];
            let name = match party_index(sc, &r[o_party]) {
                Some(_) => outcome_name(sc, o),
                None => r[o_out].replace('_', " "),
            };
            (name, num(&r[o_p]), num(&r[o_lo]), num(&r[o_hi]), k)
        })
        .collect();
    let b = Bars {
        title: "How the rounds end".into(),
        x_label: "probability".into(),
        bars: bars_data,
    };
    Ok(Figure {
        id: "outcomes".into(),
        caption: "The probability of each outcome with its 95 % Wilson interval.".into(),
        svg: plot::svg(1, |_, a| plot::bars(a, &b)).map_err(draw)?,
    })
}

/// The headline tables: each outcome's probability and mean time, each party's mean payoff.
fn headline(sc: &Scenario, f: &RunFiles) -> Result<String, ReportError> {
    let (outcomes, summary) = (&f.outcomes, &f.summary);
    let (o_p, o_lo, o_hi, o_count, o_time) = (
        outcomes.col("probability")?,
        outcomes.col("ci_low")?,
        outcomes.col("ci_high")?,
        outcomes.col("count")?,
        outcomes.col("time_mean")?,
    );
    let mut html = String::from(
        "<table><tr><th>outcome</th><th>probability</th><th>95 % interval</th><th>mean time</th></tr>",
    );
    for (k, r) in outcomes.rows.iter().enumerate() {
        if num(&r[o_count]) > 0.0 {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{:.4}</td><td>[{:.4}, {:.4}]</td><td>{}</td></tr>",
                escape(&outcome_name(sc, Outcome::ALL[k])),
                num(&r[o_p]),
                num(&r[o_lo]),
                num(&r[o_hi]),
                short(&r[o_time]),
            ));
        }
    }
    html.push_str(
        "</table><table><tr><th>party</th><th>mean payoff</th><th>95 % interval</th></tr>",
    );
    let (m, p, v, l, h) = (
        summary.col("metric")?,
        summary.col("party")?,
        summary.col("value")?,
        summary.col("ci_low")?,
        summary.col("ci_high")?,
    );
    for q in &sc.parties {
        if let Some(r) = summary
            .filter(&[(m, "payoff_mean"), (p, q.id.as_str())])
            .first()
        {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{:.4}</td><td>[{:.4}, {:.4}]</td></tr>",
                escape(&q.label),
                num(&r[v]),
                num(&r[l]),
                num(&r[h])
            ));
        }
    }
    html.push_str("</table>");
    Ok(html)
}
