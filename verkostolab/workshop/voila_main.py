"""Voilà as the workshop runs it: the Host header is checked (DNS rebinding).

Voilà itself sets jupyter-server's ``allow_remote_access`` to true, so any ``Host``
reaches the apps and their kernels' websockets: a page on ``evil.example`` that resolves
to 127.0.0.1 could drive a laptop's workshop.  Here, unless ``VERKOSTOLAB_REMOTE_ACCESS``
is ``1`` (``verkostolab workshop --host`` with an address other than the loopback),
only loopback addresses and the names in ``VERKOSTOLAB_LOCAL_HOSTNAMES`` (comma
separated; ``localhost``) pass; other requests get 403 (jupyter-server's own check).

Kernels are capped too: every page load starts a kernel, so a page that is loaded
again and again (or by a script) would fill the machine.  A request for an app gets
a "the workshop is full" page (HTTP 503, in the workshop's language) instead of a new
kernel when ``VERKOSTOLAB_MAX_KERNELS`` kernels (default 40: thirty phones, the wall and
the facilitator's views, and the preheated pool) are running, or when the requesting
address already has ``VERKOSTOLAB_MAX_KERNELS_PER_CLIENT`` (default 8) live kernels.
Idle kernels are culled as before, which frees places again.

Run as ``python -m verkostolab.workshop.voila_main`` with Voilà's arguments.
"""

from __future__ import annotations

import contextvars
import html
import os

from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

__all__ = ["WorkshopVoila", "main", "kernel_limits"]

#: The address of the request whose page is being rendered (for counting its kernels).
_CLIENT: contextvars.ContextVar[str | None] = contextvars.ContextVar("vl_client", default=None)
#: address -> ids of the kernels started for its page loads
_KERNELS: dict[str, set[str]] = {}


def kernel_limits() -> tuple[int, int]:
    """(in total, per client address), from the environment."""
    def number(name, default):
        try:
            return max(1, int(os.environ.get(name, default)))
        except ValueError:
            return default
    return number("VERKOSTOLAB_MAX_KERNELS", 40), number("VERKOSTOLAB_MAX_KERNELS_PER_CLIENT", 8)


def _full_page() -> str:
    from ..i18n import t

    lang = os.environ.get("VERKOSTOLAB_LANG") or None
    title, text = t("workshop.full.title", lang), t("workshop.full.text", lang)
    return (f'<!DOCTYPE html><html lang="{html.escape(lang or "fi")}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title></head>"
            '<body style="font-family:sans-serif;font-size:1.3em;max-width:40em;margin:2em auto">'
            f'<h1 class="vl-full">{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>')


_original_get = TornadoVoilaHandler.get


async def _capped_get(self, path=None):
    total, per_client = kernel_limits()
    live = set(self.kernel_manager.list_kernel_ids())
    client = self.request.remote_ip or "?"
    mine = _KERNELS.setdefault(client, set())
    mine &= live
    if len(live) >= total or len(mine) >= per_client:
        self.log.warning("workshop full: %d kernels, %d for %s; page refused", len(live), len(mine), client)
        self.set_status(503)
        self.set_header("Retry-After", "60")
        self.finish(_full_page())
        return
    token = _CLIENT.set(client)
    try:
        return await _original_get(self, path)
    finally:
        _CLIENT.reset(token)


TornadoVoilaHandler.get = _capped_get


class WorkshopVoila(Voila):
    def init_settings(self):
        settings = super().init_settings()
        manager = self.kernel_manager
        start = manager.start_kernel

        async def start_kernel(*args, **kwargs):
            from jupyter_core.utils import ensure_async

            kernel_id = await ensure_async(start(*args, **kwargs))
            client = _CLIENT.get()
            if client is not None:
                _KERNELS.setdefault(client, set()).add(kernel_id)
            return kernel_id

        manager.start_kernel = start_kernel
        remote = os.environ.get("VERKOSTOLAB_REMOTE_ACCESS", "0") == "1"
        settings["allow_remote_access"] = remote
        names = os.environ.get("VERKOSTOLAB_LOCAL_HOSTNAMES", "localhost")
        settings["local_hostnames"] = [n.strip() for n in names.split(",") if n.strip()]
        return settings


    def init_handlers(self):
        """The room's pages and API (:mod:`verkostolab.workshop.room`) before Voilà's own."""
        from .room import RoomContext, room_handlers

        handlers = super().init_handlers()
        if os.environ.get("VERKOSTOLAB_STORE"):
            self.room = RoomContext.from_environment()
            handlers = room_handlers(self.room, self.server_url or "/") + handlers
        return handlers


main = WorkshopVoila.launch_instance

if __name__ == "__main__":
    main()
