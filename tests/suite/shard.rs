//! Shards and merges: for every command and several shard counts (including more shards than
//! batches), merging the parts, in any order, gives files byte-identical to an unsharded run; a
//! missing, duplicate or foreign part is refused by name.

use crate::common;
use common::{impasse, same_bytes};

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use tempfile::TempDir;

// Three batches of rounds (2 * 16384 + 100), an event, a deadline: every path of the engine.
const GAME: &str = r#"
[parties.a]
stake = 1
pressure = { initial = 0.2, growth = 0.05 }
strategy = "equilibrium"
[parties.b]
stake = 1
pressure = 0.3
strategy = "equilibrium"
[breakdown]
hazard = 0.05
[deadline]
at = 8
breakdown_probability = 0.5
[[event]]
name = "shock"
rate = 0.2
max = 1
party = "b"
effects = ["pressure *= 2"]
[simulation]
rounds = 32868
seed = 9
"#;

fn scenario(dir: &Path) -> String {
    let p = dir.join("game.toml");
    fs::write(&p, GAME).unwrap();
    p.display().to_string()
}

/// Run `args` whole into `dir/whole`, and as `n` shards into `dir/parts-n`, then merge the parts
/// (listed in reverse order) into `dir/merged-n`; compare every file.
fn sharded_equals_whole(dir: &Path, args: &[&str], files: &[&str], counts: &[u64]) {
    let whole = dir.join("whole");
    impasse()
        .args(args)
        .arg("-q")
        .arg("-o")
        .arg(&whole)
        .assert()
        .success();
    for &n in counts {
        let parts = dir.join(format!("parts-{n}"));
        common::shards(args, &parts, n);
        let mut dirs: Vec<PathBuf> = (0..n)
            .map(|i| parts.join(format!("part-{i}-of-{n}")))
            .collect();
        dirs.reverse();
        let merged = dir.join(format!("merged-{n}"));
        impasse()
            .arg("merge")
            .args(&dirs)
            .arg("-q")
            .arg("-o")
            .arg(&merged)
            .assert()
            .success();
        same_bytes(&whole, &merged, files);
    }
}

#[test]
fn run_shards_merge_into_the_same_bytes() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path());
    let files = ["summary.csv", "outcomes.csv", "times.csv", "manifest.toml"];
    sharded_equals_whole(dir.path(), &["run", &file], &files, &[1, 2, 3, 7]);
}

#[test]
fn sweep_shards_merge_into_the_same_bytes() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path());
    let args = [
        "sweep",
        &file,
        "-n",
        "3000",
        "--vary",
        "parties.b.pressure=0.1:0.5:5",
    ];
    sharded_equals_whole(
        dir.path(),
        &args,
        &["sweep.csv", "sweep_outcomes.csv", "manifest.toml"],
        &[2, 3, 8],
    );
}

/// A Sobol' design's shards cut its blocks of cross points apart; the merge still writes the
/// same sweep and the same indices.
#[test]
fn sobol_sweep_shards_merge_into_the_same_bytes_and_indices() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path());
    let args = [
        "sweep",
        &file,
        "-n",
        "500",
        "--design",
        "sobol",
        "--points",
        "8",
        "--vary",
        "parties.b.pressure=0.1..0.5",
        "--vary",
        "breakdown.hazard=0.01..0.1",
    ];
    sharded_equals_whole(
        dir.path(),
        &args,
        &[
            "sweep.csv",
            "sweep_outcomes.csv",
            "sensitivity.csv",
            "manifest.toml",
        ],
        &[3, 5],
    );
}

#[test]
fn tournament_shards_merge_into_the_same_bytes() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path());
    let other = dir.path().join("other.toml");
    fs::write(&other, GAME.replace("at = 8", "at = 4")).unwrap();
    let other = other.display().to_string();
    let args = [
        "tournament",
        &file,
        "--entrants",
        "a=equilibrium,never,hazard:rate=0.5",
        "--entrants",
        "b=equilibrium,immediate",
        "--scenarios",
        &other,
    ];
    let files = [
        "tournament.csv",
        "ranking.csv",
        "equilibria.csv",
        "replicator.csv",
        "robustness.csv",
        "manifest.toml",
    ];
    sharded_equals_whole(dir.path(), &args, &files, &[2, 5]);
}

fn parts(dir: &Path, args: &[&str], n: u64) -> PathBuf {
    let out = dir.join(format!("p{n}-{}", args.len()));
    common::shards(args, &out, n);
    out
}

#[test]
fn merge_refuses_missing_duplicate_and_foreign_parts() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path());
    let p = parts(dir.path(), &["run", &file], 3);
    let merge = |dirs: &[PathBuf], needle: &str| {
        impasse()
            .arg("merge")
            .args(dirs)
            .arg("-o")
            .arg(dir.path().join("m"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle));
    };
    let part = |i: u64| p.join(format!("part-{i}-of-3"));
    merge(&[part(0), part(2)], "shard(s) 1 of 3 missing");
    merge(
        &[part(0), part(1), part(2), part(1)],
        "shard 1 of 3 is given twice",
    );
    let other = parts(dir.path(), &["run", &file, "--seed", "10"], 3);
    merge(
        &[part(0), part(1), other.join("part-2-of-3")],
        "part-2-of-3 is a part of another seed than",
    );
    merge(
        &[part(0), part(1), other.join("part-2-of-3")],
        "(10 here, 9 there)",
    );
    let sweep = parts(
        dir.path(),
        &[
            "sweep",
            &file,
            "-n",
            "100",
            "--vary",
            "parties.b.pressure=1,2",
        ],
        3,
    );
    merge(
        &[part(0), part(1), sweep.join("part-2-of-3")],
        "is a part of another command",
    );
    let four = parts(dir.path(), &["run", &file, "-n", "10"], 2);
    merge(
        &[part(0), four.join("part-1-of-2")],
        "another round count than",
    );
    merge(&[dir.path().to_path_buf()], "not a partial result");
    assert!(!dir.path().join("m").exists());
}

#[test]
fn the_shard_can_come_from_slurm_or_kubernetes() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path());
    let out = dir.path().join("env");
    impasse()
        .args(["run", &file, "-q", "-n", "2000", "--shard-from-env", "-o"])
        .arg(&out)
        .env("SLURM_ARRAY_TASK_ID", "1")
        .env("SLURM_ARRAY_TASK_COUNT", "2")
        .assert()
        .success();
    assert!(out.join("part-1-of-2/part.json").exists());
    impasse()
        .args([
            "run",
            &file,
            "-q",
            "-n",
            "2000",
            "--shard-from-env",
            "--shard-count",
            "2",
            "-o",
        ])
        .arg(&out)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env("JOB_COMPLETION_INDEX", "0")
        .assert()
        .success();
    impasse()
        .arg("merge")
        .arg(&out)
        .arg("-q")
        .arg("-o")
        .arg(dir.path().join("m"))
        .assert()
        .success();
    impasse()
        .args(["run", &file, "-q", "--shard-from-env"])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX",
        ));
    impasse()
        .args(["run", &file, "-q", "--shard", "2/2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the index must be below the count",
        ));
}

#[test]
fn slurm_writes_scripts_and_refuses_what_would_fail_on_the_cluster() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path());
    let job = dir.path().join("job");
    impasse()
        .args([
            "slurm",
            &file,
            "sweep",
            "--vary",
            "parties.b.pressure=1,2,3",
            "--shards",
            "3",
            "--partition",
            "short",
            "--time",
            "00:10:00",
            "-o",
        ])
        .arg(&job)
        .assert()
        .success();
    let array = fs::read_to_string(job.join("array.sbatch")).unwrap();
    assert!(
        array.contains("#SBATCH --array=0-2")
            && array.contains("#SBATCH --partition=short")
            && array.contains("#SBATCH --time=00:10:00")
    );
    assert!(array.contains(&format!("{}/scenario.toml", job.display())));
    assert!(
        fs::read_to_string(job.join("submit.sh"))
            .unwrap()
            .contains("--dependency=afterok")
    );
    let fails = |args: &[&str], needle: &str| {
        impasse()
            .arg("slurm")
            .arg(&file)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle));
    };
    // clap parses the slurm flags with each command's own: its messages name the flag.
    fails(
        &["check", "--shards", "2", "-o", "x"],
        "unexpected argument 'check'",
    );
    fails(&["run", "-o", "x"], "--shards <N>");
    // More shards than work: refused, not a hundred million empty array tasks.
    fails(
        &["run", "--shards", "100000000", "-o", "x"],
        "the run has 3 batches of 16,384 rounds to share out, at most one to a shard",
    );
    fails(
        &[
            "sweep",
            "--vary",
            "parties.b.pressure=1,2",
            "--shards",
            "3",
            "-o",
            "x",
        ],
        "the sweep has 2 points to share out",
    );
    fails(&["run", "--shards", "2"], "--out <DIR>");
    fails(
        &["run", "--shards", "0", "-o", "x"],
        "invalid value '0' for '--shards <N>'",
    );
    fails(
        &["sweep", "--shards", "2", "-o", "x", "--designn", "lhs"],
        "a similar argument exists: '--design'",
    );
    fails(
        &["run", "--shards", "2", "-o", "x", "--shard", "0/2"],
        "unexpected argument '--shard'",
    );
    fails(
        &["run", "--shards", "2", "-o", "x", "-j", "2"],
        "unexpected argument '-j'",
    );
    // What the jobs would run is checked now: a bad path to vary, an entrant that is no strategy.
    fails(
        &["sweep", "--shards", "2", "-o", "x", "--vary", "bogus=1,2"],
        "--vary bogus=1,2",
    );
    fails(
        &[
            "tournament",
            "--shards",
            "2",
            "-o",
            "x",
            "--entrants",
            "a=nope",
        ],
        "nope",
    );
}

#[test]
fn merge_and_slurm_refuse_bad_outputs_and_counts() {
    let dir = TempDir::new().unwrap();
    let file = scenario(dir.path());
    let p = parts(dir.path(), &["run", &file, "-n", "100"], 1);
    let blocker = dir.path().join("taken");
    fs::write(&blocker, "x").unwrap();
    impasse()
        .arg("merge")
        .arg(&p)
        .arg("-o")
        .arg(&blocker)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists and is not a directory"));
    impasse()
        .args([
            "slurm",
            &file,
            "run",
            "--shards",
            "2",
            "--cpus-per-task",
            "0",
            "-o",
        ])
        .arg(dir.path().join("job"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value '0' for '--cpus-per-task <C>'",
        ));
}
