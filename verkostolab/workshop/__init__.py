"""The workshop server: the Voilà apps of ``verkostolab/apps/notebooks/`` on one shared store.

``verkostolab workshop`` is a pipeline of small steps, each a function here:

1. :func:`prepare_runtime` - a runtime folder with the ``verkostolab`` Voilà template,
   BokehJS copied from the installed bokeh, and Jupyter's config, data and runtime
   folders (nothing is written to the home directory);
2. :func:`prepare_store` - the store, with the bundled sample network imported when it
   is new (or the files given imported into it);
3. :class:`Workshop` - the settings, the Voilà command line (:meth:`Workshop.command`)
   and the environment of Voilà and its kernels (:meth:`Workshop.environment`);
4. :func:`write_qr` / :func:`qr_text` - the participant address as a QR code, made
   offline;
5. :func:`start`, :func:`wait_ready`, :func:`stop` and :func:`serve` - the Voilà child
   process, polled until it serves a static file, stopped with SIGTERM (its kernels go
   with it).

The apps read their settings from the environment of their kernel:

``VERKOSTOLAB_STORE``
    the store URL (so ``verkostolab.Store()`` opens the workshop's store);
``VERKOSTOLAB_LANG``
    ``fi``, ``sv`` or ``en`` (so ``verkostolab.i18n.t(key)`` speaks the workshop's language);
``VERKOSTOLAB_FACILITATOR_CODE``
    the code that opens facilitator views;
``VERKOSTOLAB_WORKSHOP_URL``
    the participant address (for a QR code on the wall: :func:`qr_svg`).

BokehJS comes from the template (``static/bokeh/``): apps show figures with
``jupyter_bokeh.BokehModel`` and never call ``bokeh.io.output_notebook``.

>>> w = Workshop(store_url="sqlite:///w.sqlite", runtime=Path("rt"), code="123456", port=9000)
>>> w.participant_url
'http://127.0.0.1:9000/'
>>> w.app_url("wall.ipynb")
'http://127.0.0.1:9000/voila/render/wall.ipynb'
>>> w.kernel_env()["VERKOSTOLAB_FACILITATOR_CODE"]
'123456'
"""

from __future__ import annotations

import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from ..errors import VerkostolabError
from ..i18n import DEFAULT_LANG, check_lang, format_number, t

__all__ = [
    "TEMPLATE_NAME", "TEMPLATE_DIR", "NOTEBOOKS_DIR", "PARTICIPANT_APP", "DATA_DIR",
    "Workshop", "default_store_url", "store_file", "prepare_runtime", "prepare_store", "new_code",
    "lan_address", "qr_text", "qr_svg", "write_qr", "start", "wait_ready", "stop",
    "serve", "banner",
]

TEMPLATE_NAME = "verkostolab"
#: The Voilà template, package data of this package (copied into the runtime folder at
#: start-up).
TEMPLATE_DIR = Path(str(files(__name__).joinpath("templates", TEMPLATE_NAME)))
#: The Voilà apps served by default: package data of :mod:`verkostolab.apps`
#: (``verkostolab/apps/notebooks/``), so an installed wheel serves them too.
NOTEBOOKS_DIR = Path(str(files("verkostolab").joinpath("apps", "notebooks")))
#: The Voilà app of the mapping (JupyterLab, Binder); in a workshop participants open the
#: room's kernel-less page at the server's root (:mod:`verkostolab.workshop.room`).
PARTICIPANT_APP = "mapping.ipynb"
#: Where the workshop keeps its store and runtime files (relative to the current folder).
DATA_DIR = Path("verkostolab-data")
#: BokehJS bundles copied from the installed bokeh into the template's static/bokeh/.
BOKEH_FILES = ("bokeh.min.js", "bokeh-widgets.min.js", "bokeh-tables.min.js", "bokeh-gl.min.js")
#: A static file of the template: Voilà serves it without starting a kernel.
READY_PATH = f"voila/templates/{TEMPLATE_NAME}/static/workshop.css"
_WILDCARD_HOSTS = ("0.0.0.0", "", "::")


def default_store_url(paths=()) -> str:
    """The workshop's store when none is given: ``VERKOSTOLAB_STORE`` if set, else the
    SQLite file :func:`store_file` names."""
    from ..store import resolve_url

    if os.environ.get("VERKOSTOLAB_STORE"):
        return resolve_url(os.environ["VERKOSTOLAB_STORE"])
    return resolve_url(store_file(paths))


def store_file(paths=()) -> Path:
    """``verkostolab-data/workshop.sqlite`` for the sample network, or
    ``verkostolab-data/<name of the first file>.sqlite`` when files are given (so that a
    network never mixes with the sample).

    >>> store_file().as_posix()
    'verkostolab-data/workshop.sqlite'
    >>> store_file(["kurssi/verkosto.xlsx"]).as_posix()
    'verkostolab-data/verkosto.sqlite'
    """
    stem = Path(paths[0]).stem if paths else ""
    return DATA_DIR / f"{stem or 'workshop'}.sqlite"


#: Letters and digits that are not mistaken for each other when read from a wall.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_code() -> str:
    """A random eight-character facilitator code (31 symbols: about 8.5e11 codes).

    >>> code = new_code()
    >>> len(code), set(code) <= set(CODE_ALPHABET)
    (8, True)
    """
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _loopback(host: str) -> bool:
    """Whether ``host`` (``--host``) is this machine only (127.0.0.1, ::1, localhost)."""
    import ipaddress

    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str:
    """This machine's address on the local network, found without sending anything.

    Connecting a UDP socket only picks the outgoing interface; no packet leaves.  Falls
    back to the host name's address, then to 127.0.0.1.
    """
    for probe in ("192.0.2.1", "10.255.255.255"):  # documentation / private ranges
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))
                address = s.getsockname()[0]
            if address and not address.startswith(("0.", "127.")):
                return address
        except OSError:
            continue
    try:
        address = socket.gethostbyname(socket.gethostname())
        if address and not address.startswith("127."):
            return address
    except OSError:
        pass
    return "127.0.0.1"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@dataclass
class Workshop:
    """The settings of one workshop server; builds its command line and environment."""

    store_url: str
    runtime: Path
    notebooks: Path = NOTEBOOKS_DIR
    lang: str = DEFAULT_LANG
    host: str = "127.0.0.1"
    port: int = 8866
    code: str = field(default_factory=new_code)
    #: Preheated kernels kept ready for each app in ``preheat`` (0: none).  Participants'
    #: phones use the room's page, which needs no kernel; a pool only serves people who
    #: open the Voilà mapping app itself.
    pool_size: int = 0
    #: Apps that get a preheated pool: the light participant app.  A preheated notebook
    #: runs before its request, so it cannot read the query string.
    preheat: tuple[str, ...] = (PARTICIPANT_APP,)
    #: Kernels with no open page and idle this long (seconds) are shut down.
    cull_idle_timeout: int = 600
    cull_interval: int = 60
    participant_app: str = PARTICIPANT_APP
    #: Start a new workshop run instead of continuing today's (``--new-run``).
    new_run: bool = False

    def __post_init__(self):
        check_lang(self.lang)
        self.runtime = Path(self.runtime)
        self.notebooks = Path(self.notebooks)

    @property
    def public_host(self) -> str:
        """The host people type: the LAN address when listening on every interface."""
        return lan_address() if self.host in _WILDCARD_HOSTS else self.host

    @property
    def base_url(self) -> str:
        return f"http://{_url_host(self.public_host)}:{self.port}/"

    @property
    def local_url(self) -> str:
        """Where this machine reaches the server (used to poll for readiness)."""
        host = "127.0.0.1" if self.host in _WILDCARD_HOSTS else self.host
        return f"http://{_url_host(host)}:{self.port}/"

    def app_url(self, name: str) -> str:
        return f"{self.base_url}voila/render/{name}"

    @property
    def participant_url(self) -> str:
        """The short join address: the room's participant page at the server's root."""
        return self.base_url

    @property
    def facilitator_url(self) -> str:
        return f"{self.base_url}facilitator"

    @property
    def projector_url(self) -> str:
        return f"{self.base_url}projector"

    @property
    def log_path(self) -> Path:
        return self.runtime / "voila.log"

    def apps(self) -> list[str]:
        return sorted(p.name for p in self.notebooks.glob("*.ipynb"))

    def kernel_env(self) -> dict[str, str]:
        """What the apps read: store, language, facilitator code, participant address."""
        return {
            "VERKOSTOLAB_STORE": self.store_url,
            "VERKOSTOLAB_LANG": self.lang,
            "VERKOSTOLAB_FACILITATOR_CODE": self.code,
            # wrong codes, shared by every kernel (verkostolab.apps.common.FacilitatorGate)
            "VERKOSTOLAB_GATE_STATE": str(Path(self.runtime).resolve() / "facilitator-gate.json"),
            "VERKOSTOLAB_WORKSHOP_URL": self.participant_url,
        }

    def environment(self, base: dict | None = None) -> dict[str, str]:
        """The environment of Voilà (and so of its kernels)."""
        env = dict(os.environ if base is None else base)
        env.update(jupyter_env(self.runtime))
        env.update(self.kernel_env())
        env.setdefault("BOKEH_RESOURCES", "inline")  # never CDN if an app saves HTML
        # The Host header is checked unless --host asks for other machines (voila_main).
        env["VERKOSTOLAB_REMOTE_ACCESS"] = "0" if _loopback(self.host) else "1"
        env["VERKOSTOLAB_LOCAL_HOSTNAMES"] = "localhost"
        env["VERKOSTOLAB_NEW_RUN"] = "1" if self.new_run else "0"
        return env

    def command(self) -> list[str]:
        """The Voilà command line.  Code execution from the browser stays refused and
        sources stripped (Voilà's defaults); tracebacks are never shown."""
        cmd = [
            sys.executable, "-m", "verkostolab.workshop.voila_main", str(self.notebooks.resolve()),
            "--no-browser",
            f"--port={self.port}",
            "--Voila.port_retries=0",  # fail rather than move to a port nobody was told
            f"--Voila.ip={self.host}",
            f"--template={TEMPLATE_NAME}",
            "--show_tracebacks=False",
            "--strip_sources=True",
            f"--VoilaExporter.language_code={self.lang}",
            f"--VoilaExecutor.cell_error_instruction={t('workshop.cell_error', self.lang)}",
            # Wait for a busy kernel's output rather than render the page without it
            # (nbclient's default is 4 s; thirty phones on two cores need longer).
            "--VoilaExecutor.iopub_timeout=60",
            f"--MappingKernelManager.cull_idle_timeout={int(self.cull_idle_timeout)}",
            f"--MappingKernelManager.cull_interval={int(self.cull_interval)}",
        ]
        if self.pool_size > 0 and self.preheat:
            names = "|".join(re.escape(n) for n in self.preheat)
            cmd += [
                "--preheat_kernel=True",
                f"--pool_size={int(self.pool_size)}",
                # every other notebook starts its kernel on request (Voilà matches the
                # pattern against the notebook's absolute path)
                f"--VoilaKernelManager.preheat_denylist=^(?!(?:.*/)?(?:{names})$)",
            ]
        return cmd


def jupyter_env(runtime: Path) -> dict[str, str]:
    """Jupyter's and IPython's folders inside ``runtime`` (the template is found through
    ``JUPYTER_PATH``)."""
    runtime = Path(runtime).resolve()
    share = str(runtime / "share" / "jupyter")
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != share]
    return {
        "JUPYTER_PATH": os.pathsep.join([share, *paths]),
        "JUPYTER_CONFIG_DIR": str(runtime / "config"),
        "JUPYTER_DATA_DIR": str(runtime / "data"),
        "JUPYTER_RUNTIME_DIR": str(runtime / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": str(runtime / "ipython"),
    }


def prepare_runtime(runtime, *, template_dir: Path = TEMPLATE_DIR) -> Path:
    """Fill ``runtime`` with the Voilà template and BokehJS; return the template folder.

    ``<runtime>/share/jupyter/voila/templates/verkostolab/`` is a fresh copy of the
    packaged template plus ``static/bokeh/*.min.js`` from the installed bokeh.
    """
    import bokeh

    runtime = Path(runtime)
    target = runtime / "share" / "jupyter" / "voila" / "templates" / TEMPLATE_NAME
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(template_dir, target)
    js_dir = Path(bokeh.__file__).parent / "server" / "static" / "js"
    (target / "static" / "bokeh").mkdir(parents=True, exist_ok=True)
    for name in BOKEH_FILES:
        shutil.copyfile(js_dir / name, target / "static" / "bokeh" / name)
    (target / "static" / "bokeh" / "VERSION").write_text(bokeh.__version__ + "\n")
    for sub in ("config", "data", "runtime", "ipython"):
        (runtime / sub).mkdir(parents=True, exist_ok=True)
    return target


def prepare_store(store_url: str, paths=(), *, sample: bool = True):
    """Make sure the store exists; import ``paths`` into it, or the bundled sample
    network when the store is new and ``sample`` is true.  Returns the import report,
    or ``None`` when nothing was imported."""
    from ..datasets.jarvilaakso import sample_path
    from ..ingest import import_files
    from ..store import Store

    store = Store(store_url)
    try:
        if paths:
            return import_files(store, [Path(p) for p in paths])
        if not store.exists() and sample and sample_path().exists():
            return import_files(store, [sample_path()])
        store.create()
        return None
    finally:
        store.close()


# ---------------------------------------------------------------------------- QR code
def qr_text(url: str) -> str:
    """The QR code of ``url`` drawn with Unicode half blocks, for a terminal."""
    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def qr_svg(url: str, *, scale: int = 8) -> str:
    """The QR code of ``url`` as an inline SVG (for the wall app)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=scale)


def write_qr(url: str, folder) -> tuple[Path, Path]:
    """Save the QR code of ``url`` as ``participant-qr.svg`` and ``.png`` in ``folder``."""
    import segno

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    qr = segno.make(url, error="m")
    svg, png = folder / "participant-qr.svg", folder / "participant-qr.png"
    qr.save(svg, scale=10)
    qr.save(png, scale=10)
    return svg, png


# ---------------------------------------------------------------------- the process
def start(workshop: Workshop) -> subprocess.Popen:
    """Start Voilà as a child process in its own session (Ctrl-C reaches only us; we
    then stop Voilà with SIGTERM).  Its log goes to ``workshop.log_path``."""
    if not workshop.notebooks.is_dir():
        raise VerkostolabError("workshop.no_apps", path=str(workshop.notebooks))
    workshop.log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(workshop.log_path, "wb")  # this run only: its tail explains a failure
    try:
        return subprocess.Popen(workshop.command(), cwd=workshop.notebooks, env=workshop.environment(),
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    finally:
        log.close()


def wait_ready(workshop: Workshop, proc: subprocess.Popen, *, timeout: float = 120) -> float:
    """Poll the template's static file until Voilà serves it; return the seconds waited."""
    url = workshop.local_url + READY_PATH
    started = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise VerkostolabError("workshop.failed", log=str(workshop.log_path),
                                   tail=_tail(workshop.log_path))
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() - started > timeout:
            stop(proc)
            raise VerkostolabError("workshop.timeout", seconds=int(timeout), log=str(workshop.log_path),
                                   tail=_tail(workshop.log_path))
        time.sleep(0.2)


def stop(proc: subprocess.Popen, *, timeout: float = 30) -> int:
    """Stop Voilà with SIGTERM (it shuts its kernels down); kill it if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    return proc.returncode


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def banner(workshop: Workshop, *, qr_files: tuple[Path, Path] | None = None) -> str:
    """What the facilitator sees once the server is ready, in the workshop's language."""
    from ..store.engine import shown_url

    lang = workshop.lang
    lines = [t("workshop.ready", lang), "",
             t("workshop.participant_url", lang, url=workshop.participant_url), "",
             qr_text(workshop.participant_url)]
    if qr_files:
        lines.append(t("workshop.qr_files", lang, svg=qr_files[0], png=qr_files[1]))
    lines.append(t("workshop.facilitator_url", lang, url=workshop.facilitator_url))
    lines.append(t("workshop.projector_url", lang, url=workshop.projector_url))
    lines.append(t("workshop.code", lang, code=workshop.code))
    others = workshop.apps()
    if others:
        lines.append(t("workshop.apps", lang))
        lines += [f"  {workshop.app_url(name)}" for name in others]
    lines.append(t("workshop.store", lang, url=shown_url(workshop.store_url)))
    if workshop.host.startswith("127.") or workshop.host in ("localhost", "::1"):
        lines.append(t("workshop.loopback", lang))
    lines.append(t("workshop.stop", lang))
    return "\n".join(lines)


def serve(workshop: Workshop, *, echo=print, timeout: float = 120) -> int:
    """Run the workshop until Ctrl-C or SIGTERM; return Voilà's exit status."""
    prepare_runtime(workshop.runtime)
    echo(t("workshop.starting", workshop.lang, port=workshop.port))
    proc = start(workshop)

    def on_term(_sig, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        seconds = wait_ready(workshop, proc, timeout=timeout)
        qr_files = write_qr(workshop.participant_url, workshop.runtime)
        echo(banner(workshop, qr_files=qr_files))
        echo(t("workshop.started_in", workshop.lang, seconds=format_number(seconds, workshop.lang, 1)))
        while proc.poll() is None:
            time.sleep(0.5)
        raise VerkostolabError("workshop.failed", log=str(workshop.log_path),
                               tail=_tail(workshop.log_path))
    except KeyboardInterrupt:
        echo(t("workshop.stopping", workshop.lang))
        return stop(proc) or 0
    finally:
        if proc.poll() is None:
            stop(proc)
        signal.signal(signal.SIGTERM, previous)
