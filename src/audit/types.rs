//! The audit per type (docs/model.md 6.2 and 6.3): where a party's type is private, each type is
//! audited on its own, since a profile that is an equilibrium leaves no type a deviation that
//! pays, while one type's gain can hide in the party's average. A type θ of x is audited as the
//! same scenario with x's true resolve the constant θ and x's opponent believing x's prior (what
//! it believed before), so the profile plays as it does against every type, and the audit's one
//! mechanism (the shadowed round) gives θ's value curve. The types are the prior's quantiles
//! (k − 0.5)/K; x's interim gain is the mean of their gains.

use crate::model::{PARTIES, Resolve, Scenario};
use crate::strategy::equilibrium::prior_of;

/// Types per private party when neither `--types` nor the `[audit]` table says.
pub const DEFAULT_TYPES: u64 = 5;

/// Types per party at most: each is one more shadowed pass over the rounds.
pub const MOST_TYPES: u64 = 99;

/// One type of a party whose type is private.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TypeAt {
    /// The party.
    pub party: usize,
    /// Its quantile in the party's prior.
    pub quantile: f64,
    /// The type there.
    pub theta: f64,
}

/// The types audited: `k` per party whose type is private (its opponent's belief about it is a
/// distribution), at the prior's quantiles (j − 0.5)/k, party by party.
pub fn types(sc: &Scenario, k: u64) -> Vec<TypeAt> {
    let mut out = Vec::new();
    for party in 0..PARTIES {
        let Some(prior) = prior_of(sc, party) else {
            continue;
        };
        for j in 0..k {
            let quantile = (j as f64 + 0.5) / k as f64;
            out.push(TypeAt {
                party,
                quantile,
                theta: prior.quantile(quantile),
            });
        }
    }
    out
}

/// `sc` where `t.party`'s true type is `t.theta` and its opponent believes what it believed.
pub fn at_type(sc: &Scenario, t: &TypeAt) -> Scenario {
    let mut sc = sc.clone();
    let (x, y) = (t.party, 1 - t.party);
    if sc.parties[y].belief.is_none() {
        sc.parties[y].belief = Some(sc.parties[x].resolve.clone());
    }
    sc.parties[x].resolve = Resolve::Constant(t.theta);
    sc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_the_quantiles_of_the_opponents_belief() {
        let text = "[parties.a]\nstake = 1\npressure = 1\nstrategy = \"never\"\n\
                    resolve = { distribution = \"uniform\", low = 1, high = 2 }\n\
                    [parties.b]\nstake = 1\npressure = 1\nstrategy = \"never\"\n\
                    belief = { distribution = \"uniform\", low = 0, high = 4 }\n\
                    [deadline]\nat = 2\n";
        let sc = crate::scenario::load_str("t.toml", text, &[])
            .unwrap()
            .scenario;
        let t = types(&sc, 4);
        // a's prior is what b believes, not a's own resolve; b's type is known (a believes
        // b's constant resolve).
        assert_eq!(t.len(), 4);
        let thetas: Vec<f64> = t.iter().map(|t| t.theta).collect();
        assert_eq!(thetas, [0.5, 1.5, 2.5, 3.5]);
        let typed = at_type(&sc, &t[0]);
        assert_eq!(typed.parties[0].resolve, Resolve::Constant(0.5));
        assert_eq!(typed.parties[1].belief, sc.parties[1].belief);
        // Where the opponent believes the party's true distribution, that becomes explicit.
        let text = text.replace("belief", "label = \"b\"\n#");
        let sc = crate::scenario::load_str("t.toml", &text, &[])
            .unwrap()
            .scenario;
        let t = types(&sc, 2);
        let typed = at_type(&sc, &t[1]);
        assert_eq!(typed.parties[1].belief, Some(sc.parties[0].resolve.clone()));
        assert_eq!(typed.parties[0].resolve, Resolve::Constant(1.75));
    }
}
