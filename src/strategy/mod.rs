//! The mathematics of the strategies that reason: the equilibrium hazard and the deadline and
//! talks games (`equilibrium`), the Bayesian war of attrition (`bayesian`), Abreu–Gul reputational
//! bargaining (`reputation`) and time-dependent demands (`time_dependent`). Each works on plain
//! numbers or model types; the `Strategy` enum itself and its catalogue are in `model`.

pub mod equilibrium;
pub mod reputation;
pub mod threshold;
pub mod time_dependent;
