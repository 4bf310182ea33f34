//! `equilibrium`: the equilibrium of the complete-information game (docs/model.md, sections 6
//! and 6.1), solved from any moment of a round into a `Plan` the engine plays as a clock.
//!
//! Where neither side is committed, each concedes at the hazard that keeps the other indifferent
//! between conceding now and a moment later. For the conceding party i and its opponent j, with
//! every line linear on a piece (`x(u) = x0 + x1 u`):
//!
//! ```text
//! λ_i(u) = [c_j + r_j L_j − L_j' + h (L_j − B_j) − ρΔ_j] / (G_j − L_j)
//!   G_j = α_j W̄_j,  L_j = (1 − α_i) W̄_j − a_j,  B_j = ℓ_j W̄_j − κ_j
//! ```
//!
//! (ρΔ_j: the Poisson events' expected jump in L_j), a quadratic over a linear term, which
//! `Rate::rational` integrates in closed form. Around it the game is solved backward from its
//! end: `path` plays the game's deterministic course (lines, beliefs, scheduled events),
//! `continuous` finds where each side is committed and where atoms of concessions bridge a jump,
//! `talks` solves the game at meetings, `stage` each instant at which both may concede.

mod continuous;
mod path;
mod stage;
mod talks;

pub use path::{Pending, Start};

use crate::model::{DeadlineAction, PARTIES, Scenario};
use crate::rate::{Rate, Table};
use continuous::{End, Regime};
use path::{Path, Side};

/// The opponent's quantities on the piece, as `(value at piece start, slope)`.
#[derive(Clone, Copy, Debug)]
pub struct OpponentView {
    /// W̄_j: the opponent's pie value as the conceding party believes it (mean type × stake).
    pub wbar: f64,
    /// α_i, α_j
    pub demand_self: f64,
    pub demand_opp: f64,
    pub discount_rate: f64,
    pub breakdown_cost: f64,
    pub pressure: (f64, f64),
    pub audience_cost: (f64, f64),
    pub leverage: (f64, f64),
    pub hazard: (f64, f64),
    /// ρΔ_j: the expected rate of jumps in L_j from Poisson events that can still fire.
    pub drift: (f64, f64),
}

/// The hazard's numerator (a polynomial in u) and denominator `d0 + d1 u`.
pub fn numerator(v: &OpponentView) -> ([f64; 3], f64, f64) {
    let (c0, c1) = v.pressure;
    let (a0, a1) = v.audience_cost;
    let (l0, l1) = v.leverage;
    let (h0, h1) = v.hazard;
    let r = v.discount_rate;
    let g = v.demand_opp * v.wbar;
    let (lj0, lj1) = ((1.0 - v.demand_self) * v.wbar - a0, -a1);
    let (bj0, bj1) = (l0 * v.wbar - v.breakdown_cost, l1 * v.wbar);
    let (gap0, gap1) = (lj0 - bj0, lj1 - bj1);
    let n = [
        c0 + r * lj0 - lj1 + h0 * gap0 - v.drift.0,
        c1 + r * lj1 + h1 * gap0 + h0 * gap1 - v.drift.1,
        h1 * gap1,
    ];
    (n, g - lj0, -lj1)
}

/// The conceding party's hazard on the piece.
pub fn hazard(v: &OpponentView) -> Rate {
    let (n, d0, d1) = numerator(v);
    Rate::rational(n, d0, d1)
}

/// One stretch of a side's plan: from `start` until the next segment's start, the side concedes
/// at `start` with probability `atom` and then at hazard `rate` (in time from `start`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub start: f64,
    pub atom: f64,
    pub rate: Rate,
}

/// Both sides' equilibrium play from some moment on, until `end` (infinite unless the plan
/// covers only the next meetings of talks without an end: the engine solves again there).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub sides: [Vec<Segment>; PARTIES],
    pub end: f64,
    /// For each segment of each side, its rational hazard's integral tabulated (`Plan::tabulate`),
    /// or none: empty for a plan solved during a round, which is played once.
    pub tables: [Vec<Option<Table>>; PARTIES],
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

/// How the game ends: the earliest of the global deadline and the parties' own deadlines, and
/// what each side gets there (current value, at that time) if neither concedes. At one instant,
/// a deadline concession comes before a walkout, and both before the global deadline.
fn ending(sc: &Scenario, path: &Path) -> Option<End> {
    let own = sc.parties.iter().filter_map(|p| p.deadline.map(|d| d.at));
    let at = own
        .chain(sc.deadline.map(|d| d.at))
        .fold(f64::INFINITY, f64::min);
    if !at.is_finite() {
        return None;
    }
    let s = path.span(at, Side::After);
    let gives_in = |x: usize| {
        sc.parties[x]
            .deadline
            .is_some_and(|d| d.at == at && d.action == DeadlineAction::Concede)
    };
    let walks = (0..PARTIES).any(|x| {
        sc.parties[x]
            .deadline
            .is_some_and(|d| d.at == at && d.action == DeadlineAction::WalkOut)
    });
    let hold = [0, 1].map(|x| {
        let y = 1 - x;
        let current = match (gives_in(x), gives_in(y)) {
            (true, true) => path.tie(s, x),
            (true, false) => path.concede(s, x, at),
            (false, true) => path.win(s, x),
            (false, false) if walks => path.broken(s, x, at),
            (false, false) => {
                let p = sc.deadline.map_or(0.0, |d| d.breakdown_probability);
                p * path.broken(s, x, at) + (1.0 - p) * sc.parties[x].status_quo
            }
        };
        path.value(s, x, at, current)
    });
    Some(End { at, hold })
}

/// The equilibrium from the start of a round (before any Poisson event).
pub fn solve_at_start(sc: &Scenario) -> Plan {
    let mut scheduled: Vec<(f64, usize)> = Vec::new();
    let mut poisson = Vec::new();
    for (k, e) in sc.events.iter().enumerate() {
        match e.when {
            crate::model::EventTiming::At(t) => scheduled.push((t, k)),
            crate::model::EventTiming::Poisson { rate, max } => {
                if max != Some(0) {
                    poisson.push(Pending { event: k, rate });
                }
            }
        }
    }
    scheduled.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let lines = sc.initial_lines();
    let start = Start {
        t0: 0.0,
        lines: &lines,
        belief: [0, 1].map(|i| sc.believed_type(i)),
        scheduled: &scheduled,
        poisson: &poisson,
    };
    let mut plan = Plan::default();
    solve(sc, &start, &mut plan);
    plan
}

/// The equilibrium from `start` on, into `plan` (whose buffers are reused).
pub fn solve(sc: &Scenario, start: &Start, plan: &mut Plan) {
    let path = Path::new(sc, start, until(sc));
    let end = ending(sc, &path);
    let horizon = sc.simulation.horizon;
    for side in &mut plan.sides {
        side.clear();
    }
    // Tables describe the segments they were made for: a new plan has none until tabulated.
    for tables in &mut plan.tables {
        tables.clear();
    }
    match sc.talks {
        Some(talks) => {
            let (atoms, reach) = talks::solve(&path, talks, end, horizon);
            for x in 0..PARTIES {
                let side = &mut plan.sides[x];
                side.push(Segment {
                    start: start.t0,
                    atom: 0.0,
                    rate: Rate::ZERO,
                });
                for &(m, p) in &atoms {
                    add_atom(side, m, p[x]);
                }
            }
            plan.end = reach;
        }
        None => {
            let solution = continuous::solve(&path, end, horizon);
            for x in 0..PARTIES {
                assemble(&path, &solution, x, &mut plan.sides[x]);
            }
            plan.end = f64::INFINITY;
        }
    }
}

/// The earliest of the global deadline and the parties' own: the game's course ends there.
fn until(sc: &Scenario) -> f64 {
    let own = sc.parties.iter().filter_map(|p| p.deadline.map(|d| d.at));
    own.chain(sc.deadline.map(|d| d.at))
        .fold(f64::INFINITY, f64::min)
}

/// Side x's segments from the backward solution.
fn assemble(path: &Path, sol: &continuous::Solution, x: usize, side: &mut Vec<Segment>) {
    let y = 1 - x;
    // Neighbouring mixed stretches are one: its hazard changes only where the spans do.
    let mut stretches: Vec<continuous::Stretch> = Vec::with_capacity(sol.stretches.len());
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
                    let v = continuous::view(path, s, y, t);
                    push(side, t, 0.0, hazard(&v));
                    if s.end >= st.end || !s.end.is_finite() {
                        break;
                    }
                    t = s.end;
                }
            }
            Regime::Hold { .. } => push(side, st.start, 0.0, Rate::ZERO),
            Regime::Concedes(c) => push(side, st.start, if c == x { 1.0 } else { 0.0 }, Rate::ZERO),
        }
    }
    if side.is_empty() {
        push(side, path.t0, 0.0, Rate::ZERO);
    }
    for &(at, p) in &sol.atoms {
        add_atom(side, at, p[x]);
    }
}

/// Append a segment, merging it into the last where it changes nothing.
fn push(side: &mut Vec<Segment>, start: f64, atom: f64, rate: Rate) {
    if let Some(last) = side.last_mut() {
        if last.start == start {
            last.atom = 1.0 - (1.0 - last.atom) * (1.0 - atom);
            last.rate = rate;
            return;
        }
        if atom == 0.0 && rate == Rate::ZERO && last.rate == Rate::ZERO {
            return;
        }
    }
    side.push(Segment { start, atom, rate });
}

/// Add an atom of probability p at `at`, splitting the segment there (its rate re-expressed from
/// `at`).
fn add_atom(side: &mut Vec<Segment>, at: f64, p: f64) {
    if p <= 0.0 {
        return;
    }
    let k = side.partition_point(|s| s.start <= at);
    if k > 0 && side[k - 1].start == at {
        let s = &mut side[k - 1];
        s.atom = 1.0 - (1.0 - s.atom) * (1.0 - p);
        return;
    }
    let rate = if k > 0 {
        side[k - 1].rate.shifted(at - side[k - 1].start)
    } else {
        Rate::ZERO
    };
    side.insert(
        k,
        Segment {
            start: at,
            atom: p,
            rate,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> OpponentView {
        OpponentView {
            wbar: 2.0,
            demand_self: 1.0,
            demand_opp: 1.0,
            discount_rate: 0.0,
            breakdown_cost: 0.0,
            pressure: (0.5, 0.0),
            audience_cost: (0.0, 0.0),
            leverage: (0.0, 0.0),
            hazard: (0.0, 0.0),
            drift: (0.0, 0.0),
        }
    }

    #[test]
    fn war_of_attrition_hazard_is_cost_over_value() {
        // λ_i = c_j / V_j = 0.5 / 2
        assert_eq!(hazard(&view()), Rate::Linear { a: 0.25, b: 0.0 });
    }

    #[test]
    fn audience_costs_give_one_over_one_plus_t() {
        // c = 0, a_j(t) = t, W̄ = 1: λ = a'/(W̄ + a t) = 1/(1 + t)
        let v = OpponentView {
            wbar: 1.0,
            pressure: (0.0, 0.0),
            audience_cost: (0.0, 1.0),
            ..view()
        };
        let rate = hazard(&v);
        for u in [0.0, 1.0, 3.5] {
            assert!((rate.value(u) - 1.0 / (1.0 + u)).abs() < 1e-15);
        }
    }

    #[test]
    fn breakdown_hazard_enters_through_the_breakdown_gap() {
        // c = 0, κ_j = 0.5, ℓ_j = 0.1, W̄ = 2: λ = h (κ − ℓ W̄) / W̄ = 0.2 * 0.3 / 2
        let v = OpponentView {
            pressure: (0.0, 0.0),
            breakdown_cost: 0.5,
            leverage: (0.1, 0.0),
            hazard: (0.2, 0.0),
            ..view()
        };
        let Rate::Linear { a, b } = hazard(&v) else {
            panic!()
        };
        assert!((a - 0.03).abs() < 1e-15 && b == 0.0);
    }
}
