//! Reproducibility (docs/model.md, section 8): the same scenario, seed and rounds give the same bytes on
//! any number of threads, and different seeds give different results.

use impasse::aggregate::Totals;
use impasse::model::Scenario;
use impasse::output;
use impasse::runner;

/// The bundled scenario has scheduled and Poisson events, clamps and a deadline: every path.
fn bundled(rounds: u64, seed: u64) -> Scenario {
    let mut sc = impasse::scenario::load_bundled(&[]).unwrap().scenario;
    sc.simulation.rounds = rounds;
    sc.simulation.seed = seed;
    sc
}

fn run_on(threads: usize, sc: &Scenario) -> Totals {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| runner::run(sc, &|_| {}))
}

fn bytes(sc: &Scenario, t: &Totals) -> Vec<u8> {
    let ids = [sc.parties[0].id.clone(), sc.parties[1].id.clone()];
    let r = t.report();
    [
        output::csv::summary(&r, &ids),
        output::csv::outcomes(&r, &ids),
        output::csv::times(&t.counts.histogram, &ids),
    ]
    .concat()
}

#[test]
fn one_and_two_threads_give_the_same_bytes() {
    // Not a multiple of the batch size, so the last batch is partial.
    let sc = bundled(3 * runner::BATCH + 1234, 5);
    let (a, b) = (run_on(1, &sc), run_on(2, &sc));
    assert_eq!(a, b);
    assert_eq!(bytes(&sc, &a), bytes(&sc, &b));
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let sc = bundled(20_000, 9);
    assert_eq!(bytes(&sc, &run_on(2, &sc)), bytes(&sc, &run_on(2, &sc)));
    let other = bundled(20_000, 10);
    assert_ne!(
        bytes(&sc, &run_on(2, &sc)),
        bytes(&other, &run_on(2, &other))
    );
}

#[test]
fn batches_merged_in_any_grouping_equal_one_run() {
    // The runner's reduction tree depends on scheduling; any grouping of batches must agree.
    let sc = bundled(5 * runner::BATCH, 3);
    let whole = runner::run_batches(&sc, 3, 0..5, &|_| {});
    let mut parts: Vec<Totals> = (0..5)
        .map(|b| runner::run_batches(&sc, 3, b..b + 1, &|_| {}))
        .collect();
    parts.reverse();
    let mut merged = parts.pop().unwrap();
    for p in parts {
        merged.merge(&p);
    }
    assert_eq!(bytes(&sc, &whole), bytes(&sc, &merged));
}
