"""The message catalogue: every text a person sees, in Finnish and English.

Messages live in ``fi.json`` and ``en.json`` beside this module, one flat mapping of
keys to :py:meth:`str.format` templates each.  Finnish is the default language.

>>> t("sector.public", lang="fi")
'julkinen sektori'
>>> t("sector.public", lang="en")
'public sector'
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources

__all__ = ["LANGUAGES", "DEFAULT_LANG", "t", "catalogue", "check_lang", "default_lang"]

LANGUAGES = ("fi", "en")
DEFAULT_LANG = "fi"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Return the whole catalogue of ``lang`` as a mapping of key to template."""
    check_lang(lang)
    text = resources.files(__name__).joinpath(f"{lang}.json").read_text(encoding="utf-8")
    return json.loads(text)


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def default_lang() -> str:
    """The language asked for by ``VERKOSTOLAB_LANG``, else Finnish."""
    lang = os.environ.get("VERKOSTOLAB_LANG", DEFAULT_LANG)
    return lang if lang in LANGUAGES else DEFAULT_LANG


def t(key: str, lang: str | None = None, **params) -> str:
    """Translate ``key`` into ``lang`` and fill in ``params``.

    An unknown key raises :class:`KeyError`: a missing message is a bug, not a
    condition to paper over.
    """
    template = catalogue(lang or default_lang())[key]
    return template.format(**params) if params else template
