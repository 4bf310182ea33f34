//! Criterion benches: one round of each strategy family, the whole runner, the aggregates, and a
//! bare loop that does the least a round needs, measured side by side with the engine on the same
//! plain scenario together with a round-by-round loop that keeps the contract (per-round streams
//! and the full aggregation, no strategy logic). See BENCHMARKS.md for the figures and how to
//! reproduce them.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use impasse::aggregate::{Tally, Totals};
use impasse::engine::Engine;
use impasse::model::Scenario;
use impasse::{runner, scenario};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The plain war of attrition of issue 5: hazard strategies at 0.01 and 0.015, a breakdown
/// hazard of 0.005 and a deadline at 100.
const PLAIN: &str = include_str!("scenarios/plain.toml");

fn load(text: &str) -> Scenario {
    scenario::load_str("bench.toml", text, &[])
        .unwrap()
        .scenario
}

/// One side plays `kind`, the other the equilibrium of a symmetric game whose every line grows
/// (pressure, leverage, audience cost, the breakdown hazard), with a deadline at 100: the
/// equilibrium mixes from the start at a hazard rational in t, so a round lasts (12 on average
/// when both play it).
fn with_strategy(kind: &str) -> Scenario {
    let side = |strategy: &str| {
        format!(
            "stake = 1\npressure = {{ initial = 0.02, growth = 0.002 }}\n\
             leverage = {{ initial = 0.1, growth = 0.004 }}\n\
             audience_cost = {{ initial = 0.05, growth = 0.002 }}\n\
             breakdown_cost = 0.3\nstrategy = {strategy}\n"
        )
    };
    load(&format!(
        "[parties.a]\n{}[parties.b]\n{}[breakdown]\nhazard = {{ initial = 0.002, growth = 0.0005 }}\n\
         [deadline]\nat = 100\n",
        side(kind),
        side("\"equilibrium\"")
    ))
}

/// The time-varying scenarios of issue 17, measured beside the plain one (`plain/engine`).
const IRAN_HORIZON: &str = include_str!("scenarios/iran-horizon.toml");
const GROWING: &str = include_str!("scenarios/growing.toml");
/// Poisson events whose games after depend on when they fire (issue 24): sampled in that time.
const NEW_SLOPE: &str = include_str!("scenarios/new-slope.toml");
/// Private types (issue 25): rounds that read their type's time off a curve.
const PRIVATE_TYPES: &str = include_str!("scenarios/private-types.toml");

const ROUNDS: u64 = 100_000;

/// Talks without an end and Poisson events whose games after depend on when they fired (a new
/// slope, `=` on a moving line), priced by their jumps and solved again when they fire: case 82
/// of `tests/suite/campaign.rs` (issue 24's target: under 50 µs a round); both sides alike.
fn talks_poisson() -> Scenario {
    let side = "stake = 0.9378\ndemand = 0.9672\npressure = { initial = 0.3412, growth = 0.00444 }\n\
                discount_rate = 0.0353\nleverage = { initial = 0.4327, growth = 0.00439 }\n\
                breakdown_cost = 0.6520\naudience_cost = { initial = 0.2300, growth = -0.00876 }\n\
                status_quo = -0.4584\nstrategy = \"equilibrium\"\n";
    load(&format!(
        "talks = {{ every = 0.3493 }}\nsimultaneous = \"status_quo\"\n\
         [parties.a]\n{side}[parties.b]\n{side}\
         [breakdown]\nhazard = {{ initial = 0.1717, growth = 0.00151 }}\n\
         [[event]]\nname = \"e0\"\nrate = 0.7979\nmax = 2\neffects = [\"breakdown.hazard = 0.0510\"]\n\
         [[event]]\nname = \"e1\"\nrate = 0.4334\nmax = 2\nparty = \"b\"\n\
         effects = [\"leverage.growth = -0.01156\"]\n\
         [[event]]\nname = \"e2\"\nrate = 0.7301\nmax = 1\nparty = \"a\"\n\
         effects = [\"leverage += -0.0522\"]\n\
         [simulation]\nhorizon = 400\n"
    ))
}

/// Rounds of `talks_poisson` per iteration: a round costs about a millisecond.
const TALKS_ROUNDS: u64 = 200;

/// `ROUNDS` rounds of `sc` from `seed`, as the runner plays a batch: the engine and its
/// aggregation.
fn bench_rounds(
    g: &mut criterion::BenchmarkGroup<criterion::measurement::WallTime>,
    name: &str,
    sc: &Scenario,
    (seed, rounds): (u64, u64),
) {
    let engine = Engine::new(sc);
    let mut scratch = engine.scratch();
    g.bench_function(name, |b| {
        b.iter(|| {
            let mut tally = Tally::new(sc.end_time(), 50);
            engine.play_rounds(seed, 0..rounds, &mut scratch, |r| tally.push(r));
            black_box(Totals::from(tally))
        })
    });
}

fn rounds(c: &mut Criterion) {
    let mut g = c.benchmark_group("round");
    g.throughput(Throughput::Elements(ROUNDS));
    let families = [
        ("never", "\"never\""),
        ("immediate", "\"immediate\""),
        ("at_time", "{ kind = \"at_time\", t = 30 }"),
        ("hazard", "{ kind = \"hazard\", rate = 0.02 }"),
        ("threshold", "{ kind = \"threshold\", fraction = 0.5 }"),
        ("equilibrium", "\"equilibrium\""),
    ];
    for (name, spec) in families {
        bench_rounds(&mut g, name, &with_strategy(spec), (1, ROUNDS));
    }
    g.finish();
}

/// PLAIN's clocks, drawn from `rng`: a's and b's concessions, the breakdown, and the deadline at
/// 100; the earliest time and which of the four it is.
#[inline(always)]
fn plain_clocks<R: rand::Rng>(rng: &mut R) -> (f64, usize) {
    let mut exp = |rate: f64| -> f64 {
        let e: f64 = Exp1.sample(rng);
        e / rate
    };
    let (ta, tb, th) = (exp(0.01), exp(0.015), exp(0.005));
    [(ta, 0), (tb, 1), (th, 2), (100.0, 3)]
        .into_iter()
        .fold((f64::INFINITY, 4), |m, x| if x.0 < m.0 { x } else { m })
}

/// The least a round of PLAIN needs: three exponential clocks, the deadline, outcome counts,
/// payoff sums and a histogram, with one generator per batch.
fn bare_loop(rounds: u64, seed: u64) -> ([u64; 4], [f64; 2], f64, Vec<u64>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (mut counts, mut pay, mut time) = ([0u64; 4], [0.0f64; 2], 0.0);
    let mut hist = vec![0u64; 50];
    for _ in 0..rounds {
        let (t, k) = plain_clocks(&mut rng);
        counts[k] += 1;
        // The winner of a concession gets the pie; nothing else pays in PLAIN.
        if k < 2 {
            pay[1 - k] += 1.0;
        }
        time += t;
        hist[((t / 100.0 * 50.0) as usize).min(49)] += 1;
    }
    (counts, pay, time, hist)
}

/// A round-by-round loop on PLAIN with what the engine keeps by contract: the bare loop's clocks,
/// each round's own stream (`round_rng`, for reproducibility across threads and shards) and the
/// full `Tally` (sketch, histogram, second moments), with no strategy logic and no payoff table.
/// It was the floor of the engine while the engine played one round at a time; playing
/// memoryless rounds in stages (`Engine::play_rounds`) takes the engine below it.
/// `tally_on = false` keeps only a time sum and the outcome counts: what the `Tally` costs, and
/// that per-round seeding costs next to nothing.
fn floor(rounds: u64, seed: u64, tally_on: bool) -> (Tally, f64, [u64; 4]) {
    use impasse::model::Outcome;
    use impasse::model::RoundResult;
    const ENDS: [Outcome; 4] = [
        Outcome::Concession0,
        Outcome::Concession1,
        Outcome::Breakdown,
        Outcome::DeadlineStatusQuo,
    ];
    let (mut tally, mut time, mut counts) = (Tally::new(100.0, 50), 0.0, [0u64; 4]);
    for r in 0..rounds {
        let (t, k) = plain_clocks(&mut impasse::rng::round_rng(seed, r));
        if !tally_on {
            time += t;
            counts[k] += 1;
            continue;
        }
        let share = match k {
            0 => Some([0.0, 1.0]),
            1 => Some([1.0, 0.0]),
            _ => None,
        };
        tally.push(&RoundResult {
            outcome: ENDS[k],
            time: t,
            payoff: share.unwrap_or([0.0; 2]),
            cost: [0.0; 2],
            shares: share.unwrap_or([0.0; 2]),
            split: share.is_some(),
        });
    }
    (tally, time, counts)
}

fn engine_vs_bare(c: &mut Criterion) {
    let sc = load(PLAIN);
    let mut g = c.benchmark_group("plain");
    g.throughput(Throughput::Elements(ROUNDS));
    g.bench_function("bare_loop", |b| b.iter(|| black_box(bare_loop(ROUNDS, 7))));
    g.bench_function("floor", |b| b.iter(|| black_box(floor(ROUNDS, 7, true))));
    g.bench_function("floor_without_tally", |b| {
        b.iter(|| black_box(floor(ROUNDS, 7, false)))
    });
    let iran = load(IRAN_HORIZON);
    let growing = load(GROWING);
    let types = load(PRIVATE_TYPES);
    for (name, sc) in [
        ("engine", &sc),
        ("iran_horizon_5", &iran),
        ("growing", &growing),
        ("private_types", &types),
    ] {
        bench_rounds(&mut g, name, sc, (7, ROUNDS));
    }
    g.finish();
    // The solve a run (or a sweep point) makes once: the Bayesian equilibrium by shooting. The
    // solve is remembered per scenario, so each iteration takes a new seed (which changes
    // nothing but the key) to solve afresh, as a sweep's next point does. `private_types` is
    // symmetric (no atom to search for); `private_types_atom` gives a less pressure, so the
    // solve searches for b's atom at the start.
    let mut atom = types.clone();
    atom.parties[0].pressure = impasse::model::Line::constant(0.45);
    let mut g = c.benchmark_group("solve");
    g.sample_size(10);
    for (name, sc) in [("private_types", &types), ("private_types_atom", &atom)] {
        // Twice as many seeds as the solves remembered: each comes round after it is forgotten.
        let seeds: Vec<Scenario> = (0..32)
            .map(|k| {
                let mut sc = sc.clone();
                sc.simulation.seed = k;
                sc
            })
            .collect();
        let mut k = 0;
        g.bench_function(name, |b| {
            b.iter(|| {
                k = (k + 1) % seeds.len();
                black_box(Engine::new(&seeds[k]))
            })
        });
    }
    // The equilibrium where the games after two Poisson events are sampled in when they fire
    // (a solve from each sample point, with the games after later events).
    let slope = load(NEW_SLOPE);
    g.bench_function("sampled_after_events", |b| {
        b.iter(|| black_box(Engine::new(&slope)))
    });
    g.finish();
}

fn talks_with_poisson_events(c: &mut Criterion) {
    let mut g = c.benchmark_group("talks");
    g.sample_size(10);
    g.throughput(Throughput::Elements(TALKS_ROUNDS));
    bench_rounds(&mut g, "poisson", &talks_poisson(), (7, TALKS_ROUNDS));
    g.finish();
}

fn whole_runner(c: &mut Criterion) {
    let mut g = c.benchmark_group("runner");
    g.sample_size(10);
    let mut plain = load(PLAIN);
    plain.simulation.rounds = 1_000_000;
    let mut bundled = scenario::load_bundled(&[]).unwrap().scenario;
    bundled.simulation.rounds = 1_000_000;
    g.throughput(Throughput::Elements(1_000_000));
    for (name, sc) in [("plain", &plain), ("bundled", &bundled)] {
        g.bench_function(name, |b| b.iter(|| black_box(runner::run(sc, &|_| {}))));
    }
    g.finish();
}

fn aggregates(c: &mut Criterion) {
    let sc = load(PLAIN);
    let engine = Engine::new(&sc);
    let mut scratch = engine.scratch();
    let results: Vec<_> = (0..ROUNDS)
        .map(|r| engine.play(7, r, &mut scratch))
        .collect();
    let mut g = c.benchmark_group("aggregate");
    g.throughput(Throughput::Elements(ROUNDS));
    g.bench_function("push", |b| {
        b.iter(|| {
            let mut t = Tally::new(100.0, 50);
            results.iter().for_each(|r| t.push(r));
            black_box(t)
        })
    });
    g.throughput(Throughput::Elements(1));
    let mut one = Tally::new(100.0, 50);
    results.iter().for_each(|r| one.push(r));
    let part = Totals::from(one);
    g.bench_function("merge", |b| {
        b.iter_batched(
            || part.clone(),
            |mut t| {
                t.merge(&part);
                black_box(t)
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

/// A sweep of 100 points (10 x 10 grid) of 10,000 rounds each on the plain scenario, through the
/// library's sweep path (point scenarios, runs, durable point files, assembly).
fn sweep_100(c: &mut Criterion) {
    use impasse::sweep::{Axis, Design, Kind, Store, Sweep};
    let dir = tempfile::TempDir::new().unwrap();
    let design = Design::new(
        Kind::Grid,
        vec![
            Axis::parse("parties.a.strategy.rate=0.005:0.05:10").unwrap(),
            Axis::parse("breakdown.hazard=0.001:0.01:10").unwrap(),
        ],
        None,
        1,
    )
    .unwrap();
    let sw = Sweep {
        base: PLAIN.to_string(),
        file: "bench.toml".into(),
        design,
        seed: 1,
        rounds: 10_000,
    };
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.throughput(Throughput::Elements(100));
    g.bench_function("100_points", |b| {
        b.iter(|| {
            let store = Store::open(dir.path(), &sw.fingerprint(), false).unwrap();
            sw.run(&store, &|_| {}, &|| {}).unwrap();
            sw.assemble(&store, dir.path()).unwrap();
        })
    });
    g.finish();
}

/// A tournament of 10 x 10 memoryless entrants (hazard rates 0.02 to 0.2), 20,000 rounds a
/// pairing, against `run` of the same 2 million rounds on one of its pairings, one thread each:
/// what a round costs inside a tournament (cross products for the covariances included).
fn tournament_vs_run(c: &mut Criterion) {
    use impasse::tournament::{Tournament, resolve_entrants};
    const BASE: &str = r#"
        [parties.a]
        stake = 1
        pressure = 0.1
        strategy = { kind = "hazard", rate = 0.1 }
        [parties.b]
        stake = 1
        pressure = 0.1
        strategy = { kind = "hazard", rate = 0.1 }
        [breakdown]
        hazard = 0.005
        [simulation]
        rounds = 20000
        seed = 1
        horizon = 200
    "#;
    let loaded = scenario::load_str("bench.toml", BASE, &[]).unwrap();
    let spec: Vec<String> = (1..=10)
        .map(|i| format!("hazard:rate={}", 0.02 * i as f64))
        .collect();
    let flags = [
        format!("a={}", spec.join(",")),
        format!("b={}", spec.join(",")),
    ];
    let entrants = resolve_entrants(&loaded, &flags).unwrap();
    let t = Tournament::new("bench.toml", &loaded.resolved, entrants).unwrap();
    let mut one = loaded.scenario.clone();
    one.simulation.rounds = 20_000 * t.pairings.len() as u64;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut g = c.benchmark_group("tournament");
    g.sample_size(10);
    g.throughput(Throughput::Elements(one.simulation.rounds));
    g.bench_function("run_2M_rounds", |b| {
        b.iter(|| pool.install(|| black_box(runner::run(&one, &|_| {}))))
    });
    g.bench_function("tournament_10x10_2M_rounds", |b| {
        b.iter(|| pool.install(|| black_box(t.run(&|_| {}))))
    });
    g.finish();
}

/// Every extreme equilibrium of random n x n meta-games (payoffs uniform on [0, 1), as a
/// tournament's means are: nondegenerate, the most vertices), and of a degenerate one whose
/// entrants tie (payoffs from {0, 0.5, 1}).
fn meta_game(c: &mut Criterion) {
    use impasse::tournament::nash;
    use rand::RngExt;
    let mut g = c.benchmark_group("nash");
    g.sample_size(10);
    for n in [4usize, 8, 10, 12] {
        for (kind, tie) in [("random", false), ("ties", true)] {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(n as u64);
            let mut draw = || -> Vec<Vec<f64>> {
                (0..n)
                    .map(|_| {
                        (0..n)
                            .map(|_| {
                                if tie {
                                    f64::from(rng.random_range(0..3u8)) / 2.0
                                } else {
                                    rng.random::<f64>()
                                }
                            })
                            .collect()
                    })
                    .collect()
            };
            let (a, b) = (draw(), draw());
            g.bench_function(format!("{kind}_{n}x{n}"), |bch| {
                bch.iter(|| black_box(nash::equilibria(&a, &b)))
            });
        }
    }
    g.finish();
}

criterion_group!(
    benches,
    meta_game,
    tournament_vs_run,
    engine_vs_bare,
    rounds,
    talks_with_poisson_events,
    whole_runner,
    aggregates,
    sweep_100
);
criterion_main!(benches);
