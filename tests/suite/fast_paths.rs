//! The fast paths for time-varying rounds (issue 17; docs/model.md, section 7) against the general
//! loop, round by round, on random scenarios: growing lines, discounting, a breakdown hazard,
//! walkouts, deadlines and Poisson events that change the game. The fast engine reads tabulated
//! integrals of the equilibrium's rational hazards (of the plan from t = 0 and of the plans after
//! each history of events, solved with it); the general loop integrates the same plans piece by
//! piece. Every round must end the same way, at a time
//! within 1e-12 (relative) of the general loop's: looser than rounding, and than the solver's
//! root-finder (1e-13 relative on a change of regime, for each of the two solves).

use impasse::engine::{Engine, Shortcuts};
use impasse::model::{RoundResult, Scenario};
use proptest::prelude::*;

fn line(initial: f64, growth: f64) -> String {
    format!("{{ initial = {initial}, growth = {growth} }}")
}

/// A party's lines; `scale` perturbs them (1 for a symmetric game, whose equilibrium mixes).
fn party(v: &[f64; 9], scale: f64, extra: &str) -> String {
    format!(
        "stake = 1\npressure = {}\nleverage = {}\naudience_cost = {}\nbreakdown_cost = {}\n\
         discount_rate = {}\n{extra}\nstrategy = \"equilibrium\"\n",
        line(v[0] * scale, v[1]),
        line(v[2], v[3] * scale),
        line(v[4], v[5]),
        v[6],
        v[7] * v[8],
    )
}

fn lines() -> impl Strategy<Value = [f64; 9]> {
    (
        0.005..0.05f64,
        0.0..0.004f64,
        0.0..0.3f64,
        0.0..0.004f64,
        0.0..0.1f64,
        0.0..0.004f64,
        0.0..0.5f64,
        0.0..0.05f64,
        prop_oneof![Just(0.0), Just(1.0)],
    )
        .prop_map(|(a, b, c, d, e, f, g, h, i)| [a, b, c, d, e, f, g, h, i])
}

fn event() -> impl Strategy<Value = String> {
    (
        0.05..0.4f64,
        1u32..4,
        prop_oneof![Just("a"), Just("b")],
        prop_oneof![Just("pressure"), Just("audience_cost")],
        0.001..0.01f64,
    )
        .prop_map(|(rate, max, party, line, step)| {
            format!(
                "[[event]]\nname = \"e\"\nrate = {rate}\nmax = {max}\nparty = \"{party}\"\n\
                 effects = [\"{line} += {step}\"]\n"
            )
        })
}

fn scenario() -> impl Strategy<Value = String> {
    (
        lines(),
        prop_oneof![Just(1.0), 0.8..1.2f64],
        prop_oneof![Just(String::new()), (8.0..40.0f64).prop_map(|at| format!("deadline = {{ at = {at}, action = \"walk_out\" }}"))],
        (0.0..0.005f64, 0.0..0.001f64),
        prop::collection::vec(event(), 0..3),
        prop_oneof![
            (30.0..200.0f64).prop_map(|h| format!("[simulation]\nhorizon = {h}\n")),
            (20.0..100.0f64, 0.0..1.0f64).prop_map(|(at, p)| format!("[deadline]\nat = {at}\nbreakdown_probability = {p}\n")),
        ],
        prop_oneof![Just(String::new()), (1.0..10.0f64).prop_map(|at| format!("[[event]]\nname = \"s\"\nat = {at}\nparty = \"b\"\neffects = [\"pressure += 0.003\"]\n"))],
    )
        .prop_map(|(v, scale, walkout, (h0, h1), events, end, scheduled)| {
            format!(
                "[parties.a]\n{}[parties.b]\n{}[breakdown]\nhazard = {}\n{}{}{}",
                party(&v, 1.0, &walkout),
                party(&v, scale, ""),
                line(h0, h1),
                events.concat(),
                scheduled,
                end,
            )
        })
}

/// The same end: the outcome, the time within 1e-12 relative, and payoffs and waiting costs
/// within what that time allows. In the scenarios above a payoff or a cost moves with the end
/// time at a rate below 2 (pressure at most 0.05 + 0.004 x 200 + 6 x 0.01 < 1 a unit of time,
/// audience cost and leverage at most 0.004 each, discounting at most 0.05 of a payoff below 2),
/// so they may differ by 2 dt, plus a few ulps of their own arithmetic.
fn same(fast: &RoundResult, slow: &RoundResult) -> bool {
    let dt = 1e-12 * fast.time.abs().max(slow.time.abs()).max(1.0);
    let near = |a: f64, b: f64| (a - b).abs() <= 2.0 * dt + 1e-14 * a.abs().max(b.abs()).max(1.0);
    fast.outcome == slow.outcome
        && (fast.time - slow.time).abs() <= dt
        && (0..2).all(|i| near(fast.payoff[i], slow.payoff[i]) && near(fast.cost[i], slow.cost[i]))
}

/// 96 random scenarios (a fixed seed), 400 rounds each. Also counted, so that the test cannot pass
/// by not exercising the fast path: scenarios with tabulated hazards, and rounds whose bits
/// differ from the general loop's (they took the fast path, which rounds differently) while
/// ending the same way.
#[test]
fn fast_paths_end_every_round_as_the_general_loop_does() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut tabulated, mut first_piece, mut differing) = (0, 0, 0);
    for _ in 0..96 {
        let text = scenario().new_tree(&mut runner).unwrap().current();
        let sc = impasse::scenario::load_str("p.toml", &text, &[])
            .unwrap()
            .scenario;
        let fast = Engine::new(&sc);
        let slow = Engine::new(&sc).without_shortcuts();
        let taken = fast.shortcuts();
        tabulated += usize::from(taken.tables > 0);
        first_piece += usize::from(taken.first_piece);
        let (mut s1, mut s2) = (fast.scratch(), slow.scratch());
        let mut staged = Vec::new();
        fast.play_rounds(3, 0..400, &mut fast.scratch(), |r| staged.push(*r));
        for r in 0..400 {
            let (a, b) = (fast.play(3, r, &mut s1), slow.play(3, r, &mut s2));
            assert!(same(&a, &b), "round {r}:\nfast {a:?}\nslow {b:?}\n{text}");
            assert_eq!(staged[r as usize], a);
            differing += usize::from(a != b);
        }
    }
    println!(
        "tables in {tabulated} of 96 scenarios, the first piece scanned apart in {first_piece}, \
         {differing} rounds not bit-identical"
    );
    // Since Poisson events are anticipated (docs/model.md 6.1, "Random events"), many of these
    // games hold until an event, with no rational hazard to tabulate: twice as many scenarios as
    // before keep the 8 that tabulate.
    assert!(tabulated >= 8 && first_piece >= 48 && differing >= 1000);
}

fn bench(file: &str) -> Scenario {
    let path = format!("benches/scenarios/{file}");
    let text = std::fs::read_to_string(&path).unwrap();
    impasse::scenario::load_str(&path, &text, &[])
        .unwrap()
        .scenario
}

/// The bench scenario `growing.toml` takes the fast paths: one rational hazard per side, and
/// the first piece scanned apart; the general loop takes none.
#[test]
fn the_growing_bench_takes_the_fast_path() {
    let sc = bench("growing.toml");
    let taken = Engine::new(&sc).shortcuts();
    assert_eq!((taken.tables, taken.first_piece), (2, true));
    let none = Shortcuts {
        tables: 0,
        ends_at_once: false,
        first_piece: false,
    };
    assert_eq!(Engine::new(&sc).without_shortcuts().shortcuts(), none);
}

/// Where a side's plan concedes at t = 0 with certainty (the Iran bench with a horizon: the P5+1
/// gives in at once), every round is one piece: it ends as the general loop ends it, to the bit.
#[test]
fn rounds_that_end_at_once_skip_the_loop_and_change_nothing() {
    let sc = bench("iran-horizon.toml");
    let fast = Engine::new(&sc);
    assert!(fast.shortcuts().ends_at_once);
    let slow = Engine::new(&sc).without_shortcuts();
    let (mut s1, mut s2) = (fast.scratch(), slow.scratch());
    for r in 0..2000 {
        let a = fast.play(2013, r, &mut s1);
        assert_eq!(a, slow.play(2013, r, &mut s2), "round {r}");
        assert_eq!(a.time, 0.0);
    }
}

/// After Poisson events whose game after does not depend on when they fired, a round plays on
/// the plan solved with the plan from t = 0 for that history (docs/model.md 6.1, "Random
/// events"), instead of solving the game again: the two agree (the plan from any state is the
/// continuation of the plan from 0: both price the events after it by the same games, solved
/// from the round's start), round by round, in how each ends and, to 1e-9 relative, when.
#[test]
fn the_plans_solved_per_history_are_the_plans_solved_again() {
    let sc = bench("growing.toml");
    let cached = Engine::new(&sc);
    assert!(cached.histories() >= 9, "{} histories", cached.histories());
    let solved = Engine::new(&sc).without_histories();
    assert_eq!(solved.histories(), 0);
    let (mut s1, mut s2) = (cached.scratch(), solved.scratch());
    // Both hold until a squeeze: a round that ends in a concession has seen an event.
    let mut concessions = 0;
    for r in 0..1000 {
        let (a, b) = (cached.play(5, r, &mut s1), solved.play(5, r, &mut s2));
        assert_eq!(a.outcome, b.outcome, "round {r}:\n{a:?}\n{b:?}");
        assert!(
            (a.time - b.time).abs() <= 1e-9 * a.time.max(1.0),
            "round {r}:\n{a:?}\n{b:?}"
        );
        concessions += usize::from(matches!(
            a.outcome,
            impasse::model::Outcome::Concession0 | impasse::model::Outcome::Concession1
        ));
    }
    assert!(concessions > 800, "{concessions} concessions");
}
