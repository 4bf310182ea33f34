//! `threshold`: concede once the discounted waiting cost D_i(t) reaches `fraction · θ_i · V_i`
//! (docs/model.md, section 6). As a clock, the budget is what is left of that target and the rate
//! is the discounted pressure, `e^{−r_i t} c_i(t)`.

use crate::rate::Rate;

/// The clock on a piece starting at `t` on which i's pressure is `pressure` (level at `t`,
/// slope): `(budget, rate)`, where `cost` is what waiting has cost i so far.
pub fn clock(
    fraction: f64,
    theta: f64,
    stake: f64,
    cost: f64,
    discount_rate: f64,
    pressure: (f64, f64),
    t: f64,
) -> (f64, Rate) {
    let remaining = fraction * theta * stake - cost;
    let (c0, c1) = pressure;
    let w = if discount_rate == 0.0 {
        1.0
    } else {
        (-discount_rate * t).exp()
    };
    (remaining, Rate::discounted(w, discount_rate, c0, c1))
}
