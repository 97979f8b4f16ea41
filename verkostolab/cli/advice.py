"""The ``tips`` and ``groups`` commands; registered on the ``verkostolab`` command by
:mod:`verkostolab.cli`.  Like the rest of the command line, they only call the library.
"""

from __future__ import annotations

from pathlib import Path

import click

from .common import _LANG, _check_period, _echo_json, _jsonable, _lang, _load, current_lang, lang_option
from ..i18n import shown_source, t

__all__ = ["tips_command", "groups_command", "COMMANDS"]


@click.command("tips", help=t("cli.tips.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--period", callback=_check_period, metavar="FROM:TO", help=t("cli.opt.period", _LANG))
@click.option("--round", "round_", metavar="ROUND", help=t("cli.opt.round", _LANG))
@click.option("--min-group", type=click.IntRange(min=1), default=5, show_default=True,
              help=t("cli.opt.min_group", _LANG))
@click.option("--seed", type=int, default=0, show_default=True, help=t("cli.opt.seed", _LANG))
@click.option("--list-non-respondents", "list_missing", is_flag=True,
              help=t("cli.opt.list_non_respondents", _LANG))
@click.option("--json", "as_json", is_flag=True, help=t("cli.opt.json", _LANG))
@click.pass_context
def tips_command(ctx, paths, store_url, period, round_, min_group, seed, list_missing, as_json):
    from ..advice import Context, evaluate, tips

    lang = _lang(ctx)
    data = _load(paths, store_url)
    # An unknown --round is a ParameterError: its catalogue message, exit status 2; an
    # empty --period a PeriodError naming the data's range (exit status 2).
    context = Context.from_data(data, round=round_, min_group=min_group, seed=seed,
                                period=period)
    found = tips(context)
    evaluation = evaluate(context)
    if as_json:
        result = {"source": data.source, "lang": lang, "min_group": min_group, "period": period,
                  "stage": context.stage.code, **evaluation.to_dict(lang),
                  "tips": [tip.to_dict(lang) for tip in found]}
        if context.assessment is not None:
            a = context.assessment
            result["assessment"] = {
                "round": a.round,
                "response": {k: _jsonable(v) for k, v in a.response.items()},
                "dimensions": {dim: _jsonable(row["mean"]) for dim, row in a.dimensions.iterrows()},
                "groups": [{k: (bool(v) if k == "suppressed" else _jsonable(v)) for k, v in row.items()}
                           for row in a.groups[a.groups["score"].isin(["knowing", "trust", "commitment"])]
                           .to_dict(orient="records")]}
            result["response"] = context.response.to_dict()
            if list_missing:  # the coordinator asked for the names, explicitly
                result["non_respondents"] = [{"actor_id": a, "name": context.name(a)}
                                             for a in context.response.non_respondents]
        _echo_json(result)
        return
    click.echo(t("advice.tips.title", lang, source=shown_source(data.source, lang) or "-"))
    click.echo("")
    click.echo(evaluation.render(lang))
    click.echo("")
    if context.response is not None:
        click.echo(context.response.render(lang))
        if list_missing:
            click.echo(t("assess.non_respondents", lang))
            click.echo("  " + (", ".join(context.name(a) for a in context.response.non_respondents) or "–"))
        click.echo("")
    click.echo(t("advice.tips", lang))
    click.echo(found.render(lang) if found else t("advice.tips.none", lang))


def _pairs(values) -> list[tuple[str, str]]:
    out = []
    for value in values:
        parts = [p.strip() for p in value.split(":")]
        if len(parts) != 2 or not all(parts):
            raise click.BadParameter(t("groups.error.avoid", current_lang(), value=value), param_hint="--avoid")
        out.append((parts[0], parts[1]))
    return out


@click.command("groups", help=t("cli.groups.help", _LANG))
@lang_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--size", type=click.Choice(["2", "3"]), required=True, help=t("cli.opt.size", _LANG))
@click.option("--mode", type=click.Choice(["similar", "mixed"]), required=True,
              help=t("cli.opt.mode", _LANG))
@click.option("--rounds", type=click.IntRange(min=1), default=1, show_default=True,
              help=t("cli.opt.rounds", _LANG))
@click.option("--participants", metavar="ID,ID,...", help=t("cli.opt.participants", _LANG))
@click.option("--avoid", multiple=True, metavar="A:B", help=t("cli.opt.avoid", _LANG))
@click.option("--seed", type=int, default=0, show_default=True, help=t("cli.opt.seed", _LANG))
@click.option("--json", "as_json", is_flag=True, help=t("cli.opt.json", _LANG))
@click.pass_context
def groups_command(ctx, paths, store_url, size, mode, rounds, participants, avoid, seed, as_json):
    from ..advice.groups import plan_rounds

    lang = _lang(ctx)
    data = _load(paths, store_url)
    people = None
    if participants:
        people = [p.strip() for p in participants.split(",") if p.strip()]
        known = set(data.actors["actor_id"].astype(str))
        unknown = [p for p in people if p not in known]
        if unknown:
            raise click.BadParameter(t("groups.error.unknown", lang, ids=", ".join(unknown)),
                                     param_hint="--participants")
    plan = plan_rounds(data, people, size=int(size), mode=mode, rounds=rounds, seed=seed,
                       avoid=_pairs(avoid))
    if as_json:
        _echo_json(plan.to_dict())
        return
    click.echo(plan.render(lang))


COMMANDS = (tips_command, groups_command)
