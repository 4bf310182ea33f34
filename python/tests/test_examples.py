"""The notebook under examples/ and the EMA Workbench adapter."""

import json
import math
import os
import sys
import types
from pathlib import Path

import pytest

import impasse
from impasse import ema

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "scenarios" / "iran-p5plus1-2013.toml"
WAR = REPO / "scenarios" / "war-of-attrition.toml"


def test_the_notebook_runs_from_top_to_bottom(monkeypatch):
    """Every code cell, in order, in one namespace, from examples/ (as Jupyter would); IPython's
    display is stubbed where IPython is not installed."""
    nb = json.loads((REPO / "examples" / "impasse.ipynb").read_text())
    if "IPython" not in sys.modules:
        try:
            import IPython.display  # noqa: F401
        except ImportError:
            display = types.ModuleType("IPython.display")
            display.SVG = lambda text: text
            display.display = lambda *args: None
            monkeypatch.setitem(sys.modules, "IPython", types.ModuleType("IPython"))
            monkeypatch.setitem(sys.modules, "IPython.display", display)
    monkeypatch.chdir(REPO / "examples")
    namespace = {}
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(cells) >= 5
    for cell in cells:
        exec(compile("".join(cell["source"]), "impasse.ipynb", "exec"), namespace)
    assert namespace["run"].manifest["simulation"]["rounds"] == 1_000_000
    assert len(namespace["sweep"].sensitivity) > 0
    assert len(namespace["found"].prim_boxes) > 0
    assert set(namespace["audit"].audit.columns) >= {"party", "gain"}


def test_an_ema_experiment_is_an_impasse_run():
    experiment = ema.Experiment(WAR, ["time_mean", "payoff_mean:a"], rounds=20_000, seed=3)
    got = experiment(**{"parties.a.pressure": 0.2})
    summary = impasse.run(WAR, rounds=20_000, seed=3, quiet=True,
                          set={"parties.a.pressure": 0.2}).summary
    assert got == {"time_mean": ema.outcome(summary, "time_mean"),
                   "payoff_mean:a": ema.outcome(summary, "payoff_mean:a")}
    row = summary[(summary.metric == "payoff_mean") & (summary.party == "a")]
    assert got["payoff_mean:a"] == float(row.value.iloc[0])
    assert math.isfinite(got["time_mean"]) and got["time_mean"] > 0


def test_an_unknown_outcome_names_the_ones_there_are():
    summary = impasse.run(WAR, rounds=1_000, quiet=True).summary
    with pytest.raises(KeyError, match="payoff_mean:a"):
        ema.outcome(summary, "no_such_metric")


def test_ema_workbench_runs_its_experiments_on_impasse():
    workbench = pytest.importorskip("ema_workbench")
    m = ema.model(
        WAR,
        uncertainties={"parties.a.pressure": (0.05, 0.2), "parties.b.pressure": (0.05, 0.2)},
        outcomes=["time_mean", "payoff_mean:a"],
        rounds=5_000,
        seed=1,
    )
    experiments, outcomes = workbench.perform_experiments(m, 8)
    assert len(experiments) == 8 and len(outcomes["time_mean"]) == 8
    # Each outcome is impasse's for that experiment's parameters.
    first = experiments.iloc[0]
    values = {p: float(first[p]) for p in ["parties.a.pressure", "parties.b.pressure"]}
    summary = impasse.run(WAR, rounds=5_000, seed=1, quiet=True, set=values).summary
    assert outcomes["time_mean"][0] == ema.outcome(summary, "time_mean")
    # The war of attrition ends at rate c_a/V + c_b/V: harder pressure, shorter talks.
    pressure = experiments["parties.a.pressure"] + experiments["parties.b.pressure"]
    order = pressure.argsort().values
    assert outcomes["time_mean"][order[0]] > outcomes["time_mean"][order[-1]]
