//! `Sketch`: quantiles of the round times with a relative error of at most 0.4 % at any scale,
//! in fixed memory. A positive time falls in a bucket named by its binary exponent and the top 7
//! bits of its mantissa (a log-linear histogram, as in HdrHistogram), so a bucket spans at most
//! 1/128 of its lower edge and its midpoint is within 1/256 of any value in it. Counts are
//! integers, so merges are exact. Exact zeros (a concession at t = 0) are counted apart, and the
//! exact minimum and maximum are kept, so an estimate never leaves the observed range: an atom at
//! a deadline is reported as the deadline itself.

use serde::{Deserialize, Serialize};

const MANTISSA_BITS: u32 = 7;
const SUB: usize = 1 << MANTISSA_BITS;
/// Binary exponents kept: [2^-64, 2^64). Smaller positive times land in the lowest bucket.
const EXP_MIN: i64 = -64;
const EXP_MAX: i64 = 64;
const BUCKETS: usize = (EXP_MAX - EXP_MIN) as usize * SUB;

/// A fixed-memory quantile sketch of non-negative values: logarithmic buckets, so every quantile
/// is within 0.4 % (relative) of the order statistic; exact at the smallest and largest value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sketch {
    zeros: u64,
    counts: Vec<u64>,
    /// Smallest and largest value seen (meaningless while empty).
    min: f64,
    max: f64,
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch {
            zeros: 0,
            counts: vec![0; BUCKETS],
            min: f64::MAX,
            max: 0.0,
        }
    }
}

/// The lowest bucket's sign, exponent and mantissa bits, as `bucket` reads them.
const FIRST: usize = ((1023 + EXP_MIN) as usize) << MANTISSA_BITS;

/// The bucket of a positive `x`: its exponent and top mantissa bits, which are one number
/// (`x.to_bits() >> (52 - MANTISSA_BITS)`, the sign bit being 0), shifted to start at `EXP_MIN`
/// and clamped into range without a branch.
#[inline(always)]
fn bucket(x: f64) -> usize {
    ((x.to_bits() >> (52 - MANTISSA_BITS)) as usize)
        .saturating_sub(FIRST)
        .min(BUCKETS - 1)
}

fn lower_edge(b: usize) -> f64 {
    let e = (b / SUB) as i64 + EXP_MIN;
    let m = (b % SUB) as u64;
    f64::from_bits((((e + 1023) as u64) << 52) | (m << (52 - MANTISSA_BITS)))
}

impl Sketch {
    /// Count the times `xs` (never negative, never NaN). Written without branches: a zero
    /// adds 1 to `zeros` and 0 to a bucket; the range is kept with float minima and maxima in
    /// four independent lanes, so that no chain of them waits on the one before.
    #[inline]
    pub fn extend(&mut self, xs: &[f64]) {
        let mut zeros = 0;
        let counts: &mut [u64; BUCKETS] = self.counts.as_mut_slice().try_into().expect("BUCKETS");
        for &x in xs {
            let positive = x > 0.0;
            zeros += u64::from(!positive);
            counts[bucket(x)] += u64::from(positive);
        }
        self.zeros += zeros;
        let (mut lo, mut hi) = ([self.min; 4], [self.max; 4]);
        let mut quads = xs.chunks_exact(4);
        for q in &mut quads {
            for j in 0..4 {
                lo[j] = if q[j] < lo[j] { q[j] } else { lo[j] };
                hi[j] = if q[j] > hi[j] { q[j] } else { hi[j] };
            }
        }
        for &x in quads.remainder() {
            lo[0] = if x < lo[0] { x } else { lo[0] };
            hi[0] = if x > hi[0] { x } else { hi[0] };
        }
        self.min = lo.into_iter().fold(f64::MAX, f64::min);
        self.max = hi.into_iter().fold(0.0, f64::max);
    }

    /// Add another's counts.
    pub fn merge(&mut self, other: &Sketch) {
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.zeros += other.zeros;
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// Whether a sketch read from a file has its shape (`BUCKETS` buckets, a valid range).
    pub fn is_well_formed(&self) -> bool {
        self.counts.len() == BUCKETS && (self.count() == 0 || self.min <= self.max)
    }

    /// How many values.
    pub fn count(&self) -> u64 {
        self.zeros + self.counts.iter().sum::<u64>()
    }

    /// The smallest and largest value seen, exactly; `None` when empty.
    pub fn range(&self) -> Option<(f64, f64)> {
        (self.count() > 0).then_some((self.min, self.max))
    }

    /// The `p`-quantile as the value of rank `ceil(p n)` (the inverse of the empirical CDF),
    /// estimated by its bucket's midpoint, kept within the observed range. `None` when empty.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let rank = ((p * n as f64).ceil() as u64).clamp(1, n);
        if rank <= self.zeros {
            return Some(0.0);
        }
        let mut seen = self.zeros;
        for (b, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let lo = lower_edge(b);
                let hi = if b + 1 < BUCKETS {
                    lower_edge(b + 1)
                } else {
                    lo * 2.0
                };
                return Some((0.5 * (lo + hi)).clamp(self.min, self.max));
            }
        }
        unreachable!("rank is at most the count")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn quantiles_within_half_a_percent_at_every_scale() {
        // Log-uniform over 12 decades: every scale at once.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut xs: Vec<f64> = (0..100_001)
            .map(|_| 10f64.powf(rng.random_range(-6.0..6.0)))
            .collect();
        let mut s = Sketch::default();
        s.extend(&xs);
        xs.sort_by(f64::total_cmp);
        for p in [0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999] {
            let exact = xs[((p * xs.len() as f64).ceil() as usize).max(1) - 1];
            let est = s.quantile(p).unwrap();
            assert!(
                ((est - exact) / exact).abs() <= 0.005,
                "p={p}: {est} vs {exact}"
            );
        }
    }

    /// The bucket is the binary exponent and the top 7 mantissa bits, clamped to the range.
    #[test]
    fn buckets_follow_exponent_and_mantissa() {
        assert_eq!(bucket(2f64.powi(EXP_MIN as i32)), 0);
        assert_eq!(bucket(2f64.powi(EXP_MIN as i32 - 1)), 0);
        assert_eq!(bucket(f64::MIN_POSITIVE), 0);
        assert_eq!(bucket(1.0), (0 - EXP_MIN) as usize * SUB);
        assert_eq!(bucket(1.5), (0 - EXP_MIN) as usize * SUB + SUB / 2);
        assert_eq!(bucket(3.0), (1 - EXP_MIN) as usize * SUB + SUB / 2);
        assert_eq!(bucket(2f64.powi(EXP_MAX as i32) * 0.999), BUCKETS - 1);
        assert_eq!(bucket(2f64.powi(EXP_MAX as i32)), BUCKETS - 1);
        assert_eq!(bucket(f64::INFINITY), BUCKETS - 1);
        for b in [0, 1, 127, 128, 8000, BUCKETS - 1] {
            assert_eq!(bucket(lower_edge(b)), b);
        }
    }

    #[test]
    fn zeros_come_first() {
        let mut s = Sketch::default();
        s.extend(&[0.0, 0.0, 0.0, 5.0]);
        assert_eq!(s.quantile(0.75), Some(0.0));
        assert_eq!(s.quantile(1.0), Some(5.0));
    }

    #[test]
    fn an_atom_at_the_maximum_is_reported_exactly() {
        let mut s = Sketch::default();
        s.extend(&[1.0, 5.0, 5.0, 5.0]);
        assert_eq!(s.quantile(0.5), Some(5.0));
    }
}
