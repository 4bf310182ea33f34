"""The commands, as functions: each builds the command line's arguments, runs it in this process
(the Rust extension, with the GIL released) into a temporary directory, and returns its Result."""

import json
import numbers
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from . import _impasse
from ._errors import UsageError, raise_for
from ._result import Result, Text


class ImpasseWarning(UserWarning):
    """A warning or note a command gave (an empty shard, an unfinished sweep started over)."""


class _Progress:
    """A tqdm bar fed by the extension's progress reports (done, total, unit)."""

    def __init__(self, desc):
        self.desc = desc
        self.bar = None
        self.unit = None

    def __call__(self, done, total, unit):
        if self.bar is None or unit != self.unit:
            self.close()
            from tqdm.auto import tqdm

            self.unit = unit
            self.bar = tqdm(
                total=total, desc=self.desc, unit=f" {unit}", unit_scale=True, delay=0.5
            )
        self.bar.update(done - self.bar.n)

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _value(v):
    """A value as the command line's `--set` and `--vary` take it."""
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        return repr(float(v))
    return str(v)


def _scenario_file(scenario, dir, name="scenario"):
    """The path of a scenario given as a path, a TOML string or a dict (written into ``dir``)."""
    if isinstance(scenario, os.PathLike):
        return os.fspath(scenario)
    if isinstance(scenario, dict):
        text = _impasse.toml_of_json(json.dumps(scenario))
    elif isinstance(scenario, str):
        if os.path.exists(scenario) or not any(c in scenario for c in "=[\n"):
            return scenario
        text = scenario
    else:
        raise TypeError(
            f"a scenario is a path, a TOML string or a dict, not {type(scenario).__name__}"
        )
    path = os.path.join(dir, f"{name}.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def _flags(set=None, rounds=None, seed=None, threads=None, report=True):
    args = []
    for path, value in (set or {}).items():
        args += ["--set", f"{path}={_value(value)}"]
    if rounds is not None:
        args += ["-n", _value(rounds)]
    if seed is not None:
        args += ["--seed", _value(seed)]
    if threads is not None:
        args += ["-j", _value(threads)]
    if not report:
        args.append("--no-report")
    return args


def _execute(args, quiet, desc):
    """Run the command line ``args``; raise for its failure; return (printed, warnings)."""
    progress = None if quiet else _Progress(desc)
    try:
        kind, message, printed, notes = _impasse.execute(args, progress)
    finally:
        if progress is not None:
            progress.close()
    raise_for(kind, message)
    for note in notes:
        warnings.warn(note, ImpasseWarning, stacklevel=4)
    return printed, notes


def _command(command, scenario, args, quiet, optional=False):
    """Run ``impasse <command> [scenario] <args> -o <a temporary directory>``; its Result."""
    tmp = tempfile.mkdtemp(prefix="impasse-")
    try:
        head = [command]
        if scenario is not None:
            head.append(_scenario_file(scenario, tmp))
        elif not optional:
            raise UsageError(f"`{command}` needs a scenario")
        out = os.path.join(tmp, "result")
        printed, notes = _execute(head + args + ["-o", out], quiet, command)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Result(command, out, printed, notes, owned=tmp)


def run(scenario=None, *, rounds=None, seed=None, threads=None, set=None, report=True,
        quiet=False):
    """Run a scenario for many rounds, as ``impasse run``.

    scenario: a path, a TOML string or a dict; None runs the bundled Iran-P5+1 2013 case.
    rounds, seed: override ``[simulation]``; threads: worker threads (results do not depend on
    it); set: ``{dotted.path: value}`` overrides, as ``--set``; report: draw the figures and
    report.html; quiet: no progress bar.

    Returns a Result with the tables summary, outcomes, times and survival.
    """
    args = _flags(set, rounds, seed, threads, report)
    return _command("run", scenario, args, quiet, optional=True)


def _vary(spec):
    """A `--vary` SPEC: a string as it is; a tuple (lo, hi) as the range lo..hi; any other
    sequence as a list of values."""
    if isinstance(spec, str):
        return spec
    if isinstance(spec, tuple) and len(spec) == 2:
        return f"{_value(spec[0])}..{_value(spec[1])}"
    return ",".join(_value(v) for v in spec)


def sweep(scenario, *, vary=None, design=None, points=None, rounds=None, seed=None,
          threads=None, set=None, report=True, quiet=False):
    """Run a scenario over a design of parameter points, as ``impasse sweep``.

    vary: ``{dotted.path: spec}`` where spec is "a:b:n" (n points from a to b), a list of values,
    a tuple (lo, hi) (a range, for random, lhs and sobol designs) or the command line's SPEC text;
    design: "grid", "random", "lhs" or "sobol"; points: the number of points (of base points for
    sobol). rounds are per point. Other arguments as :func:`run`.

    Returns a Result with the table sweep (and sensitivity for a Sobol' design).
    """
    args = []
    for path, spec in (vary or {}).items():
        args += ["--vary", f"{path}={_vary(spec)}"]
    if design is not None:
        args += ["--design", design]
    if points is not None:
        args += ["--points", _value(points)]
    args += _flags(set, rounds, seed, threads, report)
    return _command("sweep", scenario, args, quiet)


def discover(sweep, *, where, boxes=1, threshold=0.8, step=None, report=True):
    """Scenario discovery (PRIM) over a sweep's points, as ``impasse discover``.

    sweep: a sweep's Result or result directory (left as it is: the boxes go into a copy);
    where: the points of interest, "METRIC[:PARTY] > X" (or <, >=, <=); boxes: how many boxes
    covering may find; threshold: the density a box must reach for covering to look for another;
    step: give the last box at this step of its peeling trajectory.

    Returns a Result with the sweep's tables and prim_trajectory and prim_boxes.
    """
    tmp = tempfile.mkdtemp(prefix="impasse-")
    try:
        out = os.path.join(tmp, "result")
        source = Path(sweep.path if isinstance(sweep, Result) else sweep)
        if not source.is_dir():
            raise UsageError(f"{source}: not a sweep's result directory")
        shutil.copytree(source, out)
        args = ["discover", out, "--where", where, "--boxes", _value(boxes)]
        args += ["--threshold", _value(threshold)]
        if step is not None:
            args += ["--step", _value(step)]
        if not report:
            args.append("--no-report")
        printed, notes = _execute(args, True, "discover")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Result("discover", out, printed, notes, owned=tmp)


def tournament(scenario, *, entrants=None, scenarios=None, rounds=None, seed=None,
               threads=None, set=None, report=True, quiet=False):
    """Play every entrant of one party against every entrant of the other, as
    ``impasse tournament``; rank them and solve the meta-game.

    entrants: ``{party: [spec, ...]}`` where a spec is a strategy name or
    "kind:param=value:..." (replaces the scenario's ``[tournament]`` list for that party);
    scenarios: more scenarios (paths, TOML strings or dicts) to rank the entrants across. Other
    arguments as :func:`run`.

    Returns a Result with the tables tournament and equilibria.
    """
    args = []
    for party, specs in (entrants or {}).items():
        specs = specs if isinstance(specs, str) else ",".join(specs)
        args += ["--entrants", f"{party}={specs}"]
    tmp = None
    if scenarios:
        tmp = tempfile.mkdtemp(prefix="impasse-")
        files = [_scenario_file(s, tmp, f"scenario-{i}") for i, s in enumerate(scenarios)]
        args += ["--scenarios", ",".join(os.path.abspath(f) for f in files)]
    try:
        args += _flags(set, rounds, seed, threads, report)
        return _command("tournament", scenario, args, quiet)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def audit(scenario=None, *, grid=None, at=None, history=True, types=None, rounds=None,
          seed=None, threads=None, set=None, report=True, quiet=False):
    """How much each party could gain by deviating from its strategy, as ``impasse audit``.

    grid: deviations at this many equal steps over the game (besides every scheduled event and
    deadline); at: more times to try conceding at; history: where random events can fire, also
    try the best rule that waits for them (False: ``--no-history``); types: where a party's type
    is private, audit this many of its types on their own (``--types``; default 5, 0: none).
    Other arguments as :func:`run`; None audits the bundled scenario.

    Returns a Result with the tables audit and deviations (column ``deviations``: ``time`` or
    ``history``; ``type_quantile`` and ``type`` on the rows of a type, empty on a party's own).
    """
    args = []
    if grid is not None:
        args += ["--grid", _value(grid)]
    if at:
        args += ["--at", ",".join(_value(t) for t in at)]
    if not history:
        args += ["--no-history"]
    if types is not None:
        args += ["--types", _value(types)]
    args += _flags(set, rounds, seed, threads, report)
    return _command("audit", scenario, args, quiet, optional=True)


def check(scenario, *, set=None):
    """Validate a scenario, as ``impasse check``: the scenario resolved, with closed-form
    predictions where they exist, as text. Raises ScenarioError if it is not valid."""
    with tempfile.TemporaryDirectory(prefix="impasse-") as tmp:
        args = ["check", _scenario_file(scenario, tmp)] + _flags(set)
        printed, _ = _execute(args, True, "check")
    return Text(printed)


def strategies():
    """The strategies, their parameters and their sources, as text (``impasse strategies``)."""
    printed, _ = _execute(["strategies"], True, "strategies")
    return Text(printed)
