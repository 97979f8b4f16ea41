"""A person's rights over what the store holds about them: access
(:meth:`_Rights.export_person`) and erasure (:meth:`_Rights.forget`), and finding the
person a name, an e-mail or an id refers to (:meth:`_Rights.find_actor`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
import sqlite3

import sqlalchemy as sa

from ..errors import StoreError
from ..i18n import t
from ..tables.schema import TABLES, fold
from .sqlschema import (CHANGES_TABLE, CLAIMS_TABLE, CONSENT_TABLE, PERSON_COLUMNS, SQL_TABLES, _Schema,
                        has_consent_table)

__all__ = ["FREE_TEXT_COLUMNS", "lookup_actor", "unknown_actor"]

#: Free-text columns from which :meth:`_Rights.forget` removes a person's name and e-mail
#: (names of other people, ``actors.name``, are left alone).  Columns of tables that are
#: not in :data:`SQL_TABLES` are all treated as free text.
FREE_TEXT_COLUMNS = {"organisations": ("name",), "actors": ("role", "keywords"),
                     "events": ("network", "title"), "goals": ("title", "indicator", "network"),
                     "notes": ("text",), "imports": ("source",), "meta": ("value",)}


def lookup_actor(conn, ref, store: str) -> dict:
    """The row of the person ``ref`` names (see :meth:`_Rights.find_actor`); ``store``
    is the URL shown in messages."""
    actors = SQL_TABLES["actors"]
    ref = str(ref).strip()
    row = conn.execute(sa.select(actors).where(actors.c.actor_id == ref)).first()
    if row is not None:
        return dict(row._mapping)
    everyone = [dict(r._mapping) for r in conn.execute(sa.select(actors))]
    wanted = fold(ref)
    hits = [r for r in everyone
            if (r["name"] and fold(r["name"]) == wanted)
            or (r["email"] and r["email"].strip().casefold() == ref.casefold())]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise StoreError("privacy.error.ambiguous_actor", actor=ref, store=store,
                         ids=", ".join(sorted(h["actor_id"] for h in hits)))
    raise unknown_actor(ref, everyone, store)


def unknown_actor(ref, everyone: list[dict], store: str) -> StoreError:
    """The error for a person nobody in ``everyone`` is, suggesting close names."""
    labels = {}
    for r in everyone:
        label = f"{r['name']} ({r['actor_id']})"
        labels.setdefault(fold(r["name"] or ""), label)
        labels.setdefault(fold(r["actor_id"]), label)
    close = difflib.get_close_matches(fold(ref), list(labels), n=5, cutoff=0.6)
    suggestions = list(dict.fromkeys(labels[c] for c in close))[:3]
    if suggestions:
        return StoreError("privacy.error.unknown_actor_suggest", actor=str(ref).strip(),
                          store=store, suggestions=", ".join(suggestions))
    return StoreError("privacy.error.unknown_actor", actor=str(ref).strip(), store=store)


class _Rights(_Schema):
    """Access to and erasure of a person's data (part of :class:`verkostolab.store.Store`)."""

    def find_actor(self, actor: str) -> dict:
        """The stored row of the person ``actor`` names: an id, or a name (case and accents
        ignored) or e-mail that only one person has.

        Raises :class:`StoreError` for an unknown person (suggesting close names) or a
        name that several people share (listing their ids).
        """
        if not self.exists():
            raise unknown_actor(actor, [], self._shown_url())
        with self._reading() as conn:
            return lookup_actor(conn, actor, self._shown_url())

    def export_person(self, actor: str) -> dict:
        """Everything the store holds about one person, as JSON-able data (the right of
        access): their row and organisation, the events they took part in, their ties both
        ways with the other person's name, their assessment answers, their consent answer
        (``consent``: ``{"consent", "at"}`` or ``None``), the notes that name them, and rows
        of any other table that refer to them.  People who answered *no* are included.

        ``actor`` is an id, or a name or e-mail that only one person has.
        """
        if not self.exists():
            raise unknown_actor(actor, [], self._shown_url())
        a, o, e = SQL_TABLES["actors"], SQL_TABLES["organisations"], SQL_TABLES["events"]
        part, ties, answers = SQL_TABLES["participation"], SQL_TABLES["ties"], SQL_TABLES["assessments"]
        with self._reading() as conn:
            person = lookup_actor(conn, actor, self._shown_url())
            pid = person["actor_id"]
            org = None
            if person.get("organisation_id"):
                org = conn.execute(sa.select(o).where(o.c.organisation_id == person["organisation_id"])).first()
            events = conn.execute(
                sa.select(part.c.event_id, e.c.title, e.c.date, e.c.kind, e.c.network, e.c.level)
                .select_from(part.outerjoin(e, part.c.event_id == e.c.event_id))
                .where(part.c.actor_id == pid).order_by(e.c.date, part.c.event_id))
            tie_cols = [ties.c[c] for c in TABLES["ties"].column_names + ["submitted_at"]
                        if c not in ("source", "target")]
            other = a.alias("other")
            out = conn.execute(
                sa.select(ties.c.target, other.c.name.label("target_name"), *tie_cols)
                .select_from(ties.outerjoin(other, ties.c.target == other.c.actor_id))
                .where(ties.c.source == pid).order_by(ties.c.row_id))
            into = conn.execute(
                sa.select(ties.c.source, other.c.name.label("source_name"), *tie_cols)
                .select_from(ties.outerjoin(other, ties.c.source == other.c.actor_id))
                .where(ties.c.target == pid).order_by(ties.c.row_id))
            answered = conn.execute(
                sa.select(answers.c.round, answers.c.item, answers.c.value, answers.c.date)
                .where(answers.c.respondent == pid).order_by(answers.c.round, answers.c.item))
            result = {
                "exported_at": dt.datetime.now().replace(microsecond=0),
                "store": self._shown_url(),
                "actor": person,
                "organisation": None if org is None else dict(org._mapping),
                "participation": [dict(r._mapping) for r in events],
                "ties_out": [dict(r._mapping) for r in out],
                "ties_in": [dict(r._mapping) for r in into],
                "assessments": [dict(r._mapping) for r in answered],
                "consent": None,
            }
            if has_consent_table(conn):
                consent = SQL_TABLES[CONSENT_TABLE]
                row = conn.execute(sa.select(consent.c.consent, consent.c.at)
                                   .where(consent.c.actor_id == pid)).first()
                result["consent"] = None if row is None else {"consent": bool(row.consent), "at": row.at}
            pattern = _person_pattern(person)
            notes = SQL_TABLES["notes"]
            result["notes"] = [dict(r._mapping) for r in conn.execute(sa.select(notes).order_by(notes.c.note_id))
                               if pattern is not None and pattern.search(r.text or "")]
            result["other"] = {table.name: [dict(r._mapping) for r in conn.execute(
                                   sa.select(table).where(_refers_to(table, person)))]
                               for table in _other_tables(conn)}
            result["other"] = {k: v for k, v in result["other"].items() if v}
        return _plain(result)

    def forget(self, actor: str, *, lang: str | None = None, compact: bool = True,
               retries: int = 8) -> dict:
        """Erase a person from the store in one transaction (the right to erasure).

        * Deleted: their row in ``actors``, their participation, every tie where they are
          the source or the target, their assessment answers (:data:`PERSON_COLUMNS`), their
          consent answer (:data:`CONSENT_TABLE`), and rows of any other table of the database with a text cell equal to their id or
          e-mail (tables other tools added, such as consent records).
        * Redacted: their name and e-mail inside free text (:data:`FREE_TEXT_COLUMNS`:
          notes, event and goal titles, other people's roles, organisation names, import
          sources) are replaced with ``[poistettu]``/``[removed]``.
        * Reported, not changed: notes that still name them by first or last name alone
          (``to_check``): free text needs a person's eye.
        * Afterwards the database is compacted (SQLite ``VACUUM`` and a WAL checkpoint;
          PostgreSQL ``VACUUM FULL`` of the changed tables), so that the erased rows do not
          linger in its files; ``compacted`` tells whether that succeeded.  Copies and
          backups of the store are not touched.

        ``actor`` is an id, or a name or e-mail that only one person has.  Returns
        ``{"actor_id", "name", "removed": {table: rows}, "redacted": {table: cells},
        "to_check": {"notes": [note ids]}, "compacted"}``.
        """
        if not self.exists():
            raise unknown_actor(actor, [], self._shown_url())
        marker = t("privacy.redacted", lang)

        def write(conn):
            person = lookup_actor(conn, actor, self._shown_url())
            pid = person["actor_id"]
            removed: dict[str, int] = {}
            for name, column in PERSON_COLUMNS:
                table = SQL_TABLES[name]
                count = conn.execute(table.delete().where(table.c[column] == pid)).rowcount
                removed[name] = removed.get(name, 0) + count
            if has_consent_table(conn):
                consent = SQL_TABLES[CONSENT_TABLE]
                count = conn.execute(consent.delete().where(consent.c.actor_id == pid)).rowcount
                if count:
                    removed[CONSENT_TABLE] = count
            if sa.inspect(conn).has_table(CHANGES_TABLE):  # the change log names them too
                changes = SQL_TABLES[CHANGES_TABLE]
                count = conn.execute(changes.delete().where(
                    sa.or_(changes.c.actor_id == pid, changes.c.other_id == pid))).rowcount
                if count:
                    removed[CHANGES_TABLE] = count
            if sa.inspect(conn).has_table(CLAIMS_TABLE):
                claims = SQL_TABLES[CLAIMS_TABLE]
                count = conn.execute(claims.delete().where(claims.c.actor_id == pid)).rowcount
                if count:
                    removed[CLAIMS_TABLE] = count
            extra = _other_tables(conn)
            for table in extra:
                count = conn.execute(table.delete().where(_refers_to(table, person))).rowcount
                if count:
                    removed[table.name] = count
            # Organisations named after the person that nobody else belongs to
            # (a one-person "Äijälä Consulting") go with them; others are listed to check.
            orgs, actors = SQL_TABLES["organisations"], SQL_TABLES["actors"]
            surname = _surname(person["name"])
            org_check: list[str] = []
            if surname is not None:
                for oid, oname in conn.execute(sa.select(orgs.c.organisation_id, orgs.c.name)):
                    if not (oname and surname.search(_Folded(oname).text)):
                        continue
                    members = conn.execute(sa.select(sa.func.count()).select_from(actors)
                                           .where(actors.c.organisation_id == oid)).scalar()
                    if members == 0 and oid == person.get("organisation_id"):
                        _drop_organisation(conn, oid)
                        removed["organisations"] = removed.get("organisations", 0) + 1
            redacted: dict[str, int] = {}
            pattern = _person_pattern(person)
            variants = _variant_pattern(person)
            columns = [(SQL_TABLES[name], cols) for name, cols in FREE_TEXT_COLUMNS.items()]
            columns += [(table, [c.name for c in _text_columns(table) if not c.primary_key])
                        for table in extra]
            for table, cols in columns:
                for col in cols:
                    column = table.c[col]
                    values = conn.execute(sa.select(column).distinct().where(column.is_not(None))).scalars()
                    for value in list(values):
                        new = pattern.sub(marker, value) if pattern is not None else value
                        if variants is not None:
                            new = _redact_variants(new, variants, marker)
                        if new != value:
                            count = conn.execute(table.update().where(column == value)
                                                 .values({col: new})).rowcount
                            redacted[table.name] = redacted.get(table.name, 0) + count
            notes = SQL_TABLES["notes"]
            parts = _name_parts(person["name"])
            to_check = [nid for nid, text in conn.execute(sa.select(notes.c.note_id, notes.c.text)
                                                          .order_by(notes.c.note_id))
                        if any(p.search(fold(text or "")) for p in parts)]
            if surname is not None:  # still named after them once redacted: someone else's?
                org_check = [oid for oid, oname in conn.execute(
                                 sa.select(orgs.c.organisation_id, orgs.c.name).order_by(orgs.c.organisation_id))
                             if oname and surname.search(_Folded(oname).text)]
            check = {"notes": to_check}
            if org_check:
                check["organisations"] = org_check
            if surname is not None:  # the last name alone in other free text: a person's eye
                for name, cols in FREE_TEXT_COLUMNS.items():
                    if name in ("notes", "organisations", "meta"):
                        continue
                    table = SQL_TABLES[name]
                    for col in cols:
                        found = sorted({v for v in conn.execute(sa.select(table.c[col]).distinct()
                                                                .where(table.c[col].is_not(None))).scalars()
                                        if surname.search(_Folded(v).text)})
                        if found:
                            check.setdefault(f"{name}.{col}", []).extend(found)
            return {"actor_id": pid, "name": person["name"], "removed": removed,
                    "redacted": redacted, "to_check": check}

        result = self._retrying(write, retries)
        changed = [name for name, n in {**result["removed"], **result["redacted"]}.items() if n]
        result["compacted"] = self._compact(changed) if compact else False
        return result

    def _compact(self, tables) -> bool:
        """Rewrite the database so that deleted rows leave no copy in its files."""
        try:
            if self.is_sqlite:
                raw = self.engine.raw_connection()
                try:
                    cur = raw.driver_connection.cursor()
                    cur.execute("VACUUM")
                    busy = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                    cur.close()
                    return busy == 0
                finally:
                    raw.close()
            if self.is_postgresql and tables:
                prep = self.engine.dialect.identifier_preparer
                with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM FULL " + ", ".join(prep.quote(t) for t in tables))
                return True
        except (sa.exc.DBAPIError, sqlite3.Error):
            return False
        return not tables


def _person_pattern(person: dict) -> re.Pattern | None:
    """Where a person's full name or e-mail starts inside free text (case ignored; the
    end is left open so that inflected Finnish forms, *Äijä Öhmanin*, are found too)."""
    needles = sorted({str(person.get(k) or "").strip() for k in ("name", "email")} - {""},
                     key=len, reverse=True)
    if not needles:
        return None
    alternatives = [re.escape(n) + (r"(?!\w)" if len(n) < 4 else "") for n in needles]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


class _Folded:
    """Text folded for matching name variants: Unicode compatibility-decomposed, accents
    and case dropped, every run of spaces, dots, dashes and underscores one space; ``index``
    maps each folded character back to the original, so that matches can be replaced."""

    SEPARATORS = re.compile(r"[\s._\-]")

    def __init__(self, text: str):
        out, index = [], []
        for i, ch in enumerate(str(text)):
            if self.SEPARATORS.match(ch):
                if out and out[-1] != " ":
                    out.append(" ")
                    index.append(i)
                continue
            for part in unicodedata.normalize("NFKD", ch):
                if unicodedata.combining(part):
                    continue
                for low in part.casefold():
                    out.append(low)
                    index.append(i)
        self.text = "".join(out)
        self.index = index


def _fold_name(text: str) -> str:
    return _Folded(text).text.strip()


def _surname(name) -> re.Pattern | None:
    """The last name alone (folded, at a word start; at least three letters)."""
    parts = _fold_name(name or "").split()
    if len(parts) < 2 or len(parts[-1]) < 3:
        return None
    return re.compile(r"(?<![^\W_])" + re.escape(parts[-1]))


def _variant_pattern(person: dict) -> re.Pattern | None:
    """Where a person's name appears in any common variant, in :class:`_Folded` text:
    first and last name in either order, any spacing, composition, accents or case
    (``Äijälä Sanna``, ``sanna_aijala``), initials (``S. Äijälä``, ``Äijälä S.``), the
    e-mail address and its local part (``sanna.aijala``)."""
    parts = _fold_name(person.get("name") or "").split()
    needles = set()
    if len(parts) >= 2:
        first, last = parts[0], parts[-1]
        needles |= {f"{first} {last}", f"{last} {first}", " ".join(parts), " ".join(reversed(parts))}
        if len(last) >= 3:
            needles |= {f"{first[0]} {last}", f"{last} {first[0]}"}
    email = _fold_name(person.get("email") or "")
    if email:
        needles.add(email)
        local = email.split("@")[0].strip()
        if len(local) >= 5 and " " in local:
            needles.add(local)
    needles = {n for n in needles if len(n) >= 3}
    if not needles:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True))
    # Initials must end where a word ends; full names may be inflected (Äijälän).
    return re.compile(r"(?<![^\W_])(?:" + alternatives + r")(?:(?<=\w\w\w)|(?![^\W_]))")


def _redact_variants(value: str, pattern: re.Pattern, marker: str) -> str:
    folded = _Folded(value)
    spans = [(m.start(), m.end()) for m in pattern.finditer(folded.text) if m.end() > m.start()]
    if not spans:
        return value
    out, last = [], 0
    for start, end in spans:
        begin, stop = folded.index[start], folded.index[end - 1] + 1
        while stop < len(value) and unicodedata.combining(value[stop]):
            stop += 1
        if begin < last:
            continue
        out.append(value[last:begin])
        out.append(marker)
        last = stop
    out.append(value[last:])
    return "".join(out)


def _drop_organisation(conn, oid: str) -> None:
    """Delete an organisation row (and references to it: people, if any, keep no link)."""
    orgs, actors = SQL_TABLES["organisations"], SQL_TABLES["actors"]
    conn.execute(actors.update().where(actors.c.organisation_id == oid).values(organisation_id=None))
    conn.execute(orgs.delete().where(orgs.c.organisation_id == oid))


def _name_parts(name) -> list[re.Pattern]:
    """Patterns for the first and last names alone, matched in :func:`fold` ed text."""
    parts = {fold(p) for p in re.split(r"[\s\-]+", str(name or "")) if len(p.strip(".,")) >= 3}
    return [re.compile(r"(?<![^\W_])" + re.escape(p)) for p in sorted(parts) if p]


def _other_tables(conn) -> list[sa.Table]:
    """Tables of the database that are not verkostolab's own (added by other tools)."""
    md = sa.MetaData()
    return [sa.Table(name, md, autoload_with=conn)
            for name in sorted(sa.inspect(conn).get_table_names()) if name not in SQL_TABLES]


def _text_columns(table: sa.Table) -> list[sa.Column]:
    return [c for c in table.columns if isinstance(c.type, sa.String)]


def _refers_to(table: sa.Table, person: dict):
    """Rows of ``table`` with a text cell equal to the person's id or e-mail."""
    values = [v for v in (person["actor_id"], person.get("email")) if v]
    cols = _text_columns(table)
    if not cols:
        return sa.false()
    return sa.or_(*(c.in_(values) for c in cols))


def _plain(value):
    """JSON-able: dates as ISO text, dicts and lists all the way down."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)

