"""``forget`` finds a person's name in its variants (issue 16, finding 8): reversed,
decomposed, double-spaced, with initials, in an e-mail and folded into an import source's
name; a one-person organisation named after them goes too; what is left for a person to
check is listed; and the database file keeps none of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata

import pytest

from verkostolab import Store
from verkostolab.ingest import import_files

from support.files import write_csv_folder

NAME = "Sanna Äijälä"
EMAIL = "sanna.aijala@example.fi"
TABLES = {
    "organisaatiot": [["organisaatio_id", "nimi", "sektori"],
                      ["O1", "Äijälä Consulting", "yksityinen sektori"],
                      ["O2", "Verkostohubi ry", "kolmas sektori"]],
    "toimijat": [["toimija_id", "nimi", "organisaatio_id", "rooli", "sähköposti"],
                 ["P1", NAME, "O1", "konsultti", EMAIL],
                 ["P2", "Åsa Ek", "O2", "S. Äijälän assistentti", ""],
                 ["P3", "Noora Savolainen", "O2", "koordinaattori", ""]],
    "tapahtumat": [["tapahtuma_id", "päivämäärä", "laji", "otsikko"],
                   ["E1", "14.3.2024", "tapaaminen", "Äijälä Sanna: mentorointi"],
                   ["E2", "2.4.2024", "tapaaminen", "Kehittämispöytä"]],
    "osallistumiset": [["tapahtuma_id", "toimija_id"], ["E1", "P1"], ["E1", "P2"], ["E2", "P3"]],
    "suhteet": [["lähde", "kohde", "tunteminen"], ["P1", "P2", "4"], ["P2", "P3", "3"]],
}
VARIANTS = [NAME, "Äijälä Sanna", unicodedata.normalize("NFD", NAME), "Sanna  Äijälä", "S. Äijälä",
            EMAIL, "sanna_aijala", "Aijala"]


def db_bytes(path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name))


def leftovers(raw: bytes) -> list[str]:
    found = []
    for v in VARIANTS:
        for form in {v, unicodedata.normalize("NFC", v), unicodedata.normalize("NFD", v)}:
            if form.encode() in raw or form.lower().encode() in raw.lower():
                found.append(v)
    return sorted(set(found))


@pytest.fixture
def store_file(tmp_path):
    path = tmp_path / "store.sqlite"
    store = Store(path)
    import_files(store, write_csv_folder(tmp_path / "sanna_aijala_haastattelut", TABLES))
    for text in ("Äijälä Sanna kertoi rahoituksesta.", unicodedata.normalize("NFD", "Sovittiin: Sanna Äijälä vetää."),
                 "Sanna  Äijälä ja Åsa Ek tapasivat.", "S. Äijälä lupasi koota listan.",
                 f"Yhteys: {EMAIL}", "Tiedonkulku parani."):
        store.add_note(text)
    store.close()
    assert len(leftovers(db_bytes(path))) == len(VARIANTS)
    return path


def test_forget_finds_the_variants_and_leaves_no_bytes(store_file):
    store = Store(store_file)
    result = store.forget("P1")
    store.close()
    assert result["removed"]["organisations"] == 1 and result["removed"]["actors"] == 1
    assert result["redacted"]["notes"] == 5 and result["redacted"]["imports"] >= 1
    assert result["redacted"]["events"] == 1 and result["redacted"]["actors"] == 1
    assert leftovers(db_bytes(store_file)) == []
    data = Store(store_file).load()
    assert set(data.organisations["organisation_id"]) == {"O2"}
    assert data.actors.set_index("actor_id").loc["P2", "role"] == "[poistettu]n assistentti"
    assert sorted(data.actors["name"]) == ["Noora Savolainen", "Åsa Ek"]
    notes = [n["text"] for n in Store(store_file).notes()]
    assert "Tiedonkulku parani." in notes and "[poistettu] lupasi koota listan." in notes


def test_forget_lists_what_it_left_to_check(tmp_path):
    tables = {k: [list(r) for r in v] for k, v in TABLES.items()}
    tables["organisaatiot"].append(["O3", "Äijälän Kahvila", "yksityinen sektori"])
    tables["toimijat"].append(["P4", "Matti Virtanen", "O3", "yrittäjä", ""])
    tables["tapahtumat"].append(["E3", "5.5.2024", "tapaaminen", "Äijälän kahvilan avajaiset"])
    path = tmp_path / "store.sqlite"
    import_files(Store(path), write_csv_folder(tmp_path / "data", tables))
    env = {k: v for k, v in os.environ.items() if k != "VERKOSTOLAB_STORE"}
    done = subprocess.run([sys.executable, "-m", "verkostolab", "--lang", "en", "forget", "P1",
                           "--store", path, "--yes", "--json"], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["to_check"]["organisations"] == ["O3"]  # another person's organisation
    assert result["to_check"]["events.title"] == ["Äijälän kahvilan avajaiset"]
    done = subprocess.run([sys.executable, "-m", "verkostolab", "--lang", "en", "forget", "P4",
                           "--store", path, "--yes"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Check by hand" not in done.stdout  # nothing named after Matti Virtanen
    tables["toimijat"].append(["P5", "Liisa Äijälä", "O2", "", ""])
    again = tmp_path / "again.sqlite"
    import_files(Store(again), write_csv_folder(tmp_path / "data2", tables))
    done = subprocess.run([sys.executable, "-m", "verkostolab", "--lang", "en", "forget", "P1",
                           "--store", again, "--yes"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Check by hand, the last name appears alone in organisations: O3" in done.stdout
