//! impasse's integration tests, as one test binary: each file below is a module. One binary
//! links the library once, where a binary per file linked it (with the release profile's
//! link-time optimisation) twenty times over; `cargo test --release` shares its build with
//! `cargo run --release`. Run one file's tests with its name as a filter
//! (`cargo test --release theory::`).

mod common;

mod architecture;
mod audit;
mod browser;
mod campaign;
mod cli;
mod consistency;
mod determinism;
mod discover;
mod docs;
mod embedded;
mod engine_cases;
mod equilibrium;
mod fast_paths;
mod fuzz;
mod golden;
mod hardening;
mod integrity;
mod readme;
mod reference;
mod report;
mod sampled;
mod shard;
mod slurm;
mod sweep;
mod theory;
mod tournament;
mod types;
