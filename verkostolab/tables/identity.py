"""Identity resolution: the same person under two names or accounts.

Data from Teams, Slack, Kumu, Forms and workbooks name one person in several ways:
``Äijälä Sanna`` in one file, ``Sanna Äijälä (Guest)`` in another, an e-mail address as
the id in a third.  :func:`propose_merges` finds the actors that are probably one person
and returns a :class:`MergeProposal`, a report a person checks and edits (CSV or .xlsx);
:func:`verkostolab.io.merges.read_merges` reads the edited report back and checks it; :func:`apply_merges`
rewrites the tables and reports every row it changed or removed.

Rules, each with a reason code shown in the report:

``same_email``
    The same e-mail address: trimmed, case-insensitive, ``mailto:`` and ``<...>`` removed,
    and a Microsoft guest account (``sanna_firma.fi#EXT#@tenant.onmicrosoft.com``) read as
    the address it stands for.  Values without ``@`` are not e-mail addresses.
``same_name``
    Exactly the same name (apart from leading and trailing spaces).
``name_variant``
    The same name after normalising: Unicode form (a composed ``ä`` and ``a`` + combining
    diaeresis are equal; NFKC), case, extra whitespace, punctuation at the ends of name
    parts (``L.``, ``=Öhman``) and a guest or external suffix such
    as ``(Guest)``, ``(Vieras)``, ``(External)``, ``(Ulkoinen)``, ``(gäst)`` or
    ``(Unverified)`` (see :data:`GUEST_SUFFIXES`).  Letters are not folded: ``ä`` and
    ``a`` stay different, as they are in Finnish.
``name_order``
    The same name parts in another order: ``Äijälä Sanna``, ``Sanna Äijälä`` and
    ``Äijälä, Sanna``.

What is never proposed:

* a name rule needs at least two name parts: one word (``Sanna``, a chat handle) is too
  weak a sign;
* two actors whose e-mail addresses are both known and differ are never joined by a name
  rule, even with identical names: two people called Matti Virtanen are common, and two
  addresses are a sign of two people.  When people sharing a name have different
  addresses, nobody is joined by that name (the proposal counts such names); a person can
  still pair them by hand in the report;
* with ``existing`` (what a store holds), groups made of stored actors only: they were
  decided at an earlier import.

Groups form with union-find, so chains (A has B's address, B has C's name) end up in one
group; every group holds at most one e-mail address.  The id kept is a stored id first
(in store order), then an id that looks like an e-mail address, then the first seen.

Example:

>>> import pandas as pd
>>> from verkostolab.tables.data import NetworkData
>>> data = NetworkData(
...     actors=pd.DataFrame({
...         "actor_id": ["P1", "sanna.aijala@jarvilaakso.fi", "P3", "P4"],
...         "name": ["Äijälä Sanna", "Sanna Äijälä (Guest)", "Sanna Mäkelä", "Åsa Ek"],
...         "email": [None, "sanna.aijala@jarvilaakso.fi", None, None]}),
...     participation=pd.DataFrame({"event_id": ["E1", "E1", "E2"],
...                                 "actor_id": ["P1", "sanna.aijala@jarvilaakso.fi", "P3"]}))
>>> proposal = propose_merges(data, lang="en")
>>> print(proposal.render("en"))
Proposal: 1 group(s) where one person seems to appear under several ids (2 ids).
Group 1: keep sanna.aijala@jarvilaakso.fi
  * sanna.aijala@jarvilaakso.fi | Sanna Äijälä (Guest) | sanna.aijala@jarvilaakso.fi | same name parts in another order
  - P1 | Äijälä Sanna | | same name parts in another order
>>> result = apply_merges(data, proposal.to_merges())
>>> result.data.actors["actor_id"].tolist()
['sanna.aijala@jarvilaakso.fi', 'P3', 'P4']
>>> print(result.render("en"))
1 actor(s) merged into another id
1 participation row(s) moved to the id kept
1 participation row(s) removed as duplicates (the same person at the same event)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .data import NetworkData
from ..errors import InputError, Problem
from ..i18n import default_lang, t
from .schema import TABLES

__all__ = [
    "GUEST_SUFFIXES",
    "REASONS",
    "ACTOR_COLUMNS",
    "FILL_FIELDS",
    "CHANGES",
    "MergeProposal",
    "Merges",
    "MergeResult",
    "propose_merges",
    "apply_merges",
    "name_key",
    "email_key",
]

#: Reason codes, strongest first.
REASONS = ("same_email", "same_name", "name_variant", "name_order")

#: Suffixes that meeting and chat tools add to a person's name (compared case-folded,
#: in round or square brackets at the end of the name).
GUEST_SUFFIXES = ("guest", "vieras", "external", "ulkoinen", "gäst", "extern", "gast",
                  "unverified", "ei vahvistettu", "vahvistamaton", "overifierad", "anonymous",
                  "anonyymi")

#: Every (table, column) that holds an actor id: the references to ``actors`` declared
#: in the schema, and assessment respondents (actor ids, see ``Store.add_answers``).
ACTOR_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    dict.fromkeys(
        [(name, col) for name, spec in TABLES.items()
         for col, ref_table, _ in spec.references if ref_table == "actors"]
        + [("assessments", "respondent")]
    )
)

#: Actor fields a kept row takes from the merged rows when it has none itself.
FILL_FIELDS = ("email", "organisation_id", "role", "keywords")

#: Columns of the report, in order (headers come from ``identity.column.<name>``).
COLUMNS = ("group", "merge", "keep_id", "actor_id", "name", "email", "organisation_id",
           "stored", "reason", "reason_code")
_REQUIRED = ("group", "merge", "keep_id", "actor_id")

_SUFFIX = re.compile(
    r"\s*[\(\[]\s*(?:" + "|".join(re.escape(s) for s in GUEST_SUFFIXES) + r")\s*[\)\]]\s*$")
_NAME_SPLIT = re.compile(r"[\s,]+")
_EMAIL_LIKE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Cells Excel would read as a formula get a leading apostrophe in CSV (and so do cells
#: that start with an apostrophe, so that reading back removes exactly one).
_FORMULA_START = tuple("=+-@\t\r'")


# --------------------------------------------------------------------------- keys


def name_key(name) -> tuple[str, str, int] | None:
    """``(ordered, unordered, parts)`` of a name after normalising, or ``None``.

    >>> name_key("  Äijälä,  SANNA (Guest)")
    ('äijälä sanna', 'sanna äijälä', 2)
    >>> name_key("Sanna Äijälä")[1] == name_key("Äijälä Sanna")[1]
    True
    >>> name_key(unicodedata.normalize("NFD", "Mäkelä Sanna")) == name_key("Mäkelä Sanna")
    True
    """
    if not isinstance(name, str):
        return None
    text = unicodedata.normalize("NFKC", name).casefold()
    while text.rstrip().endswith((")", "]")):
        stripped = _SUFFIX.sub("", text)
        if stripped == text:
            break
        text = stripped
    parts = [p if p[0].isalnum() and p[-1].isalnum() else _trim_part(p)
             for p in _NAME_SPLIT.split(text) if p]
    parts = [p for p in parts if p]
    if not parts:
        return None
    return " ".join(parts), " ".join(sorted(parts)), len(parts)


def _trim_part(part: str) -> str:
    """A name part without punctuation or symbols at its ends (``L.`` -> ``l``)."""
    start, end = 0, len(part)
    while start < end and unicodedata.category(part[start])[0] in "PS":
        start += 1
    while end > start and unicodedata.category(part[end - 1])[0] in "PS":
        end -= 1
    return part[start:end]


def email_key(value) -> str | None:
    """An e-mail address in the form compared, or ``None`` when ``value`` is not one.

    >>> email_key("  Sanna.Aijala@Jarvilaakso.FI ")
    'sanna.aijala@jarvilaakso.fi'
    >>> email_key("sanna.aijala_jarvilaakso.fi#EXT#@verkosto.onmicrosoft.com")
    'sanna.aijala@jarvilaakso.fi'
    >>> email_key("Sanna Äijälä <mailto:sanna@jarvilaakso.fi>")
    'sanna@jarvilaakso.fi'
    >>> email_key("ei ole") is None
    True
    """
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().casefold()
    inner = re.search(r"<([^<>]*)>", text)
    if inner:
        text = inner.group(1).strip()
    if text.startswith("mailto:"):
        text = text[len("mailto:"):].strip()
    if "#ext#@" in text:
        local = text.split("#ext#@", 1)[0]
        cut = local.rfind("_")
        if cut > 0:
            text = local[:cut] + "@" + local[cut + 1:]
    if "@" not in text or text.startswith("@") or text.endswith("@") or " " in text:
        return None
    return text


class _UnionFind:
    """Disjoint sets over ``0..n-1``; the smallest index of a set is its root."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union_pairs(self, a, b) -> None:
        parent = self.parent
        for x, y in zip(a, b):
            rx, ry = self.find(x), self.find(y)
            if rx != ry:
                if rx < ry:
                    parent[ry] = rx
                else:
                    parent[rx] = ry

    def roots(self) -> np.ndarray:
        return np.fromiter((self.find(i) for i in range(len(self.parent))), dtype=np.int64,
                           count=len(self.parent))


def _pairs(key: pd.Series) -> tuple[list[int], list[int]]:
    """Edges joining each row with a key to the first row of the same key."""
    present = key.dropna()
    if present.empty:
        return [], []
    pos = pd.Series(present.index.to_numpy(), index=present.index)
    first = pos.groupby(present.to_numpy(), sort=False).transform("first")
    keep = first.to_numpy() != pos.to_numpy()
    return first.to_numpy()[keep].tolist(), pos.to_numpy()[keep].tolist()


# --------------------------------------------------------------------------- proposing


def _empty(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or (
        isinstance(value, str) and not value.strip()) or value is pd.NA


def _report_text(value) -> str:
    return "" if _empty(value) else str(value)


@dataclass
class MergeProposal:
    """Actors that are probably one person: one row per actor of a group.

    ``frame`` columns: ``group`` (1, 2, ...), ``merge`` (proposed ``True``), ``keep_id``,
    ``actor_id``, ``name``, ``email``, ``organisation_id``, ``stored`` (the actor is in the
    store already), ``reason`` (text in ``lang``) and ``reason_code`` (codes of
    :data:`REASONS`, comma-separated).  The row of the id kept comes first in its group.
    """

    frame: pd.DataFrame
    lang: str = "fi"
    #: names left unmerged because people with them have different e-mail addresses
    ambiguous: int = 0

    @property
    def empty(self) -> bool:
        return self.frame.empty

    @property
    def groups(self) -> int:
        return int(self.frame["group"].nunique())

    def __len__(self) -> int:
        return len(self.frame)

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """The rows with reason texts in ``lang`` (canonical column names)."""
        lang = lang or self.lang
        frame = self.frame.copy()
        frame["reason"] = [_reason_text(codes, lang) for codes in frame["reason_code"]]
        return frame

    def to_merges(self) -> "Merges":
        """Accept the proposal as it is (every row merged)."""
        rows = self.frame[self.frame["merge"]]
        return Merges(pd.DataFrame({"group": rows["group"].astype(str).to_numpy(),
                                    "actor_id": rows["actor_id"].to_numpy(),
                                    "keep_id": rows["keep_id"].to_numpy(),
                                    "row": np.arange(2, len(rows) + 2)}))

    def _display(self, lang: str) -> pd.DataFrame:
        frame = self.to_frame(lang)
        yes, no = t("identity.yes", lang), t("identity.no", lang)
        frame["merge"] = np.where(frame["merge"].to_numpy(dtype=bool), yes, no)
        frame["stored"] = np.where(frame["stored"].to_numpy(dtype=bool), yes, no)
        for col in ("keep_id", "actor_id", "name", "email", "organisation_id"):
            frame[col] = frame[col].map(_report_text)
        frame = frame[list(COLUMNS)]
        frame.columns = [t(f"identity.column.{c}", lang) for c in COLUMNS]
        return frame

    def write(self, path, *, lang: str | None = None, delimiter: str | None = None) -> Path:
        """Write the report for a person to check and edit.

        ``.xlsx`` (or ``.xlsm``) by suffix, else CSV in UTF-8 with a byte-order mark so
        that Excel shows ä, ö and å right.  The CSV delimiter is ``;`` in Finnish (Excel
        in a Finnish locale splits on it, because the comma is the decimal sign) and ``,``
        in English, unless ``delimiter`` is given.  Headers and yes/no words are in
        ``lang``; :func:`~verkostolab.io.merges.read_merges` accepts both languages.  Cells that Excel would take
        for a formula (``=``, ``+``, ``-``, ``@``) get a leading apostrophe in CSV.
        """
        lang = lang or self.lang
        path = Path(path)
        frame = self._display(lang)
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            _write_xlsx(frame, path, lang)
            return path
        delimiter = delimiter or (";" if lang in ("fi", "sv") else ",")
        guarded = frame.astype(object)
        for col in guarded.columns:
            guarded[col] = [("'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
                            for v in guarded[col]]
        guarded.to_csv(path, sep=delimiter, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        return path

    def render(self, lang: str | None = None) -> str:
        """A short readable list for the terminal: every group, one line per actor."""
        lang = lang or self.lang
        if self.empty:
            lines = [t("identity.proposal.none", lang)]
        else:
            lines = [t("identity.proposal.head", lang, groups=self.groups, actors=len(self))]
            frame = self.to_frame(lang)
            stored = t("identity.proposal.stored", lang)
            for group, rows in frame.groupby("group", sort=True):
                lines.append(t("identity.proposal.group", lang, group=group,
                               keep_id=rows["keep_id"].iat[0]))
                for row in rows.itertuples(index=False):
                    mark = "*" if row.actor_id == row.keep_id else "-"
                    where = f" ({stored})" if row.stored else ""
                    parts = [f"{row.actor_id}{where}", _report_text(row.name),
                             _report_text(row.email), row.reason]
                    lines.append(f"  {mark} " + " | ".join(parts).replace("|  |", "| |"))
        if self.ambiguous:
            lines.append(t("identity.proposal.ambiguous", lang, count=self.ambiguous))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self._display(self.lang).to_html(index=False)


def _reason_text(codes: str, lang: str) -> str:
    return "; ".join(t(f"identity.reason.{c}", lang) for c in codes.split(",") if c)


def _write_xlsx(frame: pd.DataFrame, path: Path, lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = t("identity.sheet", lang)
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for values in frame.itertuples(index=False):
        ws.append([int(v) if isinstance(v, (np.integer,)) else v for v in values])
    # Text that looks like a formula stays text.
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    yes_no = DataValidation(type="list", allow_blank=True,
                            formula1=f'"{t("identity.yes", lang)},{t("identity.no", lang)}"')
    ws.add_data_validation(yes_no)
    if len(frame):
        yes_no.add(f"B2:B{len(frame) + 1}")
    widths = [8, 12, 28, 28, 28, 30, 16, 14, 40, 24]
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    wb.save(path)


def _pool(data: NetworkData, existing: NetworkData | None) -> pd.DataFrame:
    """Stored actors first (in store order), then the new ones; one row per id."""
    cols = ["actor_id", "name", "email", "organisation_id"]
    new = data.actors[cols].assign(stored=False)
    if existing is not None:
        old = existing.actors[cols].assign(stored=True)
        pool = pd.concat([old, new], ignore_index=True)
    else:
        pool = new.reset_index(drop=True)
    pool = pool[pool["actor_id"].notna()]
    pool = pool.drop_duplicates("actor_id", keep="first").reset_index(drop=True)
    return pool


def propose_merges(data: NetworkData, existing: NetworkData | None = None, *,
                   lang: str | None = None) -> MergeProposal:
    """Actors of ``data`` (and between ``data`` and ``existing``) that are probably one
    person; see the module text for the rules and what is never proposed.

    Works by grouping on keys (no comparison of every pair), so 100,000 actors take
    seconds.
    """
    lang = lang or default_lang()
    pool = _pool(data, existing)
    n = len(pool)
    names = [v if isinstance(v, str) else None for v in pool["name"]]
    uniques = {v: name_key(v) for v in set(names) if v is not None}
    keys = [uniques[v] if v is not None else None for v in names]
    usable = [k if k is not None and k[2] >= 2 else None for k in keys]

    def column(values) -> pd.Series:
        return pd.Series(values, index=pool.index, dtype=object)

    ordered = column([k[0] if k else None for k in usable])
    unordered = column([k[1] if k else None for k in usable])
    raw_name = column([v.strip() if v is not None else None for v in names])
    emails = column([email_key(v) for v in pool["email"]])

    # A name is ambiguous when people with it have two or more different addresses.
    with_name = unordered.notna()
    per_name = emails[with_name].groupby(unordered[with_name]).nunique()
    ambiguous_names = set(per_name.index[per_name.to_numpy() > 1])
    linked_name = unordered.where(~unordered.isin(ambiguous_names))
    # Counted where it concerns the new data (store-only names were reported before).
    concerned = unordered[unordered.isin(ambiguous_names) & ~pool["stored"]]
    ambiguous = int(concerned.nunique())

    uf = _UnionFind(n)
    uf.union_pairs(*_pairs(emails))
    uf.union_pairs(*_pairs(linked_name))
    roots = pd.Series(uf.roots(), index=pool.index)

    group_size = roots.map(roots.value_counts())
    in_group = group_size >= 2
    if existing is not None:
        has_new = (~pool["stored"]).groupby(roots).any()
        in_group &= roots.map(has_new).astype(bool)
    if not in_group.any():
        return MergeProposal(_empty_proposal(), lang, ambiguous)

    # Reasons: the strongest link of each row to another row of its group.
    email_count = emails.map(emails.value_counts())
    by_email = emails.notna() & (email_count >= 2)
    name_present = linked_name.notna()
    name_size = linked_name.map(linked_name.value_counts())
    name_linked = name_present & (name_size >= 2)
    same_raw = pd.Series(False, index=pool.index)
    same_norm = pd.Series(False, index=pool.index)
    if name_linked.any():
        sub = pd.DataFrame({"b": linked_name[name_linked], "raw": raw_name[name_linked],
                            "norm": ordered[name_linked]})
        same_raw[name_linked] = sub.groupby(["b", "raw"])["b"].transform("size").to_numpy() >= 2
        same_norm[name_linked] = sub.groupby(["b", "norm"])["b"].transform("size").to_numpy() >= 2
    name_code = np.select([same_raw, same_norm, name_linked],
                          ["same_name", "name_variant", "name_order"], default="")
    codes = [",".join(c for c in (("same_email" if e else ""), nc) if c)
             for e, nc in zip(by_email.to_numpy(), name_code)]

    # The id to keep: stored first, then an e-mail-like id, then the first seen.
    email_like = pool["actor_id"].astype(str).str.match(_EMAIL_LIKE)
    priority = np.where(pool["stored"].to_numpy(dtype=bool), 0,
                        np.where(email_like.to_numpy(dtype=bool), 1, 2))
    table = pd.DataFrame({
        "root": roots.to_numpy(), "priority": priority, "position": np.arange(n),
        "actor_id": pool["actor_id"].to_numpy(), "name": pool["name"].to_numpy(),
        "email": pool["email"].to_numpy(), "organisation_id": pool["organisation_id"].to_numpy(),
        "stored": pool["stored"].to_numpy(dtype=bool), "reason_code": codes,
    })[in_group.to_numpy()]
    best = table.sort_values(["root", "priority", "position"]).groupby("root", sort=False).first()
    table["keep_id"] = table["root"].map(best["actor_id"])
    table["is_keep"] = table["actor_id"] == table["keep_id"]
    first_seen = table.groupby("root")["position"].min()
    table["order"] = table["root"].map(first_seen)
    table = table.sort_values(["order", "is_keep", "position"], ascending=[True, False, True])
    table["group"] = table["order"].rank(method="dense").astype(int)
    table["merge"] = True
    table["reason"] = [_reason_text(c, lang) for c in table["reason_code"]]
    frame = table[list(COLUMNS)].reset_index(drop=True)
    return MergeProposal(frame, lang, ambiguous)


def without_declined(proposal: MergeProposal, declined) -> MergeProposal:
    """``proposal`` without the pairs a person declined earlier (``declined``: entries of
    the store's change log, dicts with ``actor_id``, ``other_id`` and both people's
    ``*_name`` and ``*_email`` as they were when declined).  A pair is proposed again
    when either person's name or e-mail has changed since; a group left with one actor
    is no group."""
    frame = proposal.frame
    if frame.empty or not declined:
        return proposal

    def same(a, b) -> bool:
        return (None if _empty(a) else str(a)) == (None if _empty(b) else str(b))

    people = {row.actor_id: row for row in frame.itertuples(index=False)}
    refused = set()
    for entry in declined:
        a, b = people.get(entry["actor_id"]), people.get(entry["other_id"])
        if a is None or b is None:
            continue
        if (same(a.name, entry.get("actor_name")) and same(a.email, entry.get("actor_email"))
                and same(b.name, entry.get("other_name")) and same(b.email, entry.get("other_email"))):
            refused.add(frozenset((a.actor_id, b.actor_id)))
    if not refused:
        return proposal
    keep = [frozenset((r.actor_id, r.keep_id)) not in refused for r in frame.itertuples(index=False)]
    frame = frame[keep]
    sizes = frame.groupby("group")["actor_id"].transform("size")
    frame = frame[sizes >= 2].reset_index(drop=True)
    return MergeProposal(frame if not frame.empty else _empty_proposal(), proposal.lang,
                         proposal.ambiguous)


def _empty_proposal() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in COLUMNS})
    frame["group"] = frame["group"].astype(int)
    frame["merge"] = frame["merge"].astype(bool)
    frame["stored"] = frame["stored"].astype(bool)
    return frame


# --------------------------------------------------------------------------- reading


@dataclass
class Merges:
    """Merges a person confirmed: one row per actor merged, with its group and the id kept.

    ``frame`` columns: ``group``, ``actor_id``, ``keep_id``, ``row`` (the row of the
    report file).  Only groups with two or more actors marked for merging are here;
    ``declined`` counts the report rows left unmerged.
    """

    frame: pd.DataFrame
    declined: int = 0
    file: str | None = None
    #: ``(actor_id, keep_id)`` of each row a person marked *no*: remembered in the store
    #: so that the pair is not proposed again (:func:`without_declined`)
    declined_pairs: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.mapping

    @property
    def groups(self) -> int:
        return int(self.frame["group"].nunique())

    @property
    def mapping(self) -> dict[str, str]:
        """Actor id -> id kept, for every actor that merges into another."""
        moved = self.frame[self.frame["actor_id"] != self.frame["keep_id"]]
        return dict(zip(moved["actor_id"], moved["keep_id"]))

    def render(self, lang: str | None = None) -> str:
        return t("identity.merges.summary", lang, groups=self.groups, actors=len(self.mapping),
                 declined=self.declined)


# --------------------------------------------------------------------------- applying


#: The changes :func:`apply_merges` reports, in order.
CHANGES = ("actors_merged", "fields_filled", "participation_rewritten", "ties_rewritten",
           "assessments_rewritten", "participation_duplicate", "self_tie",
           "assessment_duplicate", "store_renamed", "store_fields")


@dataclass
class MergeResult:
    """What :func:`apply_merges` made: the new ``data`` and every change, counted.

    ``changes`` lists ``(reason, count)`` for every reason of :data:`CHANGES` (zero
    included); the message ``identity.change.<reason>`` says what it means.

    With ``existing`` (a store), ``store_renamed`` maps stored ids that merge into another
    id (the store must rewrite their rows) and ``store_fills`` holds values for empty
    fields of stored actors kept (``actor_id`` and the fields of :data:`FILL_FIELDS`; a
    missing value means nothing to fill).
    """

    data: NetworkData
    changes: list[tuple[str, int]]
    mapping: dict[str, str] = field(default_factory=dict)
    store_renamed: dict[str, str] = field(default_factory=dict)
    store_fills: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["actor_id", *FILL_FIELDS]))

    def count(self, reason: str) -> int:
        return dict(self.changes)[reason]

    def render(self, lang: str | None = None) -> str:
        lines = [t(f"identity.change.{reason}", lang, count=count)
                 for reason, count in self.changes if count]
        return "\n".join(lines) if lines else t("identity.change.none", lang)

    def to_dict(self) -> dict:
        return {"changes": {reason: int(count) for reason, count in self.changes},
                "mapping": dict(self.mapping), "store_renamed": dict(self.store_renamed)}


def _fills(keepers: pd.DataFrame, merged: pd.DataFrame) -> pd.DataFrame:
    """For each kept actor, the first value of each field among its merged rows, where
    the kept row has none (``keepers`` and ``merged`` carry ``keep_id``)."""
    out = pd.DataFrame({"actor_id": keepers["actor_id"].to_numpy()})
    for col in FILL_FIELDS:
        values = merged[col].where(~merged[col].map(_empty), None)
        first = values.groupby(merged["keep_id"]).first()
        have = keepers[col].map(_empty).to_numpy()
        take = keepers["actor_id"].map(first).to_numpy()
        out[col] = np.where(have, take, None)
        out[col] = out[col].where(out[col].notna(), None)
    return out


def apply_merges(data: NetworkData, merges: Merges, *,
                 existing: NetworkData | None = None) -> MergeResult:
    """Rewrite every actor id of ``merges`` to the id kept, in every table that refers to
    actors (:data:`ACTOR_COLUMNS`), and drop the merged actor rows.

    The kept row keeps its values and takes empty fields (:data:`FILL_FIELDS`) from the
    merged rows.  Rows a merge makes redundant are removed and counted: participation of
    the same person at the same event, ties from a person to themselves, and a second
    answer of one person to the same assessment item in the same round (the answer given
    under the kept id stays, else the first).

    With ``existing``, ``data`` holds the new rows of an import on top of a store: an id
    kept may live in the store only, rows that would repeat the store's participation or
    answers are removed and counted, and the store's own part (ids to rewrite, fields to
    fill) is returned in :attr:`MergeResult.store_renamed` and
    :attr:`MergeResult.store_fills` for the store to apply.
    """
    mapping = merges.mapping
    actors = data.actors
    stored_actors = existing.actors if existing is not None else actors.iloc[0:0]
    stored_ids = set(stored_actors["actor_id"].dropna())
    here = set(actors["actor_id"].dropna())

    frame = merges.frame
    problems = []
    for keep_id, row in zip(frame["keep_id"], frame["row"]):
        if keep_id not in here and keep_id not in stored_ids:
            problems.append(Problem("unknown_reference", file=merges.file, row=int(row),
                                    column="keep_id", value=keep_id, params={"table": "actors"}))
    if problems:
        raise InputError(problems, source=merges.file)

    counts = dict.fromkeys(CHANGES, 0)
    order = {a: i for i, a in enumerate(frame["actor_id"])}
    is_merged = actors["actor_id"].isin(mapping)
    merged = actors[is_merged].assign(keep_id=lambda f: f["actor_id"].map(mapping))
    merged = merged.iloc[np.argsort(merged["actor_id"].map(order).to_numpy(), kind="stable")]
    counts["actors_merged"] = int(is_merged.sum())

    kept_here = actors[actors["actor_id"].isin(set(mapping.values())) & ~is_merged]
    if not kept_here.empty and not merged.empty:
        fills = _fills(kept_here, merged)
        index = actors.index[actors["actor_id"].isin(set(kept_here["actor_id"])) & ~is_merged]
        lookup = fills.set_index("actor_id")
        for col in FILL_FIELDS:
            new = actors.loc[index, "actor_id"].map(lookup[col])
            fill = new.notna() & actors.loc[index, col].map(_empty)
            counts["fields_filled"] += int(fill.sum())
            actors.loc[fill[fill].index, col] = new[fill]
    actors = actors[~is_merged].reset_index(drop=True)

    store_fills = pd.DataFrame(columns=["actor_id", *FILL_FIELDS])
    store_renamed: dict[str, str] = {}
    if existing is not None:
        store_renamed = {a: k for a, k in mapping.items() if a in stored_ids}
        counts["store_renamed"] = len(store_renamed)
        kept_stored = stored_actors[stored_actors["actor_id"].isin(set(mapping.values()))
                                    & ~stored_actors["actor_id"].isin(mapping)
                                    & ~stored_actors["actor_id"].isin(here)]
        if not kept_stored.empty and not merged.empty:
            fills = _fills(kept_stored, merged)
            fills = fills[fills[list(FILL_FIELDS)].notna().any(axis=1)].reset_index(drop=True)
            counts["store_fields"] = int(fills[list(FILL_FIELDS)].notna().sum().sum())
            store_fills = fills

    def remap(series: pd.Series) -> tuple[pd.Series, pd.Series]:
        hit = series.isin(mapping)
        return series.where(~hit, series.map(mapping)), hit

    tables = data.tables()
    tables["actors"] = actors

    part = tables["participation"]
    part["actor_id"], hit = remap(part["actor_id"])
    counts["participation_rewritten"] = int(hit.sum())
    dup = part.duplicated(["event_id", "actor_id"], keep="first")
    if existing is not None and not existing.participation.empty:
        old = existing.participation
        old_keys = set(zip(old["event_id"], old["actor_id"].map(lambda a: mapping.get(a, a))))
        dup |= pd.Series([k in old_keys for k in zip(part["event_id"], part["actor_id"])],
                         index=part.index, dtype=bool)
    counts["participation_duplicate"] = int(dup.sum())
    tables["participation"] = part[~dup].reset_index(drop=True)

    ties = tables["ties"]
    was_self = ties["source"] == ties["target"]
    ties["source"], hit_s = remap(ties["source"])
    ties["target"], hit_t = remap(ties["target"])
    counts["ties_rewritten"] = int((hit_s | hit_t).sum())
    selfie = (ties["source"] == ties["target"]) & ~was_self & (hit_s | hit_t)
    counts["self_tie"] = int(selfie.sum())
    tables["ties"] = ties[~selfie.to_numpy()].reset_index(drop=True)

    answers = tables["assessments"]
    original = answers["respondent"]
    answers["respondent"], hit = remap(original)
    counts["assessments_rewritten"] = int(hit.sum())
    if not answers.empty:
        own = (~hit).to_numpy()  # the answers given under the kept id itself come first
        rank = np.argsort(~own, kind="stable")
        ranked = answers.iloc[rank]
        dup_ranked = ranked.duplicated(["respondent", "round", "item"], keep="first")
        dup = pd.Series(dup_ranked.to_numpy(), index=ranked.index).reindex(answers.index)
        if existing is not None and not existing.assessments.empty:
            old = existing.assessments
            old_keys = set(zip(old["respondent"].map(lambda a: mapping.get(a, a)),
                               old["round"], old["item"]))
            dup |= pd.Series([k in old_keys for k in zip(answers["respondent"], answers["round"],
                                                          answers["item"])],
                             index=answers.index, dtype=bool)
        counts["assessment_duplicate"] = int(dup.sum())
        tables["assessments"] = answers[~dup.to_numpy(dtype=bool)].reset_index(drop=True)

    # Any other column the schema says refers to actors (none today) is rewritten too.
    for table, column in ACTOR_COLUMNS:
        if (table, column) in (("participation", "actor_id"), ("ties", "source"),
                               ("ties", "target"), ("assessments", "respondent")):
            continue
        tables[table][column], _ = remap(tables[table][column])  # pragma: no cover

    result = NetworkData(tables, source=data.source)
    return MergeResult(result, [(c, counts[c]) for c in CHANGES], mapping, store_renamed,
                       store_fills)
