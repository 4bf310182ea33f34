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
