//! manifest.toml: what produced a run's files. It is the resolved scenario (overrides applied,
//! comments kept) with the effective `[simulation]` values written out and a `[manifest]` table
//! (version, command, shard) that the scenario reader accepts and ignores, so
//! `impasse run out/x/manifest.toml` reproduces the run.

use toml_edit::{DocumentMut, Item, Table, value};

use crate::model::Scenario;

/// manifest.toml for `command` run on the scenario text `resolved`: itself a scenario that
/// reproduces the run.
pub fn manifest(resolved: &str, sc: &Scenario, command: &str) -> Vec<u8> {
    manifest_with(resolved, sc, command, &[])
}

/// The manifest with extra top-level tables (a sweep's design) put in place of any the scenario
/// had under the same names.
pub fn manifest_with(
    resolved: &str,
    sc: &Scenario,
    command: &str,
    tables: &[(&str, Table)],
) -> Vec<u8> {
    let mut doc: DocumentMut = resolved
        .parse()
        .expect("the resolved scenario was parsed before");
    let sim = doc
        .entry("simulation")
        .or_insert(Item::Table(Table::new()))
        .as_table_like_mut()
        .expect("[simulation] is a table: the scenario validated");
    sim.insert("rounds", value(sc.simulation.rounds as i64));
    sim.insert("seed", value(sc.simulation.seed as i64));
    sim.insert("bins", value(i64::from(sc.simulation.bins)));
    let mut m = Table::new();
    m.decor_mut().set_prefix(
        "\n# Written by impasse: run this file as a scenario to reproduce the results beside it.\n",
    );
    m.insert("version", value(env!("CARGO_PKG_VERSION")));
    m.insert("command", value(command));
    for (name, t) in tables {
        doc.insert(name, Item::Table(t.clone()));
    }
    doc.insert("manifest", Item::Table(m));
    doc.to_string().into_bytes()
}
