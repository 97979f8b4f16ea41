"""The ``verkostolab`` command.  It only calls the library.

Messages come from the catalogue in Finnish (default) or English (``--lang en`` or
``VERKOSTOLAB_LANG=en``).  Errors go to standard error with a non-zero exit status:
1 for bad input, 2 for wrong usage, 3 for anything unexpected; never a traceback
(set ``VERKOSTOLAB_DEBUG=1`` to see one).
"""

from __future__ import annotations

import os
import shlex
import sys
import traceback
from pathlib import Path

import click

from ..i18n import LANGUAGES, t
from .common import (_LANG, IMPORT_FORMATS, _check_period, _echo_json, _jsonable, _lang, _load, cli,
                     lang_option)

__all__ = ["main", "cli"]

@cli.command("import", help=t("cli.import.help", _LANG))
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
@click.option("--json", "as_json", is_flag=True, help=t("cli.opt.json", _LANG))
@click.pass_context
def import_command(ctx, paths, store_url, fmt, encoding, merges, merge_report, no_merge, as_json):
    from ..store import Store

    lang = _lang(ctx)
    if merges and no_merge:
        raise click.UsageError(t("cli.import.merges_or_no_merge", lang))
    store = Store(store_url)
    if not merges and not no_merge:
        # Nobody is merged silently: proposals stop the import until a person decides.
        proposal = store.propose_merges(list(paths), format=fmt, encoding=encoding, lang=lang)
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
                again += ["--store", store_url] if store_url else []
                again += ["--format", fmt] if fmt != "auto" else []
                click.echo(t("cli.import.merge_next", lang, path=out,
                             command=" ".join(shlex.quote(a) for a in again)))
            ctx.exit(2)
    report = store.import_files(list(paths), format=fmt, encoding=encoding, merges=merges)
    if as_json:
        _echo_json(report.to_dict())
    else:
        click.echo(report.render(lang))


@cli.command("check", help=t("cli.check.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS),
              default="auto", show_default=True, help=t("cli.opt.format", _LANG))
@click.option("--encoding", default=None, help=t("cli.opt.encoding", _LANG))
@click.pass_context
def check_command(ctx, paths, fmt, encoding):
    from .. import io

    from ..tables.validation import render_left_out

    result = io.read_validated(list(paths), format=fmt, encoding=encoding)
    click.echo(t("import.validated", _lang(ctx), source=", ".join(str(p) for p in paths)))
    _print_counts(result.data, _lang(ctx))
    for line in render_left_out(result.left_out, _lang(ctx)):
        click.echo(f"  {line}")


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


_LEVEL = click.Choice(["person", "organisation", "sector", "network"])


@cli.command("measures", help=t("cli.measures.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--level", type=_LEVEL, default="person", show_default=True, help=t("cli.opt.level", _LANG))
@click.option("--period", callback=_check_period, metavar="FROM:TO", help=t("cli.opt.period", _LANG))
@click.option("--seed", type=int, default=0, show_default=True, help=t("cli.opt.seed", _LANG))
@click.option("--top", type=int, default=10, show_default=True, help=t("cli.opt.top", _LANG))
@click.option("--json", "as_json", is_flag=True, help=t("cli.opt.json", _LANG))
@click.pass_context
def measures_command(ctx, paths, store_url, level, period, seed, top, as_json):
    from ..graphs import build_graph
    from ..measures import network_measures, network_stage, node_measures

    lang = _lang(ctx)
    data = _load(paths, store_url)
    graph = build_graph(data, level=level, period=period)
    nodes = node_measures(graph, seed=seed)
    summary = network_measures(graph, seed=seed, ties=data.ties if level == "person" else None,
                               membership=nodes["community"].to_numpy())
    stage = network_stage(graph, nodes)
    network = {k: _jsonable(v) for k, v in summary.to_dict().items()}
    network["stage"] = stage.code
    network["stage_evidence"] = {k: _jsonable(v) for k, v in stage.evidence.items()}
    network["level"] = level
    network["estimated"] = sorted(set(nodes.attrs.get("estimated", [])) | set(summary.estimated))
    if as_json:
        records = []
        for node_id, row in nodes.iterrows():
            record = {"id": node_id}
            record.update({k: _jsonable(v) for k, v in row.items()})
            records.append(record)
        _echo_json({"network": network, "nodes": records})
        return
    source = data.source or "-"
    click.echo(t("measures.title", lang, source=source, level=t(f"graph_level.{level}", lang)))
    for key, value in summary.to_dict().items():
        shown = "-" if _jsonable(value) is None else (f"{value:.3f}" if isinstance(value, float) else value)
        click.echo(f"  {t(f'measure.{key}', lang):<44} {shown:>8}")
    click.echo(f"  {t('measure.stage', lang):<44} {stage.label(lang)}")
    click.echo("  " + stage.explain(lang))
    if network["estimated"]:
        click.echo(t("measures.estimated", lang, samples=nodes.attrs.get("samples", 0),
                     measures=", ".join(network["estimated"])))
    click.echo(t("measures.top", lang))
    cols = ["degree", "strength", "betweenness", "closeness", "constraint", "community"]
    head = nodes.sort_values("betweenness", ascending=False).head(top)
    click.echo(f"  {t('measure.name', lang):<28}" + "".join(f"{t(f'measure.{c}', lang)[:12]:>13}" for c in cols))
    for _, row in head.iterrows():
        cells = "".join(f"{row[c]:>13.3f}" if isinstance(row[c], float) else f"{row[c]:>13}" for c in cols)
        click.echo(f"  {str(row['name'])[:27]:<28}{cells}")


@cli.command("change", help=t("cli.change.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--before", callback=_check_period, metavar="FROM:TO", help=t("cli.opt.before", _LANG))
@click.option("--after", callback=_check_period, metavar="FROM:TO", help=t("cli.opt.after", _LANG))
@click.option("--dormant-after", "dormant_after", type=click.IntRange(min=0), default=12,
              show_default=True, metavar="MONTHS", help=t("cli.opt.dormant_after", _LANG))
@click.option("--seed", type=int, default=0, show_default=True, help=t("cli.opt.seed", _LANG))
@click.option("--json", "as_json", is_flag=True, help=t("cli.opt.json", _LANG))
@click.pass_context
def change_command(ctx, paths, store_url, before, after, dormant_after, seed, as_json):
    from ..measures import compare_periods

    lang = _lang(ctx)
    data = _load(paths, store_url)
    change = compare_periods(data, before, after, seed=seed, dormant_after=dormant_after)
    result = change.to_dict()
    if as_json:
        _echo_json(result)
        return
    if change.chosen:
        click.echo(t("change.chosen", lang, before=change.before_label, after=change.after_label))
    click.echo(t("change.title", lang, before=change.before_label, after=change.after_label))
    for key, value in result["counts"].items():
        click.echo(f"  {t(f'change.{key}', lang):<44} {value:>6}")
    for key, row in result["network"].items():
        b, a = row[change.before_label], row[change.after_label]
        def fmt(v, key=key):
            if v is None:
                return "-"
            if key in ("nodes", "ties", "components", "communities", "diameter"):
                return str(int(v))
            return f"{v:.3f}" if isinstance(v, float) else str(v)

        click.echo(f"  {t(f'measure.{key}', lang):<44} {fmt(b):>8} → {fmt(a):>8}")
    moved = change.moved_to_core
    if len(moved):
        click.echo(t("change.moved", lang, names=", ".join(moved["name"].astype(str))))
    if result["goals"]:
        click.echo(t("change.goals", lang))
        def num(v):
            return "-" if v is None else f"{v:.3g}"

        for goal in result["goals"]:
            if goal["measurable"]:
                progress = "-" if goal["progress"] is None else f"{goal['progress']:.0%}"
                click.echo(t("change.goal_measured", lang, title=goal["title"],
                             baseline=num(goal["baseline"]), current=num(goal["current"]),
                             target=num(goal["target"]), progress=progress))
            else:
                click.echo(t("change.goal_free_text", lang, title=goal["title"],
                             indicator=goal["indicator"] or "-"))


@cli.command("picture", help=t("cli.picture.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--period", callback=_check_period, metavar="FROM:TO", help=t("cli.opt.period", _LANG))
@click.option("--level", type=_LEVEL, default="person", show_default=True, help=t("cli.opt.level", _LANG))
@click.option("--size-by", "size_by", default="degree", show_default=True, metavar="MEASURE",
              help=t("cli.opt.size_by", _LANG))
@click.option("--min-weight", "min_weight", type=float, default=0.0, show_default=True,
              help=t("cli.opt.min_weight", _LANG))
@click.option("--pseudonymise", is_flag=True, help=t("cli.opt.pseudonymise", _LANG))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help=t("cli.opt.out", _LANG))
@click.pass_context
def picture_command(ctx, paths, store_url, period, level, size_by, min_weight, pseudonymise, out):
    from ..errors import VerkostolabError
    from ..viz import SIZE_MEASURES, network_picture, save_html, save_png

    lang = _lang(ctx)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".png"):
        raise VerkostolabError("error.out_suffix", path=str(out))
    if size_by not in SIZE_MEASURES:
        raise VerkostolabError("error.unknown_measure", value=size_by, allowed=", ".join(SIZE_MEASURES))
    data = _load(paths, store_url)
    picture = network_picture(data, level=level, period=period, size_by=size_by, lang=lang,
                              pseudonymise=pseudonymise, min_weight=min_weight)
    if suffix == ".png":
        save_png(picture.figure, out)
    else:
        save_html(picture.figure, out, title=picture.figure.title.text)
    click.echo(t("cli.picture.done", lang, path=out, nodes=len(picture.nodes), ties=len(picture.ties)))


@cli.command("report", help=t("cli.report.help", _LANG))
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


@cli.command("template", help=t("cli.template.help", _LANG))
@lang_option
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help=t("cli.opt.out", _LANG))
@click.pass_context
def template_command(ctx, out):
    from ..io import write_template

    lang = _lang(ctx)
    write_template(out, lang=lang)
    click.echo(t("cli.template.done", lang, path=out))


@cli.command("export", help=t("cli.export.help", _LANG))
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


@cli.command("workshop", help=t("cli.workshop.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--port", type=click.IntRange(1, 65535), default=8866, show_default=True,
              help=t("cli.workshop.opt.port", _LANG))
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDR",
              help=t("cli.workshop.opt.host", _LANG))
@click.option("--code", default=None, metavar="CODE", help=t("cli.workshop.opt.code", _LANG))
@click.option("--pool-size", "pool_size", type=click.IntRange(0, 32), default=2, show_default=True,
              help=t("cli.workshop.opt.pool_size", _LANG))
@click.option("--no-sample", "no_sample", is_flag=True, help=t("cli.workshop.opt.no_sample", _LANG))
@click.option("--notebooks", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR", help=t("cli.workshop.opt.notebooks", _LANG))
@click.option("--runtime", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR", hidden=True)
@click.pass_context
def workshop_command(ctx, paths, store_url, port, host, code, pool_size, no_sample, notebooks, runtime):
    from .. import workshop as ws
    from ..store import resolve_url

    lang = _lang(ctx)
    if code is not None and (not code.strip() or any(c.isspace() for c in code)):
        raise click.BadParameter(code, param_hint="--code")
    url = resolve_url(store_url) if store_url else ws.default_store_url(paths)
    report = ws.prepare_store(url, paths, sample=not no_sample)
    if report is not None:
        click.echo(report.render(lang))
    workshop = ws.Workshop(store_url=url, runtime=runtime or ws.DATA_DIR / "runtime",
                           notebooks=notebooks or ws.NOTEBOOKS_DIR, lang=lang, host=host, port=port,
                           code=code or ws.new_code(), pool_size=pool_size)
    status = ws.serve(workshop, echo=click.echo)
    if status:
        sys.exit(status)


def main(argv=None) -> None:
    """Run the command line; turn every error into a message and an exit status."""
    from ..errors import InputError, VerkostolabError

    args = list(sys.argv[1:] if argv is None else argv)
    lang = _LANG
    if "--lang" in args:
        i = args.index("--lang")
        if i + 1 < len(args) and args[i + 1] in LANGUAGES:
            lang = args[i + 1]
    try:
        code = cli.main(args=args, prog_name="verkostolab", standalone_mode=False)
        if isinstance(code, int) and code:  # ctx.exit(N) in a command
            sys.exit(code)
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


# Commands that live with their topic: registered as this package is imported.
from .advice import groups_command, tips_command  # noqa: E402
from .privacy import export_person_command, forget_command  # noqa: E402

for _command in (tips_command, groups_command, forget_command, export_person_command):
    cli.add_command(_command)
