//! Scenario discovery over a sweep (`impasse discover`): which region of the varied parameters
//! makes an outcome likely. The points of a sweep's `sweep.csv` whose metric meets a condition
//! (`breakdown_probability > 0.2`) are the points of interest; PRIM (`prim`) finds boxes in the
//! varied paths where they concentrate, with covering for further boxes. Writes
//! `prim_trajectory.csv`, `prim_boxes.csv` and `discover.toml` (what was asked) into the sweep's
//! directory.

pub mod prim;

use std::fmt::Write as _;
use std::path::Path;

use crate::output::{self, csv};
use crate::sweep::results::SweepTable;
pub use prim::{Prim, Settings, Step, Trajectory};

/// prim_trajectory.csv's columns.
pub const TRAJECTORY_HEADER: [&str; 6] =
    ["box", "step", "coverage", "density", "mass", "restricted"];
/// prim_boxes.csv's columns.
pub const BOXES_HEADER: [&str; 6] = ["box", "parameter", "low", "high", "qp_low", "qp_high"];

/// Why discovery could not run. `Usage` is the user's to fix (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// A bad condition or option, or a directory that is not a sweep's: the user's to fix.
    #[error("{0}")]
    Usage(String),
    /// Reading or writing the files failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

fn usage(s: impl Into<String>) -> DiscoverError {
    DiscoverError::Usage(s.into())
}

/// `METRIC[:PARTY] > X` (or `<`, `>=`, `<=`).
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// The metric, as summary.csv names it.
    pub metric: String,
    /// The party's key, or empty for a whole-game metric.
    pub party: String,
    /// The comparison.
    pub op: Op,
    /// The threshold.
    pub value: f64,
    /// The condition as the user wrote it.
    pub text: String,
}

/// How a condition compares a point's value with its threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `>`
    Above,
    /// `>=`
    AtLeast,
    /// `<`
    Below,
    /// `<=`
    AtMost,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Above => ">",
            Op::AtLeast => ">=",
            Op::Below => "<",
            Op::AtMost => "<=",
        }
    }
}

impl Condition {
    /// Parse `METRIC[:PARTY] OP X`; the error says what is wrong.
    pub fn parse(s: &str) -> Result<Condition, String> {
        let example =
            "e.g. --where 'breakdown_probability > 0.2' or 'concede_probability:iran < 0.5'";
        let pos = s
            .find(['<', '>'])
            .ok_or_else(|| format!("`{s}` has no comparison (> or <): {example}"))?;
        let (lhs, rest) = s.split_at(pos);
        let (op, rhs) = match (rest.as_bytes()[0], rest.as_bytes().get(1)) {
            (b'>', Some(b'=')) => (Op::AtLeast, &rest[2..]),
            (b'<', Some(b'=')) => (Op::AtMost, &rest[2..]),
            (b'>', _) => (Op::Above, &rest[1..]),
            _ => (Op::Below, &rest[1..]),
        };
        let lhs = lhs.trim();
        let (metric, party) = lhs.split_once(':').unwrap_or((lhs, ""));
        let (metric, party) = (metric.trim(), party.trim());
        if metric.is_empty() {
            return Err(format!("`{s}` names no metric: {example}"));
        }
        let value: f64 = rhs
            .trim()
            .parse()
            .map_err(|_| format!("`{}` is not a number (in `{s}`): {example}", rhs.trim()))?;
        if !value.is_finite() {
            return Err(format!(
                "`{}` is not a finite number (in `{s}`)",
                rhs.trim()
            ));
        }
        Ok(Condition {
            metric: metric.into(),
            party: party.into(),
            op,
            value,
            text: format!(
                "{}{} {} {}",
                metric,
                if party.is_empty() {
                    String::new()
                } else {
                    format!(":{party}")
                },
                op.symbol(),
                rhs.trim()
            ),
        })
    }

    /// Whether a value meets the condition.
    pub fn holds(&self, v: f64) -> bool {
        match self.op {
            Op::Above => v > self.value,
            Op::AtLeast => v >= self.value,
            Op::Below => v < self.value,
            Op::AtMost => v <= self.value,
        }
    }
}

/// A sweep's points: the varied paths' values (one column per path) and one metric's value.
pub struct Points {
    /// The varied paths.
    pub paths: Vec<String>,
    /// Each path's value at each point.
    pub x: Vec<Vec<f64>>,
    /// The condition's metric at each point.
    pub value: Vec<f64>,
}

/// Read the points of `dir/sweep.csv` with the value of `cond`'s metric (and party).
pub fn read_points(dir: &Path, cond: &Condition) -> Result<Points, DiscoverError> {
    let path = dir.join("sweep.csv");
    if !path.is_file() {
        return Err(usage(format!(
            "{}: not a sweep's directory (no sweep.csv in it); run `impasse sweep` first",
            dir.display()
        )));
    }
    let table = SweepTable::read(&path).map_err(usage)?;
    // The metrics in file order, each once, and the parties that have `cond`'s metric.
    let mut keys: Vec<String> = vec!["rounds".to_string()];
    let mut parties: Vec<String> = Vec::new();
    for (metric, party) in table.metrics.keys() {
        if !keys.contains(metric) {
            keys.push(metric.clone());
        }
        if *metric == cond.metric && !party.is_empty() && !parties.contains(party) {
            parties.push(party.clone());
        }
    }
    let value: Vec<f64> = if cond.metric == "rounds" {
        table.rounds.clone()
    } else {
        let key = (cond.metric.clone(), cond.party.clone());
        table.metrics.get(&key).map_or_else(
            || vec![f64::NAN; table.points()],
            |m| {
                let mut v = m[0].clone();
                v.resize(table.points(), f64::NAN);
                v
            },
        )
    };
    if !keys.contains(&cond.metric) {
        return Err(usage(format!(
            "--where {}: the sweep has no metric `{}`; it has {}",
            cond.text,
            cond.metric,
            keys.join(", ")
        )));
    }
    if cond.party.is_empty() && !parties.is_empty() {
        return Err(usage(format!(
            "--where {}: `{}` is a party's metric: name the party, e.g. {}:{}",
            cond.text, cond.metric, cond.metric, parties[0]
        )));
    }
    if !cond.party.is_empty() && !parties.contains(&cond.party) {
        let has = if parties.is_empty() {
            "it is not a party's metric".to_string()
        } else {
            format!("its parties are {}", parties.join(", "))
        };
        return Err(usage(format!(
            "--where {}: the sweep has no `{}` for a party `{}`; {has}",
            cond.text, cond.metric, cond.party
        )));
    }
    let missing: Vec<usize> = (0..value.len())
        .filter(|&p| !value[p].is_finite())
        .collect();
    if let Some(first) = missing.first() {
        return Err(usage(format!(
            "--where {}: `{}` has no value at {} of the {} points (the first: point {first}); \
             choose a metric every point has",
            cond.text,
            cond.metric,
            missing.len(),
            value.len()
        )));
    }
    Ok(Points {
        paths: table.paths,
        x: table.x,
        value,
    })
}

/// What `--boxes`, `--step` and the PRIM settings ask for.
#[derive(Clone, Copy, Debug)]
pub struct Ask {
    /// How many boxes to look for (covering).
    pub boxes: usize,
    /// The step of each trajectory to report (default: EMA Workbench's choice, the last).
    pub step: Option<usize>,
    /// PRIM's settings.
    pub settings: Settings,
}

/// One box found: its trajectory and the step chosen.
pub struct Found {
    /// Its peeling and pasting trajectory.
    pub trajectory: Trajectory,
    /// The step given in prim_boxes.csv.
    pub step: usize,
}

/// What `impasse discover` found: the condition, the sweep's points, how many are of interest, and
/// each box.
pub struct Discovery {
    /// The condition.
    pub condition: Condition,
    /// The sweep's points with the condition's metric.
    pub points: Points,
    /// How many points meet the condition.
    pub interest: usize,
    /// The boxes, in the order covering found them.
    pub boxes: Vec<Found>,
    /// What was asked.
    pub ask: Ask,
}

impl Discovery {
    /// The last box reached the threshold density (so covering could look for another).
    pub fn met_threshold(&self, b: &Found) -> bool {
        b.trajectory.steps[b.step].density >= self.ask.settings.threshold
    }
}

/// Run PRIM with covering over the sweep in `dir`.
pub fn discover(dir: &Path, cond: &Condition, ask: Ask) -> Result<Discovery, DiscoverError> {
    let s = ask.settings;
    for (name, v) in [
        ("--threshold", s.threshold),
        ("peel alpha", s.peel_alpha),
        ("paste alpha", s.paste_alpha),
        ("minimum mass", s.mass_min),
    ] {
        if !(v > 0.0 && v <= 1.0) {
            return Err(usage(format!("{name} must be in (0, 1], got {v}")));
        }
    }
    if ask.boxes == 0 {
        return Err(usage("--boxes must be at least 1"));
    }
    let points = read_points(dir, cond)?;
    let y: Vec<bool> = points.value.iter().map(|&v| cond.holds(v)).collect();
    let interest = y.iter().filter(|&&b| b).count();
    let range = points
        .value
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    if interest == 0 || interest == y.len() {
        return Err(usage(format!(
            "--where {}: {} of the {} points meet it ({} runs from {} to {} over the sweep); \
             choose a value between",
            cond.text,
            if interest == 0 { "none" } else { "all" },
            y.len(),
            cond.metric,
            output::csv::float(range.0),
            output::csv::float(range.1)
        )));
    }
    let mut prim = Prim::new(&points.x, &y, s);
    let mut boxes: Vec<Found> = Vec::new();
    while boxes.len() < ask.boxes {
        let Some(t) = prim.find_box() else { break };
        let last = t.steps.len() - 1;
        let met = t.steps[last].density >= s.threshold;
        let covering_on = met && boxes.len() + 1 < ask.boxes;
        if covering_on {
            prim.remove(&t.inside);
        }
        boxes.push(Found {
            trajectory: t,
            step: last,
        });
        if !covering_on {
            break;
        }
    }
    if let Some(step) = ask.step {
        let b = boxes
            .last_mut()
            .expect("PRIM finds a first box among all points");
        let steps = b.trajectory.steps.len();
        if step >= steps {
            return Err(usage(format!(
                "--step {step}: box {}'s trajectory has steps 0 to {}",
                boxes.len(),
                steps - 1
            )));
        }
        b.step = step;
    }
    Ok(Discovery {
        condition: cond.clone(),
        points,
        interest,
        boxes,
        ask,
    })
}

fn cell(x: Option<f64>) -> String {
    x.map_or(String::new(), output::csv::float)
}

impl Discovery {
    /// prim_trajectory.csv, prim_boxes.csv and discover.toml.
    pub fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let mut traj = Vec::new();
        let mut lims = Vec::new();
        for (b, found) in self.boxes.iter().enumerate() {
            for (i, s) in found.trajectory.steps.iter().enumerate() {
                traj.push(vec![
                    (b + 1).to_string(),
                    i.to_string(),
                    output::csv::float(s.coverage),
                    output::csv::float(s.density),
                    output::csv::float(s.mass),
                    s.restricted.to_string(),
                ]);
            }
            let s = &found.trajectory.steps[found.step];
            for (d, path) in self.points.paths.iter().enumerate() {
                lims.push(vec![
                    (b + 1).to_string(),
                    path.clone(),
                    output::csv::float(s.limits[d].0),
                    output::csv::float(s.limits[d].1),
                    cell(s.qp[d].0),
                    cell(s.qp[d].1),
                ]);
            }
        }
        let st = self.ask.settings;
        let steps: Vec<String> = self.boxes.iter().map(|b| b.step.to_string()).collect();
        let toml = format!(
            "# What `impasse discover` was asked; prim_boxes.csv gives each box at `steps`.\n\
             where = {:?}\nboxes = {}\nthreshold = {}\npeel_alpha = {}\npaste_alpha = {}\n\
             mass_min = {}\nobjective = \"lenient1\"\npoints = {}\npoints_of_interest = {}\n\
             steps = [{}]\n",
            self.condition.text,
            self.ask.boxes,
            output::csv::float(st.threshold),
            output::csv::float(st.peel_alpha),
            output::csv::float(st.paste_alpha),
            output::csv::float(st.mass_min),
            self.points.value.len(),
            self.interest,
            steps.join(", ")
        );
        vec![
            (
                "prim_trajectory.csv",
                csv::to_csv(&TRAJECTORY_HEADER, &[], &traj),
            ),
            ("prim_boxes.csv", csv::to_csv(&BOXES_HEADER, &[], &lims)),
            ("discover.toml", toml.into_bytes()),
        ]
    }

    /// The terminal summary: per box, the chosen step and the limits it restricts.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let n = self.points.value.len();
        let _ = writeln!(
            out,
            "{} of {} points meet {} ({:.1} %).",
            self.interest,
            n,
            self.condition.text,
            100.0 * self.interest as f64 / n as f64
        );
        for (b, found) in self.boxes.iter().enumerate() {
            let s = &found.trajectory.steps[found.step];
            let _ = writeln!(
                out,
                "\nBox {} (step {} of 0..{}): coverage {:.3}, density {:.3}, mass {:.3}",
                b + 1,
                found.step,
                found.trajectory.steps.len() - 1,
                s.coverage,
                s.density,
                s.mass
            );
            let width = self
                .points
                .paths
                .iter()
                .map(String::len)
                .max()
                .unwrap_or(9)
                .max(9);
            let _ = writeln!(
                out,
                "  {:<width$}  {:>12}  {:>12}  {:>9}  {:>9}",
                "parameter", "low", "high", "qp low", "qp high"
            );
            let mut any = false;
            for (d, path) in self.points.paths.iter().enumerate() {
                if s.qp[d] == (None, None) {
                    continue;
                }
                any = true;
                let qp = |q: Option<f64>| q.map_or("-".to_string(), |v| format!("{v:.2e}"));
                let _ = writeln!(
                    out,
                    "  {:<width$}  {:>12}  {:>12}  {:>9}  {:>9}",
                    path,
                    crate::output::table::decimal(s.limits[d].0, 4),
                    crate::output::table::decimal(s.limits[d].1, 4),
                    qp(s.qp[d].0),
                    qp(s.qp[d].1)
                );
            }
            if !any {
                let _ = writeln!(out, "  (no parameter restricted)");
            }
            if !self.met_threshold(found) {
                let _ = writeln!(
                    out,
                    "  Its density is below the threshold {}: covering stops here.",
                    output::csv::float(self.ask.settings.threshold)
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_with_and_without_a_party() {
        let c = Condition::parse("breakdown_probability > 0.2").unwrap();
        assert_eq!(
            (c.metric.as_str(), c.party.as_str(), c.op),
            ("breakdown_probability", "", Op::Above)
        );
        assert_eq!(c.value, 0.2);
        let c = Condition::parse(" concede_probability:iran<=0.5").unwrap();
        assert_eq!(
            (c.metric.as_str(), c.party.as_str(), c.op),
            ("concede_probability", "iran", Op::AtMost)
        );
        assert!(c.holds(0.5) && !c.holds(0.51));
        assert!(
            Condition::parse("x = 1")
                .unwrap_err()
                .contains("no comparison")
        );
        assert!(
            Condition::parse("> 1")
                .unwrap_err()
                .contains("names no metric")
        );
        assert!(
            Condition::parse("x > y")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(Condition::parse("x > inf").unwrap_err().contains("finite"));
    }
}
