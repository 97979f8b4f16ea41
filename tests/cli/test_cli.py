"""The command line as a person uses it: real processes, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from verkostolab import Store, read

from support.files import write_csv_folder


def run(*args, cwd=None, env_lang=None):
    import os

    env = dict(os.environ)
    env.pop("VERKOSTOLAB_STORE", None)
    if env_lang:
        env["VERKOSTOLAB_LANG"] = env_lang
    return subprocess.run([sys.executable, "-m", "verkostolab", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_info_describes_the_sample_network_in_finnish_and_english():
    fi = run("info")
    assert fi.returncode == 0, fi.stderr
    assert "esimerkkiverkosto" in fi.stdout and "toimijat" in fi.stdout and "Sektorit" in fi.stdout
    en = run("--lang", "en", "info")
    assert en.returncode == 0, en.stderr
    assert "sample network" in en.stdout and "actors" in en.stdout and "Sectors" in en.stdout
    js = run("info", "--json")
    summary = json.loads(js.stdout)
    assert summary["tables"]["actors"] >= 50
    assert set(summary["sectors"]) >= {"public", "private", "third_sector", "research"}
    assert len(summary["rounds"]) == 2


def test_import_then_info_from_the_store(tmp_path, small_folder):
    db = tmp_path / "w.sqlite"
    out = run("--lang", "en", "import", small_folder, "--store", db)
    assert out.returncode == 0, out.stderr
    assert "actors: 3 new rows" in out.stdout
    info = run("info", "--store", db, "--json")
    assert json.loads(info.stdout)["tables"]["participation"] == 5


def test_import_with_problems_prints_every_one_and_writes_nothing(tmp_path, small_tables):
    small_tables["osallistumiset"].append(["E1", "P77"])
    small_tables["suhteet"].append(["P1", "P3", "tuntee", "6", "", "", "31.2.2024"])
    bad = write_csv_folder(tmp_path / "bad", small_tables)
    db = tmp_path / "w.sqlite"
    out = run("import", bad, "--store", db)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and out.stdout == ""
    assert "osallistumiset.csv, rivi 7, sarake 'toimija_id': 'P77' ei löydy taulukosta toimijat" in out.stderr
    assert "suhteet.csv, rivi 4, sarake 'tunteminen'" in out.stderr
    assert "suhteet.csv, rivi 4, sarake 'päivämäärä'" in out.stderr
    assert "Mitään ei tallennettu" in out.stderr
    assert not db.exists()


def test_missing_file_and_bad_usage_are_messages_not_tracebacks(tmp_path):
    out = run("--lang", "en", "import", tmp_path / "nope.xlsx", "--store", tmp_path / "x.sqlite")
    assert out.returncode == 1 and "No such file or folder" in out.stderr
    assert "Traceback" not in out.stderr
    out = run("info", "--bogus")
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_check_and_template(tmp_path, small_xlsx):
    out = run("check", small_xlsx)
    assert out.returncode == 0 and "ei ongelmia" in out.stdout
    template = tmp_path / "pohja.xlsx"
    out = run("template", "--out", template)
    assert out.returncode == 0, out.stderr
    data = read(template)  # a blank template reads as empty tables, not as an error
    assert data.is_empty()
    import openpyxl

    wb = openpyxl.load_workbook(template)
    assert {"Ohjeet", "toimijat", "suhteet", "tapahtumat"} <= set(wb.sheetnames)
    guide = "\n".join(str(c.value) for row in wb["Ohjeet"].iter_rows() for c in row if c.value)
    assert "Fill in each sheet" in guide and "Täytä jokainen välilehti" in guide


def test_edge_list_and_participation_list_from_the_command_line(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\nA,B\nB,C\n", encoding="utf-8")
    out = run("info", edges, "--json")
    assert json.loads(out.stdout)["tables"]["ties"] == 2


def test_measures_json_has_the_promised_shape():
    out = run("measures", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    network = result["network"]
    for key in ("nodes", "ties", "density", "components", "transitivity", "modularity", "stage"):
        assert key in network
    assert network["nodes"] == len(result["nodes"]) == 60
    assert network["stage"] in {"fragments", "hub_and_spoke", "multi_hub", "core_periphery"}
    node = result["nodes"][0]
    for key in ("id", "name", "degree", "strength", "betweenness", "betweenness_raw", "closeness",
                "eigenvector", "pagerank", "clustering", "constraint", "community"):
        assert key in node


def test_measures_on_an_edge_list_and_a_participation_list(tmp_path):
    import networkx as nx

    edges = tmp_path / "florentine.csv"
    edges.write_text("source,target\n" + "\n".join(f"{a},{b}" for a, b in nx.florentine_families_graph().edges()) + "\n",
                     encoding="utf-8")
    result = json.loads(run("measures", edges, "--json").stdout)
    medici = next(n for n in result["nodes"] if n["id"] == "Medici")
    assert medici["betweenness_raw"] == pytest.approx(47.5) and medici["degree"] == 6
    assert result["network"]["transitivity"] == pytest.approx(0.1915, abs=1e-4)
    part = tmp_path / "attendance.csv"
    part.write_text("event,actor\nE1,A\nE1,B\nE2,B\nE2,C\n", encoding="utf-8")
    result = json.loads(run("measures", part, "--json").stdout)
    assert result["network"]["ties"] == 2


def test_measures_levels_periods_and_readable_output():
    out = run("--lang", "en", "measures", "--level", "organisation", "--period", "2024-09:2024-12")
    assert out.returncode == 0, out.stderr
    assert "Network measures" in out.stdout and "network stage" in out.stdout
    bad = run("measures", "--period", "huhtikuu")
    assert bad.returncode != 0 and "huhtikuu" in bad.stderr and "Traceback" not in bad.stderr


def test_change_between_periods():
    out = run("change", "--before", "2024-09:2024-12", "--after", "2025-01:2025-05", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result["counts"]) >= {"new_ties", "lost_ties", "strengthened_ties", "weakened_ties",
                                     "new_cross_sector_ties", "newcomers", "dropped_out",
                                     "periphery_to_core"}
    assert result["network"]["density"]["change"] == pytest.approx(
        result["network"]["density"]["2025-01:2025-05"] - result["network"]["density"]["2024-09:2024-12"])
    assert set(result["counts"]) == {"new_ties", "continuing_ties", "strengthened_ties",
                                     "weakened_ties", "dormant_ties", "lost_ties",
                                     "new_cross_sector_ties", "newcomers", "dropped_out",
                                     "periphery_to_core"}
    statuses = [d["status"] for d in result["dyads"]]
    assert len(statuses) == sum(result["counts"][f"{s}_ties"] for s in
                                ("new", "continuing", "strengthened", "weakened", "dormant", "lost"))
    dyad = result["dyads"][0]
    assert set(dyad) == {"source", "target", "status", "before", "after"}
    assert all(set(g) >= {"goal_id", "title", "indicator", "measurable", "baseline", "current",
                          "target", "progress"} for g in result["goals"])
    assert all(g["current"] is None for g in result["goals"] if not g["measurable"])
    assert result["periods"] == {"before": "2024-09:2024-12", "after": "2025-01:2025-05",
                                 "chosen_from_data": False}
    text = run("change", "--before", "2024-09:2024-12", "--after", "2025-01:2025-05")
    assert "uusia suhteita" in text.stdout and "lepääviä suhteita" in text.stdout


def test_change_chooses_the_periods_and_stops_on_an_empty_one():
    out = run("--lang", "en", "change")
    assert out.returncode == 0, out.stderr
    assert "Periods chosen from the data: 2024-07:2024-12 and 2025-01:2025-06" in out.stdout
    bad = run("--lang", "en", "change", "--before", "2019-01:2019-06", "--after", "2025-01:2025-05")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert "2019-01:2019-06" in bad.stderr and "2024-09-05" in bad.stderr


def test_tips_and_groups_from_the_command_line():
    out = run("--lang", "en", "tips", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["tips"] and all(tip["evidence"] is not None for tip in result["tips"])
    groups = run("groups", "--size", "3", "--mode", "mixed", "--rounds", "3", "--seed", "1", "--json")
    assert groups.returncode == 0, groups.stderr
    rounds = json.loads(groups.stdout)["rounds"]
    assert len(rounds) == 3
    pairs = [frozenset((a, b)) for rnd in rounds for g in rnd for i, a in enumerate(g) for b in g[i + 1:]]
    assert len(pairs) == len(set(pairs))  # no pair meets twice
    text = run("tips")
    assert "Vinkit" in text.stdout


def test_measures_and_tips_stop_on_an_empty_period():
    for command in ("measures", "tips"):
        bad = run("--lang", "en", command, "--period", "2019-01:2019-06")
        assert bad.returncode == 2 and "Traceback" not in bad.stderr  # a wrong period: usage
        assert "2019-01:2019-06" in bad.stderr and "2024-09-05" in bad.stderr


def test_tips_for_a_period_use_the_latest_round_within_it():
    autumn = json.loads(run("--lang", "en", "tips", "--period", "2024-07:2024-12", "--json").stdout)
    assert autumn["period"] == "2024-07:2024-12"
    assert autumn["assessment"]["round"] == "2024-syksy"
    assert autumn["response"]["respondents"] == 42 and autumn["response"]["actors"] == 60
    assert all("rule" in tip and "evidence" in tip for tip in autumn["tips"])
    spring = json.loads(run("--lang", "en", "tips", "--period", "2025-01:2025-06", "--json").stdout)
    assert spring["assessment"]["round"] == "2025-kevät"
    # The food network met only twice in the spring: no steady cadence there either.
    forums = [t for t in spring["tips"] if t["rule"] == "regular_forums"]
    assert forums and "Ruoka- ja elämysmatkailun teemaverkosto" in forums[0]["evidence"]["networks_without_forum"]


def test_names_of_non_respondents_only_on_request():
    plain = run("--lang", "en", "tips", "--round", "2025-kevät")
    assert plain.returncode == 0, plain.stderr
    assert "Response rate, round 2025-kevät: 36/60 (60%)" in plain.stdout
    assert "Did not answer" not in plain.stdout
    listed = run("--lang", "en", "tips", "--round", "2025-kevät", "--list-non-respondents")
    assert "Did not answer (for the coordinator only" in listed.stdout
    js = json.loads(run("tips", "--json").stdout)
    assert "non_respondents" not in js
    js = json.loads(run("tips", "--json", "--list-non-respondents").stdout)
    assert len(js["non_respondents"]) == 60 - js["response"]["respondents"]


def test_import_format_choices_match_the_readers():
    from verkostolab import cli, io

    assert tuple(cli.IMPORT_FORMATS) == tuple(io.FORMATS)


def test_blank_rows_are_counted_and_shown(tmp_path):
    path = tmp_path / "meetings.csv"
    path.write_text("source,target\nA,B\n\n\nB,C\n\n", encoding="utf-8")
    result = run("check", str(path), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "2 blank row(s) left out" in result.stdout


def test_every_command_is_registered_when_the_package_is_imported():
    from verkostolab.cli import FAMILIES, cli, main

    assert callable(main)
    assert set(cli.commands) == {"import", "check", "info", "template", "export",
                                 "measures", "change", "picture", "tips", "groups",
                                 "forget", "export-person", "report", "workshop", "merge", "clock"}
    # One module per command family, each command in exactly one of them.
    families = {family.__name__.rsplit(".", 1)[-1]: {c.name for c in family.COMMANDS}
                for family in FAMILIES}
    assert families["data"] == {"import", "check", "info", "template", "export", "merge"}
    assert families["analysis"] == {"measures", "change", "picture"}
    assert families["coordination"] == {"clock"}
    assert sum(len(names) for names in families.values()) == len(cli.commands)


def test_the_command_line_imports_no_heavy_library():
    heavy = ('pandas', 'numpy', 'igraph', 'bokeh', 'sqlalchemy', 'openpyxl', 'networkx', 'scipy')
    for module in ("verkostolab.cli", "verkostolab.i18n", "verkostolab.errors"):
        code = (f"import {module}, sys; "
                f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "[]", (module, out.stdout)
    # --help answers without them too (and without the data).
    code = ("import sys; from verkostolab.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit as e:\n    assert not e.code\n"
            f"print(sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "measures" in out.stdout
    assert out.stderr.strip() == "[]"


def test_report_with_a_misspelt_parameter_stops_and_lists_the_valid_names(tmp_path):
    from verkostolab.report import default_report, notebook_parameters

    assert notebook_parameters(default_report()) == ["data_path", "store", "period", "lang",
                                                     "pseudonymise", "seed", "before", "after"]
    out = tmp_path / "r.html"
    bad = run("--lang", "en", "report", "-p", "befor", "2024-09:2024-12", "--out", out)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert "befor" in bad.stderr and "Nothing was run" in bad.stderr
    assert "data_path, store, period, lang, pseudonymise, seed, before, after" in bad.stderr
    assert not out.exists()
    fi = run("report", "-p", "jakso", "x", "--out", out)
    assert fi.returncode != 0 and "jakso" in fi.stderr and "Mitään ei ajettu" in fi.stderr


def test_measures_json_says_how_betweenness_was_estimated(tmp_path):
    import igraph as ig

    g = ig.Graph.Barabasi(5200, 2, start_from=ig.Graph.Ring(3))  # above the exact limit
    edges = tmp_path / "large.csv"
    edges.write_text("source,target\n" + "\n".join(f"p{a},p{b}" for a, b in g.get_edgelist()) + "\n",
                     encoding="utf-8")
    out = run("measures", edges, "--json")
    assert out.returncode == 0, out.stderr
    estimated = json.loads(out.stdout)["network"]["estimated"]
    how = estimated["betweenness"]
    assert how["method"].startswith("pair sampling") and 0 < how["epsilon"] < 0.05
    assert how["delta"] == 0.1 and how["pairs"] >= 1000
    assert "within" in how["meaning"]
    assert estimated["closeness"]["sources"] == 256
    assert estimated["average_path_length"] == {"method": "sampled sources", "sources": 256}
