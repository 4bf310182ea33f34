//! One instant at which both parties may concede (a deadline, a meeting, the moment before an
//! event): a 2 × 2 game between conceding and holding, and the equilibrium `equilibrium` selects
//! in it (docs/model.md, section 6.1).

/// Each party's payoffs (time-0 units) in the four cells.
#[derive(Clone, Copy, Debug)]
pub(super) struct Stage {
    /// Both concede: a tie.
    pub tie: [f64; 2],
    /// This party concedes alone.
    pub concede: [f64; 2],
    /// The other concedes alone.
    pub win: [f64; 2],
    /// Neither does: what holding on is worth.
    pub hold: [f64; 2],
}

/// The selected play: each party's probability of conceding, and what the instant is worth to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Play {
    pub concede: [f64; 2],
    pub value: [f64; 2],
}

/// How a party's best reply depends on the other's probability p of conceding.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Reply {
    /// Holding is (weakly) best whatever p.
    Hold,
    /// Conceding is best whatever p.
    Concede,
    /// Chicken: concede if p is below the threshold, hold above it.
    Below(f64),
    /// Coordination: concede if p is above the threshold.
    Above(f64),
}

impl Stage {
    fn reply(&self, x: usize) -> Reply {
        // The gain from holding over conceding: against a concession, and against a hold.
        let a = self.win[x] - self.tie[x];
        let b = self.hold[x] - self.concede[x];
        match (b >= 0.0, a >= 0.0) {
            (true, true) => Reply::Hold,
            (false, false) => Reply::Concede,
            (false, true) => Reply::Below(-b / (a - b)),
            (true, false) => Reply::Above(b / (b - a)),
        }
    }

    /// The equilibrium `equilibrium` plays: dominant choices where a party has one and the other's
    /// best reply to it; the mixed equilibrium of chicken (each concedes with the probability
    /// that leaves the other indifferent); in a game where both would rather match the other,
    /// both hold. Ties in a best reply go to holding.
    pub fn play(&self) -> Play {
        let best = |x: usize, p: f64| {
            let gain =
                p * (self.win[x] - self.tie[x]) + (1.0 - p) * (self.hold[x] - self.concede[x]);
            if gain >= 0.0 { 0.0 } else { 1.0 }
        };
        let r = [self.reply(0), self.reply(1)];
        let fixed = |r: Reply| match r {
            Reply::Hold => Some(0.0),
            Reply::Concede => Some(1.0),
            Reply::Below(_) | Reply::Above(_) => None,
        };
        let concede = match (fixed(r[0]), fixed(r[1])) {
            (Some(p), Some(q)) => [p, q],
            (Some(p), None) => [p, best(1, p)],
            (None, Some(q)) => [best(0, q), q],
            (None, None) => match (r[0], r[1]) {
                // Each mixes so as to leave the other indifferent.
                (Reply::Below(ta) | Reply::Above(ta), Reply::Below(tb))
                | (Reply::Below(ta), Reply::Above(tb)) => [tb, ta],
                (Reply::Above(_), Reply::Above(_)) => [0.0, 0.0],
                _ => unreachable!("neither reply is fixed"),
            },
        };
        let value = [0, 1].map(|x| {
            let (p, q) = (concede[x], concede[1 - x]);
            q * (p * self.tie[x] + (1.0 - p) * self.win[x])
                + (1.0 - q) * (p * self.concede[x] + (1.0 - p) * self.hold[x])
        });
        Play { concede, value }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symmetric(tie: f64, concede: f64, win: f64, hold: f64) -> Stage {
        Stage {
            tie: [tie; 2],
            concede: [concede; 2],
            win: [win; 2],
            hold: [hold; 2],
        }
    }

    #[test]
    fn chicken_at_a_deadline_with_split_ties_mixes_two_thirds() {
        // V = 1, a deadline that costs 1: q = -D / (G - T - D) = 1 / (1 - 1/2 + 1) = 2/3, and
        // each expects q T + (1 - q) L = 1/3.
        let p = symmetric(0.5, 0.0, 1.0, -1.0).play();
        for x in 0..2 {
            assert!((p.concede[x] - 2.0 / 3.0).abs() < 1e-15);
            assert!((p.value[x] - 1.0 / 3.0).abs() < 1e-15);
        }
    }

    #[test]
    fn a_side_that_prefers_the_deadline_holds_and_the_other_gives_in() {
        // a: the deadline is worth 0.31 over conceding; b: -0.36.
        let s = Stage {
            tie: [0.5, 0.5],
            concede: [0.0, 0.0],
            win: [1.0, 1.0],
            hold: [0.31, -0.36],
        };
        let p = s.play();
        assert_eq!(p.concede, [0.0, 1.0]);
        assert_eq!(p.value, [1.0, 0.0]);
    }

    #[test]
    fn when_holding_is_free_nobody_concedes() {
        let p = symmetric(0.5, 0.0, 1.0, 0.0).play();
        assert_eq!(p.concede, [0.0, 0.0]);
    }
}
