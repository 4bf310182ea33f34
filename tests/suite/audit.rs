//! `impasse audit` as users meet it: its files and table, the manifest that reproduces it, shards
//! that merge into the same bytes, and bad input refused with exit code 2.

use crate::common;
use common::{impasse, same_bytes};

use std::fs;

use predicates::prelude::*;
use tempfile::TempDir;

const WAR: &str = r#"
title = "War"
[parties.a]
stake = 1
pressure = 0.5
breakdown_cost = 1
strategy = "equilibrium"
[parties.b]
stake = 1
pressure = 0.5
breakdown_cost = 1
strategy = { kind = "hazard", rate = 0.2 }
[deadline]
at = 2
breakdown_probability = 1
[[event]]
name = "e"
at = 1
party = "a"
effects = ["pressure += 0.1"]
[simulation]
rounds = 3000
"#;

fn scenario(dir: &TempDir) -> String {
    let p = dir.path().join("war.toml");
    fs::write(&p, WAR).unwrap();
    p.display().to_string()
}

#[test]
fn audit_writes_the_value_curves_the_gains_and_a_table() {
    let dir = TempDir::new().unwrap();
    let file = scenario(&dir);
    let out = dir.path().join("audit");
    impasse()
        .args(["audit", &file, "--grid", "11", "--at", "0.5,1.25", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("best deviation"))
        .stdout(predicate::str::contains("NashConv"));
    let audit = fs::read_to_string(out.join("audit.csv")).unwrap();
    let lines: Vec<&str> = audit.lines().collect();
    assert_eq!(
        lines[0],
        "party,strategy,deviations,type_quantile,type,payoff,ci_low,ci_high,best_deviation,best_payoff,gain,gain_ci_low,gain_ci_high"
    );
    assert_eq!(
        lines.len(),
        4,
        "two parties and the NashConv row: no random events, no history rows"
    );
    assert!(
        lines[1].starts_with("a,equilibrium,time,,,")
            && lines[2].starts_with("b,hazard:rate=0.2:growth=0,time,,,")
    );
    assert!(lines[3].starts_with(",,,,,,,,,,"));
    let dev = fs::read_to_string(out.join("deviations.csv")).unwrap();
    assert!(dev.starts_with(
        "party,deviations,type_quantile,type,deviation,time,payoff,ci_low,ci_high,difference,diff_ci_low,diff_ci_high\n"
    ));
    // 11 steps over [0, 2], the event at 1 and the deadline among them, 0.5 and 1.25, and never.
    let a_rows: Vec<&str> = dev.lines().filter(|l| l.starts_with("a,")).collect();
    assert_eq!(a_rows.len(), 11 + 2 + 1);
    assert!(a_rows[0].starts_with("a,time,,,immediate,0.0,"));
    assert!(
        a_rows
            .iter()
            .any(|l| l.starts_with("a,time,,,at_time,1.25,"))
    );
    assert!(a_rows.last().unwrap().starts_with("a,time,,,never,,"));
}

#[test]
fn the_audit_manifest_reproduces_it_and_shards_merge_into_the_same_bytes() {
    let dir = TempDir::new().unwrap();
    let file = scenario(&dir);
    let whole = dir.path().join("whole");
    impasse()
        .args(["audit", &file, "--grid", "9", "-q", "-o"])
        .arg(&whole)
        .assert()
        .success();
    let again = dir.path().join("again");
    impasse()
        .arg("audit")
        .arg(whole.join("manifest.toml"))
        .args(["-q", "-o"])
        .arg(&again)
        .assert()
        .success();
    same_bytes(&whole, &again, &["audit.csv", "deviations.csv"]);
    let (parts, merged) = (dir.path().join("parts"), dir.path().join("merged"));
    common::shards(&["audit", &file, "--grid", "9"], &parts, 3);
    common::merge(&[&parts], &merged);
    same_bytes(
        &whole,
        &merged,
        &["audit.csv", "deviations.csv", "manifest.toml"],
    );
}

#[test]
fn audit_refuses_a_grid_or_a_time_outside_the_game() {
    let dir = TempDir::new().unwrap();
    let file = scenario(&dir);
    for (args, needle) in [
        (vec!["--grid", "1"], "the grid needs 2 to 100000 points"),
        (
            vec!["--at", "-1"],
            "--at -1: a deviation's time must lie in [0, 2]",
        ),
        (
            vec!["--at", "3"],
            "--at 3: a deviation's time must lie in [0, 2]",
        ),
        (vec!["--at", "x"], "invalid value 'x'"),
    ] {
        impasse()
            .args(["audit", &file])
            .args(&args)
            .arg("-o")
            .arg(dir.path().join("no"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle));
        assert!(!dir.path().join("no").exists());
    }
}

/// The negative control of docs/model.md 6.2: a face-saving offer may come (rate 0.5, once) that
/// takes away a's audience cost of 1.5 for good; b never concedes; holding to the deadline at 10
/// costs a 1 + 0.1 * 10 = 2. Conceding at a fixed time t pays −0.1 t − 1.5 e^(−0.5 t) (best near
/// t = 4: −0.603). Waiting for the offer and conceding at the next time of the grid pays more:
/// with the grid's steps of 0.5, an offer in (q_{k−1}, q_k] is taken at q_k for −0.1 q_k, and
/// without one by 10 the talks break down (−0.231 in all).
const OFFER: &str = r#"
title = "A face-saving offer"
[parties.a]
stake = 1
pressure = 0.1
audience_cost = 1.5
breakdown_cost = 1
strategy = "immediate"
[parties.b]
stake = 1
pressure = 0.1
strategy = "never"
[deadline]
at = 10
breakdown_probability = 1
[[event]]
name = "offer"
rate = 0.5
max = 1
party = "a"
effects = ["audience_cost = 0"]
[simulation]
rounds = 20000
"#;

/// The best fixed time's expected payoff in closed form.
fn offer_fixed_payoff() -> f64 {
    (0..=20)
        .map(|k| -0.05 * k as f64 - 1.5 * (-0.25 * k as f64).exp())
        .fold(f64::NEG_INFINITY, f64::max)
}

/// The rule's expected payoff in closed form.
fn offer_rule_payoff() -> f64 {
    let (rho, c) = (0.5f64, 0.1);
    let q = |k: usize| 0.5 * k as f64;
    let taken: f64 = (1..=20)
        .map(|k| ((-rho * q(k - 1)).exp() - (-rho * q(k)).exp()) * (-c * q(k)))
        .sum();
    taken + (-rho * 10.0).exp() * -2.0
}

#[test]
fn the_audit_finds_a_gain_that_only_waiting_for_an_event_gives() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("offer.toml");
    fs::write(&file, OFFER).unwrap();
    let out = dir.path().join("audit");
    let assert = impasse()
        .args([
            "audit",
            file.to_str().unwrap(),
            "--grid",
            "21",
            "--no-report",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let printed = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        printed.contains("waiting for events: after 1 \"offer\": concede at once; otherwise hold"),
        "{printed}"
    );
    let audit = fs::read_to_string(out.join("audit.csv")).unwrap();
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(audit.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let num = |r: &[String], k: usize| r[k].parse::<f64>().unwrap();
    // party,strategy,deviations,type_quantile,type,payoff,ci_low,ci_high,best_deviation,best_payoff,gain,gain_ci_low,gain_ci_high
    // The profile pays −1.5 in every round, so a deviation's payoff and its gain share one
    // interval.
    let se = |r: &[String]| (num(r, 12) - num(r, 11)) / (2.0 * 1.959964);
    let time = &rows[0];
    assert_eq!((time[0].as_str(), time[2].as_str()), ("a", "time"));
    let fixed = offer_fixed_payoff();
    assert!(
        (num(time, 9) - fixed).abs() <= 4.0 * se(time),
        "the best fixed time pays {} where its closed form is {fixed}",
        num(time, 9)
    );
    let history = &rows[1];
    assert_eq!((history[0].as_str(), history[2].as_str()), ("a", "history"));
    let expected = offer_rule_payoff();
    assert!(
        (num(history, 9) - expected).abs() <= 4.0 * se(history),
        "the rule pays {} where its closed form is {expected} (se {})",
        num(history, 9),
        se(history)
    );
    assert!((num(history, 10) - (expected + 1.5)).abs() <= 4.0 * se(history));
    // What only waiting for the event gives, in closed form: both figures above are measured
    // within 4 standard errors of theirs, so the audit finds it.
    assert!(expected - fixed > 0.3);
    // The NashConv sums each party's best gain, a's by waiting.
    let best = |party: &str| {
        rows.iter()
            .filter(|r| r[0] == party)
            .map(|r| num(r, 10))
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let nash = rows.last().unwrap();
    assert_eq!(nash[0], "");
    assert!((num(nash, 10) - best("a") - best("b")).abs() < 1e-12);
    // The shards choose the same rule and merge into the same bytes as one pass; so do threads.
    let (parts, merged) = (dir.path().join("parts"), dir.path().join("merged"));
    let f = file.to_str().unwrap();
    common::shards(&["audit", f, "--grid", "21", "-n", "40000"], &parts, 3);
    common::merge(&[&parts], &merged);
    let whole = dir.path().join("whole");
    impasse()
        .args([
            "audit",
            f,
            "--grid",
            "21",
            "-n",
            "40000",
            "-q",
            "--threads",
            "1",
            "-o",
        ])
        .arg(&whole)
        .assert()
        .success();
    same_bytes(
        &whole,
        &merged,
        &["audit.csv", "deviations.csv", "manifest.toml"],
    );
    // Without the history rule: no history rows.
    let plain = dir.path().join("plain");
    impasse()
        .args(["audit", f, "--grid", "21", "--no-history", "-q", "-o"])
        .arg(&plain)
        .assert()
        .success();
    let audit = fs::read_to_string(plain.join("audit.csv")).unwrap();
    assert!(!audit.contains(",history,"), "{audit}");
}

/// Found while looking at reports: with a party's own deadline (a walkout at 20) before the
/// horizon (200), the grid covered [0, 200], and the report refused the times past 20 as outside
/// the game ("not a number from 0 to 20"): `impasse audit` failed after writing its files. The
/// grid, `--at` and the report now share one end (`audit::end`): the game's, at 20.
#[test]
fn an_audit_with_an_own_deadline_before_the_horizon_gets_its_report() {
    let dir = TempDir::new().unwrap();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/scenarios/growing.toml"
    );
    let out = dir.path().join("audit");
    impasse()
        .args(["audit", file, "-n", "2000", "--grid", "50", "-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("value-curve"));
    let dev = fs::read_to_string(out.join("deviations.csv")).unwrap();
    let last_time = dev
        .lines()
        .filter_map(|l| l.split(',').nth(5)?.parse::<f64>().ok())
        .fold(0.0, f64::max);
    assert_eq!(last_time, 20.0, "the grid ends with the game");
}

/// A's type is private (b believes it uniform on [0.2, 1]); b's is known.
const TYPED: &str = r#"
title = "Private types"
[parties.a]
stake = 1
pressure = 0.5
leverage = 0.5
resolve = { distribution = "uniform", low = 0.2, high = 1.0 }
strategy = "equilibrium"
[parties.b]
stake = 1
pressure = 0.5
leverage = 0.5
strategy = "equilibrium"
[deadline]
at = 2
breakdown_probability = 1
[simulation]
rounds = 4000
"#;

/// Where a party's type is private the audit takes it per type (docs/model.md 6.2): rows per
/// type at the quantiles (k − 0.5)/K of its prior, the party's own row carrying the interim
/// gain (the mean of its types'), a value curve per type; `--types` sets K (0: none), the
/// `[audit]` table too, and shards merge into the one pass's bytes.
#[test]
fn a_private_type_is_audited_per_type_and_its_shards_merge() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("typed.toml");
    fs::write(&file, TYPED).unwrap();
    let file = file.display().to_string();
    let whole = dir.path().join("whole");
    impasse()
        .args(["audit", &file, "--grid", "21", "--types", "4", "-o"])
        .arg(&whole)
        .assert()
        .success()
        .stdout(predicate::str::contains("per type"))
        .stdout(predicate::str::contains("interim gain"));
    let audit = fs::read_to_string(whole.join("audit.csv")).unwrap();
    let rows: Vec<Vec<&str>> = audit
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    // a's own row, its four types, b's row (known: no types), the NashConv.
    assert_eq!(rows.len(), 1 + 4 + 1 + 1, "{audit}");
    assert_eq!(&rows[0][..5], ["a", "equilibrium", "time", "", ""]);
    assert_eq!(rows[0][8], "per type");
    let num = |s: &str| s.parse::<f64>().unwrap();
    let mut gains = 0.0;
    for (k, r) in rows[1..5].iter().enumerate() {
        let q = (k as f64 + 0.5) / 4.0;
        assert_eq!((r[0], r[2]), ("a", "time"));
        assert_eq!(num(r[3]), q);
        assert!((num(r[4]) - (0.2 + 0.8 * q)).abs() < 1e-12, "{r:?}");
        gains += num(r[10]);
    }
    assert!(
        (num(rows[0][10]) - gains / 4.0).abs() < 1e-12,
        "interim gain"
    );
    assert_eq!(&rows[5][..5], ["b", "equilibrium", "time", "", ""]);
    let dev = fs::read_to_string(whole.join("deviations.csv")).unwrap();
    // Per curve: 21 steps (the deadline among them) and never; a's own and its four types', b's.
    assert_eq!(dev.lines().count() - 1, 22 * (1 + 4 + 1));
    let report = fs::read_to_string(whole.join("report.html")).unwrap();
    assert!(report.contains("interim gain") && report.contains("(q 0.125)"));

    let (parts, merged) = (dir.path().join("parts"), dir.path().join("merged"));
    common::shards(&["audit", &file, "--grid", "21", "--types", "4"], &parts, 3);
    common::merge(&[&parts], &merged);
    same_bytes(
        &whole,
        &merged,
        &["audit.csv", "deviations.csv", "manifest.toml"],
    );
    // The manifest keeps the number of types, so it reproduces the audit.
    let again = dir.path().join("again");
    impasse()
        .arg("audit")
        .arg(whole.join("manifest.toml"))
        .args(["-q", "-o"])
        .arg(&again)
        .assert()
        .success();
    same_bytes(&whole, &again, &["audit.csv", "deviations.csv"]);

    // No types: the party's ordinary audit only.
    let none = dir.path().join("none");
    impasse()
        .args(["audit", &file, "--grid", "21", "--types", "0", "-q", "-o"])
        .arg(&none)
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(none.join("audit.csv"))
            .unwrap()
            .lines()
            .count(),
        1 + 3
    );
    impasse()
        .args(["audit", &file, "--types", "100", "-o"])
        .arg(dir.path().join("no"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--types: at most 99 types a party, got 100",
        ));
    assert!(!dir.path().join("no").exists());
}
