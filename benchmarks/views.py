"""Drawing speed of the network picture, against plain Bokeh on the same data.

    python benchmarks/views.py            # sample network and a 2,000-node network
    python benchmarks/views.py --quick    # fewer repeats

Prints, side by side in one run: the time to draw the picture with verkostolab
(layout + measures + figure + HTML), the same steps split up, and a baseline that draws
the same nodes and ties with plain Bokeh from a precomputed layout (scatter + multi_line +
HTML).  Targets (issue 5): the sample well under a second; a 2,000-node network usable
(drawn in a few seconds, HTML small enough to open).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from bokeh.embed import file_html  # noqa: E402
from bokeh.plotting import figure  # noqa: E402
from bokeh.resources import INLINE  # noqa: E402

from verkostolab.graphs import build_graph  # noqa: E402
from verkostolab.tables.data import NetworkData  # noqa: E402
from verkostolab.datasets import generate_sample, synthetic_participation  # noqa: E402
from verkostolab.viz import layout_positions, network_picture  # noqa: E402
from verkostolab.viz.export import figure_html  # noqa: E402


def synthetic_network(n_people: int, seed: int = 3) -> NetworkData:
    part = synthetic_participation(n_people * 8, n_actors=n_people, n_events=n_people * 2, seed=seed)
    sectors = np.array(["private", "public", "third_sector", "research", "education", "politics"])
    orgs = pd.DataFrame({"organisation_id": [f"O{i}" for i in range(60)], "name": [f"Org {i}" for i in range(60)],
                         "sector": sectors[np.arange(60) % 6], "kind": "company"})
    ids = sorted(part["actor_id"].unique())
    actors = pd.DataFrame({"actor_id": ids, "name": ids, "organisation_id": [f"O{i % 60}" for i in range(len(ids))]})
    events = pd.DataFrame({"event_id": sorted(part["event_id"].unique()), "kind": "meeting"})
    return NetworkData(organisations=orgs, actors=actors, events=events, participation=part)


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def baseline(graph, positions):
    names = np.asarray(graph.vs["name"], dtype=object)
    edges = np.asarray(graph.get_edgelist())
    fig = figure(width=900, height=700)
    xs = positions.loc[names, "x"].to_numpy()
    ys = positions.loc[names, "y"].to_numpy()
    fig.segment(xs[edges[:, 0]], ys[edges[:, 0]], xs[edges[:, 1]], ys[edges[:, 1]])
    fig.scatter(xs, ys, size=10)
    return file_html(fig, INLINE)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    repeats = 2 if args.quick else 5
    rows = []
    for label, data in [("sample (60 people)", generate_sample()), ("synthetic (2,000 people)", synthetic_network(2000))]:
        graph = build_graph(data)
        t_layout, positions = timed(lambda: layout_positions(graph), repeats)
        t_base, _ = timed(lambda: baseline(graph, positions), repeats)
        t_pic, pic = timed(lambda: network_picture(data, positions=positions), repeats)
        t_html, html = timed(lambda: figure_html(network_picture(data, positions=positions).figure), repeats)
        t_full, _ = timed(lambda: figure_html(network_picture(data).figure), max(1, repeats // 2))
        rows.append({"network": label, "nodes": graph.vcount(), "ties": graph.ecount(),
                     "layout s": t_layout, "picture s": t_pic, "picture+html s": t_html,
                     "all (layout+picture+html) s": t_full, "baseline bokeh s": t_base,
                     "ratio vs baseline": t_html / t_base, "html MB": len(html) / 1e6})
    table = pd.DataFrame(rows).set_index("network")
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.2f}".format):
        print(table)
    sample = table.iloc[0]
    print(f"\nsample drawn (layout+picture+html) in {sample['all (layout+picture+html) s']:.2f} s: "
          f"{'PASS' if sample['all (layout+picture+html) s'] < 1.0 else 'MISS'} (target < 1 s)")
    big = table.iloc[1]
    print(f"2,000 people drawn in {big['all (layout+picture+html) s']:.2f} s, HTML {big['html MB']:.1f} MB: "
          f"{'PASS' if big['all (layout+picture+html) s'] < 15 else 'MISS'} (target: usable, < 15 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
