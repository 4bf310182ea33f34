//! A sweep through a real Slurm cluster: `impasse slurm`, `submit.sh --wait`, and a merged result
//! byte-identical to the same sweep run locally. Ignored by a plain `cargo test --release` (it needs Slurm);
//! `.ci/run` starts a single-node cluster and runs it with `--ignored`.

use std::time::Instant;

use assert_cmd::Command;

use crate::common;
use common::same_bytes;

#[test]
#[ignore = "needs a running Slurm cluster; .ci/run starts one with shared/tools/slurm-local.sh"]
fn a_sweep_sharded_on_slurm_equals_the_same_sweep_run_locally() {
    let dir = tempfile::Builder::new()
        .prefix("impasse-slurm-")
        .tempdir_in("/tmp")
        .unwrap();
    let job = dir.path().join("job");
    let args = [
        "sweep",
        "scenarios/iran-p5plus1-2013-sweep.toml",
        "-n",
        "20000",
    ];
    Command::cargo_bin("impasse")
        .unwrap()
        .args(["slurm", args[1], args[0]])
        .args(&args[2..])
        .args(["--shards", "4", "-o"])
        .arg(&job)
        .assert()
        .success();
    let started = Instant::now();
    let status = std::process::Command::new("bash")
        .arg(job.join("submit.sh"))
        .arg("--wait")
        .status()
        .unwrap();
    let on_slurm = started.elapsed();
    assert!(
        status.success(),
        "submit.sh --wait failed; logs in {}",
        job.join("logs").display()
    );

    let local = dir.path().join("local");
    let started = Instant::now();
    Command::cargo_bin("impasse")
        .unwrap()
        .args(args)
        .arg("-q")
        .arg("-o")
        .arg(&local)
        .assert()
        .success();
    let here = started.elapsed();
    println!(
        "4-shard Slurm sweep: {:.2} s; the same sweep locally: {:.2} s",
        on_slurm.as_secs_f64(),
        here.as_secs_f64()
    );
    same_bytes(
        &local,
        &job.join("merged"),
        &["sweep.csv", "sweep_outcomes.csv", "manifest.toml"],
    );
}
