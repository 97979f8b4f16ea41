"""The data commands: ``import``, ``check``, ``info``, ``template`` and ``export``.

Like the rest of the command line they only call the library, and import it inside the
command, so that ``verkostolab --help`` starts without pandas.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from ..i18n import shown_source, t
from .common import _LANG, _LEVEL, IMPORT_FORMATS, _check_period, _echo_json, _lang, _load, lang_option

__all__ = ["import_command", "check_command", "info_command", "template_command", "export_command",
           "merge_command", "COMMANDS"]


@click.command("import", help=t("cli.import.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS),
              default="auto", show_default=True, help=t("cli.opt.format", _LANG))
@click.option("--encoding", default=None, help=t("cli.opt.encoding", _LANG))
@click.option("--merges", "merges", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              metavar="FILE", help=t("cli.import.opt.merges", _LANG))
@click.option("--merge-report", "merge_report", type=click.Path(path_type=Path, dir_okay=False),
              metavar="FILE", help=t("cli.import.opt.merge_report", _LANG))
@click.option("--no-merge", "no_merge", is_flag=True, help=t("cli.import.opt.no_merge", _LANG))
@click.option("--network", "network", metavar="NAME", help=t("cli.opt.network", _LANG))
@click.option("--strict/--lenient", "strict", default=None, help=t("cli.opt.strict", _LANG) + " / "
              + t("cli.opt.lenient", _LANG))
@click.option("--json", "as_json", is_flag=True, help=t("cli.opt.json", _LANG))
@click.pass_context
def import_command(ctx, paths, store_url, fmt, encoding, merges, merge_report, no_merge, network,
                   strict, as_json):
    from ..ingest import import_files, propose_merges
    from ..store import Store

    lang = _lang(ctx)
    lenient = None if strict is None else not strict
    if merges and no_merge:
        raise click.UsageError(t("cli.import.merges_or_no_merge", lang))
    store = Store(store_url)
    if not merges and not no_merge:
        # Nobody is merged silently: proposals stop the import until a person decides.
        proposal = propose_merges(store, list(paths), format=fmt, encoding=encoding, lang=lang,
                                  network=network, lenient=lenient)
        if not proposal.empty:
            out = merge_report or Path(f"{Path(paths[0]).stem}.{t('cli.import.merge_file', lang)}.xlsx")
            proposal.write(out, lang=lang)
            if as_json:
                _echo_json({"imported": False, "merge_report": str(out),
                            "groups": proposal.groups, "actors": len(proposal)})
            else:
                click.echo(proposal.render(lang))
                click.echo(t("identity.proposal.written", lang, path=out))
                again = ["verkostolab", "import", *map(str, paths)]
                again += ["--store", store._shown_url()] if store_url else []
                again += ["--format", fmt] if fmt != "auto" else []
                again += ["--network", network] if network else []
                again += ["--strict" if strict else "--lenient"] if strict is not None else []
                click.echo(t("cli.import.merge_next", lang, path=out,
                             command=" ".join(shlex.quote(a) for a in again)))
            ctx.exit(2)
    report = import_files(store, list(paths), format=fmt, encoding=encoding, merges=merges,
                          network=network, lenient=lenient)
    if as_json:
        _echo_json(report.to_dict())
    else:
        click.echo(report.render(lang))


@click.command("check", help=t("cli.check.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS),
              default="auto", show_default=True, help=t("cli.opt.format", _LANG))
@click.option("--encoding", default=None, help=t("cli.opt.encoding", _LANG))
@click.option("--network", "network", metavar="NAME", help=t("cli.opt.network", _LANG))
@click.option("--strict/--lenient", "strict", default=None, help=t("cli.opt.strict", _LANG) + " / "
              + t("cli.opt.lenient", _LANG))
@click.option("--json", "as_json", is_flag=True, help=t("cli.opt.json", _LANG))
@click.pass_context
def check_command(ctx, paths, fmt, encoding, network, strict, as_json):
    from .. import io

    from ..tables.validation import dropped_dict, render_dropped, render_left_out

    lang = _lang(ctx)
    result = io.read_validated(list(paths), format=fmt, encoding=encoding, network=network,
                               lenient=None if strict is None else not strict)
    source = ", ".join(str(p) for p in paths)
    if as_json:
        _echo_json({"source": source, "tables": result.data.counts(),
                    "left_out": [{"file": f, "reason": r, "count": c} for f, r, c in result.left_out],
                    **dropped_dict(result.dropped)})
        return
    click.echo(t("import.validated" if not result.dropped else "import.validated_dropped", lang,
                 source=source, count=len(result.dropped)))
    _print_counts(result.data, lang)
    for line in render_left_out(result.left_out, lang):
        click.echo(f"  {line}")
    for line in render_dropped(result.dropped, lang):
        click.echo(line)


def _print_counts(data, lang):
    for table, count in data.counts().items():
        click.echo(f"  {t(f'table.{table}', lang)}: {count}")


@click.command("info", help=t("cli.info.help", _LANG))
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
    shown = shown_source(data.source, lang)
    if not (paths or store_url):
        shown = t("cli.sample", lang) + f" ({shown})"
    click.echo(t("info.title", lang, source=shown))
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



@click.command("template", help=t("cli.template.help", _LANG))
@lang_option
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help=t("cli.opt.out", _LANG))
@click.pass_context
def template_command(ctx, out):
    from ..io import write_template

    lang = _lang(ctx)
    write_template(out, lang=lang)
    click.echo(t("cli.template.done", lang, path=out))


@click.command("export", help=t("cli.export.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--format", "fmt", type=click.Choice(("gexf", "graphml", "kumu", "workbook", "csv")),
              default=None, help=t("cli.export.opt.format", _LANG))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help=t("cli.export.opt.out", _LANG))
@click.option("--level", type=_LEVEL, default="person", show_default=True, help=t("cli.opt.level", _LANG))
@click.option("--period", callback=_check_period, metavar="FROM:TO", help=t("cli.opt.period", _LANG))
@click.option("--pseudonymise", is_flag=True, help=t("cli.export.opt.pseudonymise", _LANG))
@click.pass_context
def export_command(ctx, paths, store_url, fmt, out, level, period, pseudonymise):
    from ..export import export

    lang = _lang(ctx)
    inputs = list(paths)
    if store_url:
        from ..store import resolve_url

        url = resolve_url(store_url)
        if url.startswith("sqlite:///"):
            inputs.append(Path(url[len("sqlite:///"):]))
    data = _load(paths, store_url)
    result = export(data, out, format=fmt, level=level, period=period, lang=lang,
                    pseudonymise=pseudonymise, inputs=inputs)
    click.echo(result.render(lang))


#: Answers to a yes/no question, in Finnish and English.
YES_WORDS = {"k", "kyllä", "kylla", "y", "yes"}
NO_WORDS = {"e", "ei", "n", "no"}


def _yes_no(text: str) -> bool | None:
    word = (text or "").strip().lower()
    return True if word in YES_WORDS else False if word in NO_WORDS else None


@click.command("merge", help=t("cli.merge.help", _LANG))
@lang_option
@click.argument("keep")
@click.argument("other")
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--yes", is_flag=True, help=t("cli.merge.opt.yes", _LANG))
@click.option("--json", "as_json", is_flag=True, help=t("cli.opt.json", _LANG))
@click.pass_context
def merge_command(ctx, keep, other, store_url, yes, as_json):
    from ..errors import VerkostolabError
    from ..store import Store

    lang = _lang(ctx)
    store = Store(store_url)
    try:
        if not yes:
            preview = store.merge_actors(keep, other, preview=True)
            click.echo(_render_merge(preview, lang, preview=True), err=True)
            answer = None
            while answer is None:
                try:
                    text = click.prompt(t("merge.confirm", lang), default="", show_default=False,
                                        err=True)
                except click.exceptions.Abort:  # no answer (no terminal): nothing happens
                    text = "ei"
                answer = _yes_no(text)
            if not answer:
                raise VerkostolabError("merge.cancelled")
            keep, other = preview["keep"]["actor_id"], preview["other"]["actor_id"]
        result = store.merge_actors(keep, other)
        shown = store._shown_url()
    finally:
        store.close()
    if as_json:
        _echo_json({**result, "store": shown})
    else:
        click.echo(_render_merge(result, lang, preview=False))


def _render_merge(result: dict, lang: str, *, preview: bool) -> str:
    keep, other = result["keep"], result["other"]
    lines = [t("merge.preview" if preview else "merge.done", lang, keep=keep["name"] or "",
               keep_id=keep["actor_id"], other=other["name"] or "", other_id=other["actor_id"])]
    for table, count in result["moved"].items():
        if table != "actors":
            lines.append("  " + t("merge.moved", lang, table=t(f"table.{table}", lang)
                                  if table != "participant_consent" else table, count=count))
    for table, count in result["removed"].items():
        lines.append("  " + t("merge.removed", lang, table=t(f"table.{table}", lang)
                              if table != "participant_consent" else table, count=count))
    if result["filled"]:
        lines.append("  " + t("merge.filled", lang, columns=", ".join(result["filled"])))
    return "\n".join(lines)


COMMANDS = (import_command, check_command, info_command, template_command, export_command,
            merge_command)
