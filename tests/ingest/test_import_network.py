"""``--network NAME``: imported events whose network is empty get it (Teams, Slack and
any file with events); a network already in the file is kept (issue 18, item 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from verkostolab import Store
from verkostolab.ingest import import_files
from verkostolab.io import read_validated

SLACK = Path(__file__).resolve().parents[1] / "data" / "slack" / "export"

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
]


def teams_file(tmp_path):
    path = tmp_path / "meetingAttendanceReport(Ohjausryhmä).csv"
    path.write_bytes(("\r\n".join(TEAMS) + "\r\n").encode("utf-16"))
    return path


def test_network_is_set_on_every_imported_event_without_one(tmp_path):
    # Slack gives a channel's events the channel as network; the rest (the Teams meeting,
    # direct messages) have none in the export and get the one given.
    without = read_validated([teams_file(tmp_path), SLACK]).data.events.set_index("event_id")
    store = Store(tmp_path / "v.sqlite")
    report = import_files(store, [teams_file(tmp_path), SLACK], network="Kiertotalous")
    assert report.new["events"] >= 2
    events = store.load().events.set_index("event_id")
    assert len(events) == report.new["events"] == len(without)
    empty = without["network"].isna()
    assert empty.sum() >= 2  # the Teams meeting and at least one direct conversation
    assert (events.loc[empty[empty].index, "network"] == "Kiertotalous").all()
    assert (events.loc[empty[~empty].index, "network"] == without.loc[~empty, "network"]).all()
    assert events["network"].notna().all()
    store.close()

    # without the option the events have no network, as before
    plain = read_validated([teams_file(tmp_path)]).data.events
    assert plain["network"].isna().all()


def test_a_network_given_in_the_file_is_kept(tmp_path):
    folder = tmp_path / "taulukot"
    folder.mkdir()
    (folder / "tapahtumat.csv").write_text(
        "tapahtuma_id,pvm,verkosto\nE1,14.3.2024,Hyvinvointi\nE2,15.3.2024,\n", encoding="utf-8")
    events = read_validated([folder], network="Kiertotalous").data.events.set_index("event_id")
    assert events.loc["E1", "network"] == "Hyvinvointi"
    assert events.loc["E2", "network"] == "Kiertotalous"


def test_cli_import_and_check_take_network(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "VERKOSTOLAB_STORE"}
    store = tmp_path / "v.sqlite"
    done = subprocess.run([sys.executable, "-m", "verkostolab", "import", SLACK, "--store", store,
                           "--no-merge", "--network", "Kiertotalous", "--json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["new"]["events"] > 0
    done = subprocess.run([sys.executable, "-m", "verkostolab", "info", "--store", store, "--json"],
                          capture_output=True, text=True, env=env, timeout=120)
    networks = json.loads(done.stdout)["networks"]
    assert networks.get("Kiertotalous", 0) > 0
    assert sum(networks.values()) == Store(store).counts()["events"]
    done = subprocess.run([sys.executable, "-m", "verkostolab", "check", SLACK, "--network", "X"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
