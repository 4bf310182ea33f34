//! What impasse reads back it checks first: a shard's part.json and a sweep's point files are
//! sealed with the SHA-256 of their content, and a part's counts must add up to its slice's
//! rounds. Damage is found when the file is read, named with what is wrong and how to recover,
//! and nothing is written; a resumed sweep runs its damaged points again.

use crate::common;
use common::{impasse, same_bytes};

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

fn war(dir: &Path) -> String {
    let p = dir.join("war.toml");
    fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/war-of-attrition.toml"
        ),
        &p,
    )
    .unwrap();
    p.display().to_string()
}

/// Write `part` sealed as impasse seals it (the SHA-256 of its compact JSON).
fn seal(path: &Path, part: &Value) {
    let text = serde_json::to_string(part).unwrap();
    let sha = impasse::output::sha256(&text);
    fs::write(path, format!("{{\"sha256\":\"{sha}\",\"part\":{text}}}")).unwrap();
}

fn merge_fails(parts: &Path, out: &Path, needle: &str) {
    impasse()
        .arg("merge")
        .arg(parts)
        .arg("-o")
        .arg(out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(needle))
        .stderr(predicate::str::contains("run that shard again"));
    assert!(!out.exists(), "a refused merge wrote {}", out.display());
}

#[test]
fn a_damaged_or_doctored_part_is_refused_by_its_seal_and_by_its_counts() {
    let dir = TempDir::new().unwrap();
    let file = war(dir.path());
    let parts = dir.path().join("p");
    common::shards(&["run", &file, "-n", "40000"], &parts, 2);
    let original = parts.join("part-0-of-2").join("part.json");
    let bytes = fs::read(&original).unwrap();
    let sealed: Value = serde_json::from_slice(&bytes).unwrap();
    let out = dir.path().join("m");
    let doctor = |edit: &dyn Fn(&mut Value), reseal: bool, needle: &str| {
        let mut part = sealed["part"].clone();
        edit(&mut part);
        if reseal {
            seal(&original, &part);
        } else {
            let mut whole = sealed.clone();
            whole["part"] = part;
            fs::write(&original, serde_json::to_string(&whole).unwrap()).unwrap();
        }
        merge_fails(&parts, &out, needle);
    };
    fn totals(p: &mut Value) -> &mut Value {
        &mut p["payload"]["Run"]["totals"]
    }
    let shorten = |p: &mut Value| {
        totals(p)["sums"].as_array_mut().unwrap().pop();
    };
    let raise = |p: &mut Value| {
        let c = &mut totals(p)["counts"]["histogram"]["counts"][3];
        *c = Value::from(c.as_u64().unwrap() + 1000);
    };
    let huge = |p: &mut Value| {
        totals(p)["sums"][9]["partials"] = serde_json::json!([-1e308]);
    };
    // Edited without a new seal: the seal says so.
    for edit in [&shorten as &dyn Fn(&mut Value), &raise, &huge] {
        doctor(edit, false, "does not match its SHA-256");
    }
    // Edited and sealed anew: the counts do not add up.
    doctor(&shorten, true, "not the right number of finite numbers");
    doctor(&raise, true, "count 17384 rounds");
    doctor(&huge, true, "is impossible for 16384 rounds");
    // Cut short.
    fs::write(&original, &bytes[..bytes.len() / 2]).unwrap();
    merge_fails(&parts, &out, "not a part file sealed by this version");
    // Restored, it merges.
    fs::write(&original, &bytes).unwrap();
    common::merge(&[&parts], &out);
}

fn sweep_args(file: &str, out: &Path) -> Vec<String> {
    let mut a: Vec<String> = [
        "sweep",
        file,
        "-n",
        "2000",
        "--no-report",
        "--vary",
        "parties.a.pressure=0.05:0.2:6",
        "-o",
    ]
    .map(str::to_string)
    .to_vec();
    a.push(out.display().to_string());
    a
}

fn point(dir: &Path, k: u64) -> PathBuf {
    dir.join(".sweep").join("points").join(format!("{k}.csv"))
}

#[test]
fn a_damaged_sweep_point_is_named_by_merge_and_run_again_by_resume() {
    let dir = TempDir::new().unwrap();
    let file = war(dir.path());
    let whole = dir.path().join("whole");
    impasse()
        .args(sweep_args(&file, &whole))
        .arg("-q")
        .assert()
        .success();
    let parts = dir.path().join("p");
    let args = sweep_args(&file, &parts);
    let args: Vec<&str> = args[..args.len() - 2].iter().map(String::as_str).collect();
    common::shards(&args, &parts, 2);
    // In shard 1 (points 3 to 5): point 3 cut short, point 5 edited, a temporary file left by
    // a kill.
    let part = parts.join("part-1-of-2");
    let three = fs::read_to_string(point(&part, 3)).unwrap();
    fs::write(point(&part, 3), &three[..three.len() / 2]).unwrap();
    let five = fs::read_to_string(point(&part, 5)).unwrap();
    fs::write(point(&part, 5), five.replacen(',', ";", 1)).unwrap();
    let stale = part.join(".sweep/points/4.csv.tmp-99999");
    fs::write(&stale, "half").unwrap();
    let out = dir.path().join("m");
    merge_fails(&parts, &out, "point 3 is missing or damaged");
    // `--resume` on that shard runs the damaged points again and clears the temporary file.
    let parts_s = parts.display().to_string();
    let mut again: Vec<&str> = args.clone();
    again.extend(["--shard", "1/2", "--resume", "-o", &parts_s]);
    impasse()
        .args(&again)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "damaged (cut short or edited): 3, 5; they run again",
        ));
    assert!(!stale.exists());
    common::merge(&[&parts], &out);
    same_bytes(&out, &whole, &["sweep.csv", "sweep_outcomes.csv"]);
}

/// A command's arguments, its name, an edit of its part and what the refusal says.
type Case<'a> = (&'a [&'a str], &'a str, fn(&mut Value), &'a str);

/// The count checks of an audit's and a tournament's parts: sums of another number of rounds
/// than the slice holds are refused even when the part is sealed anew.
#[test]
fn an_audit_or_tournament_part_whose_rounds_do_not_add_up_is_refused() {
    let dir = TempDir::new().unwrap();
    let file = war(dir.path());
    let cases: [Case; 2] = [
        (
            &["audit", &file, "-n", "40000", "--grid", "4"],
            "audit",
            |p| {
                let r = &mut p["payload"]["Audit"]["totals"]["rounds"];
                *r = Value::from(r.as_u64().unwrap() + 1);
            },
            "its sums are of 16385 rounds, where its slice has 16384",
        ),
        (
            &[
                "tournament",
                &file,
                "-n",
                "40000",
                "--entrants",
                "a=never,immediate",
            ],
            "tournament",
            |p| {
                let h = &mut p["payload"]["Tournament"]["scenarios"][0]["results"]["pairings"][1]["counts"]
                    ["histogram"]["counts"][0];
                *h = Value::from(h.as_u64().unwrap() + 1);
            },
            "its totals count 16385 rounds",
        ),
    ];
    for (args, name, edit, needle) in cases {
        let parts = dir.path().join(name);
        common::shards(args, &parts, 2);
        let path = parts.join("part-0-of-2").join("part.json");
        let sealed: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        let mut part = sealed["part"].clone();
        edit(&mut part);
        seal(&path, &part);
        merge_fails(&parts, &dir.path().join(format!("m-{name}")), needle);
    }
}

/// A part's history rules (docs/model.md 6.2) are the same in every shard, which chooses them on
/// the same training rounds: a part whose rule differs from the first's, or does not fit its
/// grid, was altered, and the merge refuses it.
#[test]
fn an_audit_part_with_altered_history_rules_is_refused() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("offer.toml");
    fs::write(
        &file,
        "[parties.a]\nstake = 1\npressure = 0.1\naudience_cost = 1.5\nstrategy = \"immediate\"\n\
         [parties.b]\nstake = 1\npressure = 0.1\nstrategy = \"never\"\n\
         [deadline]\nat = 10\nbreakdown_probability = 1\n\
         [[event]]\nname = \"offer\"\nrate = 0.5\nmax = 1\nparty = \"a\"\n\
         effects = [\"audience_cost = 0\"]\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let parts = dir.path().join("parts");
    common::shards(&["audit", f, "-n", "40000", "--grid", "5"], &parts, 2);
    let path = parts.join("part-1-of-2").join("part.json");
    let good: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let rules =
        |p: &mut Value| -> Value { p["payload"]["Audit"]["totals"]["history"]["rules"][0].take() };
    for (edit, needle) in [
        (
            Box::new(|r: &mut Vec<Value>| r[3] = Value::from(!r[3].as_bool().unwrap()))
                as Box<dyn Fn(&mut Vec<Value>)>,
            "its history rules differ from those of",
        ),
        (
            Box::new(|r: &mut Vec<Value>| {
                r.pop();
            }),
            "its history rules do not fit its grid",
        ),
    ] {
        let mut part = good["part"].clone();
        let Value::Array(mut rule) = rules(&mut part) else {
            panic!("no history rule in {part}")
        };
        edit(&mut rule);
        part["payload"]["Audit"]["totals"]["history"]["rules"][0] = Value::Array(rule);
        seal(&path, &part);
        merge_fails(&parts, &dir.path().join("merged"), needle);
    }
}
