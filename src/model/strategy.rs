//! `Strategy`: when a party concedes, as a scenario states it (docs/model.md, section 6). A closed
//! enum; the engine compiles each kind into the clock that runs it (`engine::clock`), and
//! `CATALOG` documents each one for `impasse strategies`. The mathematics of the strategies that
//! reason (the equilibria) lives in the `strategy` module, above the model.

/// A validated stopping rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Strategy {
    /// The obstinate type: never concedes.
    Never,
    /// Concedes at t = 0.
    Immediate,
    /// Concedes at a fixed time.
    AtTime {
        /// When.
        t: f64,
    },
    /// Concedes with hazard `rate + growth * t` (clamped at 0).
    Hazard {
        /// The hazard at t = 0.
        rate: f64,
        /// Its slope in time.
        growth: f64,
    },
    /// Concedes once its discounted waiting cost reaches `fraction * θ * V`.
    Threshold {
        /// The share of its worth of the pie the waiting cost must reach.
        fraction: f64,
    },
    /// The stationary mixed equilibrium of the complete-information game.
    Equilibrium,
    /// The demand falls to `reservation` by `by` along `(t/by)^(1/e)`; a deal when demands meet.
    TimeDependent {
        /// The concession exponent: below 1 it holds its demand late (Boulware), above 1 it
        /// gives way early (conceder).
        e: f64,
        /// The lowest demand it reaches.
        reservation: f64,
        /// When it reaches it.
        by: f64,
    },
    /// Abreu & Gul reputational bargaining: obstinate with probability `obstinate`.
    Reputation {
        /// The probability that the side is the obstinate type.
        obstinate: f64,
    },
    /// The Bayesian equilibrium of the war of attrition with private values; `pivot` selects
    /// among the asymmetric game's equilibria (the quantile whose types concede together).
    Bayesian {
        /// The quantile whose types concede together.
        pivot: f64,
    },
}

impl Strategy {
    /// Its name in scenario files (`at_time`).
    pub fn name(&self) -> &'static str {
        match self {
            Strategy::Never => "never",
            Strategy::Immediate => "immediate",
            Strategy::AtTime { .. } => "at_time",
            Strategy::Hazard { .. } => "hazard",
            Strategy::Threshold { .. } => "threshold",
            Strategy::Equilibrium => "equilibrium",
            Strategy::TimeDependent { .. } => "time_dependent",
            Strategy::Reputation { .. } => "reputation",
            Strategy::Bayesian { .. } => "bayesian",
        }
    }

    /// The strategy as a tournament entrant spec names it: `hazard:rate=0.1:growth=0`.
    pub fn spec(&self) -> String {
        let mut out = self.name().to_string();
        for (k, v) in self.params() {
            out.push_str(&format!(":{k}={v}"));
        }
        out
    }

    fn params(&self) -> Vec<(&'static str, f64)> {
        match *self {
            Strategy::Never | Strategy::Immediate | Strategy::Equilibrium => vec![],
            Strategy::AtTime { t } => vec![("t", t)],
            Strategy::Hazard { rate, growth } => vec![("rate", rate), ("growth", growth)],
            Strategy::Threshold { fraction } => vec![("fraction", fraction)],
            Strategy::TimeDependent { e, reservation, by } => {
                vec![("e", e), ("reservation", reservation), ("by", by)]
            }
            Strategy::Reputation { obstinate } => vec![("obstinate", obstinate)],
            Strategy::Bayesian { pivot } => vec![("pivot", pivot)],
        }
    }

    /// The strategy with its parameters, as a scenario writes them: `hazard (rate 0.1, growth 0)`.
    pub fn describe(&self) -> String {
        let params = self.params();
        if params.is_empty() {
            return self.name().to_string();
        }
        let list: Vec<String> = params.iter().map(|(k, v)| format!("{k} {v}")).collect();
        format!("{} ({})", self.name(), list.join(", "))
    }
}

/// What `impasse strategies` prints about one strategy.
pub struct StrategyInfo {
    /// The name scenario files use.
    pub name: &'static str,
    /// `(parameter, meaning)` pairs.
    pub params: &'static [(&'static str, &'static str)],
    /// What it does, in a sentence.
    pub summary: &'static str,
    /// Where it comes from (the literature, or a rule of thumb).
    pub source: &'static str,
}

/// Every strategy, in the order `impasse strategies` lists them.
pub const CATALOG: &[StrategyInfo] = &[
    StrategyInfo {
        name: "never",
        params: &[],
        summary: "The obstinate type: never concedes.",
        source: "Kreps & Wilson (1982), Abreu & Gul (2000): the commitment type.",
    },
    StrategyInfo {
        name: "immediate",
        params: &[],
        summary: "Concedes at t = 0 (after any event scheduled at 0).",
        source: "The dove of the hawk-dove game (Maynard Smith & Price 1973).",
    },
    StrategyInfo {
        name: "at_time",
        params: &[("t", "time of the concession, >= 0")],
        summary: "Concedes at a fixed time; a pure strategy of the war of attrition.",
        source: "Maynard Smith (1974), the war of attrition.",
    },
    StrategyInfo {
        name: "hazard",
        params: &[
            ("rate", "concession hazard at t = 0, >= 0"),
            (
                "growth",
                "change of the hazard per time unit (default 0); clamped at 0",
            ),
        ],
        summary: "Concedes at a random time with hazard rate + growth * t.",
        source: "Bishop & Cannings (1978): mixed strategies of the war of attrition.",
    },
    StrategyInfo {
        name: "threshold",
        params: &[(
            "fraction",
            "concede when the discounted waiting cost reaches fraction * resolve * stake, >= 0",
        )],
        summary: "Holds out until the pressure has cost it a set share of what the pie is worth to \
                  it (\"the sanctions bleed it dry\"); never concedes if discounting keeps that \
                  out of reach.",
        source: "A behavioural rule; Fearon (1994) on costly signalling by holding out.",
    },
    StrategyInfo {
        name: "equilibrium",
        params: &[],
        summary: "Its side of the equilibrium of the complete-information game, solved backward \
                  from the end of the game (docs/model.md, section 6.1). Where neither side is \
                  committed it concedes with the hazard that keeps the opponent indifferent \
                  between conceding now and a moment later, λ_i = [c_j + r_j L_j − L_j' + h (L_j \
                  − B_j) − ρΔ_j] / (G_j − L_j), with pressure, audience costs, leverage, the \
                  breakdown hazard, Poisson events' expected jumps and its belief about the \
                  opponent. Where a side prefers to hold on to what lies ahead (a deadline worth \
                  more than conceding, a rising value of conceding) that side holds and, if only \
                  one does, the other concedes at once. At a deadline the two play chicken, ties \
                  included (q = −D_j / (G_j − T_j − D_j)); across a scheduled event that lowers \
                  the opponent's value of conceding it concedes with an atom; at meetings it \
                  concedes with the probability that keeps the opponent indifferent between this \
                  meeting and the next. Solved again whenever a random event changes the game; \
                  `impasse audit` measures what any deviation would gain.",
        source: "Hendricks, Weiss & Wilson (1988); breakdown as a competing risk (Schelling 1960, \
                 Fearon 1994); deadlines and unravelling by backward induction.",
    },
    StrategyInfo {
        name: "time_dependent",
        params: &[
            (
                "e",
                "concession exponent, > 0: Boulware below 1, Linear at 1, Conceder above 1",
            ),
            (
                "reservation",
                "the lowest share it will accept, in [0, demand]",
            ),
            (
                "by",
                "when it reaches its reservation (default: its own deadline, else the global one)",
            ),
        ],
        summary: "Lowers its demand from `demand` to `reservation` along (t/by)^(1/e); a deal is struck \
                  the first instant the two demands are compatible, at the split where they meet \
                  (outcome `compromise`, no audience cost). Never concedes outright. Assumes the \
                  opponent's demand is fixed unless it too is time-dependent.",
        source: "Faratin, Sierra & Jennings (1998), negotiation decision functions; the Boulware, \
                 Linear and Conceder agents of the ANAC competitions and NegMAS.",
    },
    StrategyInfo {
        name: "reputation",
        params: &[(
            "obstinate",
            "prior probability z in (0, 1) that the party is the obstinate type, which never concedes",
        )],
        summary: "Reputational bargaining. Each round the party is obstinate (insists on its demand \
                  forever) with probability z; otherwise it concedes at λ_i = r_j (1 − α_i) / \
                  (α_i + α_j − 1), the hazard that keeps the opponent's rational type indifferent. \
                  The side that would take longer to build a reputation of obstinacy concedes at \
                  t = 0 with the probability that equalises the two, and every rational type has \
                  conceded by T0. Assumes both parties play it, discount (r > 0) and demand less \
                  than the whole pie, with incompatible demands; flow costs, audience costs, \
                  breakdown hazards and deadlines are not part of the model and are refused, and \
                  events may change a party's type only.",
        source: "Abreu & Gul (2000), Bargaining and reputation, Econometrica 68.",
    },
    StrategyInfo {
        name: "bayesian",
        params: &[(
            "pivot",
            "the quantile whose types on both sides concede at the same moment, in (0, 1); \
             default 0.5 (selects among the equilibria of unequal sides)",
        )],
        summary: "The Bayesian equilibrium of the war of attrition with private values: a party whose \
                  pie is worth v = resolve x stake concedes at b(v). Each side's type has a prior \
                  (the opponent's belief about it, else its resolve); with s_i the integrated \
                  hazard of i's concessions and Q_i(s) its type at quantile 1 - e^-s, the marginal \
                  types are indifferent: s_a' = c_b/Q_b(s_b), s_b' = c_a/Q_a(s_a). Equal sides give \
                  b(v) = (1/c) ∫ x g(x)/(1 − G(x)) dx and the higher value always wins. Unequal \
                  sides have a continuum of equilibria; impasse takes the one on which both \
                  sides' `pivot`-quantile types concede together (possibly with an atom at t = 0 \
                  for one side). Solved once per scenario, for every distribution, by the solve \
                  `equilibrium` uses for private types without an end (which takes the medians as \
                  pivot, and allows lines, costs and hazards besides). Assumes both parties play it with one pivot, uncertain types, demand 1, constant \
                  pressure > 0, and no discounting, audience costs, breakdown hazard or deadlines; \
                  events may change a party's type (resolve) only.",
        source: "Fudenberg & Tirole (1986); Nalebuff & Riley (1985); Krishna & Morgan (1997).",
    },
];
