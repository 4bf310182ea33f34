//! Fuzzing on the stable toolchain: property-based generation (proptest) of hostile scenario
//! text, `--set` paths and values, and sweep specs. Whatever the input, loading must give a
//! scenario or an error, never a panic, a stack overflow or a hang; a scenario that loads must
//! play rounds and report without panicking and with finite statistics (or be refused by the
//! output's guard, never written with a NaN).
//!
//! CI runs a few hundred cases of each. A long campaign (README, "Development"):
//!
//! ```sh
//! IMPASSE_FUZZ_CASES=100000 cargo test --release fuzz:: -- --nocapture
//! ```
//!
//! Every input a campaign found is kept below as a regression test (`found_*`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use impasse::scenario::{Override, load_str};
use impasse::sweep::Sweep;

const SCENARIOS: [&str; 6] = [
    include_str!("../../scenarios/iran-p5plus1-2013.toml"),
    include_str!("../../scenarios/war-of-attrition.toml"),
    include_str!("../../scenarios/brinkmanship.toml"),
    include_str!("../../scenarios/rising-sanctions.toml"),
    include_str!("../../benches/scenarios/strategy-bayesian-asymmetric.toml"),
    include_str!("../../benches/scenarios/strategy-talks.toml"),
];

/// Numbers a hostile user tries.
const NUMBERS: [&str; 24] = [
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "2",
    "1e-300",
    "5e-324",
    "1e12",
    "1e13",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "nan",
    "inf",
    "-inf",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "0.999999999999",
    "1e-9",
    "3",
    "100",
    "1000000",
];

/// Path segments the scenario uses, and some it does not.
const SEGMENTS: [&str; 40] = [
    "parties",
    "iran",
    "p5plus1",
    "a",
    "b",
    "stake",
    "pressure",
    "leverage",
    "initial",
    "growth",
    "strategy",
    "kind",
    "rate",
    "t",
    "resolve",
    "distribution",
    "shape",
    "scale",
    "mean",
    "sd",
    "deadline",
    "at",
    "breakdown",
    "hazard",
    "breakdown_probability",
    "simulation",
    "rounds",
    "horizon",
    "seed",
    "bins",
    "event",
    "0",
    "1",
    "5",
    "effect",
    "audience_cost",
    "talks",
    "every",
    "belief",
    "x",
];

fn cases() -> u32 {
    std::env::var("IMPASSE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150)
}

/// Run `f` on its own thread: a panic or a run over 20 s is a finding, reported with `input`.
fn must_finish(input: String, f: impl FnOnce() + Send + 'static) -> Result<(), TestCaseError> {
    // IMPASSE_FUZZ_LOG=1 prints each input first, so that one that kills the process (out of
    // memory, say) is the last line printed.
    if std::env::var_os("IMPASSE_FUZZ_LOG").is_some() {
        eprintln!("case: {input}");
    }
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let r = catch_unwind(AssertUnwindSafe(f));
            let _ = tx.send(r.is_ok());
        })
        .expect("a thread");
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(true) => Ok(()),
        Ok(false) => Err(TestCaseError::fail(format!("panicked on {input}"))),
        Err(_) => Err(TestCaseError::fail(format!("over 20 s on {input}"))),
    }
}

/// Load, and if it loads, play a few rounds and check the statistics.
fn exercise(text: &str, overrides: &[Override]) {
    let Ok(loaded) = load_str("fuzz.toml", text, overrides) else {
        return;
    };
    // As every command loads a scenario: one the solve cannot play is refused there (found by
    // this test: a `bayesian` side whose opponent's pressure is 5e-324).
    if impasse::runner::playable(&loaded).is_err() {
        return;
    }
    let mut sc = loaded.scenario;
    sc.simulation.rounds = 40;
    let totals = impasse::runner::run(&sc, &|_| {});
    let report = totals.report();
    for m in &report.metrics {
        let v = m.value.value;
        assert!(!v.is_infinite(), "{} is infinite", m.metric);
    }
    // The CSV files either hold finite numbers or are refused, never written with a NaN.
    let ids = [sc.parties[0].id.clone(), sc.parties[1].id.clone()];
    let csv = impasse::output::csv::summary(&report, &ids);
    let dir = tempfile::tempdir().expect("a temporary directory");
    if impasse::output::write_files(dir.path(), &[("summary.csv", csv)]).is_err() {
        assert!(!dir.path().join("summary.csv").exists());
    }
}

/// A scenario with one of its numbers, lines or keys changed.
fn mutated() -> impl Strategy<Value = String> {
    (
        0..SCENARIOS.len(),
        0usize..4,
        any::<prop::sample::Index>(),
        prop::sample::select(&NUMBERS[..]),
        prop::sample::select(&SEGMENTS[..]),
    )
        .prop_map(|(s, how, at, number, key)| {
            let text = SCENARIOS[s];
            let lines: Vec<&str> = text.lines().collect();
            let k = at.index(lines.len());
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            match how {
                // A number replaced by a hostile one.
                0 => {
                    let l = &out[k];
                    if let Some(eq) = l.find('=') {
                        out[k] = format!("{} {number}", &l[..=eq]);
                    }
                }
                // A line gone.
                1 => {
                    out.remove(k);
                }
                // A line twice (duplicate keys, tables).
                2 => out.insert(k, lines[k].to_string()),
                // A stray key.
                _ => out.insert(k, format!("{key} = {number}")),
            }
            out.join("\n")
        })
}

fn override_spec() -> impl Strategy<Value = (String, String)> {
    (
        prop::collection::vec(prop::sample::select(&SEGMENTS[..]), 1..10),
        prop_oneof![
            prop::sample::select(&NUMBERS[..]).prop_map(str::to_string),
            Just("\"equilibrium\"".to_string()),
            Just("never".to_string()),
            Just("{ kind = \"hazard\", rate = 0.2 }".to_string()),
            Just("{ initial = 1, growth = -5 }".to_string()),
            Just("[1, 2]".to_string()),
            Just("{ distribution = \"gamma\", shape = 3, scale = 1e12 }".to_string()),
            Just("".to_string()),
        ],
    )
        .prop_map(|(segs, v)| (segs.join("."), v))
}

#[test]
fn hostile_scenario_text_never_panics() {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&mutated(), |text| {
            let t = text.clone();
            must_finish(text, move || exercise(&t, &[]))
        })
        .unwrap();
}

#[test]
fn hostile_overrides_never_panic() {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        0..SCENARIOS.len(),
        prop::collection::vec(override_spec(), 1..4),
    );
    runner
        .run(&strategy, |(s, specs)| {
            let overrides: Vec<Override> = specs
                .iter()
                .filter_map(|(p, v)| format!("{p}={v}").parse().ok())
                .collect();
            must_finish(format!("{specs:?} on scenario {s}"), move || {
                exercise(SCENARIOS[s], &overrides)
            })
        })
        .unwrap();
}

#[test]
fn hostile_sweep_specs_never_panic() {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let spec = prop_oneof![
        (
            prop::sample::select(&NUMBERS[..]),
            prop::sample::select(&NUMBERS[..]),
            prop::sample::select(&NUMBERS[..])
        )
            .prop_map(|(a, b, n)| format!("{a}:{b}:{n}")),
        (
            prop::sample::select(&NUMBERS[..]),
            prop::sample::select(&NUMBERS[..])
        )
            .prop_map(|(a, b)| format!("{a}..{b}")),
        prop::collection::vec(prop::sample::select(&NUMBERS[..]), 0..4).prop_map(|v| v.join(",")),
        "[ -~]{0,12}",
    ];
    let strategy = (
        0..SCENARIOS.len(),
        prop::collection::vec(
            (
                prop::collection::vec(prop::sample::select(&SEGMENTS[..]), 1..6),
                spec,
            ),
            1..4,
        ),
        prop::sample::select(&["grid", "random", "lhs", "sobol", "nonsense"][..]),
        prop::option::of(0u64..300),
    );
    runner
        .run(&strategy, |(s, axes, design, points)| {
            let vary: Vec<String> = axes
                .iter()
                .map(|(p, v)| format!("{}={v}", p.join(".")))
                .collect();
            let input = format!("{vary:?} design {design} points {points:?} on scenario {s}");
            must_finish(input, move || {
                let Ok(loaded) = load_str("fuzz.toml", SCENARIOS[s], &[]) else {
                    return;
                };
                let Ok(sweep) = Sweep::from_loaded(&loaded, &vary, Some(design), points) else {
                    return;
                };
                // The first and last points load or say why.
                let last = sweep.design.points.saturating_sub(1);
                for k in [0, last] {
                    if let Ok(l) = sweep.scenario(k) {
                        let mut sc = l.scenario;
                        sc.simulation.rounds = 20;
                        impasse::runner::run(&sc, &|_| {});
                    }
                }
            })
        })
        .unwrap();
}
