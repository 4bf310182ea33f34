//! Numerical methods the solvers share, each a named function with its tolerance stated: real
//! roots and signs of quadratics (`Quadratic`), a bracketed root finder (`regula_falsi`, the
//! Illinois variant) and Gauss–Legendre quadrature (`gauss_legendre`).

/// `c0 + c1 u + c2 u²`, coefficients from the constant up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quadratic(pub [f64; 3]);

/// Below this share of a quadratic's size on an interval, its value is rounding noise: a sign
/// read from it would be arbitrary. (Each term is computed to about 1e-16 relative; 1e-14 leaves
/// room for the few operations that formed the coefficients.)
pub const NEGLIGIBLE: f64 = 1e-14;

impl Quadratic {
    /// The value at u.
    pub fn at(&self, u: f64) -> f64 {
        let [c, b, a] = self.0;
        c + u * (b + u * a)
    }

    /// The real roots, by the cancellation-free form of the quadratic formula.
    pub fn roots(&self) -> Vec<f64> {
        let [c, b, a] = self.0;
        if a == 0.0 {
            return if b != 0.0 { vec![-c / b] } else { vec![] };
        }
        let disc = b * b - 4.0 * a * c;
        if disc < 0.0 {
            return vec![];
        }
        let q = -0.5 * (b + b.signum() * disc.sqrt());
        if q == 0.0 {
            return vec![0.0];
        }
        vec![q / a, c / q]
    }

    /// The largest u in `[lo, hi)` with the quadratic negative just below it (`hi` itself if it
    /// is negative just below `hi`): where, going back from `hi`, it first turns negative. Values
    /// within `NEGLIGIBLE` of the quadratic's size on the interval count as zero.
    pub fn last_negative(&self, lo: f64, hi: f64) -> Option<f64> {
        let mut cuts: Vec<f64> = self
            .roots()
            .into_iter()
            .filter(|r| *r > lo && *r < hi)
            .collect();
        cuts.push(lo);
        cuts.push(hi);
        cuts.sort_by(f64::total_cmp);
        let [c, b, a] = self.0;
        let scale = c.abs() + b.abs() * hi.abs().max(1.0) + a.abs() * hi * hi;
        for w in cuts.windows(2).rev() {
            let (a, b) = (w[0], w[1]);
            let mid = if b.is_finite() {
                0.5 * (a + b)
            } else {
                a + 1.0
            };
            if b > a && self.at(mid) < -NEGLIGIBLE * scale {
                return Some(b);
            }
        }
        None
    }
}

/// Regula falsi, Illinois variant: a root of `f` in `[a, b]`, where `f(a) < 0 <= f(b)`
/// (either may be the left end). It stops when the bracket is narrower than `rel` times the
/// larger end's size (at least 1) or after `iterations` steps, and returns the end where
/// `f >= 0`. Each step falls back to bisection if the secant would leave the bracket; halving
/// the retained end's value when one end is kept twice gives superlinear convergence
/// (Dowell & Jarratt 1971).
pub fn regula_falsi(
    f: impl Fn(f64) -> f64,
    a: (f64, f64),
    b: (f64, f64),
    rel: f64,
    iterations: usize,
) -> f64 {
    let found = try_regula_falsi(
        |x| Ok::<f64, std::convert::Infallible>(f(x)),
        a,
        b,
        rel,
        iterations,
    );
    match found {
        Ok(x) => x,
        Err(never) => match never {},
    }
}

/// `regula_falsi` for an `f` that can fail: it stops at the first failure and returns it.
pub fn try_regula_falsi<E>(
    f: impl Fn(f64) -> Result<f64, E>,
    (a, fa): (f64, f64),
    (b, fb): (f64, f64),
    rel: f64,
    iterations: usize,
) -> Result<f64, E> {
    let (mut a, mut fa, mut b, mut fb) = (a, fa, b, fb);
    let mut side = 0;
    for _ in 0..iterations {
        if (b - a).abs() <= rel * b.abs().max(1.0) {
            break;
        }
        let m = if fb != fa {
            b - fb * (b - a) / (fb - fa)
        } else {
            0.5 * (a + b)
        };
        let m = if m > a.min(b) && m < a.max(b) {
            m
        } else {
            0.5 * (a + b)
        };
        let fm = f(m)?;
        if fm < 0.0 {
            (a, fa) = (m, fm);
            if side == -1 {
                fb *= 0.5;
            }
            side = -1;
        } else {
            (b, fb) = (m, fm);
            if side == 1 {
                fa *= 0.5;
            }
            side = 1;
        }
    }
    Ok(b)
}

/// ∫_a^b f by Gauss–Legendre with 8 nodes on each of `pieces` equal parts: exact for
/// polynomials of degree 15 on each part, and for a smooth integrand with error falling like
/// (width)^16 (eight nodes integrate e^-x to 1e-14 over a width of 2 in x).
pub fn gauss_legendre(f: impl Fn(f64) -> f64, a: f64, b: f64, pieces: usize) -> f64 {
    const X: [f64; 4] = [
        0.183_434_642_495_649_8,
        0.525_532_409_916_329,
        0.796_666_477_413_626_7,
        0.960_289_856_497_536_3,
    ];
    const W: [f64; 4] = [
        0.362_683_783_378_362,
        0.313_706_645_877_887_3,
        0.222_381_034_453_374_5,
        0.101_228_536_290_376_3,
    ];
    let h = (b - a) / pieces as f64;
    let mut total = 0.0;
    for k in 0..pieces {
        let mid = a + (k as f64 + 0.5) * h;
        let half = 0.5 * h;
        for (x, w) in X.iter().zip(W) {
            total += w * half * (f(mid - half * x) + f(mid + half * x));
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_of_a_quadratic_without_cancellation() {
        let mut r = Quadratic([2.0, -3.0, 1.0]).roots();
        r.sort_by(f64::total_cmp);
        assert_eq!(r, vec![1.0, 2.0]);
        // Roots 1e-8 and 1e8: the naive formula loses the small one entirely.
        let r = Quadratic([1.0, -(1e8 + 1e-8), 1.0]).roots();
        assert!(r.iter().any(|x| (x - 1e-8).abs() < 1e-22));
        assert_eq!(Quadratic([1.0, 0.0, 1.0]).roots(), Vec::<f64>::new());
    }

    #[test]
    fn last_negative_is_where_going_back_the_sign_turns() {
        // (u - 1)(u - 3): negative on (1, 3).
        let q = Quadratic([3.0, -4.0, 1.0]);
        assert_eq!(q.last_negative(0.0, 5.0), Some(3.0));
        assert_eq!(q.last_negative(0.0, 2.0), Some(2.0));
        assert_eq!(q.last_negative(3.0, 5.0), None);
    }

    #[test]
    fn regula_falsi_finds_a_root_to_the_tolerance() {
        let f = |x: f64| x * x - 2.0;
        let r = regula_falsi(f, (1.0, f(1.0)), (2.0, f(2.0)), 1e-13, 100);
        assert!((r - 2f64.sqrt()).abs() < 1e-12 && f(r) >= 0.0);
    }

    #[test]
    fn gauss_legendre_is_exact_for_degree_15() {
        let f = |x: f64| x.powi(15) + x.powi(4);
        let exact = 1.0 / 16.0 + 1.0 / 5.0;
        assert!((gauss_legendre(f, 0.0, 1.0, 1) - exact).abs() < 1e-15);
    }
}
