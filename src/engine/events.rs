//! Events during a round (docs/model.md, section 5): the schedule, scheduled events by time and
//! Poisson events with their rates. What an event does is `Scenario::apply_event`.

use crate::model::{EventTiming, Scenario};
use crate::strategy::equilibrium::Pending;

#[derive(Clone, Copy, Debug)]
pub(super) struct Poisson {
    pub event: usize,
    pub rate: f64,
    pub max: u32,
    /// Whether it changes the game the equilibrium solves (a line or a belief, not only a type).
    pub changes_game: bool,
}

impl Poisson {
    /// The event as the equilibrium sees it, after it has fired `fired` times.
    pub fn pending(&self, fired: u32) -> Pending {
        Pending {
            event: self.event,
            rate: self.rate,
            left: self.max - fired,
        }
    }
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
                    changes_game: e.changes_game(),
                }),
            }
        }
        scheduled.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        Schedule { scheduled, poisson }
    }
}
