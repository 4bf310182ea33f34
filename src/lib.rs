//! impasse: a simulator of negotiation waiting games (wars of attrition, brinkmanship,
//! reputational bargaining) in exact continuous time.
//!
//! The pipeline, one module a stage:
//!
//! - [`scenario`]: read a TOML scenario, apply `--set` overrides, validate into a [`model::Scenario`].
//! - [`model`]: what a scenario means: lines, parties, outcomes, payoffs.
//! - [`strategy`]: when each party concedes.
//! - [`engine`]: one round as an event-driven simulation.
//! - [`runner`]: many rounds in parallel, reproducibly.
//! - [`aggregate`]: streaming, exactly mergeable statistics.
//! - [`output`]: CSV files, the manifest, the terminal table.
//! - [`predict`]: closed-form predictions for `impasse check`.

pub mod aggregate;
pub mod engine;
pub mod model;
pub mod output;
pub mod predict;
pub mod rng;
pub mod runner;
pub mod scenario;
pub mod shard;
pub mod slurm;
pub mod strategy;
pub mod sweep;
pub mod tournament;
