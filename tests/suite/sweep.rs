//! `impasse sweep`: designs and their bad inputs, reproducing a point with `run`, thread
//! independence, resuming after SIGKILL, and a comparative static that theory predicts.

use crate::common;
use common::{impasse, same_bytes};

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use tempfile::TempDir;

const DUEL: &str = r#"
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

fn scenario(dir: &Path, text: &str) -> String {
    let p = dir.join("duel.toml");
    fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn refuses(args: &[&str], needle: &str) {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path(), DUEL);
    impasse()
        .args(["sweep", &file, "-q"])
        .args(args)
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(needle))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn fails_with_an_empty_range() {
    refuses(
        &[
            "--vary",
            "parties.a.stake=1..1",
            "--design",
            "lhs",
            "--points",
            "3",
        ],
        "--vary parties.a.stake=1..1: the range `1..1` is empty",
    );
    refuses(
        &["--vary", "parties.a.stake=2:2:3"],
        "--vary parties.a.stake=2:2:3: the range `2:2:3` is empty",
    );
}

#[test]
fn fails_with_zero_steps() {
    refuses(
        &["--vary", "parties.a.stake=0:1:0"],
        "--vary parties.a.stake=0:1:0: `0:1:0` has zero steps",
    );
}

#[test]
fn fails_with_a_path_that_does_not_exist() {
    refuses(
        &["--vary", "parties.a.presure=0:1:3"],
        "--vary parties.a.presure=0:1:3: parties.a.presure: unknown field `presure`",
    );
    refuses(
        &["--vary", "parties.z.stake=1:2:3"],
        "--vary parties.z.stake=1:2:3: there is no party `z`",
    );
}

#[test]
fn fails_with_a_path_to_a_non_numeric_field() {
    refuses(
        &["--vary", "parties.a.label=1:2:3"],
        "--vary parties.a.label=1:2:3: parties.a.label: invalid type: integer `1`, expected a string",
    );
}

#[test]
fn fails_with_a_value_that_is_not_a_number() {
    refuses(
        &["--vary", "parties.a.stake=1,two,3"],
        "--vary parties.a.stake=1,two,3: `two` is not a number",
    );
}

#[test]
fn fails_with_too_many_points() {
    refuses(
        &[
            "--vary",
            "parties.a.stake=1:2:1001",
            "--vary",
            "parties.b.stake=1:2:1000",
        ],
        "the grid of the --vary axes has 1001000 points; at most 1000000",
    );
    refuses(
        &[
            "--vary",
            "parties.a.stake=1..2",
            "--design",
            "random",
            "--points",
            "1000001",
        ],
        "--points must be in 1..=1000000",
    );
}

#[test]
fn fails_with_a_value_out_of_the_fields_range() {
    refuses(
        &["--vary", "parties.a.stake=-1:2:3"],
        "--vary parties.a.stake=-1:2:3: parties.a.stake: must be > 0, got -1",
    );
}

#[test]
fn fails_with_an_unknown_design() {
    refuses(
        &["--vary", "parties.a.stake=1:2:3", "--design", "halton"],
        "--design: `halton` is not a design: use grid, random, lhs or sobol",
    );
}

fn sweep(dir: &Path, out: &str, extra: &[&str]) -> std::path::PathBuf {
    let file = scenario(dir, DUEL);
    let out = dir.join(out);
    impasse()
        .args([
            "sweep",
            &file,
            "-q",
            "--vary",
            "parties.a.pressure=0.5:2:4",
            "--vary",
            "parties.b.stake=1,2",
        ])
        .args(extra)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    out
}

#[test]
fn writes_long_format_rows_in_point_order() {
    let dir = TempDir::new().unwrap();
    let out = sweep(dir.path(), "s", &[]);
    let text = fs::read_to_string(out.join("sweep.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "point,seed,parties.a.pressure,parties.b.stake,metric,party,value,ci_low,ci_high"
    );
    let points: Vec<u64> = lines
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(points.windows(2).all(|w| w[0] <= w[1]) && points[points.len() - 1] == 7);
    let outcomes = fs::read_to_string(out.join("sweep_outcomes.csv")).unwrap();
    assert_eq!(outcomes.lines().count(), 1 + 8 * 9);
    // Grid values: 0.5:2:4 is 0.5, 1, 1.5, 2; the last axis varies fastest.
    let firsts: Vec<String> = outcomes
        .lines()
        .skip(1)
        .step_by(9)
        .map(|l| l.split(',').skip(2).take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        firsts,
        [
            "0.5 1", "0.5 2", "1 1", "1 2", "1.5 1", "1.5 2", "2 1", "2 2"
        ]
    );
    assert!(
        !out.join(".sweep").exists(),
        "the resume state is removed once results are complete"
    );
}

#[test]
fn a_point_is_reproduced_by_run_with_its_overrides_and_seed() {
    let dir = TempDir::new().unwrap();
    let out = sweep(dir.path(), "s", &[]);
    let text = fs::read_to_string(out.join("sweep.csv")).unwrap();
    // Point 5: pressure 1.5, stake 2.
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("5,")).collect();
    let seed = rows[0].split(',').nth(1).unwrap();
    let file = dir.path().join("duel.toml");
    let run = dir.path().join("run");
    impasse()
        .arg("run")
        .arg(&file)
        .args([
            "-q",
            "--set",
            "parties.a.pressure=1.5",
            "--set",
            "parties.b.stake=2",
            "--seed",
            seed,
            "-n",
            "2000",
            "-o",
        ])
        .arg(&run)
        .assert()
        .success();
    let summary = fs::read_to_string(run.join("summary.csv")).unwrap();
    let expected: Vec<String> = summary
        .lines()
        .skip(1)
        .map(|l| format!("5,{seed},1.5,2,{l}"))
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn one_and_two_threads_give_the_same_bytes() {
    let dir = TempDir::new().unwrap();
    let a = sweep(dir.path(), "a", &["-j", "1"]);
    let b = sweep(dir.path(), "b", &["-j", "2"]);
    same_bytes(
        &a,
        &b,
        &["sweep.csv", "sweep_outcomes.csv", "manifest.toml"],
    );
}

#[test]
fn the_manifest_reruns_the_sweep() {
    let dir = TempDir::new().unwrap();
    let a = sweep(dir.path(), "a", &[]);
    let b = dir.path().join("b");
    impasse()
        .arg("sweep")
        .arg(a.join("manifest.toml"))
        .arg("-q")
        .arg("-o")
        .arg(&b)
        .assert()
        .success();
    assert_eq!(
        fs::read(a.join("sweep.csv")).unwrap(),
        fs::read(b.join("sweep.csv")).unwrap()
    );
}

/// Kill the sweep of `args` (SIGKILL) after a few of its `points` points, resume it, and compare
/// `files` with an uninterrupted sweep's.
fn killed_and_resumed_equals_whole(dir: &Path, args: &[&str], points: usize, files: &[&str]) {
    let killed = dir.join("killed");
    let bin = assert_cmd::cargo::cargo_bin("impasse");
    let mut child = std::process::Command::new(&bin)
        .args(args)
        .arg("-o")
        .arg(&killed)
        .spawn()
        .unwrap();
    let state = killed.join(".sweep/points");
    let started = Instant::now();
    loop {
        let done = fs::read_dir(&state).map(|d| d.count()).unwrap_or(0);
        if done >= 3 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let done = fs::read_dir(&state).unwrap().count();
    assert!(
        (3..points).contains(&done),
        "killed with {done} of {points} points done"
    );
    assert!(!killed.join("sweep.csv").exists());

    impasse()
        .args(args)
        .arg("--resume")
        .arg("-o")
        .arg(&killed)
        .assert()
        .success();
    let whole = dir.join("whole");
    impasse()
        .args(args)
        .arg("-o")
        .arg(&whole)
        .assert()
        .success();
    same_bytes(&killed, &whole, files);
}

#[test]
fn resume_after_sigkill_equals_an_uninterrupted_sweep() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path(), &DUEL.replace("rounds = 2000", "rounds = 20000"));
    let args = [
        "sweep",
        &file,
        "-q",
        "-j",
        "1",
        "--vary",
        "parties.a.pressure=0.5:2:40",
    ];
    killed_and_resumed_equals_whole(dir.path(), &args, 40, &["sweep.csv", "sweep_outcomes.csv"]);
}

#[test]
fn resume_refuses_a_directory_of_another_sweep() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path(), DUEL);
    let out = dir.path().join("o");
    fs::create_dir_all(out.join(".sweep/points")).unwrap();
    fs::write(out.join(".sweep/fingerprint.txt"), "some other sweep").unwrap();
    impasse()
        .args([
            "sweep",
            &file,
            "-q",
            "--resume",
            "--vary",
            "parties.a.pressure=1,2",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "holds a sweep of another scenario or design",
        ));
    let empty = dir.path().join("empty");
    impasse()
        .args([
            "sweep",
            &file,
            "-q",
            "--resume",
            "--vary",
            "parties.a.pressure=1,2",
            "-o",
        ])
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to resume"));
}

#[test]
fn raising_ones_pressure_raises_the_others_chance_of_conceding_first() {
    // Equilibrium with stakes 1: λ_a = c_b, λ_b = c_a, so P(a concedes first) = c_b / (c_a + c_b).
    // With c_b = 1 and c_a = 0.5, 1, 1.5, 2: 2/3, 1/2, 2/5, 1/3. Raising a's own pressure makes b
    // concede sooner. Each point has 40,000 rounds: se = sqrt(p (1 - p) / n) <= 0.0025.
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path(), &DUEL.replace("rounds = 2000", "rounds = 40000"));
    let out = dir.path().join("o");
    impasse()
        .args([
            "sweep",
            &file,
            "-q",
            "--vary",
            "parties.a.pressure=0.5:2:4",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = fs::read_to_string(out.join("sweep.csv")).unwrap();
    let measured: Vec<f64> = text
        .lines()
        .filter(|l| l.contains(",concede_probability,a,"))
        .map(|l| l.split(',').nth(5).unwrap().parse().unwrap())
        .collect();
    let n = 40_000.0f64;
    for (ca, p) in [0.5, 1.0, 1.5, 2.0].iter().zip(&measured) {
        let expected = 1.0 / (ca + 1.0);
        let se = (expected * (1.0 - expected) / n).sqrt();
        println!("c_a = {ca}: expected {expected:.6}, measured {p:.6}, se {se:.6}");
        assert!(
            (p - expected).abs() <= 4.0 * se,
            "c_a = {ca}: {p} vs {expected}"
        );
    }
    assert!(measured.windows(2).all(|w| w[1] < w[0]), "{measured:?}");
}

#[test]
fn fails_with_a_bad_spec_in_the_sweep_table() {
    let dir = TempDir::new().unwrap();
    let file = scenario(
        dir.path(),
        &format!("{DUEL}\n[sweep]\nvary = {{ \"parties.a.stake\" = \"1:2\" }}\n"),
    );
    impasse()
        .args(["sweep", &file, "-q", "-o"])
        .arg(dir.path().join("o"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "[sweep] vary \"parties.a.stake\" = \"1:2\": `1:2` is not a SPEC",
        ));
}

/// Sobol' designs: the bad inputs the issue names, each refused with exit 2 and what to do.
#[test]
fn sobol_designs_refuse_what_they_cannot_estimate() {
    let two = [
        "--vary",
        "parties.a.pressure=0.5..2",
        "--vary",
        "parties.b.pressure=0.5..2",
        "--design",
        "sobol",
    ];
    fn with<'a>(two: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        [two, extra].concat()
    }
    refuses(
        &with(&two, &["--points", "100"]),
        "--points 100: a sobol design takes a power of 2 base points, for the sequence's balance; use 64 or 128",
    );
    refuses(&with(&two, &["--points", "1"]), "use 2 or more");
    refuses(&with(&two, &[]), "a sobol design needs --points N");
    refuses(
        &[
            "--vary",
            "parties.a.pressure=0.5..2",
            "--design",
            "sobol",
            "--points",
            "8",
        ],
        "a sobol design needs at least 2 varied ranges",
    );
    refuses(
        &[
            "--vary",
            "parties.a.pressure=0.5:2:4",
            "--vary",
            "parties.b.pressure=0.5..2",
            "--design",
            "sobol",
            "--points",
            "8",
        ],
        "--vary parties.a.pressure=0.5:2:4: a sobol design takes ranges a..b",
    );
    refuses(
        &with(&two, &["--points", "131072"]),
        "at most 65536 base points",
    );
}

/// A Sobol' sweep runs N (k + 2) points in blocks (A, A with each coordinate from B, B), and
/// writes sensitivity.csv: for each metric with a value everywhere, a first and a total index
/// per path and a noise row, with the first-order index of the path that raises a party's
/// pressure on its chance of conceding well above zero.
#[test]
fn a_sobol_sweep_writes_its_blocks_and_sensitivity() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path(), DUEL);
    let out = dir.path().join("s");
    impasse()
        .args([
            "sweep", &file, "-q", "-n", "4000", "--design", "sobol", "--points", "32",
        ])
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
    let sweep = fs::read_to_string(out.join("sweep.csv")).unwrap();
    let mut points: Vec<(u64, f64, f64)> = Vec::new();
    for line in sweep.lines().skip(1).filter(|l| l.contains(",rounds,")) {
        let f: Vec<&str> = line.split(',').collect();
        points.push((
            f[0].parse().unwrap(),
            f[2].parse().unwrap(),
            f[3].parse().unwrap(),
        ));
    }
    assert_eq!(points.len(), 32 * 4);
    for block in points.chunks(4) {
        let (a, ab1, ab2, b) = (block[0], block[1], block[2], block[3]);
        assert_eq!(
            (ab1.1, ab1.2),
            (b.1, a.2),
            "AB^1 takes its first coordinate from B"
        );
        assert_eq!(
            (ab2.1, ab2.2),
            (a.1, b.2),
            "AB^2 takes its second coordinate from B"
        );
    }
    let s = fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let mut lines = s.lines();
    assert_eq!(
        lines.next(),
        Some("metric,party,parameter,index,value,ci_low,ci_high")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows.len() % 5,
        0,
        "2 paths x (first, total) + noise per metric"
    );
    assert!(!rows.iter().any(|r| r[0] == "rounds"));
    let first = rows
        .iter()
        .find(|r| {
            r[0] == "concede_probability"
                && r[1] == "a"
                && r[2] == "parties.b.pressure"
                && r[3] == "first"
        })
        .unwrap();
    let (v, lo): (f64, f64) = (first[4].parse().unwrap(), first[5].parse().unwrap());
    assert!(v > 0.2 && lo > 0.0, "{first:?}");
    let noise = rows
        .iter()
        .find(|r| r[0] == "concede_probability" && r[1] == "a" && r[3] == "noise")
        .unwrap();
    let share: f64 = noise[4].parse().unwrap();
    assert!(share > 0.0 && share < 0.05, "{noise:?}");
    // Spreads and quantiles have no standard error: their noise row is empty.
    let sd = rows
        .iter()
        .find(|r| r[0] == "time_sd" && r[3] == "noise")
        .unwrap();
    assert_eq!(&sd[4..], ["", "", ""]);
}

/// Resuming a killed Sobol' sweep gives the same bytes, indices included.
#[test]
fn a_resumed_sobol_sweep_equals_an_uninterrupted_one() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path(), &DUEL.replace("rounds = 2000", "rounds = 20000"));
    let args = [
        "sweep",
        &file,
        "-q",
        "-j",
        "1",
        "--design",
        "sobol",
        "--points",
        "8",
        "--vary",
        "parties.a.pressure=0.5..2",
        "--vary",
        "parties.b.stake=1..3",
    ];
    let files = ["sweep.csv", "sweep_outcomes.csv", "sensitivity.csv"];
    killed_and_resumed_equals_whole(dir.path(), &args, 32, &files);
}

/// A sweep prints its headline as a run prints its table: each headline metric's range over the
/// points, where it is lowest and highest over a grid, and a Sobol' design's total indices with
/// their intervals; the figures are those of sweep.csv and sensitivity.csv.
#[test]
fn a_sweep_prints_its_headline() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path(), DUEL);
    let grid = impasse()
        .args([
            "sweep",
            &file,
            "--no-report",
            "--vary",
            "parties.a.pressure=0.5,2",
            "-o",
        ])
        .arg(dir.path().join("g"))
        .assert()
        .success();
    let text = String::from_utf8(grid.get_output().stdout.clone()).unwrap();
    // a concedes less often where its pressure is higher (it mixes to keep b indifferent).
    let csv = fs::read_to_string(dir.path().join("g/sweep.csv")).unwrap();
    let conceded: Vec<f64> = csv
        .lines()
        .filter(|l| l.contains(",concede_probability,a,"))
        .map(|l| l.split(',').nth(5).unwrap().parse().unwrap())
        .collect();
    let line = text
        .lines()
        .find(|l| l.contains("concede probability of a"))
        .unwrap_or_else(|| panic!("{text}"));
    let (lo, hi) = (conceded[1], conceded[0]);
    assert!(lo < hi, "{conceded:?}");
    assert!(line.contains(&format!("{lo:.3} to {hi:.3}")), "{text}");
    assert!(
        line.contains("(lowest at parties.a.pressure = 2; highest at parties.a.pressure = 0.5)"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.contains("agreement probability"))
        .unwrap();
    assert!(line.contains("(the same at every point)"), "{text}");
    assert!(text.starts_with("Over the 2 points"), "{text}");
    let sobol = impasse()
        .args([
            "sweep",
            &file,
            "--no-report",
            "-n",
            "500",
            "--design",
            "sobol",
        ])
        .args(["--points", "16", "--vary", "parties.a.pressure=0.5..2"])
        .args(["--vary", "parties.b.pressure=0.5..2", "-o"])
        .arg(dir.path().join("s"))
        .assert()
        .success();
    let text = String::from_utf8(sobol.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Total Sobol' indices"), "{text}");
    assert!(!text.contains("lowest at"), "{text}");
    let csv = fs::read_to_string(dir.path().join("s/sensitivity.csv")).unwrap();
    let total = csv
        .lines()
        .find(|l| l.starts_with("concede_probability,a,parties.a.pressure,total,"))
        .unwrap();
    let v: f64 = total.split(',').nth(4).unwrap().parse().unwrap();
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("parties.a.pressure"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains(&format!("{v:.2} ±")), "{v} in {row}");
}
