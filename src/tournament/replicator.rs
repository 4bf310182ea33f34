//! Two-population replicator dynamics: each population's share of an entrant grows at the rate by
//! which that entrant's payoff against the other population beats the population's average,
//!
//! ```text
//! x_i' = x_i ((A y)_i - x'A y),   y_j' = y_j ((x'B)_j - x'B y),
//! ```
//!
//! integrated with fourth-order Runge–Kutta from the uniform mix. Payoffs are first scaled to a
//! unit range per population (which only changes the time scale), so `horizon` means the same
//! thing for every game.

/// Shares of each population at `checkpoints + 1` evenly spaced times in `[0, horizon]`.
pub fn trajectory(
    a: &[Vec<f64>],
    b: &[Vec<f64>],
    horizon: f64,
    checkpoints: usize,
) -> Vec<(f64, Vec<f64>, Vec<f64>)> {
    let (m, n) = (a.len(), a[0].len());
    let scale = |p: &[Vec<f64>]| {
        let (lo, hi) = p
            .iter()
            .flatten()
            .fold((f64::MAX, f64::MIN), |(l, h), &v| (l.min(v), h.max(v)));
        if hi > lo { hi - lo } else { 1.0 }
    };
    let (sa, sb) = (scale(a), scale(b));
    let deriv = |x: &[f64], y: &[f64]| -> (Vec<f64>, Vec<f64>) {
        let ay: Vec<f64> = (0..m)
            .map(|i| (0..n).map(|j| a[i][j] * y[j]).sum::<f64>() / sa)
            .collect();
        let xb: Vec<f64> = (0..n)
            .map(|j| (0..m).map(|i| b[i][j] * x[i]).sum::<f64>() / sb)
            .collect();
        let avg_a: f64 = x.iter().zip(&ay).map(|(p, q)| p * q).sum();
        let avg_b: f64 = y.iter().zip(&xb).map(|(p, q)| p * q).sum();
        (
            x.iter().zip(&ay).map(|(p, q)| p * (q - avg_a)).collect(),
            y.iter().zip(&xb).map(|(p, q)| p * (q - avg_b)).collect(),
        )
    };
    let add = |v: &[f64], d: &[f64], h: f64| -> Vec<f64> {
        v.iter().zip(d).map(|(p, q)| p + h * q).collect()
    };
    let mut x = vec![1.0 / m as f64; m];
    let mut y = vec![1.0 / n as f64; n];
    let steps_per = 1000;
    let h = horizon / (checkpoints * steps_per) as f64;
    let mut out = vec![(0.0, x.clone(), y.clone())];
    for c in 1..=checkpoints {
        for _ in 0..steps_per {
            let (k1x, k1y) = deriv(&x, &y);
            let (k2x, k2y) = deriv(&add(&x, &k1x, h / 2.0), &add(&y, &k1y, h / 2.0));
            let (k3x, k3y) = deriv(&add(&x, &k2x, h / 2.0), &add(&y, &k2y, h / 2.0));
            let (k4x, k4y) = deriv(&add(&x, &k3x, h), &add(&y, &k3y, h));
            for i in 0..m {
                x[i] += h / 6.0 * (k1x[i] + 2.0 * k2x[i] + 2.0 * k3x[i] + k4x[i]);
            }
            for j in 0..n {
                y[j] += h / 6.0 * (k1y[j] + 2.0 * k2y[j] + 2.0 * k3y[j] + k4y[j]);
            }
            // Shares stay a distribution despite rounding.
            for v in [&mut x, &mut y] {
                v.iter_mut().for_each(|p| *p = p.max(0.0));
                let s: f64 = v.iter().sum();
                v.iter_mut().for_each(|p| *p /= s);
            }
        }
        out.push((
            horizon * c as f64 / checkpoints as f64,
            x.clone(),
            y.clone(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dominated_entrant_dies_out() {
        // Row 1 always earns less than row 0; the column population is indifferent.
        let a = vec![vec![1.0, 1.0], vec![0.0, 0.0]];
        let b = vec![vec![0.0, 0.0], vec![0.0, 0.0]];
        let t = trajectory(&a, &b, 50.0, 5);
        let (_, x, y) = t.last().unwrap();
        assert!(x[1] < 1e-10, "{x:?}");
        assert!((y[0] - 0.5).abs() < 1e-12);
    }
}
