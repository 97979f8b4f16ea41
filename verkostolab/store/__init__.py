"""The store: an embedded SQLite file by default, any SQLAlchemy URL otherwise.

* The SQLite file is created on first write, in WAL mode with a busy timeout, so that
  every Voilà kernel of a workshop can write at once.
* An import is one transaction: all rows or none.  Validation happens before anything
  is written, against what the store already holds.
* A participant's submission (:meth:`Store.submit`) is one short transaction, retried
  when the database is momentarily busy: nothing a participant sends is lost.
* The schema carries a version (table ``meta``).
* PostgreSQL (``postgresql+psycopg://user@host/db``) works the same way.  Writers take a
  transaction-level advisory lock first (:data:`PG_WRITE_LOCK`), the PostgreSQL analogue
  of SQLite's ``BEGIN IMMEDIATE``: write transactions run one at a time under READ
  COMMITTED, so what a writer reads (does this organisation exist yet?) stays true until
  it commits, and no two submissions create the same new organisation.  A writer waits
  for the lock at most :data:`BUSY_TIMEOUT_MS`; lock time-outs, deadlocks and
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
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import random
import re
import sqlite3
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numbers
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event as sa_event

from ..errors import InputError, Problem, StoreError
from ..i18n import t
from ..tables.schema import SCHEMA_VERSION, TABLE_ORDER, TABLES, fold, normalise_value

if TYPE_CHECKING:  # pandas and the tables load on first use: participants' pages start fast
    from ..tables.data import NetworkData

__all__ = ["Store", "ImportReport", "Submission", "TieAnswer", "default_store_url", "resolve_url",
           "PERSON_COLUMNS", "CONSENT_TABLE"]

_SQL_TYPES = {"id": sa.String, "text": sa.Text, "vocab": sa.String, "rating": sa.Integer,
              "number": sa.Float, "date": sa.DateTime}

#: How long a writer waits for another writer before giving up (SQLite busy timeout,
#: PostgreSQL lock timeout).
BUSY_TIMEOUT_MS = 60_000

#: Key of the PostgreSQL advisory lock that every write transaction takes first.
PG_WRITE_LOCK = 0x766C6162  # "vlab"

#: SQLSTATEs after which a PostgreSQL write transaction is tried again: serialization
#: failure, deadlock, lock time-out.  (A unique violation is not retried: under the write
#: lock two writers never insert the same new row, so one would be a real error.)
RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})

#: The columns that hold an actor's id, ``(table, column)``: :meth:`Store.forget` deletes
#: these rows.  (``tests/test_store.py`` checks that every reference to ``actors`` in
#: :mod:`verkostolab.tables.schema` is listed here.)
PERSON_COLUMNS = (("participation", "actor_id"), ("ties", "source"), ("ties", "target"),
                  ("assessments", "respondent"), ("actors", "actor_id"))

#: The table of participants' consent answers (see the module text).  Not in
#: :data:`PERSON_COLUMNS` (which mirrors :mod:`verkostolab.tables.schema`); :meth:`Store.forget`
#: deletes its row separately.
CONSENT_TABLE = "participant_consent"

#: Free-text columns from which :meth:`Store.forget` removes a person's name and e-mail
#: (names of other people, ``actors.name``, are left alone).  Columns of tables that are
#: not in :data:`SQL_TABLES` are all treated as free text.
FREE_TEXT_COLUMNS = {"organisations": ("name",), "actors": ("role", "keywords"),
                     "events": ("network", "title"), "goals": ("title", "indicator", "network"),
                     "notes": ("text",), "imports": ("source",), "meta": ("value",)}


def default_store_url() -> str:
    """``VERKOSTOLAB_STORE`` if set, else ``verkostolab.sqlite`` in the current folder."""
    return resolve_url(os.environ.get("VERKOSTOLAB_STORE") or "verkostolab.sqlite")


def resolve_url(url_or_path) -> str:
    """An SQLAlchemy URL from a URL or a plain file path (taken as an SQLite file).

    >>> resolve_url("sqlite:///x.db")
    'sqlite:///x.db'
    >>> resolve_url("/tmp/a.sqlite")
    'sqlite:////tmp/a.sqlite'
    """
    text = str(url_or_path)
    if re.match(r"^[a-z][a-z0-9+]*://", text):
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _metadata() -> tuple[sa.MetaData, dict[str, sa.Table]]:
    md = sa.MetaData()
    tables = {}
    for name in TABLE_ORDER:
        spec = TABLES[name]
        cols = []
        if not spec.key:
            cols.append(sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True))
        for col in spec.columns:
            cols.append(sa.Column(col.name, _SQL_TYPES[col.kind](), nullable=not col.required,
                                  primary_key=col.name in spec.key))
        if name == "ties":
            cols.append(sa.Column("submitted_at", sa.DateTime, nullable=True))
            tables[name] = sa.Table(name, md, *cols, sa.Index("ix_ties_source", "source"),
                                    sa.Index("ix_ties_target", "target"))
        elif name == "participation":
            tables[name] = sa.Table(name, md, *cols, sa.Index("ix_participation_actor", "actor_id"))
        else:
            tables[name] = sa.Table(name, md, *cols)
    tables["meta"] = sa.Table("meta", md, sa.Column("key", sa.String, primary_key=True),
                              sa.Column("value", sa.Text))
    tables["notes"] = sa.Table(
        "notes", md,
        sa.Column("note_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("round", sa.String),
        sa.Column("text", sa.Text, nullable=False),
    )
    tables["imports"] = sa.Table(
        "imports", md,
        sa.Column("import_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("counts", sa.Text),
    )
    tables[CONSENT_TABLE] = sa.Table(
        CONSENT_TABLE, md,
        sa.Column("actor_id", sa.String, primary_key=True),
        sa.Column("consent", sa.Boolean, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    return md, tables


METADATA, SQL_TABLES = _metadata()


@dataclass
class ImportReport:
    """What an import added (``new``) and left out as already present (``skipped``)."""

    source: str
    store: str
    new: dict[str, int]
    skipped: dict[str, int]
    #: ``(file, reason, count)``: what the readers left out on purpose
    left_out: list = field(default_factory=list)
    #: ``(reason, count)``: what merging actors changed (``identity.change.<reason>``)
    merged: list = field(default_factory=list)

    def render(self, lang: str | None = None) -> str:
        from ..tables.validation import render_left_out

        lines = [t("import.done", lang, source=self.source, store=self.store)]
        for table in TABLE_ORDER:
            if self.new.get(table) or self.skipped.get(table):
                lines.append(t("import.rows", lang, table=t(f"table.{table}", lang),
                               new=self.new.get(table, 0), skipped=self.skipped.get(table, 0)))
        lines += [f"  {line}" for line in render_left_out(self.left_out, lang)]
        lines += [f"  {t(f'identity.change.{reason}', lang, count=count)}"
                  for reason, count in self.merged if count]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"source": self.source, "store": self.store, "new": self.new,
                "skipped": self.skipped,
                "left_out": [{"file": f, "reason": r, "count": c} for f, r, c in self.left_out],
                "merged": {reason: int(count) for reason, count in self.merged}}


@dataclass
class TieAnswer:
    """One person named in a submission, and how well the submitter knows them."""

    target: str
    knowing: int | None = None
    trust: int | None = None
    commitment: int | None = None
    kind: str = "knows"


@dataclass
class Submission:
    """What a workshop participant sends: who they are and whom they know.

    Either ``actor_id`` (they picked themselves from the list) or ``name`` (they added
    themselves) must be given.  An organisation is matched by name, case and accents
    ignored, or created.  ``consent``: their answer to "may your name be shown on the
    wall and in reports?" (``None``: not asked, an earlier answer stays).
    """

    name: str | None = None
    actor_id: str | None = None
    organisation: str | None = None
    sector: str | None = None
    role: str | None = None
    keywords: str | None = None
    ties: list[TieAnswer] = field(default_factory=list)
    event_id: str | None = None
    consent: bool | None = None


def _slug(text: str, prefix: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:24] or prefix
    return f"{prefix}-{base}-{uuid.uuid4().hex[:6]}"


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
        return value.item()
    return value


def _records(frame) -> list[dict]:
    cols = list(frame.columns)
    return [{c: _python(v) for c, v in zip(cols, row)}
            for row in frame.itertuples(index=False, name=None)]


class Store:
    """The tables of one or more networks in a database.

    >>> import tempfile, os
    >>> store = Store(os.path.join(tempfile.mkdtemp(), "demo.sqlite"))
    >>> store.exists()
    False
    >>> store.load().is_empty()
    True
    """

    def __init__(self, url=None):
        self.url = resolve_url(url) if url is not None else default_store_url()
        self._engine: sa.Engine | None = None
        self._known_to_exist = False  # a server database, once seen, is not asked again

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # -- connection ----------------------------------------------------------------------
    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def path(self) -> Path | None:
        """The SQLite file, if this store is one."""
        if not self.is_sqlite:
            return None
        db = sa.engine.make_url(self.url).database
        return Path(db) if db and db != ":memory:" else None

    def exists(self) -> bool:
        if self.is_sqlite:
            return self.path is not None and self.path.exists() and self.path.stat().st_size > 0
        if self._known_to_exist:
            return True
        try:
            self._known_to_exist = sa.inspect(self.engine).has_table("meta")
            return self._known_to_exist
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError("error.store", url=self._shown_url(),
                             reason=str(exc).splitlines()[0]) from None

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            try:
                if self.is_sqlite:
                    engine = sa.create_engine(self.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
                    sa_event.listen(engine, "connect", _sqlite_connect)
                    sa_event.listen(engine, "begin", _sqlite_begin)
                elif self.is_postgresql:
                    engine = sa.create_engine(self.url, pool_pre_ping=True,
                                              isolation_level="READ COMMITTED")
                else:
                    engine = sa.create_engine(self.url, pool_pre_ping=True)
            except (sa.exc.ArgumentError, ImportError) as exc:
                raise StoreError("error.store", url=self.url, reason=str(exc)) from None
            self._engine = engine
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def is_postgresql(self) -> bool:
        return self.url.startswith("postgresql")

    @contextmanager
    def transaction(self):
        """One write transaction: ``BEGIN IMMEDIATE`` on SQLite, the advisory write lock
        (:data:`PG_WRITE_LOCK`) on PostgreSQL.

        A database error becomes a :class:`StoreError` whose ``retryable`` tells whether
        trying again may help (a locked file, a lock time-out, a deadlock).
        """
        try:
            with self.engine.begin() as conn:
                if self.is_postgresql:  # one round trip: the time-out, then the lock
                    conn.execute(sa.text("SELECT set_config('lock_timeout', :ms, true), "
                                         "pg_advisory_xact_lock(:key)"),
                                 {"ms": str(int(BUSY_TIMEOUT_MS)), "key": PG_WRITE_LOCK})
                yield conn
        except sa.exc.OperationalError as exc:
            error = StoreError("error.store", url=self._shown_url(),
                               reason=str(exc.orig if exc.orig else exc).splitlines()[0])
            error.retryable = _retryable(exc)
            raise error from exc

    @contextmanager
    def _reading(self):
        """A connection for reading; one REPEATABLE READ snapshot on PostgreSQL."""
        try:
            with self.engine.connect() as conn:
                if self.is_postgresql:
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                yield conn
        except sa.exc.OperationalError as exc:
            raise StoreError("error.store", url=self._shown_url(),
                             reason=str(exc.orig or exc).splitlines()[0]) from None

    def _shown_url(self) -> str:
        """The URL without its password (for messages and exports)."""
        try:
            return sa.engine.make_url(self.url).render_as_string(hide_password=True)
        except sa.exc.ArgumentError:
            return self.url

    def create(self) -> None:
        """Create the tables if they are not there (safe from many processes)."""
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.transaction() as conn:
            METADATA.create_all(conn)
            version = conn.execute(sa.select(SQL_TABLES["meta"].c.value)
                                   .where(SQL_TABLES["meta"].c.key == "schema_version")).scalar()
            if version is None:
                conn.execute(SQL_TABLES["meta"].insert(),
                             [{"key": "schema_version", "value": str(SCHEMA_VERSION)},
                              {"key": "created_at", "value": dt.datetime.now().isoformat()}])
            elif int(version) > SCHEMA_VERSION:
                raise StoreError("error.store", url=self.url,
                                 reason=t("error.schema_version", None, found=version,
                                          supported=SCHEMA_VERSION))

    def schema_version(self) -> int | None:
        if not self.exists():
            return None
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(SQL_TABLES["meta"].c.value)
                                 .where(SQL_TABLES["meta"].c.key == "schema_version")).scalar()
        return None if value is None else int(value)

    # -- reading -----------------------------------------------------------------------
    def load(self, *, conn=None, refused: bool = False) -> "NetworkData":
        """What the store holds as one :class:`NetworkData`: everything, except people who
        answered *no* to the consent question, with their participation, ties and
        assessment answers (see the module text).  ``refused=True`` includes them (for
        internal uses that must see every row, never for showing)."""
        from ..tables.data import NetworkData

        if conn is None and not self.exists():
            return NetworkData(source=self.url)
        if conn is None:
            with self._reading() as c:
                return self._load(c, refused=refused)
        return self._load(conn, refused=refused)

    def _load(self, conn, *, refused: bool = True) -> "NetworkData":
        """Every row (``refused=True``, for validating imports against the store) or the
        rows that may be shown (``refused=False``)."""
        import pandas as pd

        from ..tables.data import NetworkData

        hidden = set() if refused else self._refused_ids(conn)
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
        return NetworkData(frames, source=self.url)

    # -- consent -------------------------------------------------------------------------
    @staticmethod
    def _has_consent_table(conn) -> bool:
        return sa.inspect(conn).has_table(CONSENT_TABLE)

    def _refused_ids(self, conn) -> set[str]:
        """Ids of the people who answered *no* (none in a store without the table)."""
        if not self._has_consent_table(conn):
            return set()
        table = SQL_TABLES[CONSENT_TABLE]
        return set(conn.execute(sa.select(table.c.actor_id).where(table.c.consent.is_(False))).scalars())

    def _record_consent(self, conn, actor_id: str, consent: bool | None) -> None:
        """Upsert (or, for ``None``, delete) one answer; inside a write transaction, so
        that no other writer comes between the read and the write."""
        table = SQL_TABLES[CONSENT_TABLE]
        if not self._has_consent_table(conn):  # a store made before the table existed
            if consent is None:
                return
            table.create(conn, checkfirst=True)
        if consent is None:
            conn.execute(table.delete().where(table.c.actor_id == actor_id))
            return
        row = {"consent": bool(consent), "at": dt.datetime.now().replace(microsecond=0)}
        if conn.execute(sa.select(table.c.actor_id).where(table.c.actor_id == actor_id)).first() is None:
            conn.execute(table.insert().values(actor_id=actor_id, **row))
        else:
            conn.execute(table.update().where(table.c.actor_id == actor_id).values(**row))

    def set_consent(self, actor: str, consent: bool | None, *, retries: int = 8) -> str:
        """Record a person's consent answer (facilitators, scripts): ``True`` shows them,
        ``False`` hides them (see the module text), ``None`` removes the answer.

        ``actor`` is an id, or a name or e-mail that only one person has.  Returns the id.
        """
        if consent is not None and not isinstance(consent, bool):
            raise TypeError("consent must be True, False or None")
        if not self.exists():
            raise self._unknown_actor(actor, [])

        def write(conn):
            actor_id = self._find_actor(conn, actor)["actor_id"]
            self._record_consent(conn, actor_id, consent)
            return actor_id

        return self._retrying(write, retries)

    def consents(self) -> dict[str, bool]:
        """Every recorded answer: ``{actor_id: consent}``."""
        if not self.exists():
            return {}
        with self._reading() as conn:
            if not self._has_consent_table(conn):
                return {}
            table = SQL_TABLES[CONSENT_TABLE]
            return {aid: bool(value) for aid, value in conn.execute(sa.select(table.c.actor_id, table.c.consent))}

    def counts(self) -> dict[str, int]:
        if not self.exists():
            return {name: 0 for name in TABLE_ORDER}
        with self.engine.connect() as conn:
            return {name: conn.execute(sa.select(sa.func.count()).select_from(SQL_TABLES[name])).scalar()
                    for name in TABLE_ORDER}

    # -- importing ---------------------------------------------------------------------
    def import_files(self, paths, *, format: str = "auto", encoding: str | None = None,
                     merges=None) -> ImportReport:
        """Validate files against the store and import them in one transaction.

        Raises :class:`InputError` (listing every problem) and leaves the store as it
        was, or imports every row.  ``merges`` is a merge report reviewed by a person
        (see :meth:`propose_merges` and :mod:`verkostolab.tables.identity`): the actors it
        joins become one before anything is written, empty fields of stored actors are
        filled from the merged rows, and :attr:`ImportReport.merged` says what changed.
        """
        from ..tables.validation import validate

        raws, source = _read_raws(paths, format, encoding)

        def validate_against(existing):
            result = validate(raws, source=source, existing=existing)
            if merges is not None:
                result.merged = _merged(result, merges, existing)
            return result

        return self._import(validate_against, source)

    def propose_merges(self, paths, *, format: str = "auto", encoding: str | None = None,
                       lang: str | None = None):
        """Who in ``paths`` (and between them and the store) is probably one person
        under two names or accounts: a :class:`verkostolab.tables.identity.MergeProposal`.
        Nothing is written; raises :class:`InputError` for invalid files."""
        from ..tables.identity import propose_merges
        from ..tables.validation import validate

        raws, source = _read_raws(paths, format, encoding)
        if not self.exists():
            return propose_merges(validate(raws, source=source).data, lang=lang)
        with self._reading() as conn:
            existing = self._load(conn)
        result = validate(raws, source=source, existing=existing)
        return propose_merges(result.data, existing, lang=lang)

    def import_data(self, data: "NetworkData", *, source: str | None = None) -> ImportReport:
        """Import an already validated bundle (e.g. from another store or a generator)."""
        from ..tables.validation import RawTable, validate

        raws = []
        for name in TABLE_ORDER:
            frame = data.table(name)
            if frame.empty:
                continue
            records = frame.astype(object).where(frame.notna(), None).values.tolist()
            raws.append(RawTable.from_records(name, list(frame.columns), records,
                                              list(range(2, len(frame) + 2)),
                                              file=source or data.source or "data"))
        source = source or data.source or "data"
        return self._import(lambda existing: validate(raws, source=source, existing=existing), source)

    def _import(self, validate_against, source: str) -> ImportReport:
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
        return ImportReport(source, self.url, result.data.counts(), result.skipped, result.left_out,
                            result.merged.changes if result.merged is not None else [])

    def _insert(self, conn, data: "NetworkData", *, submitted_at=None) -> None:
        for name in TABLE_ORDER:
            frame = data.table(name)
            if frame.empty:
                continue
            if name == "ties" and submitted_at is not None:
                frame["submitted_at"] = submitted_at
            conn.execute(SQL_TABLES[name].insert(), _records(frame))

    # -- submissions -------------------------------------------------------------------
    def submit(self, submission: Submission, *, retries: int = 8) -> dict:
        """Store one participant's submission in one transaction; return the ids used.

        Checked before writing (ratings 1-5, known people, a name or an id); retried with
        back-off while another kernel holds the write lock, so that none is lost.
        """
        if not self.exists():
            self.create()
        return self._retrying(lambda conn: self._submit(conn, submission), retries)

    def _submit(self, conn, sub: Submission) -> dict:
        actors = SQL_TABLES["actors"]
        orgs = SQL_TABLES["organisations"]
        problems: list[Problem] = []
        where = "submission"
        sector = None
        if sub.sector:
            sector = normalise_value("sector", sub.sector)
            if sector is None:
                problems.append(Problem("invalid_value", file=where, column="sector",
                                        value=sub.sector, params={"allowed": "public, private, third_sector, research, education, politics, other"}))
        actor_id = sub.actor_id
        if actor_id:
            if conn.execute(sa.select(actors.c.actor_id).where(actors.c.actor_id == actor_id)).first() is None:
                problems.append(Problem("unknown_reference", file=where, column="actor_id",
                                        value=actor_id, params={"table": "actors"}))
        elif not (sub.name and sub.name.strip()):
            problems.append(Problem("required_value", file=where, column="name"))
        targets = [tie.target for tie in sub.ties]
        known = set()
        if targets:
            known = {r[0] for r in conn.execute(sa.select(actors.c.actor_id)
                                                 .where(actors.c.actor_id.in_(targets)))}
        for i, tie in enumerate(sub.ties, start=1):
            if tie.target not in known:
                problems.append(Problem("unknown_reference", file=where, row=i, column="target",
                                        value=tie.target, params={"table": "actors"}))
            if actor_id and tie.target == actor_id:
                problems.append(Problem("self_tie", file=where, row=i, column="target", value=actor_id))
            for dim in ("knowing", "trust", "commitment"):
                v = getattr(tie, dim)
                if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Integral)
                                      or not 1 <= int(v) <= 5):
                    problems.append(Problem("invalid_rating", file=where, row=i, column=dim, value=v))
            if normalise_value("tie_kind", tie.kind) is None:
                problems.append(Problem("invalid_value", file=where, row=i, column="kind",
                                        value=tie.kind, params={"allowed": "knows, ..."}))
        if sub.event_id:
            events = SQL_TABLES["events"]
            if conn.execute(sa.select(events.c.event_id).where(events.c.event_id == sub.event_id)).first() is None:
                problems.append(Problem("unknown_reference", file=where, column="event_id",
                                        value=sub.event_id, params={"table": "events"}))
        if problems:
            raise InputError(problems, source=where)

        now = dt.datetime.now().replace(microsecond=0)
        org_id = None
        if sub.organisation and sub.organisation.strip():
            wanted = fold(sub.organisation)
            for oid, oname in conn.execute(sa.select(orgs.c.organisation_id, orgs.c.name)):
                if fold(oname) == wanted or oid == sub.organisation:
                    org_id = oid
                    break
            if org_id is None:
                org_id = _slug(sub.organisation, "org")
                conn.execute(orgs.insert().values(organisation_id=org_id,
                                                  name=sub.organisation.strip(), sector=sector))
        if not actor_id:
            actor_id = _slug(sub.name, "p")
            conn.execute(actors.insert().values(actor_id=actor_id, name=sub.name.strip(),
                                                organisation_id=org_id, role=sub.role,
                                                keywords=sub.keywords))
            if any(tie.target == actor_id for tie in sub.ties):  # pragma: no cover - new ids are fresh
                raise AssertionError("self tie")
        else:
            changes = {k: v for k, v in {"organisation_id": org_id, "role": sub.role,
                                         "keywords": sub.keywords}.items() if v}
            if changes:
                conn.execute(actors.update().where(actors.c.actor_id == actor_id).values(**changes))
        if sub.event_id:
            part = SQL_TABLES["participation"]
            exists = conn.execute(sa.select(part.c.actor_id).where(
                (part.c.event_id == sub.event_id) & (part.c.actor_id == actor_id))).first()
            if exists is None:
                conn.execute(part.insert().values(event_id=sub.event_id, actor_id=actor_id))
        rows = [{"source": actor_id, "target": tie.target, "event_id": sub.event_id,
                 "kind": normalise_value("tie_kind", tie.kind),
                 "knowing": tie.knowing, "trust": tie.trust, "commitment": tie.commitment,
                 "weight": None, "date": now, "submitted_at": now}
                for tie in sub.ties]
        if rows:
            conn.execute(SQL_TABLES["ties"].insert(), rows)
        if sub.consent is not None:
            self._record_consent(conn, actor_id, bool(sub.consent))
        return {"actor_id": actor_id, "organisation_id": org_id, "ties": len(rows)}

    # -- small reads and writes for the workshop apps (no pandas needed) ----------------
    def actor_choices(self, *, refused: bool = False) -> list[dict]:
        """Everyone in the store: ``actor_id``, ``name``, ``organisation``, ``sector``,
        sorted by name (for pick lists); people who answered *no* to the consent question
        only with ``refused=True``."""
        if not self.exists():
            return []
        a, o = SQL_TABLES["actors"], SQL_TABLES["organisations"]
        query = (sa.select(a.c.actor_id, a.c.name, o.c.name.label("organisation"), o.c.sector)
                 .select_from(a.outerjoin(o, a.c.organisation_id == o.c.organisation_id)))
        with self.engine.connect() as conn:
            hidden = set() if refused else self._refused_ids(conn)
            rows = [dict(r._mapping) for r in conn.execute(query) if r.actor_id not in hidden]
        return sorted(rows, key=lambda r: (fold(r["name"] or ""), r["actor_id"]))

    def organisation_names(self) -> list[str]:
        if not self.exists():
            return []
        o = SQL_TABLES["organisations"]
        with self.engine.connect() as conn:
            return sorted((r[0] for r in conn.execute(sa.select(o.c.name)) if r[0]), key=fold)

    def change_token(self) -> tuple:
        """Cheap to read; changes whenever anything is added or removed (for polling)."""
        if not self.exists():
            return ()
        with self.engine.connect() as conn:
            parts = []
            for name in ("actors", "ties", "participation", "assessments", "events"):
                table = SQL_TABLES[name]
                parts.append(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar())
            parts.append(conn.execute(sa.select(sa.func.max(SQL_TABLES["ties"].c.row_id))).scalar())
            if self._has_consent_table(conn):  # an answer changed: who is shown may change
                consent = SQL_TABLES[CONSENT_TABLE]
                parts.append(tuple(conn.execute(sa.select(
                    sa.func.count(), sa.func.max(consent.c.at),
                    sa.func.sum(sa.case((consent.c.consent.is_(False), 1), else_=0)))).one()))
        return tuple(parts)

    def add_answers(self, respondent: str, round: str, answers: dict, *, retries: int = 8) -> int:
        """Store one respondent's assessment answers (item code → 1–5) for ``round``.

        Answering again replaces that respondent's earlier answers of the round.
        """
        problems = []
        if not respondent:
            problems.append(Problem("required_value", file="submission", column="respondent"))
        for item, value in answers.items():
            if normalise_value("assessment_item", item) != item:
                problems.append(Problem("invalid_value", file="submission", column="item", value=item,
                                        params={"allowed": "knowing.person, ..."}))
            if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Integral)
                                      or not 1 <= int(value) <= 5):
                problems.append(Problem("invalid_rating", file="submission", column=item, value=value))
        if problems:
            raise InputError(problems, source="submission")
        if not self.exists():
            self.create()
        table = SQL_TABLES["assessments"]
        now = dt.datetime.now().replace(microsecond=0)
        rows = [{"respondent": respondent, "round": str(round), "item": item,
                 "value": None if value is None else int(value), "date": now}
                for item, value in answers.items()]

        def write(conn):
            conn.execute(table.delete().where((table.c.respondent == respondent)
                                              & (table.c.round == str(round))
                                              & table.c.item.in_(list(answers))))
            if rows:
                conn.execute(table.insert(), rows)
            return len(rows)

        return self._retrying(write, retries)

    def add_note(self, text: str, *, round: str | None = None) -> int:
        """Save a reflection note of the group (impact review)."""
        if not (text and text.strip()):
            raise InputError([Problem("required_value", file="submission", column="text")],
                             source="submission")
        if not self.exists():
            self.create()
        table = SQL_TABLES["notes"]

        def write(conn):
            result = conn.execute(table.insert().values(created_at=dt.datetime.now().replace(microsecond=0),
                                                        round=round, text=text.strip()))
            return result.inserted_primary_key[0]

        return self._retrying(write, 8)

    def notes(self) -> list[dict]:
        if not self.exists():
            return []
        table = SQL_TABLES["notes"]
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(table).order_by(table.c.note_id))]

    def delete_submission(self, actor_id: str) -> int:
        """Remove the ties an actor submitted in a workshop (facilitator action)."""
        ties = SQL_TABLES["ties"]

        def write(conn):
            return conn.execute(ties.delete().where((ties.c.source == actor_id)
                                                    & ties.c.submitted_at.is_not(None))).rowcount

        return self._retrying(write, 8) if self.exists() else 0

    def reset_submissions(self) -> int:
        """Remove every tie submitted in workshops, keeping imported data (facilitator action)."""
        ties = SQL_TABLES["ties"]

        def write(conn):
            return conn.execute(ties.delete().where(ties.c.submitted_at.is_not(None))).rowcount

        return self._retrying(write, 8) if self.exists() else 0

    # -- personal data: the rights of access and erasure ---------------------------------
    def find_actor(self, actor: str) -> dict:
        """The stored row of the person ``actor`` names: an id, or a name (case and accents
        ignored) or e-mail that only one person has.

        Raises :class:`StoreError` for an unknown person (suggesting close names) or a
        name that several people share (listing their ids).
        """
        if not self.exists():
            raise self._unknown_actor(actor, [])
        with self._reading() as conn:
            return self._find_actor(conn, actor)

    def _find_actor(self, conn, ref) -> dict:
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
            raise StoreError("privacy.error.ambiguous_actor", actor=ref, store=self._shown_url(),
                             ids=", ".join(sorted(h["actor_id"] for h in hits)))
        raise self._unknown_actor(ref, everyone)

    def _unknown_actor(self, ref, everyone: list[dict]) -> StoreError:
        labels = {}
        for r in everyone:
            label = f"{r['name']} ({r['actor_id']})"
            labels.setdefault(fold(r["name"] or ""), label)
            labels.setdefault(fold(r["actor_id"]), label)
        close = difflib.get_close_matches(fold(ref), list(labels), n=5, cutoff=0.6)
        suggestions = list(dict.fromkeys(labels[c] for c in close))[:3]
        if suggestions:
            return StoreError("privacy.error.unknown_actor_suggest", actor=str(ref).strip(),
                              store=self._shown_url(), suggestions=", ".join(suggestions))
        return StoreError("privacy.error.unknown_actor", actor=str(ref).strip(),
                          store=self._shown_url())

    def export_person(self, actor: str) -> dict:
        """Everything the store holds about one person, as JSON-able data (the right of
        access): their row and organisation, the events they took part in, their ties both
        ways with the other person's name, their assessment answers, their consent answer
        (``consent``: ``{"consent", "at"}`` or ``None``), the notes that name them, and rows
        of any other table that refer to them.  People who answered *no* are included.

        ``actor`` is an id, or a name or e-mail that only one person has.
        """
        if not self.exists():
            raise self._unknown_actor(actor, [])
        a, o, e = SQL_TABLES["actors"], SQL_TABLES["organisations"], SQL_TABLES["events"]
        part, ties, answers = SQL_TABLES["participation"], SQL_TABLES["ties"], SQL_TABLES["assessments"]
        with self._reading() as conn:
            person = self._find_actor(conn, actor)
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
            if self._has_consent_table(conn):
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
            raise self._unknown_actor(actor, [])
        marker = t("privacy.redacted", lang)

        def write(conn):
            person = self._find_actor(conn, actor)
            pid = person["actor_id"]
            removed: dict[str, int] = {}
            for name, column in PERSON_COLUMNS:
                table = SQL_TABLES[name]
                count = conn.execute(table.delete().where(table.c[column] == pid)).rowcount
                removed[name] = removed.get(name, 0) + count
            if self._has_consent_table(conn):
                consent = SQL_TABLES[CONSENT_TABLE]
                count = conn.execute(consent.delete().where(consent.c.actor_id == pid)).rowcount
                if count:
                    removed[CONSENT_TABLE] = count
            extra = _other_tables(conn)
            for table in extra:
                count = conn.execute(table.delete().where(_refers_to(table, person))).rowcount
                if count:
                    removed[table.name] = count
            redacted: dict[str, int] = {}
            pattern = _person_pattern(person)
            columns = [(SQL_TABLES[name], cols) for name, cols in FREE_TEXT_COLUMNS.items()]
            columns += [(table, [c.name for c in _text_columns(table) if not c.primary_key])
                        for table in extra]
            for table, cols in columns:
                for col in cols:
                    column = table.c[col]
                    values = conn.execute(sa.select(column).distinct().where(column.is_not(None))).scalars()
                    for value in list(values):
                        new = pattern.sub(marker, value) if pattern is not None else value
                        if new != value:
                            count = conn.execute(table.update().where(column == value)
                                                 .values({col: new})).rowcount
                            redacted[table.name] = redacted.get(table.name, 0) + count
            notes = SQL_TABLES["notes"]
            parts = _name_parts(person["name"])
            to_check = [nid for nid, text in conn.execute(sa.select(notes.c.note_id, notes.c.text)
                                                          .order_by(notes.c.note_id))
                        if any(p.search(fold(text or "")) for p in parts)]
            return {"actor_id": pid, "name": person["name"], "removed": removed,
                    "redacted": redacted, "to_check": {"notes": to_check}}

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

    def _retrying(self, write, retries: int):
        delay = 0.05
        for attempt in range(retries + 1):
            try:
                with self.transaction() as conn:
                    return write(conn)
            except StoreError as exc:
                if not getattr(exc, "retryable", False) or attempt == retries:
                    raise
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")  # pragma: no cover


def _read_raws(paths, format, encoding):
    from ..io import read_raws

    return read_raws(paths, format=format, encoding=encoding)


def _merged(result, merges, existing):
    """Apply a reviewed merge report to validated new data (``result.data`` is replaced)."""
    from ..io.merges import read_merges
    from ..tables.identity import apply_merges

    existing = existing if existing is not None and not existing.actors.empty else None
    applied = apply_merges(result.data, read_merges(merges, result.data, existing=existing),
                           existing=existing)
    if applied.store_renamed:
        raise StoreError("import.merge.stored_ids", path=str(merges),
                         ids=", ".join(f"{a} → {b}" for a, b in sorted(applied.store_renamed.items())))
    result.data = applied.data
    return applied


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


def _person_pattern(person: dict) -> re.Pattern | None:
    """Where a person's full name or e-mail starts inside free text (case ignored; the
    end is left open so that inflected Finnish forms, *Äijä Öhmanin*, are found too)."""
    needles = sorted({str(person.get(k) or "").strip() for k in ("name", "email")} - {""},
                     key=len, reverse=True)
    if not needles:
        return None
    alternatives = [re.escape(n) + (r"(?!\w)" if len(n) < 4 else "") for n in needles]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


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


def _retryable(exc: sa.exc.DBAPIError) -> bool:
    """Whether trying the transaction again may succeed (see :data:`RETRY_SQLSTATES`)."""
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)  # psycopg 3 or 2
    if state is not None:
        return state in RETRY_SQLSTATES
    text = str(orig or exc).lower()
    return "locked" in text or "busy" in text


def _sqlite_connect(dbapi_conn, _record):
    # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE itself (the documented recipe).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    for _ in range(50):
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            break
        except Exception as exc:  # another process is switching the mode right now
            if "locked" not in str(exc):
                raise
            time.sleep(0.1)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn):
    conn.exec_driver_sql("BEGIN IMMEDIATE")
