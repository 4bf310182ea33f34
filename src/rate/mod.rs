//! `Rate`: a hazard (or, for `threshold`, a cost flow) over one piece of a round, in local time
//! `u` in `[0, len]`, and the one operation the engine needs of it: `advance`, which integrates
//! the rate and says where the integral reaches a budget (docs/model.md, section 7).
//!
//! Within a piece every line is linear, so each rate has one of three closed forms:
//! linear (`max(0, a + b u)`), rational (the equilibrium hazard: a quadratic over a linear term,
//! clamped at 0) and discounted linear (`w e^{-r u} (a + b u)`). Integrals are closed form;
//! inverses are closed form for the linear rate and a bracketed Newton iteration otherwise.

pub mod table;

/// Result of integrating a rate over a piece against a budget.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Step {
    /// The integral reaches the budget at local time `u` (`0 <= u <= len`).
    Fires(f64),
    /// It does not; this much of the budget was used.
    Spent(f64),
}

/// A hazard on one piece, in local time u.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rate {
    /// `max(0, a + b u)`; no clock at all is `Rate::ZERO`, a zero line, rather than a variant of
    /// its own: a variant without a payload leaves stale bits where the optimiser may read `a`
    /// and `b` speculatively, and stale bits that happen to be subnormal cost a microcode assist
    /// per operation (it made every `bayesian` round 2.2 times slower).
    Linear {
        /// The value at u = 0.
        a: f64,
        /// The slope.
        b: f64,
    },
    /// `max(0, n0 + n1 u + n2 u^2) / (d0 + d1 u)`, with `d0 + d1 u > 0` on the piece.
    Rational {
        /// The numerator's coefficients, from the constant up.
        n: [f64; 3],
        /// The denominator at u = 0.
        d0: f64,
        /// The denominator's slope.
        d1: f64,
    },
    /// `w e^{-r u} (a + b u)`, with `r > 0` and `a + b u >= 0` on the piece.
    Discounted {
        /// The weight at u = 0.
        w: f64,
        /// The discount rate.
        r: f64,
        /// The line at u = 0.
        a: f64,
        /// Its slope.
        b: f64,
    },
}

impl Rate {
    /// No clock: never fires.
    pub const ZERO: Rate = Rate::Linear { a: 0.0, b: 0.0 };

    /// The rational hazard, reduced to `Linear` when the denominator is constant and the
    /// numerator at most linear (the common case of constant lines), so that the cheap exact
    /// inverse is used wherever it applies.
    pub fn rational(n: [f64; 3], d0: f64, d1: f64) -> Rate {
        if d1 == 0.0 && n[2] == 0.0 {
            Rate::Linear {
                a: n[0] / d0,
                b: n[1] / d0,
            }
        } else {
            Rate::Rational { n, d0, d1 }
        }
    }

    /// `w e^{-r u} (a + b u)`; without discounting this is linear.
    pub fn discounted(w: f64, r: f64, a: f64, b: f64) -> Rate {
        if r == 0.0 {
            Rate::Linear { a: w * a, b: w * b }
        } else {
            Rate::Discounted { w, r, a, b }
        }
    }

    /// Integrate over `[0, len]`; if the integral reaches `budget` say where.
    #[inline(always)]
    pub fn advance(&self, budget: f64, len: f64) -> Step {
        if budget <= 0.0 {
            return Step::Fires(0.0);
        }
        match *self {
            Rate::Linear { a, b } => linear_advance(a, b, budget, len),
            _ => self.advance_nonlinear(budget, len),
        }
    }

    /// The rational and discounted rates: longer code, kept out of line.
    #[inline(never)]
    fn advance_nonlinear(&self, budget: f64, len: f64) -> Step {
        match *self {
            Rate::Linear { .. } => unreachable!("handled inline"),
            Rate::Rational { n, d0, d1 } => rational_advance(n, d0, d1, budget, len),
            Rate::Discounted { w, r, a, b } => {
                let f = |u: f64| w * discounted_integral(r, a, b, u);
                let total = f(len);
                if total < budget {
                    return Step::Spent(total);
                }
                let rate = |u: f64| w * (-r * u).exp() * (a + b * u);
                Step::Fires(invert(f, rate, 0.0, len, budget))
            }
        }
    }

    /// The same rate in local time measured from `delta` later.
    pub fn shifted(&self, delta: f64) -> Rate {
        if delta == 0.0 {
            return *self;
        }
        match *self {
            Rate::Linear { a, b } => Rate::Linear {
                a: a + b * delta,
                b,
            },
            Rate::Rational { n, d0, d1 } => Rate::Rational {
                n: [
                    n[0] + delta * (n[1] + delta * n[2]),
                    n[1] + 2.0 * n[2] * delta,
                    n[2],
                ],
                d0: d0 + d1 * delta,
                d1,
            },
            Rate::Discounted { w, r, a, b } => Rate::Discounted {
                w: w * (-r * delta).exp(),
                r,
                a: a + b * delta,
                b,
            },
        }
    }

    /// The rate's value at local time `u` (for tests and diagnostics).
    pub fn value(&self, u: f64) -> f64 {
        match *self {
            Rate::Linear { a, b } => (a + b * u).max(0.0),
            Rate::Rational { n, d0, d1 } => (n[0] + u * (n[1] + u * n[2])).max(0.0) / (d0 + d1 * u),
            Rate::Discounted { w, r, a, b } => w * (-r * u).exp() * (a + b * u),
        }
    }
}

/// When the constant rate `a` fires on `[0, len]` from a positive `budget` (a unit-exponential
/// draw, which is never 0): `Rate::Linear { a, b: 0 }`'s `advance`, as a time (infinite when it
/// does not fire), with whether it fires a select rather than a branch: for a random budget that
/// is a coin flip to the predictor. (`advance` also fires a spent budget at once; the kernel
/// never has one, and testing for it cost 9 instructions a round.)
#[inline(always)]
pub fn constant_fires_at(a: f64, budget: f64, len: f64) -> f64 {
    debug_assert!(
        budget > 0.0,
        "a clock's budget is a positive exponential draw"
    );
    let fires = a > 0.0 && a * len >= budget;
    std::hint::select_unpredictable(fires, (budget / a).min(len), f64::INFINITY)
}

/// `max(0, a + b u)` over `[0, len]`. The positive part is one interval; on it the integral is
/// `a' v + b v^2 / 2` and its inverse `v = 2E / (a' + sqrt(a'^2 + 2 b E))`, which stays accurate
/// as `b -> 0` (docs/model.md, section 7).
#[inline(always)]
fn linear_advance(a: f64, b: f64, budget: f64, len: f64) -> Step {
    if b == 0.0 {
        // A constant hazard, the commonest case: E / a.
        if a <= 0.0 {
            return Step::Spent(0.0);
        }
        let total = a * len;
        return if total < budget {
            Step::Spent(total)
        } else {
            Step::Fires((budget / a).min(len))
        };
    }
    // Where the rate is positive: [start, end).
    let (start, a0) = if a >= 0.0 {
        (0.0, a)
    } else if b > 0.0 {
        (-a / b, 0.0)
    } else {
        return Step::Spent(0.0);
    };
    let end = if b < 0.0 { (-a / b).min(len) } else { len };
    if start >= end {
        return Step::Spent(0.0);
    }
    let v = end - start;
    let total = a0 * v + 0.5 * b * v * v;
    if total < budget {
        return Step::Spent(total);
    }
    let disc = (a0 * a0 + 2.0 * b * budget).max(0.0);
    let u = start + 2.0 * budget / (a0 + disc.sqrt());
    Step::Fires(u.min(end))
}

fn rational_advance(n: [f64; 3], d0: f64, d1: f64, budget: f64, len: f64) -> Step {
    let num = |u: f64| n[0] + u * (n[1] + u * n[2]);
    let anti = |u: f64| rational_antiderivative(n, d0, d1, len, u);
    let rate = |u: f64| num(u).max(0.0) / (d0 + d1 * u);
    // Split [0, len] where the numerator changes sign; integrate the positive parts.
    let mut cuts = [0.0, len, len, len];
    let mut k = 1;
    for root in quadratic_roots(n) {
        if root > 0.0 && root < len {
            cuts[k] = root;
            k += 1;
        }
    }
    cuts[k] = len;
    cuts[..=k].sort_by(f64::total_cmp);
    let mut spent = 0.0;
    for w in cuts[..=k].windows(2) {
        let (lo, hi) = (w[0], w[1]);
        if hi <= lo || num(0.5 * (lo + hi)) <= 0.0 {
            continue;
        }
        let g_lo = if lo == 0.0 { 0.0 } else { anti(lo) };
        let g_hi = anti(hi);
        let part = (g_hi - g_lo).max(0.0);
        if spent + part >= budget {
            let f = |u: f64| anti(u) - g_lo;
            return Step::Fires(invert(f, rate, lo, hi, budget - spent));
        }
        spent += part;
    }
    Step::Spent(spent)
}

/// An antiderivative of `(n0 + n1 u + n2 u^2) / (d0 + d1 u)`, zero at `u = 0`. With
/// `e = d1 / d0`, the closed form through `ln(1 + e u)` cancels badly when `|e| len` is small, so
/// there the geometric series of `1 / (1 + e u)` is integrated term by term instead (12 terms
/// reach 1e-16 at `|e u| < 0.05`). The choice depends on the piece, not on `u`, so the function
/// is smooth on the piece.
fn rational_antiderivative(n: [f64; 3], d0: f64, d1: f64, len: f64, u: f64) -> f64 {
    let e = d1 / d0;
    if (e * len).abs() < 0.05 {
        // (1/d0) sum_k (-e)^k int_0^u N(s) s^k ds, stopping once a term no longer changes the
        // sum (|e u| < 0.05, so each term is at most 1/20 of the one before).
        const INV: [f64; 18] = {
            let mut t = [0.0; 18];
            let mut k = 0;
            while k < 18 {
                t[k] = 1.0 / (k as f64 + 1.0);
                k += 1;
            }
            t
        };
        let (mut total, mut coef, mut upow) = (0.0, 1.0, u);
        for k in 0..16 {
            let term =
                coef * upow * (n[0] * INV[k] + u * (n[1] * INV[k + 1] + u * n[2] * INV[k + 2]));
            total += term;
            if term.abs() <= 1e-17 * total.abs() {
                break;
            }
            coef *= -e;
            upow *= u;
        }
        total / d0
    } else {
        // N(u) = (d0 + d1 u)(p0 + p1 u) + rem
        let p1 = n[2] / d1;
        let p0 = (n[1] - p1 * d0) / d1;
        let rem = n[0] - p0 * d0;
        p0 * u + 0.5 * p1 * u * u + rem / d1 * (e * u).ln_1p()
    }
}

/// Real roots of `n0 + n1 u + n2 u^2` (up to two), computed without cancellation.
fn quadratic_roots(n: [f64; 3]) -> impl Iterator<Item = f64> {
    let [c, b, a] = n;
    let mut out = [f64::NAN, f64::NAN];
    if a == 0.0 {
        if b != 0.0 {
            out[0] = -c / b;
        }
    } else {
        let disc = b * b - 4.0 * a * c;
        if disc >= 0.0 {
            let q = -0.5 * (b + b.signum() * disc.sqrt());
            if q != 0.0 {
                out = [q / a, c / q];
            } else {
                out[0] = 0.0;
            }
        }
    }
    out.into_iter().filter(|r| r.is_finite())
}

/// `int_0^u e^{-r s} (a + b s) ds = a u phi1(r u) + b u^2 phi2(r u)`.
#[inline]
pub fn discounted_integral(r: f64, a: f64, b: f64, u: f64) -> f64 {
    if r == 0.0 {
        return u * (a + 0.5 * b * u);
    }
    let x = r * u;
    a * u * phi1(x) + b * u * u * phi2(x)
}

/// `(1 - e^{-x}) / x`, with its limit 1 at 0.
pub fn phi1(x: f64) -> f64 {
    if x.abs() < 1e-10 {
        1.0 - 0.5 * x
    } else {
        -(-x).exp_m1() / x
    }
}

/// `(1 - e^{-x}(1 + x)) / x^2`, with its limit 1/2 at 0. Near 0 the closed form cancels, so a
/// Taylor series is used there: coefficients `(-1)^k (k - 1) / k!` for `k = 2..=12`.
pub fn phi2(x: f64) -> f64 {
    if x.abs() < 0.1 {
        const C: [f64; 11] = [
            1.0 / 2.0,
            -2.0 / 6.0,
            3.0 / 24.0,
            -4.0 / 120.0,
            5.0 / 720.0,
            -6.0 / 5040.0,
            7.0 / 40320.0,
            -8.0 / 362880.0,
            9.0 / 3628800.0,
            -10.0 / 39916800.0,
            11.0 / 479001600.0,
        ];
        C.iter().rev().fold(0.0, |acc, c| acc * x + c)
    } else {
        (-(-x).exp_m1() - x * (-x).exp()) / (x * x)
    }
}

/// Solve `f(u) = target` for increasing `f` with derivative `df` on `[lo, hi]`, given
/// `f(lo) <= target <= f(hi)`: Newton steps, falling back to bisection whenever a step
/// would leave the bracket, so it always converges.
fn invert(
    f: impl Fn(f64) -> f64,
    df: impl Fn(f64) -> f64,
    mut lo: f64,
    mut hi: f64,
    target: f64,
) -> f64 {
    let mut u = 0.5 * (lo + hi);
    for _ in 0..200 {
        let g = f(u) - target;
        if g == 0.0 {
            return u;
        }
        if g < 0.0 {
            lo = u;
        } else {
            hi = u;
        }
        if hi - lo <= 4.0 * f64::EPSILON * hi.abs().max(1e-300) {
            break;
        }
        let d = df(u);
        let newton = u - g / d;
        u = if d > 0.0 && newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * (1.0 + b.abs())
    }

    /// The branch-free constant clock of the memoryless kernel is `advance` of the constant
    /// rate, bit for bit, on both sides of the piece's end and at the edges, for every positive
    /// budget (the only kind an exponential draw gives).
    #[test]
    fn constant_fires_at_is_advance_of_the_constant_rate() {
        for a in [0.0, -1.0, 1e-300, 0.01, 0.7, 3.0, 1e300] {
            for len in [0.0, 1e-9, 1.0, 100.0, f64::INFINITY] {
                for budget in [f64::MIN_POSITIVE, 1e-12, 0.5, 1.0, 7.0, 1e6] {
                    let expected = match (Rate::Linear { a, b: 0.0 }).advance(budget, len) {
                        Step::Fires(u) => u,
                        Step::Spent(_) => f64::INFINITY,
                    };
                    let got = constant_fires_at(a, budget, len);
                    assert_eq!(
                        got.to_bits(),
                        expected.to_bits(),
                        "a {a} len {len} E {budget}"
                    );
                }
            }
        }
    }

    /// Midpoint-rule integral with many steps: an independent check of the closed forms.
    fn numeric(rate: &Rate, len: f64) -> f64 {
        let k = 200_000;
        let h = len / k as f64;
        (0..k).map(|i| rate.value((i as f64 + 0.5) * h) * h).sum()
    }

    fn spent(rate: &Rate, len: f64) -> f64 {
        match rate.advance(f64::INFINITY, len) {
            Step::Spent(x) => x,
            Step::Fires(_) => unreachable!(),
        }
    }

    /// Rates of every form and sign pattern: rising, falling to zero, starting below zero, a
    /// nearly constant denominator (the series branch), a numerator with two roots, discounting.
    const RATES: [Rate; 10] = [
        Rate::Linear { a: 0.7, b: 0.2 },
        Rate::Linear { a: 0.7, b: -0.2 },
        Rate::Linear { a: -0.5, b: 0.3 },
        Rate::Linear { a: 0.0, b: 1e-12 },
        Rate::Rational {
            n: [0.3, 0.2, 0.05],
            d0: 1.0,
            d1: 0.5,
        },
        Rate::Rational {
            n: [0.3, 0.2, 0.05],
            d0: 1.0,
            d1: 1e-4,
        },
        Rate::Rational {
            n: [0.5, -0.4, 0.06],
            d0: 2.0,
            d1: 0.3,
        },
        Rate::Rational {
            n: [-0.2, 0.1, 0.0],
            d0: 1.0,
            d1: 0.01,
        },
        Rate::Discounted {
            w: 0.9,
            r: 0.05,
            a: 1.0,
            b: 0.3,
        },
        Rate::Discounted {
            w: 1.0,
            r: 2.0,
            a: 1.0,
            b: 0.0,
        },
    ];

    #[test]
    fn closed_form_integrals_match_quadrature() {
        for rate in &RATES {
            let (x, q) = (spent(rate, 7.0), numeric(rate, 7.0));
            assert!(
                close(x, q, 1e-8),
                "{rate:?}: closed form {x} vs quadrature {q}"
            );
        }
    }

    #[test]
    fn inverse_hits_the_budget() {
        for rate in &RATES {
            let total = spent(rate, 50.0);
            for frac in [1e-6, 0.01, 0.3, 0.999] {
                let budget = frac * total;
                let Step::Fires(u) = rate.advance(budget, 50.0) else {
                    panic!("{rate:?} should fire")
                };
                let reached = spent(rate, u);
                assert!(
                    close(reached, budget, 1e-10),
                    "{rate:?}: {reached} vs {budget}"
                );
            }
            assert_eq!(rate.advance(total * 1.01, 50.0), Step::Spent(total));
        }
    }

    #[test]
    fn falling_linear_hazard_can_run_out() {
        // a = 1, b = -0.5: the hazard is gone at u = 2 with total 1; a budget of 1.5 never fires.
        let r = Rate::Linear { a: 1.0, b: -0.5 };
        assert_eq!(r.advance(1.5, 100.0), Step::Spent(1.0));
    }

    #[test]
    fn phi_series_and_closed_form_agree_at_the_switch() {
        for x in [0.0999999f64, 0.1000001] {
            let direct = (-(-x).exp_m1() - x * (-x).exp()) / (x * x);
            assert!(close(phi2(x), direct, 1e-13));
        }
        assert!(close(phi1(1e-12), 1.0 - 0.5e-12, 1e-16));
        assert!(close(phi1(1e-3), -(-1e-3f64).exp_m1() / 1e-3, 1e-16));
    }
}
