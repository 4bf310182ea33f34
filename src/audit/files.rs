//! The audit's files: audit.csv (per party: its payoff, the best deviation and the gain; a last
//! row with the NashConv) and deviations.csv (each party's value curve).

use super::{PartyAudit, Totals, nash_conv};
use crate::aggregate::stats::Estimate;
use crate::model::{PARTIES, Scenario};
use crate::output::csv::float;
use crate::output::csv::{self, Records};

/// audit.csv's columns.
pub const AUDIT_HEADER: [&str; 10] = [
    "party",
    "strategy",
    "payoff",
    "ci_low",
    "ci_high",
    "best_deviation",
    "best_payoff",
    "gain",
    "gain_ci_low",
    "gain_ci_high",
];

/// deviations.csv's columns.
pub const DEVIATIONS_HEADER: [&str; 9] = [
    "party",
    "deviation",
    "time",
    "payoff",
    "ci_low",
    "ci_high",
    "difference",
    "diff_ci_low",
    "diff_ci_high",
];

fn ci(e: &Estimate) -> [String; 2] {
    match e.ci {
        Some((lo, hi)) => [float(lo), float(hi)],
        None => [String::new(), String::new()],
    }
}

/// A deviation as audit.csv names it: `immediate`, `at_time:t=T` or `never`.
fn label(p: &PartyAudit, k: usize) -> String {
    let d = &p.deviations[k];
    match (d.name(), d.time) {
        ("at_time", Some(t)) => format!("at_time:t={}", float(t)),
        (name, _) => name.to_string(),
    }
}

/// audit.csv: each party's payoff, best deviation and gain, and the NashConv.
pub fn audit_csv(sc: &Scenario, parties: &[PartyAudit; PARTIES]) -> Vec<u8> {
    let mut rows = Records::new();
    for (i, p) in parties.iter().enumerate() {
        let best = &p.deviations[p.best];
        let gain = p.gain();
        let [lo, hi] = ci(&p.payoff);
        let [glo, ghi] = ci(&gain);
        rows.push(vec![
            sc.parties[i].id.clone(),
            sc.parties[i].strategy.spec(),
            float(p.payoff.value),
            lo,
            hi,
            label(p, p.best),
            float(best.payoff.value),
            float(gain.value),
            glo,
            ghi,
        ]);
    }
    let nc = nash_conv(parties);
    let [lo, hi] = ci(&nc);
    let mut last = vec![String::new(); 7];
    last.extend([float(nc.value), lo, hi]);
    rows.push(last);
    csv::to_csv(&AUDIT_HEADER, &[], &rows)
}

/// deviations.csv: each party's value curve.
pub fn deviations_csv(sc: &Scenario, parties: &[PartyAudit; PARTIES]) -> Vec<u8> {
    let mut rows = Records::new();
    for (i, p) in parties.iter().enumerate() {
        for d in &p.deviations {
            let [lo, hi] = ci(&d.payoff);
            let [dlo, dhi] = ci(&d.difference);
            rows.push(vec![
                sc.parties[i].id.clone(),
                d.name().to_string(),
                d.time.map(float).unwrap_or_default(),
                float(d.payoff.value),
                lo,
                hi,
                float(d.difference.value),
                dlo,
                dhi,
            ]);
        }
    }
    csv::to_csv(&DEVIATIONS_HEADER, &[], &rows)
}

/// The files an audit writes (and a merge of audit shards): audit.csv, deviations.csv and the
/// manifest.
pub fn files(sc: &Scenario, totals: &Totals, manifest: Vec<u8>) -> crate::output::Files {
    let parties = totals.report();
    vec![
        ("audit.csv", audit_csv(sc, &parties)),
        ("deviations.csv", deviations_csv(sc, &parties)),
        ("manifest.toml", manifest),
    ]
}
