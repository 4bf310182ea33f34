//! Validation against game theory: each test runs a scenario with a closed-form answer and checks
//! the simulated figures within 4 standard errors. Each expected value is derived in the comment.
//! Run with `cargo test --release theory:: -- --nocapture` to see expected, measured and se.

use crate::common;
use common::*;
use impasse::model::Outcome;

const N: u64 = 100_000;

/// Two equilibrium parties with the given stakes and constant pressures, no other features.
fn attrition(va: f64, ca: f64, vb: f64, cb: f64, extra: &str) -> String {
    format!(
        r#"
        [parties.a]
        stake = {va}
        pressure = {ca}
        strategy = "equilibrium"
        [parties.b]
        stake = {vb}
        pressure = {cb}
        strategy = "equilibrium"
        [simulation]
        rounds = {N}
        seed = 11
        horizon = 1000
        {extra}
        "#
    )
}

/// The stationary equilibrium of the war of attrition with constant costs, α = 1 and nothing
/// else: λ_a = c_b / V_b and λ_b = c_a / V_a, so T ~ Exp(λ_a + λ_b), a concedes first with
/// probability λ_a / (λ_a + λ_b), and each side, indifferent to conceding at once, expects 0.
fn check_attrition(va: f64, ca: f64, vb: f64, cb: f64) {
    let (la, lb) = (cb / vb, ca / va);
    let r = report(&scenario(&attrition(va, ca, vb, cb, "")));
    let time_se = metric_se(&r, "time_mean", None);
    within(
        "time_mean",
        metric(&r, "time_mean", None),
        1.0 / (la + lb),
        time_se,
    );
    let pa = la / (la + lb);
    within(
        "P(a concedes)",
        metric(&r, "concede_probability", Some(0)),
        pa,
        se_p(pa, N),
    );
    for i in 0..2 {
        let se = metric_se(&r, "payoff_mean", Some(i));
        within("payoff", metric(&r, "payoff_mean", Some(i)), 0.0, se);
    }
}

#[test]
fn symmetric_war_of_attrition_matches_hendricks_weiss_wilson() {
    // V = 1, c = 1 each: λ = 1 each, E[T] = 0.5, P(a first) = 1/2; E[U] = 0.5 * 1 - 1 * 0.5 = 0.
    check_attrition(1.0, 1.0, 1.0, 1.0);
}

#[test]
fn asymmetric_war_of_attrition_matches_hendricks_weiss_wilson() {
    // V_a = 4, c_a = 1, V_b = 1, c_b = 1: λ_a = 1, λ_b = 0.25, E[T] = 0.8, P(a first) = 0.8 (the
    // side whose opponent finds waiting dearer gives in more often); E[U_a] = 0.2 * 4 - 0.8 = 0,
    // E[U_b] = 0.8 * 1 - 0.8 = 0.
    check_attrition(4.0, 1.0, 1.0, 1.0);
}

fn brinkmanship(h: f64) -> String {
    format!(
        r#"
        [parties.a]
        stake = 1
        breakdown_cost = 1
        leverage = 0.2
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        breakdown_cost = 0.5
        strategy = "equilibrium"
        [breakdown]
        hazard = {h}
        [simulation]
        rounds = {N}
        seed = 12
        horizon = 100000
        "#
    )
}

#[test]
fn brinkmanship_breakdown_probability_does_not_depend_on_the_hazard() {
    // No flow costs, so λ_i = h (L_j - B_j) / (G_j - L_j) = h (κ_j - ℓ_j V_j) / V_j:
    // λ_b = h (1 - 0.2) = 0.8 h and λ_a = h (0.5 - 0) = 0.5 h. P(breakdown) = h / (h + λ_a + λ_b)
    // = 1 / 2.3 = 0.434783 whatever h; the hazard only sets the pace, E[T] = 1 / (2.3 h).
    let expected = 1.0 / 2.3;
    for h in [0.05, 0.5] {
        let r = report(&scenario(&brinkmanship(h)));
        let p = r.outcomes[Outcome::Breakdown.index()].probability.value;
        within(
            &format!("P(breakdown), h = {h}"),
            p,
            expected,
            se_p(expected, N),
        );
        within(
            &format!("time_mean, h = {h}"),
            metric(&r, "time_mean", None),
            1.0 / (2.3 * h),
            metric_se(&r, "time_mean", None),
        );
    }
}

#[test]
fn linearly_rising_pressure_matches_the_integrated_hazard() {
    // c_a(t) = 2t, c_b(t) = t, V = 1: λ_a = c_b = t, λ_b = c_a = 2t, so S(t) = exp(-1.5 t^2).
    // E[T] = int S = (1/2) sqrt(pi / 1.5) = 0.723601; P(a first) = int t S / int 3t S = 1/3;
    // P(T > 1) = e^-1.5 = 0.223130.
    let text = r#"
        [parties.a]
        stake = 1
        pressure = { initial = 0, growth = 2 }
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        pressure = { initial = 0, growth = 1 }
        strategy = "equilibrium"
        [simulation]
        rounds = 100000
        seed = 13
        horizon = 1000
    "#;
    let sc = scenario(text);
    let rs = rounds(&sc);
    within_mean(
        "time_mean",
        rs.iter().map(|r| r.time),
        0.5 * (std::f64::consts::PI / 1.5).sqrt(),
    );
    within_share(
        "P(a concedes)",
        &rs,
        |r| r.outcome == Outcome::Concession0,
        1.0 / 3.0,
    );
    within_share("P(T > 1)", &rs, |r| r.time > 1.0, (-1.5f64).exp());
}

#[test]
fn audience_costs_growing_with_time_give_a_heavy_tail() {
    // Pressure 0.5 and audience costs a(t) = t, V = 1: λ_i = (c_j - L_j') / (G_j - L_j)
    // = 1.5 / (1 + t), so each side survives with (1 + t)^-1.5 and the round with S(t) =
    // (1 + t)^-3: a power-law tail. Median: (1 + t)^3 = 2, t = 2^(1/3) - 1; P(T > 3) = 1/64;
    // P(T > 9) = 1e-3; E[T] = 1/2. The horizon of 10,000 also tests that the quantile sketch
    // finds a median 4 orders of magnitude below it.
    let text = r#"
        [parties.a]
        stake = 1
        pressure = 0.5
        audience_cost = { initial = 0, growth = 1 }
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        pressure = 0.5
        audience_cost = { initial = 0, growth = 1 }
        strategy = "equilibrium"
        [simulation]
        rounds = 100000
        seed = 14
        horizon = 10000
    "#;
    let sc = scenario(text);
    let rs = rounds(&sc);
    let median = 2f64.cbrt() - 1.0;
    within_share("P(T <= 2^(1/3) - 1)", &rs, |r| r.time <= median, 0.5);
    for (t, p) in [(3.0, 1.0 / 64.0), (9.0, 1e-3)] {
        within_share(&format!("P(T > {t})"), &rs, |r| r.time > t, p);
    }
    within_mean("E[T]", rs.iter().map(|r| r.time), 0.5);
    // The sketch's median: sampling se of a median is sqrt(p(1-p)/n) / f(m), with the density
    // f(m) = 3 (1 + m)^-4 = 3 2^(-4/3); the sketch adds at most 0.4 % of the value.
    let p50 = metric(&report(&sc), "time_p50", None);
    let se = (0.25 / N as f64).sqrt() / (3.0 * 2f64.powf(-4.0 / 3.0));
    assert!(
        (p50 - median).abs() <= 4.0 * se + 0.004 * median,
        "time_p50 {p50} vs {median} (se {se})"
    );
}

#[test]
fn without_pressure_growing_audience_costs_commit_both_sides_for_ever() {
    // As above without pressure: λ = 1 / (1 + t) would keep the other indifferent between any two
    // times, but the other survives only like (1 + t)^-1 while its value of conceding falls like
    // -t, so never conceding beats every time (transversality fails). Both are committed: nobody
    // concedes, and every round reaches the horizon.
    let text = r#"
        [parties.a]
        stake = 1
        audience_cost = { initial = 0, growth = 1 }
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        audience_cost = { initial = 0, growth = 1 }
        strategy = "equilibrium"
        [simulation]
        rounds = 1000
        horizon = 50
    "#;
    assert!(
        rounds(&scenario(text))
            .iter()
            .all(|r| r.outcome == Outcome::Horizon)
    );
}

#[test]
fn a_scheduled_event_replans_the_equilibrium_hazard_mid_round() {
    // c_a = 0.5 throughout, so λ_b = 0.5; c_b = 0.5 until t = 1, when an event quadruples it, so
    // λ_a = 0.5 then 2. Total hazard 1 before and 2.5 after.
    // P(a first) = 0.5 (1 - e^-1) + e^-1 (2 / 2.5) = 0.610364;
    // E[T] = (1 - e^-1) / 1 + e^-1 / 2.5 = 0.779272.
    let text = r#"
        [parties.a]
        stake = 1
        pressure = 0.5
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        pressure = 0.5
        strategy = "equilibrium"
        [[event]]
        name = "sanctions bite on b"
        at = 1
        party = "b"
        effects = ["pressure *= 4"]
        [simulation]
        rounds = 100000
        seed = 15
        horizon = 1000
    "#;
    let r = report(&scenario(text));
    let e1 = (-1f64).exp();
    let pa = 0.5 * (1.0 - e1) + e1 * 0.8;
    within(
        "P(a concedes)",
        metric(&r, "concede_probability", Some(0)),
        pa,
        se_p(pa, N),
    );
    within(
        "time_mean",
        metric(&r, "time_mean", None),
        (1.0 - e1) + e1 / 2.5,
        metric_se(&r, "time_mean", None),
    );
}

#[test]
fn a_deadline_breaks_down_with_its_probability() {
    // Nobody concedes; breakdown hazard 0.05 until the deadline at 10, which breaks down with
    // probability 0.3. P(breakdown) = 1 - e^-0.5 = 0.393469; P(deadline_breakdown) =
    // 0.3 e^-0.5 = 0.181959; P(deadline_status_quo) = 0.7 e^-0.5 = 0.424572.
    let text = r#"
        [parties.a]
        stake = 1
        strategy = "never"
        [parties.b]
        stake = 1
        strategy = "never"
        [breakdown]
        hazard = 0.05
        [deadline]
        at = 10
        breakdown_probability = 0.3
        [simulation]
        rounds = 100000
        seed = 16
    "#;
    let r = report(&scenario(text));
    let reach = (-0.5f64).exp();
    for (o, p) in [
        (Outcome::Breakdown, 1.0 - reach),
        (Outcome::DeadlineBreakdown, 0.3 * reach),
        (Outcome::DeadlineStatusQuo, 0.7 * reach),
    ] {
        within(
            o.name(),
            r.outcomes[o.index()].probability.value,
            p,
            se_p(p, N),
        );
    }
}

#[test]
fn a_fixed_time_step_would_fail_where_the_engine_passes() {
    // The unit-rate problem: V = 1, c = 0.5 each, so λ = 0.5 each and T ~ Exp(1), E[T] = 1, with
    // no ties. A fixed step dt = 0.05 (each side concedes with probability λ dt per step, the
    // round ending at the step's end) gives E[T] = dt / (1 - (1 - λ dt)^2) = 1.012658 and ties
    // with probability (λ dt)^2 / (1 - (1 - λ dt)^2) = 0.012658 per round. With 400,000 rounds
    // the standard error of E[T] is 0.00158: the engine stays within 4 se, the stepped
    // simulation falls 8 se outside and its ties are 80 se from zero.
    const M: u64 = 400_000;
    let sc = scenario(&attrition(1.0, 0.5, 1.0, 0.5, "").replace(&N.to_string(), &M.to_string()));
    let r = report(&sc);
    let se = metric_se(&r, "time_mean", None);
    within("engine time_mean", metric(&r, "time_mean", None), 1.0, se);
    assert_eq!(r.outcomes[Outcome::Compromise.index()].count, 0);

    use rand::{RngExt, SeedableRng};
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(17);
    let (dt, lambda) = (0.05, 0.5);
    let (mut sum, mut ties) = (0.0, 0u64);
    for _ in 0..M {
        let mut t = 0.0;
        loop {
            t += dt;
            let a = rng.random::<f64>() < lambda * dt;
            let b = rng.random::<f64>() < lambda * dt;
            if a && b {
                ties += 1;
            }
            if a || b {
                break;
            }
        }
        sum += t;
    }
    let stepped = sum / M as f64;
    println!("stepped time_mean {stepped:.6} (engine se {se:.6}), ties {ties}");
    assert!(
        (stepped - 1.0).abs() > 4.0 * se,
        "a stepped engine would pass: {stepped}"
    );
    assert!(ties as f64 / M as f64 > 4.0 * se_p(0.012658, M));
}

#[test]
fn misperception_moves_the_outcome_as_the_formulas_say() {
    // V = 1, c = 1 each, but a believes b's type is 2 (truly 1). a's hazard comes from b's
    // indifference as a sees it: λ_a = c_b / (2 V_b) = 0.5; b sees a correctly: λ_b = c_a / V_a = 1.
    // So E[T] = 1 / 1.5, P(a concedes first) = 0.5 / 1.5 = 1/3, and the misperceiving side does
    // not lose by it, b does: E[U_a] = (λ_b - c_a) / 1.5 = 0, E[U_b] = (λ_a - c_b) / 1.5 = -1/3.
    let r = report(&scenario(&attrition(1.0, 1.0, 1.0, 1.0, "").replace(
        "pressure = 1\n        strategy = \"equilibrium\"\n        [parties.b]",
        "pressure = 1\n        belief = 2\n        strategy = \"equilibrium\"\n        [parties.b]",
    )));
    within(
        "time_mean",
        metric(&r, "time_mean", None),
        1.0 / 1.5,
        metric_se(&r, "time_mean", None),
    );
    within(
        "P(a concedes)",
        metric(&r, "concede_probability", Some(0)),
        1.0 / 3.0,
        se_p(1.0 / 3.0, N),
    );
    within(
        "payoff a",
        metric(&r, "payoff_mean", Some(0)),
        0.0,
        metric_se(&r, "payoff_mean", Some(0)),
    );
    within(
        "payoff b",
        metric(&r, "payoff_mean", Some(1)),
        -1.0 / 3.0,
        metric_se(&r, "payoff_mean", Some(1)),
    );
}

#[test]
fn an_event_that_changes_a_belief_replans_the_equilibrium() {
    // As above, but a's belief about b starts true (λ_a = 1, λ_b = 1) and at t = 0.5 a comes to
    // think b twice as resolved (λ_a = 0.5 from then on). P(a first) = 0.5 (1 - e^-1) + e^-1 / 3
    // = 0.438691; E[T] = (1 - e^-1) / 2 + e^-1 / 1.5 = 0.561313.
    let text = attrition(1.0, 1.0, 1.0, 1.0, "").replace(
        "[simulation]",
        "[[event]]\n        name = \"a reads b as tougher\"\n        at = 0.5\n        party = \"a\"\n        effects = [\"belief *= 2\"]\n        [simulation]",
    );
    let r = report(&scenario(&text));
    let e1 = (-1f64).exp();
    let pa = 0.5 * (1.0 - e1) + e1 / 3.0;
    within(
        "P(a concedes)",
        metric(&r, "concede_probability", Some(0)),
        pa,
        se_p(pa, N),
    );
    within(
        "time_mean",
        metric(&r, "time_mean", None),
        (1.0 - e1) / 2.0 + e1 / 1.5,
        metric_se(&r, "time_mean", None),
    );
}

#[test]
fn reputational_bargaining_matches_abreu_and_gul() {
    // Demands 0.6 each (excess 0.2), r = 0.1 each, obstinate with z_a = 0.1 and z_b = 0.2.
    // λ_i = r_j (1 - α_i) / (α_i + α_j - 1) = 0.2 each. Reputations reach 1 at T_a = -ln 0.1 / 0.2
    // = 11.51 and T_b = -ln 0.2 / 0.2 = 8.047 = T0, so a (slower) concedes at t = 0 with
    // 1 - z_a e^{λ T0} = 1 - 0.1 * 5 = 0.5, and b has no atom. After that each concedes at λ.
    // P(a concedes) = 0.5 + 0.5 λ ∫_0^T0 e^{-2λt} dt = 0.5 + 0.25 (1 - 0.2^2) = 0.74;
    // P(b concedes) = 0.25 (1 - 0.04) = 0.24; P(never, both obstinate) = z_a z_b = 0.02.
    // a's mean share over deals: (0.74 * 0.4 + 0.24 * 0.6) / 0.98 = 0.448980. Nobody rational
    // holds out beyond T0.
    let text = r#"
        [parties.a]
        stake = 1
        demand = 0.6
        discount_rate = 0.1
        strategy = { kind = "reputation", obstinate = 0.1 }
        [parties.b]
        stake = 1
        demand = 0.6
        discount_rate = 0.1
        strategy = { kind = "reputation", obstinate = 0.2 }
        [simulation]
        rounds = 100000
        seed = 18
        horizon = 1000
    "#;
    let rs = rounds(&scenario(text));
    within_share(
        "P(agreement at 0)",
        &rs,
        |r| r.outcome == Outcome::Concession0 && r.time == 0.0,
        0.5,
    );
    for (what, o, p) in [
        ("P(a concedes)", Outcome::Concession0, 0.74),
        ("P(b concedes)", Outcome::Concession1, 0.24),
        ("P(never agree)", Outcome::Horizon, 0.02),
    ] {
        within_share(what, &rs, |r| r.outcome == o, p);
    }
    within_mean(
        "a's share of deals",
        rs.iter().filter_map(|r| r.share().map(|s| s[0])),
        0.44 / 0.98,
    );
    let t0 = -(0.2f64.ln()) / 0.2;
    let latest = rs
        .iter()
        .filter(|r| r.outcome != Outcome::Horizon)
        .map(|r| r.time)
        .fold(0.0, f64::max);
    assert!(
        latest <= t0 * (1.0 + 1e-12),
        "a rational type held out to {latest} > T0 = {t0}"
    );
}

fn deadline_game(deadline: &str, party_extra: &str) -> String {
    format!(
        r#"
        deadline = {deadline}
        [parties.a]
        stake = 1
        pressure = 0.1
        {party_extra}
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        pressure = 0.1
        {party_extra}
        strategy = "equilibrium"
        [simulation]
        rounds = 100000
        seed = 19
        "#
    )
}

#[test]
fn concessions_stop_before_a_deadline_whose_status_quo_beats_conceding() {
    // V = 1, c = 0.1 each, deadline at 10 with status quo 0.5: D = 0.5 - 0 > 0, so neither
    // concedes once its cost to the deadline is below 0.5: after t* = 10 - 0.5/0.1 = 5. Before,
    // the usual hazards 0.1 each: P(someone concedes) = 1 - e^{-0.2 * 5} = 0.632121, the rest
    // (e^-1 = 0.367879) reach the deadline; E[T] = int_0^5 t 0.2 e^{-0.2 t} dt + 10 e^-1
    // = (5 - 10 e^-1) + 10 e^-1 = 5.
    let rs = rounds(&scenario(&deadline_game("{ at = 10 }", "status_quo = 0.5")));
    within_share(
        "P(reach the deadline)",
        &rs,
        |r| r.outcome == Outcome::DeadlineStatusQuo,
        (-1f64).exp(),
    );
    within_mean("E[T]", rs.iter().map(|r| r.time), 5.0);
    let last = rs
        .iter()
        .filter(|r| r.outcome != Outcome::DeadlineStatusQuo)
        .map(|r| r.time)
        .fold(0.0, f64::max);
    assert!(
        last <= 5.0 * (1.0 + 1e-12),
        "a concession at {last}, after t* = 5"
    );
}

#[test]
fn a_deadline_worse_than_conceding_is_a_game_of_chicken_at_the_deadline() {
    // The deadline at 10 breaks down surely and costs each 1: D = -1 < 0. With ties paying the
    // status quo (0, as conceding does), the hazards 0.1 run to the deadline, reached with e^-2 =
    // 0.135335, where each concedes with q = -D / (G - T - D) = 1/2: a alone (and b alone) with
    // e^-2 / 4 = 0.033834, both (a compromise at 10) with e^-2 / 4, neither (the breakdown) with
    // e^-2 / 4.
    let rs = rounds(&scenario(&format!(
        "simultaneous = \"status_quo\"\n{}",
        deadline_game(
            "{ at = 10, breakdown_probability = 1 }",
            "breakdown_cost = 1"
        )
    )));
    let q = (-2f64).exp() / 4.0;
    for (what, o) in [
        ("P(a concedes at T)", Outcome::Concession0),
        ("P(b concedes at T)", Outcome::Concession1),
        ("P(both at T)", Outcome::Compromise),
        ("P(breakdown at T)", Outcome::DeadlineBreakdown),
    ] {
        within_share(what, &rs, |r| r.outcome == o && r.time == 10.0, q);
    }
}

#[test]
fn with_split_ties_the_chicken_commits_both_sides_before_the_deadline() {
    // As above with ties that split the pie (T = 1/2): q = -D / (G - T - D) = 2/3, and reaching
    // the deadline is worth q T + (1 - q) L = 1/3 > 0 = L, so both stop conceding once their cost
    // to it, 0.1 (10 - t), falls below 1/3: from t* = 10 - 10/3 (docs/model.md, section 6.1).
    // P(reach t*) = e^(-0.2 t*) = e^(-4/3); at the deadline a alone and b alone with q(1 - q) =
    // 2/9 of that, both with 4/9, neither (the breakdown) with 1/9; nobody concedes in (t*, 10).
    let rs = rounds(&scenario(&deadline_game(
        "{ at = 10, breakdown_probability = 1 }",
        "breakdown_cost = 1",
    )));
    let t_star: f64 = 10.0 - 10.0 / 3.0;
    let reach = (-0.2 * t_star).exp();
    for (what, o, p) in [
        ("P(a concedes at T)", Outcome::Concession0, 2.0 / 9.0),
        ("P(b concedes at T)", Outcome::Concession1, 2.0 / 9.0),
        ("P(both at T)", Outcome::Compromise, 4.0 / 9.0),
        ("P(breakdown at T)", Outcome::DeadlineBreakdown, 1.0 / 9.0),
    ] {
        within_share(what, &rs, |r| r.outcome == o && r.time == 10.0, reach * p);
    }
    let inside = rs
        .iter()
        .filter(|r| r.time > t_star * (1.0 + 1e-12) && r.time < 10.0);
    assert_eq!(inside.count(), 0, "a concession while both hold");
    for i in 0..2 {
        within_mean(
            "payoff (indifferent at 0: L = 0)",
            rs.iter().map(|r| r.payoff[i]),
            0.0,
        );
    }
}

#[test]
fn the_discrete_war_of_attrition_at_meetings_matches_its_closed_form() {
    // Talks every 1 time unit; V = 1, c = 0.5 per unit, ties pay the status quo 0. At each
    // meeting j is indifferent when i concedes with p = c / (V + c) = 1/3. A meeting ends the
    // round with 1 - (2/3)^2 = 5/9, so the number of meetings is geometric: E = 9/5 = 1.8 (the
    // mean time, meetings at 1, 2, ...); ties (both concede) are (1/9)/(5/9) = 0.2 of the ends;
    // a concedes alone with (2/9)/(5/9) = 0.4. Each side is indifferent at every meeting, so its
    // value at the first meeting is 0, less the cost of waiting for it: E[U] = -c * 1 = -0.5.
    let text = r#"
        simultaneous = "status_quo"
        talks = { every = 1 }
        [parties.a]
        stake = 1
        pressure = 0.5
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        pressure = 0.5
        strategy = "equilibrium"
        [simulation]
        rounds = 100000
        seed = 20
        horizon = 1000
    "#;
    let sc = scenario(text);
    let rs = rounds(&sc);
    assert!(
        rs.iter().all(|r| r.time.fract() == 0.0 && r.time >= 1.0),
        "concessions only at meetings"
    );
    within_mean("E[meetings]", rs.iter().map(|r| r.time), 1.8);
    within_share("P(tie)", &rs, |r| r.outcome == Outcome::Compromise, 0.2);
    within_share(
        "P(a concedes alone)",
        &rs,
        |r| r.outcome == Outcome::Concession0,
        0.4,
    );
    for i in 0..2 {
        within_mean("payoff", rs.iter().map(|r| r.payoff[i]), -0.5);
    }
}

#[test]
fn a_first_meeting_at_zero_keeps_the_per_meeting_probability() {
    // As above with meetings at 0, 1, 2, ...: the meeting at 0 ends the round with 5/9 too, so
    // E[T] = E[meetings] - 1 = 0.8 and P(T = 0) = 5/9; with nothing to pay before the first
    // meeting, each side expects exactly 0.
    let text = r#"
        simultaneous = "status_quo"
        talks = { every = 1, first = 0 }
        [parties.a]
        stake = 1
        pressure = 0.5
        strategy = "equilibrium"
        [parties.b]
        stake = 1
        pressure = 0.5
        strategy = "equilibrium"
        [simulation]
        rounds = 100000
        seed = 21
        horizon = 1000
    "#;
    let rs = rounds(&scenario(text));
    within_share(
        "P(end at the meeting at 0)",
        &rs,
        |r| r.time == 0.0,
        5.0 / 9.0,
    );
    within_mean("E[T]", rs.iter().map(|r| r.time), 0.8);
    for i in 0..2 {
        within_mean("payoff", rs.iter().map(|r| r.payoff[i]), 0.0);
    }
}

fn bayesian_game(resolve: &str, seed: u64) -> String {
    format!(
        r#"
        [parties.a]
        stake = 1
        pressure = 1
        resolve = {resolve}
        strategy = "bayesian"
        [parties.b]
        stake = 1
        pressure = 1
        resolve = {resolve}
        strategy = "bayesian"
        [simulation]
        rounds = 100000
        seed = {seed}
        horizon = 1000
        "#
    )
}

/// The higher value always wins: re-draw each round's types (they come first in the round's
/// stream) and compare with who conceded.
fn higher_type_wins(sc: &impasse::model::Scenario, rs: &[impasse::model::RoundResult]) {
    for (r, res) in rs.iter().enumerate() {
        let mut rng = impasse::rng::round_rng(sc.simulation.seed, r as u64);
        let ta = sc.parties[0].resolve.sample(&mut rng);
        let tb = sc.parties[1].resolve.sample(&mut rng);
        let expect = if ta > tb {
            Outcome::Concession1
        } else {
            Outcome::Concession0
        };
        assert_eq!(res.outcome, expect, "round {r}: types {ta}, {tb}");
    }
}

#[test]
fn bayesian_war_of_attrition_with_uniform_values() {
    // Values uniform on [0, 1], c = 1: b(v) = -v - ln(1 - v). T = b(min(v_a, v_b)), the minimum
    // having density 2 (1 - x): E[T] = int_0^1 b(x) 2 (1 - x) dx = 1/6; the median solves
    // (1 - u)^2 = 1/2, u = 1 - 2^-0.5, t = b(u) = 0.053671; P(T > b(0.9) = ln 10 - 0.9) = 0.01.
    // E[U] = E[v 1{v > v'}] - E[c T] = 1/3 - 1/6 = 1/6.
    let sc = scenario(&bayesian_game(
        "{ distribution = \"uniform\", low = 0, high = 1 }",
        22,
    ));
    let rs = rounds(&sc);
    higher_type_wins(&sc, &rs);
    within_mean("E[T]", rs.iter().map(|r| r.time), 1.0 / 6.0);
    let b = |v: f64| -v - (1.0 - v).ln();
    let median = b(1.0 - 0.5f64.sqrt());
    within_share("P(T <= median)", &rs, |r| r.time <= median, 0.5);
    within_share("P(T > b(0.9))", &rs, |r| r.time > b(0.9), 0.01);
    for i in 0..2 {
        within_mean("payoff", rs.iter().map(|r| r.payoff[i]), 1.0 / 6.0);
    }
}

#[test]
fn bayesian_war_of_attrition_with_exponential_values() {
    // Values exponential with mean 1, c = 1: b(v) = v^2 / 2. The minimum is Exp(2): E[T] =
    // E[M^2] / 2 = 1/4; median: M = ln 2 / 2, t = 0.060057; P(T > 1) = P(M > 2^0.5) = e^{-2^1.5}
    // = 0.059106. E[U] = int v e^-v (1 - e^-v) dv - 1/4 = 3/4 - 1/4 = 1/2.
    let sc = scenario(&bayesian_game(
        "{ distribution = \"exponential\", mean = 1 }",
        23,
    ));
    let rs = rounds(&sc);
    higher_type_wins(&sc, &rs);
    within_mean("E[T]", rs.iter().map(|r| r.time), 0.25);
    let median = (2f64.ln() / 2.0).powi(2) / 2.0;
    within_share("P(T <= median)", &rs, |r| r.time <= median, 0.5);
    let p = (-(2f64.powf(1.5))).exp();
    within_share("P(T > 1)", &rs, |r| r.time > 1.0, p);
    for i in 0..2 {
        within_mean("payoff", rs.iter().map(|r| r.payoff[i]), 0.5);
    }
}

/// Simpson's rule on [0, hi] with n (even) intervals.
fn simpson(f: impl Fn(f64) -> f64, hi: f64, n: usize) -> f64 {
    let h = hi / n as f64;
    let inner: f64 = (1..n)
        .map(|k| f(k as f64 * h) * if k % 2 == 1 { 4.0 } else { 2.0 })
        .sum();
    (f(0.0) + inner + f(hi)) * h / 3.0
}

#[test]
fn asymmetric_bayesian_war_of_attrition_with_exponential_values() {
    // Types Exp(1); a: stake 1, c = 1 (values m_a = 1); b: stake 2, c = 0.5 (m_b = 2). Then
    // s_a = α t^a, s_b = β t^b with K = c_b/m_b + c_a/m_a = 1.25, a = (c_b/m_b)/K = 0.2,
    // b = 0.8, αβ = K, and the default pivot (the medians concede together) fixes
    // t_p = (ln 2)^2 / K, α = ln 2 / t_p^a, β = ln 2 / t_p^b. So b_a(v) = (v/α)^5 and
    // b_b(v) = (v / 2β)^1.25, and with t = y^5, P(T > t) = exp(-α y - β y^4):
    // E[T] = int 5 y^4 exp(-α y - β y^4) dy; P(a first) = E[exp(-β T_a^b)]
    // = int exp(-e - β (e/α)^4) de; E[U_a] = int e e^-e (1 - exp(-β (e/α)^4)) de - E[T];
    // E[U_b] = int 2 e e^-e (1 - exp(-α (e/β)^0.25)) de - 0.5 E[T].
    let text = r#"
        [parties.a]
        stake = 1
        pressure = 1
        resolve = { distribution = "exponential", mean = 1 }
        strategy = "bayesian"
        [parties.b]
        stake = 2
        pressure = 0.5
        resolve = { distribution = "exponential", mean = 1 }
        strategy = "bayesian"
        [simulation]
        rounds = 100000
        seed = 24
        horizon = 1000
    "#;
    let sc = scenario(text);
    let rs = rounds(&sc);
    let (k, a, b) = (1.25, 0.2, 0.8);
    let sp = 2f64.ln();
    let tp = sp * sp / k;
    let (alpha, beta) = (sp / tp.powf(a), sp / tp.powf(b));
    let (ba, bb) = (
        |v: f64| (v / alpha).powf(1.0 / a),
        |v: f64| (v / (2.0 * beta)).powf(1.0 / b),
    );
    // Every round: the side with the earlier b concedes at that time. The unit tests of
    // strategy::bayesian bound the tables' error by 1e-5 (1 + t); the bound here is ten times
    // that, and closer calls than it are not judged.
    for (r, res) in rs.iter().enumerate() {
        let mut rng = impasse::rng::round_rng(sc.simulation.seed, r as u64);
        let ta = ba(sc.parties[0].resolve.sample(&mut rng));
        let tb = bb(2.0 * sc.parties[1].resolve.sample(&mut rng));
        let t = ta.min(tb);
        if (ta - tb).abs() > 1e-4 * (1.0 + t) {
            let expect = if ta < tb {
                Outcome::Concession0
            } else {
                Outcome::Concession1
            };
            assert_eq!(res.outcome, expect, "round {r}: b_a {ta}, b_b {tb}");
        }
        assert!((res.time - t).abs() < 1e-4 * (1.0 + t), "round {r}");
    }
    let mean_t = simpson(
        |y| 5.0 * y.powi(4) * (-alpha * y - beta * y.powi(4)).exp(),
        60.0,
        200_000,
    );
    let a_first = simpson(|e| (-e - beta * (e / alpha).powi(4)).exp(), 60.0, 200_000);
    let win_a = simpson(
        |e| e * (-e).exp() * (1.0 - (-beta * (e / alpha).powi(4)).exp()),
        60.0,
        200_000,
    );
    let win_b = simpson(
        |e| 2.0 * e * (-e).exp() * (1.0 - (-alpha * (e / beta).powf(0.25)).exp()),
        60.0,
        200_000,
    );
    within_mean("E[T]", rs.iter().map(|r| r.time), mean_t);
    within_share(
        "P(a first)",
        &rs,
        |r| r.outcome == Outcome::Concession0,
        a_first,
    );
    for (i, expect) in [(0, win_a - mean_t), (1, win_b - 0.5 * mean_t)] {
        within_mean("payoff", rs.iter().map(|r| r.payoff[i]), expect);
    }
}

/// Against the opponent's curve, a type v of side i that concedes at τ expects
/// `U(v, τ) = int_0^1 1{T_j(q) < τ} (v - c_i T_j(q)) dq - c_i τ P(T_j >= τ)`, T_j(q) the
/// opponent's stopping time at its quantile q (midpoint rule, k points).
fn expected_payoff(
    opponent: &impasse::strategy::equilibrium::Curve,
    values: &dyn Fn(f64) -> f64,
    cost: f64,
    v: f64,
    tau: f64,
    k: usize,
) -> f64 {
    let mut u = 0.0;
    for j in 0..k {
        let t = opponent.type_time(values((j as f64 + 0.5) / k as f64));
        u += if t < tau { v - cost * t } else { -cost * tau };
    }
    u / k as f64
}

#[test]
fn no_type_gains_by_imitating_another() {
    // The equilibrium property itself, checked by quadrature on the engine's own curves: for
    // each side i and type v, conceding at b_i(v) beats conceding at b_i(w) for other types w
    // and at t = 0. The midpoint rule misplaces at most one cell of the indicator, so the
    // comparison allows (v + c_i τ) / k. Cases: symmetric uniform values; asymmetric values
    // (uniform [0, 1] against [0.5, 1.5], so the weaker side concedes with an atom at 0) with
    // unequal costs. A negative control: the symmetric rule is not an equilibrium there.
    use impasse::strategy::equilibrium::{Curve, pivoted};
    let game = |(low_a, high_a, c_a): (f64, f64, f64), (low_b, high_b, c_b): (f64, f64, f64)| {
        let side = |low: f64, high: f64, c: f64| {
            format!(
                "stake = 1\npressure = {c}\nstrategy = \"bayesian\"\n\
                 resolve = {{ distribution = \"uniform\", low = {low}, high = {high} }}\n"
            )
        };
        let text = format!(
            "[parties.a]\n{}[parties.b]\n{}[simulation]\nhorizon = 1000\n",
            side(low_a, high_a, c_a),
            side(low_b, high_b, c_b)
        );
        let sc = scenario(&text);
        let curves = pivoted(&sc, 0.5).unwrap();
        let priors = [0, 1].map(|x| sc.parties[x].resolve.clone());
        (curves, priors)
    };
    let k = 20_000;
    let best_gain = |plans: &[Curve; 2], priors: &[impasse::model::Resolve; 2], costs: [f64; 2]| {
        let mut worst: f64 = f64::NEG_INFINITY;
        for i in 0..2 {
            let j = 1 - i;
            let values = |q: f64| priors[j].quantile(q);
            for q in [0.05, 0.2, 0.4, 0.6, 0.8, 0.95] {
                let v = priors[i].quantile(q);
                let honest = plans[i].type_time(v);
                let u = |tau| expected_payoff(&plans[j], &values, costs[i], v, tau, k);
                let at_honest = u(honest);
                for w in [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99] {
                    let tau = plans[i].type_time(priors[i].quantile(w));
                    let slack = (v + costs[i] * tau.max(honest)) / k as f64;
                    worst = worst.max(u(tau) - at_honest - slack);
                }
                worst = worst.max(u(0.0) - at_honest - v / k as f64);
            }
        }
        worst
    };
    let (symmetric, u0) = game((0.0, 1.0, 1.0), (0.0, 1.0, 1.0));
    let gain = best_gain(&symmetric, &u0, [1.0, 1.0]);
    assert!(gain <= 0.0, "symmetric: a type gains {gain}");
    let costs = [1.0, 0.5];
    let (asymmetric, priors) = game((0.0, 1.0, 1.0), (0.5, 1.5, 0.5));
    assert!(asymmetric[0].type_time(0.05) == 0.0, "side 0 has an atom");
    let gain = best_gain(&asymmetric, &priors, costs);
    println!("asymmetric equilibrium: the best deviation gains {gain:.2e} (<= 0 passes)");
    assert!(gain <= 0.0, "asymmetric: a type gains {gain}");
    // Each side playing the symmetric rule of its own prior is not an equilibrium.
    let naive = [
        game((0.0, 1.0, 1.0), (0.0, 1.0, 1.0)).0[0].clone(),
        game((0.5, 1.5, 0.5), (0.5, 1.5, 0.5)).0[0].clone(),
    ];
    let gain = best_gain(&naive, &priors, costs);
    println!("naive rules: the best deviation gains {gain:.4}");
    assert!(
        gain > 0.01,
        "the naive rules should leave a gain, got {gain}"
    );
}
