"""impasse: simulate negotiation waiting games from Python.

Who gives in, when, on what terms, and how often the talks collapse instead. The functions mirror
the ``impasse`` command line (``impasse --help``); each runs the same Rust code in this process
and returns a :class:`Result` whose tables are pandas DataFrames read from exactly the files the
command line writes.

>>> import impasse
>>> r = impasse.run(rounds=100_000, seed=7)      # the bundled Iran-P5+1 (January 2013) case
>>> r.summary.head()                              # summary.csv as a DataFrame
>>> r.figure("survival")                          # an SVG, as text
>>> r.save("out/iran")                            # what `impasse run -o out/iran` writes

A scenario is a path to a TOML file, a TOML string or a dict (written as TOML); ``None`` means
the bundled scenario where the command line allows it. Errors raise :class:`ScenarioError` (a bad
scenario, with the command line's message naming the file, line and field), :class:`UsageError`
(bad arguments) or :class:`ImpasseError`; Ctrl-C raises KeyboardInterrupt and leaves nothing
behind.
"""

from ._api import audit, check, discover, run, strategies, sweep, tournament
from ._errors import ImpasseError, ScenarioError, UsageError
from ._impasse import __version__
from ._result import Result, Text

__all__ = [
    "run",
    "sweep",
    "discover",
    "tournament",
    "audit",
    "check",
    "strategies",
    "Result",
    "Text",
    "ImpasseError",
    "ScenarioError",
    "UsageError",
    "__version__",
]
