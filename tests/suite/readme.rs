//! Every `impasse` command line the README shows runs as written, in order, from a fresh working
//! directory holding the repository's scenarios (so that each command finds what the ones before
//! it wrote: `discover` the sweep's folder). Simulating commands get `-n 2000` in place of their
//! round count, so that the check is about the command lines and where results go, not the
//! results; the Slurm job writes its scripts into the working directory instead of /scratch, and
//! is submitted only in tests/suite/slurm.rs.

use std::fs;
use std::path::Path;

use crate::common::impasse;

/// The README's command lines starting with `impasse` (or `$ impasse`), continuation lines
/// joined and comments dropped, each as its words.
fn readme_commands() -> Vec<Vec<String>> {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut commands = Vec::new();
    let mut in_block = false;
    let mut pending = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        let line = line.trim().trim_start_matches("$ ");
        if pending.is_empty() && !line.starts_with("impasse ") && line != "impasse" {
            continue;
        }
        pending.push_str(line.trim_end_matches('\\'));
        pending.push(' ');
        if line.ends_with('\\') {
            continue;
        }
        let words = shlex::split(&pending).expect("a shell command line");
        let end = words
            .iter()
            .position(|w| w.starts_with('#'))
            .unwrap_or(words.len());
        commands.push(words[..end].to_vec());
        pending.clear();
    }
    commands
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

#[test]
fn every_command_line_in_the_readme_runs_and_says_where_its_results_went() {
    let commands = readme_commands();
    let names: Vec<String> = commands.iter().map(|c| c.join(" ")).collect();
    for needed in [
        "impasse run",
        "impasse sweep",
        "impasse discover",
        "impasse tournament",
    ] {
        assert!(
            names.iter().any(|n| n.starts_with(needed)),
            "{needed} not found: {names:#?}"
        );
    }
    let work = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
        &work.path().join("scenarios"),
    );
    for words in commands {
        let mut args: Vec<String> = words[1..].to_vec();
        let command = args.first().cloned().unwrap_or_default();
        if let Some(k) = args.iter().position(|a| a == "-n") {
            args.drain(k..k + 2);
        }
        if ["run", "sweep", "tournament", "audit", "slurm"].contains(&command.as_str()) {
            args.extend(["-n".into(), "2000".into()]);
        }
        if command == "slurm" {
            let k = args.iter().position(|a| a == "-o").unwrap();
            args[k + 1] = "slurm-job".into();
        }
        let done = impasse()
            .current_dir(work.path())
            .args(&args)
            .output()
            .unwrap();
        let shown = words.join(" ");
        let stdout = String::from_utf8_lossy(&done.stdout);
        assert!(
            done.status.success(),
            "`{shown}` failed: {}",
            String::from_utf8_lossy(&done.stderr)
        );
        if ["run", "sweep", "tournament", "audit"].contains(&command.as_str()) {
            assert!(
                stdout.contains("results in "),
                "`{shown}` did not say where: {stdout}"
            );
        }
    }
    // The defaults the README states.
    for dir in [
        "out/iran-p5plus1-2013",
        "out/iran-p5plus1-2013/audit",
        "out/iran-p5plus1-2013/sweep",
        "out/iran-p5plus1-2013-sensitivity/sweep",
        "out/iran-p5plus1-2013/tournament",
    ] {
        assert!(
            work.path().join(dir).join("manifest.toml").is_file(),
            "{dir}"
        );
    }
    assert!(
        work.path()
            .join("out/iran-p5plus1-2013-sensitivity/sweep/prim_boxes.csv")
            .is_file()
    );
}

/// The sample run the README prints is what `impasse run` prints, but the line with the timing.
#[test]
fn the_readme_sample_run_is_what_impasse_run_prints() {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = text.find("$ impasse run\n").expect("the sample run") + "$ impasse run\n".len();
    let sample = &text[start..start + text[start..].find("```").unwrap()];
    let work = tempfile::tempdir().unwrap();
    let done = impasse()
        .current_dir(work.path())
        .arg("run")
        .output()
        .unwrap();
    assert!(done.status.success());
    let printed = String::from_utf8(done.stdout).unwrap();
    let timing = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| match l.split_once(" rounds in ") {
                Some((n, rest)) => format!("{n} rounds in ...{}", &rest[rest.find(';').unwrap()..]),
                None => l.to_string(),
            })
            .collect()
    };
    assert_eq!(timing(sample), timing(&printed));
}
