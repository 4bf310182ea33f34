//! The engine: one round of the game as a discrete-event simulation in continuous time
//! (docs/model.md, section 7). There is no time step.
//!
//! `Engine` holds what is fixed for a scenario; `play` runs one round and `play_rounds` many in
//! order. A round takes one of three paths, decided once per scenario, which give the same bits
//! (a property test compares them round by round):
//!
//! - `event_loop`: the general loop over *pieces*, stretches between events and clamps on which
//!   every line is linear; every clock integrates its `Rate` against a budget (the plan's rational
//!   hazards through tables made once per scenario, `rate::table::Table`: the same up to
//!   rounding).
//! - a round of one piece (no events, no moving lines, no talks), or one that a plan ends at t = 0
//!   for sure, skips the loop;
//! - `kernel`: if moreover every clock is a fixed time, a constant rate or read off a plan solved
//!   at t = 0, the memoryless kernel finds the ender in closed form and plays rounds in stages.
//!
//! The files, from the bottom: `clock` classifies every strategy into the clock that runs it,
//! `lines` tracks the lines, `events` the schedule; `state` is what a round carries; `setup`
//! compiles a scenario into what every round shares (`Setup`) and says what an ending pays;
//! `shadow` records a party's deviations for an audit; `event_loop` and `kernel` play rounds on
//! a `Setup`; this file puts them together. At one instant the order is: events, then concessions,
//! then the breakdown hazard, then party deadlines (giving in before walking out), then the
//! global deadline, then the horizon.

mod clock;
mod event_loop;
mod events;
mod kernel;
mod lines;
mod setup;
mod shadow;
mod state;

pub use kernel::Stage;
pub use shadow::Shadow;
pub use state::Scratch;

use std::ops::Range;

use crate::model::payoff::EndState;
use crate::model::{Outcome, PARTIES, RoundResult, Scenario};
use crate::rate::Rate;
use crate::rng::{RoundRng, round_rng};
use crate::strategy::equilibrium::Plan;
use kernel::{Draws, Kernel, STAGE};
use setup::Setup;
use state::RoundState;

/// A scenario prepared for playing rounds: what every round shares (`Setup`) and, where every
/// round is memoryless, the kernel that plays them in closed form.
pub struct Engine<'a> {
    setup: Setup<'a>,
    kernel: Option<Kernel>,
}

/// The shortcuts an engine takes: how many of the plan's hazards are tabulated, whether every
/// round ends at once, whether the first piece is scanned without the loop.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortcuts {
    /// Rational hazards of the plan inverted through a table.
    pub tables: usize,
    /// Every round ends at t = 0 (a side's plan concedes at once for sure).
    pub ends_at_once: bool,
    /// A round's first piece is scanned without the general loop's setup.
    pub first_piece: bool,
}

impl<'a> Engine<'a> {
    /// Compile `sc` for playing rounds: the clocks, the schedule, the equilibrium plan from t = 0
    /// (tabulated), and the kernel where every round is memoryless.
    pub fn new(sc: &'a Scenario) -> Engine<'a> {
        let setup = Setup::new(sc);
        let kernel = Kernel::new(&setup);
        Engine { setup, kernel }
    }

    /// The scenario this engine plays.
    pub fn scenario(&self) -> &Scenario {
        self.setup.sc
    }

    /// The clocks' rates on a round's first piece, before any event: each party's
    /// exponential-budget clock (`Rate::ZERO` for other strategies) and the breakdown hazard.
    pub fn first_piece_rates(&self) -> ([Rate; PARTIES], Rate) {
        (self.setup.start.rates, self.setup.start.breakdown)
    }

    /// The same engine without its shortcuts: every round goes through the general loop, which
    /// integrates every hazard piece by piece from its closed form. For tests that the shortcuts
    /// change nothing (or, for tabulated hazards, nothing beyond rounding).
    #[doc(hidden)]
    pub fn without_shortcuts(mut self) -> Self {
        let s = &mut self.setup;
        s.single_piece = false;
        s.ends_at_once = false;
        s.first_piece_end = None;
        if let Some(plan) = &mut s.plan {
            plan.tables = Default::default();
        }
        for (_, plan) in &mut s.after {
            plan.tables = Default::default();
        }
        self.kernel = None;
        self
    }

    /// The same engine solving the game again wherever a Poisson event changes it, instead of
    /// playing on the plan solved with the plan from t = 0 for that history of events (docs/
    /// model.md 6.1, "Random events"). For tests that the two agree.
    #[doc(hidden)]
    pub fn without_histories(mut self) -> Self {
        self.setup.after.clear();
        self
    }

    /// How many histories of Poisson events have their plans solved with the plan from t = 0.
    #[doc(hidden)]
    pub fn histories(&self) -> usize {
        self.setup.after.len()
    }

    /// Which shortcuts this engine's rounds take (for tests that they are taken).
    #[doc(hidden)]
    pub fn shortcuts(&self) -> Shortcuts {
        let s = &self.setup;
        Shortcuts {
            tables: (s.plan.iter().chain(s.after.iter().map(|a| &a.1)))
                .map(|p| p.tables.iter().flatten().filter(|t| t.is_some()).count())
                .sum(),
            ends_at_once: s.ends_at_once,
            first_piece: s.first_piece_end.is_some(),
        }
    }

    /// Working memory for a batch of rounds.
    pub fn scratch(&self) -> Scratch {
        let n = self.setup.events.poisson.len();
        Scratch {
            lines: self.setup.lines.initial,
            next: vec![0.0; n],
            fired: vec![0; n],
            plan: Plan::default(),
            pending: Vec::with_capacity(n),
        }
    }

    /// Play round `round` of a run seeded with `seed`.
    pub fn play(&self, seed: u64, round: u64, scratch: &mut Scratch) -> RoundResult {
        let mut rng = round_rng(seed, round);
        self.play_with(&mut rng, scratch)
    }

    /// Play rounds `rounds` of a run seeded with `seed`, in order, handing each result to
    /// `sink`: the same results as `play`, round by round, memoryless rounds in stages.
    #[inline]
    pub fn play_rounds(
        &self,
        seed: u64,
        rounds: Range<u64>,
        scratch: &mut Scratch,
        mut sink: impl FnMut(&RoundResult),
    ) {
        match &self.kernel {
            Some(k) => self.setup.play_staged(k, seed, rounds, sink),
            None => {
                for r in rounds {
                    sink(&self.play(seed, r, scratch));
                }
            }
        }
    }

    /// Play one round from a given stream. The draws are made in a fixed order whatever the
    /// strategies: θ for each party, a unit exponential for the breakdown clock and for each
    /// party's concession clock, the first gap of each Poisson event; later gaps and the deadline
    /// draw come as the round needs them. Keeping the order fixed gives common random numbers
    /// across strategies.
    pub fn play_with(&self, rng: &mut RoundRng, scratch: &mut Scratch) -> RoundResult {
        let s = &self.setup;
        let (theta, budget_break, budget) = s.first_draws(rng);
        if s.sc.demands_compatible() {
            let state = |i: usize| EndState {
                resolve: theta[i],
                cost: 0.0,
                audience_cost: 0.0,
                leverage: 0.0,
            };
            let compromise = Outcome::Compromise;
            return s.finish(compromise, 0.0, [state(0), state(1)], compromise.index());
        }
        s.draw_poisson(rng, scratch);
        if let Some(k) = &self.kernel {
            let draws = Draws {
                theta,
                budget_break,
                budget,
                deadline: s.deadline_draw(rng),
            };
            return s.play_memoryless(k, &draws);
        }
        let state = RoundState::new(theta, s.initial_belief, budget, budget_break);
        // A Poisson event drawn at exactly 0 would come first: the loop then.
        let untouched = scratch.next.iter().all(|&g| g > 0.0);
        if s.single_piece || (s.ends_at_once && untouched) {
            return s.play_single_piece(&state, rng);
        }
        let mut first = None;
        if let Some(t1) = s.first_piece_end.filter(|_| untouched) {
            match s.play_first_piece(t1, &state, (&scratch.next, &scratch.fired), rng) {
                Ok(result) => return result,
                Err(scan) => first = Some(scan),
            }
        }
        s.play_pieces(state, scratch, rng, None, first)
    }

    /// Play round `round` of a run seeded with `seed` with `shadow`'s party shadowed (an audit):
    /// returns the round as played without that party's concessions, and fills `shadow` with the
    /// party's payoff from each deviation and in the profile. Always the general loop.
    pub fn play_shadowed(
        &self,
        seed: u64,
        round: u64,
        scratch: &mut Scratch,
        shadow: &mut Shadow,
    ) -> RoundResult {
        let s = &self.setup;
        let rng = &mut round_rng(seed, round);
        let (theta, budget_break, budget) = s.first_draws(rng);
        if s.sc.demands_compatible() {
            let result = self.play_with(&mut round_rng(seed, round), scratch);
            shadow.finish(result.payoff[shadow.party]);
            return result;
        }
        s.draw_poisson(rng, scratch);
        let state = RoundState::new(theta, s.initial_belief, budget, budget_break);
        s.play_pieces(state, scratch, rng, Some(shadow), None)
    }

    /// Play the rounds of `stage` (drawn by an engine with the same draws, see `Stage`).
    pub fn play_stage(
        &self,
        stage: &Stage,
        scratch: &mut Scratch,
        mut sink: impl FnMut(&RoundResult),
    ) {
        match &self.kernel {
            Some(k) => {
                for block in stage.draws.chunks(STAGE) {
                    self.setup.settle_block(k, block, &mut sink);
                }
            }
            None => {
                for r in stage.rounds.clone() {
                    sink(&self.play(stage.seed, r, scratch));
                }
            }
        }
    }

    /// Draw `rounds` of the stream `seed` into `stage`, for every engine that shares this one's
    /// draws to play (`Engine::shares_draws`).
    pub fn stage(&self, seed: u64, rounds: Range<u64>, stage: &mut Stage) {
        stage
            .draws
            .resize((rounds.end - rounds.start) as usize, Draws::default());
        self.setup.draw_into(seed, rounds.clone(), &mut stage.draws);
        stage.seed = seed;
        stage.rounds = rounds;
    }

    /// Whether this engine's rounds draw what `other`'s do: the same resolve distributions and
    /// the same deadline draw, as every pairing of a tournament (they differ in strategies only).
    pub fn shares_draws(&self, other: &Engine) -> bool {
        let resolve = |e: &Engine| e.setup.sc.parties.each_ref().map(|p| p.resolve.clone());
        resolve(self) == resolve(other)
            && self.setup.deadline_breakdown == other.setup.deadline_breakdown
    }
}
