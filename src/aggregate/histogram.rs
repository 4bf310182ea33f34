//! `Histogram`: counts of end times in equal bins over `[0, end]` (the round's latest possible
//! end), one row per outcome plus one for all rounds: the data behind times.csv.

use serde::{Deserialize, Serialize};

use crate::model::Outcome;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub end: f64,
    pub bins: usize,
    /// bins / end
    scale: f64,
    /// `Outcome::COUNT * bins` counts, one row per outcome; all rounds is their sum.
    counts: Vec<u64>,
}

impl Histogram {
    pub fn new(end: f64, bins: usize) -> Histogram {
        Histogram {
            end,
            bins,
            scale: bins as f64 / end,
            counts: vec![0; Outcome::COUNT * bins],
        }
    }

    /// Count rounds given by their outcome indices and end times.
    #[inline]
    pub fn extend(&mut self, outcomes: &[u8], times: &[f64]) {
        let last = self.bins - 1;
        for (&o, &t) in outcomes.iter().zip(times) {
            // Times are never negative, so the bin is the truncation of a float below `bins`
            // (`as u32` saturates without the extra steps `as usize` needs above 2^63).
            let b = ((t * self.scale) as u32 as usize).min(last);
            self.counts[o as usize * self.bins + b] += 1;
        }
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// The rounds that ended with each outcome: the sums of the rows.
    pub fn outcome_counts(&self) -> [u64; Outcome::COUNT] {
        std::array::from_fn(|o| self.counts[o * self.bins..(o + 1) * self.bins].iter().sum())
    }

    /// Counts of one outcome's row (`None` = all rounds, the sum of the rows).
    pub fn row(&self, outcome: Option<Outcome>) -> Vec<u64> {
        match outcome {
            Some(o) => self.counts[o.index() * self.bins..(o.index() + 1) * self.bins].to_vec(),
            None => (0..self.bins)
                .map(|b| {
                    (0..Outcome::COUNT)
                        .map(|o| self.counts[o * self.bins + b])
                        .sum()
                })
                .collect(),
        }
    }

    /// `[start, end)` of bin `b`, computed as `end * b / bins` (never by repeated addition).
    pub fn edges(&self, b: usize) -> (f64, f64) {
        let n = self.bins as f64;
        (self.end * b as f64 / n, self.end * (b + 1) as f64 / n)
    }
}
