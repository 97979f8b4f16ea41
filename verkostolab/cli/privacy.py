"""The ``forget`` and ``export-person`` commands (the rights to erasure and of access);
registered on the ``verkostolab`` command by :mod:`verkostolab.cli`.  Like the rest of the
command line, they only call the library (:meth:`Store.forget`,
:meth:`Store.export_person`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from .common import _LANG, _echo_json, _lang, confirm, lang_option
from ..i18n import t

__all__ = ["forget_command", "export_person_command", "COMMANDS"]


def _table_label(name: str, lang: str) -> str:
    for key in (f"table.{name}", f"privacy.table.{name}"):
        try:
            return t(key, lang)
        except KeyError:
            continue
    return name


@click.command("forget", help=t("cli.forget.help", _LANG))
@lang_option
@click.argument("actor")
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--yes", is_flag=True, help=t("cli.forget.opt.yes", _LANG))
@click.option("--json", "as_json", is_flag=True, help=t("cli.opt.json", _LANG))
@click.pass_context
def forget_command(ctx, actor, store_url, yes, as_json):
    from ..errors import VerkostolabError
    from ..store import Store

    lang = _lang(ctx)
    store = Store(store_url)
    try:
        if not yes:
            found = store.export_person(actor)
            question = t("privacy.forget.confirm", lang, name=found["actor"]["name"],
                         actor_id=found["actor"]["actor_id"], store=found["store"],
                         participation=len(found["participation"]),
                         ties=len(found["ties_out"]) + len(found["ties_in"]),
                         assessments=len(found["assessments"]))
            try:
                confirmed = confirm(question, lang, err=True)
            except click.exceptions.Abort:  # no answer (no terminal): nothing happens
                confirmed = False
            if not confirmed:  # a message on standard error and exit status 1
                raise VerkostolabError("privacy.forget.cancelled")
            actor = found["actor"]["actor_id"]
        result = store.forget(actor, lang=lang)
        shown_url = store._shown_url()
    finally:
        store.close()
    if as_json:
        _echo_json({**result, "store": shown_url})
        return
    click.echo(t("privacy.forget.done", lang, name=result["name"], actor_id=result["actor_id"],
                 store=shown_url))
    click.echo(t("privacy.forget.removed", lang))
    for table, count in result["removed"].items():
        click.echo(f"  {_table_label(table, lang):<22} {count:>6}")
    if result["redacted"]:
        click.echo(t("privacy.forget.redacted", lang, marker=t("privacy.redacted", lang)))
        for table, count in result["redacted"].items():
            click.echo(f"  {_table_label(table, lang):<22} {count:>6}")
    if result["to_check"]["notes"]:
        click.echo(t("privacy.forget.to_check", lang,
                     ids=", ".join(str(i) for i in result["to_check"]["notes"])))
    for place, values in result["to_check"].items():
        if place != "notes" and values:
            click.echo(t("privacy.forget.to_check_other", lang, place=place,
                         values=", ".join(str(v) for v in values)))
    click.echo(t("privacy.forget.compacted" if result["compacted"] else "privacy.forget.not_compacted",
                 lang))
    click.echo(t("privacy.forget.copies", lang))


@click.command("export-person", help=t("cli.export_person.help", _LANG))
@lang_option
@click.argument("actor")
@click.option("--store", "store_url", metavar="URL", help=t("cli.opt.store", _LANG))
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False),
              help=t("cli.export_person.opt.out", _LANG))
@click.pass_context
def export_person_command(ctx, actor, store_url, out):
    from ..store import Store

    lang = _lang(ctx)
    store = Store(store_url)
    try:
        found = store.export_person(actor)
    finally:
        store.close()
    if out is None:
        _echo_json(found)
        return
    # Personal data: readable by its owner only.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(found, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    click.echo(t("privacy.export.done", lang, name=found["actor"]["name"],
                 actor_id=found["actor"]["actor_id"], path=out))


COMMANDS = (forget_command, export_person_command)
