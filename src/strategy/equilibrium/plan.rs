//! The plan the engine plays (docs/model.md, sections 6.1 and 7): for each side, segments in time
//! order, each an atom of concessions at its start and a hazard after it. `assemble` turns the
//! backward solution's stretches and atoms into a side's segments: one segment per span of a
//! mixed stretch (the hazard that keeps the opponent indifferent, `Indifference`), one with no
//! hazard for a hold, an atom of 1 where the side concedes at once; `push` appends a segment,
//! merging it into the last where it adds nothing; `add_atom` puts an atom at a time, splitting
//! the segment there.

use super::curve::Curve;
use super::indifference::Indifference;
use super::path::{Path, Side};
use super::regime::{Regime, Solution, Stretch};
use crate::model::PARTIES;
use crate::rate::Rate;
use crate::rate::table::Table;

/// One stretch of a side's plan: from `start` until the next segment's start, the side concedes
/// at `start` with probability `atom` and then at hazard `rate` (in time from `start`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    /// When the segment starts.
    pub start: f64,
    /// The probability of conceding at `start` (of those still holding).
    pub atom: f64,
    /// The hazard after `start`, in time from `start`.
    pub rate: Rate,
    /// The side concedes at once at every moment of the segment (a regime in which it is
    /// committed to conceding): a round that enters the segment after its start, by switching
    /// to this plan when Poisson events fire (docs/model.md 6.4), concedes where it enters.
    pub throughout: bool,
}

/// Both sides' equilibrium play from some moment on, until `end` (infinite unless the plan
/// covers only the next meetings of talks without an end: the engine solves again there).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Each side's segments in time order.
    pub sides: [Vec<Segment>; PARTIES],
    /// Where the plan ends (infinite but under talks without an end, where the engine solves again).
    pub end: f64,
    /// For each segment of each side, its rational hazard's integral tabulated (`Plan::tabulate`),
    /// or none: empty for a plan solved during a round, which is played once.
    pub tables: [Vec<Option<Table>>; PARTIES],
    /// Where a side's concessions come from private types (docs/model.md 6.3): its integrated
    /// hazard, tabulated, which a round plays instead of the side's segments (one segment that
    /// holds from the start).
    pub curves: [Option<Curve>; PARTIES],
}

impl Plan {
    /// Tabulate the integral of every rational hazard up to the next segment or `end`, for a plan
    /// that many rounds play.
    pub fn tabulate(&mut self, end: f64) {
        for (side, tables) in self.sides.iter().zip(&mut self.tables) {
            tables.clear();
            for (k, seg) in side.iter().enumerate() {
                let until = side.get(k + 1).map_or(end, |n| n.start);
                tables.push(Table::new(&seg.rate, until - seg.start));
            }
        }
    }

    /// Segment k of side x's table, if it has one.
    #[inline]
    pub fn table(&self, x: usize, k: usize) -> Option<&Table> {
        self.tables[x].get(k).and_then(Option::as_ref)
    }
}

/// Side x's segments from the backward solution.
pub(super) fn assemble(path: &Path, sol: &Solution, x: usize, side: &mut Vec<Segment>) {
    let y = 1 - x;
    // Neighbouring mixed stretches are one: its hazard changes only where the spans do.
    let mut stretches: Vec<Stretch> = Vec::with_capacity(sol.stretches.len());
    for st in &sol.stretches {
        match stretches.last_mut() {
            Some(last) if last.regime == Regime::Mixed && st.regime == Regime::Mixed => {
                last.end = st.end;
            }
            _ => stretches.push(*st),
        }
    }
    for st in &stretches {
        if st.end <= st.start && !matches!(st.regime, Regime::Concedes(c) if c == x) {
            continue;
        }
        match st.regime {
            Regime::Mixed => {
                // One segment per span: x's hazard keeps y indifferent, from y's values.
                let mut t = st.start;
                loop {
                    let s = path.span(t, Side::After);
                    push(
                        side,
                        t,
                        0.0,
                        Indifference::on(path, s, y, t).hazard(),
                        false,
                    );
                    if s.end >= st.end || !s.end.is_finite() {
                        break;
                    }
                    t = s.end;
                }
            }
            Regime::Hold { .. } => push(side, st.start, 0.0, Rate::ZERO, false),
            Regime::Concedes(c) => {
                // The other side concedes at the same instant where the tie pays it more than
                // winning (and c no less).
                let joins = c != x && path.joins(path.span(st.start, Side::After), c);
                let at_once = c == x || joins;
                let atom = if at_once { 1.0 } else { 0.0 };
                push(side, st.start, atom, Rate::ZERO, at_once)
            }
        }
    }
    if side.is_empty() {
        push(side, path.t0, 0.0, Rate::ZERO, false);
    }
    for &(at, p) in &sol.atoms {
        add_atom(side, at, p[x]);
    }
}

/// Append a segment, merging it into the last where it changes nothing.
pub(super) fn push(side: &mut Vec<Segment>, start: f64, atom: f64, rate: Rate, throughout: bool) {
    if let Some(last) = side.last_mut() {
        if last.start == start {
            last.atom = 1.0 - (1.0 - last.atom) * (1.0 - atom);
            last.rate = rate;
            last.throughout = throughout;
            return;
        }
        if atom == 0.0 && rate == Rate::ZERO && last.rate == Rate::ZERO && !last.throughout {
            return;
        }
    }
    side.push(Segment {
        start,
        atom,
        rate,
        throughout,
    });
}

/// Add an atom of probability p at `at`, splitting the segment there (its rate re-expressed from
/// `at`).
pub(super) fn add_atom(side: &mut Vec<Segment>, at: f64, p: f64) {
    if p <= 0.0 {
        return;
    }
    let k = side.partition_point(|s| s.start <= at);
    if k > 0 && side[k - 1].start == at {
        let s = &mut side[k - 1];
        s.atom = 1.0 - (1.0 - s.atom) * (1.0 - p);
        return;
    }
    let (rate, throughout) = match k.checked_sub(1).map(|j| side[j]) {
        Some(seg) => (seg.rate.shifted(at - seg.start), seg.throughout),
        None => (Rate::ZERO, false),
    };
    side.insert(
        k,
        Segment {
            start: at,
            atom: p,
            rate,
            throughout,
        },
    );
}
