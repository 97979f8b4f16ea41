"""The store's connection: URLs, the engine, transactions and retries.

* A plain path is an SQLite file (:func:`resolve_url`); ``VERKOSTOLAB_STORE`` names the
  default store (:func:`default_store_url`).  Messages and exports show the URL without
  its password (:meth:`_Engine._shown_url`).
* SQLite: a busy timeout, WAL mode and ``BEGIN IMMEDIATE`` for every transaction, so that
  every Voilà kernel of a workshop can write at once.
* PostgreSQL: every write transaction takes the advisory lock :data:`PG_WRITE_LOCK` first
  (READ COMMITTED, at most :data:`BUSY_TIMEOUT_MS`); readers read one REPEATABLE READ
  snapshot.
* :meth:`_Engine._retrying` runs a write again, with back-off, while the database is
  momentarily busy (:func:`_retryable`).
"""

from __future__ import annotations

import os
import random
import re
import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event as sa_event

from ..errors import StoreError

__all__ = ["BUSY_TIMEOUT_MS", "PG_WRITE_LOCK", "RETRY_SQLSTATES", "default_store_url",
           "resolve_url", "shown_url"]

#: How long a writer waits for another writer before giving up (SQLite busy timeout,
#: PostgreSQL lock timeout).
BUSY_TIMEOUT_MS = 60_000

#: Key of the PostgreSQL advisory lock that every write transaction takes first.
PG_WRITE_LOCK = 0x766C6162  # "vlab"

#: SQLSTATEs after which a PostgreSQL write transaction is tried again: serialization
#: failure, deadlock, lock time-out.  (A unique violation is not retried: under the write
#: lock two writers never insert the same new row, so one would be a real error.)
RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


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


_PASSWORD = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):([^@]*)@")


def shown_url(url) -> str:
    """The one way a store URL is shown anywhere (reports, ``info``, errors, JSON, the
    workshop banner, exports): without its password.

    >>> shown_url("postgresql+psycopg://user:secret@127.0.0.1:5432/db")
    'postgresql+psycopg://user:***@127.0.0.1:5432/db'
    >>> shown_url("sqlite:////tmp/a.sqlite")
    'sqlite:////tmp/a.sqlite'
    """
    text = str(url)
    try:
        return sa.engine.make_url(text).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot read: mask it by hand
        return _PASSWORD.sub(r"\1:***@", text)


def scrub_password(url, text: str) -> str:
    """``text`` (e.g. a driver's error message) with the password of ``url`` masked."""
    try:
        password = sa.engine.make_url(str(url)).password
    except Exception:  # noqa: BLE001
        match = _PASSWORD.match(str(url))
        password = match.group(2) if match else None
    text = text.replace(str(url), shown_url(url))
    return text.replace(password, "***") if password else text


#: (device, inode) of SQLite files whose header this process has read (see ``exists``).
_CHECKED_FILES: set[tuple[int, int]] = set()


class _Engine:
    """The connection part of :class:`verkostolab.store.Store`."""

    def __init__(self, url=None):
        self.url = resolve_url(url) if url is not None else default_store_url()
        self._engine: sa.Engine | None = None
        self._known_to_exist = False  # a server database, once seen, is not asked again

    def __repr__(self) -> str:
        return f"Store({self._shown_url()!r})"

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
            if self.path is None or not self.path.exists():
                return False
            info = self.path.stat()
            if info.st_size == 0:
                return False
            # The header is read once per file and process: closing any descriptor of a
            # file drops every POSIX lock this process holds on it, SQLite's included, and
            # another process may then delete the shared WAL file under an open connection
            # (which then reads an old snapshot for good).
            key = (info.st_dev, info.st_ino)
            if key not in _CHECKED_FILES:
                try:
                    with self.path.open("rb") as fh:
                        head = fh.read(16)
                except OSError as exc:
                    raise StoreError("error.store", url=self._shown_url(), reason=str(exc)) from None
                if head != SQLITE_MAGIC:
                    raise StoreError("error.store_not_database", url=self._shown_url(), path=str(self.path))
                _CHECKED_FILES.add(key)
            return True
        if self._known_to_exist:
            return True
        try:
            self._known_to_exist = sa.inspect(self.engine).has_table("meta")
            return self._known_to_exist
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError("error.store", url=self._shown_url(), reason=self._reason(exc)) from None

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
                raise StoreError("error.store", url=self._shown_url(), reason=self._reason(exc)) from None
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
        except sa.exc.DBAPIError as exc:
            error = store_error(exc, self._shown_url(), self.path)
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
        except sa.exc.DBAPIError as exc:
            raise store_error(exc, self._shown_url(), self.path) from None

    def _shown_url(self) -> str:
        """The URL without its password (for messages and exports): :func:`shown_url`."""
        return shown_url(self.url)

    def _reason(self, exc) -> str:
        """The first line of a database error, without the password."""
        return scrub_password(self.url, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

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


#: The first 16 bytes of every SQLite database file.
SQLITE_MAGIC = b"SQLite format 3\x00"


def store_error(exc: BaseException, url: str, path=None) -> StoreError:
    """A database error as a :class:`StoreError` a person understands: a file that is not
    a database and a read-only store are named as such (never "unexpected error")."""
    orig = getattr(exc, "orig", None) or exc
    detail = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    low = detail.lower()
    if "not a database" in low:
        return StoreError("error.store_not_database", url=url, path=str(path or url))
    if "readonly" in low or "read-only" in low or "read only" in low:
        return StoreError("error.store_read_only", url=url, detail=detail)
    return StoreError("error.store", url=url, reason=detail)


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
    # This process now holds SQLite's locks on the file: never read its header with
    # open() again (closing that descriptor would drop them; see ``_Engine.exists``).
    for _seq, _name, file in cur.execute("PRAGMA database_list").fetchall():
        if file:
            try:
                info = os.stat(file)
                _CHECKED_FILES.add((info.st_dev, info.st_ino))
            except OSError:
                pass
    cur.close()


def _sqlite_begin(conn):
    conn.exec_driver_sql("BEGIN IMMEDIATE")
