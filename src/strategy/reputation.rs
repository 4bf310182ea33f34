//! Abreu & Gul (2000), reputational bargaining. Each side is obstinate with probability z_i (it
//! insists on its demand forever); a rational side concedes at the constant hazard that keeps the
//! opponent's rational type indifferent, λ_i = r_j (1 − α_i) / (α_i + α_j − 1). Side i's
//! reputation z_i e^{λ_i t} would reach 1 at T_i = −ln z_i / λ_i; both finish at T0 = min T_i, so
//! the slower side concedes at t = 0 with probability 1 − c_i, c_i = z_i e^{λ_i T0}.
//!
//! As a clock: the unconditional survival of i's concession time is `c_i e^{−λ_i t}` on `[0, T0]`
//! down to `z_i`, so from a unit-exponential budget E, i concedes at 0 if `E < −ln c_i`, at
//! `(E + ln c_i) / λ_i` if `E < −ln z_i`, and never otherwise.

/// One side's concession schedule.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Schedule {
    /// λ_i
    lambda: f64,
    /// ln c_i
    ln_c: f64,
    /// −ln z_i: budgets at or above it are the obstinate type.
    cap: f64,
}

impl Schedule {
    /// Both sides' schedules from their demands α, discount rates r and obstinate probabilities z.
    pub fn solve(demand: [f64; 2], discount_rate: [f64; 2], obstinate: [f64; 2]) -> [Schedule; 2] {
        let excess = demand[0] + demand[1] - 1.0;
        let lambda = [0, 1].map(|i| discount_rate[1 - i] * (1.0 - demand[i]) / excess);
        let z = obstinate;
        let t0 = (-z[0].ln() / lambda[0]).min(-z[1].ln() / lambda[1]);
        [0, 1].map(|i| Schedule {
            lambda: lambda[i],
            ln_c: z[i].ln() + lambda[i] * t0,
            cap: -z[i].ln(),
        })
    }

    /// When the side concedes, from its unit-exponential budget `e` (`None`: obstinate).
    #[inline(always)]
    pub fn time(self, e: f64) -> Option<f64> {
        if e >= self.cap {
            None
        } else if e < -self.ln_c {
            Some(0.0)
        } else {
            Some((e + self.ln_c) / self.lambda)
        }
    }
}
