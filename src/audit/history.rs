//! Deviations that wait for an event (docs/model.md, section 6.2): where random (Poisson) events
//! can fire, a party may do better with a rule that watches them ("hold until the first squeeze,
//! then concede") than with any time fixed in advance. The audit looks for the best rule that
//! stops at the grid's times and may depend on how many of each event have fired so far.
//!
//! The public history at a grid time is a *state*: the count of each Poisson event fired, each
//! capped (`Histories`). The rule is chosen by backward induction over (grid time, state) from
//! the *training* rounds: per cell the mean payoff of conceding there against the mean of going
//! on (the rounds that end before the next time, and the cells they move to). The state is
//! discrete, so the conditional means are plain cell averages. Choosing a rule on the rounds that
//! value it would bias its gain upward, so the training rounds are others of the same seed
//! (`training`: the indices after the audit's own), which every shard plays alike and so chooses
//! the same rule; the rule is then valued on the audit's rounds, paired with the profile.

use serde::{Deserialize, Serialize};

use crate::aggregate::ExactSum;
use crate::engine::{Engine, Shadow};
use crate::model::{EventTiming, PARTIES, Scenario};
use crate::runner::{self, Merge};

/// The most history states a rule tells apart (the product of each event's cap plus one).
pub const MOST_STATES: usize = 32;

/// An event's count is told apart up to this many (more count as this many).
const MOST_COUNT: u32 = 3;

/// The rule is chosen on as many rounds as the audit values, at most this many.
pub const MOST_TRAINING: u64 = 1 << 20;

/// The histories a rule tells apart: per Poisson event of the scenario (file order, the order
/// of the engine's counts), its name and the count up to which it is told apart (0: ignored).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histories {
    names: Vec<String>,
    caps: Vec<u32>,
    /// Whether the event can fire more often than its cap (its count at the cap means "or more").
    open: Vec<bool>,
}

impl Histories {
    /// The histories of `sc`'s Poisson events; none where none can fire. Each event is told
    /// apart fired or not, in file order while the states stay within `MOST_STATES`; then the
    /// counts are raised in turn up to `MOST_COUNT` (or the event's `max`) while they fit.
    pub fn of(sc: &Scenario) -> Option<Histories> {
        let (names, maxes): (Vec<String>, Vec<u32>) = sc
            .events
            .iter()
            .filter_map(|e| match e.when {
                EventTiming::Poisson { max, .. } => Some((e.name.clone(), max.unwrap_or(u32::MAX))),
                EventTiming::At(_) => None,
            })
            .unzip();
        let mut caps = vec![0; maxes.len()];
        let states = |caps: &[u32]| caps.iter().map(|&c| c as usize + 1).product::<usize>();
        let mut raised = true;
        while raised {
            raised = false;
            for k in 0..caps.len() {
                let mut next = caps.clone();
                next[k] += 1;
                if next[k] <= maxes[k].min(MOST_COUNT) && states(&next) <= MOST_STATES {
                    caps = next;
                    raised = true;
                }
            }
        }
        let open = caps.iter().zip(&maxes).map(|(c, m)| c < m).collect();
        caps.iter()
            .any(|&c| c > 0)
            .then_some(Histories { names, caps, open })
    }

    /// How many states.
    pub fn states(&self) -> usize {
        self.caps.iter().map(|&c| c as usize + 1).product()
    }

    /// How many counts a round records per grid time (one per Poisson event).
    pub fn events(&self) -> usize {
        self.caps.len()
    }

    /// The state of the counts (one per Poisson event).
    pub fn index(&self, counts: &[u32]) -> usize {
        let mut h = 0;
        for (&n, &cap) in counts.iter().zip(&self.caps).rev() {
            h = h * (cap as usize + 1) + n.min(cap) as usize;
        }
        h
    }

    /// A state in words: `no event yet`, `1 "a is squeezed"`, `3+ "a is squeezed" and 1 "b …"`.
    pub fn describe(&self, mut h: usize) -> String {
        let mut parts = Vec::new();
        for ((name, &cap), &open) in self.names.iter().zip(&self.caps).zip(&self.open) {
            let n = h % (cap as usize + 1);
            h /= cap as usize + 1;
            if n > 0 {
                // At the cap the count means "this many or more" where the event can fire more.
                let more = if n == cap as usize && open { "+" } else { "" };
                parts.push(format!("{n}{more} \"{name}\""));
            }
        }
        if parts.is_empty() {
            "no event yet".into()
        } else {
            format!("after {}", parts.join(" and "))
        }
    }
}

/// How many rounds choose the rule, and from which round index: as many as the audit values (at
/// most `MOST_TRAINING`), right after them.
pub fn training(rounds: u64) -> std::ops::Range<u64> {
    rounds..rounds + rounds.min(MOST_TRAINING)
}

/// The training rounds' sums per cell (grid time k, state h), for one party: rounds reaching the
/// cell still running, the sum of their payoffs from conceding there, the sum of their payoffs
/// where the round ends before the next time (holding on: the round as it ends), and the count
/// moving to each state at the next time.
#[derive(Clone, Debug, Default)]
struct Cells {
    n: Vec<u64>,
    stop: Vec<ExactSum>,
    end: Vec<ExactSum>,
    moves: Vec<u64>,
}

impl Cells {
    fn empty(cells: usize, states: usize) -> Cells {
        Cells {
            n: vec![0; cells],
            stop: vec![ExactSum::default(); cells],
            end: vec![ExactSum::default(); cells],
            moves: vec![0; cells * states],
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Training([Cells; PARTIES]);

impl Merge for Training {
    fn merge(&mut self, o: &Training) {
        for (a, b) in self.0.iter_mut().zip(&o.0) {
            if a.n.is_empty() {
                *a = b.clone();
                continue;
            }
            for (x, y) in a.n.iter_mut().zip(&b.n) {
                *x += y;
            }
            for (x, y) in a.moves.iter_mut().zip(&b.moves) {
                *x += y;
            }
            for (x, y) in a.stop.iter_mut().zip(&b.stop) {
                x.merge(y);
            }
            for (x, y) in a.end.iter_mut().zip(&b.end) {
                x.merge(y);
            }
        }
    }
}

/// A party's rule: per cell (grid time k, state h, at `k * states + h`) whether it concedes.
pub type Rule = Vec<bool>;

/// What a shadowed round tells one party's rule: its payoff from following the rule, where the
/// round evaluated `m` grid times with `payoffs` and recorded `counts`, and pays `never` after.
pub fn follow(
    rule: &Rule,
    h: &Histories,
    payoffs: &[f64],
    counts: &[u32],
    m: usize,
    never: f64,
) -> f64 {
    let (states, e) = (h.states(), h.events());
    (0..m)
        .find(|&k| rule[k * states + h.index(&counts[k * e..(k + 1) * e])])
        .map_or(never, |k| payoffs[k])
}

/// Choose each party's rule on the training rounds (played on the current rayon pool;
/// `progress` as the runner's).
pub fn choose(
    engine: &Engine,
    seed: u64,
    grid: &[f64],
    h: &Histories,
    progress: &(dyn Fn(u64) + Sync),
) -> [Rule; PARTIES] {
    let train = training(engine.scenario().simulation.rounds);
    let (states, e, times) = (h.states(), h.events(), grid.len());
    let cells = runner::over_batches(
        train.end - train.start,
        0..runner::batch_count(train.end - train.start),
        progress,
        Training::default,
        |rounds| {
            let mut scratch = engine.scratch();
            let mut payoffs = vec![0.0; times];
            let mut counts = vec![0u32; times * e];
            let blank = || Cells::empty(times * states, states);
            let mut out = Training([blank(), blank()]);
            let mut sums = [
                vec![[0.0; 2]; times * states],
                vec![[0.0; 2]; times * states],
            ];
            for r in rounds.start + train.start..rounds.end + train.start {
                for (i, (cells, sums)) in out.0.iter_mut().zip(&mut sums).enumerate() {
                    let mut shadow = Shadow::new(i, grid, &mut payoffs).with_history(&mut counts);
                    engine.play_shadowed(seed, r, &mut scratch, &mut shadow);
                    let (m, never) = (shadow.evaluated(), shadow.never);
                    record(cells, sums, h, (&payoffs[..m], &counts), never);
                }
            }
            progress(rounds.end - rounds.start);
            for (cells, sums) in out.0.iter_mut().zip(&sums) {
                for (c, s) in sums.iter().enumerate() {
                    if cells.n[c] > 0 {
                        cells.stop[c].add(s[0]);
                        cells.end[c].add(s[1]);
                    }
                }
            }
            out
        },
    );
    cells.0.map(|c| backward(&c, times, states))
}

/// One training round into a party's cells (`sums`: per cell the round's payoff from conceding
/// there, and where the round ends before the next time, its payoff holding on): it reached
/// the grid's first `payoffs.len()` times, with the event counts `counts` there, and paid
/// `never` after.
fn record(
    cells: &mut Cells,
    sums: &mut [[f64; 2]],
    h: &Histories,
    (payoffs, counts): (&[f64], &[u32]),
    never: f64,
) {
    let (states, e, m) = (h.states(), h.events(), payoffs.len());
    let state = |k: usize| h.index(&counts[k * e..(k + 1) * e]);
    let mut here = if m > 0 { state(0) } else { 0 };
    for (k, &u) in payoffs.iter().enumerate() {
        let c = k * states + here;
        cells.n[c] += 1;
        sums[c][0] += u;
        if k + 1 < m {
            here = state(k + 1);
            cells.moves[c * states + here] += 1;
        } else {
            sums[c][1] += never;
        }
    }
}

/// Backward induction over the cells: concede in a cell where that pays more on average than
/// going on with the rule chosen for the later cells. A cell no training round reached does what
/// the same history does at the next time (so "after the first offer, concede" reads as such
/// from t = 0, although no offer came by then).
fn backward(cells: &Cells, times: usize, states: usize) -> Rule {
    let mut rule = vec![false; times * states];
    if cells.n.is_empty() {
        return rule;
    }
    let mut later = vec![0.0; states];
    for k in (0..times).rev() {
        let mut value = vec![0.0; states];
        for (s, v) in value.iter_mut().enumerate() {
            let c = k * states + s;
            let n = cells.n[c];
            if n == 0 {
                rule[c] = k + 1 < times && rule[c + states];
                continue;
            }
            let mut on = cells.end[c].value();
            for (next, &moved) in cells.moves[c * states..(c + 1) * states].iter().enumerate() {
                if moved > 0 {
                    on += moved as f64 * later[next];
                }
            }
            let stop = cells.stop[c].value();
            rule[c] = stop > on;
            *v = stop.max(on) / n as f64;
        }
        later = value;
    }
    rule
}

/// How many histories a rule's words name (the first, by counts).
const SAID: usize = 3;

/// A rule in words: per state, from which time it concedes (`never concede` if nowhere); the
/// first `SAID` states that concede anywhere, and how many more.
pub fn describe(rule: &Rule, h: &Histories, grid: &[f64]) -> String {
    let states = h.states();
    let num = |t: f64| crate::output::table::decimal(t, 2);
    let mut parts = Vec::new();
    for s in 0..states {
        let stops: Vec<usize> = (0..grid.len()).filter(|&k| rule[k * states + s]).collect();
        let Some(&first) = stops.first() else {
            continue;
        };
        let when = if first == 0 {
            "concede at once".to_string()
        } else {
            format!("concede from t = {}", num(grid[first]))
        };
        let gaps = stops.len() < grid.len() - first;
        let gaps = if gaps { " (at times)" } else { "" };
        parts.push(format!("{}: {when}{gaps}", h.describe(s)));
    }
    let more = parts.len().saturating_sub(SAID);
    parts.truncate(SAID);
    match (parts.is_empty(), more) {
        (true, _) => "never concede".into(),
        (false, 0) => format!("{}; otherwise hold", parts.join("; ")),
        (false, _) => format!(
            "{}; and so on in {more} more histories; otherwise hold",
            parts.join("; ")
        ),
    }
}
