//! `--set PATH=VALUE`: change any scenario field by its dotted path, on the parsed TOML tree.
//!
//! VALUE is read as a TOML value (`0.02`, `"text"`, `{ kind = "hazard", rate = 0.1 }`); anything
//! that is not one is taken as a string, so `--set parties.iran.strategy=never` works. Missing
//! tables on the way are created. A number where the path goes on to `initial` or `growth`
//! becomes the line `{ initial = number }`, and a string where the path goes deeper becomes
//! `{ kind = string }`, so the shorthands of the file can be refined from the command line.
//! Array elements (`[[event]]`) are reached by index: `event.0.at` or `event[0].at`.

use std::str::FromStr;

use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

use super::error::{ScenarioError, clip};

/// No scenario field lies deeper than this (`event.0.effect.pressure.growth` is 5); a longer
/// path is refused before anything walks it.
pub const MAX_DEPTH: usize = 8;

/// A message if `path` has more segments than any scenario field (a path that deep could only
/// overflow the stack of the TOML writer), else `None`.
pub fn too_deep(path: &str) -> Option<String> {
    // Every caller quotes the path (shortened) before this message, so it need not.
    let depth = path.split('.').count();
    (depth > MAX_DEPTH).then(|| {
        format!(
            "the path has {depth} segments; no scenario field is deeper than {MAX_DEPTH} \
             (e.g. parties.iran.pressure.growth)"
        )
    })
}

/// `--set PATH=VALUE`: a scenario field by its dotted path, and the value as TOML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    /// The dotted path (`parties.iran.pressure.growth`, `event.0.at`).
    pub path: String,
    /// The value, as TOML text (`0.02`, `"never"`, `{ initial = 1, growth = 0 }`).
    pub value: String,
}

impl FromStr for Override {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (path, value) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}` is not PATH=VALUE (e.g. parties.iran.stake=2)"))?;
        let path = path.trim();
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!(
                "`{path}` is not a dotted path (e.g. parties.iran.stake)"
            ));
        }
        // Depth is checked when the override is applied, where the message can quote the path
        // shortened (clap would echo all of it).
        Ok(Override {
            path: path.replace('[', ".").replace(']', ""),
            value: value.trim().to_string(),
        })
    }
}

impl Override {
    /// Set the field in the parsed TOML, creating tables on the way; refuse a path into a value.
    pub fn apply(&self, doc: &mut DocumentMut) -> Result<(), ScenarioError> {
        let value = self
            .value
            .parse::<Value>()
            .unwrap_or_else(|_| Value::from(self.value.as_str()));
        if let Some(message) = too_deep(&self.path) {
            return Err(self.error(message));
        }
        let segs: Vec<&str> = self.path.split('.').collect();
        if segs[0] == "parties" && segs.len() >= 2 {
            let known = doc
                .get("parties")
                .and_then(Item::as_table_like)
                .is_some_and(|t| t.contains_key(segs[1]));
            if !known {
                let ids: Vec<String> = doc
                    .get("parties")
                    .and_then(Item::as_table_like)
                    .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
                    .unwrap_or_default();
                return Err(self.error(format!(
                    "there is no party `{}` (parties: {})",
                    segs[1],
                    ids.join(", ")
                )));
            }
        }
        set_in_table(doc.as_table_mut(), &segs, value).map_err(|m| self.error(m))
    }

    fn error(&self, message: String) -> ScenarioError {
        ScenarioError::Override {
            spec: clip(&self.to_string()),
            message,
        }
    }
}

fn set_in_table(t: &mut Table, segs: &[&str], value: Value) -> Result<(), String> {
    let missing = !t.contains_key(segs[0]);
    if missing && segs.len() > 1 && segs[1].parse::<usize>().is_ok() {
        return Err(format!(
            "there is no `{}` {}: the scenario has no `{}` at all (add [[{}]] tables to the file)",
            segs[0], segs[1], segs[0], segs[0]
        ));
    }
    let item = t.entry(segs[0]).or_insert(Item::None);
    if item.is_none() && segs.len() > 1 {
        *item = Item::Table(Table::new());
    }
    set_in_item(item, &segs[1..], value)
}

fn set_in_item(item: &mut Item, segs: &[&str], value: Value) -> Result<(), String> {
    let Some((&seg, rest)) = segs.split_first() else {
        let decor = item.as_value().map(|v| v.decor().clone());
        let mut value = value;
        if let Some(d) = decor {
            *value.decor_mut() = d;
        }
        *item = Item::Value(value);
        return Ok(());
    };
    promote(item, seg);
    match item {
        Item::Table(t) => set_in_table(t, segs, value),
        Item::ArrayOfTables(a) => {
            let len = a.len();
            let t =
                index(seg, len).and_then(|i| a.get_mut(i).ok_or_else(|| out_of_range(i, len)))?;
            if rest.is_empty() {
                return Err("cannot replace a whole [[table]] from the command line".into());
            }
            set_in_table(t, rest, value)
        }
        Item::Value(v) => set_in_value(v, segs, value),
        Item::None => unreachable!("created above"),
    }
}

fn set_in_value(v: &mut Value, segs: &[&str], value: Value) -> Result<(), String> {
    let Some((&seg, rest)) = segs.split_first() else {
        let decor = v.decor().clone();
        *v = value;
        *v.decor_mut() = decor;
        return Ok(());
    };
    promote_value(v, seg);
    match v {
        Value::InlineTable(t) => {
            if !t.contains_key(seg) {
                let fresh = if rest.is_empty() {
                    value.clone()
                } else {
                    Value::InlineTable(InlineTable::new())
                };
                t.insert(seg, fresh);
            }
            set_in_value(t.get_mut(seg).expect("inserted"), rest, value)
        }
        Value::Array(a) => {
            let len = a.len();
            let i = index(seg, len)?;
            let elem = a.get_mut(i).ok_or_else(|| out_of_range(i, len))?;
            set_in_value(elem, rest, value)
        }
        other => Err(format!(
            "`{}` is a {}, which has no field `{seg}`",
            other.to_string().trim(),
            other.type_name()
        )),
    }
}

/// Refine a shorthand so that the path can go on into it.
fn promote(item: &mut Item, next: &str) {
    if let Item::Value(v) = item {
        promote_value(v, next);
    }
}

fn promote_value(v: &mut Value, next: &str) {
    let replacement = match v {
        Value::Float(_) | Value::Integer(_) if next == "initial" || next == "growth" => {
            let mut t = InlineTable::new();
            t.insert("initial", strip(v.clone()));
            Some(t)
        }
        Value::String(_) => {
            let mut t = InlineTable::new();
            t.insert("kind", strip(v.clone()));
            Some(t)
        }
        _ => None,
    };
    if let Some(mut t) = replacement {
        *t.decor_mut() = v.decor().clone();
        *v = Value::InlineTable(t);
    }
}

fn strip(mut v: Value) -> Value {
    v.decor_mut().clear();
    v
}

fn index(seg: &str, len: usize) -> Result<usize, String> {
    seg.parse()
        .map_err(|_| format!("`{seg}` is not an index into a list of {len}"))
}

fn out_of_range(i: usize, len: usize) -> String {
    format!("index {i} is out of range: the list has {len} element(s), numbered from 0")
}

impl std::fmt::Display for Override {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
}
