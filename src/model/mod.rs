//! The validated model: what a scenario means once it has been read and checked (docs/model.md).
//!
//! `Scenario` owns two `Party`s, the global `Deadline`, the breakdown hazard, the `Event`s and the
//! `Simulation` settings. Nothing here can be invalid: `scenario::validate` is the only way in.
//! `Outcome` names the nine ways a round ends; `payoff` turns an ending into each party's payoff.

mod dist;
mod line;
mod outcome;
mod party;
pub mod payoff;
mod strategy;
mod tracked;

pub use dist::Resolve;
pub use line::{Domain, Line, LineState};
pub use outcome::{Outcome, RoundResult};
pub use party::{DeadlineAction, PARTIES, Party, PartyDeadline};
pub use strategy::{CATALOG, Strategy, StrategyInfo};
pub use tracked::{LineId, Lines};

/// A validated scenario: two parties, the global deadline, the breakdown hazard, ties, talks,
/// events and the simulation settings (docs/model.md, sections 3 to 5).
#[derive(Clone, Debug)]
pub struct Scenario {
    /// A title for tables and reports.
    pub title: Option<String>,
    /// A sentence on what the scenario asks.
    pub description: Option<String>,
    /// What one unit of time is ("weeks"), for tables and figures.
    pub time_unit: String,
    /// The two parties, in file order.
    pub parties: [Party; PARTIES],
    /// The global deadline, if any.
    pub deadline: Option<Deadline>,
    /// The exogenous breakdown hazard h(t).
    pub hazard: Line,
    /// What two concessions at one instant pay.
    pub simultaneous: Simultaneous,
    /// Meetings: concessions take effect only at `first + k * every`.
    pub talks: Option<Talks>,
    /// Scheduled events sorted by time (ties keep file order), then Poisson events.
    pub events: Vec<Event>,
    /// Rounds, seed, horizon and bins.
    pub simulation: Simulation,
}

/// Meetings: concessions take effect only at `first + k * every`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Talks {
    /// Time between meetings.
    pub every: f64,
    /// The first meeting.
    pub first: f64,
}

impl Talks {
    /// The first meeting at or after `t`.
    pub fn next_meeting(&self, t: f64) -> f64 {
        if t <= self.first {
            self.first
        } else {
            self.first + ((t - self.first) / self.every).ceil() * self.every
        }
    }
}

/// The global deadline: the talks end at `at`, in a breakdown with `breakdown_probability`, else
/// in the status quo.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Deadline {
    /// When.
    pub at: f64,
    /// The probability that the talks end in a breakdown there.
    pub breakdown_probability: f64,
}

/// A deadline of the game (docs/model.md, section 5): a party's own or the global one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DeadlineKind {
    /// Party `party`'s own deadline: it walks out or gives in there.
    Own {
        /// The party.
        party: usize,
        /// What it does there.
        action: DeadlineAction,
    },
    /// The global deadline: the talks end in a breakdown with this probability, else in the
    /// status quo.
    Global {
        /// The probability that the talks end in a breakdown there.
        breakdown_probability: f64,
    },
}

/// What two concessions at one instant pay (`simultaneous`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Simultaneous {
    /// Split the difference between the demands, no audience cost.
    Split,
    /// Each side's status quo.
    StatusQuo,
}

/// An event: when it happens and what it changes (docs/model.md, section 5).
#[derive(Clone, Debug)]
pub struct Event {
    /// Its name, as the scenario gives it.
    pub name: String,
    /// Scheduled or Poisson.
    pub when: EventTiming,
    /// Index of the party whose quantities change, if any.
    pub party: Option<usize>,
    /// What it changes, in order.
    pub effects: Vec<Effect>,
}

impl Event {
    /// Whether it changes the game the equilibrium solves (a line or a belief, not only a drawn
    /// type).
    pub fn changes_game(&self) -> bool {
        (self.effects.iter()).any(|f| !matches!(f.target, Target::Resolve { .. }))
    }
}

/// When an event happens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EventTiming {
    /// Scheduled at this time.
    At(f64),
    /// Poisson: this many per time unit, at most `max` times in a round.
    Poisson {
        /// Events per time unit.
        rate: f64,
        /// The most times it fires in one round (none: no limit).
        max: Option<u32>,
    },
}

/// One parsed effect string, e.g. `"leverage.growth += 0.004"`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Effect {
    /// What it changes.
    pub target: Target,
    /// How.
    pub op: Op,
    /// By how much (or to what).
    pub value: f64,
}

impl std::fmt::Display for Effect {
    /// As a scenario writes it: `leverage.growth += 0.004`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (name, growth) = match self.target {
            Target::Line { line, growth } => (line.name(), growth),
            Target::Resolve { .. } => ("resolve", false),
            Target::Belief { .. } => ("belief", false),
        };
        let op = match self.op {
            Op::Add => "+=",
            Op::Sub => "-=",
            Op::Mul => "*=",
            Op::Set => "=",
        };
        let growth = if growth { ".growth" } else { "" };
        write!(f, "{name}{growth} {op} {}", self.value)
    }
}

/// What an effect changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A line's level or slope; `LineId` says which line (and so which party).
    Line {
        /// Which line.
        line: LineId,
        /// The slope (`.growth`) rather than the level.
        growth: bool,
    },
    /// The party's own drawn type θ, from the event on.
    Resolve {
        /// Whose.
        party: usize,
    },
    /// The mean of the party's belief about the opponent's type.
    Belief {
        /// Whose belief.
        party: usize,
    },
}

/// How an effect changes its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `+=`
    Add,
    /// `-=`
    Sub,
    /// `*=`
    Mul,
    /// `=`
    Set,
}

impl Op {
    /// The new value of a quantity that was `current`.
    pub fn apply(self, current: f64, x: f64) -> f64 {
        match self {
            Op::Add => current + x,
            Op::Sub => current - x,
            Op::Mul => current * x,
            Op::Set => x,
        }
    }
}

/// How many rounds to play and how: `[simulation]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Simulation {
    /// Rounds to play.
    pub rounds: u64,
    /// The run's seed.
    pub seed: u64,
    /// A hard stop outside the game (required without a global deadline).
    pub horizon: Option<f64>,
    /// Bins of the histogram of end times.
    pub bins: u32,
}

impl Scenario {
    /// Every round ends by this time: the earlier of the global deadline and the horizon.
    pub fn end_time(&self) -> f64 {
        let d = self.deadline.map_or(f64::INFINITY, |d| d.at);
        d.min(self.simulation.horizon.unwrap_or(f64::INFINITY))
    }

    /// Every deadline of the game with its time: each party's own, in file order, then the
    /// global one. The one place deadline times are read; at one instant a party's concession
    /// comes before a walkout, and both before the global deadline (docs/model.md, section 7).
    pub fn deadlines(&self) -> impl Iterator<Item = (f64, DeadlineKind)> + '_ {
        let own = self.parties.iter().enumerate().filter_map(|(party, p)| {
            p.deadline.map(|d| {
                let action = d.action;
                (d.at, DeadlineKind::Own { party, action })
            })
        });
        own.chain(self.deadline.map(|d| {
            let breakdown_probability = d.breakdown_probability;
            (
                d.at,
                DeadlineKind::Global {
                    breakdown_probability,
                },
            )
        }))
    }

    /// The earliest deadline, where the game's course ends (infinite if it has none).
    pub fn game_end(&self) -> f64 {
        self.deadlines().map(|d| d.0).fold(f64::INFINITY, f64::min)
    }

    /// The mean of party i's belief about the opponent's type at the start of a round.
    pub fn believed_type(&self, i: usize) -> f64 {
        match &self.parties[i].belief {
            Some(b) => b.mean(),
            None => self.parties[1 - i].resolve.mean(),
        }
    }

    /// Every tracked line at t = 0, clamped to its domain.
    pub fn initial_lines(&self) -> Lines {
        std::array::from_fn(|k| {
            let id = LineId(k);
            let (l, d) = (self.line(id), id.domain());
            LineState {
                t0: 0.0,
                level: d.clamp(l.initial),
                slope: l.growth,
                lo: d.lo(),
                hi: d.hi(),
            }
        })
    }

    /// Apply event `e` at time `t` (docs/model.md, section 5): to the lines, the drawn types
    /// `theta` and the beliefs' means `belief`.
    pub fn apply_event(
        &self,
        e: usize,
        t: f64,
        lines: &mut Lines,
        theta: &mut [f64; PARTIES],
        belief: &mut [f64; PARTIES],
    ) {
        for eff in &self.events[e].effects {
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

    /// The starting line of a tracked quantity.
    pub fn line(&self, id: LineId) -> Line {
        if id == LineId::HAZARD {
            return self.hazard;
        }
        let p = &self.parties[(id.0 - 1) / 3];
        match (id.0 - 1) % 3 {
            0 => p.pressure,
            1 => p.leverage,
            _ => p.audience_cost,
        }
    }

    /// True when the demands leave nothing to fight over: the round is a compromise at t = 0.
    pub fn demands_compatible(&self) -> bool {
        self.parties[0].demand + self.parties[1].demand <= 1.0
    }
}
