"""Personal data: stable pseudonyms from a secret salt.

Names of people are personal data.  Reports, pictures and exports can show a
pseudonym instead: the same person always gets the same pseudonym (so that pictures of
two rounds can be compared) but the pseudonym cannot be turned back into the name
without the secret salt, which is never written into an export.

The salt is ``VERKOSTOLAB_SALT`` if set, else the file ``VERKOSTOLAB_SALT_FILE`` (by
default ``~/.config/verkostolab/salt``), created with a random value on first use and
readable by its owner only.

>>> import os; os.environ["VERKOSTOLAB_SALT"] = "doctest"
>>> pseudonym("P01") == pseudonym("P01") != pseudonym("P02")
True
>>> pseudonym("P01", lang="en").startswith("Actor ")
True
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from ..i18n import t

__all__ = ["secret_salt", "pseudonym", "pseudonymise_labels", "pseudonymise"]


def secret_salt() -> bytes:
    """The secret salt of this installation (see the module text)."""
    value = os.environ.get("VERKOSTOLAB_SALT")
    if value:
        return value.encode("utf-8")
    path = Path(os.environ.get("VERKOSTOLAB_SALT_FILE", "~/.config/verkostolab/salt")).expanduser()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def pseudonym(actor_id, *, lang: str | None = None, salt: bytes | None = None) -> str:
    """A stable pseudonym such as ``Toimija 3F9A2C`` for ``actor_id``."""
    digest = hmac.new(salt if salt is not None else secret_salt(), str(actor_id).encode("utf-8"),
                      hashlib.sha256).hexdigest()
    return t("privacy.pseudonym", lang, code=digest[:6].upper())


def pseudonymise_labels(ids, *, lang: str | None = None) -> list[str]:
    """Pseudonyms for many ids at once (the salt is read once)."""
    salt = secret_salt()
    return [pseudonym(i, lang=lang, salt=salt) for i in ids]


def pseudonymise(data, *, lang: str | None = None):
    """``data`` with every person's name replaced by their pseudonym and e-mail removed.

    Ids stay (they are not names), so pictures, measures and tips work as before and the
    same person has the same pseudonym in every report.
    """
    actors = data.actors
    actors["name"] = pseudonymise_labels(actors["actor_id"], lang=lang)
    actors["email"] = None
    return data.replace(actors=actors)
