"""What every command shares: the ``cli`` group, the language, JSON output and loading
the data named on the command line.

It imports only click and the catalogue; the library is imported inside the helpers
that need it, when a command runs.

Click's own words (``Usage:``, ``Show this message and exit.``, ``Error: Missing
option`` ...) come from the catalogue too (the ``click.*`` keys): click 8 looks its
messages up with :func:`gettext.gettext` and :func:`gettext.ngettext`, bound as module
globals (``_``, ``ngettext``) when click is imported, and offers no other hook.  A GNU
``.mo`` file for gettext's default domain would translate every library of the process
and follow the locale's environment variables, not ``--lang``; so
:func:`install_click_translation` points those two names of click's modules at
:func:`click_gettext` and :func:`click_ngettext`, which translate the messages the
catalogue knows (by their English text) into the language of the running command and
leave every other message to gettext.  The metavars click builds from type names
(``TEXT``, ``INTEGER``, ``[OPTIONS]``, ``COMMAND [ARGS]...``), the help texts and the
answers of a yes/no question (:func:`confirm`) follow the language as well."""

from __future__ import annotations

import gettext
import json
import sys
from pathlib import Path

import click

from ..i18n import LANGUAGES, catalogue, default_lang, t

_LANG = default_lang()

#: The language of the command that runs now (set from its arguments before click
#: parses them): click's own messages are translated into it.
_STATE = {"lang": _LANG}


def current_lang() -> str:
    """The language of the running command (``--lang``, else ``VERKOSTOLAB_LANG``, else fi)."""
    return _STATE["lang"]


def lang_in_args(args) -> str:
    """The language asked for by ``--lang X`` or ``--lang=X`` anywhere in ``args``."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGUAGES:
            return value
    return _LANG


_CLICK_KEYS: dict[str, str] | None = None


def _click_keys() -> dict[str, str]:
    """Click's English message -> its catalogue key (the ``click.*`` keys whose English
    text is click's own message)."""
    global _CLICK_KEYS
    if _CLICK_KEYS is None:
        english = catalogue("en")
        _CLICK_KEYS = {text: key for key, text in english.items() if key.startswith("click.")
                       and not key.startswith(("click.metavar.", "click.confirm."))}
    return _CLICK_KEYS


def click_gettext(message: str) -> str:
    """:func:`gettext.gettext` for click: the catalogue's text in the current language."""
    key = _click_keys().get(message)
    return t(key, current_lang()) if key else gettext.gettext(message)


def click_ngettext(singular: str, plural: str, n: int) -> str:
    """:func:`gettext.ngettext` for click (the catalogue has a ``.one`` and ``.many`` key)."""
    key = _click_keys().get(singular if n == 1 else plural)
    return t(key, current_lang()) if key else gettext.ngettext(singular, plural, n)


def install_click_translation() -> None:
    """Point the ``_`` and ``ngettext`` of click's modules at the catalogue."""
    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = click_gettext
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = click_ngettext


install_click_translation()


def confirm(question: str, lang: str, *, err: bool = True) -> bool:
    """A yes/no question answered in the language's own words: k/kyllä/e/ei in Finnish,
    j/ja/n/nej in Swedish, y/yes/n/no in English; Enter means no.  Anything else asks
    again.  No answer at all (no terminal) raises :class:`click.Abort`."""
    yes = {w.strip().casefold() for w in t("click.confirm.yes", lang).split(",")}
    no = {w.strip().casefold() for w in t("click.confirm.no", lang).split(",")}
    prompt = f"{question} {t('click.confirm.suffix', lang)}"
    while True:
        answer = click.prompt(prompt, default="", show_default=False, err=err, prompt_suffix=" ")
        word = str(answer).strip().casefold()
        if word in yes:
            return True
        if word in no or not word:
            return False
        click.echo(t("click.confirm.invalid", lang), err=err)


_TEXT_KEYS: dict[bool, dict[str, str]] = {}


def _text_keys(metavars: bool = False) -> dict[str, str]:
    """A help text in any language -> its key (``cli.*`` and ``click.*``); with
    ``metavars``, a metavar written on an option (``FROM:TO``) -> its ``cli.metavar.*`` key."""
    if metavars not in _TEXT_KEYS:
        keys: dict[str, str] = {}
        for lang in LANGUAGES:
            for key, text in catalogue(lang).items():
                if key.startswith("cli.metavar.") if metavars else (
                        key.startswith(("cli.", "click.")) and ".metavar." not in key):
                    keys.setdefault(text, key)
        _TEXT_KEYS[metavars] = keys
    return _TEXT_KEYS[metavars]


#: Parameters whose metavar was set here (so that another language may replace it).
_OWN_METAVAR: set[int] = set()


def _metavar(param: click.Parameter, lang: str) -> str | None:
    cat = catalogue(lang)
    if isinstance(param, click.Argument):
        var = cat.get(f"cli.arg.{param.name}")
        if var is None:
            return None
        if not param.required:
            var = f"[{var}]"
        return var + "..." if param.nargs != 1 else var
    if getattr(param, "is_flag", False) or isinstance(param.type, click.Choice):
        return None
    name = param.type.name  # "path", "file", "directory" were translated when made
    translated = _text_keys().get(name, "")
    if translated in ("click.path", "click.file", "click.directory"):
        name = translated.removeprefix("click.")
    var = cat.get("click.metavar." + name.replace(" ", "_"))
    if var is None:
        return None
    return var + "..." if param.nargs != 1 else var


def _localise(command: click.Command, lang: str) -> None:
    """Help texts, metavars and ``--help`` of ``command`` and its subcommands in ``lang``."""
    keys = _text_keys()
    if command.help in keys:
        command.help = t(keys[command.help], lang)
    command.options_metavar = t("click.metavar.options", lang)
    if isinstance(command, click.Group):
        command.subcommand_metavar = t("click.metavar.subcommand", lang)
    params = list(command.params)
    help_option = getattr(command, "_help_option", None)  # made once, in the first language
    if help_option is not None:
        params.append(help_option)
    for param in params:
        type_key = keys.get(param.type.name, "")  # "file" in messages: 'file x does not exist'
        if type_key in ("click.path", "click.file", "click.directory"):
            param.type.name = t(type_key, lang)
        if isinstance(param, click.Option) and param.help in keys:
            param.help = t(keys[param.help], lang)
        if param.metavar is None or id(param) in _OWN_METAVAR:
            metavar = _metavar(param, lang)
            if metavar is not None:
                param.metavar = metavar
                _OWN_METAVAR.add(id(param))
        elif param.metavar in _text_keys(metavars=True):  # FROM:TO, FILE, ROUND ...
            param.metavar = t(_text_keys(metavars=True)[param.metavar], lang)
    for sub in getattr(command, "commands", {}).values():
        _localise(sub, lang)


class LocalisedGroup(click.Group):
    """The ``verkostolab`` group: the language of a run is read from its arguments before
    click parses them, so that click's messages, help texts and metavars are in it."""

    def make_context(self, info_name, args, parent=None, **extra):
        use_lang(self, lang_in_args(args))
        return super().make_context(info_name, args, parent=parent, **extra)


def use_lang(command: click.Command, lang: str) -> None:
    """Make ``lang`` the language of click's messages and of ``command``'s help."""
    _STATE["lang"] = lang
    install_click_translation()  # click modules imported since (e.g. click._termui_impl)
    _localise(command, lang)

#: ``--format`` choices of import and check: the same as ``verkostolab.io.FORMATS``
#: (spelled out here so that the command line starts without pandas; a test compares).
IMPORT_FORMATS = ("auto", "workbook", "csv", "teams", "slack", "kumu", "forms", "gexf", "graphml",
                  "calendar", "edgelist", "participation")


def _lang(ctx: click.Context) -> str:
    root = ctx.find_root()
    return (root.obj or {}).get("lang", current_lang())


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
    from ..sources import load

    if path_args and store_url:
        raise click.UsageError(t("cli.path_or_store", current_lang()))
    return load([Path(p) for p in path_args] if path_args else None, store=store_url, format=fmt)


@click.group(cls=LocalisedGroup, help=t("cli.help", _LANG))
@click.option("--lang", type=click.Choice(LANGUAGES), default=_LANG, show_default=True,
              help=t("cli.opt.lang", _LANG))
@click.version_option(package_name="verkostolab")
@click.pass_context
def cli(ctx: click.Context, lang: str) -> None:
    ctx.ensure_object(dict).setdefault("lang", lang)


#: ``--level`` choices (the levels of :func:`verkostolab.graphs.build_graph`).
_LEVEL = click.Choice(["person", "organisation", "sector", "network"])


def _check_period(_ctx, _param, value):
    """A ``--period``, ``--before`` or ``--after`` that cannot be read stops the command
    before any data is loaded: :func:`~verkostolab.tables.data.parse_period` raises
    :class:`~verkostolab.errors.PeriodError` (exit status 2, the catalogue's message)."""
    if value is None:
        return None
    from ..tables.data import parse_period

    parse_period(value)
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
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, bool)):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


