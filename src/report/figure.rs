//! What every figure and page is made of: a `Figure`, the `ReportError` drawing one can end in,
//! text made safe for HTML (`escape`), the times a time axis marks (`marks`) and a number as a
//! table shows it (`short`).

use crate::model::{DeadlineKind, EventTiming, Scenario};

/// One figure: its id (`survival`), caption and SVG.
pub struct Figure {
    /// Its id: the `<figure id>` and the file's name in figures/.
    pub id: String,
    /// What it shows, under it.
    pub caption: String,
    /// The drawing.
    pub svg: String,
}

/// Why a report could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A directory that holds no result.
    #[error(
        "{0}: not a result directory (no outcomes.csv, sweep.csv, tournament.csv or audit.csv in it)"
    )]
    NotAResult(String),
    /// A file it reads is not what it should be.
    #[error("{file}: {why}")]
    Unreadable {
        /// The file.
        file: String,
        /// Why.
        why: String,
    },
    /// plotters could not draw.
    #[error("drawing a figure: {0}")]
    Drawing(String),
    /// Writing the figures or the page failed.
    #[error("cannot write the report")]
    Io(#[from] std::io::Error),
}

/// Text for HTML.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The times worth marking on a time axis: the deadlines and every scheduled event.
pub(super) fn marks(sc: &Scenario) -> Vec<(f64, String)> {
    let mut m: Vec<(f64, String)> = sc
        .events
        .iter()
        .filter_map(|e| match e.when {
            EventTiming::At(t) => Some((t, e.name.clone())),
            EventTiming::Poisson { .. } => None,
        })
        .collect();
    for (at, kind) in sc.deadlines() {
        let name = match kind {
            DeadlineKind::Own { party, .. } => format!("{}'s deadline", sc.parties[party].label),
            DeadlineKind::Global { .. } => "deadline".into(),
        };
        m.push((at, name));
    }
    m
}

/// A CSV number in four decimals (empty stays empty).
pub(super) fn short(s: &str) -> String {
    match s.parse::<f64>() {
        Ok(x) => format!("{x:.4}"),
        Err(_) => escape(s),
    }
}

/// A varied path as an axis names it, with its unit: `parties.iran.pressure.initial` is "Iran's
/// pressure at the start (per week)", `deadline.at` "the deadline (weeks)".
pub(super) fn path_name(path: &str, sc: &Scenario) -> String {
    let unit = sc.time_unit.as_str();
    let per = format!("per {}", unit.strip_suffix('s').unwrap_or(unit));
    let parts: Vec<&str> = path.split('.').collect();
    let (who, rest) = match parts.as_slice() {
        ["parties", id, rest @ ..] => {
            let label = sc
                .parties
                .iter()
                .find(|p| p.id == *id)
                .map_or(id.to_string(), |p| p.label.clone());
            (format!("{label}'s "), rest.to_vec())
        }
        rest => ("the ".to_string(), rest.to_vec()),
    };
    let Some((field, tail)) = rest.split_first() else {
        return path.to_string();
    };
    let unit_of = match *field {
        "deadline" => format!("({unit})"),
        "pressure" | "discount_rate" | "hazard" | "rate" | "breakdown" => format!("({per})"),
        "talks" => format!("({unit})"),
        _ => String::new(),
    };
    let mut name = format!("{who}{}", field.replace('_', " "));
    match tail {
        ["initial"] => name.push_str(" at the start"),
        ["growth"] => return format!("{name}: its growth {per}"),
        ["at"] => {}
        [] => {}
        more => name.push_str(&format!(" {}", more.join(" ").replace('_', " "))),
    }
    if unit_of.is_empty() {
        name
    } else {
        format!("{name} {unit_of}")
    }
}
