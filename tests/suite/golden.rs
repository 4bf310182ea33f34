//! Golden outputs: the SHA-256 of `summary.csv`, `outcomes.csv` and `times.csv` of every bundled
//! scenario and every bench scenario, and of one tournament's `tournament.csv`, at a fixed seed
//! and round count. A change that is meant to leave results alone must leave these alone; a change
//! that alters results on purpose updates the pins in the same commit and says why.
//!
//! `IMPASSE_PRINT_GOLDEN=1 cargo test --release golden:: -- --nocapture` prints the current digests in
//! the form of the table below.

use impasse::output;
use impasse::scenario::{self, Override};
use impasse::shard::fingerprint;
use impasse::tournament::{Entrant, Tournament, report};
use impasse::{runner, scenario::Loaded};

/// 20,000 rounds: two batches of the runner (one partial), so the merge of batches is covered.
const ROUNDS: u64 = 20_000;
const SEED: u64 = 7;

/// `(file, [summary.csv, outcomes.csv, times.csv])`.
const PINS: &[(&str, [&str; 3])] = &[
    (
        "scenarios/brinkmanship.toml",
        [
            "f54500d48530729b2ec9dab7940468fa94e57c4a4e3872dda6bc30c6f8fee4ee",
            "e4678eb1a3cb6b0bceace0744157e5ff32f69e51232fb5ed65a3964e6e85c772",
            "758109f29786e8fa46ea462403d325b864c462e5fa00a04359947e7fd2c063ad",
        ],
    ),
    (
        "scenarios/iran-p5plus1-2013-sweep.toml",
        [
            "3b7f1ebff156ac3a21f62d58a0b565e98c16a34b4f6d0b30fdaad961f160078b",
            "9af94d3323c0601754e4ad98efa01f49cd693c66e7cccb8b65fee2d231066549",
            "7be7a5f588245eb327cec2ae1984c55e84a08e269bdcb67e73d565cd0ae5f69c",
        ],
    ),
    (
        "scenarios/iran-p5plus1-2013-sensitivity.toml",
        [
            "3b7f1ebff156ac3a21f62d58a0b565e98c16a34b4f6d0b30fdaad961f160078b",
            "9af94d3323c0601754e4ad98efa01f49cd693c66e7cccb8b65fee2d231066549",
            "7be7a5f588245eb327cec2ae1984c55e84a08e269bdcb67e73d565cd0ae5f69c",
        ],
    ),
    (
        "scenarios/iran-p5plus1-2013.toml",
        [
            "3b7f1ebff156ac3a21f62d58a0b565e98c16a34b4f6d0b30fdaad961f160078b",
            "9af94d3323c0601754e4ad98efa01f49cd693c66e7cccb8b65fee2d231066549",
            "7be7a5f588245eb327cec2ae1984c55e84a08e269bdcb67e73d565cd0ae5f69c",
        ],
    ),
    (
        "scenarios/rising-sanctions.toml",
        [
            "20d7b22382b967208e58eb277702ba9872a44690ac63b7c6e8e550b49a53d5e7",
            "2142f53b90c2d6a04ee8c643aab48a275c1a08d608e828b7de48da85c7530610",
            "1cd1766c7271faf7a800f8cea5636f0b6a71247c38e5943850cde2e5819647d0",
        ],
    ),
    (
        "scenarios/deadline-effect.toml",
        [
            "24a70aa0e61837a934ee27720ecd20b2b0d5624510ed1640f6407aaa08559017",
            "525a625237769fbec5adf9f400a374f88aae201eeb387349c000c3a1c412d782",
            "46dfeee7a2721fe360ed4a1c920707dec29910578376f9be684b7c5af33742c8",
        ],
    ),
    (
        "scenarios/war-of-attrition.toml",
        [
            "ec332b9c257bc6206037662f74f67027d58c9eff57034f9c54e623741eb4303f",
            "b51ec87b8a7868145bba27d07c449456a9a122a27c095eab46f61af2a3ee3142",
            "88a785c3d428cf7b0de9f2d24f41025a6db8547306523f97a3b61c455e8fdc04",
        ],
    ),
    (
        "benches/scenarios/growing.toml",
        [
            "be8bdc7e2145f6605cfa2c92a383fdac644f358894a5dcce8e94fdbc52030df9",
            "ed5ff58adf3c276156e96dfac6ea28c1de1fb0d5c3732b37c149964cc73de9a0",
            "9125910c98d037337432ecd031cf3f3f720e5b3f17a755bda83a6efda916c841",
        ],
    ),
    (
        "benches/scenarios/new-slope.toml",
        [
            "9f9495de755eae61ecc41d06dcb5faef6ee9a14ae57fc57d28d87ce36e75746f",
            "a7be4960dd3f43f665a85659fc5e967e530a8cfa2b9ea374e4041c17bd2fe2d5",
            "5a0211aa40088454858c1dc3b14906327d3a5a81f5cb0fc18c4dc32935b38004",
        ],
    ),
    (
        "benches/scenarios/private-types.toml",
        [
            "0f0e10e0c2ca80001b5a94469a0dcdac9b51d12ff43a248495003a35b124d5c5",
            "17ec097c4bd2aa4251a97272b9b0a57ea8a4e6353a5d4d3fa6121336320a765f",
            "fbacf815887586d3339b5d107139fa5776aeadc39bd53f0250d2ea48f77e3d7d",
        ],
    ),
    (
        "benches/scenarios/iran-horizon.toml",
        [
            "a983392e2dc391c60092d1bd93e95ef3faa352b3809dc1fdff1577e2b53ddbe9",
            "a568dae9eb0b417f83e9f4afb985e43a6ae57893cb8a4e4b261125d508a67786",
            "7bcb36130e077a4b4104632877af6d7d1e2426c5c0edca6c53395864fbb51174",
        ],
    ),
    (
        "benches/scenarios/plain.toml",
        [
            "8ed1d1c67b09af5fd69f4a5b5e745fb4eeb3d8d743cdf246afc863918b96eca0",
            "eee9fcf709357904843b3f5688b4271b2acffdbeaa059a42e03e627a619dd6b9",
            "e77da8a376123c9329d72c5d3c021dc65db3969c1b9821bbdbc29f175f942c35",
        ],
    ),
    (
        "benches/scenarios/strategy-bayesian-asymmetric.toml",
        [
            "1faf476347e397f3d7ba2da48f9391e591fe0444a60e8796241bb99a33dc7dc9",
            "7e79caa1e7022aa0355dcf9c840dea055738929df1ec440f2bbbf9fcc6a7a35c",
            "62b172ea460ad79c56f8f3a7d6a8e9179cb78024d24bc98121a2c33dbc22811d",
        ],
    ),
    (
        "benches/scenarios/strategy-bayesian.toml",
        [
            "d65ea328283f61e7488f86612f457d32df702e0962091a860bca1ced0d694ff8",
            "a823420746b2157fb5c98752ec9316ac80ff014c34ff7d2b1d80ae30b12dde9f",
            "0019677c3a8db0d877a6e7d3413bc2af742c60490f1516a6c2827fcc665efc05",
        ],
    ),
    (
        "benches/scenarios/strategy-belief.toml",
        [
            "96f7eb12da5b3211fdbc2928e9eaf294c7492d9b00799e7f91576b39265d7f09",
            "a9704057255ad30a6fa41e25fe15810152362602f79b167dd4a585a9605fba28",
            "b70fb4dedf233cec01a4adfe103cb3e4e1adbcde862882a8a391fc49fabe86e2",
        ],
    ),
    (
        "benches/scenarios/strategy-deadline.toml",
        [
            "638d63e5a1cef0314350e990030cb3749bf5f051f0561fbc845b56906649e122",
            "0b709026241a541a95ad49ced08cec6f531ee3ca22b6eb4273051b2762280631",
            "12860c529327626aa8a79d892de00d6ef43dca05dbe1a95d666af8b049410da5",
        ],
    ),
    (
        "benches/scenarios/strategy-hazard.toml",
        [
            "89c1e5db7911460725dc8024fec00957ec3bc490d32ec4ac2038c888608ea1b0",
            "887b8c7fac53c0e4517f5470359f99e1b6ed3fd24376ac83a9c8645624fbb474",
            "943e17cb808846aa0eee23e2f0e43f2d6ab293668976aaebcf95d4ae44f2f6b2",
        ],
    ),
    (
        "benches/scenarios/strategy-reputation.toml",
        [
            "bc29b200495e9c3a724d00603e8b3f50f98a5039fa80a14e1663e673f304673e",
            "c79680ad7939113a973753185c32070bd57b981702cce125f8b34d6a539d453c",
            "257b50c57363cfca98b99f4bea8218fda70d8c7e32870493ac8c70c00fd1c296",
        ],
    ),
    (
        "benches/scenarios/strategy-talks.toml",
        [
            "6f62868b56ee9b5fd10fcdcb8c44a2aa126f652bbed85ea34a92eba6658531bf",
            "e65b060413eb68730cb5efd88c71d5e4da7e33c9cf1bd26ad8c47479e2ee2736",
            "b2daae58991e623502f4eaf7053a19ae776c1f0cfef5e7796058364a9cbb45bf",
        ],
    ),
    (
        "benches/scenarios/strategy-time_dependent.toml",
        [
            "d2784f103e8b348d46f632a3a2413d1f2f898eb6cba2ccd872cbfdb45be7780f",
            "cab08fe1ed9d3af60abe36a8073ecd88f3020d1eaebca422a9222684b85d1355",
            "15ce9c57ce09c4676d8bfefcc8a43f7c28671ea64e2e6df14b1b98b3bacb849f",
        ],
    ),
];

/// tournament.csv of the bundled scenario with four entrants a side.
const TOURNAMENT_PIN: &str = "5169b8828e47c5998e303cf8d4a1f36f718529d623ced380394870471dd0fc06";

fn load(file: &str) -> Loaded {
    let set = |path: &str, value: u64| Override {
        path: path.into(),
        value: value.to_string(),
    };
    scenario::load_file(
        std::path::Path::new(file),
        &[
            set("simulation.rounds", ROUNDS),
            set("simulation.seed", SEED),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn digests(file: &str) -> [String; 3] {
    let loaded = load(file);
    let totals = runner::run(&loaded.scenario, &|_| {});
    let files = output::run_files(&loaded.resolved, &loaded.scenario, &totals);
    let of = |name: &str| {
        let (_, bytes) = files.iter().find(|(n, _)| *n == name).unwrap();
        fingerprint(std::str::from_utf8(bytes).unwrap())
    };
    [of("summary.csv"), of("outcomes.csv"), of("times.csv")]
}

fn printing() -> bool {
    std::env::var_os("IMPASSE_PRINT_GOLDEN").is_some()
}

#[test]
fn every_scenario_gives_its_pinned_bytes() {
    let mut wrong = Vec::new();
    for (file, pins) in PINS {
        let got = digests(file);
        if printing() {
            println!("    (\"{file}\", {got:?}),");
        }
        for (k, name) in ["summary.csv", "outcomes.csv", "times.csv"]
            .iter()
            .enumerate()
        {
            if got[k] != pins[k] {
                wrong.push(format!("{file} {name}: {} (pinned {})", got[k], pins[k]));
            }
        }
    }
    assert!(wrong.is_empty(), "outputs changed:\n{}", wrong.join("\n"));
}

#[test]
fn every_scenario_file_is_pinned() {
    let mut files: Vec<String> = ["scenarios", "benches/scenarios"]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    files.sort();
    let mut pinned: Vec<String> = PINS.iter().map(|(f, _)| f.to_string()).collect();
    pinned.sort();
    assert_eq!(files, pinned);
}

#[test]
fn a_tournament_gives_its_pinned_bytes() {
    let loaded = load("scenarios/iran-p5plus1-2013.toml");
    let entrants = |specs: &[&str]| -> Vec<Entrant> {
        specs.iter().map(|s| Entrant::parse(s).unwrap()).collect()
    };
    let t = Tournament::new(
        &loaded.file,
        &loaded.resolved,
        [
            entrants(&["equilibrium", "never", "hazard:rate=0.1", "at_time:t=2"]),
            entrants(&[
                "equilibrium",
                "immediate",
                "hazard:rate=0.2",
                "at_time:t=4.5",
            ]),
        ],
    )
    .unwrap();
    let results = t.run(&|_| {});
    let got = fingerprint(std::str::from_utf8(&report::tournament(&t, &results)).unwrap());
    if printing() {
        println!("const TOURNAMENT_PIN: &str = \"{got}\";");
    }
    assert_eq!(got, TOURNAMENT_PIN, "tournament.csv changed");
}
