//! `Resolve`: the distribution a party's private type θ is drawn from each round (docs/model.md
//! section 3). Sampling goes through `rand_distr`; `mean` is what a belief reduces to where a
//! strategy needs a number.

use rand::Rng;
use rand_distr::{Beta, Distribution, Exp, Gamma, LogNormal, Normal, Uniform};

/// A validated type distribution. Constructed only by `scenario::validate`, so every variant's
/// parameters are already known to be valid for `rand_distr`.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolve {
    /// Always this value: a known type.
    Constant(f64),
    /// Uniform on `[low, high]`.
    Uniform {
        /// The lower end.
        low: f64,
        /// The upper end.
        high: f64,
        /// The sampler.
        d: Uniform<f64>,
    },
    /// Normal truncated to `[0, inf)` by rejection; validation keeps `P(X >= 0)` above 2 %.
    Normal {
        /// The mean before truncation.
        mean: f64,
        /// The standard deviation before truncation.
        sd: f64,
        /// The sampler (before truncation).
        d: Normal<f64>,
    },
    /// `e^X` with X normal.
    LogNormal {
        /// The mean of X.
        mu: f64,
        /// The standard deviation of X.
        sigma: f64,
        /// The sampler.
        d: LogNormal<f64>,
    },
    /// Exponential.
    Exponential {
        /// The mean.
        mean: f64,
        /// The sampler.
        d: Exp<f64>,
    },
    /// Gamma.
    Gamma {
        /// The shape k.
        shape: f64,
        /// The scale θ (the mean is k θ).
        scale: f64,
        /// The sampler.
        d: Gamma<f64>,
    },
    /// Beta on `[0, 1]`.
    Beta {
        /// α
        alpha: f64,
        /// β
        beta: f64,
        /// The sampler.
        d: Beta<f64>,
    },
}

impl Resolve {
    /// A draw; a constant costs no call (the common case in the hot loop).
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Resolve::Constant(v) => *v,
            _ => self.sample_random(rng),
        }
    }

    #[inline(never)]
    fn sample_random<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Resolve::Constant(v) => *v,
            Resolve::Uniform { d, .. } => d.sample(rng),
            Resolve::Normal { d, .. } => loop {
                let x = d.sample(rng);
                if x >= 0.0 {
                    break x;
                }
            },
            Resolve::LogNormal { d, .. } => d.sample(rng),
            Resolve::Exponential { d, .. } => d.sample(rng),
            Resolve::Gamma { d, .. } => d.sample(rng),
            Resolve::Beta { d, .. } => d.sample(rng),
        }
    }

    /// The mean of the distribution as sampled (the truncated normal's own mean).
    pub fn mean(&self) -> f64 {
        match self {
            Resolve::Constant(v) => *v,
            Resolve::Uniform { low, high, .. } => 0.5 * (low + high),
            Resolve::Normal { mean, sd, .. } => {
                // E[X | X >= 0] = mu + sigma * phi(a) / (1 - Phi(a)), a = -mu / sigma.
                let a = -mean / sd;
                let phi = (-0.5 * a * a).exp() / (2.0 * std::f64::consts::PI).sqrt();
                let tail = 0.5 * libm::erfc(a / std::f64::consts::SQRT_2);
                mean + sd * phi / tail
            }
            Resolve::LogNormal { mu, sigma, .. } => (mu + 0.5 * sigma * sigma).exp(),
            Resolve::Exponential { mean, .. } => *mean,
            Resolve::Gamma { shape, scale, .. } => shape * scale,
            Resolve::Beta { alpha, beta, .. } => alpha / (alpha + beta),
        }
    }

    /// The `u`-quantile (`0 <= u < 1`) of the distribution as sampled.
    pub fn quantile(&self, u: f64) -> f64 {
        use statrs::distribution::{self as sd, ContinuousCDF};
        match self {
            Resolve::Constant(v) => *v,
            Resolve::Uniform { low, high, .. } => low + u * (high - low),
            Resolve::Normal { mean, sd: s, .. } => {
                // Truncated at 0: the quantile of the untruncated normal above its mass below 0.
                let n = sd::Normal::new(*mean, *s).expect("validated");
                let below = n.cdf(0.0);
                n.inverse_cdf(below + u * (1.0 - below)).max(0.0)
            }
            Resolve::LogNormal { mu, sigma, .. } => {
                if *sigma == 0.0 {
                    mu.exp()
                } else {
                    sd::LogNormal::new(*mu, *sigma)
                        .expect("validated")
                        .inverse_cdf(u)
                }
            }
            Resolve::Exponential { mean, .. } => -mean * (-u).ln_1p(),
            Resolve::Gamma { shape, scale, .. } => sd::Gamma::new(*shape, 1.0 / scale)
                .expect("validated")
                .inverse_cdf(u),
            Resolve::Beta { alpha, beta, .. } => sd::Beta::new(*alpha, *beta)
                .expect("validated")
                .inverse_cdf(u),
        }
    }

    /// `P(X <= x)` of the distribution as sampled (the normal truncated at 0): the inverse of
    /// `quantile`. A constant is a step at its value.
    pub fn cdf(&self, x: f64) -> f64 {
        use statrs::distribution::{self as sd, ContinuousCDF};
        let p = match self {
            Resolve::Constant(v) => f64::from(u8::from(x >= *v)),
            Resolve::Uniform { low, high, .. } => (x - low) / (high - low),
            Resolve::Normal { mean, sd: s, .. } => {
                let n = sd::Normal::new(*mean, *s).expect("validated");
                let below = n.cdf(0.0);
                (n.cdf(x) - below) / (1.0 - below)
            }
            Resolve::LogNormal { mu, sigma, .. } => {
                if *sigma == 0.0 {
                    f64::from(u8::from(x >= mu.exp()))
                } else {
                    sd::LogNormal::new(*mu, *sigma).expect("validated").cdf(x)
                }
            }
            Resolve::Exponential { mean, .. } => -(-x.max(0.0) / mean).exp_m1(),
            Resolve::Gamma { shape, scale, .. } => sd::Gamma::new(*shape, 1.0 / scale)
                .expect("validated")
                .cdf(x),
            Resolve::Beta { alpha, beta, .. } => sd::Beta::new(*alpha, *beta)
                .expect("validated")
                .cdf(x.clamp(0.0, 1.0)),
        };
        p.clamp(0.0, 1.0)
    }

    /// True when every draw is the same number (no randomness to sample).
    pub fn is_constant(&self) -> bool {
        matches!(self, Resolve::Constant(_))
    }
}

#[cfg(test)]
impl Resolve {
    /// Uniform on `[low, high]`, as validation would build it: for unit tests.
    pub(crate) fn uniform(low: f64, high: f64) -> Resolve {
        Resolve::Uniform {
            low,
            high,
            d: Uniform::new(low, high).unwrap(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn truncated_normal_mean_matches_sample_mean() {
        // Truncation at 0 of N(0.2, 1): the closed-form mean is ~0.9; the sample mean of 200k
        // draws has SE = sd/sqrt(n) < 0.7/447 ~ 0.0016, so 4 SE = 0.0064.
        let r = Resolve::Normal {
            mean: 0.2,
            sd: 1.0,
            d: Normal::new(0.2, 1.0).unwrap(),
        };
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| r.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let sd = (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
        let se = sd / (n as f64).sqrt();
        assert!((m - r.mean()).abs() < 4.0 * se, "{m} vs {}", r.mean());
        assert!(xs.iter().all(|&x| x >= 0.0));
    }
    #[test]
    fn cdf_inverts_quantile_for_every_distribution() {
        let all = [
            Resolve::uniform(0.2, 1.0),
            Resolve::Normal {
                mean: 0.5,
                sd: 0.4,
                d: Normal::new(0.5, 0.4).unwrap(),
            },
            Resolve::LogNormal {
                mu: -0.1,
                sigma: 0.3,
                d: LogNormal::new(-0.1, 0.3).unwrap(),
            },
            Resolve::Exponential {
                mean: 2.0,
                d: Exp::new(0.5).unwrap(),
            },
            Resolve::Gamma {
                shape: 2.5,
                scale: 0.4,
                d: Gamma::new(2.5, 0.4).unwrap(),
            },
            Resolve::Beta {
                alpha: 2.0,
                beta: 3.0,
                d: Beta::new(2.0, 3.0).unwrap(),
            },
        ];
        for r in &all {
            for u in [0.001, 0.1, 0.37, 0.5, 0.9, 0.999] {
                let back = r.cdf(r.quantile(u));
                assert!((back - u).abs() < 1e-9, "{r:?} at {u}: {back}");
            }
        }
        assert_eq!(Resolve::Constant(1.0).cdf(0.5), 0.0);
        assert_eq!(Resolve::Constant(1.0).cdf(1.0), 1.0);
    }
}
