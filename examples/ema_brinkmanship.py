"""EMA Workbench on impasse: which assumptions decide whether brinkmanship ends in a breakdown?

EMA draws 500 Latin-hypercube experiments over four uncertainties of scenarios/brinkmanship.toml,
impasse plays 50,000 rounds of each, and EMA's feature scoring and PRIM read the outcomes.
Run from the repository's top, with `pip install . ema_workbench`:

    python examples/ema_brinkmanship.py
"""

import time

from ema_workbench import Samplers, perform_experiments
from ema_workbench.analysis import feature_scoring, prim

from impasse.ema import model

m = model(
    "scenarios/brinkmanship.toml",
    uncertainties={
        "parties.a.breakdown_cost": (0.3, 1.5),
        "parties.b.breakdown_cost": (0.3, 1.5),
        "parties.a.leverage": (0.0, 0.5),
        "breakdown.hazard": (0.005, 0.1),
    },
    outcomes=["breakdown_probability", "time_mean", "payoff_mean:a"],
    rounds=50_000,
    seed=1,
)
started = time.perf_counter()
experiments, outcomes = perform_experiments(m, 500, uncertainty_sampling=Samplers.LHS)
print(f"500 experiments x 50,000 rounds in {time.perf_counter() - started:.1f} s\n")

x = experiments[[u.name for u in m.uncertainties]]
print("feature scores (extra trees):")
print(feature_scoring.get_feature_scores_all(x, outcomes).round(3), "\n")

breaks_down = outcomes["breakdown_probability"] > 0.5
print(f"experiments where the talks break down in more than half of the rounds: "
      f"{breaks_down.mean():.1%}")
box = prim.Prim(x, breaks_down, threshold=0.8).find_box()
print(box.peeling_trajectory.iloc[-1][["coverage", "density", "res_dim"]].to_string())
print(box.box_lims[-1].T.to_string())
