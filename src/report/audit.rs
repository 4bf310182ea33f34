//! An audit's report: each party's value curve (`value-curve`), the payoff of conceding at each
//! time against the opponent's strategy, with its band and the party's payoff in the profile.

use std::path::Path;

use super::data::{Table, num};
use super::figure::{Figure, ReportError, escape, marks, short};
use super::plot::{self, Chart, Series};
use crate::model::Scenario;

pub(super) fn figures(dir: &Path, sc: &Scenario) -> Result<(String, Vec<Figure>), ReportError> {
    let dev = Table::read(dir, "deviations.csv")?;
    // Deviations are tried within the times `audit::grid` covers (never is an empty time).
    let end = crate::audit::end(sc);
    dev.within(
        "time",
        0.0,
        if end.is_finite() { end } else { f64::MAX / 4.0 },
    )?;
    let audit = Table::read(dir, "audit.csv")?;
    let (party, kinds, kind, time, payoff, lo, hi) = (
        dev.col("party")?,
        dev.col("deviations")?,
        dev.col("deviation")?,
        dev.col("time")?,
        dev.col("payoff")?,
        dev.col("ci_low")?,
        dev.col("ci_high")?,
    );
    let a_party = audit.col("party")?;
    let charts: Vec<Chart> = sc
        .parties
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let rows: Vec<&Vec<String>> = dev
                .filter(&[(party, p.id.as_str()), (kinds, "time")])
                .into_iter()
                .filter(|r| r[kind] != "never")
                .collect();
            let rule = dev
                .filter(&[(party, p.id.as_str()), (kinds, "history")])
                .first()
                .map(|r| num(&r[payoff]));
            let profile = audit
                .filter(&[(a_party, p.id.as_str())])
                .first()
                .map_or(f64::NAN, |r| num(&r[audit.col("payoff").unwrap_or(2)]));
            let never = dev
                .filter(&[(party, p.id.as_str()), (kind, "never")])
                .first()
                .map_or(f64::NAN, |r| num(&r[payoff]));
            Chart {
                title: format!("{} against {}", p.label, sc.parties[1 - i].label),
                x_label: format!("concede at ({})", sc.time_unit),
                y_label: "expected payoff".into(),
                series: vec![Series {
                    name: "concede at t".into(),
                    points: rows
                        .iter()
                        .map(|r| (num(&r[time]), num(&r[payoff])))
                        .collect(),
                    band: rows
                        .iter()
                        .map(|r| (num(&r[time]), num(&r[lo]), num(&r[hi])))
                        .collect(),
                    colour: i,
                    scatter: false,
                }],
                marks: marks(sc),
                levels: [
                    (profile, "its strategy".to_string(), 7),
                    (never, "never".into(), 3),
                ]
                .into_iter()
                .chain(rule.map(|u| (u, "waiting for events".into(), 2)))
                .collect(),
                y_range: None,
                legend_low: true,
            }
        })
        .collect();
    let svg = plot::svg(2, |k, a| plot::xy(a, &charts[k])).map_err(ReportError::Drawing)?;
    let figure = Figure {
        id: "value-curve".into(),
        caption: "Each party's value curve: its expected payoff from conceding at each time \
                  against the opponent's strategy, with its 95 % band; the black line is its payoff \
                  playing its own strategy, the orange line never conceding; where random events \
                  can fire, the green line is the best rule that waits for them (chosen on other \
                  rounds). Flat where the party concedes and nowhere higher means its opponent's strategy leaves it nothing to \
                  gain: an equilibrium."
            .into(),
        svg,
    };
    Ok((table(&audit, sc)?, vec![figure]))
}

/// The audit's table: each party's strategy, payoff, best deviation and gain; the NashConv.
fn table(audit: &Table, sc: &Scenario) -> Result<String, ReportError> {
    let a_party = audit.col("party")?;
    let mut html = String::from(
        "<table><tr><th>party</th><th>strategy</th><th>payoff</th><th>deviations</th><th>best deviation</th>\
         <th>gain</th><th>95 % interval</th></tr>",
    );
    let col = |n: &str| audit.col(n);
    let (strategy, kinds, pay, best, gain, glo, ghi) = (
        col("strategy")?,
        col("deviations")?,
        col("payoff")?,
        col("best_deviation")?,
        col("gain")?,
        col("gain_ci_low")?,
        col("gain_ci_high")?,
    );
    for r in &audit.rows {
        let who = sc
            .parties
            .iter()
            .find(|p| p.id == r[a_party])
            .map_or("NashConv (sum of the gains)".to_string(), |p| {
                p.label.clone()
            });
        let kind = match r[kinds].as_str() {
            "time" => "a fixed time",
            "history" => "waiting for events",
            _ => "",
        };
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{kind}</td><td>{}</td><td>{}</td>\
             <td>[{}, {}]</td></tr>",
            escape(&who),
            escape(&r[strategy]),
            short(&r[pay]),
            escape(&best_text(&r[best])),
            short(&r[gain]),
            short(&r[glo]),
            short(&r[ghi])
        ));
    }
    html.push_str("</table>");
    Ok(html)
}

/// `at_time:t=1.3165829145728642` as `at_time:t=1.3166`.
fn best_text(s: &str) -> String {
    match s
        .strip_prefix("at_time:t=")
        .and_then(|t| t.parse::<f64>().ok())
    {
        Some(t) => format!("concede at {t:.4}"),
        None => s.replace('_', " "),
    }
}
