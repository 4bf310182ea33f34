//! The command line as users meet it: every command, every class of bad input (exit code 2, a
//! message that says where and what, no panic), files written only when a run succeeds.

use crate::common;
use common::{impasse, same_bytes};

use std::fs;
use std::path::Path;

use predicates::prelude::*;
use tempfile::TempDir;

const OK: &str = r#"
[parties.a]
stake = 1
pressure = 1
strategy = "equilibrium"

[parties.b]
stake = 1
pressure = 1
strategy = "equilibrium"

[simulation]
rounds = 5000
horizon = 100
"#;

fn write(dir: &Path, name: &str, text: &[u8]) -> String {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// Run with a scenario and expect exit code 2 with `needle` in the message and no output dir.
fn refuses(text: &[u8], args: &[&str], needle: &str) {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "s.toml", text);
    let out = dir.path().join("out");
    impasse()
        .arg("run")
        .arg(&file)
        .args(args)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: "))
        .stderr(predicate::str::contains(needle))
        .stderr(predicate::str::contains("panicked").not());
    assert!(
        !out.exists(),
        "a failed run must not create its output directory"
    );
}

/// The scenario runs (exit 0).
fn accepts(text: &[u8]) {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "s.toml", text);
    impasse()
        .args(["run", "-q", "-o"])
        .arg(dir.path().join("out"))
        .arg(&file)
        .assert()
        .success();
}

#[test]
fn run_writes_the_four_files_and_a_table() {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "duel.toml", OK.as_bytes());
    let out = dir.path().join("res");
    impasse()
        .args(["run", &file, "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("concession"))
        .stdout(predicate::str::contains("5000 rounds"));
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.starts_with("metric,party,value,ci_low,ci_high\nrounds,,5000"));
    for m in [
        "time_p95",
        "payoff_mean,a,",
        "concede_probability,b,",
        "breakdown_probability",
    ] {
        assert!(summary.contains(m), "summary.csv lacks {m}");
    }
    let outcomes = fs::read_to_string(out.join("outcomes.csv")).unwrap();
    let lines: Vec<&str> = outcomes.lines().collect();
    assert_eq!(
        lines[0],
        "outcome,party,count,probability,ci_low,ci_high,time_mean"
    );
    assert_eq!(lines.len(), 10, "a header and nine outcome rows");
    assert!(lines[1].starts_with("concession,a,") && lines[2].starts_with("concession,b,"));
    assert!(lines[9].starts_with("horizon,,0,"));
    let times = fs::read_to_string(out.join("times.csv")).unwrap();
    assert_eq!(
        times.lines().count(),
        1 + 10 * 50,
        "50 bins for 9 outcomes and all"
    );
    assert!(out.join("manifest.toml").exists());
    let leftovers: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().to_string_lossy().into_owned();
            n.starts_with('.').then_some(n)
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn run_without_a_scenario_runs_the_bundled_iran_case() {
    let dir = TempDir::new().unwrap();
    impasse()
        .current_dir(dir.path())
        .args(["run", "-n", "3000", "-q"])
        .assert()
        .success()
        .stdout("");
    let summary = dir.path().join("out/iran-p5plus1-2013/summary.csv");
    let text = fs::read_to_string(summary).unwrap();
    assert!(text.contains("concede_probability,iran,") && text.contains("p5plus1"));
}

#[test]
fn no_command_runs_the_bundled_scenario() {
    let dir = TempDir::new().unwrap();
    impasse()
        .current_dir(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Iran and the P5+1, January 2013"));
    assert!(
        dir.path()
            .join("out/iran-p5plus1-2013/outcomes.csv")
            .exists()
    );
}

#[test]
fn the_manifest_reproduces_the_run() {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "s.toml", OK.as_bytes());
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    impasse()
        .args([
            "run",
            &file,
            "-q",
            "--seed",
            "77",
            "-n",
            "4000",
            "--set",
            "parties.a.pressure.growth=0.5",
            "-o",
        ])
        .arg(&a)
        .assert()
        .success();
    let manifest = a.join("manifest.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    assert!(
        text.contains("seed = 77") && text.contains("rounds = 4000") && text.contains("[manifest]")
    );
    impasse()
        .arg("run")
        .arg(&manifest)
        .arg("-q")
        .arg("-o")
        .arg(&b)
        .assert()
        .success();
    same_bytes(&a, &b, &["summary.csv", "outcomes.csv", "times.csv"]);
}

#[test]
fn thread_count_does_not_change_the_bytes() {
    let dir = TempDir::new().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for (threads, out) in [("1", &a), ("2", &b)] {
        impasse()
            .args(["run", "-q", "-n", "40000", "-j", threads, "-o"])
            .arg(out)
            .assert()
            .success();
    }
    same_bytes(&a, &b, &["summary.csv", "outcomes.csv", "times.csv"]);
}

#[test]
fn set_reaches_nested_fields_and_refines_shorthands() {
    // `pressure = 1` becomes `{ initial = 1, growth = 0.5 }`; the strategy string becomes a table.
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "s.toml", OK.as_bytes());
    let out = dir.path().join("o");
    impasse()
        .args([
            "run",
            &file,
            "-q",
            "--set",
            "parties.a.pressure.growth=0.5",
            "--set",
        ])
        .arg("parties.b.strategy={ kind = \"hazard\", rate = 0.25 }")
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let m = fs::read_to_string(out.join("manifest.toml")).unwrap();
    assert!(
        m.contains("growth = 0.5") && m.contains("rate = 0.25"),
        "{m}"
    );
}

#[test]
fn check_prints_closed_form_predictions() {
    impasse()
        .args(["check", "scenarios/war-of-attrition.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("concession hazard 0.100000"))
        .stdout(predicate::str::contains("mean time to the end 5.000000"));
    impasse()
        .args(["check", "scenarios/iran-p5plus1-2013.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no closed form"));
}

#[test]
fn check_says_how_equilibrium_plays_private_types() {
    // Solved with types: the structure, the deadline's atom included.
    impasse()
        .args(["check", "scenarios/deadline-effect.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "private types (Bayesian equilibrium",
        ))
        .stdout(predicate::str::contains("until t = 1.6858"))
        .stdout(predicate::str::contains(
            "where the lowest 0.3862 of them concede (at t = 2.0000)",
        ));
    // Not solved with types yet: the reason, and what is played instead.
    impasse()
        .args(["check", "scenarios/iran-p5plus1-2013.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "private types: not solved with types yet (Poisson events)",
        ))
        .stdout(predicate::str::contains("the game at the beliefs' means"));
    // Every type known: nothing said.
    impasse()
        .args(["check", "scenarios/war-of-attrition.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("private types").not());
    // The commands that play it warn where the means are played, and only there.
    let dir = tempfile::TempDir::new().unwrap();
    let warning = "warning: private types are not solved with types yet here (Poisson events): \
                   `equilibrium` plays the game at the beliefs' means";
    for (file, warns) in [
        ("scenarios/iran-p5plus1-2013.toml", true),
        ("scenarios/deadline-effect.toml", false),
    ] {
        for cmd in ["run", "audit"] {
            let out = dir.path().join(format!("{cmd}-{warns}"));
            let stderr = predicate::str::contains(warning);
            let a = impasse()
                .args([cmd, file, "-n", "200", "--no-report", "-q", "-o"])
                .arg(&out)
                .assert()
                .success();
            if warns {
                a.stderr(stderr);
            } else {
                a.stderr(stderr.not());
            }
        }
    }
}

#[test]
fn strategies_lists_every_strategy_with_its_source() {
    let mut a = impasse().arg("strategies").assert().success();
    for s in impasse::model::CATALOG {
        a = a
            .stdout(predicate::str::contains(s.name))
            .stdout(predicate::str::contains(s.source));
    }
}

#[test]
fn every_bundled_scenario_is_valid() {
    for f in fs::read_dir("scenarios").unwrap() {
        let p = f.unwrap().path();
        impasse().arg("check").arg(&p).assert().success();
    }
}

#[test]
fn fails_with_a_toml_syntax_error_at_its_line_and_column() {
    refuses(b"[parties.a]\nstake = = 1\n", &[], "s.toml:2:9");
}

#[test]
fn fails_with_a_wrong_type() {
    refuses(
        OK.replacen("stake = 1", "stake = \"big\"", 1).as_bytes(),
        &[],
        "s.toml:3:9: parties.a.stake: invalid type: string \"big\", expected a number",
    );
}

#[test]
fn fails_with_a_value_out_of_range() {
    refuses(
        OK.replacen("stake = 1", "stake = -2", 1).as_bytes(),
        &[],
        "s.toml:3:9: parties.a.stake: must be > 0, got -2",
    );
    refuses(
        OK.replacen("stake = 1", "stake = 1\ndemand = 1.5", 1)
            .as_bytes(),
        &[],
        "parties.a.demand: must be in (0, 1], got 1.5",
    );
}

#[test]
fn fails_with_nan_and_infinity() {
    refuses(
        OK.replacen("pressure = 1", "pressure = nan", 1).as_bytes(),
        &[],
        "parties.a.pressure.initial: must be a finite number, got NaN",
    );
    refuses(
        OK.replacen(
            "pressure = 1",
            "pressure = { initial = 1, growth = inf }",
            1,
        )
        .as_bytes(),
        &[],
        "parties.a.pressure.growth: must be a finite number, got inf",
    );
}

#[test]
fn fails_with_an_unknown_field_and_suggests_the_closest() {
    refuses(
        OK.replacen("pressure = 1", "presure = 1", 1).as_bytes(),
        &[],
        "did you mean `pressure`?",
    );
    refuses(
        OK.replacen("[simulation]", "[simulaton]", 1).as_bytes(),
        &[],
        "did you mean `simulation`?",
    );
}

#[test]
fn fails_with_an_unknown_strategy() {
    refuses(
        OK.replacen("\"equilibrium\"", "\"equilibirum\"", 1)
            .as_bytes(),
        &[],
        "unknown variant `equilibirum`",
    );
    refuses(
        OK.replacen("\"equilibrium\"", "{ kind = \"hazard\" }", 1)
            .as_bytes(),
        &[],
        "missing field `rate`",
    );
    refuses(
        OK.replacen("\"equilibrium\"", "{ kind = \"never\", rate = 1 }", 1)
            .as_bytes(),
        &[],
        "unknown field `rate`",
    );
}

#[test]
fn fails_with_a_malformed_effect_string() {
    let text = format!(
        "{OK}\n[[event]]\nname = \"sanctions\"\nat = 1\nparty = \"a\"\neffects = [\"pressure ++ 1\"]\n"
    );
    refuses(
        text.as_bytes(),
        &[],
        "event `sanctions`: effect \"pressure ++ 1\"",
    );
}

#[test]
fn fails_with_a_poisson_event_that_would_swamp_every_round() {
    let text = format!(
        "{OK}\n[[event]]\nname = \"storm\"\nrate = 1e5\neffects = [\"breakdown.hazard += 1\"]\n"
    );
    refuses(
        text.as_bytes(),
        &[],
        "event `storm` would happen 1.000e7 times in an average round",
    );
    let capped = text.replace("rate = 1e5", "rate = 1e5\nmax = 3");
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "s.toml", capped.as_bytes());
    impasse().args(["check", &file]).assert().success();
}

#[test]
fn fails_with_an_event_naming_a_missing_party() {
    let text = format!(
        "{OK}\n[[event]]\nname = \"x\"\nat = 1\nparty = \"c\"\neffects = [\"pressure += 1\"]\n"
    );
    refuses(
        text.as_bytes(),
        &[],
        "names party `c`, which is not in the scenario (parties: a, b)",
    );
}

#[test]
fn fails_with_one_party_or_three() {
    let one = OK.replace(
        "[parties.b]\nstake = 1\npressure = 1\nstrategy = \"equilibrium\"\n",
        "",
    );
    refuses(
        one.as_bytes(),
        &[],
        "exactly two parties as [parties.<id>] tables, found 1 (a)",
    );
    let three = format!("{OK}\n[parties.c]\nstake = 1\nstrategy = \"never\"\n");
    refuses(three.as_bytes(), &[], "found 3 (a, b, c)");
}

#[test]
fn fails_with_an_empty_file() {
    refuses(b"", &[], "found none");
}

#[test]
fn fails_with_a_non_utf8_file() {
    refuses(
        b"[parties.a]\nstake = 1 # \xff\xfe\n",
        &[],
        "is not UTF-8 text",
    );
}

#[test]
fn fails_with_a_directory_or_a_missing_file() {
    let dir = TempDir::new().unwrap();
    impasse()
        .arg("run")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
    impasse()
        .args(["run", "no-such.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such.toml: no such file"));
}

#[test]
fn fails_when_a_round_could_run_forever() {
    refuses(
        OK.replace("horizon = 100", "").as_bytes(),
        &[],
        "add `horizon = <time>` under [simulation]",
    );
}

#[test]
fn fails_with_bad_overrides() {
    refuses(
        OK.as_bytes(),
        &["--set", "parties.zz.stake=1"],
        "--set parties.zz.stake=1: there is no party `zz` (parties: a, b)",
    );
    refuses(
        OK.as_bytes(),
        &["--set", "parties.a.stake=-1"],
        "--set parties.a.stake=-1: parties.a.stake: must be > 0",
    );
    refuses(
        OK.as_bytes(),
        &["--set", "parties.a.presure=1"],
        "did you mean `pressure`?",
    );
    refuses(OK.as_bytes(), &["--set", "nonsense"], "is not PATH=VALUE");
}

#[test]
fn fails_with_bad_flags() {
    refuses(OK.as_bytes(), &["-j", "0"], "--threads");
    refuses(OK.as_bytes(), &["-n", "0"], "--rounds");
    refuses(OK.as_bytes(), &["--seed=-3"], "--seed");
    refuses(OK.as_bytes(), &["--seed", "9223372036854775808"], "--seed");
}

#[test]
fn fails_when_the_output_path_is_a_file() {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "s.toml", OK.as_bytes());
    let blocker = write(dir.path(), "taken", b"x");
    impasse()
        .args(["run", &file, "-o", &blocker])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a directory"));
}

#[test]
fn fails_when_reputation_is_played_outside_its_model() {
    let rep = "{ kind = \"reputation\", obstinate = 0.1 }";
    let one_sided = OK.replacen("\"equilibrium\"", rep, 1).replacen(
        "pressure = 1",
        "pressure = 1\ndiscount_rate = 0.1\ndemand = 0.6",
        1,
    );
    refuses(
        one_sided.as_bytes(),
        &[],
        "`reputation` is a two-sided model: `b` must play it too",
    );
    let undiscounted = OK
        .replace("\"equilibrium\"", rep)
        .replace("pressure = 1", "pressure = 1\ndemand = 0.6");
    refuses(
        undiscounted.as_bytes(),
        &[],
        "`reputation` needs discounting",
    );
    let z = OK.replace(
        "\"equilibrium\"",
        "{ kind = \"reputation\", obstinate = 1 }",
    );
    refuses(z.as_bytes(), &[], "must be in (0, 1), got 1");
    // Discounting is its only cost of waiting, and it is solved once, without deadlines.
    let good = OK
        .replace("\"equilibrium\"", rep)
        .replace("pressure = 1", "discount_rate = 0.1\ndemand = 0.6");
    accepts(good.as_bytes());
    refuses(
        good.replacen("demand = 0.6", "demand = 0.6\npressure = 1", 1)
            .as_bytes(),
        &[],
        "parties.a.pressure: `reputation` is solved with discounting as the only cost of waiting",
    );
    refuses(
        format!("{good}\n[breakdown]\nhazard = 0.1\n").as_bytes(),
        &[],
        "breakdown.hazard: `reputation` is solved without a breakdown hazard",
    );
    refuses(
        format!("{good}\n[deadline]\nat = 5\n").as_bytes(),
        &[],
        "deadline: `reputation` plays an equilibrium without deadlines",
    );
    refuses(
        format!(
            "{good}\n[[event]]\nname = \"e\"\nat = 1\neffects = [\"breakdown.hazard = 0.1\"]\n"
        )
        .as_bytes(),
        &[],
        "event[0].effects[0]: `reputation` plays an equilibrium without deadlines",
    );
}

#[test]
fn fails_when_bayesian_is_played_outside_its_model() {
    let b = OK.replace("\"equilibrium\"", "\"bayesian\"").replace(
        "pressure = 1",
        "pressure = 1\nresolve = { distribution = \"uniform\", low = 0, high = 1 }",
    );
    // Asymmetric parties are solved (tests/suite/theory.rs); the two sides must select one equilibrium.
    let asymmetric = b.replacen("stake = 1", "stake = 2", 1);
    accepts(asymmetric.as_bytes());
    let pivots = b
        .replacen(
            "strategy = \"bayesian\"",
            "strategy = { kind = \"bayesian\", pivot = 0.3 }",
            1,
        )
        .replacen(
            "strategy = \"bayesian\"",
            "strategy = { kind = \"bayesian\", pivot = 0.7 }",
            1,
        );
    refuses(
        pivots.as_bytes(),
        &[],
        "parties.b.strategy.pivot: both sides must select the same equilibrium",
    );
    // It solves the game without deadlines at t = 0: no deadline, and events change types only.
    let deadline = format!("{b}\n[deadline]\nat = 5\n");
    refuses(
        deadline.as_bytes(),
        &[],
        "deadline: `bayesian` plays an equilibrium",
    );
    let own = b.replacen(
        "pressure = 1",
        "pressure = 1\ndeadline = { at = 3, action = \"concede\" }",
        1,
    );
    refuses(own.as_bytes(), &[], "parties.a.deadline: `bayesian` plays");
    let event = |effect: &str| {
        format!("{b}\n[[event]]\nname = \"e\"\nat = 1\nparty = \"a\"\neffects = [\"{effect}\"]\n")
    };
    refuses(
        event("belief *= 0.5").as_bytes(),
        &[],
        "event[0].effects[0]: `bayesian` plays an equilibrium without deadlines, solved once at \
         t = 0: its events may change a party's `resolve` (its type) only",
    );
    refuses(
        event("pressure += 1").as_bytes(),
        &[],
        "event[0].effects[0]",
    );
    accepts(event("resolve = 0.9").as_bytes());
    let pivot = b.replace("\"bayesian\"", "{ kind = \"bayesian\", pivot = 1 }");
    refuses(pivot.as_bytes(), &[], "must be in (0, 1), got 1");
    let one_sided = b.replacen("\"bayesian\"", "\"never\"", 1);
    refuses(
        one_sided.as_bytes(),
        &[],
        "`bayesian` is a two-sided equilibrium",
    );
    let constant = OK.replace("\"equilibrium\"", "\"bayesian\"");
    refuses(constant.as_bytes(), &[], "`bayesian` needs private values");
    // A constant belief is a known type too, and the message names the belief.
    let known = b.replacen("pressure = 1", "pressure = 1\nbelief = 0.5", 1);
    refuses(
        known.as_bytes(),
        &[],
        "parties.a.belief: `bayesian` needs private values",
    );
}

#[test]
fn fails_with_bad_talks_beliefs_and_time_dependent_parameters() {
    let top = |line: &str| format!("{line}\n{OK}");
    refuses(
        top("talks = { every = 0 }").as_bytes(),
        &[],
        "s.toml:1:19: talks.every: must be > 0, got 0",
    );
    refuses(
        top("talks = { every = 1, first = -1 }").as_bytes(),
        &[],
        "talks.first: must be >= 0, got -1",
    );
    let td = |spec: &str| {
        OK.replacen(
            "strategy = \"equilibrium\"",
            &format!("demand = 0.5\nstrategy = {spec}"),
            1,
        )
    };
    refuses(
        td("{ kind = \"time_dependent\", e = 1, reservation = 0.7 }").as_bytes(),
        &[],
        "reservation: must be at most the party's demand (0.5), got 0.7",
    );
    refuses(
        td("{ kind = \"time_dependent\", e = 1, reservation = 0.2 }").as_bytes(),
        &[],
        "strategy.by: needs a time: give `by`, or a deadline",
    );
    refuses(
        td("{ kind = \"time_dependent\", e = 0, reservation = 0.2, by = 3 }").as_bytes(),
        &[],
        "strategy.e: must be > 0, got 0",
    );
    refuses(
        OK.replacen("pressure = 1", "pressure = 1\nbelief = 0", 1)
            .as_bytes(),
        &[],
        "parties.a.belief.value: must be > 0, got 0",
    );
    let partyless =
        format!("{OK}\n[[event]]\nname = \"doubt\"\nat = 1\neffects = [\"belief *= 2\"]\n");
    refuses(
        partyless.as_bytes(),
        &[],
        "effect \"belief *= 2\": `belief` belongs to a party",
    );
}
