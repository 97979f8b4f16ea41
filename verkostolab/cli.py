"""The ``verkostolab`` command.  It only calls the library.

Messages come from the catalogue in Finnish (default) or English (``--lang en`` or
``VERKOSTOLAB_LANG=en``).  Errors go to standard error with a non-zero exit status:
1 for bad input, 2 for wrong usage, 3 for anything unexpected; never a traceback
(set ``VERKOSTOLAB_DEBUG=1`` to see one).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import click

from .i18n import LANGUAGES, default_lang, t

__all__ = ["main", "cli"]

_LANG = default_lang()


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
    from . import io, samples
    from .store import Store

    if path_args and store_url:
        raise click.UsageError(t("cli.path_or_store", _LANG))
    if path_args:
        return io.read([Path(p) for p in path_args], format=fmt)
    if store_url:
        return Store(store_url).load()
    return samples.load_sample()


@click.group(help=t("cli.help", _LANG))
@click.option("--lang", type=click.Choice(LANGUAGES), default=_LANG, show_default=True,
              help=t("cli.opt.lang", _LANG))
@click.version_option(package_name="verkostolab")
@click.pass_context
def cli(ctx: click.Context, lang: str) -> None:
    ctx.ensure_object(dict).setdefault("lang", lang)


@cli.command("import", help=t("cli.import.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--format", "fmt", type=click.Choice(["auto", "workbook", "csv", "edgelist", "participation"]),
              default="auto", show_default=True, help=t("cli.opt.format", _LANG))
@click.option("--encoding", default=None, help=t("cli.opt.encoding", _LANG))
@click.option("--json", "as_json", is_flag=True, help=t("cli.opt.json", _LANG))
@click.pass_context
def import_command(ctx, paths, store_url, fmt, encoding, as_json):
    from .store import Store

    store = Store(store_url)
    report = store.import_files(list(paths), format=fmt, encoding=encoding)
    if as_json:
        _echo_json(report.to_dict())
    else:
        click.echo(report.render(_lang(ctx)))


@cli.command("check", help=t("cli.check.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", "workbook", "csv", "edgelist", "participation"]),
              default="auto", show_default=True, help=t("cli.opt.format", _LANG))
@click.option("--encoding", default=None, help=t("cli.opt.encoding", _LANG))
@click.pass_context
def check_command(ctx, paths, fmt, encoding):
    from . import io

    data = io.read(list(paths), format=fmt, encoding=encoding)
    click.echo(t("import.validated", _lang(ctx), source=", ".join(str(p) for p in paths)))
    _print_counts(data, _lang(ctx))


def _print_counts(data, lang):
    for table, count in data.counts().items():
        click.echo(f"  {t(f'table.{table}', lang)}: {count}")


@cli.command("info", help=t("cli.info.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--json", "as_json", is_flag=True, help=t("cli.opt.json", _LANG))
@click.pass_context
def info_command(ctx, paths, store_url, as_json):
    lang = _lang(ctx)
    data = _load(paths, store_url)
    summary = data.summary()
    if not (paths or store_url):
        summary["source"] = t("cli.sample", lang) + f" ({summary['source']})"
    if as_json:
        _echo_json(summary)
        return
    click.echo(t("info.title", lang, source=summary["source"]))
    click.echo(t("info.tables", lang))
    for table, count in summary["tables"].items():
        click.echo(f"  {t(f'table.{table}', lang):<16} {count:>7}")
    period = summary["period"]
    if period["start"]:
        click.echo(t("info.period", lang, start=period["start"], end=period["end"]))
    else:
        click.echo(t("info.no_period", lang))
    if summary["sectors"]:
        click.echo(t("info.sectors", lang))
        for sector, count in summary["sectors"].items():
            label = t("info.unknown_sector", lang) if sector == "unknown" else t(f"sector.{sector}", lang)
            click.echo(f"  {label:<22} {count:>5}")
    if summary["networks"]:
        click.echo(t("info.networks", lang))
        for network, count in summary["networks"].items():
            click.echo(f"  {network:<42} {count:>5}")
    if summary["event_kinds"]:
        click.echo(t("info.event_kinds", lang))
        for kind, count in summary["event_kinds"].items():
            click.echo(f"  {t(f'event_kind.{kind}', lang):<42} {count:>5}")
    if summary["rounds"]:
        click.echo(t("info.rounds", lang, rounds=", ".join(summary["rounds"])))


@cli.command("template", help=t("cli.template.help", _LANG))
@lang_option
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help=t("cli.opt.out", _LANG))
@click.pass_context
def template_command(ctx, out):
    from .io import write_template

    lang = _lang(ctx)
    write_template(out, lang=lang)
    click.echo(t("cli.template.done", lang, path=out))


def main(argv=None) -> None:
    """Run the command line; turn every error into a message and an exit status."""
    from .errors import InputError, VerkostolabError

    args = list(sys.argv[1:] if argv is None else argv)
    lang = _LANG
    if "--lang" in args:
        i = args.index("--lang")
        if i + 1 < len(args) and args[i + 1] in LANGUAGES:
            lang = args[i + 1]
    try:
        cli.main(args=args, prog_name="verkostolab", standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except InputError as exc:
        click.echo(exc.render(lang), err=True)
        sys.exit(1)
    except VerkostolabError as exc:
        click.echo(exc.render(lang), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # never a traceback for people
        if os.environ.get("VERKOSTOLAB_DEBUG"):
            traceback.print_exc()
        click.echo(t("error.unexpected", lang, message=f"{type(exc).__name__}: {exc}"), err=True)
        sys.exit(3)
