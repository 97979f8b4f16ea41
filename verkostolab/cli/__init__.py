"""The ``verkostolab`` command.  It only calls the library.

One module per command family: :mod:`~verkostolab.cli.data` (``import``, ``check``,
``info``, ``template``, ``export``), :mod:`~verkostolab.cli.analysis` (``measures``,
``change``, ``picture``), :mod:`~verkostolab.cli.coordination` (``clock``),
:mod:`~verkostolab.cli.advice` (``tips``, ``groups``),
:mod:`~verkostolab.cli.privacy` (``forget``, ``export-person``),
:mod:`~verkostolab.cli.report` (``report``) and :mod:`~verkostolab.cli.workshop`
(``workshop``); what they share is in :mod:`~verkostolab.cli.common`.  Importing this
package registers every command on :data:`cli` and imports none of pandas, numpy,
igraph, Bokeh or SQLAlchemy: each command imports the library when it runs.

Messages come from the catalogue in Finnish (default) or English (``--lang en`` or
``VERKOSTOLAB_LANG=en``).  Errors go to standard error with a non-zero exit status:
1 for bad input, 2 for wrong usage (a mistyped period, a value that is not one of the
choices: :class:`verkostolab.errors.UsageError`), 3 for anything unexpected; never a
traceback (set ``VERKOSTOLAB_DEBUG=1`` to see one).

>>> sorted(cli.commands)[:4]
['change', 'check', 'clock', 'export']
"""

from __future__ import annotations

import os
import sys
import traceback

import click

from ..i18n import t
from . import advice, analysis, coordination, data, privacy, report, workshop
from .common import IMPORT_FORMATS, cli, lang_in_args

__all__ = ["main", "cli", "IMPORT_FORMATS"]

#: The command families, each a module with its ``COMMANDS``.
FAMILIES = (data, analysis, coordination, advice, privacy, report, workshop)

for _family in FAMILIES:
    for _command in _family.COMMANDS:
        cli.add_command(_command)


def _lang_of(args: list[str]) -> str:
    return lang_in_args(args)


def _option_error(exc: click.exceptions.UsageError):
    """click's own usage errors (an unknown option, a missing one, a value the option does
    not take) as an :class:`~verkostolab.errors.OptionError` with a catalogue message;
    ``None`` for the others (their messages are ours already, or click's)."""
    from ..errors import OptionError

    if isinstance(exc, click.exceptions.NoSuchOption):
        if exc.possibilities:
            return OptionError("error.option.unknown_suggest", option=exc.option_name,
                               suggestions=", ".join(sorted(exc.possibilities)))
        return OptionError("error.option.unknown", option=exc.option_name)
    if not isinstance(exc, click.exceptions.BadParameter) or (exc.param is None and not exc.param_hint):
        return None
    if exc.param_hint:
        hints = [exc.param_hint] if isinstance(exc.param_hint, str) else list(exc.param_hint)
        hint = " / ".join(f"'{h}'" for h in hints)
    else:
        hint = exc.param.get_error_hint(exc.ctx)
    if isinstance(exc, click.exceptions.MissingParameter):
        return OptionError("error.option.missing", param=hint)
    kind = exc.param.type if exc.param is not None else None
    if isinstance(kind, click.Choice):
        return OptionError("error.option.choice", param=hint, allowed=", ".join(map(str, kind.choices)))
    if isinstance(kind, (click.IntRange, click.FloatRange)):
        return OptionError("error.option.range", param=hint, range=kind._describe_range())
    if kind is click.INT:
        return OptionError("error.option.integer", param=hint)
    if kind is click.FLOAT:
        return OptionError("error.option.number", param=hint)
    return OptionError("error.option.value", param=hint, message=exc.message)


def main(argv=None) -> None:
    """Run the command line; turn every error into a message and an exit status."""
    from ..errors import InputError, UsageError, VerkostolabError

    args = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_of(args)
    try:
        code = cli.main(args=args, prog_name="verkostolab", standalone_mode=False)
        if isinstance(code, int) and code:  # ctx.exit(N) in a command
            sys.exit(code)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.exceptions.UsageError as exc:
        error = _option_error(exc)
        if error is None:
            exc.show()
            sys.exit(exc.exit_code)
        click.echo(error.render(lang), err=True)
        if exc.ctx is not None:
            click.echo(t("cli.try_help", lang, command=exc.ctx.command_path), err=True)
        sys.exit(2)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except InputError as exc:
        click.echo(exc.render(lang), err=True)
        sys.exit(1)
    except UsageError as exc:  # a wrong option or value: wrong usage, as click's own errors
        click.echo(exc.render(lang), err=True)
        sys.exit(2)
    except VerkostolabError as exc:
        click.echo(exc.render(lang), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # never a traceback for people
        if type(exc).__module__.startswith("sqlalchemy") and hasattr(exc, "orig"):
            from ..store.engine import store_error  # a database error: the store's message

            click.echo(store_error(exc, "-").render(lang), err=True)
            sys.exit(1)
        if os.environ.get("VERKOSTOLAB_DEBUG"):
            traceback.print_exc()
        click.echo(t("error.unexpected", lang, message=f"{type(exc).__name__}: {exc}"), err=True)
        sys.exit(3)
