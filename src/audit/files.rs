//! The audit's files: audit.csv (per party: its payoff, the best deviation to a fixed time and
//! its gain, and where random events can fire the best history rule and its gain; a last row with
//! the NashConv) and deviations.csv (each party's value curve, and its history rule). The column
//! `deviations` says which kind a row is: `time` or `history`.

use super::{PartyAudit, Totals, nash_conv};
use crate::aggregate::stats::Estimate;
use crate::model::{PARTIES, Scenario};
use crate::output::csv::float;
use crate::output::csv::{self, Records};

/// audit.csv's columns.
pub const AUDIT_HEADER: [&str; 11] = [
    "party",
    "strategy",
    "deviations",
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
pub const DEVIATIONS_HEADER: [&str; 10] = [
    "party",
    "deviations",
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

/// audit.csv: each party's payoff, best deviation and gain (a `time` row, and a `history` row
/// where the history rule was tried), and the NashConv.
pub fn audit_csv(sc: &Scenario, parties: &[PartyAudit; PARTIES]) -> Vec<u8> {
    let mut rows = Records::new();
    for (i, p) in parties.iter().enumerate() {
        let best = &p.deviations[p.best];
        let mut kinds = vec![("time", label(p, p.best), best.payoff, p.gain())];
        if let Some(h) = &p.history {
            kinds.push(("history", h.rule.clone(), h.payoff, h.difference));
        }
        for (kind, name, payoff, gain) in kinds {
            let [lo, hi] = ci(&p.payoff);
            let [glo, ghi] = ci(&gain);
            rows.push(vec![
                sc.parties[i].id.clone(),
                sc.parties[i].strategy.spec(),
                kind.to_string(),
                float(p.payoff.value),
                lo,
                hi,
                name,
                float(payoff.value),
                float(gain.value),
                glo,
                ghi,
            ]);
        }
    }
    let nc = nash_conv(parties);
    let [lo, hi] = ci(&nc);
    let mut last = vec![String::new(); 8];
    last.extend([float(nc.value), lo, hi]);
    rows.push(last);
    csv::to_csv(&AUDIT_HEADER, &[], &rows)
}

/// deviations.csv: each party's value curve (`time` rows), and its history rule (a `history`
/// row, deviation `rule`, no time).
pub fn deviations_csv(sc: &Scenario, parties: &[PartyAudit; PARTIES]) -> Vec<u8> {
    let mut rows = Records::new();
    for (i, p) in parties.iter().enumerate() {
        let times = p
            .deviations
            .iter()
            .map(|d| ("time", d.name(), d.time, d.payoff, d.difference));
        let history = p
            .history
            .iter()
            .map(|h| ("history", "rule", None, h.payoff, h.difference));
        for (kind, name, time, payoff, difference) in times.chain(history) {
            let [lo, hi] = ci(&payoff);
            let [dlo, dhi] = ci(&difference);
            rows.push(vec![
                sc.parties[i].id.clone(),
                kind.to_string(),
                name.to_string(),
                time.map(float).unwrap_or_default(),
                float(payoff.value),
                lo,
                hi,
                float(difference.value),
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
