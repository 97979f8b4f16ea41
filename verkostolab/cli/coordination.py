"""The coordination command: ``clock``, the forward-looking annual clock as an HTML
page, a PNG picture or an ``.ics`` calendar (the year's recurring forums with their
RRULE and the planned events, ready for Outlook or Google Calendar)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..i18n import t
from .common import _LANG, _lang, _load, lang_option

__all__ = ["clock_command", "COMMANDS"]


def _check_day(_ctx, _param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        from ..errors import ParameterError

        raise ParameterError("error.bad_day", value=value) from None


@click.command("clock", help=t("cli.clock.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--year", type=click.IntRange(1900, 2200), default=None, help=t("cli.opt.year", _LANG))
@click.option("--network", default=None, metavar="NAME", help=t("cli.opt.network_clock", _LANG))
@click.option("--core", default=None, metavar="NAME", help=t("cli.opt.core", _LANG))
@click.option("--as-of", "as_of", default=None, callback=_check_day, metavar="YYYY-MM-DD",
              help=t("cli.opt.as_of", _LANG))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help=t("cli.opt.out", _LANG))
@click.pass_context
def clock_command(ctx, paths, store_url, year, network, core, as_of, out):
    from ..errors import UsageError

    lang = _lang(ctx)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".png", ".ics"):
        raise UsageError("error.clock_out_suffix", path=str(out))
    from ..measures.coordination import clock_plan

    data = _load(paths, store_url)
    plan = clock_plan(data, year=year, network=network, core=core, as_of=as_of)
    if suffix == ".ics":
        from ..io.calendar import write_calendar

        write_calendar(out, plan.calendar_items(), name=t("clock.calendar_name", lang, year=plan.year))
    else:
        from ..viz import save_html, save_png
        from ..viz.clock import forward_clock

        fig = forward_clock(plan, lang=lang)
        if suffix == ".png":
            save_png(fig, out, width=1000, height=1000 + 24 * len(plan.networks))
        else:
            save_html(fig, out, title=fig.title.text)
    held = int((plan.occurrences["source"] == "held").sum())
    click.echo(t("cli.clock.done", lang, path=out, year=plan.year, forums=len(plan.forums),
                 meetings=int((plan.occurrences["source"] == "forum").sum()),
                 planned=len(plan.planned), held=held))


COMMANDS = (clock_command,)
