"""Identity resolution on import: nobody is merged silently, a reviewed report merges."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest

from verkostolab import Store
from verkostolab.ingest import import_files, propose_merges
from verkostolab.errors import StoreError


def cli(*args, cwd):
    import os

    env = dict(os.environ)
    env.pop("VERKOSTOLAB_STORE", None)
    return subprocess.run([sys.executable, "-m", "verkostolab", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture
def two_meetings(tmp_path):
    (tmp_path / "kokous1.csv").write_text(
        "event,actor\nK1,Äijälä Sanna\nK1,Pekka Mäkelä\nK1,Åsa Ek\n", encoding="utf-8")
    (tmp_path / "kokous2.csv").write_text(
        "event,actor\nK2,Sanna Äijälä (Guest)\nK2,Pekka Mäkelä\n", encoding="utf-8")
    return tmp_path


def test_a_proposal_stops_the_import_until_someone_decides(two_meetings):
    out = cli("import", "kokous1.csv", "kokous2.csv", "--store", "s.sqlite", "--lang", "en",
              cwd=two_meetings)
    assert out.returncode == 2, out.stderr
    assert "Sanna Äijälä (Guest)" in out.stdout and "--merges kokous1.merges.xlsx" in out.stdout
    assert not (two_meetings / "s.sqlite").exists()  # nothing written
    assert (two_meetings / "kokous1.merges.xlsx").exists()

    out = cli("import", "kokous1.csv", "kokous2.csv", "--store", "s.sqlite", "--lang", "en",
              "--merges", "kokous1.merges.xlsx", cwd=two_meetings)
    assert out.returncode == 0, out.stderr
    assert "1 actor(s) merged into another id" in out.stdout
    data = Store(two_meetings / "s.sqlite").load()
    assert sorted(data.actors["actor_id"]) == ["Pekka Mäkelä", "Äijälä Sanna", "Åsa Ek"]
    assert sorted(data.participation.query("actor_id == 'Äijälä Sanna'")["event_id"]) == ["K1", "K2"]


def test_a_declined_merge_keeps_both_and_no_merge_imports_as_is(two_meetings):
    assert cli("import", "kokous1.csv", "kokous2.csv", "--store", "s.sqlite",
               cwd=two_meetings).returncode == 2
    report = two_meetings / "kokous1.yhdistettavat.xlsx"  # Finnish by default
    wb = openpyxl.load_workbook(report)
    ws = wb.active
    header = [c.value for c in ws[1]]
    merge_col = header.index("yhdistetään") + 1
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=merge_col, value="ei")
    wb.save(report)
    out = cli("import", "kokous1.csv", "kokous2.csv", "--store", "s.sqlite", "--merges", report.name,
              cwd=two_meetings)
    assert out.returncode == 0, out.stderr
    assert Store(two_meetings / "s.sqlite").counts()["actors"] == 4

    out = cli("import", "kokous1.csv", "kokous2.csv", "--store", "t.sqlite", "--no-merge",
              cwd=two_meetings)
    assert out.returncode == 0, out.stderr
    assert Store(two_meetings / "t.sqlite").counts()["actors"] == 4


def test_a_newcomer_merges_into_a_stored_actor_and_fills_their_e_mail(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    (tmp_path / "toimijat.csv").write_text("actor_id,name\nP1,Sanna Äijälä\nP2,Åsa Ek\n",
                                           encoding="utf-8")
    import_files(store, tmp_path / "toimijat.csv")
    new = tmp_path / "uudet"
    new.mkdir()
    (new / "toimijat.csv").write_text(
        "actor_id,name,email\nsanna@jarvi.fi,Äijälä Sanna (Vieras),sanna@jarvi.fi\n", encoding="utf-8")
    (new / "osallistuminen.csv").write_text("event_id,actor_id\nK9,sanna@jarvi.fi\n", encoding="utf-8")
    (new / "tapahtumat.csv").write_text("event_id,title\nK9,Työpaja\n", encoding="utf-8")
    files = [new]
    proposal = propose_merges(store, files, lang="en")
    assert proposal.groups == 1
    assert set(proposal.frame["keep_id"]) == {"P1"}  # the stored id is kept
    report = proposal.write(tmp_path / "merges.csv", lang="en")
    before = store.counts()
    result = import_files(store, files, merges=report)
    assert dict(result.merged)["actors_merged"] == 1
    data = store.load()
    assert store.counts()["actors"] == before["actors"]
    assert data.actors.set_index("actor_id").loc["P1", "email"] == "sanna@jarvi.fi"
    assert data.participation["actor_id"].tolist() == ["P1"]


def test_merging_two_stored_actors_is_refused_and_writes_nothing(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    (tmp_path / "toimijat.csv").write_text(
        "actor_id,name,email\nA,Sanna Äijälä,\nB,S. Äijälä,sanna@jarvi.fi\n", encoding="utf-8")
    import_files(store, tmp_path / "toimijat.csv")
    new = tmp_path / "uudet"
    new.mkdir()
    (new / "toimijat.csv").write_text(
        "actor_id,name,email\nC,Sanna Äijälä (Guest),sanna@jarvi.fi\n", encoding="utf-8")
    proposal = propose_merges(store, new)
    assert set(proposal.frame["actor_id"]) == {"A", "B", "C"}
    report = proposal.write(tmp_path / "merges.xlsx")
    before = (tmp_path / "s.sqlite").read_bytes()
    with pytest.raises(StoreError) as exc:
        import_files(store, new, merges=report)
    assert "A → " in exc.value.render("en") or "B → " in exc.value.render("en")
    assert (tmp_path / "s.sqlite").read_bytes() == before
