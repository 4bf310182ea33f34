//! The equilibrium is consistent over time (docs/model.md, 6.1, "Consistency over time"; MODEL.md
//! 6.4): the plan solved from any
//! state reached on the game's path (a time at which nobody has conceded, the lines as the
//! scheduled events left them, the events still to come) is the continuation of the plan solved
//! at t = 0: the same atoms at the same times and the same hazards, to 1e-9 relative.
//!
//! `IMPASSE_CASES=N cargo test --release consistency:: -- --nocapture` explores more cases.

use crate::common::{env, survives};
use impasse::model::{Lines, Scenario};
use impasse::scenario::load_str;
use impasse::strategy::equilibrium::{self, Pending, Plan, Segment, Start};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The scheduled events as `(time, event)` by time, and the Poisson events that can fire.
fn events(sc: &Scenario) -> (Vec<(f64, usize)>, Vec<Pending>) {
    let mut scheduled = Vec::new();
    let mut poisson = Vec::new();
    for (k, e) in sc.events.iter().enumerate() {
        match e.when {
            impasse::model::EventTiming::At(t) => scheduled.push((t, k)),
            impasse::model::EventTiming::Poisson { rate, max } => {
                if max != Some(0) {
                    poisson.push(Pending {
                        event: k,
                        rate,
                        left: max.unwrap_or(u32::MAX),
                    });
                }
            }
        }
    }
    scheduled.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    (scheduled, poisson)
}

/// The state of the game's path at t (after the scheduled events at or before t): its lines and
/// beliefs, and the index of the first scheduled event still to come.
fn state_at(sc: &Scenario, scheduled: &[(f64, usize)], t: f64) -> (Lines, [f64; 2], usize) {
    let mut lines = sc.initial_lines();
    let mut belief = [0, 1].map(|i| sc.believed_type(i));
    let mut theta = [1.0; 2];
    let mut next = 0;
    while let Some(&(at, e)) = scheduled.get(next) {
        if at > t {
            break;
        }
        sc.apply_event(e, at, &mut lines, &mut theta, &mut belief);
        next += 1;
    }
    for l in lines.iter_mut() {
        l.rebase(t);
    }
    (lines, belief, next)
}

/// The plan solved afresh from the state on the game's course at `t` (no Poisson event fired).
fn solved_at(sc: &Scenario, scheduled: &[(f64, usize)], poisson: &[Pending], t: f64) -> Plan {
    let (lines, belief, next) = state_at(sc, scheduled, t);
    let start = Start {
        t0: t,
        lines: &lines,
        belief,
        scheduled: &scheduled[next..],
        poisson,
        conceded: None,
    };
    let mut fresh = Plan::default();
    equilibrium::solve(sc, &start, &mut fresh);
    fresh
}

/// The plan solved afresh at t on the game's course after Poisson event `k` (of `poisson`) fired
/// there, the first to fire.
fn solved_after(
    sc: &Scenario,
    (scheduled, poisson): (&[(f64, usize)], &[Pending]),
    t: f64,
    k: usize,
) -> Plan {
    let (mut lines, mut belief, next) = state_at(sc, scheduled, t);
    sc.apply_event(poisson[k].event, t, &mut lines, &mut [1.0; 2], &mut belief);
    let mut left = poisson.to_vec();
    left[k].left -= 1;
    left.retain(|p| p.left > 0);
    let start = Start {
        t0: t,
        lines: &lines,
        belief,
        scheduled: &scheduled[next..],
        poisson: &left,
        conceded: None,
    };
    let mut fresh = Plan::default();
    equilibrium::solve(sc, &start, &mut fresh);
    fresh
}

/// The plans from 0 after each history of Poisson events that they anticipate.
fn histories(
    sc: &Scenario,
    scheduled: &[(f64, usize)],
    poisson: &[Pending],
) -> Vec<(Vec<u32>, Plan)> {
    let lines = sc.initial_lines();
    let start = Start {
        t0: 0.0,
        lines: &lines,
        belief: [0, 1].map(|i| sc.believed_type(i)),
        scheduled,
        poisson,
        conceded: None,
    };
    equilibrium::solve_with_histories(sc, &start, &mut Plan::default())
}

/// Where the plan from 0 after Poisson event k fires first, at t (from `after`, the plans per
/// history), differs from the plan solved there; None where that history is not anticipated.
fn after_event(
    sc: &Scenario,
    events: (&[(f64, usize)], &[Pending]),
    after: &[(Vec<u32>, Plan)],
    t: f64,
    k: usize,
) -> Option<Vec<String>> {
    let first = |h: &Vec<u32>| (0..h.len()).all(|j| h[j] == u32::from(j == k));
    let (_, planned) = after.iter().find(|(h, _)| first(h))?;
    let fresh = solved_after(sc, events, t, k);
    let differs = (0..2).filter_map(|x| {
        let why = differ(&continuation(planned, x, t), &continuation(&fresh, x, t))?;
        Some(format!("t = {t}, event {k} fired, side {x}: {why}"))
    });
    Some(differs.collect())
}

/// Side x's plan from t on: the segment holding t re-expressed from t (its atom dropped unless it
/// starts there), then every later segment.
fn continuation(plan: &Plan, x: usize, t: f64) -> Vec<Segment> {
    let side = &plan.sides[x];
    let k = side.partition_point(|s| s.start <= t).max(1) - 1;
    let mut out = Vec::new();
    if let Some(seg) = side.get(k).filter(|s| s.start <= t) {
        out.push(Segment {
            start: t,
            atom: if seg.start == t || seg.throughout {
                seg.atom
            } else {
                0.0
            },
            rate: seg.rate.shifted(t - seg.start),
            throughout: seg.throughout,
        });
    }
    out.extend(side.iter().filter(|s| s.start > t).copied());
    out
}

/// Where two continuations differ: atoms (time within 1e-9 relative, probability within 1e-9)
/// and hazards (at 7 points of each stretch, 1e-9 relative to the larger).
fn differ(a: &[Segment], b: &[Segment]) -> Option<String> {
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
    let atoms = |v: &[Segment]| -> Vec<(f64, f64)> {
        v.iter()
            .filter(|s| s.atom > 0.0)
            .map(|s| (s.start, s.atom))
            .collect()
    };
    let (aa, ab) = (atoms(a), atoms(b));
    if aa.len() != ab.len()
        || aa
            .iter()
            .zip(&ab)
            .any(|(p, q)| !close(p.0, q.0) || (p.1 - q.1).abs() > 1e-9)
    {
        return Some(format!("atoms {aa:?} against {ab:?}"));
    }
    // Hazards: compare at points across the union of both lists' segment starts.
    let mut cuts: Vec<f64> = a.iter().chain(b).map(|s| s.start).collect();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let rate_at = |v: &[Segment], t: f64| {
        let k = v.partition_point(|s| s.start <= t).max(1) - 1;
        v.get(k)
            .filter(|s| s.start <= t)
            .map_or(0.0, |s| s.rate.value(t - s.start))
    };
    // A boundary may sit a rounding error apart in the two: points that near a boundary are
    // not compared (the boundaries themselves are, through the atoms and the other points).
    let near_cut = |t: f64| {
        cuts.iter()
            .any(|&c| (t - c).abs() <= 1e-8 * c.abs().max(1.0))
    };
    for (k, &c) in cuts.iter().enumerate() {
        let next = cuts.get(k + 1).copied().unwrap_or(c + 10.0);
        for j in 1..8 {
            let t = c + (next - c) * j as f64 / 8.0;
            if near_cut(t) {
                continue;
            }
            let (x, y) = (rate_at(a, t), rate_at(b, t));
            if (x - y).abs() > 1e-9 * x.abs().max(y.abs()).max(1e-6) {
                return Some(format!("hazards at {t}: {x} against {y}"));
            }
        }
    }
    None
}

/// A random scenario both sides play `equilibrium` in (complete information), with moving
/// lines, discounting, breakdown hazards, audience costs, deadlines of both kinds or none,
/// scheduled and Poisson events, both tie rules; nearly symmetric sides half the time.
fn random_scenario(case: u64) -> String {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5000 + case);
    let mut u = |a: f64, b: f64| a + (b - a) * rng.random::<f64>();
    let mut text = String::new();
    if u(0.0, 1.0) < 0.5 {
        text += "simultaneous = \"status_quo\"\n";
    }
    let deadline_kind = u(0.0, 3.0) as u32;
    let near_symmetric = u(0.0, 1.0) < 0.5;
    let mut first: Vec<f64> = Vec::new();
    for (k, id) in ["a", "b"].iter().enumerate() {
        let mut draw = |a: f64, b: f64, i: usize| {
            if near_symmetric && k == 1 {
                first[i] * (1.0 + 1e-3 * (u(0.0, 1.0) - 0.5))
            } else {
                let v = u(a, b);
                if k == 0 {
                    first.push(v);
                }
                v
            }
        };
        let stake = draw(0.5, 2.0, 0);
        let demand = draw(0.55, 1.0, 1).min(1.0);
        let c0 = draw(0.05, 0.4, 2);
        let c1 = draw(-0.02, 0.04, 3);
        let r = draw(0.0, 0.1, 4);
        let a0 = draw(0.0, 0.3, 5);
        let a1 = draw(-0.02, 0.03, 6);
        let l0 = draw(0.0, 0.6, 7);
        let l1 = draw(-0.03, 0.03, 8);
        let kappa = draw(0.0, 1.5, 9);
        let sq = draw(-0.5, 0.5, 10) - 1.0;
        text += &format!(
            "[parties.{id}]\nstake = {stake}\ndemand = {demand}\ndiscount_rate = {r}\n\
             pressure = {{ initial = {c0}, growth = {c1} }}\n\
             audience_cost = {{ initial = {a0}, growth = {a1} }}\n\
             leverage = {{ initial = {l0}, growth = {l1} }}\n\
             breakdown_cost = {kappa}\nstatus_quo = {sq}\nstrategy = \"equilibrium\"\n"
        );
        if deadline_kind == 2 && k == 0 {
            text += &format!(
                "deadline = {{ at = {}, action = \"walk_out\" }}\n",
                u(2.0, 9.0)
            );
        }
    }
    text += &format!(
        "[breakdown]\nhazard = {{ initial = {}, growth = {} }}\n",
        u(0.0, 0.1),
        u(-0.005, 0.01)
    );
    if deadline_kind == 1 {
        text += &format!(
            "[deadline]\nat = {}\nbreakdown_probability = {}\n",
            u(2.0, 9.0),
            u(0.0, 1.0)
        );
    }
    for e in 0..(u(0.0, 3.0) as u32) {
        let party = if u(0.0, 1.0) < 0.5 { "a" } else { "b" };
        let q = ["pressure", "leverage", "audience_cost"][u(0.0, 3.0) as usize];
        let when = if u(0.0, 1.0) < 0.5 {
            format!("at = {}", u(0.2, 6.0))
        } else {
            format!("rate = {}\nmax = {}", u(0.05, 0.5), 1 + u(0.0, 2.0) as u32)
        };
        // Half the Poisson events change the game in a way that depends on when they fire (a
        // new slope, or a scaled level of a line that moves): the games after them are sampled.
        let effect = match (when.starts_with("rate"), u(0.0, 4.0) as u32) {
            (true, 0) => format!("{q}.growth = {}", u(-0.02, 0.04)),
            (true, 1) => format!("{q} *= {}", u(0.5, 1.5)),
            _ => format!("{q} += {}", u(0.0, 0.1)),
        };
        text += &format!(
            "[[event]]\nname = \"e{e}\"\n{when}\nparty = \"{party}\"\neffects = [\"{effect}\"]\n"
        );
    }
    text += "[simulation]\nhorizon = 300\n";
    text
}

#[test]
fn the_plan_from_any_state_on_the_path_is_the_continuation_of_the_plan_from_zero() {
    let cases = env("IMPASSE_CASES", 60);
    let mut failures = Vec::new();
    let (mut states, mut after_states) = (0, 0);
    for case in 0..cases {
        let text = random_scenario(case);
        let sc = load_str("random.toml", &text, &[])
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
            .scenario;
        let whole = equilibrium::solve_at_start(&sc);
        let (scheduled, poisson) = events(&sc);
        let after = histories(&sc, &scheduled, &poisson);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(case);
        let end = sc.game_end().min(20.0);
        for _ in 0..6 {
            let t = end * rng.random::<f64>();
            if survives(&whole, 0, t) < 1e-6 || survives(&whole, 1, t) < 1e-6 {
                continue;
            }
            states += 1;
            let fresh = solved_at(&sc, &scheduled, &poisson, t);
            for x in 0..2 {
                let a = continuation(&whole, x, t);
                let b = continuation(&fresh, x, t);
                if let Some(why) = differ(&a, &b) {
                    failures.push(format!("case {case}, t = {t}, side {x}: {why}"));
                }
            }
            // The same state, but a Poisson event fires there: the plan from 0 for that history,
            // where one is anticipated (MODEL.md 6.4), against the plan solved there.
            if poisson.is_empty() {
                continue;
            }
            let k = rng.random_range(0..poisson.len());
            let Some(why) = after_event(&sc, (&scheduled, &poisson), &after, t, k) else {
                continue;
            };
            after_states += 1;
            failures.extend(why.into_iter().map(|w| format!("case {case}, {w}")));
        }
    }
    println!(
        "{states} states, {after_states} of them also after an event, {} differ",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {states} states' plans differ from the continuation:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A game solved from a state within an instant of its end (a random event firing there) is
/// solved: the hold carried back across the path's spans once looped for ever where a stretch
/// began within an instant before the path's first span (random case 0, after its event e1).
#[test]
fn a_game_solved_within_an_instant_of_its_end_is_solved() {
    let sc = load_str("random.toml", &random_scenario(0), &[])
        .unwrap()
        .scenario;
    let (scheduled, poisson) = events(&sc);
    let end = sc.game_end();
    assert!(end.is_finite() && poisson.len() == 2, "case 0 has changed");
    for t in [end - 5e-9, end - 1e-12] {
        let plan = solved_after(&sc, (&scheduled, &poisson), t, 1);
        assert!(plan.sides.iter().all(|s| !s.is_empty()), "t = {t}");
    }
}

#[test]
#[ignore = "prints a case's plans from 0 and from t: IMPASSE_CASE=N IMPASSE_T=t"]
fn print_case_plans() {
    let case = env("IMPASSE_CASE", 0);
    let t: f64 = std::env::var("IMPASSE_T").unwrap().parse().unwrap();
    let text = random_scenario(case);
    println!("{text}");
    let sc = load_str("random.toml", &text, &[]).unwrap().scenario;
    let whole = equilibrium::solve_at_start(&sc);
    let (scheduled, poisson) = events(&sc);
    let fresh = solved_at(&sc, &scheduled, &poisson, t);
    for (name, p) in [("from 0", &whole), ("from t", &fresh)] {
        println!("{name}:");
        for x in 0..2 {
            for s in &p.sides[x] {
                println!(
                    "  side {x} {:>14.9} atom {:.6} rate at start {:.9}",
                    s.start,
                    s.atom,
                    s.rate.value(0.0)
                );
            }
        }
    }
}

/// The random scenarios above rarely hold while events can fire, where the games after them are
/// valued by chords (a plan solved from another start would use other chords): growing.toml
/// holds until the first squeeze. After either squeeze at any time, the plan from 0 for that
/// history is the plan solved there.
#[test]
fn the_plan_after_a_squeeze_in_growing_is_the_plan_for_its_history() {
    let path = "benches/scenarios/growing.toml";
    let sc = load_str(path, &std::fs::read_to_string(path).unwrap(), &[])
        .unwrap()
        .scenario;
    let (scheduled, poisson) = events(&sc);
    let after = histories(&sc, &scheduled, &poisson);
    let mut failures = Vec::new();
    for j in 0..16 {
        let t = 19.0 * (f64::from(j) + 0.37) / 16.0;
        for k in 0..poisson.len() {
            let why = after_event(&sc, (&scheduled, &poisson), &after, t, k)
                .expect("each squeeze is anticipated");
            failures.extend(why);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// With private types (docs/model.md 6.3, MODEL.md 6.4): the plan solved from a state on the
/// path, the time and each side's posterior (its survivors, the types above the marginal type
/// there), is the continuation of the plan solved at 0. Over the random scenarios of the types
/// property test (`types::random_typed`) that are solved with both sides' curves, at three grid
/// nodes inside the concessions and one time in the hold before the end: every surviving type
/// of either side concedes at the same time (to 1e-9 of the game's length), and as many
/// survivors reach the end and concede there.
#[test]
fn with_private_types_the_plan_from_a_state_on_the_path_goes_on_as_the_plan_from_zero() {
    let cases = env("IMPASSE_CASES", 24);
    let (mut games, mut states, mut failures) = (0, 0, Vec::new());
    for case in 0..cases {
        let text = crate::types::random_typed(case);
        let sc = load_str("typed.toml", &text, &[]).unwrap().scenario;
        let whole = equilibrium::solve_at_start(&sc);
        let [Some(a), Some(b)] = &whole.curves else {
            continue;
        };
        games += 1;
        let (scheduled, _) = events(&sc);
        let end = sc.game_end();
        let knots = a.knots();
        // Nodes inside the concessions (not where an atom falls), and one in the hold.
        let plain = |k: usize| k > 0 && k + 1 < knots.len() && knots[k - 1] < knots[k];
        let mut times: Vec<f64> = [1, 2, 3]
            .map(|q| q * knots.len() / 4)
            .into_iter()
            .filter(|&k| plain(k) && knots[k] < knots[k + 1])
            .map(|k| knots[k])
            .collect();
        if a.end() < end {
            times.push(0.5 * (a.end() + end));
        }
        for t in times {
            states += 1;
            let (lines, belief, next) = state_at(&sc, &scheduled, t);
            let start = Start {
                t0: t,
                lines: &lines,
                belief,
                scheduled: &scheduled[next..],
                poisson: &[],
                conceded: Some([a.at(t), b.at(t)]),
            };
            let mut fresh = Plan::default();
            equilibrium::solve(&sc, &start, &mut fresh);
            let [Some(fa), Some(fb)] = &fresh.curves else {
                failures.push(format!("case {case}, t = {t}: no curves from there"));
                continue;
            };
            let tol = 1e-9 * end.max(1.0);
            for (x, (old, new)) in [(a, fa), (b, fb)].into_iter().enumerate() {
                let (from, last) = (old.at(t), old.last());
                // Where the concessions stop and how far, and as many reaching the end.
                let same = |p: f64, q: f64| (p - q).abs() <= tol * p.abs().max(1.0);
                let mut agree = same(new.last(), last) && same(new.reach(), old.reach());
                if last > from {
                    agree &= same(new.end(), old.end());
                    // Survivors' budgets, from just above the posterior to just below the last
                    // (at the last itself, rounding decides which curve it is on).
                    for q in [0.001, 0.25, 0.5, 0.75, 0.999] {
                        let budget = from + q * (last - from);
                        agree &= same(new.time(budget), old.time(budget));
                    }
                }
                if !agree {
                    failures.push(format!(
                        "case {case}, t = {t}, side {x}: from 0 {old:?}\nfrom t {new:?}"
                    ));
                }
            }
        }
    }
    println!("{games} games with both sides' curves, {states} states");
    assert!(games >= cases / 4, "only {games} of {cases} with curves");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
