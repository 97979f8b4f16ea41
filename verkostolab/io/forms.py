"""Survey exports with roster questions: Google Forms (CSV) and Microsoft Forms (XLSX).

A roster question asks each respondent about the other people of the network ("Whom do
you know?", "How much do you trust [Anna Åberg]?").  Each respondent becomes an actor,
and each person they name or rate becomes a tie from the respondent to that person.

Layouts:

* Google Forms CSV: the first column is ``Timestamp`` (``Aikaleima`` in Finnish),
  e.g. ``2024/03/14 9:00:12 AM EET`` or ``14.3.2024 9.00.12``; then an ``Email
  Address`` column when the form collects addresses, and one column per question.  A
  grid question gives one column per row, ``Question [Row]``; checkbox answers are
  joined by ``, ``.
* Microsoft Forms XLSX: ``ID, Start time, Completion time, Email, Name`` (and
  ``Last modified time`` in newer exports), then one column per question; multiple
  answers are joined as ``A;B;``; anonymous answers have ``Email`` = ``anonymous``.
  The Finnish headers ``Tunnus, Aloitusaika, Valmistumisaika, Sähköposti, Nimi`` are
  accepted too.  The first sheet is read.

Columns are recognised as follows (headers compared in lower case without accents):

* the respondent: a name question (``Name``, ``Your name``, ``Full name``, ``Nimi``,
  ``Nimesi``, ``Koko nimi``, ``Etu- ja sukunimi``, ``Namn``; the first non-empty one
  wins, Microsoft's ``Name`` column included) and an e-mail column (``Email``, ``Email
  Address``, ``Sähköposti``, ``Sähköpostiosoite``).  A response with neither is left out
  (counted);
* the answer's date: ``Completion time``, else ``Timestamp``/``Aikaleima``, else
  ``Start time`` (see :func:`~verkostolab.io.teams.parse_timestamps`);
* roster questions, by keywords in the question text (see :data:`DIMENSIONS`):
  *trust* (trust, rely on, luotat/luottamus, litar), *commitment* (commit,
  sitoutunut/sitoudun, engagerad), *advice* (advice, neuvo), *work with* (work with,
  collaborate, cooperate, yhteistyö, työskentelet, samarbetar) and *knowing* (know,
  acquainted, tunnet/tunnen/tuntee, tuttu, känner), tried in that order;

  - a grid column ``Question [Person]`` about knowing, trust or commitment gives that
    rating (1–5) of the tie to *Person*; a grid about working with gives the
    commitment rating and the kind ``collaboration``.  A cell is a number 1–5
    (``4`` or ``4 – hyvin``) or a label of a five-step scale (``not at all`` …
    ``very well``, ``ei lainkaan`` … ``erittäin hyvin``, ``strongly disagree`` …
    ``strongly agree``, ``täysin eri mieltä`` … ``täysin samaa mieltä``); ``en osaa
    sanoa`` / ``can't say`` / ``not applicable`` count as no answer; anything else is an
    input error naming the row and column;
  - any other column about those topics is a list of names (checkboxes, or free text
    separated by commas or semicolons): each name is a tie of kind ``collaboration``
    (work with), ``advice`` or ``knows`` (knowing, and also trust and commitment lists:
    naming whom you trust says you know them; no rating is invented).  Names that
    contain a comma are kept whole when they are known from a grid or a respondent;

* every other question is ignored and counted as left out.

Ties of one response to the same person are merged into one tie (the ratings
together; the kind ``collaboration`` before ``advice`` before ``knows``; a tie from
grids alone has no kind).  A response naming its own respondent is left out (counted).

Identities: a respondent with an e-mail gets the lower-cased address as ``actor_id``,
one without a slug of the name.  A named person is the respondent with exactly that
name (white space and case aside) when one respondent has it, else an actor of their
own with a slug id.  Nobody else is merged: identity resolution proposes merges later.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem
from ..tables.schema import TABLES, fold, table_for_name
from ..tables.validation import RawTable, leave_out
from .simple import looks_like
from .teams import (EMPTY_BYTES, IdAllocator, clean_name, looks_like_email, parse_timestamps,
                    sniff_text)
from .text import _guess_delimiter, read_text_table
from .workbook import sheet_cells

__all__ = ["read_forms_raw", "sniff_forms", "DIMENSIONS", "question_dimension", "rating_value"]

_XLSX_MAGIC = b"PK\x03\x04"

#: Question topics and the words (lower case, accents removed) that mark them, tried in
#: this order.
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("trust", r"\btrust|\brely on\b|\bluota|\bluott|\blitar\b"),
    ("commitment", r"\bcommit|\bsitout|\bsitoud|\bengager"),
    ("advice", r"\badvice\b|\badvise\b|\bneuvo"),
    ("collaboration", r"\bwork(?:ing)? (?:together )?with\b|\bcollaborat|\bco ?operat"
                      r"|\byhteisty|\btyoskentel|\bsamarbet"),
    ("knowing", r"\bknow\b|\bknows\b|\bknowing\b|\bacquainted\b|\bfamiliar with\b"
                r"|\btunne[tn]?\b|\btunnetko\b|\btuntee\b|\btuntemi|\btuttu|\bkanner\b"),
)
_DIMENSION_RES = tuple((name, re.compile(pattern)) for name, pattern in DIMENSIONS)
#: What the error message lists as recognised words.
_EXPECTED_WORDS = ("know / tunnet, trust / luotat, commit / sitoutunut, work with / yhteistyö, "
                   "advice / neuvo")

_TIMESTAMP_HEADERS = {"completion_time": 0, "valmistumisaika": 0,
                      "timestamp": 1, "aikaleima": 1, "tidsstampel": 1,
                      "start_time": 2, "aloitusaika": 2}
_META_HEADERS = {"id", "tunnus", "last_modified_time", "viimeksi_muokattu_aika",
                 "viimeksi_muokattu", *_TIMESTAMP_HEADERS}
_EMAIL_HEADERS = {"email", "email_address", "e_mail", "e_mail_address", "sahkoposti",
                  "sahkopostiosoite", "e_post", "e_postadress", "your_email",
                  "your_email_address", "sahkopostisi", "sahkopostiosoitteesi"}
_NAME_HEADER = re.compile(r"^(?:what_is_)?(?:your_)?(?:full_)?name$|^(?:koko_)?nimi$|nimesi"
                          r"|^etu_ja_sukunimi$|^(?:ditt_)?namn$|^vastaajan_nimi$")
_GRID = re.compile(r"^(?P<q>.*?)\s*\[(?P<row>[^\[\]]+)\]\s*$", re.S)
_NONE_ANSWERS = {"none", "no one", "nobody", "ei kukaan", "en ketaan", "ei ketaan", "ingen",
                 "-", "--"}
_KIND_RANK = {"collaboration": 3, "advice": 2, "knows": 1}

#: Labels of five-step answer scales (lower case, accents removed) -> value.
SCALE_LABELS: dict[str, int] = {}
for _value, _labels in (
        (1, ("not at all", "none at all", "ei lainkaan", "en lainkaan", "ei ollenkaan",
             "en ollenkaan", "en tunne", "strongly disagree", "taysin eri mielta", "inte alls")),
        (2, ("a little", "slightly", "poorly", "vahan", "hieman", "huonosti", "disagree",
             "jokseenkin eri mielta", "lite")),
        (3, ("somewhat", "moderately", "some", "jonkin verran", "kohtalaisesti", "neutral",
             "neither agree nor disagree", "ei samaa eika eri mielta", "nagot")),
        (4, ("well", "quite well", "fairly well", "a lot", "hyvin", "melko hyvin", "paljon",
             "agree", "jokseenkin samaa mielta", "ganska bra", "bra")),
        (5, ("very well", "extremely well", "completely", "very much", "erittain hyvin",
             "todella hyvin", "taysin", "erittain paljon", "strongly agree",
             "taysin samaa mielta", "mycket bra"))):
    for _label in _labels:
        SCALE_LABELS[_label] = _value
_LEADING_NUMBER = re.compile(r"^\s*([1-5])(?:[.,]0+)?(?:\s*[-–—=:.)]|\s|$)")


def _words(text) -> str:
    """Lower case, accents removed, anything but letters and digits a single space."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def question_dimension(question: str) -> str | None:
    """The topic of a question: ``trust``, ``commitment``, ``advice``,
    ``collaboration``, ``knowing`` or ``None``.

    >>> question_dimension("Kenen kanssa teet yhteistyötä?")
    'collaboration'
    >>> question_dimension("How well do you know")
    'knowing'
    >>> question_dimension("Kuinka paljon luotat") , question_dimension("Organisaatiosi")
    ('trust', None)
    """
    words = _words(question)
    for name, pattern in _DIMENSION_RES:
        if pattern.search(words):
            return name
    return None


#: Answers that say "no answer" in a grid cell: no rating, no tie.
NO_ANSWER_LABELS = {"en osaa sanoa", "eos", "ei koske minua", "can t say", "cannot say",
                    "don t know", "dont know", "n a", "not applicable", "kan inte saga"}


def rating_value(value) -> int:
    """A grid answer as 1-5: a number, a leading number (``4 – hyvin``) or a scale
    label.  Raises ValueError.

    >>> rating_value("4 - quite well"), rating_value(5.0), rating_value("Erittäin hyvin")
    (4, 5, 5)
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 1 <= value <= 5:
            return int(value)
        raise ValueError(value)
    text = str(value)
    m = _LEADING_NUMBER.match(text)
    if m:
        return int(m.group(1))
    label = SCALE_LABELS.get(_words(text))
    if label is None:
        raise ValueError(value)
    return label


def _plain_header(header) -> str:
    """A header folded for matching, without numbering and closing punctuation."""
    text = re.sub(r"^\s*\d{1,3}\s*[.)]\s*", "", str(header))
    text = re.sub(r"[\s?:*!.]+$", "", text)
    return fold(text)


@dataclass
class _Question:
    index: int
    header: str
    dimension: str
    target: str | None = None  # the grid row (a person's name); None for a name list


def _classify(header: list):
    """Meta, respondent and question columns of a survey header."""
    timestamp: tuple[int, int] | None = None  # (priority, index)
    emails, names, grids, lists, other = [], [], [], [], []
    for i, cell in enumerate(header):
        if cell is None or str(cell).strip() == "":
            continue
        text = str(cell).strip()
        plain = _plain_header(text)
        if plain in _TIMESTAMP_HEADERS:
            if timestamp is None or _TIMESTAMP_HEADERS[plain] < timestamp[0]:
                timestamp = (_TIMESTAMP_HEADERS[plain], i)
            continue
        if plain in _META_HEADERS:
            continue
        if plain in _EMAIL_HEADERS:
            emails.append(i)
            continue
        grid = _GRID.match(text)
        if grid:
            dimension = question_dimension(grid.group("q"))
            target = clean_name(grid.group("row"))
            if dimension in ("knowing", "trust", "commitment", "collaboration") and target:
                grids.append(_Question(i, text, dimension, target))
            else:
                other.append(i)
            continue
        if _NAME_HEADER.search(plain):
            names.append(i)
            continue
        dimension = question_dimension(text)
        if dimension:
            lists.append(_Question(i, text, dimension))
        else:
            other.append(i)
    return (timestamp[1] if timestamp else None), emails, names, grids, lists, other


def _split_names(cell, known_with_commas: list[str]) -> list[str]:
    """Names of a checkbox or free-text answer: ``A;B;`` or ``A, B``."""
    if isinstance(cell, (int, float)):
        cell = str(cell)
    text = unicodedata.normalize("NFC", str(cell))
    if ";" in text:
        parts = text.split(";")
    else:
        parts = []
        for name in known_with_commas:
            if name in text:
                parts.append(name)
                text = text.replace(name, "\x00")
        parts += text.split(",")
    out = []
    for part in parts:
        name = clean_name(part.replace("\x00", ""))
        if name and _words(name) not in _NONE_ANSWERS and name not in out:
            out.append(name)
    return out


def _cell(record, i):
    if i is None or i >= len(record):
        return None
    value = record[i]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _xlsx_rows(path: Path):
    """Header, records and row numbers of the first sheet of a workbook."""
    import openpyxl

    name = str(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure to open is an unreadable file
        raise InputError([Problem("unreadable", file=name, value=f"{type(exc).__name__}: {exc}")],
                         source=name) from None
    try:
        if not wb.worksheets:
            raise InputError([Problem("empty_file", file=name)], source=name)
        ws = wb.worksheets[0]
        try:
            c = sheet_cells(ws, file=name)
            header, header_row, records, rows, blank = c.header, c.header_row, c.records, c.rows, c.blank
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken sheet inside a valid zip
            raise InputError([Problem("unreadable", file=name, sheet=ws.title,
                                      value=f"{type(exc).__name__}: {exc}")], source=name) from None
        if header is None:
            raise InputError([Problem("empty_file", file=name, sheet=ws.title)], source=name)
        return ws.title, header, header_row, records, rows, blank
    finally:
        wb.close()


def read_forms_raw(path: Path, *, encoding: str | None = None,
                   dayfirst: bool | None = None, lenient: bool = False) -> list[RawTable]:
    """Raw actors and ties of a Google Forms CSV or a Microsoft Forms XLSX export.

    ``dayfirst`` forces the order of slashed dates (see
    :func:`~verkostolab.io.teams.parse_timestamps`).  Raises
    :class:`~verkostolab.errors.InputError` for an empty or unreadable file, a survey
    without a roster question, and every broken timestamp or rating.
    """
    path = Path(path)
    name = str(path)
    data = path.read_bytes()
    if not data.strip(EMPTY_BYTES):
        raise InputError([Problem("empty_file", file=name)], source=name)
    if data.startswith(_XLSX_MAGIC):
        sheet, header, header_row, records, rows, blank = _xlsx_rows(path)
    else:
        text = read_text_table(data, file=name, encoding=encoding)
        sheet, header, header_row = None, text.header, text.header_row
        records, rows, blank = text.records, text.rows, text.blank_rows
    header = [None if h is None else str(h) for h in header]
    return _survey(header, header_row, records, rows, blank, file=name, sheet=sheet,
                   dayfirst=dayfirst, lenient=lenient)


def _survey(header, header_row, records, rows, blank, *, file, sheet, dayfirst, lenient=False):
    timestamp_col, email_cols, name_cols, grids, lists, other = _classify(header)
    if not grids and not lists:
        raise InputError([Problem("forms_no_roster_question", file=file, sheet=sheet,
                                  row=header_row, params={"expected": _EXPECTED_WORDS})],
                         source=file)
    problems: list[Problem] = []
    left_out = {"blank_row": blank, "forms_other_question": len(other),
                "forms_anonymous_response": 0, "forms_self_answer": 0}

    stamps = [_cell(r, timestamp_col) for r in records]
    dates, bad, _ = parse_timestamps(stamps, dayfirst=dayfirst)
    for k in bad:
        problems.append(Problem("forms_bad_timestamp", file=file, sheet=sheet, row=rows[k],
                                column=header[timestamp_col], value=stamps[k]))

    # Respondents first, so that names in the answers can point at them.
    ids = IdAllocator()
    respondents: list[tuple[str, str, str | None] | None] = []
    by_name: dict[str, set[str]] = {}
    for record in records:
        person = next((clean_name(_cell(record, i)) for i in name_cols
                       if clean_name(_cell(record, i))), None)
        email = next((str(_cell(record, i)).strip() for i in email_cols
                      if looks_like_email(_cell(record, i))), None)
        if person is None and email is None:
            respondents.append(None)
            continue
        actor_id = ids.for_person(person, email)
        respondents.append((actor_id, person or email.lower(), email.lower() if email else None))
        if person:
            by_name.setdefault(person.casefold(), set()).add(actor_id)
    known = {q.target for q in grids} | {r[1] for r in respondents if r}
    with_commas = sorted((n for n in known if "," in n), key=len, reverse=True)

    def target_id(person: str) -> str:
        matches = by_name.get(person.casefold(), set())
        return next(iter(matches)) if len(matches) == 1 else ids.for_name(person)

    actors: dict[str, tuple[list, int]] = {}
    for who, row in zip(respondents, rows):
        if who is not None:
            actors.setdefault(who[0], (list(who), row))
    ties: list[list] = []
    tie_rows: list[int] = []
    for k, (record, row) in enumerate(zip(records, rows)):
        who = respondents[k]
        if who is None:
            left_out["forms_anonymous_response"] += 1
            continue
        source = who[0]
        found: dict[str, dict] = {}

        def tie(target_name: str) -> dict | None:
            target = target_id(target_name)
            if target == source:
                left_out["forms_self_answer"] += 1
                return None
            actors.setdefault(target, ([target, target_name, None], row))
            return found.setdefault(target, {"kind": None})

        for q in grids:
            value = _cell(record, q.index)
            if value is None or (isinstance(value, str) and _words(value) in NO_ANSWER_LABELS):
                continue
            try:
                rating = rating_value(value)
            except ValueError:
                problems.append(Problem("forms_bad_rating", file=file, sheet=sheet, row=row,
                                        column=q.header, value=value))
                continue
            entry = tie(q.target)
            if entry is None:
                continue
            column = "commitment" if q.dimension == "collaboration" else q.dimension
            entry.setdefault(column, rating)
            if q.dimension == "collaboration":
                entry["kind"] = _stronger(entry["kind"], "collaboration")
        for q in lists:
            value = _cell(record, q.index)
            if value is None:
                continue
            kind = q.dimension if q.dimension in ("collaboration", "advice") else "knows"
            for target_name in _split_names(value, with_commas):
                entry = tie(target_name)
                if entry is not None:
                    entry["kind"] = _stronger(entry["kind"], kind)
        for target, entry in found.items():
            ties.append([source, target, entry["kind"], entry.get("knowing"), entry.get("trust"),
                         entry.get("commitment"), dates[k]])
            tie_rows.append(row)
    if problems and not lenient:
        raise InputError(problems, source=file)
    people = RawTable.from_records("actors", ["actor_id", "name", "email"],
                                   [rec for rec, _ in actors.values()],
                                   [r for _, r in actors.values()], file=file, sheet=sheet,
                                   header_row=header_row)
    tie_table = RawTable.from_records("ties", ["source", "target", "kind", "knowing", "trust",
                                               "commitment", "date"],
                                      ties, tie_rows, file=file, sheet=sheet,
                                      header_row=header_row)
    tie_table.left_out = {k: v for k, v in left_out.items() if v}
    # Lenient: the answers of a broken response are left out (the people stay).
    return leave_out([people, tie_table], problems, tables=("ties",)) if lenient else [people, tie_table]


def _stronger(kind: str | None, new: str) -> str:
    if kind is None or _KIND_RANK[new] > _KIND_RANK[kind]:
        return new
    return kind


# --------------------------------------------------------------------------- sniffing

_FIRST_COLUMNS = ({"timestamp"}, {"aikaleima"}, {"tidsstampel"})
_MS_COLUMNS = ({"id", "start_time", "completion_time"}, {"tunnus", "aloitusaika", "valmistumisaika"})


def _looks_like_survey(header: list) -> bool:
    cells = [_plain_header(c) for c in header if c is not None and str(c).strip()]
    if len(cells) < 2:
        return False
    if any(ms <= set(cells[:6]) for ms in _MS_COLUMNS):
        return True  # no table of the project has start and completion times
    if any(looks_like(header, table) for table in TABLES):
        return False  # one of the project's own tables, with a time stamp first
    return any({cells[0]} == first for first in _FIRST_COLUMNS)


def _sniff_xlsx(path: Path) -> bool:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if any(table_for_name(ws.title) for ws in wb.worksheets):
            return False  # the project's own workbook
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True, max_row=5):
            cells = [None if c is None else str(c) for c in row]
            if any(c and c.strip() for c in cells):
                return _looks_like_survey(cells)
        return False
    finally:
        wb.close()


def sniff_forms(path) -> bool:
    """Whether ``path`` looks like a Google Forms CSV (first column ``Timestamp``) or a
    Microsoft Forms export (``ID, Start time, Completion time``).  Never raises."""
    try:
        path = Path(path)
        if not path.is_file():
            return False
        with path.open("rb") as fh:
            head = fh.read(65536)
        if head.startswith(_XLSX_MAGIC):
            if not zipfile.is_zipfile(path):
                return False
            return _sniff_xlsx(path)
        text = sniff_text(head)
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        if not first:
            return False
        header = next(csv.reader(io.StringIO(first), delimiter=_guess_delimiter(first)), [])
        return _looks_like_survey([c.strip() or None for c in header])
    except Exception:  # noqa: BLE001 - a sniffer answers, it never raises
        return False
