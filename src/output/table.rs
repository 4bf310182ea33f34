//! What the commands print on stdout: the table of a run (`render`), the resolved scenario of
//! `check` (`describe`) and the strategy list. (A tournament's tables are the tournament's.)

use std::fmt::Write;

use crate::aggregate::Report;
use crate::aggregate::stats::Estimate;
use crate::model::{DeadlineAction, EventTiming, PARTIES, Party, Scenario, Simultaneous, Strategy};
use crate::predict::Prediction;

/// `x` with `digits` decimals, never a negative zero ("-0.0000" for -0.00001 is "0.0000").
pub fn decimal(x: f64, digits: usize) -> String {
    let text = format!("{x:.digits$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => text,
    }
}

/// A number in a table: four decimals throughout, so that a column reads in one format; a
/// value too small for them shows as below 0.0001 (not as 0.0000, which it is not), one too
/// large for a column in scientific notation.
fn num(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else if x.abs() >= 1e5 {
        format!("{x:.3e}")
    } else if x != 0.0 && x.abs() < 5e-5 {
        if x > 0.0 { "<0.0001" } else { ">-0.0001" }.into()
    } else {
        decimal(x, 4)
    }
}

fn with_ci(e: &Estimate) -> String {
    match e.ci {
        Some((lo, hi)) => format!("{} [{}, {}]", num(e.value), num(lo), num(hi)),
        None => num(e.value),
    }
}

/// Left-aligned columns, two spaces apart.
fn columns(rows: &[Vec<String>]) -> String {
    let ncol = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..ncol)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| format!("{s:<w$}", w = widths[c]))
            .collect();
        out.push_str("  ");
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// A run's tables for the terminal: each outcome's probability and mean time, each party's payoff,
/// waiting cost, share of deals and probability of conceding.
pub fn render(sc: &Scenario, report: &Report) -> String {
    let ids: [&str; PARTIES] = [&sc.parties[0].id, &sc.parties[1].id];
    let mut out = String::new();
    let title = sc.title.as_deref().unwrap_or("scenario");
    let rounds = report.get("rounds", None).map_or(0.0, |e| e.value);
    let _ = writeln!(
        out,
        "{title}: {rounds} rounds, seed {}\n",
        sc.simulation.seed
    );
    let mut rows = vec![vec![
        "outcome".into(),
        "party".into(),
        "probability [95% CI]".into(),
        "mean time".into(),
    ]];
    for r in report.outcomes.iter().filter(|r| r.count > 0) {
        rows.push(vec![
            r.outcome.name().into(),
            r.outcome.party().map_or("", |i| ids[i]).into(),
            with_ci(&r.probability),
            r.time_mean.map(num).unwrap_or_default(),
        ]);
    }
    out.push_str(&columns(&rows));
    let g = |m: &str| {
        report
            .get(m, None)
            .map(|e| num(e.value))
            .unwrap_or_default()
    };
    let _ = writeln!(
        out,
        "\n  time to the end: mean {}, quantiles 5% {}  25% {}  50% {}  75% {}  95% {}\n",
        report
            .get("time_mean", None)
            .map(with_ci)
            .unwrap_or_default(),
        g("time_p05"),
        g("time_p25"),
        g("time_p50"),
        g("time_p75"),
        g("time_p95"),
    );
    let mut rows = vec![vec![
        "party".into(),
        "payoff [95% CI]".into(),
        "waiting cost".into(),
        "share of deals".into(),
        "P(concedes)".into(),
    ]];
    for (i, id) in ids.iter().enumerate() {
        let p = |m: &str| report.get(m, Some(i)).map(with_ci).unwrap_or_default();
        let label = &sc.parties[i].label;
        let name = if label == id {
            id.to_string()
        } else {
            format!("{id} ({label})")
        };
        rows.push(vec![
            name,
            p("payoff_mean"),
            report
                .get("cost_mean", Some(i))
                .map(|e| num(e.value))
                .unwrap_or_default(),
            report
                .get("share_mean", Some(i))
                .map(|e| num(e.value))
                .unwrap_or_default(),
            p("concede_probability"),
        ]);
    }
    out.push_str(&columns(&rows));
    out
}

/// A number as `check` shows it: plain where that reads well, in exponent form where it would be
/// very long or very small.
fn n(x: f64) -> String {
    if x == 0.0 || (1e-4..1e15).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

fn line(l: &crate::model::Line) -> String {
    if l.growth == 0.0 {
        n(l.initial)
    } else {
        format!(
            "{} {} {} t",
            n(l.initial),
            if l.growth < 0.0 { "-" } else { "+" },
            n(l.growth.abs())
        )
    }
}

/// The resolved scenario in words, every field that changes results, and the closed-form
/// predictions where the caller found them (`impasse check`).
pub fn describe(sc: &Scenario, prediction: Option<&Prediction>) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "ok: {}", sc.title.as_deref().unwrap_or("scenario"));
    for i in 0..PARTIES {
        describe_party(&mut o, sc, i);
    }
    describe_game(&mut o, sc);
    describe_types(&mut o, sc);
    describe_prediction(&mut o, sc, prediction);
    o
}

/// How `equilibrium` plays private types, where a side plays it and a type is private: the
/// solved structure (atoms at the start, concessions by type until a time, then holding), or
/// why it is not solved with types yet.
fn describe_types(o: &mut String, sc: &Scenario) {
    use crate::strategy::equilibrium::{PrivateTypes, private_types};
    if !sc
        .parties
        .iter()
        .any(|p| p.strategy == Strategy::Equilibrium)
    {
        return;
    }
    match private_types(sc) {
        PrivateTypes::Known => {}
        PrivateTypes::SingleCrossing { party, time } => {
            // The commands refuse such a scenario before they get here.
            let _ = writeln!(
                o,
                "\nprivate types: single crossing fails for {} at t = {time:.4}",
                sc.parties[party].id
            );
        }
        PrivateTypes::Unsolved(what) => {
            let _ = writeln!(
                o,
                "\nprivate types: not solved with types yet ({what}); `equilibrium` solves the \
                 game at the beliefs' means (docs/model.md 6.1), which low and high types can \
                 exploit"
            );
        }
        PrivateTypes::AtOnce(x) => {
            let _ = writeln!(
                o,
                "\nprivate types (Bayesian equilibrium, docs/model.md 6.1): {} concedes at once, \
                 every type",
                sc.parties[x].id
            );
        }
        PrivateTypes::Curves(curves) => {
            let _ = writeln!(
                o,
                "\nprivate types (Bayesian equilibrium, docs/model.md 6.1):"
            );
            for (i, c) in curves.iter().enumerate() {
                describe_curve(o, sc, i, c);
            }
            if let Some(f) = crate::predict::UniformAttrition::of(sc) {
                let (lo, hi) = (f.low, f.high);
                let _ = writeln!(
                    o,
                    "  closed form (a symmetric war of attrition with types U[{lo}, {hi}]; \
                     Fudenberg & Tirole 1986): type θ concedes at t(θ) = {:.4} ({hi} ln(({hi} − {lo}) \
                     / ({hi} − θ)) − (θ − {lo})) until the concessions stop",
                    f.stake / f.pressure,
                );
            }
        }
    }
}

/// How side i of a game solved with private types concedes along its curve `c` (`check`'s
/// description, `describe_types`).
fn describe_curve(
    o: &mut String,
    sc: &Scenario,
    i: usize,
    c: &crate::strategy::equilibrium::Curve,
) {
    use crate::strategy::equilibrium::prior_of;
    let share = |s: f64| -(-s).exp_m1();
    let below = prior_of(sc, i)
        .map(|p| format!(", every type below {:.4}", p.quantile(share(c.last()))))
        .unwrap_or_default();
    let end = match c.end_atom {
        Some(a) => format!(
            "hold to the end, where {}{:.4} of them concede (at t = {:.4})",
            match (prior_of(sc, i).is_some(), a.from_top(c.last())) {
                (false, _) => "",
                (true, false) => "the lowest ",
                (true, true) => "the highest ",
            },
            a.share(c.last()),
            a.at
        ),
        None => "hold through the end".to_string(),
    };
    let atoms: String = c
        .atoms()
        .iter()
        .map(|(t, p)| format!(" ({p:.4} of them at t = {t:.4})"))
        .collect();
    if sc.game_end().is_infinite() {
        // Without an end the types concede for ever (docs/model.md 6.1).
        let _ = writeln!(
            o,
            "  {}: {:.4} concede at the start, then by type for ever (the median type \
                     at t = {:.4}, all but a share e^-36 by t = {:.4})",
            sc.parties[i].id,
            share(c.at_start()),
            c.time(std::f64::consts::LN_2),
            c.end(),
        );
        return;
    }
    if c.last() == 0.0 {
        // Committed from the start: nobody concedes before the end.
        let _ = writeln!(
            o,
            "  {}: nobody concedes before the end; all {end}",
            sc.parties[i].id
        );
        return;
    }
    let _ = writeln!(
        o,
        "  {}: {:.4} concede at the start, then by type{atoms} until t = {:.4}: {:.4} in all{below}; \
                 the rest {end}",
        sc.parties[i].id,
        share(c.at_start()),
        c.end(),
        share(c.last()),
    );
}

/// Party i's every field. The pattern names them all, so a new field is a compile error here
/// until it is shown.
fn describe_party(o: &mut String, sc: &Scenario, i: usize) {
    let Party {
        id,
        label,
        stake,
        demand,
        discount_rate,
        pressure,
        leverage,
        breakdown_cost,
        audience_cost,
        status_quo,
        deadline,
        resolve,
        belief,
        strategy,
    } = &sc.parties[i];
    let other = &sc.parties[1 - i];
    let _ = writeln!(o, "\nparty {id} ({label})");
    let _ = writeln!(
        o,
        "  stake {}  demand {}  discount_rate {}",
        n(*stake),
        n(*demand),
        n(*discount_rate)
    );
    let _ = writeln!(o, "  pressure {}", line(pressure));
    let _ = writeln!(o, "  leverage {}", line(leverage));
    let _ = writeln!(o, "  audience_cost {}", line(audience_cost));
    let _ = writeln!(
        o,
        "  breakdown_cost {}  status_quo {}",
        n(*breakdown_cost),
        n(*status_quo)
    );
    let _ = writeln!(
        o,
        "  resolve {} (mean {})",
        resolve_text(resolve),
        n(resolve.mean())
    );
    let belief = match belief {
        Some(b) => resolve_text(b),
        None => format!("{}'s true resolve", other.id),
    };
    let _ = writeln!(
        o,
        "  belief about {}: {belief} (mean {})",
        other.id,
        n(sc.believed_type(i))
    );
    match deadline {
        Some(d) => {
            let action = match d.action {
                DeadlineAction::WalkOut => "walks out",
                DeadlineAction::Concede => "concedes",
            };
            let _ = writeln!(o, "  deadline at {}: {action}", n(d.at));
        }
        None => {
            let _ = writeln!(o, "  deadline none");
        }
    }
    let _ = writeln!(o, "  strategy {}", strategy.describe());
}

/// The scenario's own fields: the breakdown hazard, the deadline, talks, ties, events and the
/// simulation settings.
fn describe_game(o: &mut String, sc: &Scenario) {
    let _ = writeln!(o, "\nbreakdown hazard {}", line(&sc.hazard));
    let _ = match sc.deadline {
        Some(d) => writeln!(
            o,
            "deadline at {} (breakdown probability {})",
            n(d.at),
            n(d.breakdown_probability)
        ),
        None => writeln!(o, "no global deadline"),
    };
    let _ = match sc.talks {
        Some(t) => writeln!(o, "talks every {}, first at {}", n(t.every), n(t.first)),
        None => writeln!(o, "talks none: continuous time"),
    };
    let simultaneous = match sc.simultaneous {
        Simultaneous::Split => "split (two concessions at once split the difference)",
        Simultaneous::StatusQuo => "status_quo (two concessions at once pay the status quo)",
    };
    let _ = writeln!(o, "simultaneous {simultaneous}");
    for e in &sc.events {
        let when = match e.when {
            EventTiming::At(t) => format!("at {}", n(t)),
            EventTiming::Poisson { rate, max } => match max {
                Some(m) => format!("at rate {} (at most {m} times)", n(rate)),
                None => format!("at rate {}", n(rate)),
            },
        };
        let whose = e
            .party
            .map_or(String::new(), |i| format!(" on {}", sc.parties[i].id));
        let effects: Vec<String> = e.effects.iter().map(|f| f.to_string()).collect();
        let _ = writeln!(
            o,
            "event \"{}\" {when}{whose}: {}",
            e.name,
            effects.join(", ")
        );
    }
    let _ = writeln!(o, "time unit: {}", sc.time_unit);
    let s = &sc.simulation;
    let _ = writeln!(
        o,
        "simulation: {} rounds, seed {}, horizon {}, {} bins",
        s.rounds,
        s.seed,
        s.horizon.map_or("none".into(), n),
        s.bins
    );
}

/// The closed-form predictions, or why there are none.
fn describe_prediction(o: &mut String, sc: &Scenario, prediction: Option<&Prediction>) {
    match prediction {
        Some(p) => {
            let _ = writeln!(
                o,
                "\nclosed-form predictions (stationary equilibrium, constant lines):"
            );
            for (i, q) in sc.parties.iter().enumerate() {
                let _ = writeln!(
                    o,
                    "  {}: concession hazard {:.6}, P(concedes first) {:.6}",
                    q.id, p.hazard[i], p.concede[i]
                );
            }
            let _ = writeln!(
                o,
                "  breakdown hazard {:.6}, P(breakdown) {:.6}",
                p.breakdown_hazard, p.breakdown
            );
            let _ = writeln!(o, "  P(reaches the deadline or horizon) {:.6}", p.reach_end);
            let _ = writeln!(o, "  mean time to the end {:.6}", p.mean_time);
        }
        None => {
            let _ = writeln!(
                o,
                "\nno closed form: predictions need every strategy `equilibrium`, constant lines, \
                 no events, no party deadlines, no global deadline, no talks, and no private type \
                 solved as such (the Bayesian equilibrium, above)"
            );
        }
    }
}

fn resolve_text(r: &crate::model::Resolve) -> String {
    use crate::model::Resolve::*;
    match r {
        Constant(v) => format!("constant {}", n(*v)),
        Uniform { low, high, .. } => format!("uniform({}, {})", n(*low), n(*high)),
        Normal { mean, sd, .. } => format!("normal({}, {}) truncated at 0", n(*mean), n(*sd)),
        LogNormal { mu, sigma, .. } => format!("lognormal({}, {})", n(*mu), n(*sigma)),
        Exponential { mean, .. } => format!("exponential(mean {})", n(*mean)),
        Gamma { shape, scale, .. } => format!("gamma({}, {})", n(*shape), n(*scale)),
        Beta { alpha, beta, .. } => format!("beta({}, {})", n(*alpha), n(*beta)),
    }
}

/// Every strategy with its parameters and sources (`impasse strategies`).
pub fn strategies() -> String {
    let mut o = String::new();
    for s in crate::model::CATALOG {
        let _ = writeln!(o, "{}", s.name);
        let _ = writeln!(o, "  {}", s.summary);
        for (p, m) in s.params {
            let _ = writeln!(o, "  - {p}: {m}");
        }
        let _ = writeln!(o, "  source: {}\n", s.source);
    }
    let _ = writeln!(
        o,
        "Write a strategy as a name (strategy = \"equilibrium\") or a table \
         (strategy = {{ kind = \"hazard\", rate = 0.1 }})."
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_number_is_printed_as_a_negative_zero() {
        assert_eq!(decimal(-0.00001, 4), "0.0000");
        assert_eq!(decimal(-0.0, 4), "0.0000");
        assert_eq!(decimal(-0.5, 4), "-0.5000");
        assert_eq!(decimal(-0.00005, 4), "-0.0001");
        assert_eq!(num(-0.0), "0.0000");
        assert_eq!(num(-2e-5), ">-0.0001");
    }

    /// One format in a column: an interval's tiny bound is not written as 3.841e-6 beside
    /// 0.0000, nor as 0.0000, which it is not.
    #[test]
    fn a_table_writes_its_numbers_in_one_format() {
        assert_eq!(num(3.841e-6), "<0.0001");
        assert_eq!(num(0.0), "0.0000");
        assert_eq!(num(0.00012), "0.0001");
        assert_eq!(num(0.25), "0.2500");
        assert_eq!(num(123456.0), "1.235e5");
    }
}
