"""Pseudonymised output identifies no one (issue 16, finding 2): every pseudonymised
output (picture HTML with its data, every export format, the pseudonymised data as JSON)
is searched for every id, name, name variant (reversed, decomposed, other case) and
e-mail address of the input, in Finnish and English.  The default report is searched in
tests/viz/test_hostile_views.py (it runs once per language there)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from support.files import write_csv_folder
from support.hostile import REAL_PEOPLE, hostile_tables, leaks

import verkostolab as vl
from verkostolab import viz
from verkostolab.export import export


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return vl.read(write_csv_folder(tmp_path_factory.mktemp("in") / "sanna_aijala_haastattelut",
                                    hostile_tables(big_org_name="Järvilaakson kaupunki")))


def _text(path: Path) -> str:
    if path.is_dir():
        return "\n".join(_text(p) for p in sorted(path.iterdir()))
    raw = path.read_bytes()
    if raw[:2] == b"PK":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return raw.decode("utf-8")


def test_the_search_finds_what_is_there(data, tmp_path):
    """Without --pseudonymise the same outputs hold the people (the search works)."""
    out = export(data, tmp_path / "plain.gexf", lang="fi").path
    found = leaks(_text(out))
    assert {"Sanna Äijälä", "sanna.aijala@example.fi", "noora-savolainen"} <= set(found)
    html = viz.figure_html(viz.network_picture(data, lang="fi").figure)
    assert "sanna.aijala@example.fi" in leaks(html)
    reversed_decomposed = "ÄIJÄLÄ SANNA".replace("Ä", "A\u0308")
    assert leaks(f"<td>{reversed_decomposed}</td>")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("fmt,name", [("gexf", "out.gexf"), ("graphml", "out.graphml"),
                                      ("kumu", "kumu.xlsx"), ("workbook", "out.xlsx"),
                                      ("csv", "taulukot")])
def test_pseudonymised_exports_identify_no_one(data, tmp_path, lang, fmt, name):
    out = export(data, tmp_path / name, format=fmt, lang=lang, pseudonymise=True).path
    assert leaks(_text(out)) == []


@pytest.mark.parametrize("level", ["person", "organisation"])
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_pseudonymised_picture_identifies_no_one(data, lang, level):
    picture = viz.network_picture(data, lang=lang, level=level, pseudonymise=True, labels="all")
    html = viz.figure_html(picture.figure)
    assert leaks(html) == []
    assert "sanna_aijala" not in html  # the source's name


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_pseudonymised_data_as_json_identifies_no_one(data, lang):
    shown = vl.pseudonymise(data, lang=lang)
    tables = {name: json.loads(shown.table(name).to_json(orient="records", force_ascii=False, date_format="iso"))
              for name in ("organisations", "actors", "events", "participation", "ties",
                           "assessments", "goals")}
    text = json.dumps({"tables": tables, "summary": shown.summary()}, default=str, ensure_ascii=False)
    assert leaks(text) == []
    people = shown.actors.set_index("actor_id")
    assert people[["email", "role", "keywords"]].isna().all().all()
    # Consistent: every participant and tie end is a pseudonymised actor.
    ids = set(people.index)
    assert set(shown.participation["actor_id"]) <= ids
    assert set(shown.ties["source"]) | set(shown.ties["target"]) <= ids
    # The organisation of five keeps its name, the smaller ones do not.
    names = set(shown.organisations["name"])
    assert "Järvilaakson kaupunki" in names
    assert len(REAL_PEOPLE) == 3 and not names & {"Äijälä Consulting"}
