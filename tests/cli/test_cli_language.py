"""The command line in Finnish, Swedish and English all the way through: click's own
words (usage, options, errors, prompts) come from the catalogue, and a yes/no question
takes the language's own answers."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from verkostolab.cli import cli
from verkostolab.i18n import catalogue


def _clicks_english() -> set[str]:
    """Every message click translates with gettext, read from click's own source."""
    found = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "ngettext")):
                found |= {a.value for a in node.args
                          if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


def _fragments(message: str) -> list[str]:
    """The wordy parts of a click message between its placeholders."""
    parts = re.split(r"\{[^}]*\}|%\([a-z]+\)s|\n\t", message)
    return [p.strip(" .:()'!?") for p in parts if len(re.findall(r"[A-Za-z]", p)) >= 4]


ENGLISH = _clicks_english()


def test_the_catalogue_translates_what_click_shows_people():
    english = {text for key, text in catalogue("en").items() if key.startswith("click.")}
    for message in ("Usage:", "Show this message and exit.", "Error: {message}", "Missing option",
                    "No such option {name!r}.", "No such command {name!r}.",
                    "Try '{command} {option}' for help.", "Invalid value for {param_hint}: {message}",
                    "{value!r} is not one of {choices}.", "Got unexpected extra argument ({args})",
                    "Option {name!r} requires an argument.", "default: {default}", "Options"):
        assert message in ENGLISH, message  # still click's own message
        assert message in english, message  # and in the catalogue


def _english_in(text: str, lang: str) -> list[str]:
    """Click's English fragments found in ``text`` (those that ``lang`` says differently)."""
    own = catalogue(lang)
    same = {text_ for key, text_ in own.items() if key.startswith("click.")
            and text_ == catalogue("en")[key]}
    hits = []
    for message in ENGLISH:
        if message in same:
            continue
        for fragment in _fragments(message):
            if re.search(r"(?<![A-Za-zÅÄÖåäö])" + re.escape(fragment) + r"(?![A-Za-zÅÄÖåäö])", text):
                hits.append(fragment)
    for metavar in ("[OPTIONS]", "COMMAND [ARGS]", "INTEGER", "FLOAT", "PATHS", "FILE", "ACTOR",
                    "FROM:TO", "NOTEBOOK"):
        if re.search(r"(?<![A-ZÅÄÖ])" + re.escape(metavar) + r"(?![A-ZÅÄÖ])", text):
            hits.append(metavar)
    return hits


def _run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="verkostolab")


HELP = [["--help"], *[[name, "--help"] for name in sorted(cli.commands)]]
ERRORS = [
    ["picture"],                                   # Missing option '--out'
    ["nosuch"],                                    # No such command
    ["info", "--no-such-option"],                  # No such option
    ["measures", "--level", "galaxy"],             # not one of the choices
    ["tips", "--min-group", "0"],                  # not in the range
    ["groups", "--seed", "many"],                  # not a valid integer
    ["picture", "--out"],                          # requires an argument
    ["template", "--out", "x.xlsx", "extra"],      # unexpected extra argument
    ["report", "--out"],
    ["forget"],                                    # Missing argument
    ["import", "--merges", "no-such.xlsx", "x.xlsx"],  # file does not exist
]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_help_and_errors_contain_no_english_from_click(lang):
    outputs = []
    for args in HELP:
        for placed in (["--lang", lang, *args], [*args[:-1], "--lang", lang, args[-1]]):
            result = _run(*placed)
            assert result.exit_code == 0, (placed, result.output)
            outputs.append((placed, result.output))
    for args in ERRORS:
        result = _run("--lang", lang, *args)
        assert result.exit_code == 2, (args, result.output)
        outputs.append((args, result.output))
    other = catalogue({"fi": "sv", "sv": "fi"}[lang])
    theirs = {text_ for key, text_ in other.items() if key.startswith(("click.metavar.", "cli.metavar.", "cli.arg."))
              and text_ != catalogue(lang)[key] and len(text_) > 3}
    for args, text in outputs:
        assert _english_in(text, lang) == [], (args, text)
        assert [w for w in theirs if re.search(rf"(?<![A-ZÅÄÖ]){re.escape(w)}(?![A-ZÅÄÖ])", text)] == [], (args, text)
    usage = {"fi": "Käyttö:", "sv": "Användning:"}[lang]
    assert all(usage in text for _, text in outputs[:len(HELP)])
    missing = dict((tuple(a), o) for a, o in outputs)[("picture",)]
    assert {"fi": "Virhe: Puuttuva valitsin '--out'.",
            "sv": "Fel: Saknad flagga '--out'."}[lang] in missing
    no_file = dict((tuple(a), o) for a, o in outputs)[("import", "--merges", "no-such.xlsx", "x.xlsx")]
    assert {"fi": "Tiedosto 'no-such.xlsx' ei ole olemassa.",
            "sv": "Fil 'no-such.xlsx' finns inte."}[lang] in no_file


def test_english_help_and_errors_are_clicks_own():
    result = _run("--lang", "en", "picture")
    assert "Error: Missing option '--out'." in result.output and "Usage:" in result.output
    assert "Show this message and exit." in _run("--lang", "en", "info", "--help").output


def test_the_language_follows_each_run_not_the_first():
    assert "Näytä tämä ohje ja lopeta." in _run("--lang", "fi", "info", "--help").output
    assert "Visa den här hjälpen och avsluta." in _run("--lang", "sv", "info", "--help").output
    english = _run("info", "--help", "--lang", "en").output
    assert "Show this message and exit." in english and "Describe network data" in english
    assert "Granska filerna" in _run("--lang=sv", "import", "--help").output


def _cli(*args, input=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if k not in ("VERKOSTOLAB_STORE", "VERKOSTOLAB_LANG")}
    return subprocess.run([sys.executable, "-m", "verkostolab", *map(str, args)], input=input,
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=180)


def test_swedish_and_finnish_errors_in_a_real_process():
    sv = _cli("--lang", "sv", "measures", "--period")
    assert sv.returncode == 2 and "Fel: Flaggan '--period' kräver ett värde." in sv.stderr
    assert "Error" not in sv.stderr and "Usage" not in sv.stderr
    fi = _cli("forget")
    assert fi.returncode == 2 and "Puuttuu 'TOIMIJA'." in fi.stderr  # the catalogue's, as every usage error
    assert "Error" not in fi.stderr and "Usage" not in fi.stderr and "Missing" not in fi.stderr


@pytest.mark.parametrize("lang, yes, no, foreign", [
    ("fi", ["k", "kyllä", "K"], ["e", "ei", ""], "y"),
    ("sv", ["j", "ja", "JA"], ["n", "nej", ""], "k"),
    ("en", ["y", "yes"], ["n", "no", ""], "j"),
])
def test_confirmation_takes_the_languages_own_answers(lang, yes, no, foreign, small_folder, tmp_path):
    store = tmp_path / "confirm.sqlite"
    imported = _cli("import", small_folder, "--store", store)
    assert imported.returncode == 0, imported.stderr
    suffix = {"fi": "[k/E]", "sv": "[j/N]", "en": "[y/N]"}[lang]
    for answer in no:
        kept = _cli("--lang", lang, "forget", "P2", "--store", store, input=answer + "\n")
        assert kept.returncode == 1 and suffix in kept.stderr, kept.stderr
        assert "Traceback" not in kept.stderr
    # Another language's yes is no answer: asked again, then (no more input) nothing happens.
    other = _cli("--lang", lang, "forget", "P2", "--store", store, input=foreign + "\n")
    assert other.returncode == 1
    assert {"fi": "Vastaa k (kyllä) tai e (ei).", "sv": "Svara j (ja) eller n (nej).",
            "en": "Please answer y (yes) or n (no)."}[lang] in other.stderr
    assert other.stderr.count(suffix) == 2
    removed = _cli("--lang", lang, "forget", "P2", "--store", store, input=f"x\n{yes[0]}\n")
    assert removed.returncode == 0, removed.stderr
    assert {"fi": "Poistettu", "sv": "Borttagen", "en": "Removed"}[lang] in removed.stdout
    gone = _cli("--lang", "en", "export-person", "P2", "--store", store)
    assert gone.returncode == 1 and "There is no actor 'P2'" in gone.stderr
    for answer in yes[1:]:  # the other spellings of yes remove too
        _cli("import", small_folder, "--store", store)
        again = _cli("--lang", lang, "forget", "P3", "--store", store, input=answer + "\n")
        assert again.returncode == 0, (answer, again.stderr)
