//! The commands run by another program (`impasse::cli::execute` with a `Host`, as the Python
//! package runs them): the same files as the binary, progress that can be polled, a stop that
//! comes promptly and leaves no file behind, errors instead of an ended process.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use impasse::cli::{self, Host, Stopped};

const IRAN: &str = "scenarios/iran-p5plus1-2013.toml";

/// Every round waits to the deadline, so that a run of many rounds takes long.
const WAITING: [&str; 4] = [
    "--set",
    "parties.iran.strategy=never",
    "--set",
    "parties.p5plus1.strategy=never",
];

fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            out.extend(files(&p).into_iter().map(|f| format!("{name}/{f}")));
        } else {
            out.push(name);
        }
    }
    out.sort();
    out
}

#[test]
fn a_stopped_run_returns_promptly_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let host = Arc::new(Host::embedded());
    let worker = {
        let (host, out) = (Arc::clone(&host), out.clone());
        std::thread::spawn(move || {
            let mut args = vec!["impasse", "run", IRAN, "-n", "1e11", "-j", "1"];
            args.extend(WAITING);
            args.extend(["-o", out.to_str().unwrap()]);
            cli::execute(args, &host)
        })
    };
    // Wait for the bar to move, so that the stop comes in the middle of the rounds.
    let begun = Instant::now();
    while host.progress().is_none_or(|(at, _, _)| at == 0) {
        assert!(begun.elapsed() < Duration::from_secs(60), "no progress");
        std::thread::sleep(Duration::from_millis(10));
    }
    let (_, total, unit) = host.progress().unwrap();
    assert_eq!((total, unit.as_str()), (100_000_000_000, "rounds"));
    let stopped = Instant::now();
    host.stop();
    let result = worker.join().expect("no panic escapes execute");
    let waited = stopped.elapsed();
    let e = result.expect_err("a stopped run is an error");
    assert!(e.downcast_ref::<Stopped>().is_some(), "{e:#}");
    // The stop is seen after the batch of 16,384 rounds under way (about a millisecond).
    assert!(waited < Duration::from_secs(2), "stopped after {waited:?}");
    assert!(!out.exists() || files(&out).is_empty(), "{:?}", files(&out));
}

#[test]
fn an_embedded_run_writes_what_the_binary_writes_and_keeps_what_it_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let (mine, theirs) = (tmp.path().join("embedded"), tmp.path().join("binary"));
    let host = Host::embedded();
    let args = ["run", IRAN, "-n", "20000", "--seed", "5", "-o"];
    let argv = std::iter::once("impasse")
        .chain(args)
        .chain([mine.to_str().unwrap()]);
    cli::execute(argv, &host).unwrap();
    let done = std::process::Command::new(env!("CARGO_BIN_EXE_impasse"))
        .args(args)
        .arg(&theirs)
        .output()
        .unwrap();
    assert!(done.status.success());
    assert_eq!(files(&mine), files(&theirs));
    for f in [
        "summary.csv",
        "outcomes.csv",
        "times.csv",
        "survival.csv",
        "report.html",
    ] {
        assert_eq!(
            std::fs::read(mine.join(f)).unwrap(),
            std::fs::read(theirs.join(f)).unwrap(),
            "{f}"
        );
    }
    // What the binary prints on its terminal, the host keeps (but the paths and the timing).
    let printed = host.printed();
    let stdout = String::from_utf8(done.stdout).unwrap();
    let table = |s: &str| s.split("\n\n  20000 rounds in").next().unwrap().to_string();
    assert_eq!(table(&printed), table(&stdout));
    assert!(printed.contains("rounds in"), "{printed}");
}

#[test]
fn usage_errors_and_help_come_back_as_errors_not_as_an_exit() {
    let host = Host::embedded();
    for args in [
        vec!["impasse", "--help"],
        vec!["impasse", "run", "--no-such-flag"],
        vec!["impasse", "run", IRAN, "-n", "0"],
    ] {
        let e = cli::execute(args.clone(), &host).expect_err("an error");
        assert_eq!(cli::exit_code(&e), 2, "{args:?}: {e:#}");
        assert!(!cli::render_error(&e).starts_with("error:"), "{e:#}");
    }
    let e = cli::execute(["impasse", "check", "no/such/file.toml"], &host).unwrap_err();
    assert!(cli::render_error(&e).contains("no/such/file.toml"), "{e:#}");
}
