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
        "party,strategy,payoff,ci_low,ci_high,best_deviation,best_payoff,gain,gain_ci_low,gain_ci_high"
    );
    assert_eq!(lines.len(), 4, "two parties and the NashConv row");
    assert!(
        lines[1].starts_with("a,equilibrium,")
            && lines[2].starts_with("b,hazard:rate=0.2:growth=0,")
    );
    assert!(lines[3].starts_with(",,,,,,,"));
    let dev = fs::read_to_string(out.join("deviations.csv")).unwrap();
    assert!(dev.starts_with(
        "party,deviation,time,payoff,ci_low,ci_high,difference,diff_ci_low,diff_ci_high\n"
    ));
    // 11 steps over [0, 2], the event at 1 and the deadline among them, 0.5 and 1.25, and never.
    let a_rows: Vec<&str> = dev.lines().filter(|l| l.starts_with("a,")).collect();
    assert_eq!(a_rows.len(), 11 + 2 + 1);
    assert!(a_rows[0].starts_with("a,immediate,0.0,"));
    assert!(a_rows.iter().any(|l| l.starts_with("a,at_time,1.25,")));
    assert!(a_rows.last().unwrap().starts_with("a,never,,"));
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
