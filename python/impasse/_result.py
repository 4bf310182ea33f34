"""A command's result: the directory it wrote, read as DataFrames, a dict and SVG text."""

import html
import os
import shutil
import sys
import weakref
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class Text(str):
    """Text a command printed (a table, a description), shown as it is in a notebook or REPL."""

    def __repr__(self):
        return str(self)


class Result:
    """What a command wrote, in a temporary directory that lives as long as this object.

    Every CSV file of the directory is a table: ``result.summary`` (or ``result.table("summary")``)
    is summary.csv read by pandas, with the file's columns and values. ``manifest`` is
    manifest.toml as a dict; ``figure(name)`` is figures/<name>.svg as text; ``save(dir)`` copies
    the files, which are byte for byte what the command line writes; in a notebook the result
    shows its report.html.
    """

    def __init__(self, command, path, printed="", warnings=(), owned=None):
        self.command = command
        self.path = Path(path)
        self.printed = Text(printed)
        self.warnings = list(warnings)
        self._tables = {}
        if owned is not None:
            # The temporary directory goes with the last reference to this result.
            self._cleanup = weakref.finalize(self, shutil.rmtree, owned, True)

    @property
    def tables(self):
        """The names of the tables (the CSV files' names without ``.csv``), sorted."""
        return sorted(p.stem for p in self.path.glob("*.csv"))

    def table(self, name):
        """The table ``name`` (``name.csv``) as a pandas DataFrame."""
        import pandas as pd

        if name not in self._tables:
            file = self.path / f"{name}.csv"
            if not file.is_file():
                raise KeyError(
                    f"no table {name!r} in this {self.command}'s result; it has: "
                    + ", ".join(self.tables)
                )
            self._tables[name] = pd.read_csv(file)
        return self._tables[name]

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.table(name)
        except KeyError as e:
            raise AttributeError(str(e.args[0])) from None

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.tables))

    @property
    def manifest(self):
        """manifest.toml as a dict: what produced the files (version, resolved scenario, seed,
        rounds)."""
        with open(self.path / "manifest.toml", "rb") as f:
            return tomllib.load(f)

    @property
    def figures(self):
        """The names of the figures (figures/<name>.svg), sorted."""
        return sorted(p.stem for p in (self.path / "figures").glob("*.svg"))

    def figure(self, name):
        """The figure ``name`` as SVG text (figures/<name>.svg)."""
        file = self.path / "figures" / f"{name}.svg"
        if not file.is_file():
            raise KeyError(
                f"no figure {name!r} in this {self.command}'s result; it has: "
                + ", ".join(self.figures)
            )
        return file.read_text(encoding="utf-8")

    def save(self, dir):
        """Copy the files into ``dir`` (created; it must not exist or be empty), exactly as the
        command line writes them. Returns the directory as a Path."""
        dir = Path(dir)
        if dir.exists() and (not dir.is_dir() or any(dir.iterdir())):
            raise FileExistsError(f"{dir}: exists and is not an empty directory")
        dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(self.path, dir, dirs_exist_ok=True)
        return dir

    def report(self):
        """report.html: the figures and tables on one self-contained page."""
        return (self.path / "report.html").read_text(encoding="utf-8")

    def _repr_html_(self):
        if not (self.path / "report.html").is_file():
            return None
        page = html.escape(self.report(), quote=True)
        return (
            f'<iframe srcdoc="{page}" style="width:100%;height:720px;border:1px solid #ccc">'
            "</iframe>"
        )

    def __repr__(self):
        head = f"<impasse {self.command} result: {len(self.tables)} tables, "
        head += f"{len(self.figures)} figures>"
        return head + ("\n" + self.printed if self.printed else "")

    def __fspath__(self):
        return os.fspath(self.path)
