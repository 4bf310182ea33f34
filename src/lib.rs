//! impasse: a simulator of negotiation waiting games (wars of attrition, brinkmanship,
//! reputational bargaining) in exact continuous time. What a scenario means is written in
//! `docs/model.md`; how to add to it, in `docs/extending.md`.
//!
//! The pipeline, one module a stage:
//!
//! - [`scenario`]: read a TOML scenario, apply `--set` overrides, validate into a [`model::Scenario`].
//! - [`model`]: what a scenario means: lines, parties, strategies, outcomes, payoffs.
//! - [`engine`]: one round as an event-driven simulation.
//! - [`runner`]: many rounds in parallel, reproducibly.
//! - [`aggregate`]: streaming, exactly mergeable statistics.
//! - [`output`]: CSV files, the manifest, the terminal tables.
//!
//! Beside it: [`strategy`], the mathematics of the strategies that reason (equilibria solved from
//! the scenario); [`rate`], hazards and their exact integrals; [`numeric`], the root finders and
//! quadrature they use; [`rng`], the per-round streams; [`predict`], closed-form predictions for
//! `impasse check`.
//!
//! Built on it:
//!
//! - [`sweep`]: one scenario over a design of parameter points, resumable.
//! - [`tournament`]: every entrant against every other with common random numbers; the meta-game.
//! - [`audit`]: how much each party could gain by deviating from its strategy.
//! - [`discover`]: scenario discovery (PRIM) over a sweep's points; a Sobol' sweep's indices are
//!   in [`sweep::sensitivity`], and both read [`sweep::results`].
//! - [`shard`]: any run, sweep or tournament in slices that merge back exactly; [`slurm`] writes
//!   the job scripts.
//! - [`cli`]: the commands, as the `impasse` binary and the Python package (`python/`) run them.
//!
//! Each module imports only from those below it, and no file imports one that imports it back
//! (`tests/suite/architecture.rs`). Every public item is documented (`missing_docs`).

#![warn(missing_docs)]

pub mod aggregate;
pub mod audit;
pub mod cli;
pub mod discover;
pub mod engine;
pub mod model;
pub mod numeric;
pub mod output;
pub mod predict;
pub mod rate;
pub mod report;
pub mod rng;
pub mod runner;
pub mod scenario;
pub mod shard;
pub mod slurm;
pub mod strategy;
pub mod sweep;
pub mod tournament;
