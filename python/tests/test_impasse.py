"""The Python package against the command line it mirrors.

The command line's binary is IMPASSE_BIN, else target/release/impasse of this repository (built by
`cargo test --release`); where neither exists, the comparisons with it are skipped (CI sets it).
"""

import _thread
import filecmp
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import impasse

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
BUNDLED = SCENARIOS / "iran-p5plus1-2013.toml"

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def binary():
    path = os.environ.get("IMPASSE_BIN")
    if path:
        assert Path(path).is_file(), f"IMPASSE_BIN={path} does not exist"
        return path
    path = REPO / "target" / "release" / "impasse"
    if not path.is_file():
        pytest.skip("no impasse binary (set IMPASSE_BIN or run cargo build --release)")
    return str(path)


def cli(*args, cwd=None):
    """Run the binary; its stdout, failing the test on a non-zero exit."""
    done = subprocess.run([binary(), *map(str, args)], capture_output=True, text=True, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


def files(dir):
    return sorted(str(p.relative_to(dir)) for p in Path(dir).rglob("*") if p.is_file())


def assert_same_files(python_dir, cli_dir):
    """Every file the CLI wrote is there, byte for byte, and no other."""
    assert files(python_dir) == files(cli_dir)
    for name in files(cli_dir):
        assert filecmp.cmp(Path(python_dir) / name, Path(cli_dir) / name, shallow=False), name


def assert_tables_equal(result, cli_dir):
    """Each table of the result equals the CLI's CSV file read by pandas, value for value."""
    names = sorted(p.stem for p in Path(cli_dir).glob("*.csv"))
    assert result.tables == names
    for name in names:
        pd.testing.assert_frame_equal(
            result.table(name), pd.read_csv(Path(cli_dir) / f"{name}.csv"), check_exact=True
        )


# ---------------------------------------------------------------------------------------------
# Every function, and the same files as the command line


@pytest.mark.parametrize("scenario", sorted(p.name for p in SCENARIOS.glob("*.toml")))
def test_run_writes_what_the_cli_writes_for_every_bundled_scenario(scenario, tmp_path):
    r = impasse.run(SCENARIOS / scenario, rounds=20_000, seed=11, quiet=True)
    cli("run", SCENARIOS / scenario, "-n", 20_000, "--seed", 11, "-q", "-o", tmp_path / "cli")
    assert_same_files(r.path, tmp_path / "cli")
    assert_tables_equal(r, tmp_path / "cli")
    assert r.manifest["simulation"]["rounds"] == 20_000


def test_run_without_a_scenario_runs_the_bundled_one(tmp_path):
    r = impasse.run(rounds=30_000, seed=3, threads=1, quiet=True)
    cli("run", "-n", 30_000, "--seed", 3, "-q", "-o", tmp_path / "cli")
    assert_tables_equal(r, tmp_path / "cli")
    assert "Iran and the P5+1" in repr(r)
    assert set(r.tables) == {"summary", "outcomes", "times", "survival"}
    assert r.figure("survival").lstrip().startswith("<svg")
    page = r._repr_html_()
    assert page.startswith("<iframe srcdoc=") and "&lt;svg" in page


def test_save_writes_exactly_the_files(tmp_path):
    r = impasse.run(BUNDLED, rounds=10_000, seed=5, quiet=True)
    saved = r.save(tmp_path / "saved")
    assert_same_files(saved, r.path)
    with pytest.raises(FileExistsError):
        r.save(saved)


def test_sweep_and_discover_write_what_the_cli_writes(tmp_path):
    scenario = SCENARIOS / "war-of-attrition.toml"
    vary = {"parties.a.pressure": (0.05, 0.2), "parties.b.pressure": (0.05, 0.2)}
    s = impasse.sweep(
        scenario, vary=vary, design="sobol", points=8, rounds=2_000, seed=2, quiet=True
    )
    out = tmp_path / "cli"
    cli(
        "sweep", scenario, "--vary", "parties.a.pressure=0.05..0.2",
        "--vary", "parties.b.pressure=0.05..0.2", "--design", "sobol", "--points", 8,
        "-n", 2_000, "--seed", 2, "-q", "-o", out,
    )
    assert_same_files(s.path, out)
    assert_tables_equal(s, out)
    assert {"sweep", "sensitivity"} <= set(s.tables)
    before = files(s.path)
    d = impasse.discover(s, where="time_mean > 5")
    cli("discover", out, "--where", "time_mean > 5", "-q")
    assert files(s.path) == before, "discover leaves the sweep it was given as it was"
    assert_same_files(d.path, out)
    assert_tables_equal(d, out)
    assert {"prim_boxes", "prim_trajectory"} <= set(d.tables)


def test_a_grid_sweep_takes_lists_and_text_specs(tmp_path):
    s = impasse.sweep(
        BUNDLED, vary={"deadline.at": [10, 20], "parties.iran.pressure.growth": "0:0.02:2"},
        rounds=1_000, quiet=True, report=False,
    )
    cols = ["deadline.at", "parties.iran.pressure.growth"]
    points = s.sweep.drop_duplicates("point")[cols]
    assert sorted(map(tuple, points.values)) == [(10, 0), (10, 0.02), (20, 0), (20, 0.02)]
    assert s.figures == []


def test_tournament_writes_what_the_cli_writes(tmp_path):
    scenario = SCENARIOS / "war-of-attrition.toml"
    t = impasse.tournament(
        scenario, entrants={"a": ["never", "at_time:t=1"], "b": "never,at_time:t=2"},
        rounds=5_000, seed=1, quiet=True,
    )
    out = tmp_path / "cli"
    cli(
        "tournament", scenario, "--entrants", "a=never,at_time:t=1",
        "--entrants", "b=never,at_time:t=2", "-n", 5_000, "--seed", 1, "-q", "-o", out,
    )
    assert_same_files(t.path, out)
    assert_tables_equal(t, out)
    assert {"tournament", "equilibria"} <= set(t.tables)


def test_audit_writes_what_the_cli_writes(tmp_path):
    a = impasse.audit(BUNDLED, grid=20, at=[0.5, 1.5], rounds=5_000, seed=4, quiet=True)
    out = tmp_path / "cli"
    cli("audit", BUNDLED, "--grid", 20, "--at", "0.5,1.5", "-n", 5_000, "--seed", 4, "-q",
        "-o", out)
    assert_same_files(a.path, out)
    assert_tables_equal(a, out)
    assert {"audit", "deviations"} <= set(a.tables)
    assert "value-curve" in " ".join(a.figures) or a.figures
    # The bundled scenario has a random event: a history row per party, unless told not to.
    assert set(a.audit["deviations"].dropna()) == {"time", "history"}
    plain = impasse.audit(BUNDLED, grid=20, history=False, rounds=2_000, seed=4, quiet=True,
                          report=False)
    assert set(plain.audit["deviations"].dropna()) == {"time"}
    # Iran's type is private: a row per type at the quantiles (k - 0.5)/K, as many as asked.
    typed = impasse.audit(BUNDLED, grid=20, types=2, history=False, rounds=1_000, seed=4,
                          quiet=True, report=False)
    iran = typed.audit[typed.audit["party"] == "iran"]
    assert sorted(iran["type_quantile"].dropna()) == [0.25, 0.75]
    p5 = typed.audit[typed.audit["party"] == "p5plus1"]
    assert p5["type_quantile"].isna().all()


def test_check_and_strategies_print_what_the_cli_prints():
    assert impasse.check(BUNDLED) == cli("check", BUNDLED)
    assert impasse.check(BUNDLED, set={"deadline.at": 30}) == cli(
        "check", BUNDLED, "--set", "deadline.at=30"
    )
    assert impasse.strategies() == cli("strategies")
    assert "equilibrium" in impasse.strategies()


# ---------------------------------------------------------------------------------------------
# Scenarios as paths, TOML strings and dicts


def test_a_dict_and_a_toml_string_give_what_the_file_gives():
    text = (SCENARIOS / "brinkmanship.toml").read_text()
    as_dict = tomllib.loads(text)
    from_file = impasse.run(SCENARIOS / "brinkmanship.toml", rounds=20_000, seed=9, quiet=True)
    from_text = impasse.run(text, rounds=20_000, seed=9, quiet=True)
    from_dict = impasse.run(as_dict, rounds=20_000, seed=9, quiet=True)
    for other in (from_text, from_dict):
        for name in from_file.tables:
            pd.testing.assert_frame_equal(other.table(name), from_file.table(name),
                                          check_exact=True)


def test_set_overrides_as_the_cli_does(tmp_path):
    r = impasse.run(BUNDLED, rounds=10_000, seed=1, quiet=True,
                    set={"parties.iran.pressure.growth": 0.02, "deadline.at": 30})
    cli("run", BUNDLED, "-n", 10_000, "--seed", 1, "-q", "-o", tmp_path / "cli",
        "--set", "parties.iran.pressure.growth=0.02", "--set", "deadline.at=30")
    assert_tables_equal(r, tmp_path / "cli")


# ---------------------------------------------------------------------------------------------
# Bad input


def test_a_bad_scenario_raises_with_the_pointed_message():
    text = BUNDLED.read_text().replace("[parties.iran]", "[parties.iran]\nstakee = 1", 1)
    with pytest.raises(impasse.ScenarioError) as e:
        impasse.run(text, rounds=1_000, quiet=True)
    message = str(e.value)
    assert "stakee" in message and "line" in message, message
    assert isinstance(e.value, ValueError)
    with pytest.raises(impasse.ScenarioError, match="stakee"):
        impasse.check(text)


def test_bad_arguments_raise_usage_errors():
    with pytest.raises(impasse.ScenarioError, match="no_such"):
        impasse.run(BUNDLED, set={"parties.no_such.stake": 1}, quiet=True)
    with pytest.raises(impasse.UsageError, match="rounds"):
        impasse.run(BUNDLED, rounds=0, quiet=True)
    with pytest.raises(impasse.UsageError, match="design"):
        impasse.sweep(BUNDLED, vary={"deadline.at": (1, 2)}, design="nonsense", quiet=True)
    with pytest.raises(impasse.UsageError):
        impasse.discover(Path("/no/such/sweep"), where="time_mean > 1")
    with pytest.raises(impasse.ImpasseError):
        impasse.run(Path("/no/such/file.toml"), quiet=True)
    with pytest.raises(TypeError):
        impasse.run(42)


def test_a_missing_table_or_figure_says_what_there_is():
    r = impasse.run(BUNDLED, rounds=1_000, quiet=True)
    with pytest.raises(AttributeError, match="summary"):
        r.no_such_table
    with pytest.raises(KeyError, match="survival"):
        r.figure("no-such-figure")


def test_no_temporary_directory_is_left_by_a_failure(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(impasse.ScenarioError):
        impasse.run("[parties.a]\nstake = -1\n", quiet=True)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# In a notebook: progress, the GIL, Ctrl-C


def test_progress_is_reported_until_the_end(monkeypatch):
    seen = []

    class Recorder:
        def __init__(self, desc):
            pass

        def __call__(self, done, total, unit):
            seen.append((done, total, unit))

        def close(self):
            pass

    monkeypatch.setattr(impasse._api, "_Progress", Recorder)
    impasse.run(BUNDLED, rounds=200_000, seed=1, set={"deadline.at": 40,
                "parties.iran.strategy": "never"}, report=False)
    assert seen, "no progress reported"
    assert seen[-1] == (200_000, 200_000, "rounds")
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))


def long_run_settings():
    """A run long enough to be interrupted: every round waits to the deadline."""
    return dict(set={"parties.iran.strategy": "never", "parties.p5plus1.strategy": "never"},
                report=False, quiet=True, threads=1)


def test_another_python_thread_runs_while_rounds_run():
    ticks = 0
    running = True

    def count():
        nonlocal ticks
        while running:
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    started = time.perf_counter()
    impasse.run(BUNDLED, rounds=3_000_000, **long_run_settings())
    elapsed = time.perf_counter() - started
    running = False
    t.join()
    # With the GIL held for the whole run, the counter would not move at all.
    assert elapsed > 0.2, f"the run took {elapsed:.2f} s: too short to tell"
    assert ticks > 50, f"{ticks} ticks in {elapsed:.2f} s"


def interrupted(tmp_path, monkeypatch, command):
    """Run ``command()`` with Ctrl-C pressed 0.5 s in: KeyboardInterrupt, within 5 s (a run that
    takes hours stops at its next batch of 16,384 rounds), and no temporary folder left."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    threading.Timer(0.5, _thread.interrupt_main).start()
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        command()
    waited = time.perf_counter() - started
    assert waited < 5, f"KeyboardInterrupt after {waited:.1f} s"
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_raises_keyboard_interrupt_promptly_and_leaves_nothing(tmp_path, monkeypatch):
    interrupted(tmp_path, monkeypatch,
                lambda: impasse.run(BUNDLED, rounds=10**11, **long_run_settings()))
    # The extension is usable afterwards.
    assert impasse.run(BUNDLED, rounds=1_000, quiet=True).summary is not None


def test_ctrl_c_stops_a_sweep_too(tmp_path, monkeypatch):
    interrupted(tmp_path, monkeypatch,
                lambda: impasse.sweep(BUNDLED, vary={"deadline.at": "10:30:5"}, rounds=10**10,
                                      **long_run_settings()))
