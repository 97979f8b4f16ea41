"""Import folders do not follow symbolic links out of the folder (issue 16, finding 9):
a ``users.json`` kept elsewhere and ``/etc/passwd`` linked in as a table are refused,
naming each link, and nothing of them is read."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from verkostolab.errors import InputError
from verkostolab.io import read

from support.files import SMALL, write_csv_folder

SLACK = Path(__file__).resolve().parents[1] / "data" / "slack" / "export"


def test_a_csv_table_linked_from_outside_is_refused(tmp_path):
    folder = write_csv_folder(tmp_path / "csv", SMALL)
    assert read(folder).counts()["actors"] == 3
    secret = tmp_path / "elsewhere" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text("toimija_id,nimi\nX1,Salainen Henkilö\n", encoding="utf-8")
    (folder / "toimijat.csv").unlink()
    os.symlink(secret, folder / "toimijat.csv")
    (folder / "suhteet.csv").unlink()
    os.symlink("/etc/passwd", folder / "suhteet.csv")
    with pytest.raises(InputError) as exc:
        read(folder)
    text = "\n".join(p.render("en") for p in exc.value.problems)
    assert "Salainen" not in text and "root:" not in text
    assert str(folder / "toimijat.csv") in text and str(secret) in text and "/etc/passwd" in text
    assert "leads out of the folder" in text
    assert "kansion ulkopuolelle" in "\n".join(p.render("fi") for p in exc.value.problems)


def test_a_link_inside_the_folder_is_fine(tmp_path):
    folder = write_csv_folder(tmp_path / "csv", SMALL)
    (folder / "sub").mkdir()
    shutil.move(folder / "toimijat.csv", folder / "sub" / "toimijat.csv")
    os.symlink(folder / "sub" / "toimijat.csv", folder / "toimijat.csv")
    assert read(folder).counts()["actors"] == 3


def test_a_slack_users_json_elsewhere_is_refused(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(SLACK, export)
    assert len(read(export, format="slack").actors) > 0
    outside = tmp_path / "other" / "users.json"
    outside.parent.mkdir()
    shutil.move(export / "users.json", outside)
    os.symlink(outside, export / "users.json")
    for fmt in ("slack", "auto"):
        with pytest.raises(InputError) as exc:
            read(export, format=fmt)
        assert [p.code for p in exc.value.problems] == ["symlink_outside"]
        assert str(outside) in exc.value.render("en")
