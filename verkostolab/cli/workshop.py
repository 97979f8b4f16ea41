"""The ``workshop`` command: the Voilà workshop apps on a store
(:mod:`verkostolab.workshop`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..i18n import t
from .common import _LANG, _lang, lang_option

__all__ = ["workshop_command", "COMMANDS"]


@click.command("workshop", help=t("cli.workshop.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--port", type=click.IntRange(1, 65535), default=8866, show_default=True,
              help=t("cli.workshop.opt.port", _LANG))
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDR",
              help=t("cli.workshop.opt.host", _LANG))
@click.option("--code", default=None, metavar="CODE", help=t("cli.workshop.opt.code", _LANG))
@click.option("--pool-size", "pool_size", type=click.IntRange(0, 32), default=0, show_default=True,
              help=t("cli.workshop.opt.pool_size", _LANG))
@click.option("--new-run", "new_run", is_flag=True, help=t("cli.workshop.opt.new_run", _LANG))
@click.option("--no-sample", "no_sample", is_flag=True, help=t("cli.workshop.opt.no_sample", _LANG))
@click.option("--notebooks", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR", help=t("cli.workshop.opt.notebooks", _LANG))
@click.option("--runtime", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR", hidden=True)
@click.pass_context
def workshop_command(ctx, paths, store_url, port, host, code, pool_size, new_run, no_sample, notebooks,
                     runtime):
    from .. import workshop as ws
    from ..store import resolve_url

    lang = _lang(ctx)
    if code is not None and (len(code) < 6 or any(c.isspace() for c in code)):  # guessable
        raise click.BadParameter(code, param_hint="--code")
    url = resolve_url(store_url) if store_url else ws.default_store_url(paths)
    report = ws.prepare_store(url, paths, sample=not no_sample)
    if report is not None:
        click.echo(report.render(lang))
    workshop = ws.Workshop(store_url=url, runtime=runtime or ws.DATA_DIR / "runtime",
                           notebooks=notebooks or ws.NOTEBOOKS_DIR, lang=lang, host=host, port=port,
                           code=code or ws.new_code(), pool_size=pool_size, new_run=new_run)
    status = ws.serve(workshop, echo=click.echo)
    if status:
        sys.exit(status)


COMMANDS = (workshop_command,)
