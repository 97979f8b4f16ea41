"""Small networks written as real files: a CSV folder or a workbook of the native tables."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

__all__ = ["SMALL", "write_csv_folder", "write_xlsx"]


SMALL = {
    "organisaatiot": [
        ["organisaatio_id", "nimi", "sektori", "laji"],
        ["O1", "Järvilaakson Kasvu Oy", "yksityinen sektori", "yritys"],
        ["O2", "Verkostohubi ry", "kolmas sektori", "verkostohubi"],
        ["O3", "Järvilaakson kaupunki", "julkinen sektori", "kunta"],
    ],
    "toimijat": [
        ["toimija_id", "nimi", "organisaatio_id", "rooli", "avainsanat"],
        ["P1", "Äijä Öhman", "O1", "toimitusjohtaja", "kiertotalous, rahoitus"],
        ["P2", "Åsa Ek", "O2", "verkostokoordinaattori", "fasilitointi"],
        ["P3", "Sanna Mäkelä", "O3", "elinkeinoasiantuntija", "yrityspalvelut"],
    ],
    "tapahtumat": [
        ["tapahtuma_id", "päivämäärä", "laji", "verkosto", "taso", "otsikko"],
        ["E1", "14.3.2024", "tutustuminen", "Ydinverkosto", "strategia", "Tutustuminen #1"],
        ["E2", "2024-04-02", "yhteiskehittäminen", "Kiertotalous", "palvelupolku", "Kehittämispöytä"],
    ],
    "osallistumiset": [
        ["tapahtuma_id", "toimija_id"],
        ["E1", "P1"], ["E1", "P2"], ["E1", "P3"], ["E2", "P1"], ["E2", "P2"],
    ],
    "suhteet": [
        ["lähde", "kohde", "laji", "tunteminen", "luottamus", "sitoutuminen", "päivämäärä"],
        ["P1", "P2", "tuntee", "4", "3", "2", "14.3.2024"],
        ["P2", "P3", "yhteistyö", "2", "2", "", ""],
    ],
}


def write_csv_folder(folder: Path, tables: dict, *, delimiter=",", encoding="utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
        (folder / f"{name}.csv").write_bytes(buffer.getvalue().encode(encoding))
    return folder


def write_xlsx(path: Path, tables: dict) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([None if c == "" else c for c in row])
    wb.save(path)
    return path
