//! The Bayesian stage at the end of the game (docs/model.md 6.1, "Private types"): where both
//! sides' survivors reach the end, each type concedes there or holds, knowing only the share
//! q_y of the other side's survivors that concede there. Type θ of x concedes where
//!
//! ```text
//! Φ_x(θ; q_y) = q_y (T_x − G_x)(θ) + (1 − q_y) (L_x − R_x)(θ) ≥ 0
//! ```
//!
//! (T a tie, G winning, L conceding, R nobody conceding: the deadline's outcome), all affine in
//! θ, so a private side's survivors split at a cutoff type: where Φ falls with θ (higher types
//! gain more from holding) those below it concede, where it rises (a deadline that ends in no
//! deal, worth the same to every type, while a deal is worth more to the higher ones) those
//! above it; a known side mixes where it is indifferent. The stage's equilibrium is a pair of
//! shares, each side's a best reply to the other's; where there are several, the one in which
//! both sides concede with a share strictly between 0 and 1 (the Bayesian form of 6.1's mixed
//! chicken, which a cutoff either way purifies) is taken where there is one, else the first
//! found from q_a = 0 up.

use crate::model::{PARTIES, Resolve};

/// Why a stage has no equilibrium here (for `types::Unsolved`), in words.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Unsolved(pub &'static str);

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

    /// Whether, against the other side's share q, the survivors that concede are the higher
    /// types (Φ rises with θ) rather than the lower ones.
    pub fn top_concedes(&self, q: f64) -> bool {
        self.gain(1.0, q) > self.gain(0.0, q)
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
    /// The cutoff type of a stage where the share q of the survivors concedes: the highest of
    /// them where the lower types concede, the lowest where the higher ones do (`top`).
    pub fn cutoff(&self, q: f64, top: bool) -> f64 {
        self.type_at(if top { 1.0 - q } else { q })
    }

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
/// non-negative, below a cutoff type or above it.
fn reply(pay: &EndPayoffs, side: &Range, q: f64) -> f64 {
    let (lo, hi) = (side.lo, side.hi);
    let (g0, g1) = (pay.gain(0.0, q), pay.gain(1.0, q));
    let slope = g1 - g0;
    let (at_lo, at_hi) = (pay.gain(lo, q), pay.gain(hi, q));
    if at_lo < 0.0 && at_hi < 0.0 {
        return 0.0;
    }
    if at_lo >= 0.0 && at_hi >= 0.0 {
        return 1.0;
    }
    // Some survivors concede and some hold: those below the cutoff where Φ falls with θ, those
    // above it where it rises.
    let below = side.share_below(-g0 / slope);
    if slope > 0.0 { 1.0 - below } else { below }
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
        (None, None) => Err(Unsolved("every type is known")),
    }
}

fn both_private(
    pay: &[EndPayoffs; PARTIES],
    sides: &[Survivors; PARTIES],
) -> Result<[f64; PARTIES], Unsolved> {
    // q_a ↦ a's reply to b's reply to q_a rises with q_a; its fixed points are the stage's
    // equilibria.
    let sides = [Range::of(&sides[0]), Range::of(&sides[1])];
    let map = |qa: f64| {
        let qb = reply(&pay[1], &sides[1], qa);
        (reply(&pay[0], &sides[0], qb), qb)
    };
    let g = |qa: f64| qa - map(qa).0;
    let mut roots: Vec<[f64; PARTIES]> = Vec::new();
    let mut prev = (0.0, g(0.0));
    if prev.1 == 0.0 {
        roots.push([0.0, map(0.0).1]);
    }
    for k in 1..=SCAN {
        let q = k as f64 / SCAN as f64;
        let here = (q, g(q));
        if here.1 == 0.0 {
            roots.push([q, map(q).1]);
        } else if prev.1 < 0.0 && here.1 > 0.0 || prev.1 > 0.0 && here.1 < 0.0 {
            let (mut lo, mut hi) = (prev.0, here.0);
            let rising = prev.1 < 0.0;
            for _ in 0..HALVINGS {
                let m = 0.5 * (lo + hi);
                if (g(m) < 0.0) == rising {
                    lo = m;
                } else {
                    hi = m;
                }
            }
            let qa = 0.5 * (lo + hi);
            let (back, qb) = map(qa);
            roots.push([back, qb]);
        }
        prev = here;
    }
    let interior = |r: &[f64; PARTIES]| r.iter().all(|&q| q > 0.0 && q < 1.0);
    roots
        .iter()
        .find(|r| interior(r))
        .or(roots.first())
        .copied()
        .ok_or(Unsolved("a stage at the end without an equilibrium"))
}

/// Side `k` known, the other private: the known side mixes where it is indifferent, which fixes
/// the other's share, whose cutoff type's indifference fixes the known side's share (the cutoff
/// from below or from above, whichever that share makes a best reply).
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
            for top in [false, true] {
                let cut = sides[p].cutoff(qp, top);
                let (h0, h1) = (pay[p].gain(cut, 0.0), pay[p].gain(cut, 1.0));
                if h0 != h1 {
                    let qk = h0 / (h0 - h1);
                    if (0.0..=1.0).contains(&qk) && pay[p].top_concedes(qk) == top {
                        return Ok(with(qk, qp));
                    }
                }
            }
        }
    }
    let private = Range::of(&sides[p]);
    for qk in [0.0, 1.0] {
        let qp = reply(&pay[p], &private, qk);
        let g = pay[k].gain(theta, qp);
        if (qk == 0.0 && g <= 0.0) || (qk == 1.0 && g >= 0.0) {
            return Ok(with(qk, qp));
        }
    }
    Err(Unsolved("a stage at the end without an equilibrium"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deadline worth 0.4 to every type, while conceding before it (or tying there) pays 0.8 θ
    /// and winning 1: Φ(θ; q) = 0.8 θ − 0.4 − 0.6 q rises with θ.
    const NO_DEAL: EndPayoffs = EndPayoffs {
        concede: [0.0, 0.8],
        win: [1.0, 1.0],
        tie: [0.0, 0.8],
        hold: [0.4, 0.4],
    };

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

    /// Where conceding at the end gains the higher types more (Φ rising in θ: a deadline worth
    /// 0.4 to every type, while conceding before it pays 0.8 θ), the survivors that concede are
    /// the higher ones. Φ(θ; q) = 0.8 θ − 0.4 − 0.6 q, so the types above (0.4 + 0.6 q) / 0.8
    /// concede, a share 0.5 − 0.75 q of U[0, 1]; alike sides meet at q = 0.5 / 1.75 = 2/7.
    #[test]
    fn a_stage_where_higher_types_gain_more_from_conceding_has_its_cutoffs_from_above() {
        let prior = Resolve::uniform(0.0, 1.0);
        let pay = NO_DEAL;
        let side = everyone(&prior);
        let q = stage(&[pay, pay], &[side, side]).unwrap();
        for qx in q {
            assert!((qx - 2.0 / 7.0).abs() < 1e-12, "{q:?}");
            assert!(pay.top_concedes(qx));
            // The cutoff type is indifferent, and it is the lowest of those that concede.
            let cut = side.cutoff(qx, true);
            assert!((cut - (1.0 - qx)).abs() < 1e-12);
            assert!(pay.gain(cut, qx).abs() < 1e-12);
        }
    }

    /// Cutoffs from below on one side and from above on the other: a concedes below
    /// θ = 0.9 − q_b (Φ_a = 0.9 − θ − q_b), b above (0.4 + 0.6 q_a) / 0.8 (Φ_b = 0.8 θ − 0.4 −
    /// 0.6 q_a), a share max(0, 0.5 − 0.75 q_a). Where b concedes at all, q_a = 0.9 − 0.5 +
    /// 0.75 q_a gives q_a = 1.6, no share; so b holds, and a's share is 0.9: the stage's one
    /// equilibrium is (0.9, 0).
    #[test]
    fn a_stage_with_cutoffs_either_way_finds_its_equilibrium() {
        let prior = Resolve::uniform(0.0, 1.0);
        let a = EndPayoffs {
            concede: [0.9, -0.1],
            win: [1.0, 1.0],
            tie: [0.9, -0.1],
            hold: [0.0, 0.0],
        };
        let b = NO_DEAL;
        let side = everyone(&prior);
        assert!((reply(&a, &Range::of(&side), 0.0) - 0.9).abs() < 1e-12);
        assert!((reply(&b, &Range::of(&side), 0.5) - 0.125).abs() < 1e-12);
        assert_eq!(reply(&b, &Range::of(&side), 0.9), 0.0);
        let q = stage(&[a, b], &[side, side]).unwrap();
        assert!((q[0] - 0.9).abs() < 1e-12 && q[1] == 0.0, "{q:?}");
    }

    /// With b's type known (θ = 0.5, with the payoffs above: Φ_b = −0.6 q_a, never positive)
    /// and a's Φ rising in θ, b holds and a's types above the cutoff concede: Φ_a(θ; 0) =
    /// 0.8 θ − 0.4, the types above 0.5, a share 0.5.
    #[test]
    fn a_known_side_against_cutoffs_from_above() {
        let prior = Resolve::uniform(0.0, 1.0);
        let pay = NO_DEAL;
        let known = Survivors {
            prior: None,
            known: 0.5,
            s: 0.0,
        };
        let q = stage(&[pay, pay], &[everyone(&prior), known]).unwrap();
        assert!((q[0] - 0.5).abs() < 1e-12 && q[1] == 0.0, "{q:?}");
    }
}
