//! The runner: many rounds in parallel, with results that do not depend on the thread count.
//!
//! Rounds are cut into fixed batches of `BATCH` consecutive round indices. Each batch is played
//! in order into a `Tally`; batches run on rayon's pool and their `Totals` merge exactly, so the
//! result is the same on any number of threads. Round `r` always draws from its own stream
//! (`rng::round_rng(seed, r)`), so any contiguous slice of batches (a shard) reproduces its part
//! of a full run.

use std::ops::Range;

use rayon::prelude::*;

use crate::aggregate::{Tally, Totals};
use crate::engine::Engine;
use crate::model::Scenario;

/// Rounds per batch. Part of the output contract: a batch's float sums are added in an order
/// fixed by the rounds' positions in it (`aggregate::Tally`), so changing this changes the last
/// bits of some outputs.
pub const BATCH: u64 = 16_384;

/// The batches covering rounds `0..rounds`.
pub fn batch_count(rounds: u64) -> u64 {
    rounds.div_ceil(BATCH)
}

/// Play all rounds of the scenario's `[simulation]` on the current rayon pool.
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
    let rounds = sc.simulation.rounds;
    batches
        .into_par_iter()
        .map(|b| {
            let first = b * BATCH;
            let last = (first + BATCH).min(rounds);
            let mut tally = Tally::new(end, bins);
            let mut scratch = engine.scratch();
            engine.play_rounds(seed, first..last, &mut scratch, |r| tally.push(r));
            progress(last - first);
            Totals::from(tally)
        })
        .reduce(
            || Totals::empty(end, bins),
            |mut a, b| {
                a.merge(&b);
                a
            },
        )
}
