"""Text files: recognise the encoding and the delimiter, and split into records.

Finnish Excel writes CSV as cp1252 with ``;``; others write UTF-8 with or without a
byte-order mark, or UTF-16.  Row numbers stay those of the file (the header is row 1).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from .limits import limit, too_large
from ..errors import InputError, Problem

__all__ = ["TextTable", "decode", "read_text_table"]

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
#: Encodings taken when a file is not UTF-8; charset-normalizer chooses among them.
FALLBACK_ENCODINGS = ["cp1252", "iso8859_15", "utf_16_le", "utf_16_be", "mac_roman", "cp850"]
#: Characters that do not occur in real text: their presence means a wrong decoding.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


@dataclass
class TextTable:
    header: list[str | None]
    records: list[list[str | None]]
    rows: list[int]
    header_row: int
    delimiter: str
    encoding: str
    #: blank lines between the header and the last record (left out, and counted)
    blank_rows: int = 0


def _position(data: bytes, offset: int, delimiter_guess: bytes = b",;\t") -> tuple[int, int]:
    """Line (1-based) and field (1-based) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    prefix = data[line_start:offset]
    field = 1 + max(prefix.count(bytes([d])) for d in delimiter_guess)
    return line, field


def decode(data: bytes, *, file: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode file contents; returns (text, encoding).  Raises InputError naming the
    line and field where the bytes stop making sense."""
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line, field = _position(data, exc.start)
            raise InputError([Problem("encoding", file=file, row=line, column=f"#{field}",
                                      value=f"{encoding}: {data[exc.start:exc.start + 4]!r}")],
                             source=file) from None
        return text.lstrip("\ufeff"), encoding
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name).lstrip("\ufeff"), name
            except UnicodeDecodeError as exc:
                line, field = _position(data, exc.start)
                raise InputError([Problem("encoding", file=file, row=line,
                                          column=f"#{field}", value=name)], source=file) from None
    try:
        text = data.decode("utf-8")
        used = "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
        # Finnish Excel on Windows writes cp1252: take it when it decodes to clean text,
        # and ask charset-normalizer only otherwise (it may prefer e.g. mac_roman for
        # short Finnish files).
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = None
        if text is not None and not _CONTROL.search(text):
            return text, "cp1252"
        import charset_normalizer  # only here: most files are UTF-8 (saves its import)

        best = charset_normalizer.from_bytes(data, cp_isolation=FALLBACK_ENCODINGS[1:]).best()
        if best is None:
            line, field = _position(data, first_bad)
            raise InputError([Problem("encoding", file=file, row=line, column=f"#{field}",
                                      value=repr(data[first_bad:first_bad + 4]))],
                             source=file) from None
        text, used = str(best), best.encoding
    bad = _CONTROL.search(text)
    if bad:
        before = text[: bad.start()]
        line = before.count("\n") + 1
        field = 1 + max(before[before.rfind("\n") + 1:].count(d) for d in ",;\t")
        raise InputError([Problem("encoding", file=file, row=line, column=f"#{field}",
                                  value=f"{used}: {bad.group()!r}")], source=file)
    return text, used


def _guess_delimiter(line: str) -> str:
    counts = {d: 0 for d in (";", ",", "\t", "|")}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def read_text_table(data: bytes, *, file: str, encoding: str | None = None,
                    delimiter: str | None = None, header: bool = True) -> TextTable:
    """Split a delimited text file into a header and records with their row numbers.

    Blank lines are skipped but keep their numbers.  Raises InputError for an empty
    file, an undecodable one, or broken quoting.
    """
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InputError([Problem("empty_file", file=file)], source=file)
    text, used = decode(data, file=file, encoding=encoding)
    lines = text.splitlines()
    longest = max(map(len, lines), default=0)
    cap = limit("line_chars")
    if cap is not None and longest > cap:
        at = next(i for i, ln in enumerate(lines, start=1) if len(ln) == longest)
        raise too_large("line_chars", file=file, row=at, value=longest)
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        raise InputError([Problem("empty_file", file=file)], source=file)
    delim = delimiter or _guess_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    head: list | None = None
    header_row = 1
    records, rows = [], []
    last_line = 0
    blank = pending = 0
    try:
        for record in reader:
            start = last_line + 1
            last_line = reader.line_num
            cells = [c.strip() if c.strip() else None for c in record]
            if not any(c is not None for c in cells):
                pending += 1 if (head is not None or not header) else 0
                continue
            if head is None and header:
                head, header_row = cells, start
                width = limit("columns")
                if width is not None and len(head) > width:
                    raise too_large("columns", file=file, row=start, value=len(head))
                continue
            records.append(cells)
            rows.append(start)
            blank, pending = blank + pending, 0
    except csv.Error as exc:
        raise InputError([Problem("unreadable", file=file, row=last_line + 1,
                                  value=str(exc))], source=file) from None
    if head is None and header:
        raise InputError([Problem("empty_file", file=file)], source=file)
    return TextTable(head or [], records, rows, header_row, delim, used, blank)
