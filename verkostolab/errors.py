"""One exception hierarchy.  Input problems name the file, sheet, row and column.

Row numbers are the ones a person sees in Excel or a text editor: the header is row 1
when it is the first line, so the first data row is row 2.

>>> p = Problem("unknown_reference", file="ties.csv", row=7, column="target",
...             value="A99", params={"table": "actors"})
>>> print(p.render("en"))
ties.csv, row 7, column 'target': 'A99' is not in the table actors
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .i18n import t

__all__ = [
    "VerkostolabError",
    "InputError",
    "Problem",
    "StoreError",
    "FormatError",
    "UsageError",
    "PeriodError",
    "ParameterError",
    "OptionError",
    "ReportError",
    "RoundError",
]

#: How many problems an error message lists before it says "and N more".
SHOWN_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    """One problem in one place of an input file.

    ``code`` names a message ``problem.<code>`` in the catalogue; ``params`` fill it in.
    """

    code: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    params: dict = field(default_factory=dict)

    def where(self, lang: str | None = None) -> str:
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.sheet:
            parts.append(t("where.sheet", lang, sheet=self.sheet))
        if self.row is not None:
            parts.append(t("where.row", lang, row=self.row))
        if self.column:
            parts.append(t("where.column", lang, column=self.column))
        return ", ".join(parts)

    def render(self, lang: str | None = None) -> str:
        value = "" if self.value is None else str(self.value)
        params = dict(self.params)
        if "table" in params:
            params["table"] = t(f"table.{params['table']}", lang)
        message = t(f"problem.{self.code}", lang, value=value, **params)
        where = self.where(lang)
        return f"{where}: {message}" if where else message

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "message_fi": self.render("fi"),
            "message_sv": self.render("sv"),
            "message_en": self.render("en"),
        }


class VerkostolabError(Exception):
    """Base of every error verkostolab raises on purpose.

    It carries a catalogue key and parameters, so that it can speak either language.
    """

    key = "error.generic"

    def __init__(self, key: str | None = None, /, **params):
        self.key = key or self.key
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


class InputError(VerkostolabError, ValueError):
    """Input that cannot be taken as it is; lists every problem found, not only the first."""

    key = "error.input"

    def __init__(self, problems: list[Problem], *, source: str | None = None):
        self.problems = sorted(problems, key=lambda p: (str(p.file or ""), str(p.sheet or ""),
                                                        p.row or 0))
        self.source = source
        super().__init__(self.key, count=len(self.problems), source=source or "")

    def render(self, lang: str | None = None) -> str:
        head = t("error.input", lang, count=len(self.problems), source=self.source or "-")
        lines = [head]
        lines += ["  " + p.render(lang) for p in self.problems[:SHOWN_PROBLEMS]]
        hidden = len(self.problems) - SHOWN_PROBLEMS
        if hidden > 0:
            lines.append("  " + t("error.more_problems", lang, count=hidden))
        return "\n".join(lines)


class FormatError(VerkostolabError, ValueError):
    """A file whose format is not known or not what was asked for."""

    key = "error.format"


class StoreError(VerkostolabError, RuntimeError):
    """The store could not be opened, read or written."""

    key = "error.store"


class UsageError(VerkostolabError, ValueError):
    """A wrong option, parameter or value given by a person (not a problem in a file).

    The command line shows it with exit status 2 (wrong usage); being a
    :class:`ValueError` too, older ``except ValueError`` callers keep working.
    """

    key = "error.usage"


class PeriodError(UsageError):
    """A period that cannot be read, e.g. ``--period huhtikuu``, or one that holds no data
    or lies outside the data (then the message names the data's range).

    >>> err = PeriodError(value="huhtikuu")
    >>> print(err.render("en"))
    The period 'huhtikuu' is not valid: use 2024-09:2024-12 or 1.9.2024:31.12.2024.
    >>> isinstance(err, ValueError)
    True
    """

    key = "error.bad_period"


class ParameterError(UsageError):
    """A value that is not one of the valid choices (``size_by``, ``by``, ``mode``,
    ``size``, a notebook parameter's name ...).  The message names the value and the
    choices.

    >>> err = ParameterError(name="mode", value="random", allowed="similar, mixed")
    >>> print(err.render("en"))
    'random' is not a valid mode; choose one of: similar, mixed
    >>> print(err.render("fi"))
    'random' ei käy arvoksi mode; valitse jokin näistä: similar, mixed
    """

    key = "error.parameter"


class OptionError(UsageError):
    """A bad option on the command line: one that does not exist, one that is missing,
    or a value the option does not take (``error.option.*``).

    >>> print(OptionError("error.option.unknown", option="--bogus").render("en"))
    No such option: --bogus
    """

    key = "error.option.value"


class ReportError(VerkostolabError):
    """A report notebook failed; the message names the cell."""

    key = "error.report_cell"


class RoundError(PeriodError, ParameterError):
    """An assessment round that the data does not have: both a period without data and
    a value that is not one of the choices.  The message names the rounds there are."""

    key = "error.unknown_round"
