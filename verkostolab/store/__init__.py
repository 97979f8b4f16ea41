"""The store: an embedded SQLite file by default, any SQLAlchemy URL otherwise.

* The SQLite file is created on first write, in WAL mode with a busy timeout, so that
  every Voilà kernel of a workshop can write at once.
* An import (:mod:`verkostolab.ingest`) is one transaction, :meth:`Store.write_tables`:
  all rows or none.  Validation happens before anything is written, against what the
  store already holds.
* A participant's submission (:meth:`Store.submit`) is one short transaction, retried
  when the database is momentarily busy: nothing a participant sends is lost.
* The schema carries a version (table ``meta``).
* PostgreSQL (``postgresql+psycopg://user@host/db``) works the same way.  Writers take a
  transaction-level advisory lock first (:data:`PG_WRITE_LOCK`), the PostgreSQL analogue
  of SQLite's ``BEGIN IMMEDIATE``: write transactions run one at a time under READ
  COMMITTED, so what a writer reads (does this organisation exist yet?) stays true until
  it commits, and no two submissions create the same new organisation.  A writer waits
  for the lock at most :data:`.engine.BUSY_TIMEOUT_MS`; lock time-outs, deadlocks and
  serialization failures are retried like a locked SQLite file.  Readers take no lock:
  :meth:`Store.load` reads one REPEATABLE READ snapshot.
* :meth:`Store.forget` erases a person (the right to erasure) and
  :meth:`Store.export_person` returns everything stored about them (the right of access).
* Consent: a participant of the mapping app answers whether their name may be shown on
  the wall and in reports; the answer is kept per person in the table
  :data:`CONSENT_TABLE` (``actor_id``, ``consent``, ``at``).  An explicit *no* hides the
  person: :meth:`Store.load` (and so the wall, reports, notebooks, measures and exports
  made from the store) leaves out them, their participation, every tie they are at
  either end of and their assessment answers, and :meth:`Store.actor_choices` leaves them
  off pick lists.  Their rows stay stored (nothing they typed is lost) and a later *yes*
  shows them again.  People without an answer (imported from files, the sample network)
  are shown: they were collected under the network's own lawful basis; only a *no*
  hides.  A store made before the table existed gets it with the first answer.

The parts of :class:`Store`, one module each:

* :mod:`.engine`: URLs, the engine, SQLite's pragmas and WAL, PostgreSQL's write lock,
  transactions and retries;
* :mod:`.sqlschema`: the SQL tables, the schema version, :meth:`Store.create`;
* :mod:`.workshop`: the workshop's writes (submissions, consent, assessment answers,
  notes) and the apps' small reads;
* :mod:`.rights`: a person's rights of access and erasure;
* here: reading everything (:meth:`Store.load`, :meth:`Store.counts`) and writing
  validated tables (:meth:`Store.write_tables`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Callable

import sqlalchemy as sa

from ..tables.schema import TABLE_ORDER, TABLES
from .engine import PG_WRITE_LOCK, default_store_url, resolve_url, shown_url
from .merging import _Merging
from .rights import FREE_TEXT_COLUMNS, _Rights
from .sqlschema import CLAIMS_TABLE, CONSENT_TABLE, METADATA, PERSON_COLUMNS, SQL_TABLES, refused_ids
from .room import PHASES, RoomError, _Room
from .workshop import NotYours, Submission, TieAnswer, _WorkshopWrites

if TYPE_CHECKING:  # pandas and the tables load on first use: participants' pages start fast
    from ..tables.data import NetworkData
    from ..tables.validation import ValidationResult

__all__ = ["Store", "Submission", "TieAnswer", "default_store_url", "resolve_url",
           "PERSON_COLUMNS", "CONSENT_TABLE", "CLAIMS_TABLE", "NotYours", "SQL_TABLES", "METADATA",
           "FREE_TEXT_COLUMNS", "PG_WRITE_LOCK", "shown_url", "PHASES", "RoomError"]


def _python(value):
    """A value SQL drivers accept: no NaN, NA, NaT or numpy scalars."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isinf(value):  # never stored: igraph aborts on it
        raise ValueError(f"an infinite number cannot be stored: {value}")
    return value


def _records(frame) -> list[dict]:
    cols = list(frame.columns)
    return [{c: _python(v) for c, v in zip(cols, row)}
            for row in frame.itertuples(index=False, name=None)]


class Store(_Room, _WorkshopWrites, _Rights, _Merging):
    """The tables of one or more networks in a database.

    >>> import tempfile, os
    >>> store = Store(os.path.join(tempfile.mkdtemp(), "demo.sqlite"))
    >>> store.exists()
    False
    >>> store.load().is_empty()
    True
    """

    # -- reading -----------------------------------------------------------------------
    def load(self, *, conn=None, refused: bool = False) -> "NetworkData":
        """What the store holds as one :class:`NetworkData`: everything, except people who
        answered *no* to the consent question, with their participation, ties and
        assessment answers (see the module text).  ``refused=True`` includes them (for
        internal uses that must see every row, never for showing)."""
        from ..tables.data import NetworkData

        if conn is None and not self.exists():
            return NetworkData(source=self._shown_url())
        if conn is None:
            with self._reading() as c:
                return self._load(c, refused=refused)
        return self._load(conn, refused=refused)

    def _load(self, conn, *, refused: bool = True) -> "NetworkData":
        """Every row (``refused=True``, for validating imports against the store) or the
        rows that may be shown (``refused=False``)."""
        import pandas as pd

        from ..tables.data import NetworkData

        hidden = set() if refused else refused_ids(conn)
        frames = {}
        for name in TABLE_ORDER:
            table = SQL_TABLES[name]
            cols = [table.c[c] for c in TABLES[name].column_names]
            order = [table.c.row_id] if "row_id" in table.c else []
            rows = conn.execute(sa.select(*cols).order_by(*order)).all()
            frame = pd.DataFrame(rows, columns=TABLES[name].column_names)
            if hidden:
                keep = pd.Series(True, index=frame.index)
                for column in (c for t, c in PERSON_COLUMNS if t == name):
                    keep &= ~frame[column].isin(hidden)
                frame = frame[keep].reset_index(drop=True)
            frames[name] = frame
        return NetworkData(frames, source=self._shown_url())

    def counts(self) -> dict[str, int]:
        if not self.exists():
            return {name: 0 for name in TABLE_ORDER}
        with self.engine.connect() as conn:
            return {name: conn.execute(sa.select(sa.func.count()).select_from(SQL_TABLES[name])).scalar()
                    for name in TABLE_ORDER}

    # -- writing validated tables (verkostolab.ingest) -----------------------------------
    def write_tables(self, validate_against: Callable[["NetworkData | None"], "ValidationResult"],
                     source: str) -> "ValidationResult":
        """Write new rows in one transaction, validated against what the store holds.

        ``validate_against(existing)`` returns a
        :class:`verkostolab.tables.validation.ValidationResult` or raises (an
        :class:`~verkostolab.errors.InputError` listing every problem).  For a store that
        does not exist yet it is called first with ``None``, so that bad input creates no
        file; then inside the write transaction with every stored row (people who answered
        *no* included), so that nothing changes between the check and the write.  Its
        ``data`` is inserted, the empty fields of stored actors are filled from
        ``merged.store_fills`` (if actors were merged) and the import is logged in the
        table ``imports`` under ``source``.  All of it or, on any error, nothing.
        Returns the result.
        """
        if not self.exists():
            validate_against(None)  # refuse bad input before the file is created
            self.create()
        with self.transaction() as conn:
            existing = self._load(conn)
            result = validate_against(existing)
            self._insert(conn, result.data)
            if result.merged is not None:
                _fill_actors(conn, result.merged.store_fills)
            conn.execute(SQL_TABLES["imports"].insert().values(
                at=dt.datetime.now(), source=source,
                counts=json.dumps(result.data.counts())))
        return result

    def replace_goals(self, goals, source: str = "goals") -> int:
        """Replace the stored goals with ``goals`` (a goals table; validated first, an
        :class:`~verkostolab.errors.InputError` lists every problem and nothing
        changes), in one transaction, logged in ``imports``.  Returns how many goals
        the store now holds.  Agreed goals change as a whole: phase 2 of the cycle."""
        from ..tables.validation import RawTable, validate

        records = goals.astype(object).where(goals.notna(), None).values.tolist()
        raw = RawTable.from_records("goals", list(goals.columns), records,
                                    list(range(2, len(goals) + 2)), file=source)
        frame = validate([raw], source=source).data.goals
        if not self.exists():
            self.create()
        with self.transaction() as conn:
            conn.execute(SQL_TABLES["goals"].delete())
            if len(frame):
                conn.execute(SQL_TABLES["goals"].insert(), _records(frame))
            conn.execute(SQL_TABLES["imports"].insert().values(
                at=dt.datetime.now(), source=source, counts=json.dumps({"goals": len(frame)})))
        return len(frame)

    def _insert(self, conn, data: "NetworkData") -> None:
        for name in TABLE_ORDER:
            frame = data.table(name)
            if frame.empty:
                continue
            conn.execute(SQL_TABLES[name].insert(), _records(frame))


def _fill_actors(conn, fills) -> None:
    """Fill empty fields of stored actors (never overwrite a value)."""
    if fills is None or len(fills) == 0:
        return
    actors = SQL_TABLES["actors"]
    for record in fills.to_dict("records"):
        actor_id = record.pop("actor_id")
        for column, value in record.items():
            if value is None or (isinstance(value, float) and value != value):
                continue
            conn.execute(actors.update()
                         .where(actors.c.actor_id == actor_id, actors.c[column].is_(None))
                         .values({column: value}))

