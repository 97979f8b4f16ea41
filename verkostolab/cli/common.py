"""What every command shares: the ``cli`` group, the language, JSON output and loading
the data named on the command line.

It imports only click and the catalogue; the library is imported inside the helpers
that need it, when a command runs."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..i18n import LANGUAGES, default_lang, t

_LANG = default_lang()

#: ``--format`` choices of import and check: the same as ``verkostolab.io.FORMATS``
#: (spelled out here so that the command line starts without pandas; a test compares).
IMPORT_FORMATS = ("auto", "workbook", "csv", "teams", "slack", "kumu", "forms", "gexf", "graphml",
                  "calendar", "edgelist", "participation")


def _lang(ctx: click.Context) -> str:
    root = ctx.find_root()
    return (root.obj or {}).get("lang", _LANG)


def _set_lang(ctx: click.Context, _param, value):
    if value:
        ctx.find_root().ensure_object(dict)["lang"] = value
    return value


def lang_option(func):
    """``--lang`` after the command name too: ``verkostolab info --lang en``."""
    return click.option("--lang", type=click.Choice(LANGUAGES), default=None, expose_value=False,
                        callback=_set_lang, is_eager=True, help=t("cli.opt.lang", _LANG))(func)


def _echo_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def _load(path_args, store_url, fmt="auto"):
    """The data named on the command line: files, a store, or the bundled sample."""
    from ..sources import load

    if path_args and store_url:
        raise click.UsageError(t("cli.path_or_store", _LANG))
    return load([Path(p) for p in path_args] if path_args else None, store=store_url, format=fmt)


@click.group(help=t("cli.help", _LANG))
@click.option("--lang", type=click.Choice(LANGUAGES), default=_LANG, show_default=True,
              help=t("cli.opt.lang", _LANG))
@click.version_option(package_name="verkostolab")
@click.pass_context
def cli(ctx: click.Context, lang: str) -> None:
    ctx.ensure_object(dict).setdefault("lang", lang)


#: ``--level`` choices (the levels of :func:`verkostolab.graphs.build_graph`).
_LEVEL = click.Choice(["person", "organisation", "sector", "network"])


def _check_period(_ctx, _param, value):
    """A ``--period``, ``--before`` or ``--after`` that cannot be read stops the command
    before any data is loaded: :func:`~verkostolab.tables.data.parse_period` raises
    :class:`~verkostolab.errors.PeriodError` (exit status 2, the catalogue's message)."""
    if value is None:
        return None
    from ..tables.data import parse_period

    parse_period(value)
    return value


def _jsonable(value):
    import math

    import numpy as np

    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, bool)):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


