"""Start-up time of the command line, against a Python that only imports click.

    python benchmarks/cli_startup.py              # 15 rounds
    python benchmarks/cli_startup.py --quick      # 5 rounds
    python benchmarks/cli_startup.py --importtime # also: where `verkostolab info` spends its imports
    python benchmarks/cli_startup.py --compare ../other-checkout   # also that checkout's commands
    python benchmarks/cli_startup.py --where      # also: the steps of `info` timed in one process

Every measurement is a fresh process (`python -m verkostolab ...`, with this checkout
first on `PYTHONPATH`), timed from start to exit with its output thrown away.  The
candidates run side by side: one round runs each of them once, in an order rotated
every round so that a busy neighbour hurts all alike; the table shows the median of
the rounds and the ratio to the baseline, `python -c "import click"` (the least any
click command line can cost).  `python -c "import pandas"` is shown too, as the floor
of any command that reads data into tables.

Targets (issue 13): `verkostolab --help` ≤ 0.3 s, `verkostolab info` (the bundled
sample network) ≤ 1 s on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

#: label -> command line; the first is the baseline.
CANDIDATES = {
    'python -c "import click"': [PY, "-c", "import click"],
    "verkostolab --help": [PY, "-m", "verkostolab", "--help"],
    "verkostolab info": [PY, "-m", "verkostolab", "info"],
    "verkostolab info --json": [PY, "-m", "verkostolab", "info", "--json"],
    'python -c "import pandas" (floor of info)': [PY, "-c", "import pandas"],
}

#: label -> target in seconds.
TARGETS = {"verkostolab --help": 0.3, "verkostolab info": 1.0, "verkostolab info --json": 1.0}


#: Modules named in the import table wherever they are first imported.
HEAVY = ("pandas", "numpy", "openpyxl", "igraph", "bokeh", "sqlalchemy", "networkx", "scipy")


def _env(root: Path = ROOT) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("VERKOSTOLAB_STORE", None)
    env.pop("VERKOSTOLAB_LANG", None)
    return env


def run_once(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=env["PYTHONPATH"].split(os.pathsep)[0], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def measure(rounds: int, compare: Path | None = None) -> dict[str, list[float]]:
    runs = {label: (cmd, _env()) for label, cmd in CANDIDATES.items()}
    if compare is not None:
        for label in TARGETS:
            runs[f"{label} [{compare.name}]"] = (CANDIDATES[label], _env(compare))
    labels = list(runs)
    for label in labels:  # warm the file cache and the bytecode; not counted
        run_once(*runs[label])
    times: dict[str, list[float]] = {label: [] for label in labels}
    for r in range(rounds):
        order = labels[r % len(labels):] + labels[:r % len(labels)]
        for label in order:
            times[label].append(run_once(*runs[label]))
    return times


def importtime(top: int = 15) -> list[tuple[float, str]]:
    """The modules with the largest cumulative import time in one `verkostolab info`: the
    top-level imports and the heavy libraries (:data:`HEAVY`) wherever they come in."""
    cmd = [PY, "-X", "importtime", "-m", "verkostolab", "info"]
    done = subprocess.run(cmd, env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, check=True)
    rows, seen = [], set()
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        top_level = not name[1:].startswith(" ")  # nested imports are indented
        name = name.strip()
        if (top_level or name in HEAVY) and name not in seen:
            seen.add(name)
            rows.append((int(cumulative) / 1e6, name))
    return sorted(rows, reverse=True)[:top]


#: The steps of ``verkostolab info`` on the sample, each timed in one child process (the
#: imports in the order the command makes them), and after them the steps the sample's
#: workbook would add (recognising its format, openpyxl, reading it).
_WHERE = r"""
import time
T = time.perf_counter
marks = [T()]
import click; marks.append(T())
import verkostolab.cli; marks.append(T())
import pandas; marks.append(T())
from verkostolab import sources, io
from verkostolab.datasets import sample_folder, sample_path
from verkostolab.tables.validation import validate; marks.append(T())
raws = io.read_raw(sample_folder(), format="csv"); marks.append(T())
data = validate(raws, source="sample").data; marks.append(T())
data.summary(); marks.append(T())
import openpyxl; marks.append(T())
io.detect_format(sample_path()); marks.append(T())
io.read_raw(sample_path(), format="workbook"); marks.append(T())
print(*(b - a for a, b in zip(marks, marks[1:])))
"""
WHERE_STEPS = ["import click", "import verkostolab.cli (catalogue, every command)",
               "import pandas (and numpy)", "import verkostolab's readers and validation",
               "read the sample's CSV copy", "validate the tables", "summary",
               "(workbook) import openpyxl", "(workbook) recognise its format: the sniffers",
               "(workbook) read the sample workbook"]


def where(rounds: int) -> list[tuple[str, float]]:
    """Median seconds of each step of :data:`_WHERE` over ``rounds`` child processes."""
    runs = []
    for _ in range(rounds):
        out = subprocess.run([PY, "-c", _WHERE], env=_env(), cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
        runs.append([float(x) for x in out.split()])
    return [(name, statistics.median(r[i] for r in runs)) for i, name in enumerate(WHERE_STEPS)]


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 15")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--importtime", action="store_true",
                        help="also list the slowest top-level imports of `verkostolab info`")
    parser.add_argument("--where", action="store_true",
                        help="also time the steps of `verkostolab info` in one process")
    parser.add_argument("--compare", type=Path, default=None, metavar="CHECKOUT",
                        help="also run the targeted commands from another checkout (e.g. before a change)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (5 if args.quick else 15)
    load_before = _load()
    times = measure(rounds, args.compare)
    load_after = _load()
    base_label = next(iter(CANDIDATES))
    base = statistics.median(times[base_label])
    print(f"### verkostolab command-line start-up (median of {rounds} rounds, fresh process each)\n")
    print(f"Python {sys.version.split()[0]}, nproc {os.cpu_count()}, "
          f"load average {load_before} at the start, {load_after} at the end.\n")
    print("| command | median s | min s | max s | × baseline | target | met |")
    print("|---|---|---|---|---|---|---|")
    failed = []
    for label, values in times.items():
        med = statistics.median(values)
        target = TARGETS.get(label.split(" [")[0])
        met = "" if target is None else ("yes" if med <= target else "NO")
        if met == "NO" and " [" not in label:  # a compared checkout's figures only inform
            failed.append(label)
        print(f"| `{label}` | {med:.3f} | {min(values):.3f} | {max(values):.3f} | {med / base:.1f}× | "
              f"{'' if target is None else f'≤ {target:g} s'} | {met} |")
    if args.importtime:
        print("\n#### Slowest top-level imports of `verkostolab info` (one run, -X importtime, cumulative)\n")
        print("| module | s |")
        print("|---|---|")
        for seconds, name in importtime():
            if seconds < 0.001:
                break
            print(f"| `{name}` | {seconds:.3f} |")
    if args.where:
        print(f"\n#### The steps of `verkostolab info` on the sample (median of {rounds} child processes)\n")
        print("| step | s |")
        print("|---|---|")
        for name, seconds in where(rounds):
            print(f"| {name} | {seconds:.3f} |")
    if failed:
        print(f"\nTargets not met: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
