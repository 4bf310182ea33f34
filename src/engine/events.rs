//! Events during a round (docs/model.md, section 5): the schedule (scheduled events by time,
//! Poisson events with their rates) and what applying one does to the lines, the drawn types and
//! the beliefs.

use super::lines::Lines;
use crate::model::{EventTiming, PARTIES, Scenario, Target};

#[derive(Clone, Copy, Debug)]
pub(super) struct Poisson {
    pub event: usize,
    pub rate: f64,
    pub max: u32,
}

/// A scenario's events, split by how they are timed.
pub(super) struct Schedule {
    /// Scheduled events as `(time, index into sc.events)`, by time (ties in file order).
    pub scheduled: Vec<(f64, usize)>,
    pub poisson: Vec<Poisson>,
}

impl Schedule {
    pub fn new(sc: &Scenario) -> Schedule {
        let mut scheduled = Vec::new();
        let mut poisson = Vec::new();
        for (event, e) in sc.events.iter().enumerate() {
            match e.when {
                EventTiming::At(t) => scheduled.push((t, event)),
                EventTiming::Poisson { rate, max } => poisson.push(Poisson {
                    event,
                    rate,
                    max: max.unwrap_or(u32::MAX),
                }),
            }
        }
        scheduled.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        Schedule { scheduled, poisson }
    }
}

/// Apply event `e` of `sc` at time `t`.
pub(super) fn apply(
    sc: &Scenario,
    e: usize,
    t: f64,
    lines: &mut Lines,
    theta: &mut [f64; PARTIES],
    belief: &mut [f64; PARTIES],
) {
    for eff in &sc.events[e].effects {
        match eff.target {
            Target::Line { line, growth } => {
                let st = &mut lines[line.0];
                st.rebase(t);
                if growth {
                    st.slope = eff.op.apply(st.slope, eff.value);
                } else {
                    st.level = eff.op.apply(st.level, eff.value).clamp(st.lo, st.hi);
                }
            }
            Target::Resolve { party } => {
                theta[party] = eff.op.apply(theta[party], eff.value).max(0.0);
            }
            // A belief of zero would make the equilibrium hazard 0/0: keep it positive.
            Target::Belief { party } => {
                belief[party] = eff
                    .op
                    .apply(belief[party], eff.value)
                    .max(f64::MIN_POSITIVE);
            }
        }
    }
}
