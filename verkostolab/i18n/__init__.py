"""The message catalogue: every text a person sees, in Finnish and English.

Messages live in ``fi.json`` and ``en.json`` beside this module, and in one
``<topic>.fi.json`` / ``<topic>.en.json`` pair per topic, each a flat mapping of keys to
:py:meth:`str.format` templates.  Finnish is the default language.

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

__all__ = ["LANGUAGES", "DEFAULT_LANG", "t", "catalogue", "catalogue_files", "check_lang",
           "default_lang"]

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANG = "fi"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Return the whole catalogue of ``lang`` as a mapping of key to template."""
    check_lang(lang)
    merged: dict[str, str] = {}
    for name, messages in catalogue_files(lang).items():
        clash = set(merged) & set(messages)
        if clash:
            raise ValueError(f"message keys defined twice ({name}): {', '.join(sorted(clash))}")
        merged.update(messages)
    return merged


def catalogue_files(lang: str) -> dict[str, dict[str, str]]:
    """The catalogue files of ``lang``: ``<lang>.json`` and one ``<topic>.<lang>.json``
    per topic (e.g. ``advice.fi.json``), each a flat mapping of key to template."""
    folder = resources.files(__name__)
    names = sorted(f.name for f in folder.iterdir()
                   if f.name == f"{lang}.json" or f.name.endswith(f".{lang}.json"))
    return {name: json.loads(folder.joinpath(name).read_text(encoding="utf-8")) for name in names}


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
