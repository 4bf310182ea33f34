//! The Bayesian stage at the end of the game (docs/model.md 6.1, "Private types"): where both
//! sides' survivors reach the end, each type concedes there or holds, knowing only the share
//! q_y of the other side's survivors that concede there. Type θ of x concedes where
//!
//! ```text
//! Φ_x(θ; q_y) = q_y (T_x − G_x)(θ) + (1 − q_y) (L_x − R_x)(θ) ≥ 0
//! ```
//!
//! (T a tie, G winning, L conceding, R nobody conceding: the deadline's outcome), all affine in
//! θ. Where Φ falls with θ (single crossing: higher types gain more from holding) a private
//! side's survivors concede below a cutoff type; a known side mixes where it is indifferent.
//! The stage's equilibrium is a pair of shares, each side's a best reply to the other's; where
//! there are several, the one in which both sides concede with a share strictly between 0 and 1
//! (the Bayesian form of 6.1's mixed chicken) is taken where there is one, else the first found
//! from q_a = 0 up.

use crate::model::{PARTIES, Resolve};

/// Why a stage has no equilibrium here (for `types::Unsolved`).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Unsolved {
    /// This side's survivors are not split by a cutoff: higher types gain more from conceding.
    SingleCrossing(usize),
    /// Another reason, in words.
    Other(&'static str),
}

/// An integrated hazard this large leaves e⁻³⁶ (2e-16) of a side's types: all of them, to a
/// double.
pub(super) const ALL: f64 = 36.0;

/// Halvings of a share's bracket: 2⁻⁶⁰, below a double's resolution.
const HALVINGS: usize = 60;

/// Points at which the stage's fixed-point map is scanned for its roots.
const SCAN: usize = 64;

/// One side's payoffs at the end in time-0 units, each `[at θ = 0, at θ = 1]`.
#[derive(Clone, Copy, Debug)]
pub(super) struct EndPayoffs {
    pub concede: [f64; 2],
    pub win: [f64; 2],
    pub tie: [f64; 2],
    /// Nobody concedes: what the end itself pays.
    pub hold: [f64; 2],
}

fn at(v: [f64; 2], theta: f64) -> f64 {
    v[0] + theta * (v[1] - v[0])
}

impl EndPayoffs {
    /// Φ(θ; q): what conceding at the end gains type θ over holding there.
    fn gain(&self, theta: f64, q: f64) -> f64 {
        q * (at(self.tie, theta) - at(self.win, theta))
            + (1.0 - q) * (at(self.concede, theta) - at(self.hold, theta))
    }

    /// What reaching the end is worth to type θ: the better of conceding and holding there.
    pub fn worth(&self, theta: f64, q: f64) -> f64 {
        let concede = q * at(self.tie, theta) + (1.0 - q) * at(self.concede, theta);
        let hold = q * at(self.win, theta) + (1.0 - q) * at(self.hold, theta);
        concede.max(hold)
    }

    /// Bounds on `worth` over every share q (it is convex in q: the extremes bound it above; the
    /// lesser of each option's two ends bounds it below).
    pub fn worth_bounds(&self, theta: f64) -> (f64, f64) {
        let (c0, c1) = (at(self.concede, theta), at(self.tie, theta));
        let (h0, h1) = (at(self.hold, theta), at(self.win, theta));
        (c0.min(c1).max(h0.min(h1)), c0.max(h0).max(c1.max(h1)))
    }
}

/// A side at the stage: its prior (`None`: its type is known, `known`), and the integrated
/// hazard of its concessions so far (its survivors are the types above the quantile
/// 1 − e^(−s)).
#[derive(Clone, Copy, Debug)]
pub(super) struct Survivors<'r> {
    pub prior: Option<&'r Resolve>,
    pub known: f64,
    pub s: f64,
}

impl Survivors<'_> {
    /// The type at the top of the share q of the survivors (the lowest survivor at q = 0).
    pub fn type_at(&self, q: f64) -> f64 {
        match self.prior {
            Some(p) => {
                let s = self.s - (-q.min(1.0)).ln_1p();
                p.quantile(-(-s.min(ALL)).exp_m1())
            }
            None => self.known,
        }
    }
}

/// A private side's survivors as a stage reads them, computed once per stage: the lowest and
/// highest survivor and the share of the prior gone before the stage.
#[derive(Clone, Copy)]
struct Range<'r> {
    prior: &'r Resolve,
    lo: f64,
    hi: f64,
    gone: f64,
}

impl<'r> Range<'r> {
    fn of(side: &Survivors<'r>) -> Range<'r> {
        Range {
            prior: side.prior.expect("a private side"),
            lo: side.type_at(0.0),
            hi: side.type_at(1.0),
            gone: -(-side.s).exp_m1(),
        }
    }

    /// The share of the survivors below type θ (`Survivors::share_below`).
    fn share_below(&self, theta: f64) -> f64 {
        if self.gone >= 1.0 {
            return 0.0;
        }
        ((self.prior.cdf(theta) - self.gone) / (1.0 - self.gone)).clamp(0.0, 1.0)
    }
}

/// A private side's best reply to the other's share q: the share of its survivors whose Φ is
/// non-negative.
fn reply(x: usize, pay: &EndPayoffs, side: &Range, q: f64) -> Result<f64, Unsolved> {
    let (lo, hi) = (side.lo, side.hi);
    let (g0, g1) = (pay.gain(0.0, q), pay.gain(1.0, q));
    let slope = g1 - g0;
    let tol = 1e-12 * (g0.abs() + g1.abs()).max(1.0);
    let (at_lo, at_hi) = (pay.gain(lo, q), pay.gain(hi, q));
    if at_lo < 0.0 && at_hi < 0.0 {
        return Ok(0.0);
    }
    if at_lo >= 0.0 && at_hi >= 0.0 {
        return Ok(1.0);
    }
    // Some survivors concede and some hold: by a cutoff below which they concede only where Φ
    // falls with θ; where it rises, the low ones would hold and the high ones concede.
    if slope > tol {
        return Err(Unsolved::SingleCrossing(x));
    }
    Ok(side.share_below(-g0 / slope))
}

/// The stage's equilibrium: each side's conceding share of its survivors.
pub(super) fn stage(
    pay: &[EndPayoffs; PARTIES],
    sides: &[Survivors; PARTIES],
) -> Result<[f64; PARTIES], Unsolved> {
    match (sides[0].prior, sides[1].prior) {
        (Some(_), Some(_)) => both_private(pay, sides),
        (None, Some(_)) => one_known(pay, sides, 0),
        (Some(_), None) => one_known(pay, sides, 1),
        (None, None) => Err(Unsolved::Other("every type is known")),
    }
}

fn both_private(
    pay: &[EndPayoffs; PARTIES],
    sides: &[Survivors; PARTIES],
) -> Result<[f64; PARTIES], Unsolved> {
    // q_a ↦ a's reply to b's reply to q_a rises with q_a; its fixed points are the stage's
    // equilibria.
    let sides = [Range::of(&sides[0]), Range::of(&sides[1])];
    let map = |qa: f64| -> Result<(f64, f64), Unsolved> {
        let qb = reply(1, &pay[1], &sides[1], qa)?;
        Ok((reply(0, &pay[0], &sides[0], qb)?, qb))
    };
    let g = |qa: f64| map(qa).map(|(back, _)| qa - back);
    let mut roots: Vec<[f64; PARTIES]> = Vec::new();
    let mut prev = (0.0, g(0.0)?);
    if prev.1 == 0.0 {
        roots.push([0.0, map(0.0)?.1]);
    }
    for k in 1..=SCAN {
        let q = k as f64 / SCAN as f64;
        let here = (q, g(q)?);
        if here.1 == 0.0 {
            roots.push([q, map(q)?.1]);
        } else if prev.1 < 0.0 && here.1 > 0.0 || prev.1 > 0.0 && here.1 < 0.0 {
            let (mut lo, mut hi) = (prev.0, here.0);
            let rising = prev.1 < 0.0;
            for _ in 0..HALVINGS {
                let m = 0.5 * (lo + hi);
                if (g(m)? < 0.0) == rising {
                    lo = m;
                } else {
                    hi = m;
                }
            }
            let qa = 0.5 * (lo + hi);
            roots.push([map(qa)?.0, map(qa)?.1]);
        }
        prev = here;
    }
    let interior = |r: &[f64; PARTIES]| r.iter().all(|&q| q > 0.0 && q < 1.0);
    roots
        .iter()
        .find(|r| interior(r))
        .or(roots.first())
        .copied()
        .ok_or(Unsolved::Other("a stage at the end without an equilibrium"))
}

/// Side `k` known, the other private: the known side mixes where it is indifferent, which fixes
/// the other's share, whose cutoff type's indifference fixes the known side's share.
fn one_known(
    pay: &[EndPayoffs; PARTIES],
    sides: &[Survivors; PARTIES],
    k: usize,
) -> Result<[f64; PARTIES], Unsolved> {
    let p = 1 - k;
    let theta = sides[k].known;
    let with = |qk: f64, qp: f64| {
        let mut q = [0.0; PARTIES];
        q[k] = qk;
        q[p] = qp;
        q
    };
    // Φ_k(θ̄; q_p) = 0.
    let (f0, f1) = (pay[k].gain(theta, 0.0), pay[k].gain(theta, 1.0));
    if f0 != f1 {
        let qp = f0 / (f0 - f1);
        if qp > 0.0 && qp < 1.0 {
            let cut = sides[p].type_at(qp);
            let (h0, h1) = (pay[p].gain(cut, 0.0), pay[p].gain(cut, 1.0));
            if h0 != h1 {
                let qk = h0 / (h0 - h1);
                if (0.0..=1.0).contains(&qk) {
                    return Ok(with(qk, qp));
                }
            }
        }
    }
    let private = Range::of(&sides[p]);
    for qk in [0.0, 1.0] {
        let qp = reply(p, &pay[p], &private, qk)?;
        let g = pay[k].gain(theta, qp);
        if (qk == 0.0 && g <= 0.0) || (qk == 1.0 && g >= 0.0) {
            return Ok(with(qk, qp));
        }
    }
    Err(Unsolved::Other("a stage at the end without an equilibrium"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every type of `prior` still holding (the stage's `known` unused).
    fn everyone(prior: &Resolve) -> Survivors<'_> {
        Survivors {
            prior: Some(prior),
            known: 0.5,
            s: 0.0,
        }
    }

    /// A chicken at the end with types U[0, 1] on both sides: conceding pays 0.5 − 0.4 θ over
    /// holding, a tie pays the same as conceding and winning pays 1 more than holding
    /// (T − G = (L − R) − 1 at every θ). Φ(θ; q) = 0.5 − 0.4 θ − q, so the cutoff is
    /// (0.5 − q) / 0.4 and q = share below it: q = (0.5 − q) / 0.4, q = 5/14 on both sides.
    #[test]
    fn a_symmetric_chicken_with_types_has_its_cutoffs_where_each_is_indifferent() {
        let prior = Resolve::uniform(0.0, 1.0);
        let pay = EndPayoffs {
            concede: [0.5, 0.1],
            win: [1.0, 1.0],
            tie: [0.5, 0.1],
            hold: [0.0, 0.0],
        };
        let side = everyone(&prior);
        let q = stage(&[pay, pay], &[side, side]).unwrap();
        for qx in q {
            assert!((qx - 5.0 / 14.0).abs() < 1e-12, "{q:?}");
        }
    }

    /// Where conceding at the end gains the higher types more (Φ rising in θ), the order of
    /// concessions by type is not an equilibrium: the stage says so rather than place cutoffs.
    #[test]
    fn a_stage_where_higher_types_gain_more_from_conceding_is_refused() {
        let prior = Resolve::uniform(0.0, 1.0);
        let pay = EndPayoffs {
            concede: [0.0, 0.8],
            win: [1.0, 1.0],
            tie: [0.0, 0.8],
            hold: [0.4, 0.4],
        };
        let side = everyone(&prior);
        // Both sides are alike; b's reply to a's share is the first the scan computes.
        assert_eq!(
            stage(&[pay, pay], &[side, side]),
            Err(Unsolved::SingleCrossing(1))
        );
    }

    /// A stage where some share's reply is not a cutoff fails even where another share gives
    /// an equilibrium in cutoffs: a concedes below θ = 0.9 whatever b does, b holds against a's
    /// share 0.9 (Φ_b = 0.8 θ − 0.4 − 0.6 q < 0 for every type once q > 2/3), so (0.9, 0) is
    /// one; but b's replies to a's shares below 2/3 split its survivors with the higher ones
    /// conceding, and the equilibrium that 6.1's choice is the limit of as the types narrow may
    /// be one of those. (In the bundled Iran scenario with a private P5+1, passing such shares
    /// over made the P5+1 concede at once even with both types narrowed to ±0.001, where with
    /// known types Iran does.) So the stage says single crossing fails rather than pick a
    /// corner that does not reduce to 6.1's choice.
    #[test]
    fn a_stage_with_a_share_whose_reply_is_not_a_cutoff_fails() {
        let prior = Resolve::uniform(0.0, 1.0);
        let a = EndPayoffs {
            concede: [0.9, -0.1],
            win: [1.0, 1.0],
            tie: [0.9, -0.1],
            hold: [0.0, 0.0],
        };
        let b = EndPayoffs {
            concede: [0.0, 0.8],
            win: [1.0, 1.0],
            tie: [0.0, 0.8],
            hold: [0.4, 0.4],
        };
        let side = everyone(&prior);
        // (0.9, 0) is an equilibrium in cutoffs: each share is the other's reply.
        assert!((reply(0, &a, &Range::of(&side), 0.0).unwrap() - 0.9).abs() < 1e-12);
        assert_eq!(reply(1, &b, &Range::of(&side), 0.9), Ok(0.0));
        // b's reply to a's share 0.5 is not a cutoff, and the stage fails.
        assert_eq!(
            reply(1, &b, &Range::of(&side), 0.5),
            Err(Unsolved::SingleCrossing(1))
        );
        assert_eq!(
            stage(&[a, b], &[side, side]),
            Err(Unsolved::SingleCrossing(1))
        );
    }
}
