//! Slurm job arrays: the scripts `impasse slurm` writes. `array.sbatch` runs the shards as an
//! array job (each task takes its shard from the environment), `merge.sbatch` merges them, and
//! `submit.sh` submits both, the merge with `--dependency=afterok` so that it runs only once every
//! shard has succeeded. Every path in the scripts is absolute, so they run from anywhere.

use std::path::PathBuf;

/// A sharded command to run on Slurm.
#[derive(Clone, Debug)]
pub struct Job {
    /// The impasse binary, absolute.
    pub bin: PathBuf,
    /// `run`, `sweep` or `tournament`.
    pub command: String,
    /// The scenario, absolute (a copy in `dir`).
    pub scenario: PathBuf,
    /// The command's own flags.
    pub args: Vec<String>,
    /// How many shards (array tasks).
    pub shards: u64,
    /// Where the scripts, logs, parts and merged results go; absolute.
    pub dir: PathBuf,
    /// The Slurm partition (the cluster's default when `None`).
    pub partition: Option<String>,
    /// The time limit of each task (Slurm's `--time`).
    pub time: Option<String>,
    /// CPUs per shard (Slurm's default when `None`: one).
    pub cpus: Option<u64>,
}

fn quote(s: &str) -> String {
    shlex::try_quote(s).map_or_else(|_| format!("'{s}'"), |q| q.into_owned())
}

fn path(p: &std::path::Path) -> String {
    quote(&p.display().to_string())
}

impl Job {
    fn header(&self, name: &str, log: &str) -> String {
        let mut h = format!(
            "#!/bin/bash\n#SBATCH --job-name={name}\n#SBATCH --output={}\n",
            self.dir.join("logs").join(log).display()
        );
        if let Some(p) = &self.partition {
            h.push_str(&format!("#SBATCH --partition={p}\n"));
        }
        if let Some(t) = &self.time {
            h.push_str(&format!("#SBATCH --time={t}\n"));
        }
        if let Some(c) = self.cpus {
            h.push_str(&format!("#SBATCH --cpus-per-task={c}\n"));
        }
        h
    }

    /// array.sbatch: one array task per shard.
    pub fn array_sbatch(&self) -> String {
        let mut s = self.header(&format!("impasse-{}", self.command), "shard-%a.log");
        s = s.replacen(
            "#SBATCH --output",
            &format!("#SBATCH --array=0-{}\n#SBATCH --output", self.shards - 1),
            1,
        );
        let args: Vec<String> = self.args.iter().map(|a| quote(a)).collect();
        s.push_str(&format!(
            "# One shard of {} per array task; each writes {}/part-<task>-of-{}/, with as many threads\n# as Slurm gave it CPUs.\nset -euo pipefail\nexec {} {} {} {} --shard-from-env -j \"${{SLURM_CPUS_ON_NODE:-1}}\" -q -o {}\n",
            self.shards,
            self.dir.join("parts").display(),
            self.shards,
            path(&self.bin),
            self.command,
            path(&self.scenario),
            args.join(" "),
            path(&self.dir.join("parts")),
        ));
        s
    }

    /// merge.sbatch: merges the shards once every task succeeded.
    pub fn merge_sbatch(&self) -> String {
        let mut s = self.header("impasse-merge", "merge.log");
        s.push_str(&format!(
            "set -euo pipefail\nexec {} merge {} -o {}\n",
            path(&self.bin),
            path(&self.dir.join("parts")),
            path(&self.dir.join("merged")),
        ));
        s
    }

    /// submit.sh: submits the array and the merge (`--dependency=afterok`); `--wait` waits for both.
    pub fn submit_sh(&self) -> String {
        format!(
            r#"#!/usr/bin/env bash
# Submit the {n} shards of `impasse {cmd}` as a Slurm array job, then the merge, which runs only
# if every shard succeeded (--dependency=afterok; it is cancelled otherwise). With --wait, return
# once the merge has ended: exit 0 with the results in {merged}, non-zero if a shard or the merge
# failed. (It polls the merge job every second rather than use `sbatch --wait`, whose back-off
# can add half a minute.)
set -euo pipefail
case "${{1:-}}" in
  --wait) wait=1 ;;
  "") wait=0 ;;
  *) echo "usage: $0 [--wait]" >&2; exit 2 ;;
esac
mkdir -p {logs}
array=$(sbatch --parsable {array})
array=${{array%%;*}}
merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes {merge_script})
merge=${{merge%%;*}}
echo "submitted {n} shards as array job $array and the merge as job $merge"
if ((!wait)); then
  echo "results will be in {merged}"
  exit 0
fi
while :; do
  state=$(scontrol show job "$merge" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 || true)
  case "$state" in
    COMPLETED) echo "merged results in {merged}"; exit 0 ;;
    PENDING | CONFIGURING | RUNNING | COMPLETING | SUSPENDED) sleep 1 ;;
    "") echo "job $merge is no longer known to Slurm; look for {merged} and in {logs}" >&2; exit 1 ;;
    *) echo "the merge ended $state: a shard or the merge failed; see {logs}" >&2; exit 1 ;;
  esac
done
"#,
            n = self.shards,
            cmd = self.command,
            merged = path(&self.dir.join("merged")),
            logs = path(&self.dir.join("logs")),
            array = path(&self.dir.join("array.sbatch")),
            merge_script = path(&self.dir.join("merge.sbatch")),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_use_absolute_quoted_paths_and_the_dependency() {
        let job = Job {
            bin: "/opt/impasse/bin/impasse".into(),
            command: "sweep".into(),
            scenario: "/data/x y/s.toml".into(),
            args: vec![
                "--vary".into(),
                "deadline.at=3:9:7".into(),
                "--set".into(),
                "parties.a.strategy={ kind = \"never\" }".into(),
            ],
            shards: 4,
            dir: "/data/job".into(),
            partition: Some("short".into()),
            time: None,
            cpus: Some(2),
        };
        let a = job.array_sbatch();
        assert!(a.contains("#SBATCH --array=0-3\n"));
        assert!(a.contains("#SBATCH --partition=short\n"));
        assert!(a.contains("'/data/x y/s.toml'"));
        assert!(a.contains("'parties.a.strategy={ kind = \"never\" }'"));
        assert!(a.contains("#SBATCH --cpus-per-task=2\n"));
        assert!(
            a.contains("--shard-from-env -j \"${SLURM_CPUS_ON_NODE:-1}\" -q -o /data/job/parts")
        );
        assert!(
            job.merge_sbatch()
                .contains("merge /data/job/parts -o /data/job/merged")
        );
        let s = job.submit_sh();
        assert!(s.contains("--dependency=afterok:\"$array\""));
    }
}
