//! Reports: the figures of a result and one self-contained page, `report.html`, drawn from the
//! result directory's files alone (its CSV files and the scenario in its manifest), so that a
//! merged result, or one written by an older version, gets one too.
//!
//! `write` finds what the directory holds (a run, a sweep, a tournament, an audit), draws its
//! figures (`run`, `sweep`, `tournament`, `audit`, with `plot`'s charts) as SVG into `figures/`,
//! and writes the page with every figure inline, a headline table and links to the files. The
//! page fetches nothing: no script, no style sheet, no font; it reads offline and prints.

mod analysis;
mod audit;
mod data;
mod figure;
mod plot;
mod run;
mod sweep;
mod tournament;

use std::path::Path;

pub use figure::{Figure, ReportError};

use crate::model::Scenario;
use crate::scenario;
use figure::escape;

/// What a result directory holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `impasse run`'s (outcomes.csv).
    Run,
    /// `impasse sweep`'s (sweep.csv).
    Sweep,
    /// `impasse tournament`'s (tournament.csv).
    Tournament,
    /// `impasse audit`'s (audit.csv).
    Audit,
}

impl Kind {
    /// What `dir` holds, by the files in it.
    pub fn of(dir: &Path) -> Option<Kind> {
        [
            ("audit.csv", Kind::Audit),
            ("tournament.csv", Kind::Tournament),
            ("sweep.csv", Kind::Sweep),
            ("outcomes.csv", Kind::Run),
        ]
        .into_iter()
        .find(|(f, _)| dir.join(f).is_file())
        .map(|(_, k)| k)
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Sweep => "sweep",
            Kind::Tournament => "tournament",
            Kind::Audit => "audit",
        }
    }
}

fn scenario_of(dir: &Path) -> Result<Scenario, ReportError> {
    let path = dir.join("manifest.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| ReportError::Unreadable {
        file: path.display().to_string(),
        why: e.to_string(),
    })?;
    scenario::load_str(&path.display().to_string(), &text, &[])
        .map(|l| l.scenario)
        .map_err(|e| ReportError::Unreadable {
            file: path.display().to_string(),
            why: e.to_string(),
        })
}

/// Draw the report of `dir`: its figures into `dir/figures/*.svg` and `dir/report.html`.
/// Returns the figures' ids.
pub fn write(dir: &Path) -> Result<Vec<String>, ReportError> {
    let kind = Kind::of(dir).ok_or_else(|| ReportError::NotAResult(dir.display().to_string()))?;
    let sc = scenario_of(dir)?;
    let (headline, figures) = match kind {
        Kind::Run => run::figures(dir, &sc)?,
        Kind::Sweep => sweep::figures(dir, &sc)?,
        Kind::Tournament => tournament::figures(dir, &sc)?,
        Kind::Audit => audit::figures(dir, &sc)?,
    };
    // A figure's id names its file: one made from a file's text (a sweep's metric and party)
    // must be a plain name, never a path ("c/st_mean" in an edited sweep.csv).
    if let Some(f) = figures.iter().find(|f| {
        f.id.is_empty()
            || !f
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }) {
        return Err(ReportError::Unreadable {
            file: dir.display().to_string(),
            why: format!(
                "a metric or party named in its files (`{}`) is not one impasse writes: edited or \
                 damaged; write them again with the command that made them",
                f.id
            ),
        });
    }
    let svgs: Vec<(String, Vec<u8>)> = figures
        .iter()
        .map(|f| (format!("{}.svg", f.id), f.svg.clone().into_bytes()))
        .collect();
    let named: Vec<(&str, Vec<u8>)> = svgs.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    crate::output::write_files(&dir.join("figures"), &named)?;
    let html = page(dir, &sc, kind, &headline, &figures).into_bytes();
    crate::output::write_files(dir, &[("report.html", html)])?;
    Ok(figures.into_iter().map(|f| f.id).collect())
}

const STYLE: &str = "body{font-family:sans-serif;max-width:760px;margin:2em auto;color:#222;\
line-height:1.4}h1{font-size:1.5em}figure{margin:1.5em 0;page-break-inside:avoid}\
figcaption{font-size:.9em;color:#444}table{border-collapse:collapse;margin:1em 0}\
td,th{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:left}\
svg{max-width:100%;height:auto}summary{cursor:pointer;font-weight:bold;margin:1em 0}\
@media print{body{margin:0}}";

/// How many figures a page shows open; the rest are folded.
const OPEN_FIGURES: usize = 4;

/// One figure, inline.
fn figure_html(f: &Figure) -> String {
    // Inline SVG needs no namespace declaration in HTML: leave out the only URL it holds.
    let svg = f.svg.replace(" xmlns=\"http://www.w3.org/2000/svg\"", "");
    format!(
        "<figure id=\"{}\">\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n",
        escape(&f.id),
        escape(&f.caption)
    )
}

fn page(dir: &Path, sc: &Scenario, kind: Kind, headline: &str, figures: &[Figure]) -> String {
    let title = sc.title.clone().unwrap_or_else(|| "scenario".into());
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{t}: {k}</title><style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n",
        t = escape(&title),
        k = kind.name()
    );
    if let Some(d) = &sc.description {
        h.push_str(&format!("<p>{}</p>\n", escape(d)));
    }
    h.push_str(&format!(
        "<p>impasse {}: {} rounds, seed {}; time in {}.</p>\n{headline}\n",
        kind.name(),
        sc.simulation.rounds,
        sc.simulation.seed,
        escape(&sc.time_unit)
    ));
    // The answer first: the first figures open, the rest folded (`<details>`, no script).
    let (open, folded) = figures.split_at(figures.len().min(OPEN_FIGURES));
    for f in open {
        h.push_str(&figure_html(f));
    }
    if !folded.is_empty() {
        h.push_str(&format!(
            "<details><summary>{} more figures: {}</summary>\n",
            folded.len(),
            escape(
                &folded
                    .iter()
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        ));
        for f in folded {
            h.push_str(&figure_html(f));
        }
        h.push_str("</details>\n");
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".csv") || n == "manifest.toml")
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    h.push_str("<h2>Files</h2>\n<ul>\n");
    for n in &names {
        h.push_str(&format!(
            "<li><a href=\"{n}\">{n}</a></li>\n",
            n = escape(n)
        ));
    }
    for f in figures {
        h.push_str(&format!(
            "<li><a href=\"figures/{id}.svg\">figures/{id}.svg</a></li>\n",
            id = escape(&f.id)
        ));
    }
    h.push_str("</ul>\n</body></html>\n");
    h
}
