//! `equilibrium` is an equilibrium: on random scenarios in which both parties play it, no
//! deviation to a stopping time pays (docs/model.md, sections 6.1 and 6.2). The audit measures
//! each party's best gain with a paired interval; it must lie within 4 standard errors of zero.
//! Negative controls (profiles that are not equilibria) must show a gain, of the size their
//! closed form says.
//!
//! `IMPASSE_CASES=N IMPASSE_ROUNDS=R cargo test --release equilibrium:: -- --nocapture`
//! explores more cases, printing each.

use crate::common;

use crate::common::env;
use impasse::audit;
use impasse::model::Scenario;
use impasse::scenario::load_str;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A random scenario in which both parties play `equilibrium`: lines that move, breakdown
/// hazards, discounting, demands below the whole pie, audience costs, status quos, a global or a
/// party's own deadline (with reaching it worth more or less than conceding) or none, scheduled
/// and Poisson events of every kind, talks, both tie rules, private types with correct beliefs.
fn random_scenario(case: u64) -> String {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1000 + case);
    let mut u = |a: f64, b: f64| a + (b - a) * rng.random::<f64>();
    let coin = |x: f64| x < 0.5;
    let mut text = String::new();
    let talks = u(0.0, 1.0) < 0.2;
    if talks {
        text += &format!("talks = {{ every = {:.3} }}\n", u(0.2, 1.0));
    }
    if coin(u(0.0, 1.0)) {
        text += "simultaneous = \"status_quo\"\n";
    }
    let deadline_kind = (u(0.0, 3.0)) as u32; // 0 none, 1 global, 2 own
    let horizon = if deadline_kind == 0 { 400.0 } else { 100.0 };
    let demands = if coin(u(0.0, 1.0)) {
        [1.0, 1.0]
    } else {
        let a = u(0.55, 1.0);
        [a, a]
    };
    // Mirrored parties (the same numbers) are games whose sides commit together; independent
    // ones usually unravel to a concession at once.
    let mirror = u(0.0, 1.0) < 0.4;
    let mut first = String::new();
    for (k, id) in ["a", "b"].iter().enumerate() {
        text += &format!("[parties.{id}]\n");
        if mirror && k == 1 {
            text += &first;
        } else {
            let mut p = String::new();
            p += &format!("stake = {:.3}\n", u(0.5, 2.0));
            p += &format!("demand = {:.3}\n", demands[k]);
            // A positive floor on waiting costs keeps rounds from running to the horizon.
            p += &format!(
                "pressure = {{ initial = {:.3}, growth = {:.4} }}\n",
                u(0.05, 0.4),
                u(-0.02, 0.04)
            );
            if coin(u(0.0, 1.0)) {
                p += &format!("discount_rate = {:.3}\n", u(0.0, 0.15));
            }
            if coin(u(0.0, 1.0)) {
                p += &format!(
                    "leverage = {{ initial = {:.3}, growth = {:.4} }}\n",
                    u(0.0, 0.6),
                    u(-0.05, 0.05)
                );
            }
            p += &format!("breakdown_cost = {:.3}\n", u(0.0, 1.5));
            if coin(u(0.0, 1.0)) {
                p += &format!(
                    "audience_cost = {{ initial = {:.3}, growth = {:.4} }}\n",
                    u(0.0, 0.3),
                    u(-0.03, 0.03)
                );
            }
            p += &format!("status_quo = {:.3}\n", u(-0.5, 0.5));
            if coin(u(0.0, 1.0)) {
                p += "resolve = { distribution = \"uniform\", low = 0.7, high = 1.3 }\n";
            }
            text += &p;
            first = p;
        }
        if deadline_kind == 2 && k == 0 {
            let action = if coin(u(0.0, 1.0)) {
                "walk_out"
            } else {
                "concede"
            };
            text += &format!(
                "deadline = {{ at = {:.3}, action = \"{action}\" }}\n",
                u(1.0, 8.0)
            );
        }
        text += "strategy = \"equilibrium\"\n";
    }
    if coin(u(0.0, 1.0)) {
        text += &format!(
            "[breakdown]\nhazard = {{ initial = {:.4}, growth = {:.4} }}\n",
            u(0.0, 0.2),
            u(-0.01, 0.02)
        );
    }
    if deadline_kind == 1 {
        text += &format!(
            "[deadline]\nat = {:.3}\nbreakdown_probability = {:.3}\n",
            u(1.0, 8.0),
            u(0.0, 1.0)
        );
    }
    let quantities = ["pressure", "leverage", "audience_cost", "type"];
    for e in 0..(u(0.0, 3.0) as u32) {
        let (party, other) = if coin(u(0.0, 1.0)) {
            ("a", "b")
        } else {
            ("b", "a")
        };
        let q = quantities[u(0.0, 4.0) as usize];
        // Poisson events only where the game has no end, and only level changes: there the mix
        // carries their expected jumps, which is exact where the game after the event is mixed
        // too. Elsewhere `equilibrium` is approximate with Poisson events (docs/model.md 6.1,
        // "What is exact"); tests/suite/campaign.rs measures how often that is exploitable.
        let scheduled = coin(u(0.0, 1.0)) || deadline_kind != 0;
        let when = if scheduled || q == "type" {
            format!("at = {:.3}", u(0.0, 6.0))
        } else {
            format!(
                "rate = {:.3}\nmax = {}",
                u(0.05, 0.5),
                1 + u(0.0, 3.0) as u32
            )
        };
        let effect = match q {
            // A change of type that the opponent sees: its belief follows, so it stays correct.
            "type" => {
                let f = u(0.7, 1.4);
                text += &format!(
                    "[[event]]\nname = \"seen{e}\"\n{when}\nparty = \"{other}\"\neffects = [\"belief *= {f:.3}\"]\n"
                );
                format!("resolve *= {f:.3}")
            }
            "leverage" => format!("leverage += {:.3}", u(-0.2, 0.2)),
            _ => format!("{q} += {:.3}", u(-0.1, 0.2)),
        };
        text += &format!(
            "[[event]]\nname = \"e{e}\"\n{when}\nparty = \"{party}\"\neffects = [\"{effect}\"]\n"
        );
    }
    text += &format!("[simulation]\nhorizon = {horizon}\n");
    text
}

fn scenario(text: &str, rounds: u64, seed: u64) -> Scenario {
    let mut sc = load_str("random.toml", text, &[])
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
        .scenario;
    sc.simulation.rounds = rounds;
    sc.simulation.seed = seed;
    sc
}

/// Each party's gain in standard errors, and the gains.
fn audit_gains(sc: &Scenario, grid: usize) -> [(f64, f64); 2] {
    let g = audit::grid(sc, grid, &[]);
    let batches = impasse::runner::batch_count(sc.simulation.rounds);
    let totals = audit::run_batches(sc, sc.simulation.seed, &g, 0..batches, false, &[], &|_| {});
    totals.report().map(|p| {
        let gain = p.gain();
        let se = audit::se(&gain);
        let z = if se > 0.0 { gain.value / se } else { 0.0 };
        (z, gain.value)
    })
}

#[test]
fn no_deviation_pays_against_equilibrium_in_random_scenarios() {
    let cases = env("IMPASSE_CASES", 24);
    let rounds = env("IMPASSE_ROUNDS", 20_000);
    let mut worst = Vec::new();
    for case in 0..cases {
        let text = random_scenario(case);
        let sc = scenario(&text, rounds, case);
        let gains = audit_gains(&sc, 60);
        println!(
            "case {case}: gains a {:+.5} ({:+.2} se), b {:+.5} ({:+.2} se)",
            gains[0].1, gains[0].0, gains[1].1, gains[1].0
        );
        for (x, (z, g)) in gains.iter().enumerate() {
            if *z > 4.0 {
                worst.push(format!(
                    "case {case} party {x}: gain {g} is {z:.1} se\n{text}"
                ));
            }
        }
    }
    assert!(worst.is_empty(), "{}", worst.join("\n"));
}

/// The audit of `text` with `rounds` rounds on a grid of `grid` steps plus `at`.
fn audit_of(text: &str, rounds: u64, grid: usize, at: &[f64]) -> [audit::PartyAudit; 2] {
    let sc = scenario(text, rounds, 7);
    let g = audit::grid(&sc, grid, at);
    let batches = impasse::runner::batch_count(rounds);
    audit::run_batches(&sc, 7, &g, 0..batches, false, &[], &|_| {}).report()
}

/// Party x's gain within 4 standard errors of zero.
fn no_gain(what: &str, p: &audit::PartyAudit) {
    let g = p.gain();
    common::within(what, g.value, 0.0, audit::se(&g).max(1e-12));
}

/// The value of conceding at `t` (`None`: never), with its standard error.
fn value_at(p: &audit::PartyAudit, t: Option<f64>) -> (f64, f64) {
    let d = p
        .deviations
        .iter()
        .find(|d| d.time == t)
        .unwrap_or_else(|| panic!("no deviation at {t:?}"));
    // A deviation that pays the same in every round has no spread: compare it exactly.
    (d.payoff.value, audit::se(&d.payoff).max(1e-12))
}

const WAR: &str = r#"
[parties.a]
stake = 1
pressure = 0.5
breakdown_cost = 1
strategy = "equilibrium"
[parties.b]
stake = 1
pressure = 0.5
breakdown_cost = 1
strategy = "equilibrium"
[deadline]
at = 2
breakdown_probability = 1
"#;

#[test]
fn chicken_at_a_deadline_with_split_ties_has_the_value_curve_of_its_closed_form() {
    // V = 1, c = 0.5, a deadline at 2 that always breaks down at cost 1, ties split: q = 2/3,
    // reaching the deadline is worth 1/3, both hold from t* = 4/3 (docs/model.md, section 6.1).
    // Against b, a's value of conceding is 0 on [0, 4/3] (b keeps it indifferent), then falls by
    // the cost it pays while b holds: -e^(-0.5 t*) 0.5 (t - t*) on (4/3, 2); at 2 and never it is
    // 0 again. (Before, with q = 1/2 and no stop, conceding at 2 paid 0.092 more.)
    let p = audit_of(WAR, 60_000, 40, &[0.5, 1.7]);
    let t_star: f64 = 4.0 / 3.0;
    for (t, expected) in [
        (Some(0.0), 0.0),
        (Some(0.5), 0.0),
        (Some(1.7), -(-0.5 * t_star).exp() * 0.5 * (1.7 - t_star)),
        (Some(2.0), 0.0),
        (None, 0.0),
    ] {
        let (v, se) = value_at(&p[0], t);
        common::within(&format!("U_a({t:?})"), v, expected, se);
    }
    no_gain("a's gain", &p[0]);
    no_gain("b's gain", &p[1]);
}

#[test]
fn talks_with_split_ties_leave_no_deviation_that_pays() {
    // Meetings every 1, c = 0.1, ties split. Before, against b's equilibrium, `never` paid a 0.400,
    // `at_time` 5 0.200 and the equilibrium itself 0.172.
    let text = r#"
        talks = { every = 1 }
        [parties.a]
        stake = 1
        pressure = 0.1
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        pressure = 0.1
        strategy = "equilibrium"
        [simulation]
        horizon = 400
    "#;
    let p = audit_of(text, 60_000, 30, &[5.0]);
    no_gain("a's gain", &p[0]);
    no_gain("b's gain", &p[1]);
    for t in [Some(1.0), Some(5.0), None] {
        let d = p[0].deviations.iter().find(|d| d.time == t).unwrap();
        common::within(
            &format!("U_a({t:?}) - U_a(profile)"),
            d.difference.value,
            0.0,
            audit::se(&d.difference),
        );
    }
}

#[test]
fn the_discrete_game_converges_to_the_continuous_one_as_meetings_get_frequent() {
    // c = 0.1 each, V = 1, ties split: in continuous time each concedes at 0.1 and the talks last
    // 5 on average. At meetings every Δ each concedes with the root p of (T - L) p^2 -
    // (G - L + k) p + k = 0, k = c Δ, so the talks last Δ / (1 - (1 - p)^2). Before, with the tie
    // payoff left out, meetings every 0.01 lasted 2.51 on average.
    for every in [0.5f64, 0.05] {
        let text = format!(
            "talks = {{ every = {every} }}\n[parties.a]\nstake = 1\npressure = 0.1\n\
             strategy = \"equilibrium\"\n[parties.b]\nstake = 1\npressure = 0.1\n\
             strategy = \"equilibrium\"\n[simulation]\nhorizon = 1000\n"
        );
        let sc = scenario(&text, 40_000, 3);
        let rs = common::rounds(&sc);
        let k = 0.1 * every;
        let b = 1.0 + k;
        let p = 2.0 * k / (b + (b * b - 2.0 * k).sqrt());
        let mean = every / (1.0 - (1.0 - p) * (1.0 - p));
        common::within_mean(
            &format!("E[T], meetings every {every}"),
            rs.iter().map(|r| r.time),
            mean,
        );
        println!("meetings every {every}: E[T] = {mean:.4} (continuous time: 5)");
    }
    // The formula's limit: every 0.001 gives 5.0005.
    let (k, every): (f64, f64) = (1e-4, 1e-3);
    let p = 2.0 * k / ((1.0 + k) + ((1.0 + k) * (1.0 + k) - 2.0 * k).sqrt());
    assert!((every / (1.0 - (1.0 - p) * (1.0 - p)) - 5.0).abs() < 1e-3);
}

#[test]
fn a_side_committed_to_the_deadline_first_makes_the_other_concede_at_once() {
    // a's pressure 0.3 - 0.1 t (zero from 3), V = 1, a deadline at 6 breaking down with
    // probability 0.3; reaching it is worth D_a = 0.31 over conceding to a (status quo 0.31), and
    // D_b = -0.36 to b (breakdown cost 1.2). b concedes at the deadline if it is reached, so a
    // holds to it from t = 0 (its remaining cost 0.45 < 1), and b concedes at t = 0. Before, b
    // never conceded (the stop integrated a's pressure past its clamp).
    let text = r#"
        [parties.a]
        stake = 1
        pressure = { initial = 0.3, growth = -0.1 }
        status_quo = 0.31
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        breakdown_cost = 1.2
        strategy = "equilibrium"
        [deadline]
        at = 6
        breakdown_probability = 0.3
    "#;
    let sc = scenario(text, 2_000, 1);
    assert!(
        common::rounds(&sc)
            .iter()
            .all(|r| r.outcome == impasse::model::Outcome::Concession1 && r.time == 0.0)
    );
    let p = audit_of(text, 2_000, 40, &[]);
    no_gain("a's gain", &p[0]);
    no_gain("b's gain", &p[1]);
}

#[test]
fn an_event_that_lowers_the_value_of_conceding_gets_an_atom_of_the_others_concessions() {
    // c = 0.1 each, V = 1; at t = 1 b's audience cost jumps from 0 to 0.2, so b's value of
    // conceding falls from 0 to -0.2. a concedes at 1 with π = (0 - (-0.2)) / (1 - (-0.2)) = 1/6,
    // which keeps b indifferent across the event (docs/model.md, section 6.1).
    let text = r#"
        [parties.a]
        stake = 1
        pressure = 0.1
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        pressure = 0.1
        strategy = "equilibrium"
        [[event]]
        name = "a new team"
        at = 1
        party = "b"
        effects = ["audience_cost += 0.2"]
        [simulation]
        horizon = 400
    "#;
    let sc = scenario(text, 100_000, 5);
    let plan = impasse::strategy::equilibrium::solve_at_start(&sc);
    let atom = plan.sides[0]
        .iter()
        .find(|s| s.start == 1.0)
        .map(|s| s.atom);
    assert!((atom.unwrap() - 1.0 / 6.0).abs() < 1e-12, "{atom:?}");
    let rs = common::rounds(&sc);
    let reached: Vec<_> = rs.iter().filter(|r| r.time >= 1.0).copied().collect();
    common::within_share(
        "P(a concedes at 1 | reached)",
        &reached,
        |r| r.time == 1.0 && r.outcome == impasse::model::Outcome::Concession0,
        1.0 / 6.0,
    );
    let p = audit_of(text, 40_000, 40, &[0.99, 1.01]);
    no_gain("a's gain", &p[0]);
    no_gain("b's gain", &p[1]);
    let (before, se1) = value_at(&p[1], Some(0.99));
    let (after, se2) = value_at(&p[1], Some(1.01));
    common::within("U_b(0.99) - U_b(1.01)", before - after, 0.0, se1.max(se2));
}

#[test]
fn an_event_that_raises_the_value_of_conceding_commits_its_side_and_the_other_gives_in() {
    // b's audience cost 0.3 falls to 0 at t = 1: b would rather wait for it than concede before,
    // so b is committed until 1, and a, not committed, concedes at once (the unravelling of
    // docs/model.md, section 6.1).
    let text = r#"
        [parties.a]
        stake = 1
        pressure = 0.1
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        pressure = 0.1
        audience_cost = 0.3
        strategy = "equilibrium"
        [[event]]
        name = "cover"
        at = 1
        party = "b"
        effects = ["audience_cost = 0"]
        [simulation]
        horizon = 400
    "#;
    let sc = scenario(text, 2_000, 1);
    assert!(
        common::rounds(&sc)
            .iter()
            .all(|r| r.outcome == impasse::model::Outcome::Concession0 && r.time == 0.0)
    );
    let p = audit_of(text, 2_000, 40, &[]);
    no_gain("a's gain", &p[0]);
    no_gain("b's gain", &p[1]);
}

#[test]
fn a_poisson_event_adds_its_expected_jump_to_the_drift() {
    // c = 0.1 each, V = 1, no end; b's audience cost rises by 0.1 at rate 0.5: b's value of
    // conceding is expected to fall at 0.05 a unit of time, so a concedes at (0.1 + 0.05) / 1
    // = 0.15 while b's audience cost is 0. The audit finds no deviation that pays.
    let text = r#"
        [parties.a]
        stake = 1
        pressure = 0.1
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        pressure = 0.1
        strategy = "equilibrium"
        [[event]]
        name = "pressure at home"
        rate = 0.5
        party = "b"
        effects = ["audience_cost += 0.1"]
        [simulation]
        horizon = 400
    "#;
    let sc = scenario(text, 40_000, 5);
    let plan = impasse::strategy::equilibrium::solve_at_start(&sc);
    assert!((plan.sides[0][0].rate.value(0.0) - 0.15).abs() < 1e-12);
    let p = audit_of(text, 40_000, 40, &[]);
    no_gain("a's gain", &p[0]);
    no_gain("b's gain", &p[1]);
}

#[test]
fn the_bundled_scenarios_leave_no_deviation_that_pays() {
    for file in [
        "scenarios/iran-p5plus1-2013.toml",
        "scenarios/war-of-attrition.toml",
        "scenarios/brinkmanship.toml",
    ] {
        let text = std::fs::read_to_string(file).unwrap();
        let p = audit_of(&text, 20_000, 60, &[]);
        no_gain(&format!("{file}: first party's gain"), &p[0]);
        no_gain(&format!("{file}: second party's gain"), &p[1]);
    }
}

/// Profiles that are not equilibria: their gains are what the closed forms say.
#[test]
fn the_audit_finds_the_gain_of_profiles_that_are_not_equilibria() {
    // a concedes at hazard 0.2, b at 0.05, each paying 0.1 a unit of time for a pie worth 1.
    // Against b's hazard, a's value of conceding at t is e^(-0.05 t) - 1, best at once (0); its
    // profile pays E[e^(-0.05 τ) - 1] = 0.2 / 0.25 - 1 = -0.2: gain 0.2. Against a's hazard, b's
    // is 0.5 - 0.5 e^(-0.2 t), best never (0.5); its profile pays 0.5 - 0.5 (0.05 / 0.25) = 0.4:
    // gain 0.1.
    let text = r#"
        [parties.a]
        stake = 1
        pressure = 0.1
        strategy = { kind = "hazard", rate = 0.2 }
        [parties.b]
        stake = 1
        pressure = 0.1
        strategy = { kind = "hazard", rate = 0.05 }
        [simulation]
        horizon = 1000
    "#;
    let p = audit_of(text, 40_000, 40, &[]);
    for (x, gain) in [(0, 0.2), (1, 0.1)] {
        let g = p[x].gain();
        common::within(&format!("gain of party {x}"), g.value, gain, audit::se(&g));
    }
    assert_eq!(p[0].deviations[p[0].best].time, Some(0.0));
    assert_eq!(p[1].deviations[p[1].best].time, None);
    // Both concede at once, ties split: each gets 1/2 and would get 1 by waiting a moment.
    let both = text
        .replace("{ kind = \"hazard\", rate = 0.2 }", "\"immediate\"")
        .replace("{ kind = \"hazard\", rate = 0.05 }", "\"immediate\"");
    let p = audit_of(&both, 2_000, 40, &[]);
    for q in &p {
        assert_eq!(q.payoff.value, 0.5);
        assert!((q.gain().value - 0.5).abs() < 1e-12, "{:?}", q.gain());
    }
}

#[test]
#[ignore = "prints a random case's scenario: IMPASSE_CASE=N"]
fn print_case() {
    println!("{}", random_scenario(env("IMPASSE_CASE", 0)));
}

#[test]
#[ignore = "prints the equilibrium plan of IMPASSE_FILE"]
fn print_plan() {
    let path = std::env::var("IMPASSE_FILE").unwrap();
    let sc = impasse::scenario::load_file(std::path::Path::new(&path), &[])
        .unwrap()
        .scenario;
    let plan = impasse::strategy::equilibrium::solve_at_start(&sc);
    for (i, side) in plan.sides.iter().enumerate() {
        println!("party {i}:");
        for s in side {
            println!(
                "  {:>12.6} atom {:.6} rate {:?} (at start {:.6})",
                s.start,
                s.atom,
                s.rate,
                s.rate.value(0.0)
            );
        }
    }
    println!("end {}", plan.end);
}

/// The solver values every ending from the one payoff definition the engine settles rounds
/// with: on random scenarios (lines that move and clamp, discounting, demands, audience costs,
/// leverage, scheduled events on levels and slopes, both tie rules), a round made to end at a
/// random t in each way pays each party what `payoffs_on_path` says that ending is worth. The
/// two compute waiting costs and discounting along different routes (the engine piece by piece,
/// the solver span by span), so they agree to rounding: 1e-9 of the payoffs' scale.
#[test]
fn the_solver_values_each_ending_as_the_engine_pays_it() {
    use impasse::model::Outcome;
    use impasse::strategy::equilibrium::payoffs_on_path;
    for case in 0..60u64 {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(77 + case);
        let mut u = |a: f64, b: f64| a + (b - a) * rng.random::<f64>();
        let tie_rule = if u(0.0, 1.0) < 0.5 {
            "split"
        } else {
            "status_quo"
        };
        let mut base = format!("simultaneous = \"{tie_rule}\"\n");
        for id in ["a", "b"] {
            base += &format!(
                "[parties.{id}]\nstake = {:.3}\ndemand = {:.3}\ndiscount_rate = {:.3}\n\
                 pressure = {{ initial = {:.3}, growth = {:.4} }}\n\
                 leverage = {{ initial = {:.3}, growth = {:.4} }}\n\
                 audience_cost = {{ initial = {:.3}, growth = {:.4} }}\n\
                 breakdown_cost = {:.3}\nstatus_quo = {:.3}\nSTRATEGY_{id}\nDEADLINE_{id}\n",
                u(0.5, 2.0),
                u(0.55, 1.0),
                u(0.0, 0.2),
                u(0.0, 0.4),
                u(-0.1, 0.05),
                u(0.0, 0.8),
                u(-0.1, 0.1),
                u(0.0, 0.3),
                u(-0.05, 0.05),
                u(0.0, 1.5),
                u(-0.5, 0.5),
            );
        }
        for e in 0..(u(0.0, 4.0) as usize) {
            let q = ["pressure", "leverage", "audience_cost"][u(0.0, 3.0) as usize];
            let effect = if u(0.0, 1.0) < 0.5 {
                format!("{q} += {:.3}", u(-0.2, 0.2))
            } else {
                format!("{q}.growth = {:.4}", u(-0.1, 0.1))
            };
            let party = if u(0.0, 1.0) < 0.5 { "a" } else { "b" };
            base += &format!(
                "[[event]]\nname = \"e{e}\"\nat = {:.3}\nparty = \"{party}\"\neffects = [\"{effect}\"]\n",
                u(0.0, 6.0)
            );
        }
        let t = (u(0.0, 8.0) * 1000.0).round() / 1000.0;
        let at = format!("strategy = {{ kind = \"at_time\", t = {t} }}");
        let never = "strategy = \"never\"".to_string();
        // How to make the round end at t in each way, and which entry of payoffs_on_path
        // (concede, win, tie, breakdown, status quo) prices it for party a.
        let ways: [(&str, [&str; 4], String, usize); 5] = [
            (
                "a concedes",
                [&at, &never, "", ""],
                format!("[simulation]\nhorizon = {}", t + 1.0),
                0,
            ),
            (
                "b concedes",
                [&never, &at, "", ""],
                format!("[simulation]\nhorizon = {}", t + 1.0),
                1,
            ),
            (
                "both concede",
                [&at, &at, "", ""],
                format!("[simulation]\nhorizon = {}", t + 1.0),
                2,
            ),
            (
                "a walks out",
                [
                    &never,
                    &never,
                    &format!("deadline = {{ at = {t}, action = \"walk_out\" }}"),
                    "",
                ],
                format!("[simulation]\nhorizon = {}", t + 1.0),
                3,
            ),
            (
                "the deadline passes",
                [&never, &never, "", ""],
                format!("[deadline]\nat = {t}\n"),
                4,
            ),
        ];
        for (what, [sa, sb, da, db], tail, k) in ways {
            if t == 0.0 && k == 4 {
                continue; // a deadline must be positive
            }
            let text = base
                .replace("STRATEGY_a", sa)
                .replace("STRATEGY_b", sb)
                .replace("DEADLINE_a", da)
                .replace("DEADLINE_b", db)
                + &tail;
            let sc = scenario(&text, 1, 1);
            let r = common::rounds(&sc)[0];
            let expected = match k {
                0 => Outcome::Concession0,
                1 => Outcome::Concession1,
                2 => Outcome::Compromise,
                3 => Outcome::Walkout0,
                _ => Outcome::DeadlineStatusQuo,
            };
            assert_eq!((r.outcome, r.time), (expected, t), "{what}\n{text}");
            for x in 0..2 {
                // The other side's view of the same ending: b's concession is a's win.
                let kx = match (k, x) {
                    (0, 1) => 1,
                    (1, 1) => 0,
                    _ => k,
                };
                let solver = payoffs_on_path(&sc, x, t)[kx];
                let scale = 1.0 + solver.abs() + r.payoff[x].abs();
                assert!(
                    (solver - r.payoff[x]).abs() <= 1e-9 * scale,
                    "case {case}, {what}, party {x}: the engine pays {}, the solver values {solver}\n{text}",
                    r.payoff[x]
                );
            }
        }
    }
}

/// A scenario of two parties with the same fields: `head`, then `[parties.a]` and `[parties.b]`
/// each with `party`, then `rest`.
fn mirrored(head: &str, party: &str, rest: &str) -> String {
    format!("{head}[parties.a]\n{party}[parties.b]\n{party}{rest}")
}

/// Found by the campaign of issue 24 (tests/suite/campaign.rs, case 30): after a Poisson event,
/// a side whose numerator said "wait" (the expected jump of another Poisson event) but whose hold,
/// which does not see events, was not worth it, alternated between conceding at once and holding
/// for ever shorter stretches: the re-solve took minutes and gigabytes. Now the walk back stops
/// the chattering (`MOST_STEPS`): the audit of 300 rounds finishes in well under a second.
#[test]
fn found_by_the_campaign_a_chattering_walk_back_ends() {
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("chatter.toml");
    let text = mirrored(
        "simultaneous = \"status_quo\"\n",
        r#"stake = 1.2718
pressure = { initial = 0.2117, growth = 0.00082 }
discount_rate = 0.1095
breakdown_cost = 1.4202
audience_cost = { initial = 0.2409, growth = 0.01267 }
status_quo = 0.4825
strategy = "equilibrium"
"#,
        r#"[breakdown]
hazard = { initial = 0.1047, growth = 0.00386 }
[[event]]
name = "e0"
rate = 0.2173
max = 3
party = "a"
effects = ["audience_cost = 0.1213"]
[[event]]
name = "e1"
at = 0.7125
party = "a"
effects = ["leverage.growth = -0.00515"]
[[event]]
name = "e2"
rate = 0.6366
max = 1
party = "a"
effects = ["leverage.growth = 0.03745"]
[simulation]
horizon = 400
"#,
    );
    std::fs::write(&file, text).unwrap();
    common::impasse()
        .arg("audit")
        .arg(&file)
        .args(["-n", "300", "--no-history", "--no-report", "-q", "-o"])
        .arg(dir.path().join("out"))
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
}

/// Found by the campaign of issue 24 (case 9, without its Poisson events): a status quo worth
/// more than the winner's share (0.4411 against 0.6685 × 0.6035 = 0.4034) under
/// `simultaneous = "status_quo"`. The solver had a concede at once and b hold, so b won 0.4034
/// where conceding at the same instant (a tie, the status quo) paid it 0.4411. Both conceding at
/// once is the equilibrium of that instant's stage (each prefers the tie to winning), and the
/// plan now plays it: no deviation gains, in any round (the payoffs do not vary).
#[test]
fn found_by_the_campaign_a_tie_worth_more_than_winning_is_taken() {
    let text = mirrored(
        "simultaneous = \"status_quo\"\n",
        r#"stake = 0.6035
demand = 0.6685
pressure = { initial = 0.2999, growth = 0.00180 }
discount_rate = 0.1093
leverage = { initial = 0.3578, growth = -0.00336 }
breakdown_cost = 0.5393
audience_cost = { initial = 0.0094, growth = 0.01687 }
status_quo = 0.4411
strategy = "equilibrium"
"#,
        r#"[[event]]
name = "e2"
at = 6.7395
party = "a"
effects = ["audience_cost.growth = -0.00398"]
[simulation]
horizon = 400
"#,
    );
    let parties = audit_of(&text, 2000, 100, &[]);
    for (x, p) in parties.iter().enumerate() {
        assert!(p.gain().value <= 1e-12, "party {x} gains {:?}", p.gain());
        assert!((p.payoff.value - 0.4411).abs() < 1e-12, "{:?}", p.payoff);
    }
}

/// The game of benches/scenarios/growing.toml with one squeeze a side (docs/model.md 6.1, "Random
/// events"): after its squeeze a side concedes at once (its walkout at 20 is near and its pressure
/// higher), so the game after the other's squeeze pays a side its win. Before any squeeze each
/// would rather wait for the other's than concede: both hold. Priced by the expected jump in the
/// value of conceding (0: a pressure step does not move it), both mixed instead, and a side gained
/// about 0.4 by conceding at once (both held to the walkout in the engine's rounds). The audit,
/// with the deviations that wait for an event, finds no gain.
#[test]
fn each_side_holds_until_the_others_squeeze() {
    let text = std::fs::read_to_string("benches/scenarios/growing.toml")
        .unwrap()
        .replace("max = 3", "max = 1");
    let sc = scenario(&text, 20_000, 7);
    let plan = impasse::strategy::equilibrium::solve_at_start(&sc);
    for side in &plan.sides {
        // No concession before 19: the first segment holds (no atom, no hazard) past it.
        let first = side[0];
        assert_eq!((first.start, first.atom), (0.0, 0.0), "{side:?}");
        assert_eq!(first.rate, impasse::rate::Rate::ZERO, "{side:?}");
        assert!(side.get(1).is_none_or(|s| s.start > 19.0), "{side:?}");
    }
    let g = audit::grid(&sc, 60, &[]);
    let batches = impasse::runner::batch_count(20_000);
    let report = audit::run_batches(&sc, 7, &g, 0..batches, true, &[], &|_| {}).report();
    for (x, p) in report.iter().enumerate() {
        let gain = p.best_gain();
        assert!(p.history.is_some(), "party {x}: the history rule was tried");
        common::within(
            &format!("party {x}'s best gain"),
            gain.value.max(0.0),
            0.0,
            audit::se(&gain).max(1e-12),
        );
    }
}
