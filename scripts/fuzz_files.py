#!/usr/bin/env python3
"""Fuzz what impasse reads back: result files (`impasse report DIR`), shard parts
(`impasse merge`) and a sweep's kept points (`impasse sweep ... --resume`).

Each case copies a good result, damages one file at random (cut short, a byte flipped, a line
duplicated, dropped or moved, a number replaced by NaN, inf, -1e308, 1e400 or garbage, the
file emptied or replaced by binary) and runs the command that reads it. The command must exit 0
(the damage was harmless or repaired) or 2 (refused, with a message), never anything else,
never print "panicked", and never take longer than 60 s. A refused `report` or `merge` must
leave no report.html or merged files behind. Stronger, where the answer is known: a merge of
parts of which one changed by a byte is refused (every part and point is sealed), and a
resumed sweep shard repairs its points, so that the merge then gives the undamaged bytes.

    python3 scripts/fuzz_files.py --binary target/release/impasse --minutes 30

Prints a line per 100 cases and a summary; exits 1 at the first failure, with the case saved
under fuzz-files-failure/.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

GAME = """
[parties.a]
stake = 1
pressure = { initial = 0.2, growth = 0.05 }
strategy = "equilibrium"
[parties.b]
stake = 1
pressure = 0.3
strategy = "equilibrium"
[breakdown]
hazard = 0.05
[deadline]
at = 8
breakdown_probability = 0.5
[[event]]
name = "shock"
rate = 0.2
max = 1
party = "b"
effects = ["pressure *= 2"]
[simulation]
rounds = 20000
seed = 9
"""

NUMBERS = ["NaN", "nan", "inf", "-inf", "-1e308", "1e400", "1e308", "-0", "x", "", "0x10",
           "18446744073709551616", "-1", "5e-324"]


def run(binary, args, cwd):
    started = time.time()
    try:
        p = subprocess.run([binary] + args, cwd=cwd, capture_output=True, text=True,
                           timeout=60)
    except subprocess.TimeoutExpired:
        return None, "timed out after 60 s", 60.0
    return p.returncode, p.stdout + p.stderr, time.time() - started


def damage(path, rng):
    data = open(path, "rb").read()
    kind = rng.choice(["cut", "flip", "dup", "drop", "move", "number", "empty", "binary"])
    if kind == "cut" and data:
        data = data[: rng.randrange(len(data))]
    elif kind == "flip" and data:
        i = rng.randrange(len(data))
        data = data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]
    elif kind in ("dup", "drop", "move"):
        lines = data.split(b"\n")
        if len(lines) > 2:
            i = rng.randrange(1, len(lines))
            if kind == "dup":
                lines.insert(i, lines[i])
            elif kind == "drop":
                del lines[i]
            else:
                line = lines.pop(i)
                lines.insert(rng.randrange(1, len(lines) + 1), line)
        data = b"\n".join(lines)
    elif kind == "number":
        text = data.decode("utf-8", "replace")
        spots = [i for i, c in enumerate(text) if c.isdigit()]
        if spots:
            i = rng.choice(spots)
            j = i
            while j < len(text) and (text[j].isdigit() or text[j] in ".e-+"):
                j += 1
            text = text[:i] + rng.choice(NUMBERS) + text[j:]
        data = text.encode()
    elif kind == "empty":
        data = b""
    else:
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
    open(path, "wb").write(data)
    return kind


def files_under(d):
    out = []
    for root, _, names in os.walk(d):
        for n in names:
            if n.endswith((".csv", ".json", ".toml")):
                out.append(os.path.join(root, n))
    return sorted(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/impasse")
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    rng = random.Random(a.seed)
    base = tempfile.mkdtemp(prefix="impasse-fuzz-files-")
    game = os.path.join(base, "game.toml")
    open(game, "w").write(GAME)
    sweep = ["sweep", game, "-n", "2000", "--no-report", "--vary",
             "parties.a.pressure=0.1:0.4:6"]
    good = {}
    for name, args in {
        "run": ["run", game, "-q"],
        "sweep": sweep + ["-q"],
        "tournament": ["tournament", game, "-q", "-n", "2000", "--entrants",
                       "a=never,immediate,equilibrium", "--entrants", "b=never,immediate"],
        "audit": ["audit", game, "-q", "-n", "5000", "--grid", "10"],
    }.items():
        d = os.path.join(base, "good-" + name)
        code, out, _ = run(binary, args + ["-o", d], base)
        assert code == 0, out
        good[name] = d
    for name, args in {"run-parts": ["run", game, "-n", "40000"],
                       "sweep-parts": sweep}.items():
        d = os.path.join(base, "good-" + name)
        for i in range(3):
            code, out, _ = run(binary, args + ["-q", "--shard", f"{i}/3", "-o", d], base)
            assert code == 0, out
        good[name] = d
    good_merged = os.path.join(base, "good-merged")
    code, out, _ = run(binary, ["merge", good["sweep-parts"], "-q", "--no-report", "-o",
                                good_merged], base)
    assert code == 0, out
    deadline = time.time() + 60 * a.minutes
    cases, tally = 0, {}
    while time.time() < deadline:
        what = rng.choice(list(good))
        case = os.path.join(base, "case")
        shutil.rmtree(case, ignore_errors=True)
        shutil.copytree(good[what], case)
        target = rng.choice(files_under(case))
        before = open(target, "rb").read()
        kind = damage(target, rng)
        if open(target, "rb").read() == before:
            continue
        out_dir = os.path.join(base, "merged")
        shutil.rmtree(out_dir, ignore_errors=True)
        if what.endswith("-parts") and what.startswith("sweep") and rng.random() < 0.5:
            # The shard whose folder holds the damaged file.
            part = os.path.relpath(target, case).split(os.sep)[0]
            i = part.split("-")[1]
            args = sweep + ["-q", "--shard", f"{i}/3", "--resume", "-o", case]
            command = "resume"
        elif what.endswith("-parts"):
            args = ["merge", case, "-q", "-o", out_dir]
            command = "merge"
        else:
            for f in ("report.html",):
                p = os.path.join(case, f)
                if os.path.exists(p):
                    os.remove(p)
            args = ["report", case]
            command = "report"
        code, out, secs = run(binary, args, base)
        key = (command, code)
        tally[key] = tally.get(key, 0) + 1
        cases += 1
        bad = None
        if code not in (0, 2):
            bad = f"exit code {code}"
        elif "panicked" in out:
            bad = "a panic"
        elif code == 2 and command == "report" and os.path.exists(os.path.join(case, "report.html")):
            bad = "a refused report wrote report.html"
        elif code == 2 and command == "merge" and os.path.exists(out_dir) and os.listdir(out_dir):
            bad = "a refused merge wrote files"
        elif code == 0 and command == "merge":
            bad = "a merge accepted a part or point that had changed"
        elif code == 0 and command == "resume":
            code2, out2, _ = run(binary, ["merge", case, "-q", "--no-report", "-o", out_dir], base)
            want = open(os.path.join(good_merged, "sweep.csv"), "rb").read()
            if code2 != 0:
                bad = f"the merge after a resume failed: {out2}"
            elif open(os.path.join(out_dir, "sweep.csv"), "rb").read() != want:
                bad = "the merge after a resume differs from the undamaged one"
        if bad:
            keep = "fuzz-files-failure"
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(case, keep)
            print(f"FAILURE after {cases} cases: {bad}\n  {what}: {kind} of {target}\n"
                  f"  impasse {' '.join(args)}\n{out}", flush=True)
            sys.exit(1)
        if cases % 100 == 0:
            print(f"{cases} cases, {dict(sorted(tally.items()))}", flush=True)
    print(f"done: {cases} cases in {a.minutes} minutes, no failure; by command and exit code: "
          f"{dict(sorted(tally.items()))}")
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
