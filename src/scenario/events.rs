//! Events: each `[[event]]` table checked (`event`), its effect strings parsed (`effect`), and
//! Poisson rates that would make a round crawl refused (`poisson_rates`).

use super::check::{Dom, R, invalid, num};
use super::raw::RawEvent;
use crate::model::{Effect, Event, EventTiming, LineId, Op, PARTIES, Target};
use crate::scenario::check::MAX_MAGNITUDE;

/// More Poisson events than this per round would make a run crawl; refuse instead.
const MAX_EVENTS_PER_ROUND: f64 = 1e6;

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

pub(super) fn event(k: usize, raw: &RawEvent, ids: &[String; PARTIES]) -> R<Event> {
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

/// Poisson events that would fire more than `MAX_EVENTS_PER_ROUND` times in an average round up
/// to `end` are refused.
pub(super) fn poisson_rates(events: &[Event], end: f64) -> R<()> {
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
