//! impasse's Sobol' indices and PRIM against the reference implementations, SALib and EMA
//! Workbench, on the same data (`tests/fixtures/reference/`, written by its `make.py`, run by
//! hand): PRIM's trajectories and box limits to 1e-9, the Sobol' estimates to 1e-9; and the
//! closed forms both must reproduce.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use impasse::sweep::design::{Axis, Design, Kind};
use impasse::sweep::sensitivity::{self, Series};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference")
}

/// A CSV file as rows of text keyed by its header.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(path: &Path) -> Csv {
        let mut r =
            csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let header = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect();
        Csv { header, rows }
    }
    fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap()
    }
}

fn num(s: &str) -> f64 {
    if s.is_empty() {
        f64::NAN
    } else {
        s.parse().unwrap()
    }
}

/// Equal to `tol`, empty cells (unrestricted ends) matching only each other.
fn close(a: &str, b: &str, tol: f64, what: &str) {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => {}
        (false, false) => {
            let (x, y) = (num(a), num(b));
            assert!(
                (x - y).abs() <= tol * y.abs().max(1.0),
                "{what}: impasse {x} vs reference {y}"
            );
        }
        _ => panic!("{what}: impasse `{a}` vs reference `{b}`"),
    }
}

/// Every PRIM case of `cases.csv`: `impasse discover` on a copy of the sweep gives EMA
/// Workbench's trajectory (same steps, coverage, density, mass, restricted dimensions) and box
/// limits to 1e-9, and its quasi-p values to 1e-9 relative (both from the regularised incomplete
/// beta function).
#[test]
fn prim_matches_ema_workbench_on_the_same_points() {
    let dir = fixtures();
    let cases = Csv::read(&dir.join("cases.csv"));
    assert_eq!(cases.rows.len(), 5);
    for case in &cases.rows {
        let (name, sweep, cond, boxes, threshold, step) =
            (&case[0], &case[1], &case[2], &case[3], &case[4], &case[5]);
        let tmp = tempfile::tempdir().unwrap();
        std::fs::copy(
            dir.join(sweep).join("sweep.csv"),
            tmp.path().join("sweep.csv"),
        )
        .unwrap();
        let mut cmd = Command::cargo_bin("impasse").unwrap();
        cmd.args(["discover"]).arg(tmp.path()).args([
            "--where",
            cond,
            "--boxes",
            boxes,
            "--threshold",
            threshold,
            "--no-report",
            "-q",
        ]);
        if !step.is_empty() {
            cmd.args(["--step", step]);
        }
        cmd.assert().success();
        for (file, numeric) in [
            ("trajectory", vec!["coverage", "density", "mass"]),
            ("boxes", vec!["low", "high"]),
        ] {
            let ours = Csv::read(&tmp.path().join(format!("prim_{file}.csv")));
            let theirs = Csv::read(&dir.join(format!("{name}_{file}.csv")));
            assert_eq!(ours.header, theirs.header, "{name} {file}");
            assert_eq!(ours.rows.len(), theirs.rows.len(), "{name} {file}: rows");
            for (k, (a, b)) in ours.rows.iter().zip(&theirs.rows).enumerate() {
                for (c, h) in ours.header.iter().enumerate() {
                    let what = format!("{name} {file} row {k} {h}");
                    if numeric.contains(&h.as_str()) || h.starts_with("qp") {
                        close(&a[c], &b[c], 1e-9, &what);
                    } else {
                        assert_eq!(a[c], b[c], "{what}");
                    }
                }
            }
        }
    }
}

/// The Sobol' estimates on the sweep equal SALib's on the same values to 1e-9; the interval
/// half-widths, each z times the spread of 100 bootstrap resamples (different ones), agree within
/// the spread of such an estimate: its relative standard error is 1/√(2·99) ≈ 0.071, so the log
/// of the ratio of two has a standard deviation of 0.1, and 4 of them allow a ratio in
/// [e^-0.4, e^0.4].
#[test]
fn sobol_indices_match_salib_on_a_sweep() {
    let dir = fixtures();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.join("sobol-war/sweep.csv"),
        tmp.path().join("sweep.csv"),
    )
    .unwrap();
    sensitivity::write(tmp.path(), 11).unwrap();
    let ours = Csv::read(&tmp.path().join("sensitivity.csv"));
    let salib = Csv::read(&dir.join("sobol-war/salib.csv"));
    let (m, p, par, ix, v, lo, hi) = (
        ours.col("metric"),
        ours.col("party"),
        ours.col("parameter"),
        ours.col("index"),
        ours.col("value"),
        ours.col("ci_low"),
        ours.col("ci_high"),
    );
    let mut checked = 0;
    let mut worst: f64 = 0.0;
    for r in &salib.rows {
        for (index, value, conf) in [("first", 3, 4), ("total", 5, 6)] {
            let row = ours
                .rows
                .iter()
                .find(|o| o[m] == r[0] && o[p] == r[1] && o[par] == r[2] && o[ix] == index)
                .unwrap_or_else(|| panic!("no {index} row for {r:?}"));
            close(&row[v], &r[value], 1e-9, &format!("{r:?} {index}"));
            worst = worst.max((num(&row[v]) - num(&r[value])).abs());
            let half = (num(&row[hi]) - num(&row[lo])) / 2.0;
            let ratio = half / num(&r[conf]);
            assert!(
                (-0.4..=0.4).contains(&ratio.ln()),
                "{r:?} {index}: half-width {half} vs SALib's {}",
                r[conf]
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
    println!("sweep: largest difference from SALib's estimates {worst:e}");
}

fn ishigami(x: &[f64]) -> f64 {
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

/// The Ishigami function's indices in closed form (a = 7, b = 0.1).
const ISHIGAMI_FIRST: [f64; 3] = [0.3139, 0.4424, 0.0];
const ISHIGAMI_TOTAL: [f64; 3] = [0.5576, 0.4424, 0.2437];

fn ishigami_values(path: &Path) -> Vec<f64> {
    Csv::read(path).rows.iter().map(|r| num(&r[0])).collect()
}

/// On SALib's own sample of the Ishigami function: the same estimates as SALib to 1e-9, and both
/// within 4 bootstrap standard errors of the closed form.
#[test]
fn sobol_indices_match_salib_and_the_closed_form_on_ishigami() {
    let dir = fixtures().join("ishigami");
    let y = ishigami_values(&dir.join("y.csv"));
    let n = y.len() / 5;
    let ix = sensitivity::indices(
        &Series {
            value: y,
            se2: None,
        },
        3,
        &sensitivity::resamples(n, 1),
    );
    let salib = Csv::read(&dir.join("salib.csv"));
    let mut worst: f64 = 0.0;
    for (i, r) in salib.rows.iter().enumerate() {
        let (f, t) = (ix.first[i].unwrap(), ix.total[i].unwrap());
        worst = worst
            .max((f.value - num(&r[1])).abs())
            .max((t.value - num(&r[3])).abs());
        close(
            &f.value.to_string(),
            &r[1],
            1e-9,
            &format!("{} first", r[0]),
        );
        close(
            &t.value.to_string(),
            &r[3],
            1e-9,
            &format!("{} total", r[0]),
        );
        for (e, want) in [(f, ISHIGAMI_FIRST[i]), (t, ISHIGAMI_TOTAL[i])] {
            let se = (e.high - e.low) / (2.0 * 1.959_963_984_540_054);
            assert!(
                (e.value - want).abs() < 4.0 * se,
                "{}: {e:?} vs {want}",
                r[0]
            );
        }
    }
    println!("Ishigami: largest difference from SALib's estimates {worst:e}");
}

/// On impasse's own Saltelli design (a scrambled Sobol' sequence), the Ishigami function's
/// indices come out within 4 bootstrap standard errors of the closed form.
#[test]
fn impasses_design_reproduces_the_ishigami_indices() {
    let axes: Vec<Axis> = ["x1", "x2", "x3"]
        .iter()
        .map(|p| Axis::parse(&format!("{p}=-3.141592653589793..3.141592653589793")).unwrap())
        .collect();
    let d = Design::new(Kind::Sobol, axes, Some(2048), 2024).unwrap();
    assert_eq!(d.points, 2048 * 5);
    let y: Vec<f64> = (0..d.points).map(|k| ishigami(&d.point(k))).collect();
    let ix = sensitivity::indices(
        &Series {
            value: y,
            se2: None,
        },
        3,
        &sensitivity::resamples(2048, 9),
    );
    for i in 0..3 {
        for (e, want) in [
            (ix.first[i].unwrap(), ISHIGAMI_FIRST[i]),
            (ix.total[i].unwrap(), ISHIGAMI_TOTAL[i]),
        ] {
            let se = (e.high - e.low) / (2.0 * 1.959_963_984_540_054);
            assert!(
                (e.value - want).abs() < 4.0 * se,
                "x{}: {e:?} vs {want}",
                i + 1
            );
        }
    }
}

/// In the war of attrition without a breakdown hazard, a party's breakdown cost changes nothing:
/// its total index is only the Monte Carlo noise every point carries (expected value: the noise
/// share), and PRIM leaves it free.
#[test]
fn a_path_the_game_ignores_has_no_index_beyond_noise_and_prim_leaves_it_free() {
    let dir = fixtures();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.join("sobol-war/sweep.csv"),
        tmp.path().join("sweep.csv"),
    )
    .unwrap();
    sensitivity::write(tmp.path(), 11).unwrap();
    let s = Csv::read(&tmp.path().join("sensitivity.csv"));
    for (metric, party) in [("time_mean", ""), ("concede_probability", "a")] {
        let get = |parameter: &str, index: &str| {
            let r = s
                .rows
                .iter()
                .find(|r| r[0] == metric && r[1] == party && r[2] == parameter && r[3] == index)
                .unwrap();
            (num(&r[4]), num(&r[5]), num(&r[6]))
        };
        let (noise, _, _) = get("", "noise");
        let (total, lo, hi) = get("parties.a.breakdown_cost", "total");
        let se = (hi - lo) / (2.0 * 1.959_963_984_540_054);
        assert!(
            (total - noise).abs() < 4.0 * se,
            "{metric}: total {total}, noise {noise}, se {se}"
        );
        assert!(total < 0.01, "{metric}: {total}");
        let (first, lo, hi) = get("parties.a.breakdown_cost", "first");
        assert!(
            first.abs() < 4.0 * (hi - lo) / (2.0 * 1.959_963_984_540_054),
            "{metric}: first {first}"
        );
        // The pressures carry the variance.
        let (ta, _, _) = get("parties.a.pressure", "total");
        let (tb, _, _) = get("parties.b.pressure", "total");
        assert!(ta > 0.3 && tb > 0.3, "{metric}: {ta} {tb}");
    }
    Command::cargo_bin("impasse")
        .unwrap()
        .arg("discover")
        .arg(tmp.path())
        .args([
            "--where",
            "concede_probability:a > 0.55",
            "--no-report",
            "-q",
        ])
        .assert()
        .success();
    let boxes = Csv::read(&tmp.path().join("prim_boxes.csv"));
    let row = boxes
        .rows
        .iter()
        .find(|r| r[1] == "parties.a.breakdown_cost")
        .unwrap();
    assert!(row[4].is_empty() && row[5].is_empty(), "{row:?}");
}

/// The meta-games of tournaments whose entrants concede at fixed times (exact payoff ties, so
/// degenerate): impasse lists exactly the extreme equilibria Gambit's enummixed lists
/// (`tests/fixtures/gambit/`), probabilities to 1e-12.
#[test]
fn meta_game_equilibria_match_gambit_on_degenerate_games() {
    use impasse::tournament::nash;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gambit");
    let counts = Csv::read(&dir.join("counts.csv"));
    for case in &counts.rows {
        let t = Csv::read(&dir.join(&case[0]).join("tournament.csv"));
        let (rs, cs, party, value) = (
            t.col("row_strategy"),
            t.col("column_strategy"),
            t.col("party"),
            t.col("value"),
        );
        let mut rows: Vec<String> = Vec::new();
        let mut cols: Vec<String> = Vec::new();
        let mut parties: Vec<String> = Vec::new();
        for r in &t.rows {
            for (list, v) in [
                (&mut rows, &r[rs]),
                (&mut cols, &r[cs]),
                (&mut parties, &r[party]),
            ] {
                if !list.contains(v) {
                    list.push(v.clone());
                }
            }
        }
        let pay = |q: usize| -> Vec<Vec<f64>> {
            rows.iter()
                .map(|a| {
                    cols.iter()
                        .map(|b| {
                            let r = t
                                .rows
                                .iter()
                                .find(|r| r[rs] == *a && r[cs] == *b && r[party] == parties[q])
                                .unwrap();
                            num(&r[value])
                        })
                        .collect()
                })
                .collect()
        };
        let eq = nash::equilibria(&pay(0), &pay(1));
        let gambit = Csv::read(&dir.join(&case[0]).join("gambit.csv"));
        let count: usize = case[3].parse().unwrap();
        assert_eq!(
            eq.list.len(),
            count,
            "{}: impasse {} vs Gambit {count}",
            case[0],
            eq.list.len()
        );
        let theirs: Vec<(Vec<f64>, Vec<f64>)> = (1..=count)
            .map(|k| {
                let mut x = vec![0.0; rows.len()];
                let mut y = vec![0.0; cols.len()];
                for r in gambit.rows.iter().filter(|r| r[0] == k.to_string()) {
                    if r[1] == parties[0] {
                        x[rows.iter().position(|s| *s == r[2]).unwrap()] = num(&r[3]);
                    } else {
                        y[cols.iter().position(|s| *s == r[2]).unwrap()] = num(&r[3]);
                    }
                }
                (x, y)
            })
            .collect();
        let near = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(p, q)| (p - q).abs() < 1e-12);
        for e in &eq.list {
            assert!(
                theirs.iter().any(|(x, y)| near(x, &e.x) && near(y, &e.y)),
                "{}: impasse's {:?} {:?} is not Gambit's",
                case[0],
                e.x,
                e.y
            );
        }
        for (x, y) in &theirs {
            assert!(
                eq.list.iter().any(|e| near(x, &e.x) && near(y, &e.y)),
                "{}: Gambit's {x:?} {y:?} is missing",
                case[0]
            );
        }
        println!(
            "{}: {} extreme equilibria in {} components",
            case[0],
            eq.list.len(),
            eq.components
        );
    }
}
