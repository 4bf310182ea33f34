//! Streaming statistics over rounds, in memory that does not grow with the number of rounds.
//!
//! `Tally` collects one batch of rounds: integer counts (outcomes, the time `Histogram`, the
//! quantile `Sketch`) and plain `f64` sums in an order fixed by each round's position in the
//! batch (`Tally` says which). `Totals` holds many batches:
//! the same integer counts and the sums as `ExactSum`s. Every merge is therefore exact, so the
//! totals do not depend on how batches were spread over threads or shards. `Totals::report`
//! turns them into the metrics of summary.csv and outcomes.csv.

mod exact;
mod histogram;
mod sketch;
pub mod stats;

pub use exact::ExactSum;
pub use histogram::Histogram;
pub use sketch::Sketch;

use serde::{Deserialize, Serialize};

use crate::model::RoundResult;
use crate::model::{Outcome, PARTIES};
use stats::{Estimate, mean_ci, sd, wilson};

// Indices of the float sums.
const TIME: usize = 0;
const TIME_SQ: usize = 1;
const TIME_BY_OUTCOME: usize = 2;
const PAYOFF: usize = TIME_BY_OUTCOME + Outcome::COUNT;
const PAYOFF_SQ: usize = PAYOFF + PARTIES;
const COST: usize = PAYOFF_SQ + PARTIES;
const COST_SQ: usize = COST + PARTIES;
const SHARE: usize = COST_SQ + PARTIES;
const SHARE_SQ: usize = SHARE + PARTIES;
const SUMS: usize = SHARE_SQ + PARTIES;

/// The integer part of the statistics; merging adds. Each outcome's count is its histogram
/// row's (`outcomes`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// Rounds that ended in a split of the pie.
    pub splits: u64,
    /// Each party's smallest and largest payoff, exactly (so that constant payoffs have a
    /// spread of exactly 0, which their sums of squares cannot give).
    #[serde(default)]
    pub payoff_range: [Option<(f64, f64)>; PARTIES],
    /// The end times, per outcome, in equal bins.
    pub histogram: Histogram,
    /// The end times' quantiles.
    pub sketch: Sketch,
}

/// The smallest and largest of `first` and `values`, in `LANES` lanes so that it vectorises
/// (payoffs are never NaN: the output refuses them).
#[inline]
fn min_max(first: f64, values: &[f64]) -> (f64, f64) {
    let (mut lo, mut hi) = ([first; LANES], [first; LANES]);
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    for x in chunks {
        for j in 0..LANES {
            lo[j] = if x[j] < lo[j] { x[j] } else { lo[j] };
            hi[j] = if x[j] > hi[j] { x[j] } else { hi[j] };
        }
    }
    let lo = rest
        .iter()
        .chain(&lo)
        .fold(first, |a, &b| if b < a { b } else { a });
    let hi = rest
        .iter()
        .chain(&hi)
        .fold(first, |a, &b| if b > a { b } else { a });
    (lo, hi)
}

/// The smallest range holding both (`None`: no value yet).
fn widen(a: Option<(f64, f64)>, b: Option<(f64, f64)>) -> Option<(f64, f64)> {
    match (a, b) {
        (Some(x), Some(y)) => Some((x.0.min(y.0), x.1.max(y.1))),
        (x, None) => x,
        (None, y) => y,
    }
}

/// A spread that is exactly 0 when every value was the same (`range`), however the sums round.
fn exact_when_constant(mut e: Estimate, sd: f64, range: Option<(f64, f64)>) -> (Estimate, f64) {
    match range {
        Some((lo, hi)) if lo == hi => {
            e.value = lo;
            e.ci = e.ci.map(|_| (lo, lo));
            (e, 0.0)
        }
        _ => (e, sd),
    }
}

impl Counts {
    fn new(end: f64, bins: usize) -> Counts {
        Counts {
            splits: 0,
            payoff_range: [None; PARTIES],
            histogram: Histogram::new(end, bins),
            sketch: Sketch::default(),
        }
    }

    fn merge(&mut self, o: &Counts) {
        self.splits += o.splits;
        for (a, b) in self.payoff_range.iter_mut().zip(&o.payoff_range) {
            *a = widen(*a, *b);
        }
        self.histogram.merge(&o.histogram);
        self.sketch.merge(&o.sketch);
    }

    /// The rounds that ended with each outcome.
    pub fn outcomes(&self) -> [u64; Outcome::COUNT] {
        self.histogram.outcome_counts()
    }

    /// How many rounds were counted.
    pub fn rounds(&self) -> u64 {
        self.outcomes().iter().sum()
    }
}

/// Rounds a `Tally` holds before reducing them.
const CHUNK: usize = 128;
/// Independent partial sums per float column: the reduction's vector width.
const LANES: usize = 4;
// The float columns of a chunk: the time, then each party's payoff, cost and share.
const COL_TIME: usize = 0;
const COL_PAYOFF: usize = 1;
const COL_COST: usize = COL_PAYOFF + PARTIES;
const COL_SHARE: usize = COL_COST + PARTIES;
const COLUMNS: usize = COL_SHARE + PARTIES;
// Each column's sum and sum of squares sit at these indices of `sums`.
const COLUMN_SUMS: [(usize, usize); COLUMNS] = [
    (TIME, TIME_SQ),
    (PAYOFF, PAYOFF_SQ),
    (PAYOFF + 1, PAYOFF_SQ + 1),
    (COST, COST_SQ),
    (COST + 1, COST_SQ + 1),
    (SHARE, SHARE_SQ),
    (SHARE + 1, SHARE_SQ + 1),
];

/// One batch of rounds, pushed in round order. A push only stores the round in a chunk of
/// columns; a full chunk is reduced at once: each float column into `LANES` partial sums of the
/// values and of their squares (lane `j` takes rounds `j, j + LANES, ...` of the chunk, so the
/// loop runs on vector registers), then the sketch, the histogram (whose rows are the outcome
/// counts) and the per-outcome times in scalar passes. The order of every addition is fixed by
/// the rounds' positions in the batch, never by threads. A round without a split has shares 0,
/// which leave the sums exact.
#[derive(Clone, Debug)]
pub struct Tally {
    counts: Counts,
    /// Sum and sum of squares of each column, `LANES` partial sums each.
    lanes: [[[f64; LANES]; 2]; COLUMNS],
    /// The time of the rounds of each outcome (per chunk, even and odd rounds apart).
    by_outcome: [f64; Outcome::COUNT],
    /// The rounds not yet reduced: `len` of them.
    columns: Box<[[f64; CHUNK]; COLUMNS]>,
    outcomes: [u8; CHUNK],
    len: usize,
}

impl Tally {
    /// `end` is the latest time a round can end; `bins` the histogram's bins.
    pub fn new(end: f64, bins: usize) -> Tally {
        Tally {
            counts: Counts::new(end, bins),
            lanes: [[[0.0; LANES]; 2]; COLUMNS],
            by_outcome: [0.0; Outcome::COUNT],
            columns: Box::new([[0.0; CHUNK]; COLUMNS]),
            outcomes: [0; CHUNK],
            len: 0,
        }
    }

    /// Count one round.
    #[inline]
    pub fn push(&mut self, r: &RoundResult) {
        let k = self.len % CHUNK;
        let c = &mut self.columns;
        c[COL_TIME][k] = r.time;
        for i in 0..PARTIES {
            c[COL_PAYOFF + i][k] = r.payoff[i];
            c[COL_COST + i][k] = r.cost[i];
            c[COL_SHARE + i][k] = r.shares[i];
        }
        self.counts.splits += u64::from(r.split);
        self.outcomes[k] = r.outcome.index() as u8;
        self.len = k + 1;
        if self.len == CHUNK {
            self.reduce();
        }
    }

    /// Fold the buffered rounds into the statistics.
    fn reduce(&mut self) {
        let n = self.len;
        for (column, [sum, squares]) in self.columns.iter_mut().zip(&mut self.lanes) {
            // Zeros past `n` add nothing (no partial sum is ever -0), and keep the loop whole.
            column[n..].fill(0.0);
            let (mut s, mut q) = (*sum, *squares);
            for x in column.chunks_exact(LANES) {
                for j in 0..LANES {
                    s[j] += x[j];
                    q[j] += x[j] * x[j];
                }
            }
            (*sum, *squares) = (s, q);
        }
        for (i, range) in self.counts.payoff_range.iter_mut().enumerate() {
            let column = &self.columns[COL_PAYOFF + i][..n];
            if let Some(&first) = column.first() {
                *range = widen(*range, Some(min_max(first, column)));
            }
        }
        let c = &mut self.counts;
        let (outcomes, times) = (&self.outcomes[..n], &self.columns[COL_TIME][..n]);
        c.sketch.extend(times);
        c.histogram.extend(outcomes, times);
        // Even and odd rounds into separate sums, so that a run of one outcome is two chains
        // of additions rather than one.
        let mut sums = [[0.0; Outcome::COUNT]; 2];
        for (o, t) in outcomes.chunks(2).zip(times.chunks(2)) {
            for j in 0..o.len() {
                sums[j][o[j] as usize] += t[j];
            }
        }
        for (s, (even, odd)) in self.by_outcome.iter_mut().zip(sums[0].iter().zip(&sums[1])) {
            *s += even + odd;
        }
        self.len = 0;
    }
}

/// Statistics over any number of batches. Merging is exact, associative and commutative.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Counts, merged by addition.
    pub counts: Counts,
    sums: Vec<ExactSum>,
}

impl From<Tally> for Totals {
    fn from(mut t: Tally) -> Totals {
        t.reduce();
        let mut sums = [0.0; SUMS];
        for (lanes, (s, sq)) in t.lanes.iter().zip(COLUMN_SUMS) {
            let total = |l: &[f64; LANES]| (l[0] + l[1]) + (l[2] + l[3]);
            sums[s] = total(&lanes[0]);
            sums[sq] = total(&lanes[1]);
        }
        sums[TIME_BY_OUTCOME..PAYOFF].copy_from_slice(&t.by_outcome);
        let sums = sums
            .iter()
            .map(|&x| {
                let mut s = ExactSum::default();
                s.add(x);
                s
            })
            .collect();
        Totals {
            counts: t.counts,
            sums,
        }
    }
}

impl Totals {
    /// No rounds yet, with `bins` bins of the end times over `[0, end]`.
    pub fn empty(end: f64, bins: usize) -> Totals {
        Totals::from(Tally::new(end, bins))
    }

    /// Add another's rounds.
    pub fn merge(&mut self, o: &Totals) {
        self.counts.merge(&o.counts);
        for (a, b) in self.sums.iter_mut().zip(&o.sums) {
            a.merge(b);
        }
    }

    /// That totals read from a file (a shard's part) count exactly `rounds` rounds, in every
    /// count and sum: the histogram's rows, the sketch, the splits; finite sums of the right
    /// number, each party's payoff sum within `rounds` times its exact range, the time sum
    /// within `rounds` times the latest end.
    pub fn check(&self, rounds: u64) -> Result<(), String> {
        let c = &self.counts;
        let counted = c.histogram.check()?;
        if counted != rounds || c.sketch.count() != rounds || !c.sketch.is_well_formed() {
            return Err(format!(
                "its totals count {counted} rounds (its quantile sketch {}), where its slice has \
                 {rounds}",
                c.sketch.count()
            ));
        }
        if c.splits > rounds {
            return Err(format!("it counts {} splits in {rounds} rounds", c.splits));
        }
        if self.sums.len() != SUMS || !self.sums.iter().all(ExactSum::is_finite) {
            return Err("its sums are not the right number of finite numbers".into());
        }
        let n = rounds as f64;
        let within = |x: f64, lo: f64, hi: f64| {
            let slack = 1e-9 * lo.abs().max(hi.abs()).max(1.0);
            x >= lo - slack && x <= hi + slack
        };
        let end = c.histogram.end;
        let mut bounds: Vec<(usize, f64, f64)> =
            vec![(TIME, 0.0, n * end), (TIME_SQ, 0.0, n * end * end)];
        bounds.extend((TIME_BY_OUTCOME..PAYOFF).map(|k| (k, 0.0, n * end)));
        for party in 0..PARTIES {
            let (lo, hi) = c.payoff_range[party].unwrap_or((0.0, 0.0));
            if c.payoff_range[party].is_none() != (rounds == 0) {
                return Err(format!(
                    "party {party}'s payoff range does not match its rounds"
                ));
            }
            let most_sq = lo.abs().max(hi.abs()).powi(2);
            bounds.push((PAYOFF + party, n * lo, n * hi));
            bounds.push((PAYOFF_SQ + party, 0.0, n * most_sq));
            bounds.push((SHARE + party, 0.0, n));
            bounds.push((SHARE_SQ + party, 0.0, n));
        }
        match bounds
            .iter()
            .find(|&&(k, lo, hi)| !within(self.sum(k), lo, hi))
        {
            Some(&(k, _, _)) => Err(format!(
                "its sum number {k} ({:e}) is impossible for {rounds} rounds of its ranges",
                self.sum(k)
            )),
            None => Ok(()),
        }
    }

    fn sum(&self, k: usize) -> f64 {
        self.sums[k].value()
    }

    /// The exact sum of a party's payoffs.
    pub fn payoff_sum(&self, party: usize) -> f64 {
        self.sum(PAYOFF + party)
    }

    /// The exact sum of the squares of a party's payoffs.
    pub fn payoff_sum_sq(&self, party: usize) -> f64 {
        self.sum(PAYOFF_SQ + party)
    }

    /// The figures of summary.csv and outcomes.csv.
    pub fn report(&self) -> Report {
        let n = self.counts.rounds();
        let moments = |s: usize, sq: usize, k: u64| {
            let (s1, s2) = (self.sum(s), self.sum(sq));
            (mean_ci(s1, s2, k), sd(s1, s2, k))
        };
        let mut metrics = vec![Metric::plain("rounds", None, n as f64)];
        let (time_mean, time_sd) = moments(TIME, TIME_SQ, n);
        let (time_mean, time_sd) =
            exact_when_constant(time_mean, time_sd, self.counts.sketch.range());
        metrics.push(Metric::est("time_mean", None, time_mean));
        metrics.push(Metric::plain("time_sd", None, time_sd));
        for (name, p) in [
            ("time_p05", 0.05),
            ("time_p25", 0.25),
            ("time_p50", 0.50),
            ("time_p75", 0.75),
            ("time_p95", 0.95),
        ] {
            let q = self.counts.sketch.quantile(p).unwrap_or(f64::NAN);
            metrics.push(Metric::plain(name, None, q));
        }
        let o = self.counts.outcomes();
        for i in 0..PARTIES {
            let (pm, psd) = moments(PAYOFF + i, PAYOFF_SQ + i, n);
            let range = self.counts.payoff_range[i];
            let (pm, psd) = exact_when_constant(pm, psd, range);
            metrics.push(Metric::est("payoff_mean", Some(i), pm));
            metrics.push(Metric::plain("payoff_sd", Some(i), psd));
            metrics.push(Metric::est(
                "cost_mean",
                Some(i),
                moments(COST + i, COST_SQ + i, n).0,
            ));
            let splits = self.counts.splits;
            let share = moments(SHARE + i, SHARE_SQ + i, splits).0;
            metrics.push(Metric::est("share_mean", Some(i), share));
            let conceded = o[Outcome::concession(i).index()];
            metrics.push(Metric::est(
                "concede_probability",
                Some(i),
                wilson(conceded, n),
            ));
        }
        let count_if = |f: fn(Outcome) -> bool| -> u64 {
            Outcome::ALL
                .iter()
                .filter(|&&x| f(x))
                .map(|x| o[x.index()])
                .sum()
        };
        metrics.push(Metric::est(
            "agreement_probability",
            None,
            wilson(count_if(Outcome::is_agreement), n),
        ));
        metrics.push(Metric::est(
            "breakdown_probability",
            None,
            wilson(count_if(Outcome::is_breakdown), n),
        ));
        let outcomes = Outcome::ALL
            .iter()
            .map(|&x| {
                let k = o[x.index()];
                OutcomeRow {
                    outcome: x,
                    count: k,
                    probability: wilson(k, n),
                    time_mean: (k > 0).then(|| self.sum(TIME_BY_OUTCOME + x.index()) / k as f64),
                }
            })
            .collect();
        Report { metrics, outcomes }
    }
}

/// One row of summary.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// Its name (`payoff_mean`).
    pub metric: &'static str,
    /// Its party, or none for a whole-game metric.
    pub party: Option<usize>,
    /// Its value and 95 % interval.
    pub value: Estimate,
}

impl Metric {
    fn plain(metric: &'static str, party: Option<usize>, value: f64) -> Metric {
        Metric {
            metric,
            party,
            value: Estimate { value, ci: None },
        }
    }
    fn est(metric: &'static str, party: Option<usize>, value: Estimate) -> Metric {
        Metric {
            metric,
            party,
            value,
        }
    }
}

/// One row of outcomes.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeRow {
    /// The outcome.
    pub outcome: Outcome,
    /// How many rounds ended so.
    pub count: u64,
    /// Their share, with its Wilson interval.
    pub probability: Estimate,
    /// Their mean end time (none without rounds).
    pub time_mean: Option<f64>,
}

/// What summary.csv and outcomes.csv hold: the statistics of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// summary.csv's rows, in order.
    pub metrics: Vec<Metric>,
    /// outcomes.csv's nine rows, in order.
    pub outcomes: Vec<OutcomeRow>,
}

impl Report {
    /// The metric named `name` for `party`.
    pub fn get(&self, name: &str, party: Option<usize>) -> Option<&Estimate> {
        self.metrics
            .iter()
            .find(|m| m.metric == name && m.party == party)
            .map(|m| &m.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lane-wise range is the plain fold's, for every length and the extremes anywhere.
    #[test]
    fn min_max_in_lanes_is_the_plain_fold() {
        for len in 0..40 {
            for at in 0..len.max(1) {
                let mut v: Vec<f64> = (0..len).map(|k| ((k * 7919) % 13) as f64 - 6.0).collect();
                if len > 0 {
                    v[at] = -1e9;
                    v[len - 1 - at] = 1e9;
                }
                let first: f64 = 0.5;
                let plain = v
                    .iter()
                    .fold((first, first), |(lo, hi), &x| (lo.min(x), hi.max(x)));
                assert_eq!(min_max(first, &v), plain, "len {len} at {at}");
            }
        }
    }
}
