//! The audit's files: audit.csv (per party: its payoff, the best deviation to a fixed time and
//! its gain, and where random events can fire the best history rule and its gain; a last row with
//! the NashConv) and deviations.csv (each party's value curve, and its history rule). The column
//! `deviations` says which kind a row is: `time` or `history`; `type_quantile` and `type` which
//! type a row is of, where a party's type is private and the audit took it per type.

use super::types::TypeAt;
use super::{PartyAudit, Totals, nash_conv};
use crate::aggregate::stats::Estimate;
use crate::model::{PARTIES, Scenario};
use crate::output::csv::float;
use crate::output::csv::{self, Records};

/// audit.csv's columns.
pub const AUDIT_HEADER: [&str; 13] = [
    "party",
    "strategy",
    "deviations",
    "type_quantile",
    "type",
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
pub const DEVIATIONS_HEADER: [&str; 12] = [
    "party",
    "deviations",
    "type_quantile",
    "type",
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

/// A deviation as audit.csv names it: `immediate`, `at_time:t=T` or `never`; `per type` for a
/// party audited per type.
fn label(p: &PartyAudit) -> String {
    if !p.types.is_empty() {
        return "per type".to_string();
    }
    let d = &p.deviations[p.best];
    match (d.name(), d.time) {
        ("at_time", Some(t)) => format!("at_time:t={}", float(t)),
        (name, _) => name.to_string(),
    }
}

/// A type's two fields (empty for a party's own rows).
fn type_fields(at: Option<&TypeAt>) -> [String; 2] {
    at.map_or([String::new(), String::new()], |t| {
        [float(t.quantile), float(t.theta)]
    })
}

/// audit.csv: each party's payoff, best deviation and gain (a `time` row, its gain the interim
/// gain where its type is private; a `history` row where the history rule was tried), a `time`
/// row per type audited, and the NashConv.
pub fn audit_csv(sc: &Scenario, parties: &[PartyAudit; PARTIES]) -> Vec<u8> {
    let mut rows = Records::new();
    for (i, p) in parties.iter().enumerate() {
        let mut kinds = vec![("time", None, p, label(p), p.best_payoff(), p.gain())];
        if let Some(h) = &p.history {
            kinds.push(("history", None, p, h.rule.clone(), h.payoff, h.difference));
        }
        for t in &p.types {
            let a = &t.audit;
            kinds.push(("time", Some(&t.at), a, label(a), a.best_payoff(), a.gain()));
        }
        for (kind, at, audit, name, payoff, gain) in kinds {
            let [lo, hi] = ci(&audit.payoff);
            let [glo, ghi] = ci(&gain);
            let [q, theta] = type_fields(at);
            rows.push(vec![
                sc.parties[i].id.clone(),
                sc.parties[i].strategy.spec(),
                kind.to_string(),
                q,
                theta,
                float(audit.payoff.value),
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
    let mut last = vec![String::new(); AUDIT_HEADER.len() - 3];
    last.extend([float(nc.value), lo, hi]);
    rows.push(last);
    csv::to_csv(&AUDIT_HEADER, &[], &rows)
}

/// deviations.csv: each party's value curve (`time` rows), its history rule (a `history` row,
/// deviation `rule`, no time), and each type's value curve.
pub fn deviations_csv(sc: &Scenario, parties: &[PartyAudit; PARTIES]) -> Vec<u8> {
    let mut rows = Records::new();
    for (i, p) in parties.iter().enumerate() {
        let curves =
            std::iter::once((None, p)).chain(p.types.iter().map(|t| (Some(&t.at), &t.audit)));
        for (at, audit) in curves {
            let times = (audit.deviations.iter())
                .map(|d| ("time", d.name(), d.time, d.payoff, d.difference));
            let history =
                (audit.history.iter()).map(|h| ("history", "rule", None, h.payoff, h.difference));
            for (kind, name, time, payoff, difference) in times.chain(history) {
                let [lo, hi] = ci(&payoff);
                let [dlo, dhi] = ci(&difference);
                let [q, theta] = type_fields(at);
                rows.push(vec![
                    sc.parties[i].id.clone(),
                    kind.to_string(),
                    q,
                    theta,
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
