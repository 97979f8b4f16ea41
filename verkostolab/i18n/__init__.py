"""The message catalogue: every text a person sees, in Finnish, Swedish and English.

Messages live in ``fi.json``, ``sv.json`` and ``en.json`` beside this module, and in one
``<topic>.fi.json`` / ``<topic>.sv.json`` / ``<topic>.en.json`` triple per topic, each a
flat mapping of keys to :py:meth:`str.format` templates, sorted by key.  Finnish is the
default language.  ``glossary.json`` names the one word each language uses for each
term of the field (a test checks the catalogues against it).  Numbers shown to people
go through :func:`format_number` and :func:`format_percent`.

>>> t("sector.public", lang="fi")
'julkinen sektori'
>>> t("sector.public", lang="sv")
'offentlig sektor'
>>> t("sector.public", lang="en")
'public sector'
>>> format_number(3.6249, "fi"), format_percent(0.73, "sv"), format_percent(0.73, "en")
('3,62', '73 %', '73%')
"""

from __future__ import annotations

import json
import numbers
import os
from functools import cache
from importlib import resources

__all__ = ["LANGUAGES", "DEFAULT_LANG", "t", "catalogue", "catalogue_files", "check_lang",
           "default_lang", "format_number", "format_percent", "format_value", "glossary",
           "shown_source"]

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


def shown_source(source, lang: str | None = None) -> str:
    """A data source as shown to people.  A source the catalogue names (a ``source.*``
    key, e.g. the bundled sample's ``Järvilaakso (fictional sample network)``, in any
    language) is shown in ``lang``; any other source (a file, a store) as it is.

    >>> shown_source("Järvilaakso (fictional sample network)", "fi")
    'Järvilaakso (kuvitteellinen esimerkkiverkosto)'
    >>> shown_source("verkosto.xlsx", "sv")
    'verkosto.xlsx'
    """
    if not source:
        return ""
    source = str(source)
    for lang_ in LANGUAGES:
        for key, text in catalogue(lang_).items():
            if key.startswith("source.") and text == source:
                return t(key, lang)
    return source


#: Languages that write a decimal comma and a space before the per cent sign.
_COMMA_LANGUAGES = ("fi", "sv")


def format_number(value, lang: str | None = None, digits: int = 2, *, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals as the language writes it: ``3,62`` in Finnish
    and Swedish, ``3.62`` in English; ``sign`` adds ``+`` to positive values.  Whole
    numbers (``int``, numpy integers) are shown without decimals."""
    lang = lang or default_lang()
    spec = "+" if sign else ""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        text = f"{int(value):{spec}d}"
    else:
        text = f"{float(value):{spec}.{digits}f}"
    return text.replace(".", ",") if lang in _COMMA_LANGUAGES else text


def format_value(value, lang: str | None = None) -> str:
    """A measured value as a reader wants it: ``–`` for none, a whole number without
    decimals, a share below 1 with three decimals, anything else with two; in the
    language's decimal sign (:func:`format_number`).

    >>> [format_value(v, "fi") for v in (None, 40.0, 0.70341, 3.5638)]
    ['–', '40', '0,703', '3,56']
    """
    if value is None:
        return "–"
    value = float(value)
    if value != value:  # NaN
        return "–"
    if value.is_integer():
        return format_number(int(value), lang)
    return format_number(value, lang, 3 if abs(value) < 1 else 2)


def format_percent(share, lang: str | None = None, digits: int = 0) -> str:
    """A share 0–1 as per cent: ``73 %`` in Finnish and Swedish, ``73%`` in English."""
    lang = lang or default_lang()
    number = format_number(float(share) * 100, lang, digits)
    return f"{number} %" if lang in _COMMA_LANGUAGES else f"{number}%"


@cache
def glossary() -> dict[str, dict[str, str]]:
    """The field's terms: term -> the one word for it in each language (``glossary.json``)."""
    text = resources.files(__name__).joinpath("glossary.json").read_text(encoding="utf-8")
    return {term: entry for term, entry in json.loads(text).items() if not term.startswith("_")}
