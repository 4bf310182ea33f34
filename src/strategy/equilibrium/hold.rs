//! What the sides expect while both hold (docs/model.md, section 6.1): the breakdown payoffs
//! the hazard may bring before an anchor, and the anchor's value if it does not (`hold`, across
//! spans `hold_across`); and the regime far out in a game without an end (`asymptote`), where
//! every line is linear for ever and transversality decides whether a side is committed.

use super::indifference::{Indifference, Quantities};
use super::path::{Path, Side, Span, advance};
use super::regime::Regime;
use crate::model::LineId;
use crate::numeric::gauss_legendre;

/// Beyond where the talks have survived the breakdown hazard with probability e^−40 (4e−18,
/// below the rounding of any value), nothing that happens later counts.
const GONE: f64 = 40.0;

/// At most this many pieces of eight Gauss–Legendre nodes for one hold: one per 2 units of the
/// integrated hazard plus discounting, so at most 200 units of it, far past `GONE`.
const MOST_PIECES: f64 = 100.0;

/// What x expects at t from both holding until `at` (both on span s), where it expects `v`: the
/// breakdown payoffs the hazard may bring on the way, what the random events bring (the games
/// after those whose game after is solved, which end this one at their rate ρ; the expected jumps
/// of the others, which it goes on through: `Span::flow`), and `v` if none of that ends it.
pub(super) fn hold(path: &Path, s: &Span, x: usize, t: f64, at: f64, v: f64) -> f64 {
    let (h0, h1) = s.line[LineId::HAZARD.0];
    let (f0, f1) = s.flow[x];
    let rho = s.rho;
    if (h0 == 0.0 && h1 == 0.0 && f0 == 0.0 && f1 == 0.0 && rho == 0.0) || at <= t {
        return v;
    }
    let hz = |u: f64| h0 + h1 * (u - s.start);
    // H(t, u) = ∫_t^u (h + ρ)
    let big_h =
        |u: f64| (h0 + rho) * (u - t) + 0.5 * h1 * ((u - s.start).powi(2) - (t - s.start).powi(2));
    let mut end = at;
    if big_h(at) > GONE {
        let (mut lo, mut hi) = (t, at);
        // Sixty halvings leave 2^-60 of the bracket: below a double's resolution.
        for _ in 0..60 {
            let m = 0.5 * (lo + hi);
            if big_h(m) > GONE { hi = m } else { lo = m }
        }
        end = hi;
    }
    let broken = |u: f64| path.value(s, x, u, path.broken(s, x, u));
    let quiet = f0 == 0.0 && f1 == 0.0 && rho == 0.0;
    let events = |u: f64| {
        if quiet {
            return 0.0;
        }
        let (d, cost) = advance(path.sc, s, x, u);
        d * (f0 + f1 * (u - s.start)) - rho * cost
    };
    let integrand = |u: f64| {
        let survive = (-big_h(u)).exp();
        hz(u) * survive * broken(u) + survive * events(u)
    };
    let r = path.sc.parties[x].discount_rate;
    // Eight Gauss–Legendre nodes integrate e^-x to 1e-14 over a width of 2 in x.
    let pieces: f64 = 1.0 + (0.5 * (big_h(end) + r * (end - t))).ceil();
    let pieces = pieces.clamp(1.0, MOST_PIECES) as usize;
    let tail = if end < at {
        0.0
    } else {
        (-big_h(at)).exp() * v
    };
    gauss_legendre(integrand, t, end, pieces) + tail
}

/// `hold` across any number of spans: what x expects at `from` from both holding until `to`.
pub(super) fn hold_across(path: &Path, x: usize, from: f64, to: f64, v: f64) -> f64 {
    let (mut at, mut value) = (to, v);
    while at > from {
        let s = path.span(at, Side::Before);
        // Before the path's first span (a stretch that starts within an instant of the path's
        // start) that span runs back to `from`.
        let t = if s.start < at {
            s.start.max(from)
        } else {
            from
        };
        value = hold(path, s, x, t, at, value);
        at = t;
    }
    value
}

/// Far out on the last span s of a game without an end (beyond every event, clamp and sign change
/// of the numerators) the regime is fixed: where both numerators stay non-negative, the mix,
/// unless a side is committed at infinity (`committed_at_infinity`); where one is negative for
/// ever, that side waits and the other concedes at once; where both are, both hold, anchored at
/// the simulation's horizon on what it pays there. Returns where that begins, and the regime.
pub(super) fn asymptote(path: &Path, s: &Span, horizon: Option<f64>) -> (f64, Regime) {
    let n = [0, 1].map(|x| Indifference::on(path, s, x, s.start).numerator);
    let roots = n.iter().flat_map(|p| p.roots()).filter(|r| *r > 0.0);
    let far = s.start + roots.fold(0.0, f64::max) + 1.0;
    let negative = [0, 1].map(|x| n[x].at(far - s.start) < 0.0);
    let waits = match negative {
        [false, false] => [0, 1].map(|x| committed_at_infinity(path, s, x)),
        w => w,
    };
    let regime = match waits {
        [false, false] => Regime::Mixed,
        [true, false] => Regime::Concedes(1),
        [false, true] => Regime::Concedes(0),
        [true, true] => {
            let at = horizon.unwrap_or(far).max(far);
            let value = [0, 1].map(|x| path.value(s, x, at, path.status_quo(s, x)));
            return (at, Regime::Hold { at, value });
        }
    };
    (far, regime)
}

/// Whether x, mixing on the last span s, would rather never concede: its indifference between
/// conceding at t and at any later time holds, but "never" (the game going on for ever, paying
/// in the limit its status quo) beats every finite time if the opponent's survival S(t) times
/// x's loss from conceding late, s_x − L_x(t), does not vanish (transversality). On the last span
/// every line is linear, so the limit follows from the hazard's form: with discounting or a
/// breakdown hazard S decays exponentially (no commitment); the opponent's hazard N/(d0 + d1 u)
/// with a constant numerator n0 decays like (n0/d1)/u, so S like u^(−n0/d1), and the loss grows
/// like d1 u: x is committed when n0 ≤ d1 (or, with no hazard at all, when s_x > L_x).
fn committed_at_infinity(path: &Path, s: &Span, x: usize) -> bool {
    let q = Quantities::of(path, s, x, s.start);
    if q.discount_rate > 0.0 || q.hazard.at > 0.0 || q.hazard.slope > 0.0 {
        return false;
    }
    let ind = Indifference::of(&q);
    let (n, d1) = (ind.numerator.0, ind.denominator.slope);
    if n[1] != 0.0 || n[2] != 0.0 {
        // A growing numerator keeps the hazard from vanishing.
        return false;
    }
    if d1 > 0.0 {
        n[0] <= d1
    } else {
        n[0] <= 0.0 && path.sc.parties[x].status_quo > path.concede(s, x, s.start)
    }
}
