//! `Histogram`: counts of end times in equal bins over `[0, end]` (the round's latest possible
//! end), one row per outcome plus one for all rounds: the data behind times.csv. Rounds that end
//! exactly on a bin's lower edge (an atom at 0, at an event, at the deadline, which is the last
//! edge) are also counted apart, so that the share of rounds ended *by* each edge is exact
//! (survival.csv).

use serde::{Deserialize, Serialize};

use crate::model::Outcome;

/// End times in `bins` equal bins over `[0, end]`, a row per outcome; merging adds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Histogram {
    /// The right end of the last bin.
    pub end: f64,
    /// How many bins.
    pub bins: usize,
    /// bins / end
    scale: f64,
    /// `Outcome::COUNT * bins` counts, one row per outcome; all rounds is their sum.
    counts: Vec<u64>,
    /// Of those, the rounds that ended exactly on the bin's lower edge.
    on_edge: Vec<u64>,
    /// Each bin's lower edge, `end * b / bins` (a load, not a division, per round).
    #[serde(skip)]
    lower: Vec<f64>,
}

impl PartialEq for Histogram {
    /// The counts (the edge table is derived).
    fn eq(&self, o: &Histogram) -> bool {
        self.end == o.end
            && self.bins == o.bins
            && self.counts == o.counts
            && self.on_edge == o.on_edge
    }
}

impl Histogram {
    /// Empty, with `bins` bins over `[0, end]`.
    pub fn new(end: f64, bins: usize) -> Histogram {
        Histogram {
            end,
            bins,
            scale: bins as f64 / end,
            counts: vec![0; Outcome::COUNT * bins],
            on_edge: vec![0; Outcome::COUNT * bins],
            lower: (0..bins).map(|b| end * b as f64 / bins as f64).collect(),
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
            let k = o as usize * self.bins + b;
            self.counts[k] += 1;
            self.on_edge[k] += u64::from(t == self.lower[b]);
        }
    }

    /// That a histogram read from a file has its shape: `Outcome::COUNT` rows of `bins` counts
    /// over a finite `[0, end]`, no more rounds on an edge than in its bin. Its total otherwise.
    pub fn check(&self) -> Result<u64, String> {
        let cells = Outcome::COUNT * self.bins;
        if !(self.end.is_finite() && self.end > 0.0 && self.bins > 0)
            || self.counts.len() != cells
            || self.on_edge.len() != cells
        {
            return Err("its histogram has the wrong shape".into());
        }
        if self.on_edge.iter().zip(&self.counts).any(|(e, c)| e > c) {
            return Err("its histogram counts more rounds on a bin's edge than in the bin".into());
        }
        Ok(self.counts.iter().sum())
    }

    /// Add another's counts.
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        for (a, b) in self.on_edge.iter_mut().zip(&other.on_edge) {
            *a += b;
        }
    }

    /// For one outcome's row (`None` = all rounds), the rounds that had ended by each edge:
    /// `bins + 1` counts, at 0 and at every bin's end (the last is every round of the row).
    pub fn ended_by(&self, outcome: Option<Outcome>) -> Vec<u64> {
        let rows: Vec<usize> = match outcome {
            Some(o) => vec![o.index()],
            None => (0..Outcome::COUNT).collect(),
        };
        let mut out = Vec::with_capacity(self.bins + 1);
        let mut before = 0;
        for b in 0..=self.bins {
            // Ended by edge b: every round of the bins below it, and those exactly on it.
            let on = if b < self.bins {
                rows.iter().map(|o| self.on_edge[o * self.bins + b]).sum()
            } else {
                0
            };
            out.push(before + on);
            if b < self.bins {
                before += rows
                    .iter()
                    .map(|o| self.counts[o * self.bins + b])
                    .sum::<u64>();
            }
        }
        out
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
