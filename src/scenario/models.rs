//! The two-sided models that constrain a scenario: `bayesian` (the private-values war of
//! attrition), `reputation` (Abreu and Gul), and what both need of a game solved once at t = 0.

use super::check::{R, invalid};
use super::raw::RawLine;
use crate::model::{Event, Line, PARTIES, Party, Strategy, Target};

/// `bayesian` is the private-values war of attrition: both sides play it (with one pivot), each
/// side's type is uncertain to the other, and nothing but a constant flow cost is at stake.
pub(super) fn bayesian_model(
    parties: &[Party; PARTIES],
    i: usize,
    hazard: Option<RawLine>,
) -> R<()> {
    let (me, other) = (&parties[i], &parties[1 - i]);
    let at = |p: &Party, k: &str| format!("parties.{}.{k}", p.id);
    let Strategy::Bayesian { pivot } = me.strategy else {
        unreachable!("called for a bayesian party")
    };
    match other.strategy {
        Strategy::Bayesian { pivot: theirs } if theirs == pivot => {}
        Strategy::Bayesian { pivot: theirs } => {
            return invalid(
                at(other, "strategy.pivot"),
                format!(
                    "both sides must select the same equilibrium: `{}` has pivot {pivot}, `{}` \
                     has {theirs}",
                    me.id, other.id
                ),
            );
        }
        _ => {
            return invalid(
                at(me, "strategy"),
                format!(
                    "`bayesian` is a two-sided equilibrium: `{}` must play it too",
                    other.id
                ),
            );
        }
    }
    // The prior of a side's type is the opponent's belief about it, else its own resolve.
    for (p, o) in [(me, other), (other, me)] {
        if o.belief.as_ref().unwrap_or(&p.resolve).is_constant() {
            let field = if o.belief.is_some() {
                at(o, "belief")
            } else {
                at(p, "resolve")
            };
            return invalid(
                field,
                "`bayesian` needs private values: a type distribution that is not a constant",
            );
        }
    }
    let plain = |p: &Party| {
        p.demand == 1.0
            && p.discount_rate == 0.0
            && p.pressure.growth == 0.0
            && p.pressure.initial > 0.0
            && p.audience_cost == Line::ZERO
    };
    if !(plain(me) && plain(other)) || hazard.is_some_and(|h| h.initial != 0.0 || h.growth != 0.0) {
        return invalid(
            at(me, "strategy"),
            "`bayesian` is solved for the plain war of attrition: demand 1, constant pressure > 0, \
             no discounting, no audience cost, no breakdown hazard",
        );
    }
    Ok(())
}

/// `reputation` is Abreu and Gul's model: both sides play it, with discounting as the only cost
/// of waiting, demands below the whole pie and no breakdown hazard.
pub(super) fn reputation_model(
    parties: &[Party; PARTIES],
    i: usize,
    hazard: Option<RawLine>,
) -> R<()> {
    for (me, other) in [
        (&parties[i], &parties[1 - i]),
        (&parties[1 - i], &parties[i]),
    ] {
        // Every field named: a new one does not compile here until it is decided whether Abreu
        // and Gul's model allows it (a payoff field usually not: refuse it below).
        let Party {
            id,
            label: _,
            stake: _,
            demand,
            discount_rate,
            pressure,
            leverage: _,
            breakdown_cost: _,
            audience_cost,
            status_quo: _,
            deadline: _,
            resolve: _,
            belief: _,
            strategy: _,
        } = me;
        let at = |k: &str| format!("parties.{id}.{k}");
        if !matches!(other.strategy, Strategy::Reputation { .. }) {
            return invalid(
                at("strategy"),
                format!(
                    "`reputation` is a two-sided model: `{}` must play it too",
                    other.id
                ),
            );
        }
        if *discount_rate <= 0.0 {
            return invalid(
                at("discount_rate"),
                "`reputation` needs discounting: must be > 0",
            );
        }
        if *demand >= 1.0 {
            return invalid(
                at("demand"),
                "`reputation` needs a demand below the whole pie: must be < 1",
            );
        }
        // Abreu & Gul's concession rates come from discounting alone.
        for (field, line) in [("pressure", pressure), ("audience_cost", audience_cost)] {
            if *line != Line::ZERO {
                return invalid(
                    at(field),
                    "`reputation` is solved with discounting as the only cost of waiting: \
                     must be 0",
                );
            }
        }
    }
    if hazard.is_some_and(|h| h.initial != 0.0 || h.growth != 0.0) {
        return invalid(
            "breakdown.hazard",
            "`reputation` is solved without a breakdown hazard: must be 0",
        );
    }
    Ok(())
}

/// `bayesian` and `reputation` play an equilibrium solved once at t = 0 for a game without
/// deadlines: a deadline, or an event that changes anything but a drawn type, would make them play
/// a game that is not the one they solved.
pub(super) fn solved_at_start(
    name: &str,
    parties: &[Party; PARTIES],
    global_deadline: bool,
    events: &[Event],
) -> R<()> {
    let why = format!("`{name}` plays an equilibrium without deadlines, solved once at t = 0");
    if global_deadline {
        return invalid(
            "deadline",
            format!("{why}: remove the global deadline (`simulation.horizon` stops long rounds)"),
        );
    }
    if let Some(p) = parties.iter().find(|p| p.deadline.is_some()) {
        return invalid(
            format!("parties.{}.deadline", p.id),
            format!("{why}: remove the party's deadline"),
        );
    }
    for (k, e) in events.iter().enumerate() {
        if let Some(j) = e
            .effects
            .iter()
            .position(|f| !matches!(f.target, Target::Resolve { .. }))
        {
            return invalid(
                format!("event[{k}].effects[{j}]"),
                format!("{why}: its events may change a party's `resolve` (its type) only"),
            );
        }
    }
    Ok(())
}
