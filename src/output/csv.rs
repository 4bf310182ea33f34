//! The long-format CSV files (INTERFACE.md): one observation per row, a header row,
//! full-precision floats, a fixed row order. `party` holds the party's table key.
//!
//! Each file is a header and records; a sweep writes the same records behind its own leading
//! columns (`point`, `seed`, the varied paths), so both go through `Table`.

use crate::aggregate::stats::{Estimate, wilson};
use crate::aggregate::{Histogram, Report};
use crate::model::{Outcome, PARTIES};

/// A float as CSV holds it: the shortest text that reads back to the same bits.
pub fn float(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x == 0.0 {
        // Also -0.0: a sign on zero only confuses a reader.
        "0.0".into()
    } else {
        format!("{x:?}")
    }
}

/// summary.csv's columns.
pub const SUMMARY_HEADER: [&str; 5] = ["metric", "party", "value", "ci_low", "ci_high"];
/// outcomes.csv's columns.
pub const OUTCOMES_HEADER: [&str; 7] = [
    "outcome",
    "party",
    "count",
    "probability",
    "ci_low",
    "ci_high",
    "time_mean",
];
/// survival.csv's columns.
pub const SURVIVAL_HEADER: [&str; 6] = ["curve", "party", "time", "value", "ci_low", "ci_high"];

/// times.csv's columns.
pub const TIMES_HEADER: [&str; 6] = [
    "outcome",
    "party",
    "bin_start",
    "bin_end",
    "count",
    "density",
];

/// Rows of text fields, written as CSV by `to_csv` (the csv crate quotes where needed).
pub type Records = Vec<Vec<String>>;

/// CSV text: the header (after `prefix_header`, a sweep's) and the rows.
pub fn to_csv(header: &[&str], prefix_header: &[String], rows: &Records) -> Vec<u8> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let head: Vec<&str> = prefix_header
        .iter()
        .map(String::as_str)
        .chain(header.iter().copied())
        .collect();
    w.write_record(&head).expect("in-memory CSV");
    for r in rows {
        w.write_record(r).expect("in-memory CSV");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// CSV rows without a header, each record preceded by `prefix`.
pub fn rows_with_prefix(prefix: &[String], rows: &Records) -> Vec<u8> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(prefix.iter().chain(r))
            .expect("in-memory CSV");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// An estimate's value, empty where no value applies: a statistic over no rounds (`share_mean`
/// when no round ended in a deal) is NaN without an interval, written like a missing interval.
/// Any other NaN keeps its text, which the writer refuses.
fn value_cell(e: &Estimate) -> String {
    if e.value.is_nan() && e.ci.is_none() {
        String::new()
    } else {
        float(e.value)
    }
}

fn opt(x: Option<f64>) -> String {
    x.map(float).unwrap_or_default()
}

fn party_id(ids: &[String; PARTIES], p: Option<usize>) -> String {
    p.map_or(String::new(), |i| ids[i].clone())
}

fn ci(e: &Estimate) -> [String; 2] {
    [opt(e.ci.map(|c| c.0)), opt(e.ci.map(|c| c.1))]
}

/// summary.csv's rows.
pub fn summary_records(report: &Report, ids: &[String; PARTIES]) -> Records {
    report
        .metrics
        .iter()
        .map(|m| {
            let [lo, hi] = ci(&m.value);
            vec![
                m.metric.to_string(),
                party_id(ids, m.party),
                value_cell(&m.value),
                lo,
                hi,
            ]
        })
        .collect()
}

/// outcomes.csv's rows.
pub fn outcome_records(report: &Report, ids: &[String; PARTIES]) -> Records {
    report
        .outcomes
        .iter()
        .map(|r| {
            let [lo, hi] = ci(&r.probability);
            vec![
                r.outcome.name().to_string(),
                party_id(ids, r.outcome.party()),
                r.count.to_string(),
                float(r.probability.value),
                lo,
                hi,
                opt(r.time_mean),
            ]
        })
        .collect()
}

/// The distribution of end times: for each outcome (in outcomes.csv order) and then `all`,
/// `bins` rows. `density` is count / (rounds * bin width), so each outcome's densities integrate
/// to its probability and `all` integrates to 1.
pub fn times_records(h: &Histogram, ids: &[String; PARTIES]) -> Records {
    let rounds: u64 = h.row(None).iter().sum();
    let rows = Outcome::ALL.iter().map(|&o| Some(o)).chain([None]);
    let mut out = Vec::new();
    for o in rows {
        for (b, &count) in h.row(o).iter().enumerate() {
            let (lo, hi) = h.edges(b);
            out.push(vec![
                o.map_or("all", Outcome::name).to_string(),
                party_id(ids, o.and_then(Outcome::party)),
                float(lo),
                float(hi),
                count.to_string(),
                float(count as f64 / (rounds as f64 * (hi - lo))),
            ]);
        }
    }
    out
}

/// How long the talks survive and how they end: at 0 and at every bin edge of times.csv, the share
/// of rounds not yet ended (`still_negotiating`, S(t)) and, per outcome in outcomes.csv order, the
/// share that had ended by then in that outcome (its cumulative incidence). At every time S plus
/// the incidences is 1. Wilson intervals.
pub fn survival_records(h: &Histogram, ids: &[String; PARTIES]) -> Records {
    let all = h.ended_by(None);
    let n = *all.last().expect("bins + 1 edges");
    let time = |b: usize| if b == 0 { 0.0 } else { h.edges(b - 1).1 };
    let mut out = Vec::new();
    let mut push = |curve: &str, party: String, b: usize, k: u64| {
        let e = wilson(k, n);
        let [lo, hi] = ci(&e);
        out.push(vec![
            curve.to_string(),
            party,
            float(time(b)),
            float(e.value),
            lo,
            hi,
        ]);
    };
    for (b, &ended) in all.iter().enumerate() {
        push("still_negotiating", String::new(), b, n - ended);
    }
    for o in Outcome::ALL {
        for (b, &k) in h.ended_by(Some(o)).iter().enumerate() {
            push(o.name(), party_id(ids, o.party()), b, k);
        }
    }
    out
}

/// survival.csv: S(t) and each outcome's cumulative incidence at every bin edge.
pub fn survival(h: &Histogram, ids: &[String; PARTIES]) -> Vec<u8> {
    to_csv(&SURVIVAL_HEADER, &[], &survival_records(h, ids))
}

/// summary.csv.
pub fn summary(report: &Report, ids: &[String; PARTIES]) -> Vec<u8> {
    to_csv(&SUMMARY_HEADER, &[], &summary_records(report, ids))
}

/// outcomes.csv.
pub fn outcomes(report: &Report, ids: &[String; PARTIES]) -> Vec<u8> {
    to_csv(&OUTCOMES_HEADER, &[], &outcome_records(report, ids))
}

/// times.csv: the end times' histogram per outcome and for all rounds.
pub fn times(h: &Histogram, ids: &[String; PARTIES]) -> Vec<u8> {
    to_csv(&TIMES_HEADER, &[], &times_records(h, ids))
}
