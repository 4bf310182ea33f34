//! The checks every field of a scenario goes through: a number in its domain and within
//! `MAX_MAGNITUDE`, a line, a type distribution. Each failure is an `Invalid` naming the field's
//! dotted path, the value and what is allowed; the loader turns the path into a line and column.

use rand_distr::{Beta, Exp, Gamma, LogNormal, Normal, Uniform};

use super::raw::{RawDist, RawDistTable, RawLine};
use crate::model::{Domain, Line, Resolve};

/// A field that holds a value it may not.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub path: String,
    pub message: String,
}

/// A check's result.
pub type R<T> = Result<T, Invalid>;

pub(super) fn invalid<T>(path: impl Into<String>, message: impl Into<String>) -> R<T> {
    Err(Invalid {
        path: path.into(),
        message: message.into(),
    })
}

/// The domains numbers are checked against.
#[derive(Clone, Copy)]
pub(super) enum Dom {
    Any,
    Positive,
    NonNegative,
    /// `[0, 1]`
    Unit,
    /// `(0, 1]`
    Share,
}

/// No scenario number may exceed this in size: payoffs are sums and products of them, and their
/// statistics square the payoffs, so much larger numbers would overflow an f64 or lose every
/// digit of a spread. Rescale the units instead (millions of dollars, not dollars).
pub const MAX_MAGNITUDE: f64 = 1e12;

pub(super) fn num(path: &str, v: f64, d: Dom) -> R<f64> {
    if !v.is_finite() {
        return invalid(path, format!("must be a finite number, got {v:?}"));
    }
    if v.abs() > MAX_MAGNITUDE {
        return invalid(
            path,
            format!(
                "must be within ±1e12 (larger numbers overflow the payoff statistics; rescale the \
                 units), got {v:?}"
            ),
        );
    }
    let (ok, allowed) = match d {
        Dom::Any => (true, ""),
        Dom::Positive => (v > 0.0, "must be > 0"),
        Dom::NonNegative => (v >= 0.0, "must be >= 0"),
        Dom::Unit => ((0.0..=1.0).contains(&v), "must be in [0, 1]"),
        Dom::Share => (v > 0.0 && v <= 1.0, "must be in (0, 1]"),
    };
    if ok {
        Ok(v)
    } else {
        invalid(path, format!("{allowed}, got {v:?}"))
    }
}

pub(super) fn line(path: &str, raw: Option<RawLine>, domain: Domain) -> R<Line> {
    let Some(l) = raw else {
        return Ok(Line::ZERO);
    };
    let d = match domain {
        Domain::NonNegative => Dom::NonNegative,
        Domain::Unit => Dom::Unit,
    };
    Ok(Line {
        initial: num(&format!("{path}.initial"), l.initial, d)?,
        growth: num(&format!("{path}.growth"), l.growth, Dom::Any)?,
    })
}

pub(super) fn resolve(path: &str, raw: Option<&RawDist>) -> R<Resolve> {
    let Some(RawDist(d)) = raw else {
        return Ok(Resolve::Constant(1.0));
    };
    let f = |k: &str| format!("{path}.{k}");
    Ok(match *d {
        RawDistTable::Constant { value } => {
            Resolve::Constant(num(&f("value"), value, Dom::Positive)?)
        }
        RawDistTable::Uniform { low, high } => {
            num(&f("low"), low, Dom::NonNegative)?;
            num(&f("high"), high, Dom::Positive)?;
            if high <= low {
                return invalid(f("high"), format!("must be > low ({low}), got {high}"));
            }
            Resolve::Uniform {
                low,
                high,
                d: Uniform::new(low, high).expect("checked low < high, both finite"),
            }
        }
        RawDistTable::Normal { mean, sd } => {
            num(&f("mean"), mean, Dom::Any)?;
            num(&f("sd"), sd, Dom::Positive)?;
            if mean < -2.0 * sd {
                return invalid(
                    f("mean"),
                    format!(
                        "the normal is truncated at 0, so its mean must be >= -2 sd ({}), got {mean}",
                        -2.0 * sd
                    ),
                );
            }
            Resolve::Normal {
                mean,
                sd,
                d: Normal::new(mean, sd).expect("checked sd > 0"),
            }
        }
        RawDistTable::Lognormal { mu, sigma } => {
            num(&f("mu"), mu, Dom::Any)?;
            num(&f("sigma"), sigma, Dom::NonNegative)?;
            // Its 1e-9 and 1 - 1e-9 quantiles, e^(mu ± 6 sigma), must be numbers a payoff holds.
            if (mu.abs() + 6.0 * sigma) > 27.0 {
                return invalid(
                    f("mu"),
                    format!(
                        "|mu| + 6 sigma must be at most 27 (e^27 is about 5e11), got mu {mu:?}, \
                         sigma {sigma:?}"
                    ),
                );
            }
            Resolve::LogNormal {
                mu,
                sigma,
                d: LogNormal::new(mu, sigma).expect("checked sigma >= 0"),
            }
        }
        RawDistTable::Exponential { mean } => Resolve::Exponential {
            mean: num(&f("mean"), mean, Dom::Positive)?,
            d: Exp::new(1.0 / mean).expect("checked mean > 0"),
        },
        RawDistTable::Gamma { shape, scale } => Resolve::Gamma {
            shape: {
                // Its quantiles cost in proportion to the shape; above 1e4 (a coefficient of
                // variation of 1 %) a normal or a constant says the same.
                let shape = num(&f("shape"), shape, Dom::Positive)?;
                if shape > 1e4 {
                    return invalid(
                        f("shape"),
                        format!(
                            "must be at most 1e4 (above, the gamma is a normal with a coefficient \
                             of variation under 1 %: use distribution = \"normal\"), got {shape:?}"
                        ),
                    );
                }
                shape
            },
            scale: num(&f("scale"), scale, Dom::Positive)?,
            d: Gamma::new(shape, scale).expect("checked shape, scale > 0"),
        },
        RawDistTable::Beta { alpha, beta } => Resolve::Beta {
            alpha: num(&f("alpha"), alpha, Dom::Positive)?,
            beta: num(&f("beta"), beta, Dom::Positive)?,
            d: Beta::new(alpha, beta).expect("checked alpha, beta > 0"),
        },
    })
}
