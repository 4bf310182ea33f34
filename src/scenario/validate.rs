//! Validation: from the raw mirror to a `model::Scenario`, checking every domain of docs/model.md.
//! Each error names the field's dotted path, the value and what is allowed; the loader turns the
//! path into a line and column.

use rand_distr::{Beta, Exp, Gamma, LogNormal, Normal, Uniform};

use super::raw::*;
use crate::model::Strategy;
use crate::model::*;

/// A field that holds a value it may not.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub path: String,
    pub message: String,
}

type R<T> = Result<T, Invalid>;

fn invalid<T>(path: impl Into<String>, message: impl Into<String>) -> R<T> {
    Err(Invalid {
        path: path.into(),
        message: message.into(),
    })
}

/// The domains numbers are checked against.
#[derive(Clone, Copy)]
enum Dom {
    Any,
    Positive,
    NonNegative,
    /// `[0, 1]`
    Unit,
    /// `(0, 1]`
    Share,
}

/// No scenario number may exceed this in size: payoffs are sums and products of them, and their
/// statistics square the payoffs, so much larger numbers would overflow an f64 or lose every
/// digit of a spread. Rescale the units instead (millions of dollars, not dollars).
pub const MAX_MAGNITUDE: f64 = 1e12;

/// At most this many meetings of `[talks]` before the game's end.
const MAX_MEETINGS: f64 = 1e6;

fn num(path: &str, v: f64, d: Dom) -> R<f64> {
    if !v.is_finite() {
        return invalid(path, format!("must be a finite number, got {v:?}"));
    }
    if v.abs() > MAX_MAGNITUDE {
        return invalid(
            path,
            format!(
                "must be within ±1e12 (larger numbers overflow the payoff statistics; rescale the \
                 units), got {v:?}"
            ),
        );
    }
    let (ok, allowed) = match d {
        Dom::Any => (true, ""),
        Dom::Positive => (v > 0.0, "must be > 0"),
        Dom::NonNegative => (v >= 0.0, "must be >= 0"),
        Dom::Unit => ((0.0..=1.0).contains(&v), "must be in [0, 1]"),
        Dom::Share => (v > 0.0 && v <= 1.0, "must be in (0, 1]"),
    };
    if ok {
        Ok(v)
    } else {
        invalid(path, format!("{allowed}, got {v:?}"))
    }
}

fn line(path: &str, raw: Option<RawLine>, domain: Domain) -> R<Line> {
    let Some(l) = raw else {
        return Ok(Line::ZERO);
    };
    let d = match domain {
        Domain::NonNegative => Dom::NonNegative,
        Domain::Unit => Dom::Unit,
    };
    Ok(Line {
        initial: num(&format!("{path}.initial"), l.initial, d)?,
        growth: num(&format!("{path}.growth"), l.growth, Dom::Any)?,
    })
}

fn resolve(path: &str, raw: Option<&RawDist>) -> R<Resolve> {
    let Some(RawDist(d)) = raw else {
        return Ok(Resolve::Constant(1.0));
    };
    let f = |k: &str| format!("{path}.{k}");
    Ok(match *d {
        RawDistTable::Constant { value } => {
            Resolve::Constant(num(&f("value"), value, Dom::Positive)?)
        }
        RawDistTable::Uniform { low, high } => {
            num(&f("low"), low, Dom::NonNegative)?;
            num(&f("high"), high, Dom::Positive)?;
            if high <= low {
                return invalid(f("high"), format!("must be > low ({low}), got {high}"));
            }
            Resolve::Uniform {
                low,
                high,
                d: Uniform::new(low, high).expect("checked low < high, both finite"),
            }
        }
        RawDistTable::Normal { mean, sd } => {
            num(&f("mean"), mean, Dom::Any)?;
            num(&f("sd"), sd, Dom::Positive)?;
            if mean < -2.0 * sd {
                return invalid(
                    f("mean"),
                    format!(
                        "the normal is truncated at 0, so its mean must be >= -2 sd ({}), got {mean}",
                        -2.0 * sd
                    ),
                );
            }
            Resolve::Normal {
                mean,
                sd,
                d: Normal::new(mean, sd).expect("checked sd > 0"),
            }
        }
        RawDistTable::Lognormal { mu, sigma } => {
            num(&f("mu"), mu, Dom::Any)?;
            num(&f("sigma"), sigma, Dom::NonNegative)?;
            // Its 1e-9 and 1 - 1e-9 quantiles, e^(mu ± 6 sigma), must be numbers a payoff holds.
            if (mu.abs() + 6.0 * sigma) > 27.0 {
                return invalid(
                    f("mu"),
                    format!(
                        "|mu| + 6 sigma must be at most 27 (e^27 is about 5e11), got mu {mu:?}, \
                         sigma {sigma:?}"
                    ),
                );
            }
            Resolve::LogNormal {
                mu,
                sigma,
                d: LogNormal::new(mu, sigma).expect("checked sigma >= 0"),
            }
        }
        RawDistTable::Exponential { mean } => Resolve::Exponential {
            mean: num(&f("mean"), mean, Dom::Positive)?,
            d: Exp::new(1.0 / mean).expect("checked mean > 0"),
        },
        RawDistTable::Gamma { shape, scale } => Resolve::Gamma {
            shape: {
                // Its quantiles cost in proportion to the shape; above 1e4 (a coefficient of
                // variation of 1 %) a normal or a constant says the same.
                let shape = num(&f("shape"), shape, Dom::Positive)?;
                if shape > 1e4 {
                    return invalid(
                        f("shape"),
                        format!(
                            "must be at most 1e4 (above, the gamma is a normal with a coefficient \
                             of variation under 1 %: use distribution = \"normal\"), got {shape:?}"
                        ),
                    );
                }
                shape
            },
            scale: num(&f("scale"), scale, Dom::Positive)?,
            d: Gamma::new(shape, scale).expect("checked shape, scale > 0"),
        },
        RawDistTable::Beta { alpha, beta } => Resolve::Beta {
            alpha: num(&f("alpha"), alpha, Dom::Positive)?,
            beta: num(&f("beta"), beta, Dom::Positive)?,
            d: Beta::new(alpha, beta).expect("checked alpha, beta > 0"),
        },
    })
}

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

/// Parse an effect string such as `"leverage.growth += 0.004"`.
pub fn effect(s: &str, party: Option<usize>) -> Result<Effect, String> {
    const OPS: [(&str, Op); 4] = [
        ("+=", Op::Add),
        ("-=", Op::Sub),
        ("*=", Op::Mul),
        ("=", Op::Set),
    ];
    let (pos, text, op) = OPS
        .iter()
        .filter_map(|&(text, op)| s.find(text).map(|pos| (pos, text, op)))
        .min_by_key(|&(pos, text, _)| (pos, std::cmp::Reverse(text.len())))
        .ok_or("expected `QUANTITY OP NUMBER` with OP one of +=, -=, *=, =")?;
    let (lhs, rhs) = (s[..pos].trim(), s[pos + text.len()..].trim());
    let value: f64 = rhs
        .parse()
        .map_err(|_| format!("`{rhs}` is not a number"))?;
    if !value.is_finite() {
        return Err(format!("the value must be a finite number, got {rhs}"));
    }
    if value.abs() > MAX_MAGNITUDE {
        return Err(format!(
            "the value must be within ±1e12 (larger numbers overflow the payoff statistics), got {value:?}"
        ));
    }
    let (name, growth) = match lhs.strip_suffix(".growth") {
        Some(n) => (n, true),
        None => (lhs, false),
    };
    let needs_party =
        || party.ok_or_else(|| format!("`{name}` belongs to a party: give the event a `party`"));
    let target = match name {
        "breakdown.hazard" => Target::Line {
            line: LineId::HAZARD,
            growth,
        },
        "pressure" => Target::Line {
            line: LineId::pressure(needs_party()?),
            growth,
        },
        "leverage" => Target::Line {
            line: LineId::leverage(needs_party()?),
            growth,
        },
        "audience_cost" => Target::Line {
            line: LineId::audience_cost(needs_party()?),
            growth,
        },
        "resolve" if !growth => Target::Resolve {
            party: needs_party()?,
        },
        "belief" if !growth => Target::Belief {
            party: needs_party()?,
        },
        _ => {
            return Err(format!(
                "`{lhs}` is not something an event can change; allowed: pressure, leverage, \
                 audience_cost, breakdown.hazard (each optionally with .growth), resolve, belief"
            ));
        }
    };
    Ok(Effect { target, op, value })
}

fn event(k: usize, raw: &RawEvent, ids: &[String; PARTIES]) -> R<Event> {
    let f = |x: &str| format!("event[{k}].{x}");
    let when = match (raw.at, raw.rate) {
        (Some(at), None) => {
            if raw.max.is_some() {
                return invalid(
                    f("max"),
                    "`max` applies to Poisson events (`rate`), not to `at`",
                );
            }
            EventTiming::At(num(&f("at"), at, Dom::NonNegative)?)
        }
        (None, Some(rate)) => EventTiming::Poisson {
            rate: num(&f("rate"), rate, Dom::Positive)?,
            max: raw.max,
        },
        _ => {
            return invalid(
                format!("event[{k}]"),
                format!(
                    "event `{}` needs exactly one of `at` (a scheduled time) or `rate` (Poisson events per time unit)",
                    raw.name
                ),
            );
        }
    };
    let party = match &raw.party {
        None => None,
        Some(p) => match ids.iter().position(|id| id == p) {
            Some(i) => Some(i),
            None => {
                return invalid(
                    f("party"),
                    format!(
                        "event `{}` names party `{p}`, which is not in the scenario (parties: {})",
                        raw.name,
                        ids.join(", ")
                    ),
                );
            }
        },
    };
    let effects = raw
        .effects
        .iter()
        .enumerate()
        .map(|(e, s)| {
            effect(s, party).or_else(|m| {
                invalid(
                    f(&format!("effects[{e}]")),
                    format!("event `{}`: effect \"{s}\": {m}", raw.name),
                )
            })
        })
        .collect::<R<Vec<_>>>()?;
    Ok(Event {
        name: raw.name.clone(),
        when,
        party,
        effects,
    })
}

/// `bayesian` is the private-values war of attrition: both sides play it (with one pivot), each
/// side's type is uncertain to the other, and nothing but a constant flow cost is at stake.
fn bayesian_model(parties: &[Party; PARTIES], i: usize, hazard: Option<RawLine>) -> R<()> {
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

/// `bayesian` and `reputation` play an equilibrium solved once at t = 0 for a game without
/// deadlines: a deadline, or an event that changes anything but a drawn type, would make them play
/// a game that is not the one they solved.
fn solved_at_start(
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

pub const DEFAULT_ROUNDS: u64 = 100_000;
pub const DEFAULT_SEED: u64 = 1;
pub const DEFAULT_BINS: u32 = 50;
const MAX_BINS: u32 = 100_000;
/// More Poisson events than this per round would make a run crawl; refuse instead.
const MAX_EVENTS_PER_ROUND: f64 = 1e6;

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
    let global_deadline = raw.deadline.as_ref().map(|d| d.at);
    Ok([
        party(ids[0], &raw.parties[0], global_deadline)?,
        party(ids[1], &raw.parties[1], global_deadline)?,
    ])
}

/// `reputation` is Abreu and Gul's model: both sides play it, with discounting as the only cost
/// of waiting, demands below the whole pie and no breakdown hazard.
fn reputation_model(parties: &[Party; PARTIES], i: usize, hazard: Option<RawLine>) -> R<()> {
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

/// Poisson events that would fire more than `MAX_EVENTS_PER_ROUND` times in an average round up
/// to `end` are refused.
fn poisson_rates(events: &[Event], end: f64) -> R<()> {
    for (k, e) in events.iter().enumerate() {
        if let EventTiming::Poisson { rate, max } = e.when {
            let expected = rate * end;
            let capped = max.is_some_and(|m| m as f64 <= MAX_EVENTS_PER_ROUND);
            if !capped && expected > MAX_EVENTS_PER_ROUND {
                return invalid(
                    format!("event[{k}].rate"),
                    format!(
                        "event `{}` would happen {expected:.3e} times in an average round (rate {rate} \
                         until {end}); at most {MAX_EVENTS_PER_ROUND:e} are allowed: lower the rate \
                         or set `max`",
                        e.name
                    ),
                );
            }
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_parse() {
        let e = effect("leverage.growth += 0.004", Some(1)).unwrap();
        assert_eq!(
            e,
            Effect {
                target: Target::Line {
                    line: LineId::leverage(1),
                    growth: true
                },
                op: Op::Add,
                value: 0.004
            }
        );
        assert_eq!(effect("breakdown.hazard *= 2", None).unwrap().op, Op::Mul);
        assert_eq!(effect("resolve = 1.5", Some(0)).unwrap().op, Op::Set);
        assert_eq!(effect("pressure -= 0.5", Some(0)).unwrap().op, Op::Sub);
    }

    #[test]
    fn malformed_effects_say_why() {
        assert!(
            effect("pressure ++ 1", Some(0))
                .unwrap_err()
                .contains("expected")
        );
        assert!(
            effect("pressure += lots", Some(0))
                .unwrap_err()
                .contains("not a number")
        );
        assert!(effect("pressure += 1", None).unwrap_err().contains("party"));
        assert!(
            effect("stake = 2", Some(0))
                .unwrap_err()
                .contains("allowed")
        );
        assert!(
            effect("resolve.growth = 2", Some(0))
                .unwrap_err()
                .contains("allowed")
        );
        assert!(
            effect("pressure = inf", Some(0))
                .unwrap_err()
                .contains("finite")
        );
    }
}
