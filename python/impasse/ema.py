"""impasse as an EMA Workbench model: EMA draws the experiments (Latin hypercube, Sobol',
Monte Carlo, optimisation), impasse plays each one's rounds; EMA's PRIM, Sobol' indices and
feature scoring then work on the outcomes.

>>> from ema_workbench import perform_experiments
>>> from impasse.ema import model
>>> m = model(
...     "scenarios/iran-p5plus1-2013.toml",
...     uncertainties={"parties.iran.pressure.growth": (0.0, 0.05), "deadline.at": (10, 40)},
...     outcomes=["breakdown_probability", "payoff_mean:iran"],
...     rounds=20_000,
... )
>>> experiments, outcomes = perform_experiments(m, 100)

Requires ``pip install ema_workbench`` (``pip install impasse[ema]``).
"""

import math

from ._api import run

__all__ = ["model", "Experiment"]


class Experiment:
    """One EMA experiment: the scenario with the experiment's values ``--set``, played by
    impasse, its outcomes read from summary.csv. Picklable, for EMA's multiprocessing evaluator.

    Every experiment uses the same seed (common random numbers), so that two experiments differ
    by their parameters and not by their draws.
    """

    def __init__(self, scenario, outcomes, rounds=None, seed=None, threads=None, set=None):
        self.scenario = scenario
        self.outcomes = list(outcomes)
        self.rounds = rounds
        self.seed = seed
        self.threads = threads
        self.set = dict(set or {})

    def __call__(self, **values):
        result = run(
            self.scenario,
            rounds=self.rounds,
            seed=self.seed,
            threads=self.threads,
            set={**self.set, **values},
            report=False,
            quiet=True,
        )
        return {name: outcome(result.summary, name) for name in self.outcomes}


def outcome(summary, name):
    """The value of ``name`` ("metric", or "metric:party" for a party's row) in a summary
    table (summary.csv as a DataFrame)."""
    metric, _, party = name.partition(":")
    rows = summary[summary["metric"] == metric]
    if party:
        rows = rows[rows["party"] == party]
    else:
        rows = rows[rows["party"].isna()]
    if len(rows) != 1:
        metrics = sorted(
            f"{m}:{p}" if isinstance(p, str) else m
            for m, p in zip(summary["metric"], summary["party"])
        )
        raise KeyError(f"no outcome {name!r} in summary.csv; it has: {', '.join(metrics)}")
    value = float(rows["value"].iloc[0])
    return value if math.isfinite(value) else float("nan")


def model(scenario, uncertainties, outcomes, *, levers=None, rounds=None, seed=None,
          threads=None, set=None, name="impasse"):
    """An EMA Workbench ``Model`` that runs ``scenario`` with impasse.

    uncertainties: ``{dotted.path: spec}`` (levers likewise, for EMA's policies), where spec is
    (lo, hi) of floats (a RealParameter), (lo, hi) of ints (an IntegerParameter) or a list of
    values (a CategoricalParameter); the path is any scenario field ``--set`` takes.
    outcomes: names of summary.csv's rows, "metric" for a whole-game row (``time_mean``,
    ``breakdown_probability``) or "metric:party" for a party's (``payoff_mean:iran``), each a
    ScalarOutcome. rounds, seed, threads and set as :func:`impasse.run`.
    """
    from ema_workbench import (
        CategoricalParameter,
        IntegerParameter,
        Model,
        RealParameter,
        ScalarOutcome,
    )

    def parameter(path, spec):
        if isinstance(spec, tuple) and len(spec) == 2:
            lo, hi = spec
            if isinstance(lo, int) and isinstance(hi, int):
                return IntegerParameter(path, lo, hi)
            return RealParameter(path, float(lo), float(hi))
        return CategoricalParameter(path, list(spec))

    m = Model(name, function=Experiment(scenario, outcomes, rounds, seed, threads, set))
    m.uncertainties = [parameter(p, s) for p, s in uncertainties.items()]
    if levers:
        m.levers = [parameter(p, s) for p, s in levers.items()]
    m.outcomes = [ScalarOutcome(o) for o in outcomes]
    return m
