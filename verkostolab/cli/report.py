"""The ``report`` command: run a notebook with papermill into one HTML file
(:func:`verkostolab.report.run_report`)."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import t
from .common import _LANG, _check_period, _lang, lang_option

__all__ = ["report_command", "COMMANDS"]


@click.command("report", help=t("cli.report.help", _LANG))
@lang_option
@click.argument("notebook", required=False, type=click.Path(path_type=Path))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("-p", "--parameter", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help=t("cli.opt.parameter", _LANG))
@click.option("--period", callback=_check_period, metavar="FROM:TO", help=t("cli.opt.period", _LANG))
@click.option("--pseudonymise", is_flag=True, help=t("cli.opt.pseudonymise", _LANG))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help=t("cli.opt.out", _LANG))
@click.pass_context
def report_command(ctx, notebook, paths, store_url, params, period, pseudonymise, out):
    from ..report import check_parameters, default_report, run_report

    lang = _lang(ctx)
    if notebook is not None and notebook.suffix != ".ipynb":
        paths, notebook = (notebook, *paths), None
    if paths and store_url:
        raise click.UsageError(t("cli.path_or_store", lang))
    parameters = {"lang": lang}
    if paths:
        parameters["data_path"] = str(Path(paths[0]).resolve())
    if store_url:
        from ..store import resolve_url

        parameters["store"] = resolve_url(store_url)
    if period:
        parameters["period"] = period
    if pseudonymise:
        parameters["pseudonymise"] = True
    for name, value in params:
        parameters[name] = _parameter_value(value)
    check_parameters(notebook or default_report(), parameters)  # stops before running
    path = run_report(notebook, out=out, parameters=parameters)
    click.echo(t("cli.report.done", lang, path=path))


def _parameter_value(text: str):
    """papermill-style: numbers, booleans and null are typed, the rest stays text."""
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, (int, float, bool)) or value is None else text


COMMANDS = (report_command,)
