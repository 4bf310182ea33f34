//! The general loop: a round as a sequence of pieces (stretches between events and the points
//! where a line hits its clamp, on which every line is linear). On each piece `scan` runs every
//! clock against its budget and finds the earliest ender; if none falls on the piece, the loop
//! carries the budgets, the waiting costs and the lines to the next piece. A clock that does not
//! fire keeps its unused budget into the next piece, which is exact by the Markov property.

use rand_distr::{Distribution, Exp1};

use super::clock::{self, Ender, PartyClock};
use super::lines::{self, Lines};
use super::setup::{Setup, row};
use super::shadow::Shadow;
use super::state::{Playing, RoundState, Scratch};
use crate::model::payoff::EndState;
use crate::model::{LineId, PARTIES, RoundResult};
use crate::rng::RoundRng;
use crate::strategy::equilibrium::{self, Pending, Plan, Start};
use crate::strategy::threshold;

/// What one piece's clocks say: the earliest ender (infinite time if none falls on the piece),
/// when each party would concede, and the budgets the clocks used.
pub(super) struct PieceScan {
    best: (f64, Ender),
    conceding_at: [f64; PARTIES],
    spent_conc: [f64; PARTIES],
    spent_break: f64,
    /// The time of the last planned atom each party's budget has paid for.
    atom_done: [f64; PARTIES],
}

impl Setup<'_> {
    /// A round of one piece, `[0, end]`: nothing changes during it.
    pub(super) fn play_single_piece(&self, c: &RoundState, rng: &mut RoundRng) -> RoundResult {
        let lines = &self.lines.initial;
        let piece = (0.0, self.end, f64::INFINITY);
        let scan = self.scan(piece, true, lines, c, self.plan.as_ref(), None);
        self.conclude(&scan, 0.0, lines, c.cost, c.theta, rng)
    }

    /// The first piece of a round, `[0, t1]` cut at the round's first event (`next`, `fired`:
    /// the Poisson clocks as drawn), scanned on the initial lines: the round's result if something
    /// ends it there, as the loop would give it, else the scan, which the loop then takes as its
    /// first piece's.
    pub(super) fn play_first_piece(
        &self,
        t1: f64,
        c: &RoundState,
        (next, fired): (&[f64], &[u32]),
        rng: &mut RoundRng,
    ) -> Result<RoundResult, PieceScan> {
        let t_event = self.next_event(0, next, fired);
        let lines = &self.lines.initial;
        let piece = (0.0, t1.min(t_event), t_event);
        let scan = self.scan(piece, true, lines, c, self.plan.as_ref(), None);
        if scan.best.0.is_finite() {
            Ok(self.conclude(&scan, 0.0, lines, c.cost, c.theta, rng))
        } else {
            Err(scan)
        }
    }

    /// The general loop, from t = 0 with the round's first draws made; `first`: the first piece's
    /// scan, where `play_first_piece` made it already.
    pub(super) fn play_pieces(
        &self,
        mut c: RoundState,
        scratch: &mut Scratch,
        rng: &mut RoundRng,
        mut shadow: Option<&mut Shadow>,
        mut first: Option<PieceScan>,
    ) -> RoundResult {
        for &k in &self.lines.mutable {
            scratch.lines[k] = self.lines.initial[k];
        }
        let lines = &mut scratch.lines;
        let (next, fired) = (&mut scratch.next, &mut scratch.fired);
        let mut t = 0.0;
        let mut next_sched = 0;
        loop {
            let (touched, changed) =
                self.apply_due(t, &mut next_sched, lines, &mut c, (next, fired), rng);
            let pristine = t == 0.0 && !touched;
            // A Poisson event changed the game, or the plan runs out: solve it again from here.
            let plan_end = self
                .plan(&scratch.plan, c.playing)
                .map_or(f64::INFINITY, |p| p.end);
            if self.plan.is_some() && (changed || t >= plan_end) {
                // The plan after these events, if it was solved with the plan from 0 (its game
                // does not depend on when they fired); else solved from here.
                c.playing = match changed.then(|| self.after(fired)).flatten() {
                    Some(k) => Playing::After(k),
                    None => {
                        let state = (t, next_sched, &*lines, c.belief, &**fired);
                        self.replan(state, &mut scratch.pending, &mut scratch.plan);
                        Playing::Scratch
                    }
                };
            }
            let plan = self.plan(&scratch.plan, c.playing);

            // The piece [t, t1]: up to the next event, clamp or the end.
            let t_event = self.next_event(next_sched, next, fired);
            let t1 = t_event.min(self.piece_end(t, lines, pristine, plan));

            let watched = shadow.as_ref().map(|sh| sh.party);
            // The first piece may have been scanned already (`play_first_piece`), on the same
            // lines and bounds.
            let mut scan = match first.take() {
                Some(scan) => scan,
                None => self.scan((t, t1, t_event), pristine, lines, &c, plan, watched),
            };
            if let Some(sh) = shadow.as_deref_mut() {
                self.shadow_piece(sh, &mut scan, (t, t1, t_event), lines, (&c, fired));
            }
            if scan.best.0.is_finite() {
                let result = self.conclude(&scan, t, lines, c.cost, c.theta, rng);
                if let Some(sh) = shadow {
                    sh.finish(result.payoff[sh.party]);
                }
                return result;
            }
            // An exponential-budget clock that fired on this piece has decided: its concession
            // takes effect later (at a meeting) whatever happens meanwhile. Deterministic rules are
            // simply evaluated again on the next piece, with whatever the events changed.
            for i in 0..PARTIES {
                if self.clocks[i].commits_between_meetings() && scan.conceding_at[i].is_finite() {
                    c.pending[i] = scan.conceding_at[i];
                }
            }

            // Nothing ended the round on this piece: carry everything to t1.
            self.carry(&scan, &mut c, lines, (t, t1));
            t = t1;
        }
    }

    /// Apply the events due at t, scheduled in order and then Poisson (drawing each fired one's
    /// next gap): whether any did, and whether a Poisson event changed the game.
    fn apply_due(
        &self,
        t: f64,
        next_sched: &mut usize,
        lines: &mut Lines,
        c: &mut RoundState,
        (next, fired): (&mut [f64], &mut [u32]),
        rng: &mut RoundRng,
    ) -> (bool, bool) {
        let sc = self.sc;
        let (mut touched, mut changed) = (false, false);
        while let Some(&(at, e)) = self.events.scheduled.get(*next_sched) {
            if at > t {
                break;
            }
            sc.apply_event(e, t, lines, &mut c.theta, &mut c.belief);
            touched = true;
            *next_sched += 1;
        }
        for (k, ev) in self.events.poisson.iter().enumerate() {
            while next[k] <= t && fired[k] < ev.max {
                sc.apply_event(ev.event, t, lines, &mut c.theta, &mut c.belief);
                touched = true;
                changed |= ev.changes_game;
                fired[k] += 1;
                let gap: f64 = Exp1.sample(rng);
                next[k] += gap / ev.rate;
            }
        }
        (touched, changed)
    }

    /// Solve the equilibrium again from the round's state at t (the scheduled events from
    /// `next_sched`, the Poisson events that can still fire) into `plan`.
    fn replan(
        &self,
        (t, next_sched, lines, belief, fired): (f64, usize, &Lines, [f64; PARTIES], &[u32]),
        pending: &mut Vec<Pending>,
        plan: &mut Plan,
    ) {
        pending.clear();
        for (k, ev) in self.events.poisson.iter().enumerate() {
            if fired[k] < ev.max {
                pending.push(ev.pending(fired[k]));
            }
        }
        let start = Start {
            t0: t,
            lines,
            belief,
            scheduled: &self.events.scheduled[next_sched..],
            poisson: pending,
            // The plan played so far was not solved with types (Poisson events are not
            // covered there), so no posterior is known.
            conceded: None,
        };
        equilibrium::solve(self.sc, &start, plan);
    }

    /// An audit's piece: the shadowed party's concession is recorded (the first time its strategy
    /// would concede), taken out of the scan so the round goes on without it, and the deviations
    /// that fall on the piece are valued.
    fn shadow_piece(
        &self,
        sh: &mut Shadow,
        scan: &mut PieceScan,
        (t, t1, t_event): (f64, f64, f64),
        lines: &Lines,
        (c, fired): (&RoundState, &[u32]),
    ) {
        let i = sh.party;
        let at = scan.conceding_at[i];
        let happens = at <= t1 && at < t_event;
        if sh.own.is_infinite()
            && (happens || (self.clocks[i].commits_between_meetings() && at.is_finite()))
        {
            sh.own = at;
        }
        scan.conceding_at[i] = f64::INFINITY;
        let (best, who) = scan.best;
        let ends = best.is_finite().then_some((best, who));
        sh.visit(self, (t, t1), lines, c, fired, ends);
    }

    /// Carry the round from t to t1 when nothing ended it on the piece: waiting costs, the
    /// clocks' budgets, the atoms paid for, the lines.
    fn carry(&self, scan: &PieceScan, c: &mut RoundState, lines: &mut Lines, (t, t1): (f64, f64)) {
        for i in 0..PARTIES {
            if self.pressured[i] {
                c.cost[i] += self.cost_between(i, lines, t, t1);
            }
            c.budget[i] -= scan.spent_conc[i];
        }
        c.budget_break -= scan.spent_break;
        c.atom_done = scan.atom_done;
        for &k in &self.lines.moving {
            lines[k].rebase(t1);
        }
    }

    /// Every candidate's time on the piece `[t, t1]` (infinite when it does not fall there; only
    /// before `t_event` counts, as events come first), and the earliest by time and then by the
    /// order at one instant. `pristine`: no event has happened yet and `t = 0`, so the clocks'
    /// rates are the precomputed ones.
    #[inline(always)]
    fn scan(
        &self,
        (t, t1, t_event): (f64, f64, f64),
        pristine: bool,
        lines: &Lines,
        c: &RoundState,
        plan: Option<&Plan>,
        shadow: Option<usize>,
    ) -> PieceScan {
        let (theta, budget, pending) = (&c.theta, &c.budget, &c.pending);
        let len = t1 - t;
        let mut best = (f64::INFINITY, Ender::Horizon);
        // A shadowed party's concession does not end the round (an audit's).
        let shadowed = shadow.map(Ender::Concede);
        let mut consider = |time: f64, who: Ender| {
            if Some(who) != shadowed
                && time <= t1
                && time < t_event
                && (time < best.0 || (time == best.0 && who.priority() < best.1.priority()))
            {
                best = (time, who);
            }
        };
        // The deterministic enders are known in advance: start from the earliest of them.
        consider(self.fixed_end.0, self.fixed_end.1);
        let mut spent_conc = [0.0; PARTIES];
        let mut conceding_at = [f64::INFINITY; PARTIES];
        let mut atom_done = c.atom_done;
        for i in 0..PARTIES {
            if pending[i].is_finite() {
                // Conceded already; it takes effect at this meeting.
                conceding_at[i] = pending[i];
                consider(pending[i], Ender::Concede(i));
                continue;
            }
            let time = match &self.clocks[i] {
                PartyClock::Never => continue,
                PartyClock::At(at) => at.max(t),
                PartyClock::Hazard { .. } => {
                    let r = if pristine {
                        self.start.rates[i]
                    } else {
                        self.budget_rate(i, t)
                    };
                    clock::run(r, budget[i], len, t, &mut spent_conc[i])
                }
                PartyClock::Equilibrium => {
                    let plan = plan.expect("a plan for an equilibrium party");
                    let piece = (t, t1, t_event);
                    let (time, spent) = plan_clock(plan, i, piece, budget[i], &mut atom_done[i]);
                    spent_conc[i] = spent;
                    if time.is_finite() {
                        // Planned concessions fall at meetings already.
                        conceding_at[i] = time;
                        consider(time, Ender::Concede(i));
                    }
                    continue;
                }
                PartyClock::Bayesian(b) => b.type_time(theta[i]).max(t),
                PartyClock::Reputation(s) => match s.time(budget[i]) {
                    Some(at) => at.max(t),
                    None => continue,
                },
                PartyClock::Threshold { fraction } => {
                    self.threshold_time(i, *fraction, c, lines, (t, len))
                }
            };
            // Under talks a concession takes effect at the next meeting.
            let time = match self.sc.talks {
                Some(talks) => talks.next_meeting(time),
                None => time,
            };
            conceding_at[i] = time;
            consider(time, Ender::Concede(i));
        }
        let mut spent_break = 0.0;
        if self.breakdown_possible {
            let breakdown = if pristine {
                self.start.breakdown
            } else {
                lines::breakdown_rate(lines)
            };
            let tb = clock::run(breakdown, c.budget_break, len, t, &mut spent_break);
            consider(tb, Ender::Breakdown);
        }
        PieceScan {
            best,
            conceding_at,
            spent_conc,
            spent_break,
            atom_done,
        }
    }

    /// When party i's `threshold` rule fires on the piece of length `len` from t: its discounted
    /// waiting cost reaching `fraction` of its worth.
    #[inline(always)]
    fn threshold_time(
        &self,
        i: usize,
        fraction: f64,
        c: &RoundState,
        lines: &Lines,
        (t, len): (f64, f64),
    ) -> f64 {
        let p = &self.sc.parties[i];
        let (remaining, r) = threshold::clock(
            fraction,
            c.theta[i],
            p.stake,
            c.cost[i],
            p.discount_rate,
            lines[LineId::pressure(i).0].piece(),
            t,
        );
        clock::run(r, remaining, len, t, &mut 0.0)
    }

    /// End the round as `scan` found, on the piece that started at `t`.
    #[inline(always)]
    fn conclude(
        &self,
        scan: &PieceScan,
        t: f64,
        lines: &Lines,
        mut cost: [f64; PARTIES],
        theta: [f64; PARTIES],
        rng: &mut RoundRng,
    ) -> RoundResult {
        let (tau, who) = scan.best;
        let breaks = || self.deadline_draw(rng) < self.deadline_breakdown;
        let ended = self.ending(who, tau, scan.conceding_at, breaks);
        for (i, c) in cost.iter_mut().enumerate() {
            if self.pressured[i] {
                *c += self.cost_between(i, lines, t, tau);
            }
        }
        let state = |i: usize| EndState {
            resolve: theta[i],
            cost: cost[i],
            audience_cost: lines[LineId::audience_cost(i).0].at(tau),
            leverage: lines[LineId::leverage(i).0].at(tau),
        };
        self.finish(ended, tau, [state(0), state(1)], row(ended, who))
    }
}

/// Side i's plan on the piece `[t, t1]` (events at `t_event` come first) against what is left of
/// its budget: when it concedes (infinite if not on the piece) and how much of the budget the
/// piece used. Atoms and hazards run against the budget, an atom of probability π taking
/// −ln(1 − π) of it. An atom is paid for once (`atom_done`, the time of the last one paid): at
/// the end of the piece before it unless an event falls there (events come first), else at the
/// start of the piece after.
#[inline(always)]
fn plan_clock(
    plan: &Plan,
    i: usize,
    (t, t1, t_event): (f64, f64, f64),
    budget: f64,
    atom_done: &mut f64,
) -> (f64, f64) {
    if let Some(curve) = &plan.curves[i] {
        // Concessions by type: the time the budget is reached, read off the curve.
        let at = curve.time(budget).max(t);
        return (if at <= t1 { at } else { f64::INFINITY }, 0.0);
    }
    let side = &plan.sides[i];
    let k = side.partition_point(|s| s.start <= t).max(1) - 1;
    let (seg, next) = (side[k], side.get(k + 1));
    let jump = |p: f64| -(-p).ln_1p();
    let mut spent = 0.0;
    // Its atom falls where the round enters it: at its start or, for a segment that concedes
    // throughout, where a round switches to this plan after Poisson events (`Setup::after`).
    let entered = seg.start == t || (seg.throughout && seg.start < t);
    if entered && seg.atom > 0.0 && t > *atom_done {
        spent = jump(seg.atom);
        *atom_done = t;
        if budget < spent {
            return (t, 0.0);
        }
    }
    let mut on_piece = 0.0;
    let left = budget - spent;
    let mut time = match plan.table(i, k) {
        Some(table) => clock::run_table(
            table,
            (t - seg.start, t1 - seg.start),
            left,
            t,
            &mut on_piece,
        ),
        None => clock::run(
            seg.rate.shifted(t - seg.start),
            left,
            t1 - t,
            t,
            &mut on_piece,
        ),
    };
    spent += on_piece;
    if let Some(n) = next.filter(|n| n.start == t1 && n.atom > 0.0 && t1 < t_event)
        && time.is_infinite()
    {
        let j = jump(n.atom);
        *atom_done = t1;
        if budget - spent < j {
            time = t1;
        }
        spent += j;
    }
    (time, spent)
}
