//! Validation: from the raw mirror to a `model::Scenario`, checking every domain of docs/model.md:
//! the parties and their strategies, the deadline, the simulation settings and talks here; the
//! field checks in `check`, events in `events`, the two-sided models in `models`.

use super::check::{Dom, R, invalid, line, num, resolve};
use super::error::clip;
use super::events::{event, poisson_rates};
use super::models::{bayesian_model, reputation_model, solved_at_start};
use super::raw::*;
use crate::model::Strategy;
use crate::model::*;

/// At most this many meetings of `[talks]` before the game's end.
const MAX_MEETINGS: f64 = 1e6;

/// `by` defaults to the party's own deadline, else the global one.
fn strategy(path: &str, raw: &RawStrategy, demand: f64, by_default: Option<f64>) -> R<Strategy> {
    let f = |k: &str| format!("{path}.{k}");
    Ok(match raw.0 {
        RawStrategyTable::Never {} => Strategy::Never,
        RawStrategyTable::Immediate {} => Strategy::Immediate,
        RawStrategyTable::AtTime { t } => Strategy::AtTime {
            t: num(&f("t"), t, Dom::NonNegative)?,
        },
        RawStrategyTable::Hazard { rate, growth } => Strategy::Hazard {
            rate: num(&f("rate"), rate, Dom::NonNegative)?,
            growth: num(&f("growth"), growth.unwrap_or(0.0), Dom::Any)?,
        },
        RawStrategyTable::Threshold { fraction } => Strategy::Threshold {
            fraction: num(&f("fraction"), fraction, Dom::NonNegative)?,
        },
        RawStrategyTable::Equilibrium {} => Strategy::Equilibrium,
        RawStrategyTable::TimeDependent { e, reservation, by } => {
            let e = num(&f("e"), e, Dom::Positive)?;
            let reservation = num(&f("reservation"), reservation, Dom::Unit)?;
            if reservation > demand {
                return invalid(
                    f("reservation"),
                    format!("must be at most the party's demand ({demand}), got {reservation}"),
                );
            }
            let by = match by.or(by_default) {
                Some(b) => num(&f("by"), b, Dom::Positive)?,
                None => {
                    return invalid(
                        f("by"),
                        "needs a time: give `by`, or a deadline (the party's own or the global one)",
                    );
                }
            };
            Strategy::TimeDependent { e, reservation, by }
        }
        RawStrategyTable::Bayesian { pivot } => {
            let pivot = num(&f("pivot"), pivot.unwrap_or(0.5), Dom::Unit)?;
            if pivot <= 0.0 || pivot >= 1.0 {
                return invalid(f("pivot"), format!("must be in (0, 1), got {pivot}"));
            }
            Strategy::Bayesian { pivot }
        }
        RawStrategyTable::Reputation { obstinate } => {
            let z = num(&f("obstinate"), obstinate, Dom::Unit)?;
            if z <= 0.0 || z >= 1.0 {
                return invalid(f("obstinate"), format!("must be in (0, 1), got {z}"));
            }
            Strategy::Reputation { obstinate: z }
        }
    })
}

fn party(id: &str, raw: &RawParty, global_deadline: Option<f64>) -> R<Party> {
    let f = |k: &str| format!("parties.{id}.{k}");
    let deadline = match &raw.deadline {
        None => None,
        Some(d) => Some(PartyDeadline {
            at: num(&f("deadline.at"), d.at, Dom::NonNegative)?,
            action: match d.action {
                RawDeadlineAction::WalkOut => DeadlineAction::WalkOut,
                RawDeadlineAction::Concede => DeadlineAction::Concede,
            },
        }),
    };
    let resolve = resolve(&f("resolve"), raw.resolve.as_ref())?;
    if resolve.mean() <= 0.0 {
        return invalid(f("resolve"), "the distribution's mean must be > 0");
    }
    let belief = match &raw.belief {
        None => None,
        Some(b) => {
            let b = self::resolve(&f("belief"), Some(b))?;
            if b.mean() <= 0.0 {
                return invalid(f("belief"), "the distribution's mean must be > 0");
            }
            Some(b)
        }
    };
    let demand = num(&f("demand"), raw.demand.unwrap_or(1.0), Dom::Share)?;
    let by_default = deadline.map(|d| d.at).or(global_deadline);
    Ok(Party {
        id: id.to_string(),
        label: raw.label.clone().unwrap_or_else(|| id.to_string()),
        stake: num(&f("stake"), raw.stake, Dom::Positive)?,
        demand,
        discount_rate: num(
            &f("discount_rate"),
            raw.discount_rate.unwrap_or(0.0),
            Dom::NonNegative,
        )?,
        pressure: line(&f("pressure"), raw.pressure, Domain::NonNegative)?,
        leverage: line(&f("leverage"), raw.leverage, Domain::Unit)?,
        breakdown_cost: num(
            &f("breakdown_cost"),
            raw.breakdown_cost.unwrap_or(0.0),
            Dom::NonNegative,
        )?,
        audience_cost: line(&f("audience_cost"), raw.audience_cost, Domain::NonNegative)?,
        status_quo: num(&f("status_quo"), raw.status_quo.unwrap_or(0.0), Dom::Any)?,
        deadline,
        resolve,
        belief,
        strategy: strategy(&f("strategy"), &raw.strategy, demand, by_default)?,
    })
}

/// Rounds when the scenario does not say.
pub const DEFAULT_ROUNDS: u64 = 100_000;
/// The seed when the scenario does not say.
pub const DEFAULT_SEED: u64 = 1;
/// Bins of the end-time histogram when the scenario does not say.
pub const DEFAULT_BINS: u32 = 50;
const MAX_BINS: u32 = 100_000;

/// Validate the raw mirror into the model: every domain of docs/model.md checked, each error
/// naming the field's dotted path, the value and what is allowed.
pub fn validate(raw: &RawScenario) -> R<Scenario> {
    let parties = parties(raw)?;
    let hazard_raw = raw.breakdown.as_ref().and_then(|b| b.hazard);
    if let Some(i) =
        (0..PARTIES).find(|&i| matches!(parties[i].strategy, Strategy::Bayesian { .. }))
    {
        bayesian_model(&parties, i, hazard_raw)?;
    }
    if let Some(i) =
        (0..PARTIES).find(|&i| matches!(parties[i].strategy, Strategy::Reputation { .. }))
    {
        reputation_model(&parties, i, hazard_raw)?;
    }
    let deadline = match &raw.deadline {
        None => None,
        Some(d) => Some(Deadline {
            at: num("deadline.at", d.at, Dom::Positive)?,
            breakdown_probability: num(
                "deadline.breakdown_probability",
                d.breakdown_probability.unwrap_or(0.0),
                Dom::Unit,
            )?,
        }),
    };
    let hazard = line("breakdown.hazard", hazard_raw, Domain::NonNegative)?;
    let id_pair = [parties[0].id.clone(), parties[1].id.clone()];
    let events = raw
        .event
        .iter()
        .enumerate()
        .map(|(k, e)| event(k, e, &id_pair))
        .collect::<R<Vec<_>>>()?;
    if let Some(p) = parties.iter().find(|p| {
        matches!(
            p.strategy,
            Strategy::Bayesian { .. } | Strategy::Reputation { .. }
        )
    }) {
        solved_at_start(p.strategy.name(), &parties, deadline.is_some(), &events)?;
    }
    let simulation = simulation(raw, deadline.is_some())?;
    let end = deadline
        .map_or(f64::INFINITY, |d| d.at)
        .min(simulation.horizon.unwrap_or(f64::INFINITY));
    poisson_rates(&events, end)?;
    let talks = talks(raw, deadline.map(|d| d.at).or(simulation.horizon))?;
    Ok(Scenario {
        title: raw.title.clone(),
        description: raw.description.clone(),
        time_unit: raw.time_unit.clone().unwrap_or_else(|| "time units".into()),
        talks,
        parties,
        deadline,
        hazard,
        simultaneous: match raw.simultaneous {
            None | Some(RawSimultaneous::Split) => Simultaneous::Split,
            Some(RawSimultaneous::StatusQuo) => Simultaneous::StatusQuo,
        },
        events,
        simulation,
    })
}

/// The two parties, in file order.
fn parties(raw: &RawScenario) -> R<[Party; PARTIES]> {
    let ids: Vec<&String> = raw.parties.keys().collect();
    if ids.len() != PARTIES {
        let found = if ids.is_empty() {
            "none".to_string()
        } else {
            let names: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
            format!("{} ({})", ids.len(), names.join(", "))
        };
        return invalid(
            "parties",
            format!("a scenario needs exactly two parties as [parties.<id>] tables, found {found}"),
        );
    }
    for id in &ids {
        if !addressable(id) {
            return invalid(
                "parties",
                format!(
                    "the party id {:?} cannot be written in --set, --vary or --entrants: an id \
                     starts with a letter and has up to 64 letters, digits, `_` and `-` \
                     (e.g. [parties.iran], [parties.p5plus1])",
                    clip(id)
                ),
            );
        }
    }
    let global_deadline = raw.deadline.as_ref().map(|d| d.at);
    Ok([
        party(ids[0], &raw.parties[0], global_deadline)?,
        party(ids[1], &raw.parties[1], global_deadline)?,
    ])
}

/// Whether a party id can be named in a dotted path (`parties.<id>.stake`), in `--entrants
/// <id>=...` and in a CSV's party column as it is: ASCII letters, digits, `_` and `-`, a letter
/// first, at most 64.
fn addressable(id: &str) -> bool {
    id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `[simulation]`: rounds, seed, the horizon (required without a global deadline) and bins.
fn simulation(raw: &RawScenario, has_deadline: bool) -> R<Simulation> {
    let sim = raw.simulation.as_ref();
    let rounds = sim.and_then(|s| s.rounds).unwrap_or(DEFAULT_ROUNDS);
    if rounds == 0 {
        return invalid("simulation.rounds", "must be at least 1, got 0");
    }
    let horizon = match sim.and_then(|s| s.horizon) {
        None => None,
        Some(h) => Some(num("simulation.horizon", h, Dom::Positive)?),
    };
    let bins = sim.and_then(|s| s.bins).unwrap_or(DEFAULT_BINS);
    if bins == 0 || bins > MAX_BINS {
        return invalid(
            "simulation.bins",
            format!("must be in 1..={MAX_BINS}, got {bins}"),
        );
    }
    if !has_deadline && horizon.is_none() {
        return invalid(
            "simulation.horizon",
            "without a global deadline a round could run forever: add `horizon = <time>` under \
             [simulation] (a hard stop, outcome `horizon`) or a deadline `deadline = { at = <time> }`",
        );
    }
    Ok(Simulation {
        rounds,
        seed: sim.and_then(|s| s.seed).unwrap_or(DEFAULT_SEED),
        horizon,
        bins,
    })
}

/// `talks = { every, first }`, with at most `MAX_MEETINGS` meetings before `end` (the global
/// deadline, else the horizon).
fn talks(raw: &RawScenario, end: Option<f64>) -> R<Option<Talks>> {
    let Some(t) = &raw.talks else {
        return Ok(None);
    };
    let every = num("talks.every", t.every, Dom::Positive)?;
    let first = num("talks.first", t.first.unwrap_or(every), Dom::NonNegative)?;
    // The equilibrium plans every meeting up to the end: keep that a plan, not a memory
    // exhaustion (found by fuzzing: every = 1e-9 asked for 8 GB).
    let end = end.unwrap_or(0.0);
    let count = (end - first) / every;
    if count > MAX_MEETINGS {
        return invalid(
            "talks.every",
            format!(
                "meetings every {every:?} until the end at {end:?} make {count:.3e} meetings; at \
                 most {MAX_MEETINGS:e} are allowed (make `every` at least {:?})",
                (end - first) / MAX_MEETINGS
            ),
        );
    }
    Ok(Some(Talks { every, first }))
}
