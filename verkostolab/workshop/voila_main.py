"""Voilà as the workshop runs it: the Host header is checked (DNS rebinding).

Voilà itself sets jupyter-server's ``allow_remote_access`` to true, so any ``Host``
reaches the apps and their kernels' websockets: a page on ``evil.example`` that resolves
to 127.0.0.1 could drive a laptop's workshop.  Here, unless ``VERKOSTOLAB_REMOTE_ACCESS``
is ``1`` (``verkostolab workshop --host`` with an address other than the loopback),
only loopback addresses and the names in ``VERKOSTOLAB_LOCAL_HOSTNAMES`` (comma
separated; ``localhost``) pass; other requests get 403 (jupyter-server's own check).

Run as ``python -m verkostolab.workshop.voila_main`` with Voilà's arguments.
"""

from __future__ import annotations

import os

from voila.app import Voila

__all__ = ["WorkshopVoila", "main"]


class WorkshopVoila(Voila):
    def init_settings(self):
        settings = super().init_settings()
        remote = os.environ.get("VERKOSTOLAB_REMOTE_ACCESS", "0") == "1"
        settings["allow_remote_access"] = remote
        names = os.environ.get("VERKOSTOLAB_LOCAL_HOSTNAMES", "localhost")
        settings["local_hostnames"] = [n.strip() for n in names.split(",") if n.strip()]
        return settings


main = WorkshopVoila.launch_instance

if __name__ == "__main__":
    main()
