"""Merging two stored actors, and the store's change log (part of
:class:`verkostolab.store.Store`).

:meth:`_Merging.merge_actors` makes two stored people one: everything of the other
person (participation, ties at either end, assessment answers, consent answer, the
empty fields of the kept row) moves to the kept id, and the other row is removed, in
one transaction.  Rows that would become duplicates (both at the same event, the same
answer to the same item, a tie between the two) are removed and counted.  A consent
*no* of either person is kept (the more private answer wins).  The store's notes hold
no actor id and are left as they are.  Every merge, and every merge a person declined
(:meth:`_Merging.log_change`), is written to the change log, the table
:data:`CHANGES_TABLE`.

>>> import os, tempfile
>>> from verkostolab.store import Store
>>> from verkostolab.tables.data import NetworkData
>>> import pandas as pd
>>> store = Store(os.path.join(tempfile.mkdtemp(), "m.sqlite"))
>>> from verkostolab.ingest import import_data
>>> _ = import_data(store, NetworkData(actors=pd.DataFrame({"actor_id": ["P1", "P2"],
...     "name": ["Sanna Äijälä", "Äijälä Sanna"], "email": [None, "sanna@x.fi"]})))
>>> store.merge_actors("P1", "P2")["moved"]["actors"]
1
>>> store.load().actors[["actor_id", "email"]].values.tolist()
[['P1', 'sanna@x.fi']]
>>> [c["kind"] for c in store.changes()]
['merge']
>>> store.close()
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from ..errors import StoreError
from .rights import lookup_actor, unknown_actor
from .sqlschema import CHANGES_TABLE, CONSENT_TABLE, SQL_TABLES, has_consent_table

__all__ = ["CHANGES_TABLE"]


class _Preview(Exception):
    """Raised inside the transaction of a preview so that nothing is written."""

    def __init__(self, result):
        self.result = result


class _Merging:
    """Merging stored actors and the change log (part of :class:`verkostolab.store.Store`)."""

    def merge_actors(self, keep, other, *, preview: bool = False) -> dict:
        """Merge the stored actor ``other`` into ``keep`` (ids, or a name or e-mail only
        one person has).  Returns ``{"keep": {actor_id, name, email}, "other": {...},
        "moved": {table: rows}, "removed": {table: rows}, "filled": [columns]}``;
        ``preview=True`` computes the same in a transaction that is rolled back."""
        if not self.exists():
            raise unknown_actor(keep, [], self._shown_url())
        shown = self._shown_url()

        def write(conn):
            kept = lookup_actor(conn, keep, shown)
            gone = lookup_actor(conn, other, shown)
            if kept["actor_id"] == gone["actor_id"]:
                raise StoreError("merge.same_actor", actor_id=kept["actor_id"])
            result = _merge(conn, kept, gone)
            if preview:
                raise _Preview(result)
            self._log(conn, "merge", kept, gone, {k: result[k] for k in ("moved", "removed", "filled")})
            return result

        self.create()
        try:
            return self._retrying(write, 5)
        except _Preview as done:
            return done.result

    def log_change(self, kind: str, actor: dict, other: dict, detail: dict | None = None) -> None:
        """Write one entry to the change log (``kind``: ``merge`` or ``decline``)."""
        self.create()
        with self.transaction() as conn:
            self._log(conn, kind, actor, other, detail or {})

    def _log(self, conn, kind, actor, other, detail) -> None:
        conn.execute(SQL_TABLES[CHANGES_TABLE].insert().values(
            at=dt.datetime.now(), kind=kind, actor_id=actor["actor_id"], other_id=other["actor_id"],
            actor_name=actor.get("name"), actor_email=actor.get("email"),
            other_name=other.get("name"), other_email=other.get("email"),
            detail=json.dumps(detail, ensure_ascii=False, default=str)))

    def changes(self, kind: str | None = None) -> list[dict]:
        """The change log, oldest first (``kind`` to choose one kind)."""
        if not self.exists():
            return []
        with self._reading() as conn:
            if not sa.inspect(conn).has_table(CHANGES_TABLE):
                return []
            table = SQL_TABLES[CHANGES_TABLE]
            query = sa.select(table).order_by(table.c.change_id)
            if kind is not None:
                query = query.where(table.c.kind == kind)
            return [dict(row._mapping) for row in conn.execute(query)]


def _merge(conn, kept: dict, gone: dict) -> dict:
    keep_id, gone_id = kept["actor_id"], gone["actor_id"]
    moved: dict[str, int] = {}
    removed: dict[str, int] = {}

    # participation: (event_id, actor_id) is the key
    part = SQL_TABLES["participation"]
    keep_events = sa.select(part.c.event_id).where(part.c.actor_id == keep_id)
    removed["participation"] = conn.execute(part.delete().where(
        part.c.actor_id == gone_id, part.c.event_id.in_(keep_events))).rowcount
    moved["participation"] = conn.execute(part.update().where(part.c.actor_id == gone_id)
                                          .values(actor_id=keep_id)).rowcount

    # ties: a tie between the two would tie the person to themselves
    ties = SQL_TABLES["ties"]
    removed["ties"] = conn.execute(ties.delete().where(
        sa.or_(sa.and_(ties.c.source == keep_id, ties.c.target == gone_id),
               sa.and_(ties.c.source == gone_id, ties.c.target == keep_id)))).rowcount
    moved["ties"] = conn.execute(ties.update().where(ties.c.source == gone_id)
                                 .values(source=keep_id)).rowcount
    moved["ties"] += conn.execute(ties.update().where(ties.c.target == gone_id)
                                  .values(target=keep_id)).rowcount

    # assessments: (respondent, round, item) is the key; the kept person's answer stays
    answers = SQL_TABLES["assessments"]
    mine = sa.select(answers.c.round, answers.c.item).where(answers.c.respondent == keep_id)
    kept_answers = {(r, i) for r, i in conn.execute(mine)}
    theirs = conn.execute(sa.select(answers.c.round, answers.c.item)
                          .where(answers.c.respondent == gone_id)).all()
    removed["assessments"] = 0
    for round_, item in theirs:
        if (round_, item) in kept_answers:
            removed["assessments"] += conn.execute(answers.delete().where(
                answers.c.respondent == gone_id, answers.c.round == round_,
                answers.c.item == item)).rowcount
    moved["assessments"] = conn.execute(answers.update().where(answers.c.respondent == gone_id)
                                        .values(respondent=keep_id)).rowcount

    # consent: the more private answer wins
    if has_consent_table(conn):
        consent = SQL_TABLES[CONSENT_TABLE]
        rows = {r.actor_id: r for r in conn.execute(
            sa.select(consent).where(consent.c.actor_id.in_([keep_id, gone_id])))}
        if gone_id in rows:
            if keep_id in rows:
                if rows[gone_id].consent is False and rows[keep_id].consent is not False:
                    conn.execute(consent.update().where(consent.c.actor_id == keep_id)
                                 .values(consent=False, at=rows[gone_id].at))
                removed[CONSENT_TABLE] = conn.execute(
                    consent.delete().where(consent.c.actor_id == gone_id)).rowcount
            else:
                moved[CONSENT_TABLE] = conn.execute(consent.update().where(
                    consent.c.actor_id == gone_id).values(actor_id=keep_id)).rowcount

    # the kept row gets the other's values where it has none; the other row goes
    actors = SQL_TABLES["actors"]
    filled = [c for c, v in gone.items()
              if c != "actor_id" and v not in (None, "") and kept.get(c) in (None, "")]
    if filled:
        conn.execute(actors.update().where(actors.c.actor_id == keep_id)
                     .values({c: gone[c] for c in filled}))
    moved["actors"] = conn.execute(actors.delete().where(actors.c.actor_id == gone_id)).rowcount
    return {"keep": _person(kept), "other": _person(gone),
            "moved": {k: v for k, v in moved.items() if v},
            "removed": {k: v for k, v in removed.items() if v}, "filled": filled}


def _person(row: dict) -> dict:
    return {"actor_id": row["actor_id"], "name": row.get("name"), "email": row.get("email")}
