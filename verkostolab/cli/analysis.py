"""The analysis commands: ``measures``, ``change`` and ``picture``.

Like the rest of the command line they only call the library, and import it inside the
command, so that ``verkostolab --help`` starts without igraph or Bokeh.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import format_number, format_percent, format_value, shown_source, t
from .common import _LANG, _LEVEL, _check_period, _echo_json, _jsonable, _lang, _load, lang_option

__all__ = ["measures_command", "change_command", "picture_command", "COMMANDS"]


@click.command("measures", help=t("cli.measures.help", _LANG))
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
    from ..measures import analyse
    from ..notebook import estimate_sentence
    from ..measures.change import check_period

    lang = _lang(ctx)
    data = _load(paths, store_url)
    check_period(data, period)  # an empty period is an error naming the data's range
    analysis = analyse(data, level=level, period=period, seed=seed)
    nodes, summary, stage = analysis.nodes, analysis.summary, analysis.stage
    # The network figures, the stage and its evidence, the level and the estimated measures.
    network = _jsonable(analysis.to_dict())
    if as_json:
        records = []
        for node_id, row in nodes.iterrows():
            record = {"id": node_id}
            record.update({k: _jsonable(v) for k, v in row.items()})
            records.append(record)
        _echo_json({"network": network, "nodes": records})
        return
    source = shown_source(data.source, lang) or "-"
    click.echo(t("measures.title", lang, source=source, level=t(f"graph_level.{level}", lang)))
    for key, value in summary.to_dict().items():
        shown = "-" if _jsonable(value) is None else (format_number(value, lang, 3)
                                                      if isinstance(value, float) else value)
        click.echo(f"  {t(f'measure.{key}', lang):<44} {shown:>8}")
    if _jsonable(summary.to_dict().get("reciprocity")) is not None:
        click.echo("  " + t("measures.reciprocity_caveat", lang))
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
        cells = "".join(f"{format_number(row[c], lang, 3):>13}" if isinstance(row[c], float)
                        else f"{row[c]:>13}" for c in cols)
        click.echo(f"  {str(row['name'])[:27]:<28}{cells}")


@click.command("change", help=t("cli.change.help", _LANG))
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
            return format_number(v, lang, 3) if isinstance(v, float) else str(v)

        click.echo(f"  {t(f'measure.{key}', lang):<44} {fmt(b):>8} → {fmt(a):>8}")
    moved = change.moved_to_core
    if len(moved):
        click.echo(t("change.moved", lang, names=", ".join(moved["name"].astype(str))))
    if result["goals"]:
        click.echo(t("change.goals", lang))

        def num(v):
            return format_value(v, lang)

        for goal in result["goals"]:
            if goal["measurable"]:
                progress = "-" if goal["progress"] is None else format_percent(goal["progress"], lang)
                click.echo(t("change.goal_measured", lang, title=goal["title"],
                             baseline=num(goal["baseline"]), current=num(goal["current"]),
                             target=num(goal["target"]), progress=progress))
            else:
                click.echo(t("change.goal_free_text", lang, title=goal["title"],
                             indicator=goal["indicator"] or "-"))


@click.command("picture", help=t("cli.picture.help", _LANG))
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
    from ..errors import ParameterError, UsageError
    from ..viz import SIZE_MEASURES, network_picture, save_html, save_png

    lang = _lang(ctx)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".png"):
        raise UsageError("error.out_suffix", path=str(out))
    if size_by not in SIZE_MEASURES:  # before the data is read
        raise ParameterError("error.unknown_measure", value=size_by, allowed=", ".join(SIZE_MEASURES))
    data = _load(paths, store_url)
    picture = network_picture(data, level=level, period=period, size_by=size_by, lang=lang,
                              pseudonymise=pseudonymise, min_weight=min_weight)
    if suffix == ".png":
        save_png(picture.figure, out)
    else:
        save_html(picture.layout if picture.layout is not None else picture.figure, out,
                  title=picture.figure.title.text.replace("\n", " "))
    click.echo(t("cli.picture.done", lang, path=out, nodes=len(picture.nodes), ties=len(picture.ties)))


COMMANDS = (measures_command, change_command, picture_command)
