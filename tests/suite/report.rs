//! Figures and reports: every figure is well-formed SVG holding its series, survival.csv is the
//! closed form's survival within Monte Carlo error, and report.html stands alone: it links only
//! to files beside it and fetches nothing.

use crate::common;
use common::impasse;

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use tempfile::TempDir;

/// The plain war of attrition, whose hazards have a closed form.
const PLAIN: &str = r#"
[parties.a]
stake = 1
pressure = 0.1
strategy = "equilibrium"
[parties.b]
stake = 1
pressure = 0.1
strategy = "equilibrium"
[simulation]
rounds = 40000
horizon = 60
bins = 60
"#;

/// The same with an event to mark, and a title, a description and a unit of time to show.
const WAR: &str = r#"
title = "War"
description = "Two sides, one prize."
time_unit = "days"
[parties.a]
stake = 1
pressure = 0.1
strategy = "equilibrium"
[parties.b]
stake = 1
pressure = 0.1
strategy = "equilibrium"
[[event]]
name = "summit"
at = 5
party = "a"
effects = ["pressure += 0"]
[simulation]
rounds = 40000
seed = 3
horizon = 60
bins = 60
"#;

fn run(dir: &TempDir, args: &[&str]) -> PathBuf {
    let file = dir.path().join("war.toml");
    fs::write(&file, WAR).unwrap();
    let out = dir.path().join(args[0]);
    impasse()
        .arg(args[0])
        .arg(&file)
        .args(&args[1..])
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    out
}

/// The SVG figure `id` of `dir`, parsed: its texts and how many of each drawing element it has.
fn figure(dir: &Path, id: &str) -> (Vec<String>, usize, usize, usize, usize) {
    let text = fs::read_to_string(dir.join("figures").join(format!("{id}.svg")))
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
    let count = |tag: &str| doc.descendants().filter(|n| n.has_tag_name(tag)).count();
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect();
    (
        texts,
        count("polyline"),
        count("polygon"),
        count("circle"),
        count("rect"),
    )
}

#[test]
fn a_runs_figures_hold_their_series() {
    let dir = TempDir::new().unwrap();
    let out = run(&dir, &["run"]);
    let (texts, lines, ..) = figure(&out, "survival");
    assert!(texts.contains(&"Still negotiating".to_string()) && texts.contains(&"summit".into()));
    assert!(
        texts.iter().any(|t| t == "time (days)"),
        "the time unit labels the axis"
    );
    assert!(lines >= 3, "grid, S(t) and the event's mark");
    let (texts, _, polygons, ..) = figure(&out, "incidence");
    assert!(texts.contains(&"a concedes".into()) && texts.contains(&"b concedes".into()));
    assert!(polygons >= 2, "one band per outcome");
    let (_, _, _, circles, _) = figure(&out, "hazard");
    assert!(circles >= 10, "measured hazards per bin for each party");
    // Where `impasse check` has a closed form, the hazard figure draws it.
    let plain = dir.path().join("plain.toml");
    fs::write(&plain, PLAIN).unwrap();
    let out = dir.path().join("plain");
    impasse()
        .arg("run")
        .arg(&plain)
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let (texts, ..) = figure(&out, "hazard");
    assert!(texts.contains(&"a (closed form)".into()) && texts.contains(&"b (measured)".into()));
    let (texts, _, _, _, rects) = figure(&out, "outcomes");
    assert!(texts.contains(&"a concedes".into()));
    assert!(rects >= 3, "the background and a bar per outcome");
}

#[test]
fn survival_csv_is_the_war_of_attritions_closed_form() {
    // λ = 0.1 each: S(t) = e^(-0.2 t) and each side's incidence (1 - S) / 2, at every edge within
    // 4 standard errors; S plus the incidences is 1 exactly.
    let dir = TempDir::new().unwrap();
    let out = run(&dir, &["run", "--no-report"]);
    assert!(
        !out.join("report.html").exists(),
        "--no-report draws nothing"
    );
    let text = fs::read_to_string(out.join("survival.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("curve,party,time,value,ci_low,ci_high"));
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 10 * 61, "S and nine outcomes at 61 edges");
    let n = 40_000.0;
    for k in 0..61 {
        let s = &rows[k];
        let t: f64 = s[2].parse().unwrap();
        let value: f64 = s[3].parse().unwrap();
        let expected = (-0.2 * t).exp();
        let se = (expected * (1.0 - expected) / n).sqrt().max(1.0 / n);
        common::within(&format!("S({t})"), value, expected, se);
        let a: f64 = rows[61 + k][3].parse().unwrap();
        let pa = (1.0 - expected) / 2.0;
        let se_a = (pa * (1.0 - pa) / n).sqrt().max(1.0 / n);
        common::within(&format!("a's incidence at {t}"), a, pa, se_a);
        let total: f64 = (0..10)
            .map(|c| rows[c * 61 + k][3].parse::<f64>().unwrap())
            .sum();
        assert!(
            (total - 1.0).abs() < 1e-12,
            "S plus the incidences at {t}: {total}"
        );
    }
}

#[test]
fn every_kind_of_result_has_its_figures_and_a_report_that_stands_alone() {
    let dir = TempDir::new().unwrap();
    let results = [
        (
            run(&dir, &["run"]),
            vec!["survival", "incidence", "hazard", "outcomes"],
        ),
        (run(&dir, &["audit", "--grid", "20"]), vec!["value-curve"]),
        (
            run(
                &dir,
                &[
                    "tournament",
                    "--entrants",
                    "a=equilibrium,never",
                    "--entrants",
                    "b=immediate,never",
                ],
            ),
            vec!["payoffs-a", "payoffs-b", "ranking", "replicator"],
        ),
        (
            run(
                &dir,
                &["sweep", "--vary", "parties.a.pressure=0.1,0.2", "-n", "500"],
            ),
            vec![
                "sweep-time_mean",
                "sweep-payoff_mean-a",
                "sweep-concede_probability-b",
            ],
        ),
    ];
    for (out, ids) in &results {
        let html = fs::read_to_string(out.join("report.html")).unwrap();
        assert!(html.contains("<h1>War</h1>") && html.contains("Two sides, one prize."));
        for id in ids {
            figure(out, id);
            let at = html
                .find(&format!("<figure id=\"{id}\">"))
                .unwrap_or_else(|| panic!("{}: no figure {id}", out.display()));
            let rest = &html[at..];
            let end = rest.find("</figure>").unwrap();
            assert!(rest[..end].contains("<svg") && rest[..end].contains("<figcaption>"));
        }
        for bad in [
            "http://", "https://", "<script", "<link", "<img", "@import", "url(",
        ] {
            assert!(
                !html.contains(bad),
                "{}: the report holds `{bad}`",
                out.display()
            );
        }
        for href in html.split("href=\"").skip(1) {
            let target = &href[..href.find('"').unwrap()];
            assert!(
                out.join(target).is_file(),
                "{}: a link to {target}",
                out.display()
            );
        }
    }
}

#[test]
fn report_redraws_a_result_from_its_files_and_refuses_what_is_not_one() {
    let dir = TempDir::new().unwrap();
    let out = run(&dir, &["run"]);
    let before = fs::read(out.join("report.html")).unwrap();
    fs::remove_file(out.join("report.html")).unwrap();
    fs::remove_dir_all(out.join("figures")).unwrap();
    impasse().arg("report").arg(&out).assert().success();
    assert_eq!(fs::read(out.join("report.html")).unwrap(), before);
    assert!(out.join("figures/survival.svg").is_file());
    impasse()
        .arg("report")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a result directory"));
}

/// `impasse report` draws only what impasse could have written: a file cut short (mid-line or at
/// a line's end), reordered rows, a NaN or a probability above 1 is refused with the file and
/// line, and no report is written.
#[test]
fn report_refuses_files_that_were_cut_short_reordered_or_edited() {
    let dir = TempDir::new().unwrap();
    let good = run(&dir, &["run"]);
    let read = |f: &str| fs::read_to_string(good.join(f)).unwrap();
    let summary = read("summary.csv");
    let survival = read("survival.csv");
    let times = read("times.csv");
    let outcomes = read("outcomes.csv");
    let mut lines: Vec<&str> = survival.lines().collect();
    lines.swap(3, 9);
    let shuffled = lines.join("\n") + "\n";
    let three_lines: String = summary.lines().take(3).map(|l| format!("{l}\n")).collect();
    let nan_time = {
        let mut rows: Vec<String> = times.lines().map(str::to_string).collect();
        let mut cells: Vec<&str> = rows[4].split(',').collect();
        cells[5] = "NaN";
        rows[4] = cells.join(",");
        rows.join("\n") + "\n"
    };
    let above_one = outcomes.replacen(",0.", ",1.", 1);
    let cases: [(&str, String, &str); 6] = [
        (
            "summary.csv",
            summary[..summary.len() / 2].to_string(),
            "cut short",
        ),
        ("summary.csv", three_lines, "it lacks some of its rows"),
        ("survival.csv", shuffled, "out of order"),
        (
            "times.csv",
            nan_time,
            "line 5: `NaN` is not a number impasse writes",
        ),
        ("outcomes.csv", above_one, "not a number from 0 to 1"),
        (
            "survival.csv",
            "curve,party,time,value,ci_low,ci_high\n".into(),
            "it has no rows",
        ),
    ];
    for (i, (file, text, needle)) in cases.iter().enumerate() {
        let bad = dir.path().join(format!("bad-{i}"));
        fs::create_dir_all(&bad).unwrap();
        for f in [
            "summary.csv",
            "survival.csv",
            "times.csv",
            "outcomes.csv",
            "manifest.toml",
        ] {
            fs::copy(good.join(f), bad.join(f)).unwrap();
        }
        fs::write(bad.join(file), text).unwrap();
        impasse()
            .arg("report")
            .arg(&bad)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("{file}: ")))
            .stderr(predicate::str::contains(*needle));
        assert!(!bad.join("report.html").exists(), "{file}: {needle}");
    }
}

/// The documented maximum of 100,000 bins draws from a bounded number of points: the hazard's
/// bins grouped to at most 200 per party, lines and bands thinned to a few per pixel column.
#[test]
fn the_finest_histogram_draws_a_report_of_bounded_size() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("fine.toml");
    fs::write(&file, WAR.replace("bins = 60", "bins = 100000")).unwrap();
    let out = dir.path().join("fine");
    impasse()
        .arg("run")
        .arg(&file)
        .args(["-q", "-n", "100000", "-o"])
        .arg(&out)
        .assert()
        .success();
    let (_, _, _, circles, _) = figure(&out, "hazard");
    assert!((10..=400).contains(&circles), "{circles} hazard points");
    for id in ["survival", "incidence", "hazard", "outcomes"] {
        let size = fs::metadata(out.join("figures").join(format!("{id}.svg")))
            .unwrap()
            .len();
        assert!(size < 200_000, "{id}.svg has {size} bytes");
    }
    assert!(fs::metadata(out.join("report.html")).unwrap().len() < 600_000);
}

#[test]
fn a_merged_result_has_the_same_report_as_one_run_whole() {
    let dir = TempDir::new().unwrap();
    let whole = run(&dir, &["run"]);
    let file = dir.path().join("war.toml");
    let (parts, merged) = (dir.path().join("parts"), dir.path().join("merged"));
    common::shards(&["run", &file.display().to_string()], &parts, 2);
    common::merge(&[&parts], &merged);
    common::same_bytes(&whole, &merged, &["report.html", "figures/survival.svg"]);
}

/// Found by scripts/fuzz_files.py: a byte flipped in sweep.csv made a metric `c/st_mean`, whose
/// figure's file name became a path (exit 1, "No such file or directory"); a name in a file that
/// is not a plain name is refused, and nothing is written outside figures/.
#[test]
fn found_by_fuzzing_a_metric_named_like_a_path_is_refused() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("war.toml");
    fs::write(&file, WAR).unwrap();
    let out = dir.path().join("s");
    impasse()
        .arg("sweep")
        .arg(&file)
        .args([
            "-q",
            "-n",
            "500",
            "--no-report",
            "--vary",
            "parties.a.pressure=0.1,0.2",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = fs::read_to_string(out.join("sweep.csv")).unwrap();
    fs::write(
        out.join("sweep.csv"),
        text.replace(",cost_mean,", ",c/st_mean,"),
    )
    .unwrap();
    impasse()
        .arg("report")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "(`sweep-c/st_mean-a`) is not one impasse writes",
        ));
    assert!(!out.join("report.html").exists());
    assert!(!out.join("figures/sweep-c").exists());
}

/// Found by scripts/fuzz_files.py: a deviation's time edited to 1.78e308 padded the axis to
/// infinity and the report never finished drawing its ticks. Such a time is refused (deviations
/// lie within the game's time), and an axis near the largest double stays finite.
#[test]
fn found_by_fuzzing_a_time_near_the_largest_double_is_refused_not_drawn_forever() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("war.toml");
    fs::write(&file, WAR).unwrap();
    let out = dir.path().join("a");
    impasse()
        .arg("audit")
        .arg(&file)
        .args(["-q", "-n", "2000", "--grid", "5", "--no-report", "-o"])
        .arg(&out)
        .assert()
        .success();
    let text = fs::read_to_string(out.join("deviations.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    cells[5] = "1.7777777771e308".into();
    lines[2] = cells.join(",");
    fs::write(out.join("deviations.csv"), lines.join("\n") + "\n").unwrap();
    impasse()
        .arg("report")
        .arg(&out)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "line 3: `time` is 1.7777777771e308",
        ));
}
