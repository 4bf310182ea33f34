//! The raw mirror of a scenario file: exactly what TOML may say, with unknown fields refused.
//! Nothing here is checked beyond its type; `validate` turns it into a `model::Scenario`.
//!
//! Shorthands: a line may be a number (`pressure = 0.3`), a distribution a number (a constant),
//! a strategy a bare name (`strategy = "never"`).
//!
//! Its fields are the file's keys, one for one: each is documented once, in
//! docs/scenario-reference.md (which `tests/suite/docs.rs` checks against this parser), and its
//! meaning in the validated `model`, so they carry no doc comments of their own here.
#![allow(missing_docs)]

use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub title: Option<String>,
    pub description: Option<String>,
    /// What one unit of time is, for tables and figures: "weeks".
    pub time_unit: Option<String>,
    #[serde(default)]
    pub parties: IndexMap<String, RawParty>,
    pub deadline: Option<RawDeadline>,
    pub breakdown: Option<RawBreakdown>,
    pub simultaneous: Option<RawSimultaneous>,
    pub talks: Option<RawTalks>,
    #[serde(default)]
    pub event: Vec<RawEvent>,
    pub simulation: Option<RawSimulation>,
    /// The design `impasse sweep` uses by default; `run` ignores it.
    pub sweep: Option<RawSweep>,
    /// The entrants `impasse tournament` uses by default; `run` ignores it.
    pub tournament: Option<RawTournament>,
    /// The deviations `impasse audit` tries by default; `run` ignores it.
    pub audit: Option<RawAudit>,
    /// Written by impasse into manifest.toml (version, shard); read and ignored.
    pub manifest: Option<toml::Table>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawParty {
    pub label: Option<String>,
    pub stake: f64,
    pub demand: Option<f64>,
    pub discount_rate: Option<f64>,
    pub pressure: Option<RawLine>,
    pub leverage: Option<RawLine>,
    pub breakdown_cost: Option<f64>,
    pub audience_cost: Option<RawLine>,
    pub status_quo: Option<f64>,
    pub deadline: Option<RawPartyDeadline>,
    pub resolve: Option<RawDist>,
    /// Belief about the opponent's resolve (default: its true distribution).
    pub belief: Option<RawDist>,
    pub strategy: RawStrategy,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeadline {
    pub at: f64,
    pub breakdown_probability: Option<f64>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPartyDeadline {
    pub at: f64,
    pub action: RawDeadlineAction,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RawDeadlineAction {
    WalkOut,
    Concede,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBreakdown {
    pub hazard: Option<RawLine>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTalks {
    pub every: f64,
    pub first: Option<f64>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RawSimultaneous {
    Split,
    StatusQuo,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub name: String,
    pub at: Option<f64>,
    pub rate: Option<f64>,
    pub max: Option<u32>,
    pub party: Option<String>,
    #[serde(default)]
    pub effects: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    pub rounds: Option<u64>,
    pub seed: Option<u64>,
    pub horizon: Option<f64>,
    pub bins: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    pub design: Option<String>,
    pub points: Option<u64>,
    /// `"dotted.path" = "SPEC"`
    #[serde(default)]
    pub vary: IndexMap<String, String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawAudit {
    /// Equal steps over [0, the end of the game].
    pub grid: Option<u64>,
    /// More times to try.
    #[serde(default)]
    pub at: Vec<f64>,
    /// Whether to try the best rule that waits for random events (default: yes).
    pub history: Option<bool>,
    /// Types audited per party whose type is private (default 5; 0: none).
    pub types: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawTournament {
    /// Per party id: strategy specs (`"hazard:rate=0.1"`) or strategy tables.
    #[serde(default)]
    pub entrants: IndexMap<String, Vec<toml::Value>>,
    /// How many extreme equilibria of the meta-game to enumerate at most.
    pub max_equilibria: Option<u64>,
}

/// `initial + growth * t`; a bare number is a constant.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct RawLine {
    pub initial: f64,
    pub growth: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLineTable {
    #[serde(default)]
    initial: f64,
    #[serde(default)]
    growth: f64,
}

impl From<RawLineTable> for RawLine {
    fn from(t: RawLineTable) -> RawLine {
        RawLine {
            initial: t.initial,
            growth: t.growth,
        }
    }
}

impl<'de> Deserialize<'de> for RawLine {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number_or_table::<D, RawLineTable, _>(
            d,
            "a number or a table `{ initial = .., growth = .. }`",
            |v| RawLine {
                initial: v,
                growth: 0.0,
            },
        )
    }
}

/// The shorthand of lines and distributions: a number (made into a value by `from_number`), or
/// the table form `Table`, with its own field checks.
fn number_or_table<'de, D, Table, T>(
    d: D,
    expecting: &'static str,
    from_number: fn(f64) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    Table: Deserialize<'de> + Into<T>,
{
    struct V<Table, T> {
        expecting: &'static str,
        from_number: fn(f64) -> T,
        table: std::marker::PhantomData<Table>,
    }
    impl<'de, Table: Deserialize<'de> + Into<T>, T> Visitor<'de> for V<Table, T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
            Ok((self.from_number)(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            self.visit_f64(v as f64)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            self.visit_f64(v as f64)
        }
        fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<T, A::Error> {
            Table::deserialize(de::value::MapAccessDeserializer::new(m)).map(Into::into)
        }
    }
    d.deserialize_any(V {
        expecting,
        from_number,
        table: std::marker::PhantomData::<Table>,
    })
}

/// A type distribution: `{ distribution = "uniform", low = 0, high = 1 }`, or a number.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(tag = "distribution", rename_all = "lowercase", deny_unknown_fields)]
pub enum RawDistTable {
    Constant { value: f64 },
    Uniform { low: f64, high: f64 },
    Normal { mean: f64, sd: f64 },
    Lognormal { mu: f64, sigma: f64 },
    Exponential { mean: f64 },
    Gamma { shape: f64, scale: f64 },
    Beta { alpha: f64, beta: f64 },
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(transparent)]
pub struct RawDist(pub RawDistTable);

impl From<RawDistTable> for RawDist {
    fn from(t: RawDistTable) -> RawDist {
        RawDist(t)
    }
}

impl<'de> Deserialize<'de> for RawDist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number_or_table::<D, RawDistTable, _>(
            d,
            "a number or a table `{ distribution = \"..\", .. }`",
            |v| RawDist(RawDistTable::Constant { value: v }),
        )
    }
}

/// A strategy: `"equilibrium"` or `{ kind = "hazard", rate = 0.1 }`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawStrategyTable {
    // Struct variants even without fields: serde lets unit variants of an internally tagged
    // enum ignore unknown fields, and `{ kind = "never", rate = 1 }` must be refused.
    Never {},
    Immediate {},
    AtTime {
        t: f64,
    },
    Hazard {
        rate: f64,
        growth: Option<f64>,
    },
    Threshold {
        fraction: f64,
    },
    Equilibrium {},
    TimeDependent {
        e: f64,
        reservation: f64,
        by: Option<f64>,
    },
    Reputation {
        obstinate: f64,
    },
    Bayesian {
        pivot: Option<f64>,
    },
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(transparent)]
pub struct RawStrategy(pub RawStrategyTable);

impl<'de> Deserialize<'de> for RawStrategy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawStrategy;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a strategy name or a table `{ kind = \"..\", .. }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawStrategy, E> {
                let map = std::collections::BTreeMap::from([("kind", v)]);
                RawStrategyTable::deserialize(map.into_deserializer()).map(RawStrategy)
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<RawStrategy, A::Error> {
                RawStrategyTable::deserialize(de::value::MapAccessDeserializer::new(m))
                    .map(RawStrategy)
            }
        }
        d.deserialize_any(V)
    }
}
