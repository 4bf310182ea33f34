//! Criterion benches of a sweep's analyses on the README's example, the Iran scenario's Sobol'
//! sweep (1024 base points over 6 paths: 8192 points): the Sobol' indices of every metric
//! (`sensitivity::write`, from sweep.csv to sensitivity.csv) and PRIM (`discover::discover`,
//! from sweep.csv to the boxes). The sweep is run once at 1,000 rounds a point to have the files;
//! the analyses' cost does not depend on the rounds. Compare with the sweep itself
//! (`impasse sweep scenarios/iran-p5plus1-2013-sensitivity.toml`, 10,000 rounds a point).

use criterion::{Criterion, criterion_group, criterion_main};
use impasse::discover::{self, Ask, Condition, Settings};
use impasse::scenario;
use impasse::sweep::{Store, Sweep, sensitivity};

fn analyses(c: &mut Criterion) {
    let dir = tempfile::TempDir::new().unwrap();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/iran-p5plus1-2013-sensitivity.toml"
    );
    let rounds = scenario::Override {
        path: "simulation.rounds".into(),
        value: "1000".into(),
    };
    let loaded = scenario::load_file(std::path::Path::new(path), &[rounds]).unwrap();
    let sw = Sweep::from_loaded(&loaded, &[], None, None).unwrap();
    let store = Store::open(dir.path(), &sw.fingerprint(), false).unwrap();
    sw.run(&store, &|_| {}, &|| {}).unwrap();
    sw.assemble(&store, dir.path()).unwrap();
    let cond = Condition::parse("breakdown_probability > 0.02").unwrap();
    let ask = Ask {
        boxes: 1,
        step: None,
        settings: Settings::default(),
    };
    let mut g = c.benchmark_group("analysis_8192_points");
    g.sample_size(10);
    g.bench_function("sensitivity", |b| {
        b.iter(|| sensitivity::write(dir.path(), sw.seed).unwrap())
    });
    g.bench_function("prim", |b| {
        b.iter(|| discover::discover(dir.path(), &cond, ask).unwrap())
    });
    g.finish();
}

criterion_group!(benches, analyses);
criterion_main!(benches);
