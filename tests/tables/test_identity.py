"""Identity resolution: proposing, reading back and applying merges of one person's ids."""

from __future__ import annotations

import csv
import io
import unicodedata

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verkostolab.tables.data import NetworkData
from verkostolab.errors import InputError
from verkostolab.tables.identity import (ACTOR_COLUMNS, MergeProposal, Merges, apply_merges,
                                  email_key, name_key, propose_merges)
from verkostolab.io.merges import read_merges
from verkostolab.io import read, read_validated
from verkostolab.store import Store
from verkostolab.ingest import import_data, import_files

from support.files import write_csv_folder

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


def actors(rows, **tables):
    """NetworkData from (actor_id, name, email[, organisation_id, role]) tuples."""
    cols = ["actor_id", "name", "email", "organisation_id", "role"]
    frame = pd.DataFrame([list(r) + [None] * (len(cols) - len(r)) for r in rows], columns=cols)
    return NetworkData(actors=frame, **{k: pd.DataFrame(v) for k, v in tables.items()})


def groups_of(proposal: MergeProposal) -> list[set]:
    return sorted((set(g["actor_id"]) for _, g in proposal.frame.groupby("group")),
                  key=lambda s: sorted(s))


def codes_of(proposal: MergeProposal) -> dict:
    return dict(zip(proposal.frame["actor_id"], proposal.frame["reason_code"]))


# --------------------------------------------------------------------------- rules


def test_guest_suffix_and_surname_first_are_one_person():
    data = actors([
        ("T1", "Äijälä Sanna", None),
        ("T2", "Sanna Äijälä (Guest)", None),
        ("T3", "Öhman, Äijä", None),
        ("T4", "Äijä Öhman (Vieras)", None),
        ("T5", "Åsa Ek (External)", None),
        ("T6", "ÅSA EK (Ulkoinen)", None),
        ("T7", "Björn Lindqvist (gäst)", None),
        ("T8", "Björn   Lindqvist", None),
    ])
    proposal = propose_merges(data)
    assert groups_of(proposal) == [{"T1", "T2"}, {"T3", "T4"}, {"T5", "T6"}, {"T7", "T8"}]
    codes = codes_of(proposal)
    assert codes["T2"] == "name_order" and codes["T3"] == "name_order"
    assert codes["T5"] == codes["T6"] == "name_variant"
    assert codes["T7"] == codes["T8"] == "name_variant"
    assert set(proposal.frame["merge"]) == {True}


def test_decomposed_letters_case_and_spaces_are_the_same_name():
    data = actors([("A", "Sanna Mäkelä", None), ("B", NFD("sanna  MÄKELÄ "), None),
                   ("C", "Sanna Mäkelä", None)])
    proposal = propose_merges(data)
    assert groups_of(proposal) == [{"A", "B", "C"}]
    codes = codes_of(proposal)
    assert codes == {"A": "same_name", "B": "name_variant", "C": "same_name"}
    assert name_key(NFD("Mäkelä")) == name_key("Mäkelä")


def test_same_email_under_two_names_and_guest_account_form():
    data = actors([
        ("slack:U01", "sanna", "Sanna.Aijala@Jarvilaakso.fi "),
        ("teams:1", "S. Äijälä", "sanna.aijala_jarvilaakso.fi#EXT#@verkostohubi.onmicrosoft.com"),
        ("forms:7", "Äijälä Sanna", "mailto:sanna.aijala@jarvilaakso.fi"),
        ("X", "Pekka Ek", "pekka@ek.fi"),
    ])
    proposal = propose_merges(data)
    assert groups_of(proposal) == [{"slack:U01", "teams:1", "forms:7"}]
    assert set(codes_of(proposal).values()) == {"same_email"}
    assert email_key("sanna.aijala_jarvilaakso.fi#EXT#@x.onmicrosoft.com") == "sanna.aijala@jarvilaakso.fi"


def test_chains_form_one_group():
    data = actors([
        ("A", "Liisa Kärkkäinen", "liisa@hubi.fi"),
        ("B", "L. Kärkkäinen", "LIISA@hubi.fi"),
        ("C", "Kärkkäinen L.", None),          # same parts as B in another order
        ("D", "Kärkkäinen Liisa (Vieras)", None),  # same parts as A
    ])
    proposal = propose_merges(data)
    assert groups_of(proposal) == [{"A", "B", "C", "D"}]
    codes = codes_of(proposal)
    assert codes["A"] == "same_email,name_order"
    assert codes["C"] == "name_order"


@pytest.mark.parametrize("rows", [
    [("A", "Sanna Äijälä", None), ("B", "Sanna Mäkelä", None)],            # first name only
    [("A", "Matti Virtanen", None), ("B", "Liisa Virtanen", None)],        # surname only
    [("A", "Sanna", None), ("B", "Sanna", None)],                          # one word is too weak
    [("A", "Mäkelä Sanna", None), ("B", "Makela Sanna", None)],            # ä is not a
    [("A", "Anna-Liisa Ek", None), ("B", "Anna Liisa Ek", None)],          # different parts
    [("A", "Matti Virtanen", "matti.virtanen@kunta.fi"),
     ("B", "Matti Virtanen", "matti.virtanen@yritys.fi")],                 # two addresses
])
def test_different_people_are_not_merged(rows):
    proposal = propose_merges(actors(rows))
    assert proposal.empty
    assert proposal.render("en") .startswith("No one appears")


def test_a_name_shared_by_two_addresses_joins_nobody():
    data = actors([
        ("A", "Matti Virtanen", "matti.virtanen@kunta.fi"),
        ("B", "Matti Virtanen", "matti.virtanen@yritys.fi"),
        ("C", "Virtanen Matti (Guest)", None),   # which Matti? nobody decides for the user
        ("D", "Matti Virtanen", "MATTI.VIRTANEN@kunta.fi"),  # same address as A: merged
    ])
    proposal = propose_merges(data)
    assert groups_of(proposal) == [{"A", "D"}]
    assert codes_of(proposal) == {"A": "same_email", "D": "same_email"}
    assert proposal.ambiguous == 1
    assert "different e-mail addresses" in proposal.render("en")
    # every group holds at most one address
    for _, g in proposal.frame.groupby("group"):
        assert g["email"].dropna().map(email_key).nunique() <= 1


def test_keep_id_prefers_store_then_email_like_then_first_seen():
    data = actors([("teams:3", "Åsa Ek", None), ("asa.ek@hubi.fi", "Ek Åsa", None),
                   ("P9", "Pekka Öst", None), ("slack:U9", "Öst Pekka", None)])
    proposal = propose_merges(data)
    keep = dict(zip(proposal.frame["actor_id"], proposal.frame["keep_id"]))
    assert keep["teams:3"] == keep["asa.ek@hubi.fi"] == "asa.ek@hubi.fi"
    assert keep["P9"] == keep["slack:U9"] == "P9"
    # the kept row comes first in its group
    firsts = proposal.frame.groupby("group").head(1)
    assert (firsts["actor_id"] == firsts["keep_id"]).all()

    existing = actors([("P2", "Åsa Ek", "asa.ek@hubi.fi"), ("P3", "Jussi Öst", None),
                       ("P4", "Öst Jussi", None)])
    with_store = propose_merges(data, existing=existing)
    keep = dict(zip(with_store.frame["actor_id"], with_store.frame["keep_id"]))
    assert keep["teams:3"] == keep["asa.ek@hubi.fi"] == keep["P2"] == "P2"
    stored = dict(zip(with_store.frame["actor_id"], with_store.frame["stored"]))
    assert stored["P2"] and not stored["teams:3"]
    # P3 and P4 are both in the store only: decided before, not proposed again
    assert "P3" not in set(with_store.frame["actor_id"])


def test_realistic_folder_read_and_merged(tmp_path):
    """A CSV folder as a Teams+Forms conversion would leave it: guest suffixes, an e-mail
    id, a decomposed name, an empty row (left out by the reader)."""
    folder = write_csv_folder(tmp_path / "kevät", {
        "toimijat": [
            ["toimija_id", "nimi", "organisaatio_id", "sähköposti", "rooli"],
            ["P1", "Äijälä Sanna", "O1", "", "kehittämispäällikkö"],
            ["sanna.aijala@jarvilaakso.fi", "Sanna Äijälä (Guest)", "",
             "sanna.aijala@jarvilaakso.fi", ""],
            ["", "", "", "", ""],
            ["P3", NFD("Åsa Ek"), "O2", "asa.ek@hubi.fi", ""],
            ["P4", "Åsa Ek (Ulkoinen)", "", "", "fasilitaattori"],
            ["P5", "Åke Öhman", "O2", "", ""],
        ],
        "organisaatiot": [["organisaatio_id", "nimi"], ["O1", "Järvilaakson kaupunki"],
                          ["O2", "Verkostohubi ry"]],
        "tapahtumat": [["tapahtuma_id", "päivämäärä"], ["E1", "14.3.2024"], ["E2", "2.4.2024"]],
        "osallistumiset": [["tapahtuma_id", "toimija_id"], ["E1", "P1"],
                           ["E1", "sanna.aijala@jarvilaakso.fi"], ["E2", "P3"], ["E2", "P4"],
                           ["E2", "P5"]],
        "suhteet": [["lähde", "kohde"], ["P3", "P4"], ["P3", "P5"], ["P1", "P5"]],
    })
    data = read(folder)
    proposal = propose_merges(data)
    assert groups_of(proposal) == [{"P1", "sanna.aijala@jarvilaakso.fi"}, {"P3", "P4"}]
    result = apply_merges(data, proposal.to_merges())
    out = result.data
    assert sorted(out.actors["actor_id"]) == ["P3", "P5", "sanna.aijala@jarvilaakso.fi"]
    sanna = out.actors.set_index("actor_id").loc["sanna.aijala@jarvilaakso.fi"]
    assert sanna["organisation_id"] == "O1" and sanna["role"] == "kehittämispäällikkö"
    asa = out.actors.set_index("actor_id").loc["P3"]
    assert asa["role"] == "fasilitaattori" and asa["name"] == NFD("Åsa Ek")
    assert result.count("self_tie") == 1                # P3-P4 became P3-P3
    assert result.count("participation_duplicate") == 2  # E1 Sanna twice, E2 Åsa twice
    assert len(out.participation) == 3 and len(out.ties) == 2
    assert result.count("fields_filled") == 3  # Sanna: organisation, role; Åsa: role


# --------------------------------------------------------------------------- the report


def _proposal():
    data = actors([
        ("P1", "Äijälä Sanna", None, "O1"),
        ("sanna.aijala@jarvilaakso.fi", "Sanna Äijälä (Guest)", "sanna.aijala@jarvilaakso.fi"),
        ("P3", "Åsa Ek", "asa.ek@hubi.fi"),
        ("P4", "Ek, Åsa", None),
        ("P5", "Åke Öhman", None),
        ("P6", "=Öhman Åke", None),   # a formula-looking name stays text
        ("P7", "Päivi Östman", None),
        ("P8", "Paivi Ostman", None),
    ])
    return data, propose_merges(data)


def test_csv_report_opens_in_excel_and_reads_back(tmp_path):
    data, proposal = _proposal()
    path = proposal.write(tmp_path / "yhdistettävät.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[:4] == ["ryhmä", "yhdistetään", "säilytettävä tunnus", "toimija_id"]
    assert "kyllä" in text and "sama sähköpostiosoite" not in text
    assert "'=Öhman Åke" in text
    merges = read_merges(path, data)
    assert merges.mapping == proposal.to_merges().mapping
    assert merges.mapping == {"P1": "sanna.aijala@jarvilaakso.fi", "P4": "P3", "P6": "P5"}

    english = proposal.write(tmp_path / "merges.csv", lang="en")
    head = english.read_text(encoding="utf-8-sig").splitlines()[0]
    assert head.startswith("group,merge,keep_id,actor_id")
    assert read_merges(english, data).mapping == merges.mapping


def test_xlsx_report_reads_back(tmp_path):
    data, proposal = _proposal()
    path = proposal.write(tmp_path / "yhdistettävät.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws.title == "yhdistettävät"
    assert [c.value for c in ws[1]][:3] == ["ryhmä", "yhdistetään", "säilytettävä tunnus"]
    names = [r[4] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert "=Öhman Åke" in names  # text, not a formula
    assert read_merges(path, data).mapping == proposal.to_merges().mapping


def test_render_lists_every_group():
    _, proposal = _proposal()
    text = proposal.render("fi")
    assert text.splitlines()[0].startswith("Ehdotus: 3 ryhmää")
    for group in (1, 2, 3):
        assert f"Ryhmä {group}: säilytetään" in text
    assert "* P3" in text and "- P4" in text and "nimen osat eri järjestyksessä" in text
    assert "Group 1: keep" in proposal.render("en")
    assert "<table" in proposal._repr_html_()


def _write_rows(path, rows, *, delimiter=";", encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_edited_report_declines_changes_keep_deletes_and_adds(tmp_path):
    data, proposal = _proposal()
    # As Finnish Excel saves it: cp1252, ';', a group declined, the keep id changed,
    # Åke's pair deleted, an empty row, and a hand-added pair with English yes words.
    path = _write_rows(tmp_path / "muokattu.csv", [
        ["ryhmä", "yhdistetään", "säilytettävä tunnus", "toimija_id", "nimi", "peruste"],
        ["1", "ei", "sanna.aijala@jarvilaakso.fi", "sanna.aijala@jarvilaakso.fi", "Sanna Äijälä", ""],
        ["1", "EI", "sanna.aijala@jarvilaakso.fi", "P1", "Äijälä Sanna", ""],
        ["2", "kyllä", "P4", "P3", "Åsa Ek", ""],
        ["2", "x", "P4", "P4", "Ek, Åsa", ""],
        ["", "", "", "", "", ""],
        ["", "ei", "", "", "", "muistiinpano: ei ryhmää, ei yhdistetä"],
        ["9", "yes", "P7", "P7", "Päivi Östman", "käsin"],
        ["9", "1", "", "P8", "Paivi Ostman", "käsin"],
    ], encoding="cp1252")
    merges = read_merges(path, data)
    assert merges.mapping == {"P3": "P4", "P8": "P7"}
    assert merges.declined == 3 and merges.groups == 2
    assert "2 group(s) to merge" in merges.render("en")
    result = apply_merges(data, merges)
    ids = set(result.data.actors["actor_id"])
    assert {"P1", "sanna.aijala@jarvilaakso.fi", "P4", "P7"} <= ids
    assert not ids & {"P3", "P8"}
    p4 = result.data.actors.set_index("actor_id").loc["P4"]
    assert p4["email"] == "asa.ek@hubi.fi" and p4["name"] == "Ek, Åsa"


def test_english_headers_and_tab_delimiter_are_accepted(tmp_path):
    data, _ = _proposal()
    path = _write_rows(tmp_path / "merges.tsv", [
        ["Group", "Merge", "Keep_ID", "Actor_ID"],
        ["a", "Yes", "P5", "P5"], ["a", "TRUE", "P5", "P6"]], delimiter="\t")
    assert read_merges(path, data).mapping == {"P6": "P5"}


def _problems(path, data=None):
    with pytest.raises(InputError) as info:
        read_merges(path, data)
    return info.value


def test_malformed_report_names_file_row_and_column(tmp_path):
    data, _ = _proposal()
    path = _write_rows(tmp_path / "virheet.csv", [
        ["ryhmä", "yhdistetään", "säilytettävä tunnus", "toimija_id"],
        ["1", "ehkä", "P1", "P1"],                 # row 2: bad yes/no
        ["1", "kyllä", "P1", "sanna.aijala@jarvilaakso.fi"],
        ["2", "kyllä", "P3", "P3"],
        ["2", "kyllä", "P3", "P404"],              # row 5: unknown actor
        ["3", "kyllä", "P9", "P5"],                # row 6: keep id not in the group (unknown)
        ["3", "kyllä", "P9", "P6"],
        ["4", "kyllä", "P7", "P7"],
        ["4", "kyllä", "P8", "P8"],                # row 9: another keep id in one group
        ["5", "kyllä", "P4", "P4"],
        ["5", "kyllä", "P4", "P3"],                # row 11: P3 already in group 2
        ["", "kyllä", "P1", "P1"],                 # row 12: no group
        ["6", "kyllä", "", "P5"],                  # row 13: P5 twice; group 6 lacks a keep id
        ["6", "kyllä", "", "P6"],
    ])
    error = _problems(path, data)
    found = {(p.code, p.row, p.column) for p in error.problems}
    assert found == {
        ("identity_yes_no", 2, "yhdistetään"),
        ("unknown_reference", 5, "toimija_id"),
        ("unknown_reference", 6, "säilytettävä tunnus"),
        ("identity_keep_differs", 9, "säilytettävä tunnus"),
        ("identity_actor_twice", 11, "toimija_id"),
        ("required_value", 12, "ryhmä"),
        ("identity_actor_twice", 13, "toimija_id"),
        ("identity_actor_twice", 14, "toimija_id"),
        ("identity_keep_missing", 13, "säilytettävä tunnus"),
    }
    assert all(p.file == str(path) for p in error.problems)
    text = error.render("en")
    assert "virheet.csv, row 2, column 'yhdistetään': 'ehkä' is not yes or no" in text
    assert "virheet.csv, row 11, column 'toimija_id': actor 'P3' is marked for merging already on row 4" in text
    fi = error.render("fi")
    assert "rivi 9" in fi and "'P8' tässä, 'P7' rivillä 8" in fi


def test_keep_row_declined_or_keep_outside_group(tmp_path):
    data, _ = _proposal()
    path = _write_rows(tmp_path / "keep.csv", [
        ["group", "merge", "keep_id", "actor_id"],
        ["1", "no", "P3", "P3"],        # the kept actor itself is declined
        ["1", "yes", "P3", "P4"],
        ["1", "yes", "P3", "P7"],
    ])
    error = _problems(path, data)
    assert [(p.code, p.row, p.column) for p in error.problems] == [
        ("identity_keep_not_in_group", 3, "keep_id")]
    assert "group 1" in error.render("en")


def test_missing_columns_and_xlsx_errors_name_the_sheet(tmp_path):
    path = _write_rows(tmp_path / "puuttuu.csv", [["ryhmä", "toimija_id"], ["1", "P1"]])
    error = _problems(path)
    assert {(p.code, p.column) for p in error.problems} == {
        ("missing_column", "merge"), ("missing_column", "keep_id")}
    assert all(p.row == 1 for p in error.problems)

    xlsx = tmp_path / "muokattu.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "yhdistettävät"
    for row in [["ryhmä", "yhdistetään", "säilytettävä tunnus", "toimija_id"],
                [1, "kyllä", "P3", "P3"], [None, None, None, None], [1, "joo", "P3", "P4"]]:
        ws.append(row)
    wb.save(xlsx)
    error = _problems(xlsx)
    [p] = error.problems
    assert (p.code, p.sheet, p.row, p.column, p.value) == (
        "identity_yes_no", "yhdistettävät", 4, "yhdistetään", "joo")

    broken = tmp_path / "rikki.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert _problems(broken).problems[0].code == "unreadable"


def test_header_only_report_merges_nothing(tmp_path):
    path = _write_rows(tmp_path / "tyhjä.csv", [["ryhmä", "yhdistetään", "säilytettävä tunnus",
                                                 "toimija_id"]])
    merges = read_merges(path)
    assert merges.empty and merges.mapping == {}


# --------------------------------------------------------------------------- applying


def test_apply_counts_and_keeps_the_kept_answer():
    data = actors(
        [("K", "Sanna Äijälä", None), ("M", "Äijälä Sanna (Guest)", "sanna@hubi.fi", "O1", "pj"),
         ("X", "Åke Öhman", None)],
        participation={"event_id": ["E1", "E1", "E2", "E3"], "actor_id": ["K", "M", "M", "X"]},
        ties={"source": ["K", "M", "X", "M"], "target": ["X", "K", "M", "X"]},
        assessments={"respondent": ["M", "K", "M", "X"], "round": ["1", "1", "1", "1"],
                     "item": ["trust.goodwill", "trust.goodwill", "knowing.person",
                              "trust.goodwill"],
                     "value": [2, 5, 4, 3]},
    )
    merges = Merges(pd.DataFrame({"group": ["1", "1"], "actor_id": ["K", "M"],
                                  "keep_id": ["K", "K"], "row": [2, 3]}))
    result = apply_merges(data, merges)
    out = result.data
    changes = dict(result.changes)
    assert changes == {"actors_merged": 1, "fields_filled": 3, "participation_rewritten": 2,
                       "ties_rewritten": 3, "assessments_rewritten": 2,
                       "participation_duplicate": 1, "self_tie": 1, "assessment_duplicate": 1,
                       "store_renamed": 0, "store_fields": 0}
    assert sorted(map(tuple, out.participation[["event_id", "actor_id"]].to_numpy().tolist())) == [
        ("E1", "K"), ("E2", "K"), ("E3", "X")]
    assert len(out.ties) == 3 and not (out.ties["source"] == out.ties["target"]).any()
    answers = out.assessments.set_index(["respondent", "item"])["value"]
    assert answers[("K", "trust.goodwill")] == 5  # K's own answer, not M's 2
    assert answers[("K", "knowing.person")] == 4
    k = out.actors.set_index("actor_id").loc["K"]
    assert (k["name"], k["email"], k["organisation_id"], k["role"]) == (
        "Sanna Äijälä", "sanna@hubi.fi", "O1", "pj")
    assert "1 tie(s) removed" in result.render("en")
    assert "osallistumisriviä poistettiin" in result.render("fi")
    assert result.to_dict()["changes"]["self_tie"] == 1
    assert ("assessments", "respondent") in ACTOR_COLUMNS and ("ties", "target") in ACTOR_COLUMNS


def test_apply_refuses_an_unknown_keep_id():
    data = actors([("A", "Åsa Ek", None), ("B", "Ek Åsa", None)])
    merges = Merges(pd.DataFrame({"group": ["1", "1"], "actor_id": ["A", "B"],
                                  "keep_id": ["Z", "Z"], "row": [2, 3]}), file="m.csv")
    with pytest.raises(InputError) as info:
        apply_merges(data, merges)
    assert {p.code for p in info.value.problems} == {"unknown_reference"}


def test_import_on_top_of_a_store(tmp_path, small_folder):
    """The flow of ``verkostolab import`` with a store: new ids merge into stored ones,
    and the rewritten new rows import without conflicts."""
    store = Store(tmp_path / "verkosto.sqlite")
    import_files(store, small_folder)
    existing = store.load()
    new = write_csv_folder(tmp_path / "teams", {
        "toimijat": [["toimija_id", "nimi", "sähköposti", "rooli"],
                     ["sanna.makela@jarvilaakso.fi", "Mäkelä Sanna (Guest)",
                      "sanna.makela@jarvilaakso.fi", "asiantuntija"],
                     ["teams:asa", NFD("Åsa Ek"), "", ""],
                     ["teams:uusi", "Öljy Ölander", "", ""]],
        "tapahtumat": [["tapahtuma_id", "päivämäärä"], ["E9", "5.5.2024"]],
        "osallistumiset": [["tapahtuma_id", "toimija_id"], ["E9", "sanna.makela@jarvilaakso.fi"],
                           ["E9", "teams:asa"], ["E9", "teams:uusi"], ["E1", "teams:asa"]],
        "suhteet": [["lähde", "kohde"], ["teams:asa", "P2"], ["teams:uusi", "P3"]],
    })
    fresh = read_validated(new, existing=existing).data
    proposal = propose_merges(fresh, existing=existing)
    assert groups_of(proposal) == [{"P2", "teams:asa"}, {"P3", "sanna.makela@jarvilaakso.fi"}]
    assert set(proposal.frame["keep_id"]) == {"P2", "P3"}

    path = proposal.write(tmp_path / "yhdistettävät.xlsx")
    merges = read_merges(path, fresh, existing=existing)
    result = apply_merges(fresh, merges, existing=existing)
    assert result.store_renamed == {}
    assert result.count("participation_duplicate") == 1  # E1 Åsa is in the store already
    assert result.count("self_tie") == 1                 # Åsa -> P2 (herself)
    fills = result.store_fills.set_index("actor_id")
    assert fills.loc["P3", "email"] == "sanna.makela@jarvilaakso.fi"
    assert result.count("store_fields") == 1  # P3 has a role already; only e-mail fills

    before = store.counts()
    report = import_data(store, result.data, source="teams")
    after = store.counts()
    assert after["actors"] == before["actors"] + 1          # only Öljy is new
    assert after["participation"] == before["participation"] + 3
    assert after["ties"] == before["ties"] + 1
    assert sum(report.skipped.values()) == 0


def test_store_ids_merged_away_are_reported_for_the_store():
    existing = actors([("P1", "Åsa Ek", None), ("P2", "Sanna Äijälä", "sanna@hubi.fi")])
    fresh = actors([("N1", "Äijälä Sanna", "sanna@hubi.fi")])
    merges = Merges(pd.DataFrame({"group": ["1", "1", "1"], "actor_id": ["N1", "P2", "P1"],
                                  "keep_id": ["P1"] * 3, "row": [2, 3, 4]}))
    result = apply_merges(fresh, merges, existing=existing)
    assert result.store_renamed == {"P2": "P1"}
    assert result.count("store_renamed") == 1
    assert "store must be updated" in result.render("en")


# --------------------------------------------------------------------------- properties

_letters = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
_name_part = st.sampled_from(["Äijälä", "Sanna", "Mäkelä", NFD("Mäkelä"), "ÅSA", "Ek", "Öhman",
                              "(Guest)", "(Vieras)", "(gäst)", ",", "", "  ", "=", "x"])
_names = st.one_of(st.lists(_name_part, max_size=4).map(" ".join), st.text(_letters, max_size=12),
                   st.none())
_emails = st.one_of(st.none(), st.sampled_from(["sanna@hubi.fi", " SANNA@HUBI.FI", "asa@ek.se",
                                                "x_y.fi#EXT#@t.onmicrosoft.com", "@", "ei",
                                                "mailto:asa@ek.se"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_names, _emails), max_size=25), st.booleans())
def test_propose_never_crashes_and_groups_are_sound(people, split):
    rows = [(f"A{i}", name, email) for i, (name, email) in enumerate(people)]
    cut = len(rows) // 2 if split else 0
    existing = actors(rows[:cut]) if split else None
    proposal = propose_merges(actors(rows[cut:]), existing=existing)
    frame = proposal.frame
    assert not frame["actor_id"].duplicated().any()
    for _, g in frame.groupby("group"):
        assert len(g) >= 2
        assert g["keep_id"].nunique() == 1 and g["keep_id"].iat[0] in set(g["actor_id"])
        assert g["email"].map(email_key).dropna().nunique() <= 1
        if split:
            assert not g["stored"].all()
            if g["stored"].any():
                assert g.set_index("actor_id").loc[g["keep_id"].iat[0], "stored"]
    assert isinstance(proposal.render("en"), str)


_ids = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
               min_size=1, max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_ids, _names), min_size=2, max_size=12, unique_by=lambda r: r[0]),
       st.sampled_from(["fi", "en"]))
def test_report_round_trip_with_any_ids(tmp_path, people, lang):
    data = actors([(i, n, None) for i, n in people])
    pairs = [people[k][0] for k in range(0, len(people) - 1, 2)]
    frame = pd.DataFrame({
        "group": [k // 2 + 1 for k in range(2 * len(pairs))],
        "merge": True,
        "keep_id": [p for p in pairs for _ in range(2)],
        "actor_id": [people[k + j][0] for k in range(0, 2 * len(pairs), 2) for j in (0, 1)],
        "name": None, "email": None, "organisation_id": None, "stored": False,
        "reason": "", "reason_code": "same_name",
    })
    proposal = MergeProposal(frame, lang)
    path = proposal.write(tmp_path / f"r-{lang}.csv")
    assert read_merges(path, data).mapping == proposal.to_merges().mapping


@settings(max_examples=60, deadline=None)
@given(n_actors=st.integers(2, 8), data=st.data())
def test_apply_never_loses_participation_silently(n_actors, data):
    ids = [f"a{i}" for i in range(n_actors)]
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(["E1", "E2", "E3"]), st.sampled_from(ids)),
                               unique=True, max_size=20))
    ties = data.draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids))
                              .filter(lambda p: p[0] != p[1]), max_size=15))
    labels = data.draw(st.lists(st.integers(0, 3), min_size=n_actors, max_size=n_actors))
    groups: dict[int, list] = {}
    for actor, label in zip(ids, labels):
        groups.setdefault(label, []).append(actor)
    rows = []
    for label, members in groups.items():
        if len(members) >= 2:
            keep = data.draw(st.sampled_from(members))
            rows += [(str(label), m, keep, 2 + len(rows)) for m in members]
    merges = Merges(pd.DataFrame(rows, columns=["group", "actor_id", "keep_id", "row"]))
    net = actors([(a, f"Name {a}", None) for a in ids],
                 participation=pd.DataFrame(pairs, columns=["event_id", "actor_id"]),
                 ties=pd.DataFrame(ties, columns=["source", "target"]))
    result = apply_merges(net, merges)
    out = result.data
    mapping = merges.mapping
    assert len(out.participation) == len(pairs) - result.count("participation_duplicate")
    expected = {(e, mapping.get(a, a)) for e, a in pairs}
    assert set(map(tuple, out.participation.to_numpy().tolist())) == expected
    assert len(out.ties) == len(ties) - result.count("self_tie")
    assert len(out.actors) == n_actors - result.count("actors_merged")
    remaining = set(out.actors["actor_id"])
    for table, column in ACTOR_COLUMNS:
        assert set(out.table(table)[column].dropna()) <= remaining


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300), st.sampled_from([".csv", ".xlsx"]))
def test_read_merges_on_random_bytes_raises_only_input_error(tmp_path, blob, suffix):
    path = tmp_path / f"satunnainen{suffix}"
    path.write_bytes(blob)
    try:
        merges = read_merges(path)
    except InputError:
        return
    assert isinstance(merges, Merges)
