//! What the game after a random event is worth (docs/model.md, section 6.4): v_x^post(t), x's
//! value of the game that goes on after a Poisson event fires at t, which every value carried
//! back before the event needs (the mixed numerator's event term is ρ (v^post − L), and a hold
//! ends at rate ρ paying v^post).
//!
//! Where the game after an event does not depend on when it fired (its effects shift levels of
//! lines that no bound and no scheduled `*=` or `=` touches, or shift beliefs no scheduled event
//! touches), it is the game from the solve's start with the event applied there: one solve per
//! history of event counts (`Anticipation`, which memoises them) gives v^post at every t, as
//! the solved game's values (`worth_of`). Where it does depend on when the event fired (a new
//! slope, a `*=` or `=` on a moving line, a clamp that binds), its value at each time is the
//! game solved from there, sampled at points that depend on the round's start alone and joined
//! by chords (`Anticipation::sampled`, `lattice`, `opening`); in that game, later events of the
//! kind are not sampled again. Elsewhere (talks, or beyond `MOST_FIRINGS` events or `MOST_GAMES`
//! games) the event is priced by the expected jump in the value of conceding, as if the game
//! after it were this one shifted (`Post::Jump`): docs/model.md says how far that is from exact.

use std::collections::HashMap;

use super::continuous;
use super::hold::hold_across;
use super::path::advance;
use super::path::{AtStart, Path, Pending, Side, Start};
use super::plan::{Plan, assemble};
use super::regime::{Regime, Solution, ending};
use super::worth::{Budget, Fineness, Post, Worth, lattice};
use crate::model::{LineId, Lines, Op, Outcome, PARTIES, Scenario, Target};

/// Events without a limit anticipated at most, counted from the round's start: a history with
/// more of them fired is priced by its jumps.
const MOST_FIRINGS: u32 = 3;

/// An event that can fire more often than this has no limit, in effect.
const UNLIMITED: u32 = 1 << 20;

/// A game after an event whose value takes more pieces than this is priced by its jump.
const MOST_PIECES: usize = 4096;

/// Games after events anticipated at most: the histories (counted from the round's start) are
/// taken by their number of events, all of one number or none, up to the largest number that
/// keeps them within this (`depth`). That depends on the scenario alone, not on where a solve
/// starts, so a solve from a later state anticipates the same histories.
const MOST_GAMES: usize = 64;

/// The chords of a curved value are refined until they are within this of it, relative to the
/// game's largest payoff.
const CHORD_TOL: f64 = 1e-7;

/// A game after an event that depends on when it fired is sampled until its chords are within
/// this of it, relative to the game's largest payoff (`Anticipation::sampled`).
const LATTICE_TOL: f64 = 1e-6;

/// Halvings of the root's span every such sample takes (2^4 = 16 intervals at least), so that
/// no feature of a value much shorter than the span is missed.
const LATTICE_FIRST: u32 = 4;

/// Points such a sample takes at most before the event is priced by its jump instead.
const MOST_SAMPLES: usize = 2048;

/// Points the value of a hold takes at most (each one integral, not a game solved): where it
/// needs more, its chords stay as fine as that many points make them everywhere. Twice as
/// many for a hold for ever, anchored at a horizon hundreds of time units away, where
/// discounting makes the status quo there rise steeply near it. (A random event that changes
/// nothing, in 1,000 random scenarios, moved a survival by 3e-4 at most with 256 points and a
/// hold for ever alike, by 7e-5 with 512, by under 1e-5 with 512 and 1,024 for ever:
/// `sampled::a_random_event_that_changes_nothing_changes_no_plan`, two scenarios aside.)
const MOST_HOLD_SAMPLES: usize = 512;

/// The same in the games solved where a game after an event is sampled: 32 points, the chords
/// of 16 intervals halved once more.
const NESTED_HOLD_SAMPLES: usize = 32;

/// The values of the game solved on `path` as `sol`, at every time from its start; `None` where a
/// hold's value is not finite.
fn worth_of(path: &Path, sol: &Solution, tol: f64, points: usize) -> Option<Worth> {
    let mut w = Worth::default();
    let atom_at = |t: f64| sol.atoms.iter().any(|a| a.0 == t);
    let mut k = 0;
    while k < sol.stretches.len() {
        let st = sol.stretches[k];
        k += 1;
        let (a, mut b) = (st.start, st.end);
        if b <= a {
            continue;
        }
        if let Regime::Hold { mut at, mut value } = st.regime {
            // A hold goes on across spans (re-anchored at each) until an atom or another regime.
            while let Some(next) = sol.stretches.get(k) {
                match next.regime {
                    Regime::Hold { at: a2, value: v2 } if next.start == b && !atom_at(b) => {
                        (b, at, value) = (next.end, a2, v2);
                        k += 1;
                    }
                    _ => break,
                }
            }
            w.append(hold_chords(path, (a, b), at, value, (tol, points))?);
            continue;
        }
        let mut t = a;
        loop {
            let s = path.span(t, Side::After);
            let line = |x: usize, o: Outcome| {
                let l = path.terms_from(s, x, t, o).value(s.wbar[x]);
                (l.at, l.slope)
            };
            let piece = [0, 1].map(|x| match st.regime {
                Regime::Concedes(c) if x != c && path.joins(s, c) => (path.tie(s, x), 0.0),
                Regime::Concedes(c) if x != c => (path.win(s, x), 0.0),
                _ => line(x, Outcome::concession(x)),
            });
            w.extend(t, piece);
            if s.end >= b || !s.end.is_finite() {
                break;
            }
            t = s.end;
        }
    }
    Some(w)
}

/// What the game solved on `path` as `sol` is worth to each side at its start (current value
/// there), the atoms of concessions at the start included: a side that concedes there with
/// some chance gets what conceding does; one that does not, its opponent's atom's win and
/// otherwise what the regime from the start pays.
fn opening(path: &Path, sol: &Solution) -> [f64; PARTIES] {
    let t = path.t0;
    let s = path.span(t, Side::After);
    let regime = (sol.stretches.iter())
        .find(|st| st.end > st.start)
        .map_or(Regime::Mixed, |st| st.regime);
    let atoms = (sol.atoms.iter())
        .filter(|a| a.0 == t)
        .fold([0.0; PARTIES], |p, a| {
            [0, 1].map(|x| 1.0 - (1.0 - p[x]) * (1.0 - a.1[x]))
        });
    [0, 1].map(|x| {
        let y = 1 - x;
        let goes_on = match regime {
            Regime::Hold { at, value } => held(path, x, t, at, value[x]),
            Regime::Concedes(c) if c != x && path.joins(s, c) => path.tie(s, x),
            Regime::Concedes(c) if c != x => path.win(s, x),
            _ => path.concede(s, x, t),
        };
        if atoms[x] > 0.0 {
            atoms[y] * path.tie(s, x) + (1.0 - atoms[y]) * path.concede(s, x, t)
        } else {
            atoms[y] * path.win(s, x) + (1.0 - atoms[y]) * goes_on
        }
    })
}

/// x's value at u (current value) of both holding until `at`, where x expects `value` (time-0
/// units).
fn held(path: &Path, x: usize, u: f64, at: f64, value: f64) -> f64 {
    let (d, cost) = advance(path.sc, path.span(u, Side::After), x, u);
    (hold_across(path, x, u, at.max(u), value) + cost) / d
}

/// The values of both holding on `[a, b)` until `at`, where they expect `value` (time-0
/// units), in current value: chords through points that halve the stretch level by level
/// (`lattice`), `points` at most; `None` where a value is not finite.
fn hold_chords(
    path: &Path,
    (a, b): (f64, f64),
    at: f64,
    value: [f64; PARTIES],
    (tol, points): (f64, usize),
) -> Option<Worth> {
    let current = |u: f64| [0, 1].map(|x| held(path, x, u, at, value[x]));
    // A hold for ever is anchored at the game's last anchor (the horizon, or where nothing
    // changes any more). Up to it the costs of waiting still fall due (pressure that only later
    // falls to 0, say), so its current value moves with the time; beyond it, the last chord
    // goes on.
    let forever = !b.is_finite();
    let (b, most) = if forever {
        (at, 2 * points)
    } else {
        (b, points)
    };
    if !b.is_finite() {
        let mut w = Worth::default();
        w.push(a, current(a).map(|v| (v, 0.0)));
        return Some(w);
    }
    // No halvings before the chords are judged: a hold's value is smooth between its spans'
    // ends, and most holds are lines (every interval halved four times made a round's solve
    // after an event many times slower).
    let fine = Fineness {
        first: 0,
        tol,
        budget: Budget::Best(most),
    };
    lattice(current, (a, b), fine)
}

/// The games after the Poisson events of one solve, one per history of event counts, each
/// solved from a root as if its events had fired there. The root is the round's start wherever
/// every event fired so far is anticipated from there, whatever the solve's start, so that a
/// solve from a later state (after such events, or later on the path) prices its events by the
/// very same games as the solve from 0 (docs/model.md 6.4, consistency); after an event priced by
/// its jump, it is the solve's start.
pub(super) struct Anticipation<'a> {
    sc: &'a Scenario,
    /// The root, and the lines and beliefs there after the scheduled events there.
    t0: f64,
    lines: Lines,
    belief: [f64; PARTIES],
    /// The scheduled events after the root.
    scheduled: Vec<(f64, usize)>,
    /// The Poisson events that can fire at the root.
    base: Vec<Pending>,
    /// How often each event of `base` fired between the root and the solve's start, and where
    /// each Poisson event of the solve's start is in `base`.
    already: Vec<u32>,
    index: Vec<usize>,
    /// The most events a history may have (`depth`).
    depth: u32,
    memo: HashMap<Vec<u32>, Post>,
    /// The games after an event that depend on when it fired, sampled (`sampled`), by the
    /// history before it and the event.
    lattices: HashMap<(Vec<u32>, usize), Post>,
    /// Whether such games are sampled: not in a game after one (solved from where it fired),
    /// whose own such events are priced by their jumps, so that a round's solve after one
    /// plans as the sample taken there assumed.
    sampling: bool,
    tol: f64,
    /// The plans of the games solved, where asked for (`Some`).
    plans: Option<Vec<(Vec<u32>, Plan)>>,
}

impl<'a> Anticipation<'a> {
    /// The games after the events of `start`; `keep_plans`: keep the plan of each game solved.
    pub fn new(sc: &'a Scenario, start: &Start, keep_plans: bool) -> Anticipation<'a> {
        let round = AtStart::of(sc);
        // Histories are cut at a number of events that depends on the scenario alone.
        let depth = depth(sc, &round.poisson);
        let mut ant = Anticipation::rooted(sc, &round.start(), depth, keep_plans);
        // A solve that cannot root at the round's start is one after an event whose game is
        // sampled, or after more events than are anticipated: it samples nothing.
        let unrooted = |mut ant: Anticipation<'a>| {
            ant.sampling = false;
            ant
        };
        // The counts since the round's start of what `start` has left.
        let mut already: Vec<u32> = ant.base.iter().map(|p| p.left).collect();
        let mut index = Vec::with_capacity(start.poisson.len());
        for p in start.poisson {
            let Some(k) = ant.base.iter().position(|b| b.event == p.event) else {
                return unrooted(Anticipation::rooted(sc, start, depth, keep_plans));
            };
            already[k] = ant.base[k].left - p.left;
            index.push(k);
        }
        if already.iter().any(|&n| n > 0) && ant.priced_by_jump(&already) {
            return unrooted(Anticipation::rooted(sc, start, depth, keep_plans));
        }
        (ant.already, ant.index) = (already, index);
        ant
    }

    /// The games after the events of `root`, solved from there, of histories of up to `depth`
    /// events.
    fn rooted(sc: &'a Scenario, root: &Start, depth: u32, keep_plans: bool) -> Anticipation<'a> {
        let (mut lines, mut belief, mut due) = (*root.lines, root.belief, 0);
        root.apply_due(sc, root.t0, &mut due, &mut lines, &mut belief);
        let scale = sc
            .parties
            .iter()
            .map(|p| p.stake.abs() * 4.0 + p.breakdown_cost.abs() + p.status_quo.abs())
            .fold(1.0, f64::max);
        Anticipation {
            sc,
            t0: root.t0,
            lines,
            belief,
            scheduled: root.scheduled[due..].to_vec(),
            base: root.poisson.to_vec(),
            already: vec![0; root.poisson.len()],
            index: (0..root.poisson.len()).collect(),
            depth,
            memo: HashMap::new(),
            lattices: HashMap::new(),
            sampling: true,
            tol: CHORD_TOL * scale,
            plans: keep_plans.then(Vec::new),
        }
    }

    /// The plans of the games solved, by history of the solve's events (counts since its
    /// start, in the order of its Poisson events).
    pub fn plans(self) -> Vec<(Vec<u32>, Plan)> {
        let (already, index) = (&self.already, &self.index);
        let since = |history: &Vec<u32>| -> Option<Vec<u32>> {
            // Reachable from the solve's start: nothing fired before it is undone, and no event
            // it cannot fire has fired.
            let ok = (0..history.len()).all(|k| {
                history[k] >= already[k] && (index.contains(&k) || history[k] == already[k])
            });
            ok.then(|| index.iter().map(|&k| history[k] - already[k]).collect())
        };
        (self.plans.iter().flatten())
            .filter_map(|(h, plan)| Some((since(h)?, plan.clone())))
            .collect()
    }

    /// For each Poisson event of the solve's start, in its order, what the game after it is
    /// worth.
    pub fn posts(&mut self) -> Vec<Post> {
        let index = self.index.clone();
        index
            .into_iter()
            .map(|k| self.post(&self.already.clone(), k))
            .collect()
    }

    /// What the game after event k of `base` fires after `history` is worth.
    fn post(&mut self, history: &[u32], k: usize) -> Post {
        if !self.sc.events[self.base[k].event].changes_game() {
            // The game after it is this one: nothing to price.
            return Post::Jump;
        }
        let mut next = history.to_vec();
        next[k] += 1;
        if self.sampling && !self.beyond_limits(&next) && !self.shifts_only(&next) {
            return self.sampled(history, k);
        }
        self.game(next)
    }

    /// For each event that can still fire after `history` (counts from the round's start), in
    /// `base` order, what the game after it is worth.
    fn posts_after(&mut self, history: &[u32]) -> Vec<Post> {
        let live: Vec<usize> = (0..self.base.len())
            .filter(|&k| self.base[k].left > history[k])
            .collect();
        live.into_iter().map(|k| self.post(history, k)).collect()
    }

    /// The game after `history`, solved once.
    fn game(&mut self, history: Vec<u32>) -> Post {
        if let Some(p) = self.memo.get(&history) {
            return p.clone();
        }
        let post = if self.priced_by_jump(&history) {
            Post::Jump
        } else {
            Post::of(self.solve(&history), MOST_PIECES)
        };
        self.memo.insert(history, post.clone());
        post
    }

    /// Whether the game after `history` is priced by its jump rather than solved from the root:
    /// beyond the limits (`beyond_limits`), or a game that depends on when the events fired
    /// (`shifts_only`; `sampled` prices that one where it can).
    fn priced_by_jump(&self, history: &[u32]) -> bool {
        self.beyond_limits(history) || !self.shifts_only(history)
    }

    /// Events without a limit more than `MOST_FIRINGS` deep, more than `depth` events, or talks.
    fn beyond_limits(&self, history: &[u32]) -> bool {
        let (mut unlimited, mut total) = (0, 0);
        for (n, p) in history.iter().zip(&self.base) {
            if self.sc.events[p.event].changes_game() {
                total += n;
                if p.left > UNLIMITED {
                    unlimited += n;
                }
            }
        }
        unlimited > MOST_FIRINGS || total > self.depth || self.sc.talks.is_some()
    }

    /// What the game after event k, fired at τ after `history` (a game that does not depend on
    /// when its events fired), is worth when it depends on τ (a new slope, a `*=` or `=` on a
    /// moving line, a clamp it meets): the value at τ of the game solved from τ with the event
    /// applied there (`value_after`), sampled at the midpoints of halvings of the root's span of
    /// time, cut at the scheduled events, and joined by chords (docs/model.md 6.4, "Games after an event that depend on when
    /// it fired"). The points depend on the root alone, so a solve from a later state on the path
    /// samples the same ones; past `MOST_SAMPLES` points the event is priced by its jump.
    fn sampled(&mut self, history: &[u32], k: usize) -> Post {
        let key = (history.to_vec(), k);
        if let Some(p) = self.lattices.get(&key) {
            return p.clone();
        }
        // The game's end, else the horizon (rounds end by then); without either there is no
        // span to sample.
        let end = match self.sc.game_end() {
            end if end.is_finite() => end,
            _ => self.sc.end_time(),
        }
        .max(self.t0);
        let tol = self.tol * LATTICE_TOL / CHORD_TOL;
        let fine = Fineness {
            first: LATTICE_FIRST,
            tol,
            budget: Budget::Strict(MOST_SAMPLES),
        };
        // The value jumps where a scheduled event changes the game: each stretch between them
        // is sampled on its own, so that its chords end at the event (the value just before
        // it) and the next begin there, as the path's spans do, instead of halving toward the
        // jump and leaving a chord across it a few halvings wide.
        let mut cuts = vec![self.t0];
        cuts.extend((self.scheduled.iter().map(|e| e.0)).filter(|&t| t > self.t0 && t < end));
        cuts.dedup();
        cuts.push(end);
        let sample = (end.is_finite())
            .then(|| {
                let mut w = Worth::default();
                for pair in cuts.windows(2) {
                    let f = |tau| self.value_after(history, k, tau);
                    w.append(lattice(f, (pair[0], pair[1]), fine)?);
                }
                Some(w)
            })
            .flatten();
        let post = Post::of(sample, MOST_PIECES);
        self.lattices.insert(key, post.clone());
        post
    }

    /// The value at τ (current value) of the game after event k fires at τ after `history`:
    /// the game from τ, its lines as the scheduled events before τ leave them, with the
    /// history's events and event k applied there, solved as a round that reaches that state
    /// would solve it (its own events priced as `Anticipation::new` prices them after an
    /// event like this one).
    fn value_after(&self, history: &[u32], k: usize, tau: f64) -> [f64; PARTIES] {
        let sc = self.sc;
        let (mut lines, mut belief, mut theta) = (self.lines, self.belief, [1.0; PARTIES]);
        let mut next = 0;
        while let Some(&(at, e)) = self.scheduled.get(next) {
            if at > tau {
                break;
            }
            sc.apply_event(e, at, &mut lines, &mut theta, &mut belief);
            next += 1;
        }
        let mut poisson = Vec::new();
        for (j, &n) in history.iter().enumerate() {
            let fired = n + u32::from(j == k);
            for _ in 0..fired {
                sc.apply_event(self.base[j].event, tau, &mut lines, &mut theta, &mut belief);
            }
            if self.base[j].left > fired {
                poisson.push(Pending {
                    left: self.base[j].left - fired,
                    ..self.base[j]
                });
            }
        }
        for l in lines.iter_mut() {
            l.rebase(tau);
        }
        let start = Start {
            t0: tau,
            lines: &lines,
            belief,
            scheduled: &self.scheduled[next..],
            poisson: &poisson,
            conceded: None,
        };
        let posts = if poisson.is_empty() {
            Vec::new()
        } else {
            let mut after = Anticipation::rooted(sc, &start, self.depth, false);
            after.sampling = false;
            after.posts()
        };
        let path = Path::new(sc, &start, sc.game_end().max(tau), &posts);
        let end = ending(sc, &path);
        let sol = continuous::solve(&path, end, sc.simulation.horizon);
        opening(&path, &sol)
    }

    /// Solve the game after `history` from the root and read its values.
    fn solve(&mut self, history: &[u32]) -> Option<Worth> {
        let sc = self.sc;
        let (mut lines, mut belief) = (self.lines, self.belief);
        let mut theta = [1.0; PARTIES];
        let mut poisson = Vec::new();
        for (j, &n) in history.iter().enumerate() {
            for _ in 0..n {
                sc.apply_event(
                    self.base[j].event,
                    self.t0,
                    &mut lines,
                    &mut theta,
                    &mut belief,
                );
            }
            if self.base[j].left > n {
                poisson.push(Pending {
                    left: self.base[j].left - n,
                    ..self.base[j]
                });
            }
        }
        let posts = self.posts_after(history);
        let start = Start {
            t0: self.t0,
            lines: &lines,
            belief,
            scheduled: &self.scheduled,
            poisson: &poisson,
            conceded: None,
        };
        let path = Path::new(sc, &start, sc.game_end(), &posts);
        let end = ending(sc, &path);
        let sol = continuous::solve(&path, end, sc.simulation.horizon);
        if let Some(plans) = &mut self.plans {
            let mut plan = Plan {
                end: f64::INFINITY,
                ..Plan::default()
            };
            for x in 0..PARTIES {
                assemble(&path, &sol, x, &mut plan.sides[x]);
            }
            plans.push((history.to_vec(), plan));
        }
        // In the games a sample solves (and a round's solve after such an event, which plays
        // what the sample valued) the holds take fewer points: a sample solves dozens of games.
        let points = if self.sampling {
            MOST_HOLD_SAMPLES
        } else {
            NESTED_HOLD_SAMPLES
        };
        worth_of(&path, &sol, self.tol, points)
    }

    /// Whether the game after `history` is the game from t0 with the events applied there,
    /// whenever they fired: every effect adds to a level of a line or to a belief, and no bound
    /// and no scheduled `*=` or `=` meets what it shifts, between the shifts' extremes; or it
    /// scales or sets the level of a line that stays constant (and that no other event of the
    /// history touches).
    fn shifts_only(&self, history: &[u32]) -> bool {
        let (mut up, mut down) = ([0.0; LineId::COUNT], [0.0; LineId::COUNT]);
        let (mut b_up, mut b_down) = ([0.0; PARTIES], [0.0; PARTIES]);
        // For each line, the events of the history that touch its level, as a bit set.
        let mut touching = [0u64; LineId::COUNT];
        let mut scaled = [false; LineId::COUNT];
        for (j, &n) in history.iter().enumerate() {
            if n == 0 {
                continue;
            }
            for eff in &self.sc.events[self.base[j].event].effects {
                let sign = match (eff.op, eff.target) {
                    (_, Target::Resolve { .. }) => continue,
                    (_, Target::Line { growth: true, .. }) => return false,
                    (Op::Add, _) => 1.0,
                    (Op::Sub, _) => -1.0,
                    (Op::Mul | Op::Set, Target::Line { line, .. }) => {
                        scaled[line.0] = true;
                        touching[line.0] |= 1 << j.min(63);
                        continue;
                    }
                    (Op::Mul | Op::Set, Target::Belief { .. }) => return false,
                };
                let d = sign * eff.value * f64::from(n);
                let (u, w) = match eff.target {
                    Target::Line { line, .. } => {
                        touching[line.0] |= 1 << j.min(63);
                        (&mut up[line.0], &mut down[line.0])
                    }
                    Target::Belief { party } => (&mut b_up[party], &mut b_down[party]),
                    Target::Resolve { .. } => continue,
                };
                if d > 0.0 { *u += d } else { *w += d }
            }
        }
        let scaled_clear = (0..LineId::COUNT)
            .all(|id| !scaled[id] || (touching[id].count_ones() == 1 && self.constant(id)));
        let beliefs_clear = (0..PARTIES).all(|p| {
            (b_up[p] == 0.0 && b_down[p] == 0.0)
                || (self.belief[p] + b_down[p] > 0.0
                    && !self.scheduled.iter().any(|&(_, e)| {
                        (self.sc.events[e].effects.iter())
                            .any(|f| f.target == Target::Belief { party: p })
                    }))
        });
        let shifted = |id: usize| !scaled[id] && (up[id] != 0.0 || down[id] != 0.0);
        let zero = [0.0; LineId::COUNT];
        scaled_clear
            && beliefs_clear
            && [zero, up, down]
                .iter()
                .all(|shift| self.clear_of_bounds(shift, shifted))
    }

    /// Whether line `id` stays at its level from t0 on: no slope, and no scheduled event
    /// touches it.
    fn constant(&self, id: usize) -> bool {
        self.lines[id].slope == 0.0
            && !self.scheduled.iter().any(|&(_, e)| {
                (self.sc.events[e].effects.iter())
                    .any(|f| matches!(f.target, Target::Line { line, .. } if line.0 == id))
            })
    }

    /// Whether the lines `touched`, shifted by `shift` at t0, stay strictly inside their bounds
    /// until the game ends, with no scheduled `*=` or `=` on their levels.
    fn clear_of_bounds(
        &self,
        shift: &[f64; LineId::COUNT],
        touched: impl Fn(usize) -> bool,
    ) -> bool {
        let sc = self.sc;
        let until = sc.game_end();
        let mut lines = self.lines;
        for (id, l) in lines.iter_mut().enumerate() {
            l.rebase(self.t0);
            if touched(id) {
                let v = l.level + shift[id];
                if v < l.lo || v > l.hi {
                    return false;
                }
                l.level = v;
            }
        }
        let clear = |lines: &Lines, end: f64| {
            (0..LineId::COUNT).filter(|&id| touched(id)).all(|id| {
                let l = &lines[id];
                l.effective_slope() == l.slope && (l.slope == 0.0 || l.next_clamp() >= end)
            })
        };
        for &(at, e) in &self.scheduled {
            if at > until {
                break;
            }
            if !clear(&lines, at) {
                return false;
            }
            for eff in &sc.events[e].effects {
                if let Target::Line {
                    line,
                    growth: false,
                } = eff.target
                    && touched(line.0)
                {
                    let l = &mut lines[line.0];
                    l.rebase(at);
                    let raw = eff.op.apply(l.level, eff.value);
                    if matches!(eff.op, Op::Mul | Op::Set) || raw < l.lo || raw > l.hi {
                        return false;
                    }
                }
            }
            let (mut theta, mut belief) = ([1.0; PARTIES], self.belief);
            sc.apply_event(e, at, &mut lines, &mut theta, &mut belief);
        }
        clear(&lines, until)
    }
}

/// Where the game after Poisson event k (of the round's start) fired first depends on when it
/// fired and is sampled, at each of `times`: its sampled value and the value of the game solved
/// from there (each `[a, b]`, current value); `None` where it is not sampled.
pub(super) fn sampled_after(sc: &Scenario, k: usize, times: &[f64]) -> Option<Vec<[[f64; 2]; 2]>> {
    let round = AtStart::of(sc);
    let mut ant = Anticipation::new(sc, &round.start(), false);
    let none = vec![0; ant.base.len()];
    let mut first = none.clone();
    *first.get_mut(k)? += 1;
    let sampled = sc.events[ant.base[k].event].changes_game()
        && !ant.beyond_limits(&first)
        && !ant.shifts_only(&first);
    if !sampled {
        return None;
    }
    let Post::Solved(w) = ant.sampled(&none, k) else {
        return None;
    };
    let at = |t: f64| [w.at(0, t).0, w.at(1, t).0];
    Some(
        (times.iter())
            .map(|&t| [at(t), ant.value_after(&none, k, t)])
            .collect(),
    )
}

/// The most events (that change the game) a history anticipated may have, counted from the
/// round's start (`poisson`, the events that can fire there): the largest number whose histories, each
/// event at most as often as it can fire (events without a limit at most `MOST_FIRINGS` in
/// all), are at most `MOST_GAMES`.
fn depth(sc: &Scenario, poisson: &[Pending]) -> u32 {
    let caps: Vec<(u32, bool)> = (poisson.iter())
        .filter(|p| sc.events[p.event].changes_game())
        .map(|p| match p.left {
            left if left > UNLIMITED => (MOST_FIRINGS, true),
            left => (left, false),
        })
        .collect();
    depth_of(&caps)
}

/// `depth` for events that can fire at most `caps[k].0` times each, `caps[k].1` where that is
/// `MOST_FIRINGS` for an event without a limit (those share it).
fn depth_of(caps: &[(u32, bool)]) -> u32 {
    let bounded = (caps.iter())
        .filter(|c| !c.1)
        .map(|c| u64::from(c.0))
        .sum::<u64>();
    let most = bounded + u64::from(MOST_FIRINGS) * u64::from(caps.iter().any(|c| c.1));
    // Histories with 0..=total events (each within its cap, those without a limit within
    // `unlimited` together), counted with a stop once past `stop`.
    fn count(caps: &[(u32, bool)], total: u32, unlimited: u32, stop: usize) -> usize {
        let Some((&(cap, free), rest)) = caps.split_first() else {
            return 1;
        };
        let mut n = 0;
        for k in 0..=cap.min(total) {
            if free && k > unlimited {
                break;
            }
            let left = if free { unlimited - k } else { unlimited };
            n += count(rest, total - k, left, stop);
            if n > stop {
                break;
            }
        }
        n
    }
    let mut d = 0;
    while u64::from(d) < most && count(caps, d + 1, MOST_FIRINGS, MOST_GAMES + 1) - 1 <= MOST_GAMES
    {
        d += 1;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histories_anticipated_are_all_those_of_a_number_of_events_within_the_cap() {
        let (three, free) = ((3, false), (MOST_FIRINGS, true));
        // Two events with max 3: 15 histories besides the start, all of them (6 events).
        assert_eq!(depth_of(&[three, three]), 6);
        // Three without a limit: 19 histories of 1 to 3 events; a fourth is never anticipated.
        assert_eq!(depth_of(&[free, free, free]), 3);
        // One of each: 3 + 3 + 9 histories, the unlimited one at most three times (6 events).
        assert_eq!(depth_of(&[three, free]), 6);
        // Six with max 3: 6 + 21 histories of 1 or 2 events; with 3 there would be 83 > 64.
        assert_eq!(depth_of(&[three; 6]), 2);
        // None: nothing to anticipate.
        assert_eq!(depth_of(&[]), 0);
    }
}
