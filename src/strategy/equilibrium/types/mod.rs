//! The equilibrium where a side's type is private (docs/model.md 6.1, "Private types"; MODEL.md
//! 6.3): each side's types concede in order, lowest first, so what the opponent learns by t is
//! that the side's type is above its *marginal type* m_x(t) = Q_x(s_x(t)), with s_x the
//! integrated hazard of its concessions and Q_x(s) = F_x⁻¹(1 − e⁻ˢ) its prior's quantile. While
//! both marginal types are uncommitted they are indifferent, which is section 6's hazard at the
//! marginal type:
//!
//! ```text
//! s_y'(t) = N_x(t, m_x(t)) / M_x(t, m_x(t))
//! ```
//!
//! Every payoff is affine in the type (docs/model.md 4), so the game is read off two paths, at
//! θ = 0 and θ = 1, and N_x, M_x, and x's gap between holding to the end and conceding now are
//! affine in θ too, but for what the end is worth, which the stage there sets (`cutoffs`). A
//! type is committed where that gap is non-negative: holding to the end (the hazard, the stage
//! at the end) beats conceding even if the opponent never concedes before it. Going forward from
//! the start, each side's marginal type rises and its commitment cutoff falls; the mixed regime
//! ends where they meet, at t1_x. Both sides must stop at one t1 (the side that stopped first
//! would be waited out), so the solve shoots on the one free number, the atom of concessions at
//! the start (at most one side's), scanning both sides' atoms outward from 0 and refining by regula falsi where
//! the lag between the stops changes sign; where none closes it, the side that stops later
//! concedes at once. Between t1 and the end both hold; at the end the survivors play the stage.
//! A scheduled event that lowers a value of conceding is bridged by the other side's atom at the
//! marginal type (`bridge`).
//!
//! The pair (s_a, s_b) is integrated by classical Runge–Kutta on a grid aligned with the path's
//! spans; t1 is refined inside its step by regula falsi on the exact gap. A side whose type is
//! known has one marginal type, its own. What this does not cover yet is `Unsolved`, with the
//! reason (docs/model.md lists them), where the game is still solved at the beliefs' means.

mod affine;
mod events;
mod open;
mod search;

use super::curve::Curve;
use super::cutoffs::{self, ALL, EndPayoffs, Survivors, stage};
use super::hold::hold;
use super::indifference::Indifference;
use super::path::{Path, Side, Start};
use super::regime::ending;
use crate::model::{PARTIES, Resolve, Scenario, Target};
use crate::numeric::regula_falsi;

/// Runge–Kutta steps over the game: an error of order (T / STEPS)⁴ in s.
const STEPS: usize = 1024;

/// Atom sizes tried on each side before halving, (k / ATOMS)² of `ALL`.
const ATOMS: usize = 24;

/// The end of the mixed regime is refined to this relative width.
const CROSSING: f64 = 1e-13;

/// Steps of regula falsi at most.
const FALSI_STEPS: usize = 100;

/// Where the two sides' concessions stop, they agree to this (relative to the game's length).
const MEET: f64 = 1e-9;

/// Where the mixed regime breaks down before both sides are committed: some marginal type would
/// rather wait even if the other never conceded, and no hold is placed there yet.
const BROKEN: Unsolved = Unsolved::Unsupported("a mixed regime that breaks down before the end");

/// A curve's node: `(t, s, s')`.
type Node = (f64, f64, f64);

/// A scheduled event's move in each side's value of conceding (`affine::Move`).
type Jump = affine::Move;

/// What the solve found.
#[derive(Clone, Debug)]
pub(super) enum Solved {
    /// Each side concedes along its curve until both are committed, and both then hold to the
    /// game's end.
    Curves(Box<[Curve; PARTIES]>),
    /// This side concedes at once: even its whole prior conceding now would not make it stop
    /// as late as the other.
    AtOnce(usize),
}

/// Why the game was not solved here, for docs and tests.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Unsolved {
    /// Every type is known: section 6.1's solve.
    Known,
    /// A structure this solve does not cover yet.
    Unsupported(&'static str),
    /// Single crossing fails for this party at this time: some higher type would gain more
    /// from conceding than a lower one, so no equilibrium in monotone strategies is built here
    /// (docs/model.md 6.1 refuses the scenario).
    SingleCrossing { party: usize, time: f64 },
}

impl From<open::Unsolved> for Unsolved {
    fn from(e: open::Unsolved) -> Unsolved {
        match e {
            open::Unsolved::Unsupported(what) => Unsolved::Unsupported(what),
            open::Unsolved::SingleCrossing { party, time } => {
                Unsolved::SingleCrossing { party, time }
            }
        }
    }
}

/// x's type as its opponent believes it, where that is a distribution (the opponent's `belief`,
/// else x's own `resolve`).
pub(super) fn prior(sc: &Scenario, x: usize) -> Option<&Resolve> {
    let p = &sc.parties;
    let prior = p[1 - x].belief.as_ref().unwrap_or(&p[x].resolve);
    (!prior.is_constant()).then_some(prior)
}

/// Solves remembered: a command asks for the same one more than once (whether to refuse the
/// scenario, whether to warn, the engine's plan), and one can take a second.
const REMEMBERED: usize = 16;

/// The equilibrium from `start` with the parties' private types. What the structure alone rules
/// out (`not_covered`) is answered at once, with no key to build and no lock to take (the engine
/// asks again after every random event); the rest is `solve_afresh`, remembered for the last
/// `REMEMBERED` scenarios and starts asked (a pure function of them, so the same answer).
pub(super) fn solve(sc: &Scenario, start: &Start) -> Result<Solved, Unsolved> {
    use std::sync::Mutex;
    type Memo = Vec<(String, Result<Solved, Unsolved>)>;
    static MEMO: Mutex<Memo> = Mutex::new(Vec::new());
    if let Some(why) = not_covered(sc, start) {
        return Err(why);
    }
    let key = format!("{sc:?}\n{start:?}");
    let memo = |f: &mut dyn FnMut(&mut Memo)| {
        // A poisoned lock only means another thread panicked mid-update: start afresh.
        let mut m = MEMO.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut m);
    };
    let mut found = None;
    memo(&mut |m| found = m.iter().find(|e| e.0 == key).map(|e| e.1.clone()));
    if let Some(answer) = found {
        return answer;
    }
    let answer = solve_afresh(sc, start);
    memo(&mut |m| {
        if m.len() == REMEMBERED {
            drop(m.remove(0));
        }
        m.push((key.clone(), answer.clone()));
    });
    answer
}

/// Why the structure of `sc` from `start` is not one this solve covers (or every type is known),
/// read off the scenario without solving anything.
fn not_covered(sc: &Scenario, start: &Start) -> Option<Unsolved> {
    if [prior(sc, 0), prior(sc, 1)].iter().all(Option::is_none) {
        return Some(Unsolved::Known);
    }
    if sc.talks.is_some() {
        return Some(Unsolved::Unsupported("talks"));
    }
    if !start.poisson.is_empty() || start.conceded.is_none() {
        return Some(Unsolved::Unsupported("Poisson events"));
    }
    let moves_types = (sc.events.iter().flat_map(|e| &e.effects))
        .any(|f| matches!(f.target, Target::Belief { .. } | Target::Resolve { .. }));
    if moves_types {
        return Some(Unsolved::Unsupported("events on types or beliefs"));
    }
    if !sc.game_end().is_finite() && start.conceded != Some([0.0; PARTIES]) {
        return Some(Unsolved::Unsupported(
            "a game without an end, solved after concessions",
        ));
    }
    None
}

/// The equilibrium from `start` with the parties' private types, solved, in a game
/// `not_covered` passes.
fn solve_afresh(sc: &Scenario, start: &Start) -> Result<Solved, Unsolved> {
    let priors = [prior(sc, 0), prior(sc, 1)];
    let end = sc.game_end();
    let known = [0, 1].map(|x| sc.believed_type(1 - x));
    let [p0, p1] = typed_paths(sc, start);
    if !end.is_finite() {
        let open = open::Open::new([&p0, &p1], priors, known)?;
        return Ok(Solved::Curves(Box::new(open.solve(start.t0, open::PIVOT)?)));
    }
    let game = Game::new([&p0, &p1], priors, known, end)?;
    let conceded = start.conceded.expect("checked by not_covered");
    Game { conceded, ..game }.solve()
}

/// The game's course from `start` to its end with every type worth 0 and with every type worth
/// its stake (θ = 0 and θ = 1), between which every payoff is affine in the type.
fn typed_paths<'a>(sc: &'a Scenario, start: &Start) -> [Path<'a>; 2] {
    [0.0, 1.0].map(|w| {
        let at = Start {
            belief: [w; PARTIES],
            ..*start
        };
        Path::new(sc, &at, sc.game_end(), &[])
    })
}

/// The equilibrium with private types of a game without an end from the start of a round,
/// selected by `pivot` (docs/model.md 6.1, "Without an end"): the `bayesian` strategy's solve.
pub(super) fn pivoted(sc: &Scenario, pivot: f64) -> Result<[Curve; PARTIES], Unsolved> {
    let round = super::path::AtStart::of(sc);
    let start = &round.start();
    // Events that move a round's drawn type alone (the `bayesian` strategy allows them) leave
    // the game and the priors as they are.
    let types_only = (sc.events.iter().flat_map(|e| &e.effects))
        .all(|f| matches!(f.target, Target::Resolve { .. }));
    if sc.talks.is_some() || !types_only || sc.game_end().is_finite() {
        return Err(Unsolved::Unsupported(
            "a pivot where the game has talks, an end, or events that change it",
        ));
    }
    let [p0, p1] = typed_paths(sc, start);
    let priors = [prior(sc, 0), prior(sc, 1)];
    let known = [0, 1].map(|x| sc.believed_type(1 - x));
    Ok(open::Open::new([&p0, &p1], priors, known)?.solve(start.t0, pivot)?)
}

/// The game as each type sees it, and the grid it is integrated on.
struct Game<'p, 'a> {
    /// The paths at θ = 0 and θ = 1 (the worth 0 and the stake).
    paths: [&'p Path<'a>; 2],
    priors: [Option<&'p Resolve>; PARTIES],
    /// The type of a side whose type is known.
    known: [f64; PARTIES],
    /// Each side's integrated hazard of concessions before the start: the posterior the solve
    /// goes on from (`Start::conceded`).
    conceded: [f64; PARTIES],
    /// The grid: `(t_j, span)`, the last at the end.
    grid: Vec<(f64, usize)>,
    /// Per side, per span, N_x and M_x at θ = 0 and θ = 1 from the span's start.
    ind: [Vec<[Indifference; 2]>; PARTIES],
    /// Per side, at each grid time, what holding to the end brings on the way (the end itself
    /// worth 0) at θ = 0 and θ = 1, and the weight of what the end is worth (survival and
    /// discounting): holding to an end worth v is `hold[0..2] + hold[2] v`.
    hold: [Vec<[f64; 3]>; PARTIES],
    /// Per side, its payoffs at the end (the stage there).
    end: [EndPayoffs; PARTIES],
    /// Where a scheduled event moves a value of conceding: the grid node and the move.
    jumps: Vec<(usize, Jump)>,
    /// Values closer than this are equal.
    tol: f64,
    /// The last stage solved (`stage_at`).
    last_stage: std::cell::Cell<Option<StageAt>>,
}

/// A stage's answer where the integrated hazards are the first.
type StageAt = ([f64; PARTIES], Result<[f64; PARTIES], cutoffs::Unsolved>);

/// One forward integration from an atom.
struct Shot {
    /// Where each side's marginal type becomes committed (infinite: not before the end).
    stop: [f64; PARTIES],
    /// Each side's `(t, s, s')` nodes up to there.
    nodes: [Vec<Node>; PARTIES],
}

impl<'p, 'a> Game<'p, 'a> {
    fn new(
        paths: [&'p Path<'a>; 2],
        priors: [Option<&'p Resolve>; PARTIES],
        known: [f64; PARTIES],
        end: f64,
    ) -> Result<Self, Unsolved> {
        let [p0, p1] = paths;
        if p0.spans.len() != p1.spans.len() {
            return Err(Unsolved::Unsupported("paths that differ with the type"));
        }
        let t0 = p1.t0;
        let mut grid = Vec::with_capacity(STEPS + p1.spans.len() + 1);
        for (k, s) in p1.spans.iter().enumerate() {
            let hi = s.end.min(end);
            if hi <= s.start {
                continue;
            }
            let n = (STEPS as f64 * (hi - s.start) / (end - t0)).ceil().max(1.0) as usize;
            grid.extend((0..n).map(|i| (s.start + (hi - s.start) * i as f64 / n as f64, k)));
        }
        let last = grid.last().map_or(0, |g| g.1);
        grid.push((end, last));
        let ind = affine::indifferences(paths);
        let ends = [ending(p0.sc, p0), ending(p1.sc, p1)];
        let [Some(e0), Some(e1)] = ends else {
            return Err(Unsolved::Unsupported("a game without an end"));
        };
        let hold = [0, 1].map(|x| {
            let mut v = vec![[0.0; 3]; grid.len()];
            let mut after = [0.0, 0.0, 1.0];
            v[grid.len() - 1] = after;
            for j in (0..grid.len() - 1).rev() {
                let (t, k) = grid[j];
                let next = grid[j + 1].0;
                let on = |w: usize, v: f64| hold(paths[w], &paths[w].spans[k], x, t, next, v);
                after = [on(0, after[0]), on(1, after[1]), on(0, after[2])];
                v[j] = after;
            }
            for h in &mut v {
                h[2] -= h[0];
            }
            v
        });
        let end_payoffs = |x: usize| {
            let each = [0, 1].map(|w| {
                let p = paths[w];
                let s = p.span(end, Side::After);
                let value = |c: f64| p.value(s, x, end, c);
                [
                    value(p.concede(s, x, end)),
                    value(p.win(s, x)),
                    value(p.tie(s, x)),
                ]
            });
            EndPayoffs {
                concede: [each[0][0], each[1][0]],
                win: [each[0][1], each[1][1]],
                tie: [each[0][2], each[1][2]],
                hold: [e0.hold[x], e1.hold[x]],
            }
        };
        let end = [end_payoffs(0), end_payoffs(1)];
        let game = Game {
            paths,
            priors,
            known,
            conceded: [0.0; PARTIES],
            grid,
            ind,
            hold,
            end,
            jumps: Vec::new(),
            tol: 1e-9 * p1.scale(),
            last_stage: Default::default(),
        };
        let jumps = game.jumps();
        Ok(Game { jumps, ..game })
    }

    /// x's marginal type where its integrated hazard is s.
    fn marginal(&self, x: usize, s: f64) -> f64 {
        affine::marginal(self.priors[x], self.known[x], s)
    }

    /// The largest type x may have: where its commitment is checked to last.
    fn top(&self, x: usize) -> f64 {
        self.marginal(x, ALL)
    }

    /// Both hazards at t on span k where the integrated hazards are s: y's keeps x's marginal
    /// type indifferent. NaN where that type would rather wait (N < 0) or the other's concession
    /// is worth nothing to it (M ≤ 0): the mixed regime does not hold there.
    fn rates(&self, k: usize, t: f64, s: [f64; PARTIES]) -> [f64; PARTIES] {
        [1, 0].map(|x| {
            let m = self.marginal(x, s[x]);
            let [i0, i1] = self.ind[x][k];
            let u = t - self.paths[1].spans[k].start;
            let (n0, n1) = (i0.numerator.at(u), i1.numerator.at(u));
            let (d0, d1) = (i0.denominator.value(u), i1.denominator.value(u));
            let (n, d) = (n0 + m * (n1 - n0), d0 + m * (d1 - d0));
            if n >= 0.0 && d > 0.0 { n / d } else { f64::NAN }
        })
    }

    /// The classical Runge–Kutta step of length h from (t, s) on span k.
    fn step(&self, k: usize, t: f64, s: [f64; PARTIES], h: f64) -> [f64; PARTIES] {
        self.step_from(k, t, s, h, self.rates(k, t, s))
    }

    /// The same where the rates at (t, s), `k1`, are known already.
    fn step_from(
        &self,
        k: usize,
        t: f64,
        s: [f64; PARTIES],
        h: f64,
        k1: [f64; PARTIES],
    ) -> [f64; PARTIES] {
        let add = |s: [f64; PARTIES], d: [f64; PARTIES], f: f64| [s[0] + f * d[0], s[1] + f * d[1]];
        let k2 = self.rates(k, t + 0.5 * h, add(s, k1, 0.5 * h));
        let k3 = self.rates(k, t + 0.5 * h, add(s, k2, 0.5 * h));
        let k4 = self.rates(k, t + h, add(s, k3, h));
        [0, 1].map(|x| s[x] + h / 6.0 * (k1[x] + 2.0 * (k2[x] + k3[x]) + k4[x]))
    }

    /// x's gap between holding to the end and conceding, for type θ at grid time j, where the
    /// end is worth `worth` to it.
    fn gap_at_node(&self, x: usize, j: usize, theta: f64, worth: f64) -> f64 {
        let (t, k) = self.grid[j];
        let h = self.hold[x][j];
        let g = [0, 1].map(|w| {
            let p = self.paths[w];
            let s = &p.spans[k.min(p.spans.len() - 1)];
            let s = if t >= s.start {
                s
            } else {
                p.span(t, Side::After)
            };
            h[w] - p.value(s, x, t, p.concede(s, x, t))
        });
        g[0] + theta * (g[1] - g[0]) + h[2] * worth
    }

    /// The same at a time t inside grid step j (on its span).
    fn gap_inside(&self, x: usize, j: usize, t: f64, theta: f64, worth: f64) -> f64 {
        let k = self.grid[j].1;
        let next = self.grid[j + 1].0;
        let h = self.hold[x][j + 1];
        let on = |w: usize, v: f64| hold(self.paths[w], &self.paths[w].spans[k], x, t, next, v);
        let g = [0, 1].map(|w| {
            let p = self.paths[w];
            let s = &p.spans[k];
            on(w, h[w]) - p.value(s, x, t, p.concede(s, x, t))
        });
        let weight = on(0, h[0] + h[2]) - on(0, h[0]);
        g[0] + theta * (g[1] - g[0]) + weight * worth
    }

    /// The sides at the end's stage if both stopped conceding where their integrated hazards
    /// are s.
    /// The stage the survivors at s would play at the end, remembered for the last s asked:
    /// both sides ask for the same one at each step of a shot.
    fn stage_at(&self, s: [f64; PARTIES]) -> Result<[f64; PARTIES], cutoffs::Unsolved> {
        if let Some((at, q)) = self.last_stage.take()
            && at == s
        {
            self.last_stage.set(Some((at, q.clone())));
            return q;
        }
        let q = stage(&self.end, &self.survivors(s));
        self.last_stage.set(Some((s, q.clone())));
        q
    }

    fn survivors(&self, s: [f64; PARTIES]) -> [Survivors<'p>; PARTIES] {
        [0, 1].map(|x| Survivors {
            prior: self.priors[x],
            known: self.known[x],
            s: s[x],
        })
    }

    /// Whether x's marginal type is committed where the integrated hazards are s (x's gap, from
    /// `gap`, given what the end is worth): the end's stage is solved only where the bounds on
    /// its worth leave the answer open. NaN where that stage has no equilibrium this solve finds.
    fn committed_gap(&self, x: usize, s: [f64; PARTIES], gap: impl Fn(f64, f64) -> f64) -> f64 {
        let m = self.marginal(x, s[x]);
        let (lo, hi) = self.end[x].worth_bounds(m);
        let at_lo = gap(m, lo);
        if at_lo >= 0.0 {
            return at_lo;
        }
        if gap(m, hi) < 0.0 {
            return gap(m, hi);
        }
        match self.stage_at(s) {
            Ok(q) => gap(m, self.end[x].worth(m, q[1 - x])),
            Err(_) => f64::NAN,
        }
    }

    /// Why a commitment could not be read where the integrated hazards are s: the stage the
    /// survivors would play at the end has no equilibrium this solve finds.
    fn broken(&self, s: [f64; PARTIES]) -> Unsolved {
        match stage(&self.end, &self.survivors(s)) {
            Err(cutoffs::Unsolved(what)) => Unsolved::Unsupported(what),
            Ok(_) => BROKEN,
        }
    }

    /// Integrate forward from the atom z (a's where positive, b's where negative) until both
    /// sides' marginal types are committed or the game ends; `None` where the mixed regime
    /// breaks down on the way.
    fn shoot(&self, z: f64, keep: bool) -> Result<Shot, Unsolved> {
        let c = self.conceded;
        let mut s = [c[0] + z.max(0.0), c[1] + (-z).max(0.0)];
        let mut stop = [f64::INFINITY; PARTIES];
        // Where each side stopped, its integrated hazard there: its survivors at the end.
        let mut held = s;
        let mut nodes: [Vec<Node>; PARTIES] = Default::default();
        let at_end = |s: [f64; PARTIES], stop: &[f64; PARTIES], held: &[f64; PARTIES]| {
            [0, 1].map(|y| if stop[y].is_finite() { held[y] } else { s[y] })
        };
        for x in 0..PARTIES {
            let g = self.committed_gap(x, s, |m, w| self.gap_at_node(x, 0, m, w));
            if g.is_nan() {
                return Err(self.broken(s));
            }
            if g >= 0.0 {
                // Committed from the start: its curve is its atom there (the rate, unused
                // where the curve has one node, any positive number).
                stop[x] = self.grid[0].0;
                if keep {
                    nodes[x].push((stop[x], s[x], 1.0));
                }
            }
        }
        for j in 0..self.grid.len() - 1 {
            if stop.iter().all(|t| t.is_finite()) {
                break;
            }
            let ((t, k), next) = (self.grid[j], self.grid[j + 1].0);
            if let Some((_, jump)) = self.jumps.iter().find(|jump| jump.0 == j) {
                let nodes = keep.then_some(&mut nodes);
                if let Err(e) = self.jump_at(j, jump, &mut s, (&mut stop, &mut held), nodes) {
                    return self.unfinished(keep, stop, e);
                }
                if stop.iter().all(|t| t.is_finite()) {
                    break;
                }
            }
            let rate = self.rates(k, t, s);
            if rate.iter().any(|r| r.is_nan()) {
                return self.unfinished(keep, stop, BROKEN);
            }
            if keep {
                for x in (0..PARTIES).filter(|&x| stop[x].is_infinite()) {
                    nodes[x].push((t, s[x], rate[x]));
                }
            }
            let after = self.step_from(k, t, s, next - t, rate);
            for x in 0..PARTIES {
                if stop[x].is_finite() {
                    continue;
                }
                let there = at_end(after, &stop, &held);
                let g = self.committed_gap(x, there, |m, w| self.gap_inside(x, j, next, m, w));
                if g.is_nan() {
                    return self.unfinished(keep, stop, self.broken(there));
                }
                if g < 0.0 {
                    continue;
                }
                let gap = |u: f64| {
                    let su = at_end(self.step(k, t, s, u - t), &stop, &held);
                    self.committed_gap(x, su, |m, w| self.gap_inside(x, j, u, m, w))
                };
                let (lo, hi) = ((t, gap(t)), (next, gap(next)));
                let at = if lo.1 >= 0.0 {
                    t
                } else {
                    regula_falsi(gap, lo, hi, CROSSING, FALSI_STEPS)
                };
                let su = self.step(k, t, s, at - t);
                if su.iter().any(|v| v.is_nan()) {
                    // A marginal type's hazard turned negative before the commitment line
                    // (found by engine_cases' shortcut property test): the mixed regime breaks
                    // down there, which this solve does not cover.
                    return self.unfinished(keep, stop, BROKEN);
                }
                stop[x] = at;
                held[x] = su[x];
                if keep {
                    let r = self.rates(k, at, su);
                    nodes[x].push((at, su[x], r[x]));
                }
            }
            s = after;
        }
        Ok(Shot { stop, nodes })
    }

    /// A shot that breaks down (`e`) after one side has stopped still says which side stops
    /// later: the other, which is all the search for the atom (`lag`) asks of it. Where it is
    /// the shot kept (the solution's), or neither side has stopped, it fails.
    fn unfinished(&self, keep: bool, stop: [f64; PARTIES], e: Unsolved) -> Result<Shot, Unsolved> {
        if keep || stop.iter().all(|t| t.is_infinite()) {
            return Err(e);
        }
        Ok(Shot {
            stop,
            nodes: Default::default(),
        })
    }
}
