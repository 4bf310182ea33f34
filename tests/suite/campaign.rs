//! The campaign of issue 24: random scenarios in which both sides play `equilibrium` and random
//! (Poisson) events can fire, audited with deviations to fixed times *and* to rules that wait
//! for events (docs/model.md 6.2). A side whose best deviation gains more than 4 standard errors
//! and more than `TOLERANCE` makes its scenario *exploitable*.
//!
//! `equilibrium` anticipates a Poisson event by the game after it: solved per history where it
//! does not depend on when the event fired, sampled in that time where it does (the first such
//! event of a round), and priced by the expected jump in the value of conceding elsewhere
//! (talks, a second such event), which is exact only where the game after the event is mixed
//! too (docs/model.md 6.1, "What is exact"); the campaign measures how often that fails. It is
//! run by hand (it fails today; docs/model.md and the closing notes of issue 24 give its
//! counts):
//!
//! ```sh
//! IMPASSE_CASES=100 IMPASSE_ROUNDS=100000 cargo test --release campaign:: -- --ignored --nocapture
//! ```
//!
//! `IMPASSE_TYPES=1` audits a fresh set with private types instead (one side's, or both), with
//! the audit's per-type deviations too (three types per private side).
//! `IMPASSE_FIRST=N` starts at case N, to audit scenarios not looked at before.

use crate::common::env;
use impasse::audit;
use impasse::scenario::load_str;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Gains below this are not counted, however many standard errors they are.
pub const TOLERANCE: f64 = 0.005;

/// A random line `{ initial, growth }`.
fn line(u: &mut impl FnMut(f64, f64) -> f64, lo: f64, hi: f64, slope: f64) -> String {
    format!(
        "{{ initial = {:.4}, growth = {:.5} }}",
        u(lo, hi),
        u(-slope, slope)
    )
}

/// A random scenario with at least one Poisson event: lines that move, audience costs,
/// breakdown hazards, discounting, status quos, a global deadline, a party's own (walk out or
/// concede) or none, talks in one case of five, both tie rules, scheduled events, and Poisson
/// events with every kind of effect (`+=`, `*=`, `=` on levels, `=` on slopes) on pressure,
/// leverage, audience cost and the breakdown hazard.
pub fn random_scenario(case: u64) -> String {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(24_000 + case);
    let mut u = |a: f64, b: f64| a + (b - a) * rng.random::<f64>();
    let mut text = String::new();
    if u(0.0, 1.0) < 0.2 {
        text += &format!("talks = {{ every = {:.4} }}\n", u(0.2, 1.0));
    }
    if u(0.0, 1.0) < 0.5 {
        text += "simultaneous = \"status_quo\"\n";
    }
    let deadline = (u(0.0, 3.0)) as u32; // 0 none, 1 global, 2 own
    let mirror = u(0.0, 1.0) < 0.5;
    let mut first = String::new();
    for (k, id) in ["a", "b"].iter().enumerate() {
        text += &format!("[parties.{id}]\n");
        if mirror && k == 1 {
            text += &first;
        } else {
            let mut p = format!("stake = {:.4}\n", u(0.5, 2.0));
            if u(0.0, 1.0) < 0.5 {
                p += &format!("demand = {:.4}\n", u(0.55, 1.0));
            }
            p += &format!("pressure = {}\n", line(&mut u, 0.05, 0.4, 0.01));
            if u(0.0, 1.0) < 0.5 {
                p += &format!("discount_rate = {:.4}\n", u(0.0, 0.15));
            }
            if u(0.0, 1.0) < 0.5 {
                p += &format!("leverage = {}\n", line(&mut u, 0.0, 0.6, 0.01));
            }
            p += &format!("breakdown_cost = {:.4}\n", u(0.0, 1.5));
            if u(0.0, 1.0) < 0.5 {
                p += &format!("audience_cost = {}\n", line(&mut u, 0.0, 0.3, 0.02));
            }
            p += &format!("status_quo = {:.4}\n", u(-0.5, 0.5));
            text += &p;
            first = p;
        }
        if deadline == 2 && (k == 0 || u(0.0, 1.0) < 0.5) {
            let action = if u(0.0, 1.0) < 0.5 {
                "walk_out"
            } else {
                "concede"
            };
            text += &format!(
                "deadline = {{ at = {:.4}, action = \"{action}\" }}\n",
                u(1.0, 10.0)
            );
        }
        text += "strategy = \"equilibrium\"\n";
    }
    if u(0.0, 1.0) < 0.5 {
        text += &format!("[breakdown]\nhazard = {}\n", line(&mut u, 0.0, 0.2, 0.02));
    }
    if deadline == 1 {
        text += &format!(
            "[deadline]\nat = {:.4}\nbreakdown_probability = {:.4}\n",
            u(1.0, 10.0),
            u(0.0, 1.0)
        );
    }
    let events = 1 + u(0.0, 3.0) as u32;
    for e in 0..events {
        let party = if u(0.0, 1.0) < 0.5 { "a" } else { "b" };
        let q = ["pressure", "leverage", "audience_cost", "breakdown.hazard"][u(0.0, 4.0) as usize];
        let effect = match u(0.0, 4.0) as u32 {
            0 => format!("{q} += {:.4}", u(-0.1, 0.2)),
            1 => format!("{q} *= {:.4}", u(0.5, 1.5)),
            2 => format!("{q} = {:.4}", u(0.0, 0.3)),
            _ => format!("{q}.growth = {:.5}", u(-0.02, 0.04)),
        };
        // At least one Poisson event; the others scheduled or Poisson.
        let when = if e == 0 || u(0.0, 1.0) < 0.6 {
            format!(
                "rate = {:.4}\nmax = {}",
                u(0.05, 1.0),
                1 + u(0.0, 3.0) as u32
            )
        } else {
            format!("at = {:.4}", u(0.0, 8.0))
        };
        let party = if q == "breakdown.hazard" {
            String::new()
        } else {
            format!("party = \"{party}\"\n")
        };
        text += &format!("[[event]]\nname = \"e{e}\"\n{when}\n{party}effects = [\"{effect}\"]\n");
    }
    text += "[simulation]\nhorizon = 400\n";
    text
}

/// A fresh scenario of the same kind (`random_scenario` of another seed) in which the parties'
/// types are private: drawn from U[0.7, 1.3], a's alone in even cases, both sides' in odd ones
/// (each side's belief about the other is the other's prior).
pub fn random_scenario_with_types(case: u64) -> String {
    let text = random_scenario(100_000 + case);
    let types = "resolve = { distribution = \"uniform\", low = 0.7, high = 1.3 }\n";
    let sides: &[&str] = if case.is_multiple_of(2) {
        &["a"]
    } else {
        &["a", "b"]
    };
    sides.iter().fold(text, |t, id| {
        let table = format!("[parties.{id}]\n");
        t.replacen(&table, &format!("{table}{types}"), 1)
    })
}

/// Each party's best gain (fixed times or waiting for events) and its standard error; where
/// the party's type is private, also each of its `types` types' best gain (fixed times): the
/// party's and its types' gains, the party's first.
pub fn gains(text: &str, rounds: u64, seed: u64, types: u64) -> [Vec<(f64, f64)>; 2] {
    let mut sc = load_str("campaign.toml", text, &[])
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
        .scenario;
    sc.simulation.rounds = rounds;
    sc.simulation.seed = seed;
    let g = audit::grid(&sc, 100, &[]);
    let batches = impasse::runner::batch_count(rounds);
    let at = audit::types::types(&sc, types);
    let totals = audit::run_batches(&sc, seed, &g, 0..batches, true, &at, &|_| {});
    totals.report().map(|p| {
        (std::iter::once(p.best_gain()).chain(p.types.iter().map(|t| t.audit.gain())))
            .map(|g| (g.value, audit::se(&g)))
            .collect()
    })
}

#[test]
fn every_campaign_scenario_loads_and_has_a_random_event() {
    for case in 0..200u64 {
        let text = if case.is_multiple_of(2) {
            random_scenario(case)
        } else {
            random_scenario_with_types(case)
        };
        let sc = load_str("campaign.toml", &text, &[])
            .unwrap_or_else(|e| panic!("case {case}: {e}\n{text}"))
            .scenario;
        assert!(
            audit::history::Histories::of(&sc).is_some(),
            "case {case}: no random event\n{text}"
        );
    }
}

#[test]
#[ignore = "the campaign of issue 24: minutes to hours; run by hand (see the module's docs)"]
fn no_scenario_of_the_campaign_is_exploitable() {
    let (cases, rounds) = (env("IMPASSE_CASES", 100), env("IMPASSE_ROUNDS", 100_000));
    let mut exploitable = Vec::new();
    let mut largest = 0.0f64;
    // IMPASSE_TYPES=1: the fresh set with private types; IMPASSE_FIRST: the first case, to audit
    // a set not looked at before.
    let types = env("IMPASSE_TYPES", 0) == 1;
    let first = env("IMPASSE_FIRST", 0);
    for case in first..first + cases {
        let text = if types {
            random_scenario_with_types(case)
        } else {
            random_scenario(case)
        };
        // Meetings with random events cost milliseconds a round today: fewer rounds there.
        let n = if text.starts_with("talks") {
            rounds / 20
        } else {
            rounds
        };
        let started = std::time::Instant::now();
        // With types, three per private side (quantiles 1/6, 1/2, 5/6).
        let g = gains(&text, n, case, if types { 3 } else { 0 });
        let exploits = |&(g, se): &(f64, f64)| g > 4.0 * se && g > TOLERANCE;
        let bad: Vec<usize> = (0..2).filter(|&x| g[x].iter().any(exploits)).collect();
        // Each party's gain that is most standard errors above 0 (its own or a type's).
        let most = g.clone().map(|v| {
            let z = |e: &(f64, f64)| e.0 / e.1.max(1e-300);
            v.into_iter().max_by(|a, b| z(a).total_cmp(&z(b))).unwrap()
        });
        println!(
            "case {case}: a {:+.4} ({:+.1} se), b {:+.4} ({:+.1} se), {n} rounds in {:.1} s{}",
            most[0].0,
            most[0].0 / most[0].1.max(1e-300),
            most[1].0,
            most[1].0 / most[1].1.max(1e-300),
            started.elapsed().as_secs_f64(),
            if bad.is_empty() { "" } else { "  EXPLOITABLE" }
        );
        if let Some(top) = bad
            .iter()
            .flat_map(|&x| &g[x])
            .map(|e| e.0)
            .reduce(f64::max)
        {
            largest = largest.max(top);
        }
        if !bad.is_empty() {
            exploitable.push(format!("case {case}\n{text}"));
        }
    }
    println!(
        "{} of {cases} exploitable, the largest exploiting gain {largest:.4}",
        exploitable.len()
    );
    assert!(exploitable.is_empty(), "{}", exploitable.join("\n"));
}

#[test]
#[ignore = "prints campaign case IMPASSE_CASE (of the set with types: IMPASSE_TYPES=1), to run it with the CLI"]
fn print_a_campaign_case() {
    let case = env("IMPASSE_CASE", 0);
    if env("IMPASSE_TYPES", 0) == 1 {
        println!("{}", random_scenario_with_types(case));
    } else {
        println!("{}", random_scenario(case));
    }
}
