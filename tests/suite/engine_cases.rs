//! The engine on cases with exact answers: ties, deterministic clocks, clamps, party deadlines,
//! Poisson events and the order of things at one instant (docs/model.md, section 7).

use crate::common;
use common::*;
use impasse::model::Outcome;

fn two(a: &str, b: &str, extra: &str) -> String {
    format!(
        r#"
        [parties.a]
        stake = 1
        {a}
        [parties.b]
        stake = 1
        {b}
        [simulation]
        rounds = 2000
        horizon = 100
        {extra}
        "#
    )
}

#[test]
fn two_concessions_at_one_instant_are_a_compromise_that_splits_the_surplus() {
    // Demands 0.7 and 0.6 overlap by 0.3; each gets its demand less half the overlap.
    let sc = scenario(&two(
        "demand = 0.7\nstrategy = { kind = \"at_time\", t = 2 }\npressure = 0.1",
        "demand = 0.6\nstrategy = { kind = \"at_time\", t = 2 }",
        "",
    ));
    for r in rounds(&sc) {
        assert_eq!((r.outcome, r.time), (Outcome::Compromise, 2.0));
        let s = r.share().unwrap();
        assert!((s[0] - 0.55).abs() < 1e-15 && (s[1] - 0.45).abs() < 1e-15);
        // U_a = 0.55 - D_a(2) = 0.55 - 0.2
        assert!((r.payoff[0] - 0.35).abs() < 1e-15);
    }
}

#[test]
fn under_status_quo_ties_pay_the_status_quo() {
    let sc = scenario(
        &two(
            "status_quo = 0.25\nstrategy = \"immediate\"",
            "strategy = \"immediate\"",
            "",
        )
        .replace("[parties.a]", "simultaneous = \"status_quo\"\n[parties.a]"),
    );
    let r = rounds(&sc)[0];
    assert_eq!(
        (r.outcome, r.time, r.share()),
        (Outcome::Compromise, 0.0, None)
    );
    assert_eq!(r.payoff, [0.25, 0.0]);
}

#[test]
fn compatible_demands_agree_at_once() {
    let sc = scenario(&two(
        "demand = 0.4\nstrategy = \"never\"",
        "demand = 0.5\nstrategy = \"never\"",
        "",
    ));
    let r = rounds(&sc)[0];
    assert_eq!((r.outcome, r.time), (Outcome::Compromise, 0.0));
    assert!((r.share().unwrap()[0] - 0.45).abs() < 1e-15);
}

#[test]
fn a_concession_at_the_deadline_counts_as_a_concession() {
    let sc = scenario(
        &two(
            "strategy = { kind = \"at_time\", t = 5 }\naudience_cost = 0.1",
            "strategy = \"never\"",
            "",
        )
        .replace("[parties.a]", "deadline = { at = 5 }\n[parties.a]"),
    );
    let r = rounds(&sc)[0];
    assert_eq!((r.outcome, r.time), (Outcome::Concession0, 5.0));
    // a gets 1 - α_b = 0, less its audience cost; b gets the whole pie.
    assert_eq!(r.payoff, [-0.1, 1.0]);
}

#[test]
fn immediate_sees_an_event_at_time_zero() {
    // The event at 0 raises a's audience cost before a concedes at 0.
    let sc = scenario(&two("strategy = \"immediate\"", "strategy = \"never\"", "")
        .replace("[simulation]", "[[event]]\nname = \"e\"\nat = 0\nparty = \"a\"\neffects = [\"audience_cost = 0.3\"]\n[simulation]"));
    let r = rounds(&sc)[0];
    assert_eq!((r.outcome, r.time), (Outcome::Concession0, 0.0));
    assert!((r.payoff[0] + 0.3).abs() < 1e-15);
}

#[test]
fn threshold_concedes_when_the_cost_reaches_its_share_of_the_stake() {
    // c(t) = 1 - 0.5 t, clamped at 0 from t = 2 on, so D(t) = t - t^2 / 4 up to D(2) = 1.
    // fraction 0.75: t - t^2/4 = 0.75 gives t = 1. fraction 1.5 is out of reach: no concession.
    let base = "pressure = { initial = 1, growth = -0.5 }\nstrategy = { kind = \"threshold\", fraction = F }";
    let sc = scenario(&two(&base.replace('F', "0.75"), "strategy = \"never\"", ""));
    let r = rounds(&sc)[0];
    assert_eq!(r.outcome, Outcome::Concession0);
    assert!((r.time - 1.0).abs() < 1e-12, "{}", r.time);
    assert!((r.cost[0] - 0.75).abs() < 1e-12);
    let sc = scenario(&two(&base.replace('F', "1.5"), "strategy = \"never\"", ""));
    let r = rounds(&sc)[0];
    assert_eq!((r.outcome, r.time), (Outcome::Horizon, 100.0));
    assert!(
        (r.cost[0] - 1.0).abs() < 1e-12,
        "the clamp stops the cost at 1: {}",
        r.cost[0]
    );
}

#[test]
fn threshold_with_discounting_solves_the_discounted_cost() {
    // c = 1, r = 0.1: D(t) = (1 - e^{-0.1 t}) / 0.1 reaches 0.5 at t = -10 ln(0.95).
    let sc = scenario(&two(
        "pressure = 1\ndiscount_rate = 0.1\nstrategy = { kind = \"threshold\", fraction = 0.5 }",
        "strategy = \"never\"",
        "",
    ));
    let r = rounds(&sc)[0];
    assert!((r.time + 10.0 * 0.95f64.ln()).abs() < 1e-12, "{}", r.time);
}

#[test]
fn two_symmetric_thresholds_tie_exactly() {
    let s = "pressure = 0.5\nstrategy = { kind = \"threshold\", fraction = 1 }";
    let r = rounds(&scenario(&two(s, s, "")))[0];
    assert_eq!((r.outcome, r.time), (Outcome::Compromise, 2.0));
}

#[test]
fn party_deadlines_walk_out_or_give_in_after_concessions() {
    let sc = scenario(&two(
        "deadline = { at = 3, action = \"walk_out\" }\nstrategy = \"never\"\nleverage = 0.4\nbreakdown_cost = 0.1",
        "strategy = \"never\"",
        "",
    ));
    let r = rounds(&sc)[0];
    assert_eq!((r.outcome, r.time), (Outcome::Walkout0, 3.0));
    assert!((r.payoff[0] - 0.3).abs() < 1e-15);
    // b gives in at its deadline 3, a's strategy concedes at 3 too: the strategy comes first.
    let sc = scenario(&two(
        "strategy = { kind = \"at_time\", t = 3 }",
        "deadline = { at = 3, action = \"concede\" }\nstrategy = \"never\"",
        "",
    ));
    assert_eq!(rounds(&sc)[0].outcome, Outcome::Concession0);
    // Both give in at their deadlines at once: a compromise.
    let d = "deadline = { at = 3, action = \"concede\" }\nstrategy = \"never\"";
    assert_eq!(
        rounds(&scenario(&two(d, d, "")))[0].outcome,
        Outcome::Compromise
    );
}

#[test]
fn a_poisson_event_switches_on_the_breakdown_hazard() {
    // No hazard until a Poisson event (rate 0.5, at most once) sets it to 1: T = Exp(0.5) + Exp(1),
    // E[T] = 3, Var(T) = 4 + 1 = 5.
    let sc = scenario(&two("strategy = \"never\"", "strategy = \"never\"", "rounds = 50000")
        .replace("rounds = 2000\n", "")
        .replace("horizon = 100", "horizon = 1000")
        .replace("[simulation]", "[[event]]\nname = \"incident\"\nrate = 0.5\nmax = 1\neffects = [\"breakdown.hazard = 1\"]\n[simulation]"));
    let r = report(&sc);
    assert_eq!(r.outcomes[Outcome::Breakdown.index()].count, 50_000);
    within(
        "E[T]",
        metric(&r, "time_mean", None),
        3.0,
        (5.0f64 / 50_000.0).sqrt(),
    );
}

#[test]
fn an_event_on_resolve_changes_the_payoff_from_then_on() {
    let sc = scenario(&two("strategy = \"never\"", "strategy = { kind = \"at_time\", t = 2 }", "")
        .replace("[simulation]", "[[event]]\nname = \"e\"\nat = 1\nparty = \"a\"\neffects = [\"resolve *= 3\"]\n[simulation]"));
    let r = rounds(&sc)[0];
    assert_eq!(r.outcome, Outcome::Concession1);
    assert_eq!(r.payoff[0], 3.0);
}

#[test]
fn leverage_is_clamped_to_one() {
    // ℓ_a = 0.5 + 0.1 t reaches 1 at t = 5 and stays there; the deadline at 8 breaks down.
    let sc = scenario(
        &two(
            "strategy = \"never\"\nleverage = { initial = 0.5, growth = 0.1 }",
            "strategy = \"never\"",
            "",
        )
        .replace(
            "[parties.a]",
            "deadline = { at = 8, breakdown_probability = 1 }\n[parties.a]",
        ),
    );
    let r = rounds(&sc)[0];
    assert_eq!((r.outcome, r.payoff[0]), (Outcome::DeadlineBreakdown, 1.0));
}

/// Rounds `rounds` as the runner plays them (`Engine::play_rounds`: memoryless rounds in stages).
fn played_in_stages(
    engine: &impasse::engine::Engine,
    seed: u64,
    rounds: std::ops::Range<u64>,
) -> Vec<impasse::model::RoundResult> {
    let mut out = Vec::new();
    engine.play_rounds(seed, rounds, &mut engine.scratch(), |r| out.push(*r));
    out
}

mod shortcut {
    use super::played_in_stages;
    use impasse::engine::Engine;
    use proptest::prelude::*;

    fn strategy() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("\"never\"".to_string()),
            Just("\"immediate\"".to_string()),
            Just("\"equilibrium\"".to_string()),
            (0.0..20.0f64).prop_map(|t| format!("{{ kind = \"at_time\", t = {t} }}")),
            (0.0..2.0f64).prop_map(|r| format!("{{ kind = \"hazard\", rate = {r} }}")),
            (0.0..1.0f64).prop_map(|f| format!("{{ kind = \"threshold\", fraction = {f} }}")),
        ]
    }

    fn party() -> impl Strategy<Value = String> {
        (
            strategy(),
            0.1..3.0f64,
            0.3..1.0f64,
            0.0..1.0f64,
            0.0..1.0f64,
            0.0..2.0f64,
            prop_oneof![Just(0.0), 0.0..0.2f64],
            prop_oneof![Just(String::new()), (0.0..30.0f64, any::<bool>()).prop_map(|(at, walk)| {
                format!("deadline = {{ at = {at}, action = \"{}\" }}", if walk { "walk_out" } else { "concede" })
            })],
        )
            .prop_map(|(s, stake, demand, pressure, leverage, kappa, r, deadline)| {
                format!(
                    "stake = {stake}\ndemand = {demand}\npressure = {pressure}\nleverage = {leverage}\n\
                     breakdown_cost = {kappa}\ndiscount_rate = {r}\naudience_cost = 0.1\n\
                     resolve = {{ distribution = \"uniform\", low = 0.5, high = 1.5 }}\n{deadline}\nstrategy = {s}\n"
                )
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// A scenario with no events and constant lines is played as one piece without the general
        /// loop, and when every clock also has a constant rate, by the memoryless kernel without
        /// the scan; both shortcuts must give exactly what the loop gives, round by round.
        #[test]
        fn the_one_piece_shortcut_changes_nothing(
            a in party(),
            b in party(),
            hazard in prop_oneof![Just(0.0), 0.0..0.5f64],
            deadline in prop_oneof![Just(String::new()), (1.0..40.0f64, 0.0..1.0f64).prop_map(|(at, p)| format!("deadline = {{ at = {at}, breakdown_probability = {p} }}"))],
            simultaneous in prop_oneof![Just("split"), Just("status_quo")],
        ) {
            let text = format!(
                "simultaneous = \"{simultaneous}\"\n{deadline}\n[parties.a]\n{a}[parties.b]\n{b}\
                 [breakdown]\nhazard = {hazard}\n[simulation]\nrounds = 300\nhorizon = 50\n"
            );
            let sc = impasse::scenario::load_str("p.toml", &text, &[]).unwrap().scenario;
            let (fast, slow) = (Engine::new(&sc), Engine::new(&sc).without_shortcuts());
            let (mut s1, mut s2) = (fast.scratch(), slow.scratch());
            let staged = played_in_stages(&fast, 5, 7..300);
            for r in 7..300 {
                let expected = slow.play(5, r, &mut s2);
                prop_assert_eq!(fast.play(5, r, &mut s1), expected, "round {}", r);
                prop_assert_eq!(staged[r as usize - 7], expected, "round {} in stages", r);
            }
        }
    }
}

/// `bayesian` and `reputation` rounds without events take the memoryless kernel (their
/// concession time is read from the plan, or from the Abreu–Gul schedule); they must equal the
/// general loop round by round: bayesian symmetric, and asymmetric with an atom; reputation with
/// an atom at 0 for the slower side.
#[test]
fn solved_strategies_on_the_kernel_equal_the_general_loop() {
    use impasse::engine::Engine;
    let bayesian = |b_resolve: &str, b_stake: f64| {
        format!(
            r#"
            [parties.a]
            stake = 1
            pressure = 1
            resolve = {{ distribution = "uniform", low = 0, high = 1 }}
            strategy = "bayesian"
            [parties.b]
            stake = {b_stake}
            pressure = 0.5
            resolve = {{ distribution = "uniform", {b_resolve} }}
            strategy = "bayesian"
            [simulation]
            horizon = 3
            "#
        )
    };
    let reputation = r#"
        [parties.a]
        stake = 1
        demand = 0.6
        discount_rate = 0.1
        strategy = { kind = "reputation", obstinate = 0.1 }
        [parties.b]
        stake = 1
        demand = 0.7
        discount_rate = 0.2
        strategy = { kind = "reputation", obstinate = 0.2 }
        [simulation]
        horizon = 20
    "#;
    for text in [
        bayesian("low = 0, high = 1", 1.0),
        bayesian("low = 0.5, high = 1.5", 2.0),
        reputation.to_string(),
    ] {
        let sc = scenario(&text);
        let (fast, slow) = (Engine::new(&sc), Engine::new(&sc).without_shortcuts());
        let (mut s1, mut s2) = (fast.scratch(), slow.scratch());
        let staged = played_in_stages(&fast, 9, 0..5_000);
        for r in 0..5_000 {
            let expected = slow.play(9, r, &mut s2);
            assert_eq!(fast.play(9, r, &mut s1), expected, "round {r}");
            assert_eq!(staged[r as usize], expected, "round {r} in stages");
        }
    }
}

mod time_dependent {
    use super::common::*;
    use impasse::model::Outcome;

    fn game(a: &str, b: &str) -> Vec<impasse::model::RoundResult> {
        rounds(&scenario(&format!(
            "deadline = {{ at = 10 }}\n[parties.a]\nstake = 1\n{a}\n[parties.b]\nstake = 1\n{b}\n[simulation]\nrounds = 50\n"
        )))
    }

    #[test]
    fn two_linear_negotiators_meet_at_the_exact_time_and_split() {
        // a: 0.8 -> 0.3, b: 0.7 -> 0.4, both linear over the deadline 10: the demands sum to
        // 1.5 - 0.08 t, which is 1 at t = 6.25, where a asks 0.4875 and b 0.5125.
        let r = game(
            "demand = 0.8\nstrategy = { kind = \"time_dependent\", e = 1, reservation = 0.3 }",
            "demand = 0.7\nstrategy = { kind = \"time_dependent\", e = 1, reservation = 0.4 }",
        );
        for x in r {
            assert_eq!(x.outcome, Outcome::Compromise);
            assert!((x.time - 6.25).abs() < 1e-12, "{}", x.time);
            let s = x.share().unwrap();
            assert!(
                (s[0] - 0.4875).abs() < 1e-12 && (s[1] - 0.5125).abs() < 1e-12,
                "{s:?}"
            );
            // No audience cost in a meeting: the payoff is the share.
            assert_eq!(x.payoff, s);
        }
    }

    #[test]
    fn against_a_fixed_demand_the_meeting_is_at_the_opponents_terms() {
        // a: 0.9 -> 0.2 linearly over 10 against b's fixed 0.6: a asks 0.4 at t = 50/7.
        let r = game(
            "demand = 0.9\nstrategy = { kind = \"time_dependent\", e = 1, reservation = 0.2 }",
            "demand = 0.6\nstrategy = \"never\"",
        );
        assert!((r[0].time - 50.0 / 7.0).abs() < 1e-12, "{}", r[0].time);
        let s = r[0].share().unwrap();
        assert!((s[0] - 0.4).abs() < 1e-12 && (s[1] - 0.6).abs() < 1e-12);
    }

    #[test]
    fn a_boulware_negotiator_gets_the_larger_share_against_a_conceder() {
        // The NegMAS expectation: holding out (e = 0.2) against one who gives way early (e = 5),
        // from the same 0.9 down to the same 0.1, wins more of the pie.
        let r = game(
            "demand = 0.9\nstrategy = { kind = \"time_dependent\", e = 0.2, reservation = 0.1 }",
            "demand = 0.9\nstrategy = { kind = \"time_dependent\", e = 5, reservation = 0.1 }",
        );
        let s = r[0].share().unwrap();
        assert!(s[0] > s[1], "Boulware {} vs Conceder {}", s[0], s[1]);
        assert!((s[0] + s[1] - 1.0).abs() < 1e-15);
        // Each share is that side's demand at the meeting time t: 0.9 - 0.8 (t/10)^(1/e).
        let t = r[0].time;
        let demand = |e: f64| 0.9 - 0.8 * (t / 10.0).powf(1.0 / e);
        assert!((s[0] - demand(0.2)).abs() < 1e-12 && (s[1] - demand(5.0)).abs() < 1e-12);
        assert!((demand(0.2) + demand(5.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn reservations_that_never_meet_leave_the_deadline() {
        let r = game(
            "demand = 0.9\nstrategy = { kind = \"time_dependent\", e = 1, reservation = 0.6 }",
            "demand = 0.9\nstrategy = { kind = \"time_dependent\", e = 1, reservation = 0.5 }",
        );
        assert_eq!(
            (r[0].outcome, r[0].time),
            (Outcome::DeadlineStatusQuo, 10.0)
        );
    }
}

#[test]
fn a_deterministic_rule_replans_when_an_event_changes_its_input() {
    // Bayesian values uniform on [0, 1]; at t = 0.001 an event sets a's value to 0.99, so a now
    // holds out to b(0.99) = ln 100 - 0.99 = 3.615, and b (who still stops at b(v_b)) gives in
    // first whenever v_b < 0.99 and b(v_b) > 0.001: in about 95 % of rounds. Had a's first plan
    // been kept, b would give in only when v_b < v_a: about half the time. With 4,000 rounds the
    // se is 0.0034 near 0.95 and 0.0079 near 0.5, so the bound 0.9 is 15 se below the one and
    // 50 se above the other.
    let text = r#"
        [parties.a]
        stake = 1
        pressure = 1
        resolve = { distribution = "uniform", low = 0, high = 1 }
        strategy = "bayesian"
        [parties.b]
        stake = 1
        pressure = 1
        resolve = { distribution = "uniform", low = 0, high = 1 }
        strategy = "bayesian"
        [[event]]
        name = "a learns it values the deal"
        at = 0.001
        party = "a"
        effects = ["resolve = 0.99"]
        [simulation]
        rounds = 4000
        horizon = 100
    "#;
    let rs = rounds(&scenario(text));
    let b_first = rs
        .iter()
        .filter(|r| r.outcome == Outcome::Concession1)
        .count() as f64
        / rs.len() as f64;
    assert!(b_first > 0.9, "b concedes first in {b_first} of rounds");
    let hold = (100f64).ln() - 0.99;
    assert!(
        rs.iter()
            .filter(|r| r.outcome == Outcome::Concession0)
            .all(|r| r.time < 0.001 || (r.time - hold).abs() < 1e-3)
    );
}
