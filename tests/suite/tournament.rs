//! `impasse tournament`: the meta-game of a game of chicken, dominated entrants, the variance
//! reduction of common random numbers, and bad entrant specs.

use crate::common;
use common::impasse;

use std::fs;
use std::path::Path;

use predicates::prelude::*;
use tempfile::TempDir;

use impasse::engine::Engine;
use impasse::scenario::{Override, load_str};
use impasse::tournament::{Entrant, PayoffModel, Tournament};

/// Chicken: both sides demand everything; whoever gives in at t = 0 gets nothing, two who give
/// in at once split the pie, and two who hold out until the deadline at 10 get a breakdown that
/// costs each 1.
const CHICKEN: &str = r#"
[parties.a]
stake = 1
breakdown_cost = 1
strategy = "never"
[parties.b]
stake = 1
breakdown_cost = 1
strategy = "never"
[deadline]
at = 10
breakdown_probability = 1
[simulation]
rounds = 1000
[tournament]
entrants.a = ["immediate", "never"]
entrants.b = ["immediate", "never"]
"#;

fn write(dir: &Path, text: &str) -> String {
    let p = dir.join("game.toml");
    fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

#[test]
fn chicken_has_its_exact_payoff_matrix_and_all_three_equilibria() {
    // Payoffs (a, b): immediate/immediate (1/2, 1/2); immediate/never (0, 1); never/immediate
    // (1, 0); never/never (-1, -1). Equilibria: the two pure ones where one side swerves, and the
    // mixed one where each swerves with probability 2/3 and expects 1/3.
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), CHICKEN);
    let out = dir.path().join("o");
    impasse()
        .args(["tournament", &file, "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("mean payoff of a"));
    let rows = read_csv(&out.join("tournament.csv"));
    let pay = |r: &str, c: &str, party: &str| -> f64 {
        rows.iter()
            .find(|x| x[0] == r && x[1] == c && x[2] == "payoff_mean" && x[3] == party)
            .unwrap()[4]
            .parse()
            .unwrap()
    };
    assert_eq!(
        [
            pay("immediate", "immediate", "a"),
            pay("immediate", "immediate", "b")
        ],
        [0.5, 0.5]
    );
    assert_eq!(
        [
            pay("immediate", "never", "a"),
            pay("immediate", "never", "b")
        ],
        [0.0, 1.0]
    );
    assert_eq!(
        [
            pay("never", "immediate", "a"),
            pay("never", "immediate", "b")
        ],
        [1.0, 0.0]
    );
    assert_eq!(
        [pay("never", "never", "a"), pay("never", "never", "b")],
        [-1.0, -1.0]
    );

    let eq = read_csv(&out.join("equilibria.csv"));
    let count = eq
        .iter()
        .map(|r| r[0].clone())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert_eq!(count, 3);
    // Three isolated equilibria, so three components; payoffs without noise, so no regret.
    assert_eq!(
        eq.iter()
            .map(|r| r[5].clone())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        3
    );
    assert!(eq.iter().all(|r| r[0] == r[5] && r[6] == "0.0"), "{eq:?}");
    let mixed_id = eq
        .iter()
        .find(|r| r[3] != "1.0")
        .map(|r| r[0].clone())
        .unwrap();
    let mixed: Vec<&Vec<String>> = eq.iter().filter(|r| r[0] == mixed_id).collect();
    assert_eq!(mixed.len(), 4);
    for r in mixed {
        let (p, u): (f64, f64) = (r[3].parse().unwrap(), r[4].parse().unwrap());
        let expected = if r[2] == "immediate" {
            2.0 / 3.0
        } else {
            1.0 / 3.0
        };
        assert!(
            (p - expected).abs() < 1e-12 && (u - 1.0 / 3.0).abs() < 1e-12,
            "{r:?}"
        );
    }
}

#[test]
fn a_strictly_dominated_entrant_never_appears_in_an_equilibrium() {
    // No pressure, breakdown hazard h = 0.1 costing a 10: against b conceding at hazard λ_b, a
    // conceding at hazard x expects (λ_b - h κ) / (λ_b + x + h), negative for every λ_b < 1 here,
    // while `immediate` gets exactly 0. So never, hazard 0.5 and hazard 1 are strictly dominated
    // by immediate (by at least 0.09 against every b entrant, against a standard error below
    // 0.01 at 20,000 rounds).
    let text = r#"
        [parties.a]
        stake = 1
        breakdown_cost = 10
        strategy = "never"
        [parties.b]
        stake = 1
        breakdown_cost = 1
        strategy = "never"
        [breakdown]
        hazard = 0.1
        [simulation]
        rounds = 20000
        horizon = 1000
    "#;
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), text);
    let out = dir.path().join("o");
    impasse()
        .args([
            "tournament",
            &file,
            "-q",
            "--entrants",
            "a=never,hazard:rate=0.5,hazard:rate=1,immediate",
        ])
        .args([
            "--entrants",
            "b=never,hazard:rate=0.2,hazard:rate=0.5",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let eq = read_csv(&out.join("equilibria.csv"));
    assert!(!eq.is_empty());
    for r in eq.iter().filter(|r| r[1] == "a") {
        assert_eq!(
            r[2], "immediate",
            "a dominated entrant is in an equilibrium: {r:?}"
        );
    }
    let ranking = read_csv(&out.join("ranking.csv"));
    let rank = |s: &str| {
        ranking
            .iter()
            .find(|r| r[0] == "a" && r[1] == s && r[2] == "rank")
            .unwrap()[3]
            .clone()
    };
    assert_eq!(rank("immediate"), "1.0");
}

#[test]
fn common_random_numbers_lower_the_variance_of_payoff_differences() {
    // Two close entrants for a (hazard 0.5 and 0.6) against b's hazard 0.5, breakdown hazard 0.1.
    // With common random numbers both pairings see the same draws in every round, so their
    // payoffs mostly move together; with independent seeds they do not. Measured here: the
    // variance of the per-round difference is 0.056 of the independent one (printed below); we
    // require it to be below one half.
    let text = r#"
        [parties.a]
        stake = 1
        breakdown_cost = 1
        strategy = "never"
        [parties.b]
        stake = 1
        breakdown_cost = 1
        strategy = "never"
        [breakdown]
        hazard = 0.1
        [simulation]
        rounds = 20000
        seed = 3
        horizon = 1000
    "#;
    let pair = |a: &str| {
        let set = |p: &str, v: &str| Override {
            path: format!("parties.{p}.strategy"),
            value: Entrant::parse(v).unwrap().toml,
        };
        load_str("t.toml", text, &[set("a", a), set("b", "hazard:rate=0.5")])
            .unwrap()
            .scenario
    };
    let (s1, s2) = (pair("hazard:rate=0.5"), pair("hazard:rate=0.6"));
    let (e1, e2) = (Engine::new(&s1), Engine::new(&s2));
    let (mut k1, mut k2) = (e1.scratch(), e2.scratch());
    let n = 20_000u64;
    let var = |d: &[f64]| {
        let m = d.iter().sum::<f64>() / d.len() as f64;
        d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (d.len() - 1) as f64
    };
    let crn: Vec<f64> = (0..n)
        .map(|r| e1.play(3, r, &mut k1).payoff[0] - e2.play(3, r, &mut k2).payoff[0])
        .collect();
    let ind: Vec<f64> = (0..n)
        .map(|r| e1.play(3, r, &mut k1).payoff[0] - e2.play(4, r, &mut k2).payoff[0])
        .collect();
    let ratio = var(&crn) / var(&ind);
    println!("variance of the difference, CRN / independent: {ratio:.4}");
    assert!(ratio < 0.5, "CRN ratio {ratio}");

    // The tournament's own covariance gives the same picture.
    let t = Tournament::new(
        "t.toml",
        text,
        [
            vec![
                Entrant::parse("hazard:rate=0.5").unwrap(),
                Entrant::parse("hazard:rate=0.6").unwrap(),
            ],
            vec![Entrant::parse("hazard:rate=0.5").unwrap()],
        ],
    )
    .unwrap();
    // Same seed, same rounds, so its covariance-based variance of the difference must equal the
    // one computed round by round above, up to rounding.
    let model = PayoffModel::new(&t.run(&|_| {}), 0);
    let from_covariance = model.difference_sd(0, 1).powi(2);
    assert!(
        (from_covariance - var(&crn)).abs() < 1e-9 * var(&crn),
        "{from_covariance} vs {}",
        var(&crn)
    );
}

fn refuses(args: &[&str], needle: &str) {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), CHICKEN);
    impasse()
        .args(["tournament", &file, "-q"])
        .args(args)
        .arg("-o")
        .arg(dir.path().join("o"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(needle))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn fails_with_bad_entrant_specs_naming_the_spec() {
    refuses(
        &["--entrants", "a=hazard:rate=abc"],
        "entrant `hazard:rate=abc`: `abc` is not a number",
    );
    refuses(
        &["--entrants", "a=hazard:rate"],
        "entrant `hazard:rate`: `rate` is not param=value",
    );
    refuses(
        &["--entrants", "a=hazzard:rate=1"],
        "entrant `hazzard:rate=1` for `a`",
    );
    refuses(
        &["--entrants", "a=hazzard:rate=1"],
        "did you mean `hazard`?",
    );
    refuses(&["--entrants", "a=hazard"], "entrant `hazard` for `a`");
    refuses(&["--entrants", "a=hazard:rate=-1"], "must be >= 0, got -1");
    refuses(
        &["--entrants", "a=never,never"],
        "entrant `never` is entered twice for `a`",
    );
    refuses(&["--entrants", "z=never"], "there is no party `z`");
    refuses(&["--entrants", "a"], "expected PARTY=SPEC");
    refuses(&["--entrants", "a=never,"], "an empty entrant spec");
}

#[test]
fn ranks_across_scenarios() {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), CHICKEN);
    let other = dir.path().join("other.toml");
    fs::write(
        &other,
        CHICKEN.replace("breakdown_probability = 1", "breakdown_probability = 0"),
    )
    .unwrap();
    let out = dir.path().join("o");
    impasse()
        .args(["tournament", &file, "-q", "--scenarios"])
        .arg(&other)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let rows = read_csv(&out.join("robustness.csv"));
    // never: 0 in chicken (mean of 1 and -1), 0.5 without the breakdown (mean of 1 and 0).
    let get = |m: &str| {
        rows.iter()
            .find(|r| r[0] == "a" && r[1] == "never" && r[2] == m)
            .unwrap()[4]
            .clone()
    };
    assert_eq!(get("worst_over_scenarios"), "0.0");
    assert_eq!(get("mean_over_scenarios"), "0.25");
}

#[test]
fn fails_when_scenarios_do_not_share_parties_or_the_table_names_a_stranger() {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), CHICKEN);
    let other = dir.path().join("other.toml");
    fs::write(
        &other,
        CHICKEN
            .replace("parties.b", "parties.c")
            .replace("entrants.b", "entrants.c"),
    )
    .unwrap();
    impasse()
        .args(["tournament", &file, "-q", "--scenarios"])
        .arg(&other)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("its parties (a, c) differ from"));
    let stranger = write(dir.path(), &CHICKEN.replace("entrants.b =", "entrants.z ="));
    impasse()
        .args(["tournament", &stranger, "-q"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "[tournament] entrants: there is no party `z`",
        ));
}

#[test]
fn every_pairing_plays_what_a_run_of_its_scenario_plays() {
    // A tournament plays its pairings from shared draws on the staged path; a run plays one
    // scenario alone. Same seed and rounds, so every pairing's totals must equal, to the bit, the
    // run of the scenario with that pairing's strategies: memoryless entrants (immediate, never,
    // a hazard, a fixed time) and ones that are not (the equilibrium, re-planned after events),
    // on the Iran scenario (random resolves, a breakdown hazard, Poisson events, a deadline).
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/iran-p5plus1-2013.toml"),
    )
    .unwrap();
    let spec =
        |v: &[&str]| -> Vec<Entrant> { v.iter().map(|s| Entrant::parse(s).unwrap()).collect() };
    let mut t = Tournament::new(
        "iran.toml",
        &text,
        [
            spec(&[
                "immediate",
                "never",
                "hazard:rate=0.3",
                "at_time:t=2",
                "equilibrium",
            ]),
            spec(&["never", "at_time:t=4.5", "equilibrium"]),
        ],
    )
    .unwrap();
    t.rounds = 3000;
    let results = t.run(&|_| {});
    for (k, sc) in t.pairings.iter().enumerate() {
        let mut sc = sc.clone();
        sc.simulation.rounds = t.rounds;
        assert_eq!(
            results.pairings[k],
            impasse::runner::run(&sc, &|_| {}),
            "pairing {k}"
        );
    }
}

#[test]
fn regret_ci_high_covers_the_true_regret_of_estimated_equilibria() {
    // A chicken of hazards with a closed form: no pressure, breakdown hazard h = 0.2 costing
    // κ = 5, so against b conceding at hazard y, a conceding at hazard x expects
    // (y - hκ) / (x + y + h), and 1 against `immediate` (0.5 if both concede at once). Entrants
    // immediate, hazard 0.5, hazard 2: against 0.5 giving in at once is best, against 2 holding
    // on is, so the game has mixed equilibria, estimated from noisy rounds. For each of 40 seeds
    // the regret of every estimated equilibrium in the true game must lie below its
    // regret_ci_high in at least 95 % of cases (misses ~ Binomial(n, 0.05) at worst; we allow
    // the 99.9 % quantile). The bound's sampling term matters: without it, the bound (the exact
    // gain in the estimated game, at most 0) must miss far more often.
    use impasse::tournament::{matrices, nash, regret_bound};
    let text = r#"
        [parties.a]
        stake = 1
        breakdown_cost = 5
        strategy = "never"
        [parties.b]
        stake = 1
        breakdown_cost = 5
        strategy = "never"
        [breakdown]
        hazard = 0.2
        [simulation]
        rounds = 2000
        horizon = 1000
    "#;
    let specs = ["immediate", "hazard:rate=0.5", "hazard:rate=2"];
    let rate = [f64::INFINITY, 0.5, 2.0];
    let (h, kappa) = (0.2, 5.0);
    // The true payoff of the side conceding at `own` against one conceding at `other`.
    let truth = |own: f64, other: f64| -> f64 {
        match (own.is_infinite(), other.is_infinite()) {
            (true, true) => 0.5,
            (true, false) => 0.0,
            (false, true) => 1.0,
            (false, false) => (other - h * kappa) / (own + other + h),
        }
    };
    let a: Vec<Vec<f64>> = (0..3)
        .map(|i| (0..3).map(|j| truth(rate[i], rate[j])).collect())
        .collect();
    let true_regret = |e: &nash::Equilibrium| -> f64 {
        let ua: f64 = (0..3)
            .flat_map(|i| (0..3).map(move |j| (i, j)))
            .map(|(i, j)| e.x[i] * e.y[j] * a[i][j])
            .sum();
        let ub: f64 = (0..3)
            .flat_map(|i| (0..3).map(move |j| (i, j)))
            .map(|(i, j)| e.x[i] * e.y[j] * a[j][i])
            .sum();
        let row = (0..3).map(|d| (0..3).map(|j| e.y[j] * a[d][j]).sum::<f64>() - ua);
        let col = (0..3).map(|d| (0..3).map(|i| e.x[i] * a[d][i]).sum::<f64>() - ub);
        row.chain(col).fold(0.0, f64::max)
    };
    let entrants = || {
        specs
            .iter()
            .map(|s| Entrant::parse(s).unwrap())
            .collect::<Vec<_>>()
    };
    // Counted over the equilibria that are not equilibria of the true game (a strict pure one
    // estimated right has no regret, and any bound covers it).
    let (mut n, mut misses, mut misses_without_noise) = (0, 0, 0);
    for seed in 0..40 {
        let mut t = Tournament::new("t.toml", text, [entrants(), entrants()]).unwrap();
        t.seed = seed;
        let r = t.run(&|_| {});
        let m = matrices(&t, &r);
        for e in &nash::equilibria(&m[0], &m[1]).list {
            let (bound, regret) = (regret_bound(&t, &r, e), true_regret(e));
            if regret <= 1e-12 {
                continue;
            }
            n += 1;
            misses += usize::from(regret > bound);
            let gain = e.gains.iter().flatten().fold(0.0, |g: f64, &v| g.max(v));
            misses_without_noise += usize::from(regret > gain);
        }
    }
    println!(
        "{misses} of {n} bounds below the true regret; {misses_without_noise} without the noise term"
    );
    // Binomial(n, 0.05): mean 0.05 n, sd sqrt(0.0475 n); 3.1 sd is the 99.9 % point.
    let allowed = 0.05 * n as f64 + 3.1 * (0.0475 * n as f64).sqrt();
    assert!(n >= 30, "{n} equilibria");
    assert!(
        (misses as f64) <= allowed,
        "{misses} of {n} misses, at most {allowed:.1} allowed"
    );
    assert!(
        misses_without_noise as f64 > 0.5 * n as f64,
        "{misses_without_noise} of {n}"
    );
}

/// A large meta-game's enumeration is bounded: `--max-equilibria N` lists at most N, says on the
/// terminal that it stopped, records N in the manifest (so that a merge of shards enumerates as
/// the run did, byte for byte), and the report lists the first few.
#[test]
fn the_equilibria_enumerated_are_bounded_and_the_bound_is_said() {
    let dir = TempDir::new().unwrap();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/war-of-attrition.toml"
    );
    let times: Vec<String> = (0..8).map(|t| format!("at_time:t={t}")).collect();
    let args = |out: &str| -> Vec<String> {
        let mut a: Vec<String> = ["tournament", file, "-n", "2000", "--max-equilibria", "3"]
            .map(str::to_string)
            .to_vec();
        a.extend(["--entrants".into(), format!("a={}", times.join(","))]);
        a.extend(["--entrants".into(), format!("b={}", times.join(","))]);
        a.extend(["-o".into(), dir.path().join(out).display().to_string()]);
        a
    };
    let whole = impasse().args(args("whole")).assert().success();
    let text = String::from_utf8(whole.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("the enumeration stopped at its limit (--max-equilibria) with 3"),
        "{text}"
    );
    let eq = read_csv(&dir.path().join("whole/equilibria.csv"));
    let listed: std::collections::BTreeSet<&str> = eq[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(listed.len(), 3);
    let manifest = fs::read_to_string(dir.path().join("whole/manifest.toml")).unwrap();
    assert!(manifest.contains("max_equilibria = 3"), "{manifest}");
    let html = fs::read_to_string(dir.path().join("whole/report.html")).unwrap();
    assert!(html.contains("impasse enumerates at most 3"));
    let parts = dir.path().join("parts");
    let a = args("parts");
    let a: Vec<&str> = a[..a.len() - 2].iter().map(String::as_str).collect();
    crate::common::shards(&a, &parts, 2);
    crate::common::merge(&[&parts], &dir.path().join("merged"));
    crate::common::same_bytes(
        &dir.path().join("whole"),
        &dir.path().join("merged"),
        &["equilibria.csv", "manifest.toml", "tournament.csv"],
    );
    // Without the flag every equilibrium of this game is found, and none is said to be missing.
    let mut all = args("all");
    all.retain(|x| x != "--max-equilibria" && x != "3");
    let text = impasse().args(&all).arg("-q").assert().success();
    assert!(text.get_output().stdout.is_empty());
    refuses(&["--max-equilibria", "0"], "--max-equilibria");
    // The file's own limit is checked as well, naming the field.
    let limited = write(
        dir.path(),
        &CHICKEN.replace("[tournament]", "[tournament]\nmax_equilibria = 0"),
    );
    impasse()
        .args(["tournament", &limited, "-q", "-o"])
        .arg(dir.path().join("z"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tournament.max_equilibria = 0"));
}
