"""The ``verkostolab`` command.  It only calls the library.

One module per command family: :mod:`~verkostolab.cli.data` (``import``, ``check``,
``info``, ``template``, ``export``), :mod:`~verkostolab.cli.analysis` (``measures``,
``change``, ``picture``), :mod:`~verkostolab.cli.advice` (``tips``, ``groups``),
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
['change', 'check', 'export', 'export-person']
"""

from __future__ import annotations

import os
import sys
import traceback

import click

from ..i18n import LANGUAGES, t
from . import advice, analysis, data, privacy, report, workshop
from .common import _LANG, IMPORT_FORMATS, cli

__all__ = ["main", "cli", "IMPORT_FORMATS"]

#: The command families, each a module with its ``COMMANDS``.
FAMILIES = (data, analysis, advice, privacy, report, workshop)

for _family in FAMILIES:
    for _command in _family.COMMANDS:
        cli.add_command(_command)


def _lang_of(args: list[str]) -> str:
    lang = _LANG
    if "--lang" in args:
        i = args.index("--lang")
        if i + 1 < len(args) and args[i + 1] in LANGUAGES:
            lang = args[i + 1]
    return lang


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
