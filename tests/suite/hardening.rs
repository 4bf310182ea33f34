//! What a new user and a hostile one tripped over (the hardening issue), one regression test per
//! probe, and the inputs the fuzz campaigns found (`tests/suite/fuzz.rs`).

use crate::common;
use common::impasse;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use tempfile::TempDir;

fn scenario_path(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
        .display()
        .to_string()
}

fn war() -> String {
    scenario_path("war-of-attrition.toml")
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// Exit code 2, stderr containing every needle, stderr short (no echo of a huge input), and no
/// output directory left behind.
fn refused(args: &[&str], needles: &[&str]) {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("o");
    let a = impasse()
        .args(args)
        .arg("-o")
        .arg(&out)
        .timeout(Duration::from_secs(30))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    for n in needles {
        assert!(err.contains(n), "`{n}` not in: {err}");
    }
    assert!(err.len() < 600, "a {} byte message", err.len());
    assert!(!out.join("summary.csv").exists());
}

#[test]
fn deep_paths_are_refused_with_their_depth_not_a_stack_overflow() {
    let deep = vec!["a"; 15_000].join(".");
    refused(
        &["run", &war(), "--set", &format!("{deep}=1")],
        &["15000 segments", "no scenario field is deeper than 8"],
    );
    let parties = vec!["parties"; 127].join(".");
    refused(
        &["run", &war(), "--set", &format!("{parties}=1")],
        &["127 segments"],
    );
    refused(
        &["sweep", &war(), "--vary", &format!("{parties}=0:1:2")],
        &["127 segments"],
    );
    // The same in a [sweep] table, and as a dotted key in the file itself.
    let dir = TempDir::new().unwrap();
    let text = fs::read_to_string(war()).unwrap();
    let in_table = write(
        dir.path(),
        "t.toml",
        &format!("{text}\n[sweep]\nvary = {{ \"{deep}\" = \"0:1:2\" }}\n"),
    );
    refused(&["sweep", &in_table], &["[sweep] vary", "15000 segments"]);
    let dotted = write(dir.path(), "d.toml", &format!("x.{deep} = 1\n{text}"));
    refused(&["run", &dotted], &["d.toml", "nest too deeply"]);
}

const BAYES: &str = r#"
[parties.a]
stake = 1
pressure = 0.1
strategy = "bayesian"
resolve = { distribution = "gamma", shape = SHAPE, scale = 1e-6 }
[parties.b]
stake = 1
pressure = 0.1
strategy = "bayesian"
resolve = { distribution = "gamma", shape = 2, scale = 0.5 }
[simulation]
rounds = 100
horizon = 100
"#;

#[test]
fn a_gamma_of_huge_shape_is_refused_at_once_not_after_hours() {
    let dir = TempDir::new().unwrap();
    for shape in ["1e8", "1e12"] {
        let f = write(dir.path(), "b.toml", &BAYES.replace("SHAPE", shape));
        let started = Instant::now();
        refused(&["run", &f], &["parties.a.resolve.shape", "at most 1e4"]);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    // 1e4 itself still runs.
    let f = write(dir.path(), "b.toml", &BAYES.replace("SHAPE", "1e4"));
    impasse()
        .args(["run", &f, "-q", "-o"])
        .arg(dir.path().join("ok"))
        .assert()
        .success();
}

#[test]
fn huge_numbers_are_refused_naming_the_field_and_the_range() {
    refused(
        &["run", &war(), "--set", "parties.a.stake=1e200"],
        &["parties.a.stake", "±1e12", "got 1e200"],
    );
    refused(
        &["run", &war(), "--set", "parties.b.pressure=1e308"],
        &["parties.b.pressure", "±1e12"],
    );
    // An event rate of 1e308 is named as 1e308, not as a 309-digit number.
    refused(
        &[
            "run",
            &scenario_path("iran-p5plus1-2013.toml"),
            "--set",
            "event.1.rate=1e308",
        ],
        &["--set event.1.rate=1e308", "got 1e308"],
    );
    refused(
        &[
            "run",
            &scenario_path("iran-p5plus1-2013.toml"),
            "--set",
            "event.1.effects=[\"pressure += 1e308\"]",
        ],
        &["effect", "±1e12"],
    );
    // Found by hand: a lognormal resolve with mu = 700 panicked in its quantile (exit 101).
    let dir = TempDir::new().unwrap();
    let f = write(
        dir.path(),
        "l.toml",
        &BAYES.replace(
            "distribution = \"gamma\", shape = SHAPE, scale = 1e-6",
            "distribution = \"lognormal\", mu = 700, sigma = 1",
        ),
    );
    refused(&["run", &f], &["parties.a.resolve.mu", "at most 27"]);
}

fn summary(dir: &Path) -> Vec<Vec<String>> {
    fs::read_to_string(dir.join("summary.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn row<'a>(rows: &'a [Vec<String>], metric: &str, party: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == metric && r[1] == party)
        .unwrap_or_else(|| panic!("no {metric} {party}"))
}

#[test]
fn constant_results_have_exact_spreads_and_probabilities_end_at_0_and_1() {
    // b concedes at 3.7 in every round: the end time and both payoffs are constants, so their
    // sds are exactly 0 and their intervals have no width; a's concession probability is 0 and
    // b's 1, so their intervals end exactly at 0 and 1. No round splits, so share_mean is empty.
    let dir = TempDir::new().unwrap();
    let f = write(
        dir.path(),
        "c.toml",
        r#"
        [parties.a]
        stake = 1
        pressure = 0.013
        strategy = "never"
        [parties.b]
        stake = 1
        pressure = 0.029
        strategy = { kind = "at_time", t = 3.7 }
        [simulation]
        rounds = 300000
        horizon = 10
        "#,
    );
    let out = dir.path().join("o");
    impasse()
        .args(["run", &f, "-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let rows = summary(&out);
    assert_eq!(row(&rows, "time_sd", "")[2], "0.0");
    assert_eq!(&row(&rows, "time_mean", "")[2..], ["3.7", "3.7", "3.7"]);
    for p in ["a", "b"] {
        assert_eq!(row(&rows, "payoff_sd", p)[2], "0.0");
        let m = row(&rows, "payoff_mean", p);
        assert_eq!((&m[3], &m[4]), (&m[2], &m[2]));
    }
    assert_eq!(row(&rows, "concede_probability", "a")[3], "0.0");
    assert_eq!(row(&rows, "concede_probability", "b")[4], "1.0");
    assert_eq!(row(&rows, "breakdown_probability", "")[3], "0.0");
    let text = fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    // Never vs never: no deal at all, so share_mean is empty rather than NaN.
    let out = dir.path().join("nn");
    impasse()
        .args([
            "run",
            &f,
            "-q",
            "--set",
            "parties.b.strategy=never",
            "-n",
            "100",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(row(&summary(&out), "share_mean", "a")[2], "");
}

#[test]
fn merge_says_what_is_missing_or_different() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("nowhere");
    impasse()
        .arg("merge")
        .arg(&missing)
        .arg("-o")
        .arg(dir.path().join("m"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file or directory"));
    let part = |seed: &str, shard: &str, name: &str| -> PathBuf {
        let out = dir.path().join(name);
        impasse()
            .args([
                "run",
                &war(),
                "-n",
                "1000",
                "-q",
                "--seed",
                seed,
                "--shard",
                shard,
            ])
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        out
    };
    let (a, b) = (part("1", "0/2", "a"), part("5", "1/2", "b"));
    impasse()
        .arg("merge")
        .args([&a, &b])
        .arg("-o")
        .arg(dir.path().join("m"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("another seed")
                .and(predicate::str::contains("(5 here, 1 there)")),
        );
}

#[test]
fn resume_and_set_and_rounds_messages_say_what_is_wrong() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("s");
    let sweep = |extra: &[&str]| {
        let mut c = impasse();
        c.args([
            "sweep",
            &war(),
            "-n",
            "200",
            "-q",
            "--vary",
            "parties.a.pressure=0.1,0.2",
        ])
        .args(extra)
        .arg("-o")
        .arg(&out);
        c
    };
    sweep(&[]).assert().success();
    // Resuming a finished sweep has nothing to do, and succeeds (a requeued job, a rerun
    // script), leaving the files as they were; resuming another sweep there is refused.
    let before = fs::read(out.join("sweep.csv")).unwrap();
    impasse()
        .args([
            "sweep",
            &war(),
            "-n",
            "200",
            "--vary",
            "parties.a.pressure=0.1,0.2",
        ])
        .args(["--resume", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("is complete: nothing to resume"));
    assert_eq!(fs::read(out.join("sweep.csv")).unwrap(), before);
    sweep(&["--resume", "--seed", "9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "holds a finished sweep of another",
        ));
    impasse()
        .args(["run", &war(), "--set", "event.5.at=2", "-o"])
        .arg(dir.path().join("e"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the scenario has no `event` at all",
        ));
    for (n, says) in [
        ("-1", "must be at least 1"),
        ("0", "from 1 to 2^63 - 1"),
        ("2.5", "whole number"),
        ("1e30", "at most 2^63 - 1"),
        ("abc", "is not a number of rounds"),
    ] {
        impasse()
            .args(["run", &war(), "-n", n, "-o"])
            .arg(dir.path().join("n"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    // Scientific notation is a number of rounds.
    let r = dir.path().join("sci");
    impasse()
        .args(["run", &war(), "-q", "-n", "2e3", "-o"])
        .arg(&r)
        .assert()
        .success();
    assert_eq!(row(&summary(&r), "rounds", "")[2], "2000.0");
}

#[test]
fn commands_keep_to_their_own_directories() {
    let dir = TempDir::new().unwrap();
    let run = |args: &[&str]| {
        impasse()
            .current_dir(dir.path())
            .args(args)
            .args(["-n", "500", "-q"])
            .assert()
    };
    run(&["run", &war()]).success();
    run(&["sweep", &war(), "--vary", "parties.a.pressure=0.1,0.2"]).success();
    run(&[
        "tournament",
        &war(),
        "--entrants",
        "a=never,immediate",
        "--entrants",
        "b=never,immediate",
    ])
    .success();
    for (d, file) in [
        ("war-of-attrition", "summary.csv"),
        ("war-of-attrition/sweep", "sweep.csv"),
        ("war-of-attrition/tournament", "tournament.csv"),
    ] {
        assert!(dir.path().join("out").join(d).join(file).is_file(), "{d}");
    }
    // A sweep into the run's directory is refused, naming what is there.
    run(&[
        "sweep",
        &war(),
        "--vary",
        "parties.a.pressure=0.1,0.2",
        "-o",
        "out/war-of-attrition",
    ])
    .code(2)
    .stderr(predicate::str::contains(
        "holds the results of `impasse run`",
    ));
}

#[test]
fn an_empty_shard_warns() {
    let dir = TempDir::new().unwrap();
    impasse()
        .args(["run", &war(), "-n", "1000", "-q", "--shard", "0/4", "-o"])
        .arg(dir.path().join("p"))
        .assert()
        .success()
        .stderr(predicate::str::contains("shard 0/4 is empty"));
}

#[test]
fn an_interrupted_sweep_says_how_to_go_on_and_resumes_to_the_same_bytes() {
    // Ctrl-C exits 130 and SIGTERM 143, as the shell reports a run killed by either.
    interrupted_sweep("INT", 130);
    interrupted_sweep("TERM", 143);
}

fn interrupted_sweep(signal: &str, code: i32) {
    let dir = TempDir::new().unwrap();
    let args = |out: &Path| -> Vec<String> {
        [
            "sweep",
            &war(),
            "-n",
            "3000000",
            "-j",
            "1",
            "-q",
            "--no-report",
            "--vary",
            "parties.a.pressure=0.05:0.2:16",
            "-o",
            &out.display().to_string(),
        ]
        .map(str::to_string)
        .to_vec()
    };
    let (cut, whole) = (dir.path().join("cut"), dir.path().join("whole"));
    let bin = assert_cmd::cargo::cargo_bin("impasse");
    let child = std::process::Command::new(&bin)
        .args(args(&cut))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once a point is kept (and long before the last: 16 points of 3 million rounds take about 1.5 s).
    let points = cut.join(".sweep").join("points");
    let started = Instant::now();
    while fs::read_dir(&points).map_or(0, |d| d.count()) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no point saved"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{err}");
    assert!(err.contains("points are done and kept in"), "{err}");
    assert!(err.contains("--resume"), "{err}");
    let mut resumed = args(&cut);
    resumed.push("--resume".into());
    impasse().args(&resumed).assert().success();
    impasse().args(args(&whole)).assert().success();
    common::same_bytes(&cut, &whole, &["sweep.csv", "sweep_outcomes.csv"]);
}

#[test]
fn found_by_fuzzing_a_grid_of_huge_size_is_refused() {
    // `0:1:9223372036854775807` asked for a vector of 2^63 values: "capacity overflow" (panic).
    refused(
        &[
            "sweep",
            &war(),
            "--vary",
            "parties.a.pressure=0:1:9223372036854775807",
        ],
        &["asks for 9223372036854775807 points", "at most 1000000"],
    );
}

#[test]
fn no_csv_is_written_with_a_number_that_is_not_one() {
    // The output's last line of defence: a NaN or an infinity in any field refuses the whole
    // set of files (nothing written), and the CLI maps the error to exit code 2.
    let dir = TempDir::new().unwrap();
    for bad in ["NaN", "inf", "-inf"] {
        let files = [
            ("good.csv", b"metric,value\nrounds,1.0\n".to_vec()),
            ("bad.csv", format!("metric,value\nx,{bad}\n").into_bytes()),
        ];
        let e = impasse::output::write_files(dir.path(), &files).unwrap_err();
        assert!(e.to_string().contains("bad.csv, line 2"), "{e}");
        assert!(!dir.path().join("good.csv").exists() && !dir.path().join("bad.csv").exists());
    }
    // A field that merely contains the letters is fine.
    let files = [("ok.csv", b"name,value\ninflation,1.0\n".to_vec())];
    impasse::output::write_files(dir.path(), &files).unwrap();
}

#[test]
fn found_by_fuzzing_meetings_too_close_together_are_refused() {
    // `talks.every = 1e-9` planned 5e12 meetings: "memory allocation of 8589934592 bytes
    // failed" (abort). Now at most a million meetings before the end.
    refused(
        &[
            "run",
            &scenario_path("brinkmanship.toml"),
            "--set",
            "talks.every=1e-9",
        ],
        &["talks.every", "at most 1e6 are allowed"],
    );
}

#[test]
fn found_by_fuzzing_a_bayesian_game_its_solve_cannot_play_is_refused() {
    // A `bayesian` side against one whose pressure is 5e-324: the solve's mixed regime breaks
    // down, and every command refuses the scenario (the fuzz test had called the runner without
    // the commands' check, and the engine panicked).
    let bench = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/scenarios/strategy-bayesian-asymmetric.toml");
    for command in ["run", "audit"] {
        refused(
            &[
                command,
                &bench.display().to_string(),
                "--set",
                "parties.b.pressure=5e-324",
            ],
            &["parties.a", "`bayesian`", "mixed regime breaks down"],
        );
    }
}

// ---- Hardening II (issue 26) -----------------------------------------------------------------

#[test]
fn varying_the_round_count_or_the_seed_is_refused_not_ignored() {
    for (vary, needle) in [
        (
            "simulation.rounds=10,20",
            "simulation.rounds cannot be varied",
        ),
        ("simulation.seed=1,2", "simulation.seed cannot be varied"),
    ] {
        refused(&["sweep", &war(), "--vary", vary], &[needle, "--vary"]);
    }
    // The same from the file's [sweep] table.
    let dir = TempDir::new().unwrap();
    let text =
        fs::read_to_string(war()).unwrap() + "\n[sweep.vary]\n\"simulation.rounds\" = \"10,20\"\n";
    let file = write(dir.path(), "s.toml", &text);
    refused(&["sweep", &file], &["simulation.rounds cannot be varied"]);
}

#[test]
fn party_ids_that_no_command_could_address_are_refused() {
    let dir = TempDir::new().unwrap();
    for id in [
        "\"\"",
        "\"ir.an\"",
        "\"1x\"",
        "\"a b\"",
        "\"iran,p5\"",
        "\"é\"",
    ] {
        let text = format!(
            "[parties.{id}]\nstake = 1\npressure = 0.1\nstrategy = \"never\"\n\
             [parties.b]\nstake = 1\npressure = 0.1\nstrategy = \"never\"\n\
             [simulation]\nhorizon = 5\n"
        );
        let file = write(dir.path(), "ids.toml", &text);
        refused(&["run", &file], &["cannot be written in --set", ":1:"]);
    }
}

#[test]
fn a_scenario_file_without_an_end_is_refused_at_once() {
    let started = Instant::now();
    refused(&["run", "/dev/zero"], &["/dev/zero", "larger than 16 MiB"]);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn counts_take_the_number_of_their_noun() {
    let dir = TempDir::new().unwrap();
    let file = war();
    let part = dir.path().join("parts");
    impasse()
        .args(["run", &file, "-n", "1000", "--shard", "0/1", "-q", "-o"])
        .arg(&part)
        .assert()
        .success();
    let merged = dir.path().join("merged");
    impasse()
        .args(["merge", part.to_str().unwrap(), "-o"])
        .arg(&merged)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "merged 1 shard of `impasse run` into",
        ));
    impasse()
        .args(["run", &file, "-n", "1000", "--shard", "0/2", "-o"])
        .arg(dir.path().join("empty"))
        .assert()
        .success()
        .stderr(predicate::str::contains("share 1 batch of 16,384 rounds"));
}

#[test]
fn a_second_command_writing_into_the_same_folder_at_once_is_refused() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("s");
    let sweep = |rounds: &str| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_impasse"));
        c.args([
            "sweep",
            &war(),
            "--vary",
            "parties.a.pressure=0.1,0.2",
            "-q",
            "-j",
            "1",
        ])
        .args(["-n", rounds, "-o"])
        .arg(&out);
        c
    };
    // The first takes hours; the second comes while it runs.
    let mut first = sweep("1e12").spawn().unwrap();
    let started = Instant::now();
    while !out.is_dir() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the first sweep did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let second = sweep("100").output().unwrap();
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(second.status.code(), Some(2));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        err.contains("is being written by another impasse command"),
        "{err}"
    );
    // Once the first is gone (killed: the system drops its lock), the folder can be written.
    sweep("100").assert_success();
}

trait AssertSuccess {
    fn assert_success(&mut self);
}

impl AssertSuccess for std::process::Command {
    fn assert_success(&mut self) {
        let done = self.output().unwrap();
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
    }
}

#[test]
fn a_value_where_a_table_belongs_is_named_as_a_table_not_a_rust_type() {
    let dir = TempDir::new().unwrap();
    for (text, at) in [
        ("[parties]\na = 1\nb = 2\n", "parties.a"),
        ("simulation = 3\n", "simulation"),
    ] {
        let file = write(dir.path(), "t.toml", text);
        let a = impasse().args(["check", &file]).assert().code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(
            err.contains(at) && err.contains("expected a table"),
            "{err}"
        );
        assert!(!err.contains("struct") && !err.contains("Raw"), "{err}");
    }
}

#[test]
fn an_input_output_error_is_told_once() {
    use impasse::discover::DiscoverError;
    use impasse::report::ReportError;
    use impasse::shard::MergeError;
    use impasse::sweep::SweepError;
    use impasse::sweep::sensitivity::SensitivityError;
    use impasse::sweep::store::StoreError;
    let full = || std::io::Error::from_raw_os_error(28);
    let errors: Vec<anyhow::Error> = vec![
        SweepError::Io(full()).into(),
        SweepError::Store(StoreError::Io(full())).into(),
        ReportError::Io(full()).into(),
        DiscoverError::Io(full()).into(),
        SensitivityError::Io(full()).into(),
        MergeError::Io {
            path: "out/x".into(),
            source: full(),
        }
        .into(),
    ];
    for e in errors {
        let told = impasse::cli::render_error(&e);
        assert_eq!(told.matches("os error 28").count(), 1, "{told}");
    }
}

#[test]
fn one_round_gives_no_interval_for_the_nash_conv_either() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("a");
    impasse()
        .args(["audit", "-n", "1", "-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let text = fs::read_to_string(out.join("audit.csv")).unwrap();
    let last: Vec<&str> = text.lines().last().unwrap().split(',').collect();
    assert_eq!(last[0], "", "the NashConv row: {text}");
    assert!(last[10].parse::<f64>().is_ok(), "{text}");
    assert_eq!((last[11], last[12]), ("", ""), "{text}");
    impasse()
        .args(["audit", "-n", "1", "-o"])
        .arg(dir.path().join("b"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "  1 round x 202 deviations a party in",
        ));
}

#[test]
fn results_go_only_into_a_new_or_empty_directory_or_over_impasse_results() {
    let dir = TempDir::new().unwrap();
    let project = dir.path().join("project");
    fs::create_dir_all(project.join("figures")).unwrap();
    fs::write(project.join("summary.csv"), "my own data\n").unwrap();
    for args in [
        vec!["run", &war(), "-n", "500", "-o", "."],
        vec![
            "sweep",
            &war(),
            "-n",
            "500",
            "--vary",
            "parties.a.pressure=0.1,0.2",
            "-o",
            ".",
        ],
        vec!["audit", &war(), "-n", "500", "-o", "."],
    ] {
        impasse()
            .current_dir(&project)
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "is not empty and does not hold impasse's results (it has figures, summary.csv)",
            ));
    }
    assert_eq!(
        fs::read_to_string(project.join("summary.csv")).unwrap(),
        "my own data\n"
    );
    impasse()
        .args(["merge", "-o"])
        .arg(&project)
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not hold impasse's results"));
    // An empty directory, a run's own (again, and after a sweep wrote its default folder inside
    // it), and a folder of shards are fine.
    let empty = dir.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    let ok = |args: &[&str]| {
        impasse()
            .current_dir(dir.path())
            .args(args)
            .args(["-n", "500", "-q"])
            .assert()
            .success();
    };
    ok(&["run", &war(), "-o", "empty"]);
    ok(&["sweep", &war(), "--vary", "parties.a.pressure=0.1,0.2"]);
    ok(&["run", &war()]);
    ok(&["run", &war()]);
    ok(&["run", &war(), "--shard", "0/2", "-o", "parts"]);
    ok(&["run", &war(), "--shard", "1/2", "-o", "parts"]);
}
