//! `impasse discover`: its files and report on a real sweep, a box that theory places, and every
//! bad input refused with exit 2 and the field named. (Parity with EMA Workbench is in
//! `tests/suite/reference.rs`.)

use crate::common;
use common::impasse;

use std::fs;
use std::path::Path;

use predicates::prelude::*;
use tempfile::TempDir;

/// A hand-written sweep.csv: points on a 20 x 20 grid of x, y in [0, 1]; `hit` is 1 where
/// x > 0.6 (whatever y), `share` is missing at one point; `pay` is a party's metric.
fn handmade(dir: &Path) {
    let mut s = String::from("point,seed,x,y,metric,party,value,ci_low,ci_high\n");
    let mut k = 0;
    for i in 0..20 {
        for j in 0..20 {
            let (x, y) = (i as f64 / 19.0, j as f64 / 19.0);
            let hit = if x > 0.6 { 1 } else { 0 };
            s.push_str(&format!("{k},{k},{x},{y},rounds,,100.0,,\n"));
            s.push_str(&format!("{k},{k},{x},{y},hit,,{hit},,\n"));
            let share = if k == 7 { String::new() } else { "0.5".into() };
            s.push_str(&format!("{k},{k},{x},{y},share,,{share},,\n"));
            s.push_str(&format!("{k},{k},{x},{y},pay,a,{x},,\n"));
            s.push_str(&format!("{k},{k},{x},{y},pay,b,{y},,\n"));
            k += 1;
        }
    }
    fs::write(dir.join("sweep.csv"), s).unwrap();
}

fn discover(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    impasse()
        .arg("discover")
        .arg(dir)
        .args(args)
        .args(["--no-report"])
        .assert()
}

fn refuses(dir: &Path, args: &[&str], needle: &str) {
    discover(dir, args)
        .code(2)
        .stderr(predicate::str::contains(needle))
        .stderr(predicate::str::contains("panicked").not());
    for f in ["prim_trajectory.csv", "prim_boxes.csv", "discover.toml"] {
        assert!(!dir.join(f).exists(), "{f} written after an error");
    }
}

#[test]
fn bad_conditions_and_settings_are_refused_by_name() {
    let d = TempDir::new().unwrap();
    handmade(d.path());
    let p = d.path();
    refuses(p, &["--where", "hit = 1"], "has no comparison (> or <)");
    refuses(p, &["--where", "> 1"], "names no metric");
    refuses(p, &["--where", "hit > lots"], "`lots` is not a number");
    refuses(
        p,
        &["--where", "miss > 0.5"],
        "the sweep has no metric `miss`; it has rounds, hit, share, pay",
    );
    refuses(
        p,
        &["--where", "pay > 0.5"],
        "`pay` is a party's metric: name the party, e.g. pay:a",
    );
    refuses(
        p,
        &["--where", "pay:c > 0.5"],
        "no `pay` for a party `c`; its parties are a, b",
    );
    refuses(
        p,
        &["--where", "hit:a > 0.5"],
        "no `hit` for a party `a`; it is not a party's metric",
    );
    refuses(
        p,
        &["--where", "share > 0.1"],
        "`share` has no value at 1 of the 400 points (the first: point 7)",
    );
    refuses(
        p,
        &["--where", "hit > 1"],
        "none of the 400 points meet it (hit runs from 0.0 to 1.0 over the sweep); choose a value between",
    );
    refuses(p, &["--where", "hit < 2"], "all of the 400 points meet it");
    refuses(
        p,
        &["--where", "hit > 0.5", "--threshold", "0"],
        "--threshold must be in (0, 1], got 0",
    );
    refuses(
        p,
        &["--where", "hit > 0.5", "--threshold", "1.5"],
        "--threshold must be in (0, 1]",
    );
    refuses(
        p,
        &["--where", "hit > 0.5", "--boxes", "0"],
        "--boxes must be at least 1",
    );
    refuses(
        p,
        &["--where", "hit > 0.5", "--step", "999"],
        "--step 999: box 1's trajectory has steps 0 to",
    );
    let empty = TempDir::new().unwrap();
    refuses(
        empty.path(),
        &["--where", "hit > 0.5"],
        "not a sweep's directory (no sweep.csv in it)",
    );
    fs::write(empty.path().join("sweep.csv"), "a,b\n1,2\n").unwrap();
    refuses(
        empty.path(),
        &["--where", "hit > 0.5"],
        "no metric column: not a sweep.csv",
    );
}

/// Where the points of interest are x > 0.6 whatever y, PRIM's box restricts x alone, from
/// just above 0.6, holds only points of interest, and leaves y free.
#[test]
fn the_box_is_where_theory_puts_it_and_leaves_the_other_path_free() {
    let d = TempDir::new().unwrap();
    handmade(d.path());
    discover(d.path(), &["--where", "hit > 0.5", "-q"]).success();
    let boxes = fs::read_to_string(d.path().join("prim_boxes.csv")).unwrap();
    let rows: Vec<Vec<&str>> = boxes
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 2);
    let x = &rows[0];
    let low: f64 = x[2].parse().unwrap();
    // The first grid value above 0.6 is 12/19 = 0.63; the box's edge lies between it and 11/19.
    assert!(low > 11.0 / 19.0 && low <= 12.0 / 19.0, "{x:?}");
    assert_eq!(x[3], "1.0");
    assert!(
        !x[4].is_empty() && x[5].is_empty(),
        "restricted below only: {x:?}"
    );
    assert_eq!(&rows[1][2..], ["0.0", "1.0", "", ""], "y is free");
    let traj = fs::read_to_string(d.path().join("prim_trajectory.csv")).unwrap();
    let mut lines = traj.lines();
    assert_eq!(
        lines.next(),
        Some("box,step,coverage,density,mass,restricted")
    );
    assert_eq!(lines.next(), Some("1,0,1.0,0.4,1.0,0"));
    let last: Vec<&str> = traj.lines().last().unwrap().split(',').collect();
    assert_eq!((last[2], last[3], last[5]), ("1.0", "1.0", "1"), "{last:?}");
    let asked = fs::read_to_string(d.path().join("discover.toml")).unwrap();
    assert!(asked.contains("where = \"hit > 0.5\""), "{asked}");
}

/// `--step` gives the box at that step; the table says where it is.
#[test]
fn step_picks_a_box_on_the_trajectory() {
    let d = TempDir::new().unwrap();
    handmade(d.path());
    discover(d.path(), &["--where", "hit > 0.5", "--step", "2"])
        .success()
        .stdout(predicate::str::contains(
            "160 of 400 points meet hit > 0.5 (40.0 %)",
        ))
        .stdout(predicate::str::contains("Box 1 (step 2 of 0.."));
    let asked = fs::read_to_string(d.path().join("discover.toml")).unwrap();
    assert!(asked.contains("steps = [2]"), "{asked}");
}

const DUEL: &str = r#"
title = "duel"
[parties.a]
stake = 1
pressure = 1
strategy = "equilibrium"
[parties.b]
stake = 1
pressure = 1
strategy = "equilibrium"
[simulation]
rounds = 2000
seed = 5
horizon = 100
"#;

/// On a real Sobol' sweep: discover's files and the report's sensitivity and PRIM figures. Where
/// a concedes first more often than not, its opponent's pressure is high or its own low: the box
/// restricts both pressures, from the right sides.
#[test]
fn a_sobol_sweep_then_discover_draws_every_figure() {
    let d = TempDir::new().unwrap();
    let file = d.path().join("duel.toml");
    fs::write(&file, DUEL).unwrap();
    let out = d.path().join("s");
    impasse()
        .arg("sweep")
        .arg(&file)
        .args(["-q", "--design", "sobol", "--points", "64"])
        .args([
            "--vary",
            "parties.a.pressure=0.5..2",
            "--vary",
            "parties.b.pressure=0.5..2",
        ])
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("<figure id=\"sensitivity\">"));
    impasse()
        .arg("discover")
        .arg(&out)
        .args(["--where", "concede_probability:a > 0.6", "-q"])
        .assert()
        .success();
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    for id in ["sensitivity", "prim-tradeoff", "prim-box"] {
        assert!(report.contains(&format!("<figure id=\"{id}\">")), "{id}");
        assert!(out.join(format!("figures/{id}.svg")).is_file(), "{id}");
    }
    let boxes = fs::read_to_string(out.join("prim_boxes.csv")).unwrap();
    let row = |p: &str| -> Vec<String> {
        boxes
            .lines()
            .find(|l| l.contains(p))
            .unwrap()
            .split(',')
            .map(String::from)
            .collect()
    };
    // a concedes first where b's pressure is high relative to a's (rates proportional to the
    // opponent's pressure): the box cuts a's pressure from above and b's from below.
    let (a, b) = (row("parties.a.pressure"), row("parties.b.pressure"));
    assert!(!a[5].is_empty(), "a's pressure limited above: {a:?}");
    assert!(!b[4].is_empty(), "b's pressure limited below: {b:?}");
}
