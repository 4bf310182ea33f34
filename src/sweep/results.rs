//! Reading a sweep's results back: `sweep.csv` (point, seed, one column per varied path, then
//! the columns of summary.csv) into each path's values and each metric's values by point. The
//! one reader of the format: Sobol' indices and scenario discovery both start here, so a merged
//! sweep, or one of an older version, reads the same.

use std::path::Path;

use indexmap::IndexMap;

/// A sweep's points as sweep.csv holds them.
#[derive(Clone, Debug, Default)]
pub struct SweepTable {
    /// The varied paths, in column order.
    pub paths: Vec<String>,
    /// Each path's value at each point.
    pub x: Vec<Vec<f64>>,
    /// Each point's round count (the `rounds` rows).
    pub rounds: Vec<f64>,
    /// For each (metric, party) in file order but `rounds`: its value, ci_low and ci_high at each
    /// point (NaN where a point has none or the field is empty).
    pub metrics: IndexMap<(String, String), [Vec<f64>; 3]>,
}

impl SweepTable {
    /// How many points the sweep has.
    pub fn points(&self) -> usize {
        self.rounds.len().max(self.x.first().map_or(0, Vec::len))
    }

    /// Read `path`. The error says why it is not a sweep.csv.
    pub fn read(path: &Path) -> Result<SweepTable, String> {
        let bad = |why: String| format!("{}: {why}", path.display());
        let mut r = ::csv::Reader::from_path(path).map_err(|e| bad(e.to_string()))?;
        let header: Vec<String> = r
            .headers()
            .map_err(|e| bad(e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let Some(m) = header.iter().position(|h| h == "metric") else {
            return Err(bad("no metric column: not a sweep.csv".into()));
        };
        if m < 3 || header[0] != "point" || header[1] != "seed" || header.len() != m + 5 {
            return Err(bad(
                "not a sweep.csv (point, seed, the varied paths, metric, party, value, ...)".into(),
            ));
        }
        let mut t = SweepTable {
            paths: header[2..m].to_vec(),
            x: vec![Vec::new(); m - 2],
            ..SweepTable::default()
        };
        let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
        let grow = |v: &mut Vec<f64>, p: usize| {
            if v.len() <= p {
                v.resize(p + 1, f64::NAN);
            }
        };
        for rec in r.records() {
            let rec = rec.map_err(|e| bad(e.to_string()))?;
            let p: usize = rec[0]
                .parse()
                .map_err(|_| bad(format!("`{}` is not a point number", &rec[0])))?;
            for (d, c) in t.x.iter_mut().enumerate() {
                grow(c, p);
                c[p] = num(&rec[2 + d]);
            }
            let (metric, party) = (&rec[m], &rec[m + 1]);
            if metric == "rounds" {
                grow(&mut t.rounds, p);
                t.rounds[p] = num(&rec[m + 2]);
                continue;
            }
            let e = t
                .metrics
                .entry((metric.to_string(), party.to_string()))
                .or_default();
            for (v, col) in e.iter_mut().zip(m + 2..) {
                grow(v, p);
                v[p] = num(&rec[col]);
            }
        }
        Ok(t)
    }
}
