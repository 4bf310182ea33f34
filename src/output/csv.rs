//! The long-format CSV files of a run (INTERFACE.md): one observation per row, a header row,
//! full-precision floats, a fixed row order. `party` holds the party's table key.

use serde::Serialize;

use super::float;
use crate::aggregate::stats::Estimate;
use crate::aggregate::{Histogram, Report};
use crate::model::{Outcome, PARTIES};

fn opt(x: Option<f64>) -> String {
    x.map(float).unwrap_or_default()
}

fn party_id(ids: &[String; PARTIES], p: Option<usize>) -> &str {
    p.map_or("", |i| ids[i].as_str())
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing to memory cannot fail")
}

#[derive(Serialize)]
struct SummaryRow<'a> {
    metric: &'a str,
    party: &'a str,
    value: String,
    ci_low: String,
    ci_high: String,
}

fn ci(e: &Estimate) -> (String, String) {
    (opt(e.ci.map(|c| c.0)), opt(e.ci.map(|c| c.1)))
}

pub fn summary(report: &Report, ids: &[String; PARTIES]) -> Vec<u8> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for m in &report.metrics {
        let (ci_low, ci_high) = ci(&m.value);
        w.serialize(SummaryRow {
            metric: m.metric,
            party: party_id(ids, m.party),
            value: float(m.value.value),
            ci_low,
            ci_high,
        })
        .expect("in-memory CSV");
    }
    finish(w)
}

#[derive(Serialize)]
struct OutcomeCsvRow<'a> {
    outcome: &'a str,
    party: &'a str,
    count: u64,
    probability: String,
    ci_low: String,
    ci_high: String,
    time_mean: String,
}

pub fn outcomes(report: &Report, ids: &[String; PARTIES]) -> Vec<u8> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for r in &report.outcomes {
        let (ci_low, ci_high) = ci(&r.probability);
        w.serialize(OutcomeCsvRow {
            outcome: r.outcome.name(),
            party: party_id(ids, r.outcome.party()),
            count: r.count,
            probability: float(r.probability.value),
            ci_low,
            ci_high,
            time_mean: opt(r.time_mean),
        })
        .expect("in-memory CSV");
    }
    finish(w)
}

#[derive(Serialize)]
struct TimesRow<'a> {
    outcome: &'a str,
    party: &'a str,
    bin_start: String,
    bin_end: String,
    count: u64,
    density: String,
}

/// The distribution of end times: for each outcome (in outcomes.csv order) and then `all`,
/// `bins` rows. `density` is count / (rounds * bin width), so each outcome's densities integrate
/// to its probability and `all` integrates to 1.
pub fn times(h: &Histogram, ids: &[String; PARTIES]) -> Vec<u8> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let rounds: u64 = h.row(None).iter().sum();
    let rows = Outcome::ALL.iter().map(|&o| Some(o)).chain([None]);
    for o in rows {
        for (b, &count) in h.row(o).iter().enumerate() {
            let (lo, hi) = h.edges(b);
            w.serialize(TimesRow {
                outcome: o.map_or("all", Outcome::name),
                party: party_id(ids, o.and_then(Outcome::party)),
                bin_start: float(lo),
                bin_end: float(hi),
                count,
                density: float(count as f64 / (rounds as f64 * (hi - lo))),
            })
            .expect("in-memory CSV");
        }
    }
    finish(w)
}
