//! `equilibrium`: the equilibrium of the complete-information game (docs/model.md, sections 6
//! and 6.1), solved from any moment of a round into a `Plan` the engine plays as a clock.
//!
//! Where neither side is committed, each concedes at the hazard that keeps the other indifferent
//! between conceding now and a moment later (`indifference`). Around it the game is solved
//! backward from its end: `path` plays the game's deterministic course (lines, beliefs,
//! scheduled events) and reads every payoff from `model::payoff`; `continuous` walks back over
//! the regimes (`regime`), finding where each side is committed and where atoms of concessions
//! bridge a jump, with `hold` for what the sides expect while both hold and far out in a game
//! without an end; `talks` solves the game at meetings; `stage` each instant at which both may
//! concede; `plan` turns the solution into the segments the engine plays. Where a side's type is
//! private, `types` solves the Bayesian equilibrium forward at the marginal types instead (with
//! `cutoffs` for the stage at the end), and a side's plan is a `curve` a round reads at its
//! type's quantile.

mod continuous;
mod curve;
mod cutoffs;
mod hold;
mod indifference;
mod path;
mod plan;
mod post;
mod regime;
mod stage;
mod talks;
mod types;
mod worth;

pub use curve::{Curve, EndAtom};
pub use indifference::{Indifference, Quantities};
pub use path::{Pending, Start};
pub use plan::{Plan, Segment};

use crate::model::{PARTIES, Scenario, Strategy};
use crate::rate::Rate;
use path::{AtStart, Path, Side};
use plan::{add_atom, assemble};
use regime::ending;

/// The equilibrium from the start of a round (before any Poisson event).
pub fn solve_at_start(sc: &Scenario) -> Plan {
    let mut plan = Plan::default();
    solve(sc, &AtStart::of(sc).start(), &mut plan);
    plan
}

/// Party x's payoffs, on the game's course from t = 0, of the round ending at t (after the events
/// at t) by x conceding, by x's opponent conceding, in a tie, in a breakdown and in the status
/// quo, in time-0 units (discounted and net of the waiting cost), as the solver values them:
/// for tests that they are what the engine pays.
#[doc(hidden)]
pub fn payoffs_on_path(sc: &Scenario, x: usize, t: f64) -> [f64; 5] {
    let at = AtStart::of(sc);
    // The course on which no Poisson event fires.
    let start = Start {
        poisson: &[],
        ..at.start()
    };
    let path = Path::new(sc, &start, sc.game_end().max(t), &[]);
    let s = path.span(t, Side::After);
    let current = [
        path.concede(s, x, t),
        path.win(s, x),
        path.tie(s, x),
        path.broken(s, x, t),
        path.status_quo(s, x),
    ];
    current.map(|c| path.value(s, x, t, c))
}

/// Where the game after Poisson event k (in file order among the events that can fire at a
/// round's start), fired first, depends on when it fired, `equilibrium` samples its value in
/// that time (docs/model.md 6.4): at each of `times`, the sampled value and the value of the
/// game solved from there, each party's in current value; `None` where it is not sampled. For
/// tests that the sample is the game.
#[doc(hidden)]
pub fn sampled_after(sc: &Scenario, k: usize, times: &[f64]) -> Option<Vec<[[f64; 2]; 2]>> {
    post::sampled_after(sc, k, times)
}

/// What `equilibrium` makes of the parties' private types from the start of a round (docs/
/// model.md 6.1, "Private types"), for `impasse check` and tests.
#[derive(Clone, Debug, PartialEq)]
pub enum PrivateTypes {
    /// Every type is known (the opponents' beliefs are constants): section 6.1's solve.
    Known,
    /// A structure the solve with types does not cover yet: the game is solved at the beliefs'
    /// means.
    Unsolved(&'static str),
    /// This side concedes at once, all its types.
    AtOnce(usize),
    /// Each side concedes along its curve, then both hold to the end.
    Curves(Box<[Curve; PARTIES]>),
    /// Single crossing fails for this party at this time: no equilibrium in which higher types
    /// hold longer is built, and the scenario is refused (`refusal`).
    SingleCrossing {
        /// The party whose types are not ordered there.
        party: usize,
        /// When.
        time: f64,
    },
}

/// How `equilibrium` plays the parties' private types in `sc` (from the start of a round).
pub fn private_types(sc: &Scenario) -> PrivateTypes {
    match types::solve(sc, &AtStart::of(sc).start()) {
        Ok(types::Solved::Curves(c)) => PrivateTypes::Curves(c),
        Ok(types::Solved::AtOnce(x)) => PrivateTypes::AtOnce(x),
        Err(types::Unsolved::Known) => PrivateTypes::Known,
        Err(types::Unsolved::Unsupported(what)) => PrivateTypes::Unsolved(what),
        Err(types::Unsolved::SingleCrossing { party, time }) => {
            PrivateTypes::SingleCrossing { party, time }
        }
    }
}

/// The equilibrium with private types of a game without an end, from the start of a round,
/// whose types at quantile `pivot` concede at the same moment on both sides (docs/model.md 6.1,
/// "Without an end"): each side's curve, which a round reads at its type. The `bayesian`
/// strategy plays it with its own `pivot`; `equilibrium` with the medians. Where the solve does
/// not cover the game, why.
pub fn pivoted(sc: &Scenario, pivot: f64) -> Result<[Curve; PARTIES], String> {
    types::pivoted(sc, pivot).map_err(|e| match e {
        types::Unsolved::Known => "every type is known".to_string(),
        types::Unsolved::Unsupported(what) => what.to_string(),
        types::Unsolved::SingleCrossing { party, time } => format!(
            "single crossing fails for {} at t = {time:.4}",
            sc.parties[party].id
        ),
    })
}

/// Why `sc` cannot be played, where a side plays `equilibrium` and the equilibrium with
/// private types does not exist in the form docs/model.md 6.1 builds (single crossing fails),
/// or both play `bayesian` and its solve does not cover the game: the party to blame and the
/// message.
pub fn refusal(sc: &Scenario) -> Option<(usize, String)> {
    if let Strategy::Bayesian { pivot } = sc.parties[0].strategy
        && let Err(why) = pivoted(sc, pivot)
    {
        return Some((
            0,
            format!("`bayesian`: the equilibrium with private types is not solved here: {why}"),
        ));
    }
    if !sc
        .parties
        .iter()
        .any(|p| p.strategy == Strategy::Equilibrium)
    {
        return None;
    }
    let PrivateTypes::SingleCrossing { party, time } = private_types(sc) else {
        return None;
    };
    let id = &sc.parties[party].id;
    Some((
        party,
        format!(
            "`equilibrium` with private types: single crossing fails for {id} at t = {time:.4}: \
             a higher type of {id} would gain more from conceding there than a lower one, so no \
             equilibrium in which higher types hold longer exists to play (docs/model.md 6.1). \
             Make {id}'s type known to its opponent (a constant `belief` about it), or give a \
             side another strategy"
        ),
    ))
}

/// Why the equilibrium with private types is not what `equilibrium` plays in `sc`, where it is
/// not ("every type is known", or the structure not covered yet); `None` where it is.
pub fn private_types_unsolved(sc: &Scenario) -> Option<&'static str> {
    match private_types(sc) {
        PrivateTypes::Known => Some("every type is known"),
        PrivateTypes::Unsolved(what) => Some(what),
        PrivateTypes::SingleCrossing { .. } => Some("single crossing fails"),
        PrivateTypes::AtOnce(_) | PrivateTypes::Curves(_) => None,
    }
}

/// The prior of party x's type, where it is private: the distribution its opponent believes it
/// is drawn from (docs/model.md 6.3), if that is not a constant.
pub fn prior_of(sc: &Scenario, x: usize) -> Option<&crate::model::Resolve> {
    types::prior(sc, x)
}

/// The equilibrium from `start` on, into `plan` (whose buffers are reused).
pub fn solve(sc: &Scenario, start: &Start, plan: &mut Plan) {
    let posts = if start.poisson.is_empty() {
        Vec::new()
    } else {
        post::Anticipation::new(sc, start, false).posts()
    };
    solve_on(sc, start, &posts, plan);
}

/// The equilibrium from `start` on, and the plans after its Poisson events: for each history of
/// event counts (over `start.poisson`) whose game after does not depend on when the events fired,
/// the plan from `start` with them applied there, which a round that reaches that history plays
/// on from where it is (docs/model.md 6.4). Histories left out are solved when they happen.
pub fn solve_with_histories(
    sc: &Scenario,
    start: &Start,
    plan: &mut Plan,
) -> Vec<(Vec<u32>, Plan)> {
    if start.poisson.is_empty() {
        solve_on(sc, start, &[], plan);
        return Vec::new();
    }
    let mut ant = post::Anticipation::new(sc, start, true);
    let posts = ant.posts();
    solve_on(sc, start, &posts, plan);
    ant.plans()
}

/// The equilibrium from `start` on, the games after its Poisson events worth `posts`.
fn solve_on(sc: &Scenario, start: &Start, posts: &[worth::Post], plan: &mut Plan) {
    for side in &mut plan.sides {
        side.clear();
    }
    // Tables describe the segments they were made for: a new plan has none until tabulated.
    for tables in &mut plan.tables {
        tables.clear();
    }
    plan.curves = [None, None];
    // Private types (docs/model.md 6.3), where the solve covers the game: each side holds from
    // the start but for its curve, or concedes at once.
    if let Ok(solved) = types::solve(sc, start) {
        for x in 0..PARTIES {
            plan.sides[x].push(Segment {
                start: start.t0,
                atom: 0.0,
                rate: Rate::ZERO,
                throughout: false,
            });
        }
        match solved {
            types::Solved::Curves(curves) => plan.curves = (*curves).map(Some),
            types::Solved::AtOnce(x) => {
                plan.sides[x][0].atom = 1.0;
                plan.sides[x][0].throughout = true;
            }
        }
        plan.end = f64::INFINITY;
        return;
    }
    let path = Path::new(sc, start, sc.game_end(), posts);
    let end = ending(sc, &path);
    let horizon = sc.simulation.horizon;
    match sc.talks {
        Some(talks) => {
            let (atoms, reach) = talks::solve(&path, talks, end, horizon);
            for x in 0..PARTIES {
                let side = &mut plan.sides[x];
                side.push(Segment {
                    start: start.t0,
                    atom: 0.0,
                    rate: Rate::ZERO,
                    throughout: false,
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
