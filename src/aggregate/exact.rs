//! `ExactSum`: the exact sum of any number of `f64`s, rounded once when read. Because the sum is
//! exact, merging partial sums in any order or grouping gives the same bits, which is what makes
//! results independent of threads and shards (docs/model.md, section 8).
//!
//! The algorithm is Shewchuk's non-overlapping partials with CPython's `math.fsum` final
//! rounding. (The `fsum` crate implements the same but keeps its partials private, so two sums
//! cannot be merged or saved exactly; hence these few lines.)

use serde::{Deserialize, Serialize};

/// A sum of doubles kept exactly, as non-overlapping partials (Shewchuk), so that the order of
/// additions never changes the result: merges of batches, threads and shards give the same bits.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExactSum {
    partials: Vec<f64>,
}

impl ExactSum {
    /// Add `x` exactly. Cost: one pass over the partials (at most ~40 for finite input).
    pub fn add(&mut self, mut x: f64) {
        debug_assert!(x.is_finite());
        let mut kept = 0;
        for j in 0..self.partials.len() {
            let mut y = self.partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        self.partials.truncate(kept);
        self.partials.push(x);
    }

    /// Whether every partial, and so the sum, is finite (a sum read from a file may not be).
    pub fn is_finite(&self) -> bool {
        self.partials.iter().all(|p| p.is_finite()) && self.value().is_finite()
    }

    /// Add another sum.
    pub fn merge(&mut self, other: &ExactSum) {
        for &p in &other.partials {
            self.add(p);
        }
    }

    /// The exact sum, correctly rounded to the nearest `f64`.
    pub fn value(&self) -> f64 {
        let p = &self.partials;
        let mut n = p.len();
        if n == 0 {
            return 0.0;
        }
        n -= 1;
        let mut hi = p[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            lo = y - (hi - x);
            if lo != 0.0 {
                break;
            }
        }
        // Round half-way cases correctly: if the rest of the partials push `lo` further in its
        // direction, the rounding of `hi + lo` must go that way.
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
        hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cancels_exactly() {
        let mut s = ExactSum::default();
        for x in [1e100, 1.0, -1e100] {
            s.add(x);
        }
        assert_eq!(s.value(), 1.0);
        let mut t = ExactSum::default();
        t.add(1e-16);
        t.add(1.0);
        t.add(1e16);
        // 1e16 + 1 is half-way between two doubles; the 1e-16 decides the rounding upwards,
        // where a plain left-to-right sum gives 1e16.
        assert_eq!(t.value(), 1.0000000000000002e16);
    }

    proptest! {
        /// Any split of the terms into two groups, merged, gives the same bits as one pass.
        #[test]
        fn merge_equals_one_pass(xs in proptest::collection::vec(-1e12f64..1e12, 0..200), cut in 0usize..200) {
            let cut = cut.min(xs.len());
            let mut whole = ExactSum::default();
            xs.iter().for_each(|&x| whole.add(x));
            let (mut a, mut b) = (ExactSum::default(), ExactSum::default());
            xs[..cut].iter().for_each(|&x| a.add(x));
            xs[cut..].iter().for_each(|&x| b.add(x));
            b.merge(&a);
            prop_assert_eq!(whole.value().to_bits(), b.value().to_bits());
        }
    }
}
