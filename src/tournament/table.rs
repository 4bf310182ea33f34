//! What `impasse tournament` prints: each party's payoff matrix and the meta-game's equilibria.

use std::fmt::Write;

use super::Tournament;
use super::nash::Equilibria;

/// The payoff matrix of each party and the equilibria (`impasse tournament`).
pub fn table(t: &Tournament, pa: &[Vec<f64>], pb: &[Vec<f64>], eq: &Equilibria) -> String {
    let ids = t.ids();
    let mut o = String::new();
    let first = t.entrants[0]
        .iter()
        .map(|e| e.name.len())
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = t.entrants[1].iter().map(|e| e.name.len().max(8)).collect();
    for (q, m) in [pa, pb].iter().enumerate() {
        let _ = writeln!(
            o,
            "\nmean payoff of {} (rows: {}, columns: {})",
            ids[q], ids[0], ids[1]
        );
        let _ = write!(o, "  {:first$}", "");
        for (e, w) in t.entrants[1].iter().zip(&widths) {
            let _ = write!(o, "  {:>w$}", e.name);
        }
        o.push('\n');
        for (r, row) in m.iter().enumerate() {
            let _ = write!(o, "  {:first$}", t.entrants[0][r].name);
            for (v, w) in row.iter().zip(&widths) {
                let _ = write!(o, "  {:>w$.4}", v);
            }
            o.push('\n');
        }
    }
    let (n, k) = (eq.list.len(), eq.components);
    let joined = if k == n {
        "none joined to another".to_string()
    } else {
        format!(
            "in {k} component{} (those of a component are joined by continua of equilibria)",
            if k == 1 { "" } else { "s" }
        )
    };
    if eq.complete {
        let _ = writeln!(
            o,
            "\nequilibria of the meta-game: all {n} extreme one{}, {joined}:",
            if n == 1 { "" } else { "s" },
        );
    } else {
        let _ = writeln!(
            o,
            "\nequilibria of the meta-game: the enumeration stopped at its limit (--max-equilibria) \
             with {n} extreme ones found, {joined}; the meta-game has more, and the components \
             are those of the ones found. Raise --max-equilibria to enumerate them all:"
        );
    }
    for (k, e) in eq.list.iter().enumerate().take(SHOWN) {
        let mix = |q: usize, v: &[f64]| {
            v.iter()
                .enumerate()
                .filter(|(_, p)| **p > 0.0)
                .map(|(s, p)| format!("{} {:.3}", t.entrants[q][s].name, p))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            o,
            "  {} (component {}): {} [{}] vs {} [{}]; payoffs {}, {}",
            k + 1,
            e.component,
            ids[0],
            mix(0, &e.x),
            ids[1],
            mix(1, &e.y),
            crate::output::table::decimal(e.u[0], 4),
            crate::output::table::decimal(e.u[1], 4)
        );
    }
    if n > SHOWN {
        let _ = writeln!(o, "  ... and {} more in equilibria.csv", n - SHOWN);
    }
    o
}

/// The table shows at most this many equilibria; equilibria.csv has them all.
const SHOWN: usize = 20;
