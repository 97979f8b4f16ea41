"""Lenient platform imports (issue 18, item 1): realistic exports with one broken record
each.  The rest is imported in one transaction, every left-out record is listed with
its place and reason, nothing else is lost; ``--strict`` refuses with the same list and
writes nothing.  Hand-made workbooks and CSV folders stay strict unless ``--lenient``."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from verkostolab import Store
from verkostolab.errors import InputError
from verkostolab.ingest import import_files
from verkostolab.io import read_validated

from support.files import write_csv_folder

DATA = Path(__file__).resolve().parents[1] / "data"


def cli(*args):
    env = {k: v for k, v in os.environ.items() if k != "VERKOSTOLAB_STORE"}
    return subprocess.run([sys.executable, "-m", "verkostolab", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=180)


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(text)


def strict_refuses_and_writes_nothing(path, dropped, tmp_path, **kwargs):
    """--strict: the same records are the problems, and the store stays as it was."""
    store = Store(tmp_path / "strict.sqlite")
    with pytest.raises(InputError) as info:
        import_files(store, path, lenient=False, **kwargs)
    assert sorted((p.file, p.row, p.column) for p in info.value.problems) == \
        sorted((p.file, p.row, p.column) for p in dropped)
    assert not store.exists() or sum(store.counts().values()) == 0


# --------------------------------------------------------------------------- Slack

def slack_export(tmp_path) -> tuple[Path, Path]:
    export = tmp_path / "slack"
    shutil.copytree(DATA / "slack" / "export", export)
    day = export / "kiertotalous" / "2024-04-02.json"
    messages = json.loads(day.read_text(encoding="utf-8"))
    messages.append({"type": "message", "text": "Kuka minä olen?", "user": "U0NOBODY99",
                     "ts": "1712056000.000500"})
    messages.append({"type": "message", "text": "Ei aikaleimaa", "user": "U01AAAA03"})
    day.write_text(json.dumps(messages, indent=4, ensure_ascii=False), encoding="utf-8")
    return export, day


def test_slack_unknown_user_and_missing_timestamp_are_left_out_and_listed(tmp_path):
    clean = read_validated(DATA / "slack" / "export").data
    export, day = slack_export(tmp_path)
    store = Store(tmp_path / "v.sqlite")
    report = import_files(store, export)
    assert len(report.dropped) == 2
    where = {(p.file, p.column, p.code) for p in report.dropped}
    assert where == {(str(day), "user", "slack_unknown_user"), (str(day), "ts", "slack_malformed")}
    assert all(p.row is not None for p in report.dropped)
    # nothing else lost: the same tables as the unbroken export
    stored = store.load()
    for table in ("actors", "events", "participation", "ties"):
        assert len(stored.table(table)) == len(clean.table(table)), table
    text = report.render("fi")
    assert "2 tietuetta" in text and "U0NOBODY99" in text and str(day) in text
    assert "2 records" in report.render("en")
    as_json = report.to_dict()
    assert as_json["dropped_count"] == 2
    assert {d["column"] for d in as_json["dropped"]} == {"user", "ts"}
    assert all(d["message_fi"] and d["message_en"] and d["file"] == str(day) for d in as_json["dropped"])
    strict_refuses_and_writes_nothing(export, report.dropped, tmp_path)


# --------------------------------------------------------------------------- GEXF

def test_gexf_edge_to_a_missing_node_is_left_out(tmp_path):
    original = DATA / "graphfile" / "gephi-verkosto-13.gexf"
    clean = read_validated(original).data
    text = original.read_text(encoding="utf-8")
    first_edge = next(line for line in text.splitlines() if "<edge " in line)
    source = first_edge.split('source="')[1].split('"')[0]
    broken_edge = first_edge.replace(f'source="{source}"', 'source="ei-ole"')
    path = tmp_path / "verkosto.gexf"
    path.write_text(text.replace(first_edge, broken_edge, 1), encoding="utf-8")
    store = Store(tmp_path / "v.sqlite")
    report = import_files(store, path)
    [dropped] = report.dropped
    assert (dropped.file, dropped.row, dropped.column, dropped.value) == \
        (str(path), line_of(path, broken_edge.strip()), "source", "ei-ole")
    stored = store.load()
    assert len(stored.actors) == len(clean.actors)
    assert len(stored.ties) == len(clean.ties) - 1
    strict_refuses_and_writes_nothing(path, report.dropped, tmp_path)


# --------------------------------------------------------------------------- Kumu

def kumu_xlsx(path: Path, broken: bool) -> Path:
    book = openpyxl.Workbook()
    elements = book.active
    elements.title = "Elements"
    for row in [["Label", "Type", "Organisation"], ["Anna Åberg", "Person", "Hubi ry"],
                ["Pekka Mäkelä", "Person", "Kasvu Oy"], ["Åsa Ekström", "Person", "Järvilaakso"]]:
        elements.append(row)
    connections = book.create_sheet("Connections")
    for row in [["From", "To", "Type"], ["Anna Åberg", "Pekka Mäkelä", "met"],
                ["" if broken else "Åsa Ekström", "Anna Åberg", "met"],
                ["Pekka Mäkelä", "Åsa Ekström", "met"]]:
        connections.append(row)
    book.save(path)
    return path


def test_kumu_connection_without_from_is_left_out(tmp_path):
    clean = read_validated(kumu_xlsx(tmp_path / "ok.xlsx", False)).data
    path = kumu_xlsx(tmp_path / "kartta.xlsx", True)
    store = Store(tmp_path / "v.sqlite")
    report = import_files(store, path)
    [dropped] = report.dropped
    assert (dropped.file, dropped.sheet, dropped.row, dropped.column) == \
        (str(path), "Connections", 3, "From")
    stored = store.load()
    assert len(stored.actors) == len(clean.actors) == 3
    assert len(stored.ties) == len(clean.ties) - 1 == 2
    strict_refuses_and_writes_nothing(path, report.dropped, tmp_path)


# --------------------------------------------------------------------------- Forms

FORM = [
    ["Timestamp", "Email Address", "Your name", "How well do you know [Anna Åberg]",
     "How well do you know [Pekka Mäkelä]", "Whom do you work with? "],
    ["2024/03/14 9:00:12 AM EET", "asa.ekstrom@jarvilaakso.fi", "Åsa Ekström", "4", "2",
     "Anna Åberg"],
    ["2024/03/14 9:05:40 AM EET", "pekka.makela@kasvu.fi", "Pekka Mäkelä", "3", "", "Anna Åberg"],
    ["2024/03/14 10:12:03 AM EET", "anna.aberg@hubi.fi", "Anna Åberg", "", "5", "Pekka Mäkelä"],
]


def form_csv(path: Path, rows) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def test_forms_response_with_an_impossible_time_is_left_out(tmp_path):
    clean = read_validated(form_csv(tmp_path / "ok.csv", FORM)).data
    rows = [list(r) for r in FORM]
    rows[2][0] = "2024/02/30 25:61:00 AM EET"
    path = form_csv(tmp_path / "kysely.csv", rows)
    store = Store(tmp_path / "v.sqlite")
    report = import_files(store, path)
    [dropped] = report.dropped
    assert (dropped.file, dropped.row, dropped.column) == (str(path), 3, "Timestamp")
    stored = store.load()
    assert len(stored.actors) == len(clean.actors)
    pekka = clean.ties["source"].map(dict(zip(clean.actors["actor_id"], clean.actors["name"])))
    assert len(stored.ties) == len(clean.ties) - int((pekka == "Pekka Mäkelä").sum())
    assert (pekka == "Pekka Mäkelä").sum() >= 1  # his answers were in the unbroken file
    names = dict(zip(stored.actors["actor_id"], stored.actors["name"]))
    assert "Pekka Mäkelä" not in set(stored.ties["source"].map(names))  # and are left out
    strict_refuses_and_writes_nothing(path, report.dropped, tmp_path)


# --------------------------------------------------------------------------- Teams

TEAMS = [
    "1. Summary",
    "Meeting title\tOhjausryhmä",
    "Start time\t3/14/24, 9:00:12 AM",
    "End time\t3/14/24, 11:02:40 AM",
    "",
    "2. Participants",
    "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole",
    "Åsa Ekström\t3/14/24, 8:58:40 AM\t3/14/24, 11:02:40 AM\t2h 4m\tasa.ekstrom@jarvilaakso.fi\tasa.ekstrom@jarvilaakso.fi\tOrganizer",
    "Anna Åberg\t3/14/24, 9:02:00 AM\t3/14/24, 11:00:00 AM\t1h 58m\tanna.aberg@hubi.fi\tanna.aberg@hubi.fi\tAttendee",
    "Pekka Mäkelä\t3/14/24, 9:05:00 AM\t3/14/24, 10:00:00 AM\t55m\tpekka.makela@kasvu.fi\tpekka.makela@kasvu.fi\tAttendee",
]


def teams_csv(path: Path, lines) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    return path


def test_teams_row_cut_short_is_left_out(tmp_path):
    lines = list(TEAMS)
    lines[-1] = "Pekka Mäkelä\t3/14/24, 9:0"  # the file was cut in the middle of a row
    path = teams_csv(tmp_path / "meetingAttendanceReport(Ohjausryhmä).csv", lines)
    store = Store(tmp_path / "v.sqlite")
    report = import_files(store, path)
    [dropped] = report.dropped
    assert (dropped.file, dropped.row) == (str(path), 10)
    stored = store.load()
    assert sorted(stored.actors["name"]) == ["Anna Åberg", "Åsa Ekström"]
    assert len(stored.events) == 1 and len(stored.participation) == 2
    strict_refuses_and_writes_nothing(path, report.dropped, tmp_path)


# --------------------------------------------------------------------------- workbooks, CLI

TABLES = {
    "toimijat": [["toimija_id", "nimi"], ["P1", "Anna"], ["P2", "Pekka"], ["P3", "Åsa"]],
    "suhteet": [["lähde", "kohde", "tunteminen"], ["P1", "P2", "4"], ["P2", "P77", "3"],
                ["P1", "P3", "9"], ["P2", "P3", "2"]],
}


def test_hand_made_csv_is_strict_by_default_and_lenient_on_request(tmp_path):
    folder = write_csv_folder(tmp_path / "taulukot", TABLES)
    store = Store(tmp_path / "v.sqlite")
    with pytest.raises(InputError) as info:
        import_files(store, folder)
    assert len(info.value.problems) == 2 and not store.exists()
    report = import_files(store, folder, lenient=True)
    assert sorted((p.row, p.column) for p in report.dropped) == [(3, "kohde"), (4, "tunteminen")]
    assert len(store.load().ties) == 2 and len(store.load().actors) == 3


def test_cli_import_and_check_list_the_left_out_records(tmp_path):
    export, day = slack_export(tmp_path)
    checked = cli("check", export, "--json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["dropped_count"] == 2
    text = cli("--lang", "en", "check", export)
    assert text.returncode == 0 and "2 records" in text.stdout and "U0NOBODY99" in text.stdout
    store = tmp_path / "v.sqlite"
    assert not store.exists()  # check writes nothing
    strict = cli("import", export, "--store", store, "--no-merge", "--strict")
    assert strict.returncode == 1 and "U0NOBODY99" in strict.stderr
    assert not store.exists() or sum(Store(store).counts().values()) == 0
    done = cli("import", export, "--store", store, "--no-merge", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["dropped_count"] == 2 and {d["file"] for d in out["dropped"]} == {str(day)}
    assert out["new"]["ties"] > 0
    folder = write_csv_folder(tmp_path / "taulukot", TABLES)
    refused = cli("import", folder, "--store", tmp_path / "w.sqlite", "--no-merge")
    assert refused.returncode == 1
    lenient = cli("import", folder, "--store", tmp_path / "w.sqlite", "--no-merge", "--lenient")
    assert lenient.returncode == 0 and "P77" in lenient.stdout
