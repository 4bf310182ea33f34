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
use super::state::{RoundState, Scratch};
use crate::model::payoff::EndState;
use crate::model::{LineId, PARTIES, RoundResult};
use crate::rng::RoundRng;
use crate::strategy::equilibrium::{self, Plan, Start};
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
        let sc = self.sc;
        for &k in &self.lines.mutable {
            scratch.lines[k] = self.lines.initial[k];
        }
        let lines = &mut scratch.lines;
        let (next, fired) = (&mut scratch.next, &mut scratch.fired);
        let mut t = 0.0;
        let mut next_sched = 0;
        loop {
            let mut pristine = t == 0.0;
            // Events due now, scheduled in order, then Poisson.
            while let Some(&(at, e)) = self.events.scheduled.get(next_sched) {
                if at > t {
                    break;
                }
                sc.apply_event(e, t, lines, &mut c.theta, &mut c.belief);
                pristine = false;
                next_sched += 1;
            }
            let mut changed = false;
            for (k, ev) in self.events.poisson.iter().enumerate() {
                while next[k] <= t && fired[k] < ev.max {
                    sc.apply_event(ev.event, t, lines, &mut c.theta, &mut c.belief);
                    pristine = false;
                    changed |= ev.changes_game;
                    fired[k] += 1;
                    let gap: f64 = Exp1.sample(rng);
                    next[k] += gap / ev.rate;
                }
            }
            // A Poisson event changed the game, or the plan runs out: solve it again from here.
            let plan_end = self
                .plan(&scratch.plan, c.replanned)
                .map_or(f64::INFINITY, |p| p.end);
            if self.plan.is_some() && (changed || t >= plan_end) {
                let pending = &mut scratch.pending;
                pending.clear();
                for (k, ev) in self.events.poisson.iter().enumerate() {
                    if fired[k] < ev.max {
                        pending.push(ev.pending());
                    }
                }
                let start = Start {
                    t0: t,
                    lines,
                    belief: c.belief,
                    scheduled: &self.events.scheduled[next_sched..],
                    poisson: pending,
                };
                equilibrium::solve(sc, &start, &mut scratch.plan);
                c.replanned = true;
            }
            let plan = self.plan(&scratch.plan, c.replanned);

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
                // The shadowed party's concession is recorded, and the round goes on without it.
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
                sh.visit(self, t, t1, lines, &c, ends);
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
            t = t1;
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
        let p = &self.sc.parties;
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
                    let side = &plan.expect("a plan for an equilibrium party").sides[i];
                    let k = side.partition_point(|s| s.start <= t).max(1) - 1;
                    let (seg, next) = (side[k], side.get(k + 1));
                    // Atoms and hazards run against the budget, an atom of probability π taking
                    // -ln(1 - π) of it. An atom is paid for once: at the end of the piece before
                    // it unless an event falls there (events come first), else at the start of
                    // the piece after.
                    let jump = |p: f64| -(-p).ln_1p();
                    let mut spent = 0.0;
                    if seg.start == t && seg.atom > 0.0 && t > atom_done[i] {
                        spent = jump(seg.atom);
                        atom_done[i] = t;
                        if budget[i] < spent {
                            conceding_at[i] = t;
                            consider(t, Ender::Concede(i));
                            continue;
                        }
                    }
                    let mut on_piece = 0.0;
                    let left = budget[i] - spent;
                    let mut time = match plan.and_then(|p| p.table(i, k)) {
                        Some(table) => clock::run_table(
                            table,
                            (t - seg.start, t1 - seg.start),
                            left,
                            t,
                            &mut on_piece,
                        ),
                        None => {
                            clock::run(seg.rate.shifted(t - seg.start), left, len, t, &mut on_piece)
                        }
                    };
                    spent += on_piece;
                    if let Some(n) = next.filter(|n| n.start == t1 && n.atom > 0.0 && t1 < t_event)
                        && time.is_infinite()
                    {
                        let j = jump(n.atom);
                        atom_done[i] = t1;
                        if budget[i] - spent < j {
                            time = t1;
                        }
                        spent += j;
                    }
                    spent_conc[i] = spent;
                    if time.is_finite() {
                        // Planned concessions fall at meetings already.
                        conceding_at[i] = time;
                        consider(time, Ender::Concede(i));
                    }
                    continue;
                }
                PartyClock::Bayesian(b) => b.stop_time(theta[i] * p[i].stake).max(t),
                PartyClock::Reputation(s) => match s.time(budget[i]) {
                    Some(at) => at.max(t),
                    None => continue,
                },
                PartyClock::Threshold { fraction } => {
                    let (remaining, r) = threshold::clock(
                        *fraction,
                        theta[i],
                        p[i].stake,
                        c.cost[i],
                        p[i].discount_rate,
                        lines[LineId::pressure(i).0].piece(),
                        t,
                    );
                    clock::run(r, remaining, len, t, &mut 0.0)
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
