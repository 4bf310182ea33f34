//! Helpers shared by the integration tests.

use impasse::aggregate::Report;

/// The impasse binary, for CLI tests.
pub fn impasse() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("impasse").expect("the binary is built")
}

/// What `impasse check` prints for the scenario `text` (written to a temporary file), which it
/// must accept.
pub fn check(text: &str) -> String {
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("scenario.toml");
    std::fs::write(&file, text).unwrap();
    let out = impasse().arg("check").arg(&file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
use impasse::engine::Engine;
use impasse::model::RoundResult;
use impasse::model::Scenario;
use impasse::{runner, scenario};

/// Assert that each named file has the same bytes in directories `a` and `b`.
pub fn same_bytes(a: &std::path::Path, b: &std::path::Path, files: &[&str]) {
    for f in files {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

pub fn scenario(text: &str) -> Scenario {
    scenario::load_str("test.toml", text, &[])
        .unwrap_or_else(|e| panic!("test scenario is invalid: {e}"))
        .scenario
}

pub fn report(sc: &Scenario) -> Report {
    runner::run(sc, &|_| {}).report()
}

/// Every round's result, for statistics the report does not carry.
pub fn rounds(sc: &Scenario) -> Vec<RoundResult> {
    let engine = Engine::new(sc);
    let mut scratch = engine.scratch();
    (0..sc.simulation.rounds)
        .map(|r| engine.play(sc.simulation.seed, r, &mut scratch))
        .collect()
}

/// Assert that `measured` lies within 4 standard errors of `expected`, and print all three so
/// that `cargo test -- --nocapture` shows the figures.
pub fn within(what: &str, measured: f64, expected: f64, se: f64) {
    let z = (measured - expected) / se;
    println!("{what}: expected {expected:.6}, measured {measured:.6}, se {se:.6}, z {z:+.2}");
    assert!(
        z.abs() <= 4.0,
        "{what}: measured {measured} is {z:.2} standard errors from {expected} (se {se})"
    );
}

/// Standard error of a proportion estimated from n rounds.
pub fn se_p(p: f64, n: u64) -> f64 {
    (p * (1.0 - p) / n as f64).sqrt()
}

/// Standard error of a mean, from the sample.
pub fn se_mean(xs: impl Iterator<Item = f64> + Clone) -> f64 {
    let n = xs.clone().count() as f64;
    let m = xs.clone().sum::<f64>() / n;
    let var = xs.map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (var / n).sqrt()
}

/// Check the share of `rounds` for which `holds` is true against the probability `p`, with the
/// standard error of a proportion at `p`.
pub fn within_share(
    what: &str,
    rounds: &[RoundResult],
    holds: impl Fn(&RoundResult) -> bool,
    p: f64,
) {
    let n = rounds.len() as u64;
    let share = rounds.iter().filter(|r| holds(r)).count() as f64 / n as f64;
    within(what, share, p, se_p(p, n));
}

/// Check the mean of `xs` against `expected`, with the sample's standard error.
pub fn within_mean(what: &str, xs: impl Iterator<Item = f64> + Clone, expected: f64) {
    let n = xs.clone().count() as f64;
    within(what, xs.clone().sum::<f64>() / n, expected, se_mean(xs));
}

pub fn metric(r: &Report, name: &str, party: Option<usize>) -> f64 {
    r.get(name, party)
        .unwrap_or_else(|| panic!("no metric {name}"))
        .value
}

/// The standard error implied by a metric's 95 % normal interval.
pub fn metric_se(r: &Report, name: &str, party: Option<usize>) -> f64 {
    let (lo, hi) = r.get(name, party).unwrap().ci.expect("an interval");
    (hi - lo) / (2.0 * impasse::aggregate::stats::Z95)
}

/// Run `args` (a command and its arguments) as shards `0/n` .. `n-1/n` into `out`.
pub fn shards(args: &[&str], out: &std::path::Path, n: u64) {
    for i in 0..n {
        impasse()
            .args(args)
            .args(["-q", "--shard", &format!("{i}/{n}"), "-o"])
            .arg(out)
            .assert()
            .success();
    }
}

/// `impasse merge` of `parts` into `out`, which must succeed.
pub fn merge(parts: &[&std::path::Path], out: &std::path::Path) {
    impasse()
        .arg("merge")
        .args(parts)
        .args(["-q", "-o"])
        .arg(out)
        .assert()
        .success();
}

/// A count from the environment (`IMPASSE_CASES`, `IMPASSE_ROUNDS`, ...), else `default`: how
/// the property tests are made larger by hand.
pub fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The probability that side x of an `equilibrium` plan has not conceded by t (an atom at t
/// counted), its hazards integrated exactly.
pub fn survives(plan: &impasse::strategy::equilibrium::Plan, x: usize, t: f64) -> f64 {
    let side = &plan.sides[x];
    let mut log_s = 0.0;
    for (k, seg) in side.iter().enumerate() {
        if seg.start > t {
            break;
        }
        log_s += (-seg.atom).ln_1p();
        let until = side.get(k + 1).map_or(t, |n| n.start.min(t));
        if let impasse::rate::Step::Spent(h) = seg.rate.advance(f64::INFINITY, until - seg.start) {
            log_s -= h;
        }
    }
    log_s.exp()
}
