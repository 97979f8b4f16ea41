"""Run the workshop server for tests: ``verkostolab workshop`` on a free loopback port.

Use it from a module-scoped fixture (one server per test module)::

    from support.voila_server import workshop_server

    @pytest.fixture(scope="module")
    def server(tmp_path_factory):
        with workshop_server(tmp_path_factory.mktemp("workshop")) as s:
            yield s

    def test_mapping(server):
        page.goto(server.app_url("mapping.ipynb"))

The store is a fresh SQLite file in the temporary folder with the bundled sample
imported (by the command itself, as for a new store); Jupyter's config, data and runtime
folders live there too.  The server is stopped with SIGTERM (its kernels go with it).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from verkostolab.i18n import t
from verkostolab.store import resolve_url
from verkostolab.workshop import NOTEBOOKS_DIR, READY_PATH, jupyter_env

__all__ = ["WorkshopServer", "workshop_server", "free_port"]


@dataclass
class WorkshopServer:
    base_url: str
    code: str
    store_url: str
    lang: str
    notebooks: Path
    runtime: Path
    output_path: Path
    process: subprocess.Popen

    def app_url(self, name: str) -> str:
        return f"{self.base_url}voila/render/{name}"

    @property
    def participant_url(self) -> str:
        """The room's participant page (the short join address)."""
        return self.base_url

    def api(self, path: str, body=None, *, token: str | None = None, session: str | None = None,
            lang: str | None = None, host: str | None = None) -> tuple[int, dict]:
        """Call the room's JSON API: GET without ``body``, POST with it."""
        import json
        import urllib.error

        url = f"{self.base_url}api/room/{path}" + (f"?lang={lang}" if lang else "")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("X-VL-Token", token)
        if session:
            request.add_header("X-VL-Facilitator", session)
        if host:
            request.add_header("Host", host)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def login(self) -> str:
        """A facilitator session (an earlier wrong code's wait is waited out)."""
        status, data = self.api("login", {"code": self.code})
        if status != 200 and data.get("wait"):
            time.sleep(data["wait"] + 0.1)
            status, data = self.api("login", {"code": self.code})
        assert status == 200, data
        return data["session"]

    def output(self) -> str:
        """What the command printed so far."""
        return self.output_path.read_text(encoding="utf-8", errors="replace")

    def voila_log(self) -> str:
        path = self.runtime / "voila.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def workshop_server(tmp: Path, *, notebooks: Path = NOTEBOOKS_DIR, lang: str = "fi",
                    code: str = "246810", pool_size: int = 0, extra_args=(), timeout: float = 180):
    """Start ``verkostolab workshop``; yield a :class:`WorkshopServer` once it is ready."""
    tmp = Path(tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    runtime = tmp / "runtime"
    store_url = resolve_url(tmp / "workshop.sqlite")
    port = free_port()
    output_path = tmp / "workshop-output.txt"
    env = dict(os.environ)
    env.pop("VERKOSTOLAB_STORE", None)
    env.update(jupyter_env(runtime))
    env["PYTHONUNBUFFERED"] = "1"
    cmd = [sys.executable, "-m", "verkostolab", "--lang", lang, "workshop",
           "--store", store_url, "--notebooks", str(notebooks), "--runtime", str(runtime),
           "--host", "127.0.0.1", "--port", str(port), "--code", code,
           "--pool-size", str(pool_size), *extra_args]
    base_url = f"http://127.0.0.1:{port}/"
    ready_line = t("workshop.stop", lang)
    with open(output_path, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
    server = WorkshopServer(base_url=base_url, code=code, store_url=store_url, lang=lang,
                            notebooks=Path(notebooks), runtime=runtime, output_path=output_path,
                            process=proc)
    try:
        _wait(server, ready_line, timeout)
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def _wait(server: WorkshopServer, ready_line: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"verkostolab workshop exited with {server.process.returncode}:\n"
                               f"{server.output()}\n--- voila.log ---\n{server.voila_log()[-3000:]}")
        if ready_line in server.output():
            try:
                with urllib.request.urlopen(server.base_url + READY_PATH, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
        time.sleep(0.2)
    raise TimeoutError(f"verkostolab workshop not ready in {timeout} s:\n{server.output()}")
