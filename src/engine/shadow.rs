//! A round played for an audit (docs/model.md, section 6.2): one party is *shadowed*, its
//! concessions recorded while the round goes on without them. Because nothing else in the round
//! depends on that party's plan, the round gives its payoff from every deviation at once:
//! conceding at a time t before the round ended ends it there; after, the round ends as it did.
//! The party's own concession, the first time its strategy would have conceded, gives its payoff
//! in the profile the same way. Where an audit asks (`Shadow::with_history`), it also records
//! how many of each Poisson event had fired by each time it valued: the public history a
//! deviation that waits for an event can see (section 6.2).

use super::clock::Ender;
use super::lines::Lines;
use super::setup::Setup;
use super::state::RoundState;
use crate::model::Outcome;

/// The shadowed party and what a round tells of it.
pub struct Shadow<'g> {
    /// The party.
    pub party: usize,
    /// The times of the deviations, in order.
    grid: &'g [f64],
    /// The party's payoff from conceding at each time of the grid, after the round.
    pub payoffs: &'g mut [f64],
    /// Its payoff in the profile, after the round.
    pub profile: f64,
    /// Its payoff if it never concedes (the round as played), after the round.
    pub never: f64,
    /// When its strategy concedes (infinite until it does).
    pub(super) own: f64,
    /// The next grid time to evaluate, and whether the own concession is evaluated.
    next: usize,
    own_done: bool,
    /// Where asked: per grid time, the count of each Poisson event fired by then (the
    /// scenario's Poisson events in file order), `grid.len()` rows of that many counts.
    history: Option<&'g mut [u32]>,
}

impl<'g> Shadow<'g> {
    /// Shadow `party`, whose deviations are to concede at each time of `grid`; `payoffs` receives
    /// their payoffs.
    pub fn new(party: usize, grid: &'g [f64], payoffs: &'g mut [f64]) -> Shadow<'g> {
        Shadow {
            party,
            grid,
            payoffs,
            profile: f64::NAN,
            never: f64::NAN,
            own: f64::INFINITY,
            next: 0,
            own_done: false,
            history: None,
        }
    }

    /// Also record, per grid time, how many of each Poisson event had fired by then (events at
    /// that very time included): `counts` holds `grid.len()` rows of one count per Poisson
    /// event of the scenario, in file order.
    pub fn with_history(mut self, counts: &'g mut [u32]) -> Shadow<'g> {
        self.history = Some(counts);
        self
    }

    /// The party's payoff from conceding at `q` on the piece from t (the round's state `c`),
    /// given how the round ends on it (`ends`: when and through what, if it ends there).
    /// `None`: the round had ended before `q` as it did anyway.
    fn at(
        &self,
        engine: &Setup,
        q: f64,
        piece: (f64, &Lines, &RoundState),
        ends: Option<(f64, Ender)>,
    ) -> Option<f64> {
        let i = self.party;
        let concede = Outcome::concession(i);
        match ends {
            Some((tau, _)) if q > tau => None,
            // At the instant the round ends: a concession by the other is a tie; the meeting of
            // time-dependent demands comes first; anything else comes after a concession.
            Some((tau, Ender::Concede(_))) if q == tau => {
                Some(engine.payoff_at(i, Outcome::Compromise, q, piece))
            }
            Some((tau, Ender::Meet)) if q == tau => None,
            _ => Some(engine.payoff_at(i, concede, q, piece)),
        }
    }

    /// Evaluate the deviations (and the own concession) that fall on the piece `[t, t1)`, or up
    /// to and including the end if the round ends on it.
    pub(super) fn visit(
        &mut self,
        engine: &Setup,
        (t, t1): (f64, f64),
        lines: &Lines,
        c: &RoundState,
        fired: &[u32],
        ends: Option<(f64, Ender)>,
    ) {
        let reach = |q: f64| match ends {
            Some((tau, _)) => q <= tau,
            None => q < t1,
        };
        let piece = (t, lines, c);
        while let Some(&q) = self.grid.get(self.next) {
            if !reach(q) || q < t {
                break;
            }
            match self.at(engine, q, piece, ends) {
                Some(u) => self.payoffs[self.next] = u,
                None => break,
            }
            if let Some(h) = self.history.as_deref_mut() {
                let e = fired.len();
                h[self.next * e..(self.next + 1) * e].copy_from_slice(fired);
            }
            self.next += 1;
        }
        if !self.own_done
            && self.own >= t
            && reach(self.own)
            && let Some(u) = self.at(engine, self.own, piece, ends)
        {
            self.profile = u;
            self.own_done = true;
        }
    }

    /// How many deviations, from the first, the round evaluated; every later one pays `never`.
    pub fn evaluated(&self) -> usize {
        self.next
    }

    /// The round ended with the party's payoff `never`: every deviation not yet evaluated, and
    /// the profile if the party's strategy would not have conceded first, pay that.
    pub(super) fn finish(&mut self, never: f64) {
        self.never = never;
        for u in &mut self.payoffs[self.next..] {
            *u = never;
        }
        if !self.own_done {
            self.profile = never;
        }
    }
}
