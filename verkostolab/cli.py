"""The ``verkostolab`` command.  It only calls the library.

Messages come from the catalogue in Finnish (default) or English (``--lang en`` or
``VERKOSTOLAB_LANG=en``).  Errors go to standard error with a non-zero exit status:
1 for bad input, 2 for wrong usage, 3 for anything unexpected; never a traceback
(set ``VERKOSTOLAB_DEBUG=1`` to see one).
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import traceback
from pathlib import Path

import click

from .i18n import LANGUAGES, default_lang, t

__all__ = ["main", "cli"]

_LANG = default_lang()

#: ``--format`` choices of import and check: the same as ``verkostolab.io.FORMATS``
#: (spelled out here so that the command line starts without pandas; a test compares).
IMPORT_FORMATS = ("auto", "workbook", "csv", "teams", "slack", "kumu", "forms", "gexf", "graphml",
                  "edgelist", "participation")


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
    from .store import Store

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
    from . import io

    from .validation import render_left_out

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


def _check_period(_ctx, _param, value):
    if value is None:
        return None
    from .data import parse_period
    from .errors import VerkostolabError

    try:
        parse_period(value)
    except ValueError:
        raise VerkostolabError("error.bad_period", value=value) from None
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
    if value is None or isinstance(value, (str, int, bool)):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


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
    from .build import build_graph
    from .measures import network_measures, network_stage, node_measures
    from .notebook import estimate_sentence

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
    # How each estimated figure was estimated (JSON-ready): betweenness names its
    # method and bound (ε, δ); the path figures of the network their sampled sources.
    network["estimated"] = dict(nodes.attrs.get("estimated") or {})
    for key in summary.estimated:
        network["estimated"][key] = {"method": "sampled sources", "sources": summary.sources}
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
    sourced = [k for k, how in network["estimated"].items() if "sources" in how]
    if sourced:
        sources = sorted({network["estimated"][k]["sources"] for k in sourced})
        click.echo(t("measures.estimated", lang, samples="/".join(map(str, sources)),
                     measures=", ".join(sourced)))
    sentence = estimate_sentence(nodes, lang)
    if sentence:
        click.echo(sentence)
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
@click.option("--before", required=True, callback=_check_period, metavar="FROM:TO", help=t("cli.opt.before", _LANG))
@click.option("--after", required=True, callback=_check_period, metavar="FROM:TO", help=t("cli.opt.after", _LANG))
@click.option("--seed", type=int, default=0, show_default=True, help=t("cli.opt.seed", _LANG))
@click.option("--json", "as_json", is_flag=True, help=t("cli.opt.json", _LANG))
@click.pass_context
def change_command(ctx, paths, store_url, before, after, seed, as_json):
    from .measures import compare_periods

    lang = _lang(ctx)
    data = _load(paths, store_url)
    change = compare_periods(data, before, after, seed=seed)
    result = change.to_dict()
    if as_json:
        _echo_json(result)
        return
    click.echo(t("change.title", lang, before=before, after=after))
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
    from .errors import VerkostolabError
    from .viz import SIZE_MEASURES, network_picture, save_html, save_png

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
    from .report import run_report

    lang = _lang(ctx)
    if notebook is not None and notebook.suffix != ".ipynb":
        paths, notebook = (notebook, *paths), None
    if paths and store_url:
        raise click.UsageError(t("cli.path_or_store", lang))
    parameters = {"lang": lang}
    if paths:
        parameters["data_path"] = str(Path(paths[0]).resolve())
    if store_url:
        from .store import resolve_url

        parameters["store"] = resolve_url(store_url)
    if period:
        parameters["period"] = period
    if pseudonymise:
        parameters["pseudonymise"] = True
    for name, value in params:
        parameters[name] = _parameter_value(value)
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
    from .io import write_template

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
    from .io.export import export

    lang = _lang(ctx)
    inputs = list(paths)
    if store_url:
        from .store import resolve_url

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
    from . import workshop as ws
    from .store import resolve_url

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
    from .errors import InputError, VerkostolabError

    args = list(sys.argv[1:] if argv is None else argv)
    add_topic_commands()
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


def add_topic_commands() -> None:
    """Register the commands that live with their topic (they import the helpers above,
    so they are added when the command line starts, not while this module loads)."""
    from .advice.cli import groups_command, tips_command
    from .privacy_cli import export_person_command, forget_command

    for command in (tips_command, groups_command, forget_command, export_person_command):
        if command.name not in cli.commands:
            cli.add_command(command)
