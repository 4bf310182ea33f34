//! The runner: many rounds in parallel, with results that do not depend on the thread count.
//!
//! Rounds are cut into fixed batches of `BATCH` consecutive round indices. `over_batches` plays
//! each batch in order into a partial result on rayon's pool, and the partial results merge
//! exactly (`Merge`), so the result is the same on any number of threads. Round `r` always draws
//! from its own stream (`rng::round_rng(seed, r)`), so any contiguous slice of batches (a shard)
//! reproduces its part of a full run. `run` and `run_batches` are that loop for one scenario;
//! tournaments and audits use the same loop with their own partial results.

use std::ops::Range;

use rayon::prelude::*;

use crate::aggregate::{Tally, Totals};
use crate::engine::Engine;
use crate::model::Scenario;
use crate::scenario::{Loaded, ScenarioError};

/// Rounds per batch. Part of the output contract: a batch's float sums are added in an order
/// fixed by the rounds' positions in it (`aggregate::Tally`), so changing this changes the last
/// bits of some outputs.
pub const BATCH: u64 = 16_384;

/// Whether `loaded` can be played: where a side plays `equilibrium` and single crossing fails
/// for a private type (docs/model.md 6.1), there is no equilibrium to play, and the scenario is
/// refused with the message pointing at that party's table. Every command that runs a scenario
/// (run, audit, check, each sweep point) asks this first.
pub fn playable(loaded: &Loaded) -> Result<(), ScenarioError> {
    match crate::strategy::equilibrium::refusal(&loaded.scenario) {
        Some((x, why)) => {
            let id = &loaded.scenario.parties[x].id;
            Err(loaded.refuse(&format!("parties.{id}"), why))
        }
        None => Ok(()),
    }
}

/// Partial results that merge exactly: the merge is associative and commutative, so any
/// grouping of batches (threads, shards) gives the same result.
pub trait Merge {
    /// Add `other`'s rounds to these.
    fn merge(&mut self, other: &Self);
}

impl Merge for Totals {
    fn merge(&mut self, other: &Totals) {
        Totals::merge(self, other)
    }
}

/// The batches covering rounds `0..rounds`.
pub fn batch_count(rounds: u64) -> u64 {
    rounds.div_ceil(BATCH)
}

/// The rounds of batches `batches` of a run of `rounds` rounds.
pub fn rounds_of(batches: &Range<u64>, rounds: u64) -> Range<u64> {
    (batches.start * BATCH).min(rounds)..(batches.end * BATCH).min(rounds)
}

/// Play `batches` of a run of `rounds` rounds on the current rayon pool: `play` turns the rounds
/// of one batch into a partial result, and the partial results are merged. `progress(0)` is
/// called before each batch: the caller's chance to stop the work (`cli::Host::stop` unwinds
/// from it) before the batch is played rather than after.
pub fn over_batches<T: Merge + Send>(
    rounds: u64,
    batches: Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
    empty: impl Fn() -> T + Sync + Send,
    play: impl Fn(Range<u64>) -> T + Sync + Send,
) -> T {
    batches
        .into_par_iter()
        .map(|b| {
            progress(0);
            play(rounds_of(&(b..b + 1), rounds))
        })
        .reduce(&empty, |mut a, b| {
            a.merge(&b);
            a
        })
}

/// Play all rounds of the scenario's `[simulation]` on the current rayon pool. The scenario must
/// be one `playable` accepts, as every command's loading checks.
pub fn run(sc: &Scenario, progress: &(dyn Fn(u64) + Sync)) -> Totals {
    run_batches(
        sc,
        sc.simulation.seed,
        0..batch_count(sc.simulation.rounds),
        progress,
    )
}

/// Play the given batches of a run of `sc.simulation.rounds` rounds seeded with `seed`.
/// `progress` is called with the number of rounds after each batch.
pub fn run_batches(
    sc: &Scenario,
    seed: u64,
    batches: Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
) -> Totals {
    let engine = Engine::new(sc);
    let (end, bins) = (sc.end_time(), sc.simulation.bins as usize);
    over_batches(
        sc.simulation.rounds,
        batches,
        progress,
        || Totals::empty(end, bins),
        |rounds| {
            let mut tally = Tally::new(end, bins);
            let mut scratch = engine.scratch();
            let n = rounds.end - rounds.start;
            engine.play_rounds(seed, rounds, &mut scratch, |r| tally.push(r));
            progress(n);
            Totals::from(tally)
        },
    )
}
