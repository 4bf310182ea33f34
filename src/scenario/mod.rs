//! Reading a scenario: TOML text → `--set` overrides → the raw serde mirror → a validated
//! `model::Scenario`.
//!
//! Overrides are applied to the parsed TOML tree (`toml_edit`), so every field is reachable by
//! its dotted path with no code per field, and the resolved text (overrides applied, comments
//! kept) is what the manifest records. Errors of every stage are a `ScenarioError` that names the
//! file, line and column, the field's path, the value and what is allowed.

mod check;
mod error;
mod events;
mod models;
mod overrides;
pub mod raw;
mod validate;

use std::path::Path;

pub use error::{ScenarioError, clip};
pub use events::effect;
pub use overrides::{Override, too_deep};
pub use validate::{DEFAULT_BINS, DEFAULT_ROUNDS, DEFAULT_SEED, validate};

use crate::model::Scenario;
use raw::RawScenario;

/// The bundled Iran–P5+1 scenario of January 2013, run when no scenario is given.
pub const BUNDLED: &str = include_str!("../../scenarios/iran-p5plus1-2013.toml");
/// The bundled scenario's file name, as results name it.
pub const BUNDLED_NAME: &str = "iran-p5plus1-2013.toml";

/// A scenario ready to run, with the text it was read from after overrides.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The validated scenario.
    pub scenario: Scenario,
    /// The TOML after overrides: a valid scenario that reproduces this one.
    pub resolved: String,
    /// The file's name as given (or the bundled scenario's name).
    pub file: String,
    /// The scenario's `[sweep]` table, for `impasse sweep`.
    pub sweep: Option<raw::RawSweep>,
    /// The scenario's `[tournament]` table, for `impasse tournament`.
    pub tournament: Option<raw::RawTournament>,
    /// The scenario's `[audit]` table, for `impasse audit`.
    pub audit: Option<raw::RawAudit>,
}

/// The largest scenario file read: far above any scenario (the bundled ones are under 10 kB), far
/// below what would exhaust memory.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Read and validate a scenario file.
pub fn load_file(path: &Path, overrides: &[Override]) -> Result<Loaded, ScenarioError> {
    use std::io::Read;
    let file = path.display().to_string();
    let read_err = |reason: String| ScenarioError::Read {
        file: file.clone(),
        reason,
    };
    if path.is_dir() {
        return Err(read_err(
            "is a directory; give the path of a scenario file (.toml)".into(),
        ));
    }
    let cannot = |e: std::io::Error| {
        read_err(match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => format!("cannot read: {e}"),
        })
    };
    // Read at most one byte past the limit: a device such as /dev/zero never ends.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(read_err(format!(
            "is larger than {} MiB: not a scenario file (a scenario is a page or two of TOML)",
            MAX_FILE_BYTES >> 20
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        read_err(format!(
            "is not UTF-8 text (invalid byte at offset {}); save the scenario as UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })?;
    load_str(&file, &text, overrides)
}

/// Read and validate scenario text; `file` names it in messages.
pub fn load_str(file: &str, text: &str, overrides: &[Override]) -> Result<Loaded, ScenarioError> {
    let invalid =
        |text: &str, span: Option<std::ops::Range<usize>>, path, message| ScenarioError::Invalid {
            file: file.to_string(),
            at: span.map(|s| line_col(text, s.start)),
            path,
            message,
        };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        let message = match first_line(e.message()) {
            "recursion limit" => format!(
                "keys, tables or values nest too deeply to read (no scenario field is more than \
                 {} deep)",
                overrides::MAX_DEPTH
            ),
            m => m.to_string(),
        };
        invalid(text, e.span(), None, message)
    })?;
    for o in overrides {
        o.apply(&mut doc)?;
    }
    let resolved = doc.to_string();
    // Errors in a field that an override set point at the override, not at a line.
    // Validation names array elements `event[1].rate`; overrides say `event.1.rate`.
    let dotted = |p: &str| p.replace('[', ".").replace(']', "");
    let blame = |path: &str, message: String| match overrides.iter().rev().find(|o| {
        let p = dotted(path);
        p.starts_with(&o.path) || o.path.starts_with(&p) && !p.is_empty()
    }) {
        Some(o) => ScenarioError::Override {
            spec: clip(&o.to_string()),
            message: format!("{path}: {message}"),
        },
        None => invalid(
            &resolved,
            locate(&resolved, path),
            Some(path.to_string()),
            message,
        ),
    };

    let de = toml::Deserializer::parse(&resolved).map_err(|e| {
        invalid(
            &resolved,
            e.span(),
            None,
            first_line(e.message()).to_string(),
        )
    })?;
    let raw: RawScenario = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = serde_path(e.path());
        let inner = e.into_inner();
        let message = with_suggestion(&plain_types(first_line(inner.message())));
        match blame(&path, message.clone()) {
            ScenarioError::Invalid { .. } if inner.span().is_some() => {
                invalid(&resolved, inner.span(), Some(path), message)
            }
            other => other,
        }
    })?;
    let scenario = validate(&raw).map_err(|e| blame(&e.path, e.message))?;
    Ok(Loaded {
        scenario,
        resolved,
        file: file.to_string(),
        sweep: raw.sweep,
        tournament: raw.tournament,
        audit: raw.audit,
    })
}

impl Loaded {
    /// An error in this scenario's field `path` found after validation (by a layer above this
    /// one, such as a strategy that has no equilibrium here), pointing at the field's line.
    pub fn refuse(&self, path: &str, message: String) -> ScenarioError {
        ScenarioError::Invalid {
            file: self.file.clone(),
            at: locate(&self.resolved, path).map(|s| line_col(&self.resolved, s.start)),
            path: Some(path.to_string()),
            message,
        }
    }
}

/// The bundled scenario with overrides.
pub fn load_bundled(overrides: &[Override]) -> Result<Loaded, ScenarioError> {
    load_str(BUNDLED_NAME, BUNDLED, overrides)
}

fn first_line(s: &str) -> &str {
    s.trim().lines().next().unwrap_or("").trim()
}

/// serde_path_to_error writes `event[0].at` as `event.0.at`-like segments; normalise to our
/// `event[0].at` form so every message uses one path syntax.
fn serde_path(p: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for seg in p.iter() {
        match seg {
            serde_path_to_error::Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            serde_path_to_error::Segment::Map { key }
            | serde_path_to_error::Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    out
}

/// serde names Rust types ("expected f64", "expected struct RawParty"); say what to write
/// instead.
fn plain_types(message: &str) -> String {
    let mut text = message
        .replace("expected f64", "expected a number")
        .replace("expected u64", "expected a whole number >= 0")
        .replace("expected u32", "expected a whole number >= 0")
        .replace("expected i64", "expected a whole number");
    // "expected struct RawParty": a table of the scenario's (docs/scenario-reference.md).
    while let Some(k) = text.find("expected struct Raw") {
        let end = text[k + 19..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(text.len(), |e| k + 19 + e);
        text.replace_range(k..end, "expected a table (see docs/scenario-reference.md)");
    }
    text
}

/// serde reports an unknown field or variant together with the ones it expected; add the
/// closest of those, which is nearly always what was meant.
fn with_suggestion(message: &str) -> String {
    let unknown = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|p| message.strip_prefix(p));
    let Some(rest) = unknown else {
        return message.to_string();
    };
    let Some((given, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let best = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|c| (strsim::jaro_winkler(given, c), c))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, c)) => format!("{message}; did you mean `{c}`?"),
        None => message.to_string(),
    }
}

/// Line and column (1-based, in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The span of the item at a dotted path such as `parties.iran.stake` or `event[1].effects[0]`,
/// or of its nearest ancestor that exists.
fn locate(text: &str, path: &str) -> Option<std::ops::Range<usize>> {
    use toml_edit::Item;
    // An array-of-tables element is a `Table`, not an `Item`, so the walk holds either.
    enum Node<'a> {
        Item(&'a Item),
        Table(&'a toml_edit::Table),
    }
    let doc: toml_edit::Document<&str> = toml_edit::Document::parse(text).ok()?;
    let mut node = Node::Item(doc.as_item());
    let mut best = None;
    for seg in path_segments(path) {
        let (next, span) = match (&node, seg) {
            (Node::Table(t), Seg::Key(k)) => match t.get(k) {
                Some(it) => (Node::Item(it), it.span()),
                None => break,
            },
            (Node::Table(_), Seg::Index(_)) => break,
            (Node::Item(Item::ArrayOfTables(a)), Seg::Index(i)) => match a.get(i) {
                Some(t) => (Node::Table(t), t.span()),
                None => break,
            },
            (Node::Item(it), Seg::Key(k)) => match it.get(k) {
                Some(c) => (Node::Item(c), c.span()),
                None => break,
            },
            (Node::Item(it), Seg::Index(i)) => match it.get(i) {
                Some(c) => (Node::Item(c), c.span()),
                None => break,
            },
        };
        best = span.or(best);
        node = next;
    }
    best
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn path_segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(Seg::Index(i));
            }
        }
    }
    out
}
