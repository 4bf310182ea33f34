//! Parameter sweeps: one scenario run at many parameter points.
//!
//! A `Design` (in `design`) lists the points; `Sweep` turns point `k` into a scenario (the base
//! scenario with each axis's value and the point's own seed set as overrides, so that
//! `impasse run --set PATH=VALUE ... --seed S` reproduces it) and runs the points in parallel,
//! each point's rounds in parallel too, on one rayon pool. Completed points go to a `Store` as
//! they finish, so a killed sweep resumes where it stopped.

pub mod design;
pub mod headline;
pub mod results;
pub mod sensitivity;
pub mod store;

pub use design::{Axis, Design, Kind, MAX_POINTS};
pub use store::{Store, StoreError};

use rayon::prelude::*;

use crate::output::{self, csv};
use crate::rng::derive_seed;
use crate::runner;
use crate::scenario::{self, Loaded, Override, ScenarioError, clip};

/// A sweep ready to run.
pub struct Sweep {
    /// The base scenario text (overrides applied) and its file name.
    pub base: String,
    /// The scenario file's name.
    pub file: String,
    /// The points.
    pub design: Design,
    /// The sweep's seed, from which each point's is derived.
    pub seed: u64,
    /// Rounds per point.
    pub rounds: u64,
}

/// Why a sweep stopped.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A point whose scenario is invalid.
    #[error("point {point} ({values}): {error}")]
    Point {
        /// The point's index.
        point: u64,
        /// Its varied paths' values.
        values: String,
        /// Why.
        error: Box<ScenarioError>,
    },
    /// The point store could not be opened or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the results failed.
    #[error("cannot write the sweep's results")]
    Io(#[from] std::io::Error),
}

/// A value as an override and a CSV cell: whole numbers as integers (so integer fields can be
/// swept), everything else as the shortest text that reads back to the same bits.
pub fn value_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        format!("{}", x as i64)
    } else {
        output::csv::float(x)
    }
}

impl Sweep {
    /// The sweep of `loaded`: its `[sweep]` table's axes, each of `vary` (`PATH=SPEC`) replacing
    /// the table's entry for its path, and the design kind and point count given or the table's.
    /// Each axis is checked alone at its extremes, so a bad path or value is reported against its
    /// axis before anything runs. The error is the message for the user.
    pub fn from_loaded(
        loaded: &Loaded,
        vary: &[String],
        design: Option<&str>,
        points: Option<u64>,
    ) -> Result<Sweep, String> {
        let table = loaded.sweep.clone().unwrap_or_default();
        let mut axes: Vec<Axis> = Vec::new();
        for (path, spec) in &table.vary {
            let axis = Axis::parse(&format!("{path}={spec}"))
                .map_err(|e| format!("[sweep] vary {:?} = {:?}: {e}", clip(path), clip(spec)))?;
            axes.push(axis);
        }
        for v in vary {
            let axis = Axis::parse(v).map_err(|e| format!("--vary {}: {e}", clip(v)))?;
            match axes.iter_mut().find(|x| x.path == axis.path) {
                Some(x) => *x = axis,
                None => axes.push(axis),
            }
        }
        let kind_text = design
            .map(str::to_string)
            .or(table.design)
            .unwrap_or_else(|| "grid".into());
        let kind = Kind::parse(&kind_text).map_err(|e| format!("--design: {e}"))?;
        let sim = &loaded.scenario.simulation;
        let design = Design::new(kind, axes, points.or(table.points), sim.seed)?;
        let sw = Sweep {
            base: loaded.resolved.clone(),
            file: loaded.file.clone(),
            design,
            seed: sim.seed,
            rounds: sim.rounds,
        };
        sw.check_axes().map_err(|(axis, e)| {
            let message = match e {
                ScenarioError::Override { message, .. } => message,
                other => other.to_string(),
            };
            format!("--vary {}: {message}", clip(&axis.to_string()))
        })?;
        Ok(sw)
    }

    /// Point `k`'s seed: derived from the sweep's seed and `k`, kept within what `--seed` takes.
    pub fn point_seed(&self, k: u64) -> u64 {
        derive_seed(self.seed, k) & (i64::MAX as u64)
    }

    /// The overrides that turn the base scenario into point `k`.
    pub fn overrides(&self, k: u64) -> Vec<Override> {
        let mut o: Vec<Override> = self
            .design
            .axes
            .iter()
            .zip(self.design.point(k))
            .map(|(a, v)| Override {
                path: a.path.clone(),
                value: value_text(v),
            })
            .collect();
        o.push(Override {
            path: "simulation.seed".into(),
            value: self.point_seed(k).to_string(),
        });
        o.push(Override {
            path: "simulation.rounds".into(),
            value: self.rounds.to_string(),
        });
        o
    }

    /// Point `k`'s scenario: the base with the point's values set, and its own seed.
    pub fn scenario(&self, k: u64) -> Result<Loaded, SweepError> {
        let point = |error| SweepError::Point {
            point: k,
            values: self.values_text(k),
            error: Box::new(error),
        };
        let loaded =
            scenario::load_str(&self.file, &self.base, &self.overrides(k)).map_err(point)?;
        // A point where `equilibrium` has no equilibrium to play (docs/model.md 6.1).
        runner::playable(&loaded).map_err(point)?;
        Ok(loaded)
    }

    fn values_text(&self, k: u64) -> String {
        let v = self.design.point(k);
        self.design
            .axes
            .iter()
            .zip(v)
            .map(|(a, x)| format!("{}={}", a.path, value_text(x)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Check each axis alone at its extreme values, so a bad path or value (or one where
    /// `equilibrium` has nothing to play, `runner::playable`) is reported against its `--vary` before
    /// anything runs. Returns the axis and the message.
    pub fn check_axes(&self) -> Result<(), (String, ScenarioError)> {
        for a in &self.design.axes {
            let values: Vec<f64> = match &a.spec {
                design::Spec::Grid { a, b, .. } | design::Spec::Range { a, b } => vec![*a, *b],
                design::Spec::List(v) => v.clone(),
            };
            for v in values {
                let o = Override {
                    path: a.path.clone(),
                    value: value_text(v),
                };
                let axis = || format!("{}={}", a.path, a.text);
                let loaded =
                    scenario::load_str(&self.file, &self.base, &[o]).map_err(|e| (axis(), e))?;
                runner::playable(&loaded).map_err(|e| (axis(), e))?;
            }
        }
        Ok(())
    }

    /// What identifies this sweep's results: the base scenario, the design, the seed, the rounds.
    pub fn fingerprint(&self) -> String {
        format!(
            "impasse sweep\nseed = {}\nrounds = {}\n{}\n--- scenario ---\n{}",
            self.seed,
            self.rounds,
            self.design.describe(),
            self.base
        )
    }

    /// Leading columns of every row: point, seed, then each varied path.
    pub fn prefix_header(&self) -> Vec<String> {
        let mut h = vec!["point".to_string(), "seed".to_string()];
        h.extend(self.design.axes.iter().map(|a| a.path.clone()));
        h
    }

    fn prefix(&self, k: u64) -> Vec<String> {
        let mut p = vec![k.to_string(), self.point_seed(k).to_string()];
        p.extend(self.design.point(k).into_iter().map(value_text));
        p
    }

    /// Run every point not yet in `store`, in parallel. `rounds_done` is told of rounds as they
    /// finish, `point_done` of each point.
    pub fn run(
        &self,
        store: &Store,
        rounds_done: &(dyn Fn(u64) + Sync),
        point_done: &(dyn Fn() + Sync),
    ) -> Result<(), SweepError> {
        self.run_points(0..self.design.points, store, rounds_done, point_done)
    }

    /// Run the points in `points` (a shard of the sweep) not yet in `store`.
    pub fn run_points(
        &self,
        points: std::ops::Range<u64>,
        store: &Store,
        rounds_done: &(dyn Fn(u64) + Sync),
        point_done: &(dyn Fn() + Sync),
    ) -> Result<(), SweepError> {
        points
            .into_par_iter()
            .filter(|&k| !store.is_done(k))
            .try_for_each(|k| {
                let loaded = self.scenario(k)?;
                let sc = &loaded.scenario;
                let report = runner::run(sc, rounds_done).report();
                let ids = [sc.parties[0].id.clone(), sc.parties[1].id.clone()];
                let prefix = self.prefix(k);
                store.save(
                    k,
                    &csv::rows_with_prefix(&prefix, &csv::summary_records(&report, &ids)),
                    &csv::rows_with_prefix(&prefix, &csv::outcome_records(&report, &ids)),
                )?;
                point_done();
                Ok(())
            })
    }

    /// Write sweep.csv and sweep_outcomes.csv from a complete store.
    pub fn assemble(&self, store: &Store, out: &std::path::Path) -> Result<(), SweepError> {
        let [summary, outcomes] = headers(&self.prefix_header());
        store.assemble(
            self.design.points,
            out,
            [("sweep.csv", &summary), ("sweep_outcomes.csv", &outcomes)],
        )?;
        Ok(())
    }
}

/// The header rows of sweep.csv and sweep_outcomes.csv.
pub fn headers(prefix: &[String]) -> [Vec<u8>; 2] {
    [
        csv::to_csv(&csv::SUMMARY_HEADER, prefix, &Vec::new()),
        csv::to_csv(&csv::OUTCOMES_HEADER, prefix, &Vec::new()),
    ]
}
