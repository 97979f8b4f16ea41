"""The store's SQL schema: one SQLAlchemy table for each table of
:mod:`verkostolab.tables.schema` (plus ``meta``, ``notes``, ``imports`` and the consent
answers, :data:`CONSENT_TABLE`), the schema version in ``meta`` and :meth:`_Schema.create`.

>>> sorted(set(SQL_TABLES) - set(TABLE_ORDER))
['changes', 'imports', 'meta', 'notes', 'participant_claims', 'participant_consent']
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..errors import StoreError
from ..i18n import t
from ..tables.schema import SCHEMA_VERSION, TABLE_ORDER, TABLES
from .engine import _Engine

__all__ = ["METADATA", "SQL_TABLES", "PERSON_COLUMNS", "CONSENT_TABLE", "CHANGES_TABLE", "CLAIMS_TABLE",
           "has_consent_table",
           "refused_ids"]

_SQL_TYPES = {"id": sa.String, "text": sa.Text, "vocab": sa.String, "rating": sa.Integer,
              "number": sa.Float, "date": sa.DateTime}

#: The columns that hold an actor's id, ``(table, column)``: :meth:`Store.forget` deletes
#: these rows and :meth:`Store.load` leaves out those of people who answered *no*.
#: (``tests/test_store.py`` checks that every reference to ``actors`` in
#: :mod:`verkostolab.tables.schema` is listed here.)
PERSON_COLUMNS = (("participation", "actor_id"), ("ties", "source"), ("ties", "target"),
                  ("assessments", "respondent"), ("actors", "actor_id"))

#: The table of participants' consent answers (see :mod:`verkostolab.store`).  Not in
#: :data:`PERSON_COLUMNS` (which mirrors :mod:`verkostolab.tables.schema`); :meth:`Store.forget`
#: deletes its row separately.
CONSENT_TABLE = "participant_consent"

#: The change log: merges of stored actors and merges a person declined
#: (:mod:`verkostolab.store.merging`); a declined pair is not proposed again while both
#: people keep the name and e-mail they had when it was declined.
CHANGES_TABLE = "changes"
#: Which workshop page owns a person's answers: ``scope`` is ``mapping`` (the person and
#: their consent) or ``evaluation`` (their assessment answers); ``owner`` is the random
#: token of the page (kernel) that created or first claimed the person.  Another page may
#: not change those answers; the facilitator (the Python API without a token) may.
CLAIMS_TABLE = "participant_claims"


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
    tables[CHANGES_TABLE] = sa.Table(
        CHANGES_TABLE, md,
        sa.Column("change_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("kind", sa.String, nullable=False),  # merge | decline
        sa.Column("actor_id", sa.String, nullable=False),
        sa.Column("other_id", sa.String, nullable=False),
        sa.Column("actor_name", sa.Text), sa.Column("actor_email", sa.Text),
        sa.Column("other_name", sa.Text), sa.Column("other_email", sa.Text),
        sa.Column("detail", sa.Text),
    )
    tables[CLAIMS_TABLE] = sa.Table(
        CLAIMS_TABLE, md,
        sa.Column("actor_id", sa.String, primary_key=True),
        sa.Column("scope", sa.String, primary_key=True),
        sa.Column("owner", sa.String, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    return md, tables


METADATA, SQL_TABLES = _metadata()


def has_consent_table(conn) -> bool:
    """Whether the store has :data:`CONSENT_TABLE` (a store made before it has not)."""
    return sa.inspect(conn).has_table(CONSENT_TABLE)


def refused_ids(conn) -> set[str]:
    """Ids of the people who answered *no* (none in a store without the table)."""
    if not has_consent_table(conn):
        return set()
    table = SQL_TABLES[CONSENT_TABLE]
    return set(conn.execute(sa.select(table.c.actor_id).where(table.c.consent.is_(False))).scalars())


class _Schema(_Engine):
    """Creating the tables and reading the schema version (part of :class:`verkostolab.store.Store`)."""

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
                raise StoreError("error.store", url=self._shown_url(),
                                 reason=t("error.schema_version", None, found=version,
                                          supported=SCHEMA_VERSION))

    def schema_version(self) -> int | None:
        if not self.exists():
            return None
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(SQL_TABLES["meta"].c.value)
                                 .where(SQL_TABLES["meta"].c.key == "schema_version")).scalar()
        return None if value is None else int(value)
