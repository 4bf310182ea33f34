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
    let charts = (0..sc.parties.len())
        .map(|i| chart(&dev, &audit, sc, i))
        .collect::<Result<Vec<Chart>, ReportError>>()?;
    let svg = plot::svg(2, |k, a| plot::xy(a, &charts[k])).map_err(ReportError::Drawing)?;
    let figure = Figure {
        id: "value-curve".into(),
        caption: "Each party's value curve: its expected payoff from conceding at each time \
                  against the opponent's strategy, with its 95 % band; the black line is its payoff \
                  playing its own strategy, the orange line never conceding; where random events \
                  can fire, the green line is the best rule that waits for them (chosen on other \
                  rounds). Flat where the party concedes and nowhere higher means its opponent's \
                  strategy leaves it nothing to gain: an equilibrium. Where a party's type is \
                  private, its panel has one curve per type audited (\u{3b8}, at quantiles of its \
                  prior): what conceding at t gains that type over its own strategy, so that \
                  every type's curve at or below 0 (the black line) is an equilibrium."
            .into(),
        svg,
    };
    Ok((table(&audit, sc)?, vec![figure]))
}

/// Party i's panel: its value curve, or where its type is private one difference curve per type.
fn chart(dev: &Table, audit: &Table, sc: &Scenario, i: usize) -> Result<Chart, ReportError> {
    let p = &sc.parties[i];
    let col = |n: &str| dev.col(n);
    let (party, kinds, quantile, kind, time) = (
        col("party")?,
        col("deviations")?,
        col("type_quantile")?,
        col("deviation")?,
        col("time")?,
    );
    let id = p.id.as_str();
    let own = dev.filter(&[(party, id), (quantile, "")]);
    let curve = |rows: &[&Vec<String>], y: &str, lo: &str, hi: &str| {
        let (y, lo, hi) = (col(y)?, col(lo)?, col(hi)?);
        let rows: Vec<&&Vec<String>> = (rows.iter())
            .filter(|r| r[kinds] == "time" && r[kind] != "never")
            .collect();
        let points = rows.iter().map(|r| (num(&r[time]), num(&r[y]))).collect();
        let band = (rows.iter())
            .map(|r| (num(&r[time]), num(&r[lo]), num(&r[hi])))
            .collect();
        Ok::<_, ReportError>((points, band))
    };
    let mut chart = Chart {
        title: format!("{} against {}", p.label, sc.parties[1 - i].label),
        x_label: format!("concede at ({})", sc.time_unit),
        y_label: "expected payoff".into(),
        series: Vec::new(),
        marks: marks(sc),
        levels: Vec::new(),
        y_range: None,
        legend_low: true,
    };
    let mut types: Vec<String> = (dev.rows.iter())
        .filter(|r| r[party] == id && !r[quantile].is_empty())
        .map(|r| r[quantile].clone())
        .collect();
    types.dedup();
    if !types.is_empty() {
        let theta = col("type")?;
        for (k, q) in types.iter().enumerate() {
            let rows = dev.filter(&[(party, id), (quantile, q.as_str())]);
            let (points, band) = curve(&rows, "difference", "diff_ci_low", "diff_ci_high")?;
            chart.series.push(Series {
                name: format!("\u{3b8} {} (q {})", trim(&rows[0][theta]), trim(q)),
                points,
                band,
                colour: k,
                scatter: false,
            });
        }
        chart.y_label = "gain over its strategy, per type".into();
        chart.levels.push((0.0, "its strategy".into(), 7));
        return Ok(chart);
    }
    let (points, band) = curve(&own, "payoff", "ci_low", "ci_high")?;
    let payoff = col("payoff")?;
    let level = |rows: &[&Vec<String>]| rows.first().map(|r| num(&r[payoff]));
    let a_party = audit.col("party")?;
    let profile = (audit.filter(&[(a_party, id)]).first())
        .map_or(f64::NAN, |r| num(&r[audit.col("payoff").unwrap_or(2)]));
    let never = level(&dev.filter(&[(party, id), (quantile, ""), (kind, "never")]));
    let rule = level(&dev.filter(&[(party, id), (quantile, ""), (kinds, "history")]));
    chart.series.push(Series {
        name: "concede at t".into(),
        points,
        band,
        colour: i,
        scatter: false,
    });
    chart.levels = [
        (profile, "its strategy".to_string(), 7),
        (never.unwrap_or(f64::NAN), "never".into(), 3),
    ]
    .into_iter()
    .chain(rule.map(|u| (u, "waiting for events".into(), 2)))
    .collect();
    Ok(chart)
}

/// The audit's table: each party's strategy, payoff, best deviation and gain; the NashConv.
fn table(audit: &Table, sc: &Scenario) -> Result<String, ReportError> {
    let a_party = audit.col("party")?;
    let mut html = String::from(
        "<table><tr><th>party</th><th>strategy</th><th>payoff</th><th>deviations</th><th>best deviation</th>\
         <th>gain</th><th>95 % interval</th></tr>",
    );
    let col = |n: &str| audit.col(n);
    let (quantile, theta) = (col("type_quantile")?, col("type")?);
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
        let kind = match (r[kinds].as_str(), r[theta].as_str(), r[best].as_str()) {
            ("time", "", "per type") => "a fixed time per type (interim gain)".to_string(),
            ("time", "", _) => "a fixed time".to_string(),
            ("time", th, _) => format!(
                "a fixed time, type \u{3b8} = {} (quantile {})",
                trim(th),
                trim(&r[quantile])
            ),
            ("history", ..) => "waiting for events".to_string(),
            _ => String::new(),
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

/// A type or a quantile to at most four decimals, without trailing zeros: `0.6000000000000001`
/// as `0.6`.
fn trim(s: &str) -> String {
    let t = short(s);
    if !t.contains('.') {
        return t;
    }
    t.trim_end_matches('0').trim_end_matches('.').to_string()
}
