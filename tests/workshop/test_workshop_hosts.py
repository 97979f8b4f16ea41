"""The workshop server checks the Host header (DNS rebinding) and its home page asks no
CDN (issue 16, finding 7).  Before: ``Host: evil.example`` got 200 and the home page
linked Font Awesome from cdn.jsdelivr.net."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlparse

import nbformat
import pytest

from verkostolab.workshop import Workshop

from support.voila_server import workshop_server


def _get(base_url: str, path: str, host: str | None = None) -> tuple[int, str]:
    parts = urlparse(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    headers = {"Host": host} if host else {}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode("utf-8", errors="replace")
    conn.close()
    return response.status, body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hosts")
    notebooks = tmp / "apps"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("print('hei')")]
    nbformat.write(nb, notebooks / "mapping.ipynb")
    with workshop_server(tmp / "server", notebooks=notebooks, code="k7rq2xzp", pool_size=0) as s:
        yield s


def test_a_foreign_host_header_is_refused(server):
    port = urlparse(server.base_url).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        status, _ = _get(server.base_url, "/", host)
        assert status == 200, host
    for host in ("evil.example", f"evil.example:{port}", f"192.0.2.7:{port}"):
        status, _ = _get(server.base_url, "/", host)
        assert status == 403, host
        status, _ = _get(server.base_url, "/voila/render/mapping.ipynb", host)
        assert status == 403, host
        status, _ = _get(server.base_url, "/api/room/state", host)  # the room's API too
        assert status == 403, host


def test_the_home_page_asks_no_cdn(server):
    for path in ("/", "/facilitator", "/projector", "/voila/tree"):  # the room's pages, Voilà's list
        status, body = _get(server.base_url, path)
        assert status == 200, path
        external = re.findall(r'(?:href|src)="((?:https?:)?//[^"]+)"', body)
        assert external == [], (path, external)
        assert "cdn.jsdelivr" not in body
    assert "voila-tree-main" in _get(server.base_url, "/voila/tree")[1]


def test_remote_access_only_when_host_asks():
    assert Workshop(store_url="sqlite:///w.sqlite", runtime="rt").environment({})[
        "VERKOSTOLAB_REMOTE_ACCESS"] == "0"
    assert Workshop(store_url="sqlite:///w.sqlite", runtime="rt", host="0.0.0.0").environment({})[
        "VERKOSTOLAB_REMOTE_ACCESS"] == "1"


def test_kernels_per_client_are_capped_with_a_clear_page(tmp_path, monkeypatch):
    monkeypatch.setenv("VERKOSTOLAB_MAX_KERNELS_PER_CLIENT", "2")
    notebooks = tmp_path / "apps"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("print('hei')")]
    nbformat.write(nb, notebooks / "mapping.ipynb")
    with workshop_server(tmp_path / "server", notebooks=notebooks, code="k7rq2xzp", pool_size=0,
                         lang="en") as server:
        statuses = []
        for _ in range(4):  # each load starts a kernel; the page stays open (not culled yet)
            status, body = _get(server.base_url, "/voila/render/mapping.ipynb")
            statuses.append(status)
        assert statuses == [200, 200, 503, 503]
        assert "The workshop is full" in body and "Close pages" in body
        assert "workshop full" in server.voila_log()
