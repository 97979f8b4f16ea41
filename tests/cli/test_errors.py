"""Errors a person can cause (a mistyped period, a value that is not one of the choices):
each is a type in verkostolab.errors with a catalogue message in Finnish and English,
from the library and through the command line (exit status 2, the catalogue's text,
never "unexpected error")."""

from __future__ import annotations

import pytest

from verkostolab.cli import main
from verkostolab.datasets import generate_sample
from verkostolab.errors import (OptionError, ParameterError, PeriodError, ReportError, UsageError,
                                VerkostolabError)
from verkostolab.i18n import t


@pytest.fixture(scope="module")
def sample():
    return generate_sample()


def run_cli(capsys, *args):
    """``verkostolab ARGS`` in this process: (exit status, standard output, standard error)."""
    with pytest.raises(SystemExit) as exit_:
        main([str(a) for a in args])
        raise SystemExit(0)
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def assert_speaks_both(exc: VerkostolabError, key: str, **params):
    assert exc.key == key
    for lang in ("fi", "en"):
        assert exc.render(lang) == t(key, lang, **params)
    assert exc.render("fi") != exc.render("en")


def test_the_types_and_what_they_are():
    for kind in (PeriodError, ParameterError, OptionError):
        assert issubclass(kind, UsageError) and issubclass(kind, ValueError)
        assert issubclass(kind, VerkostolabError)
    from verkostolab import report

    assert report.ReportError is ReportError  # moved into errors.py, still importable there
    assert ReportError.key == "error.report_cell"


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize("period", ["huhtikuu", "2024-13:2024-14", "2024-09:joulukuu", "32.1.2024"])
def test_a_period_that_cannot_be_read(period):
    from verkostolab.tables.data import parse_period

    with pytest.raises(PeriodError) as caught:
        parse_period(period)
    assert_speaks_both(caught.value, "error.bad_period", value=period)
    assert period in caught.value.render("fi")
    with pytest.raises(ValueError):  # old callers that catch ValueError keep working
        parse_period(period)


def test_a_period_through_the_data_and_a_pair_that_is_not_dates(sample):
    with pytest.raises(PeriodError) as caught:
        sample.filter(period="kevät:2025")
    assert_speaks_both(caught.value, "error.bad_period", value="kevät:2025")
    with pytest.raises(PeriodError) as caught:
        sample.filter(period=("syksy", None))
    assert_speaks_both(caught.value, "error.bad_period", value="syksy:")


@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("command", [["measures", "--period", "huhtikuu"],
                                     ["change", "--before", "huhtikuu", "--after", "2025"],
                                     ["export", "--out", "x.gexf", "--period", "huhtikuu"],
                                     ["picture", "--out", "x.html", "--period", "huhtikuu"]])
def test_a_mistyped_period_on_the_command_line(capsys, lang, command):
    code, out, err = run_cli(capsys, "--lang", lang, *command)
    assert code == 2 and out == ""
    assert err == t("error.bad_period", lang, value="huhtikuu") + "\n"


# --------------------------------------------------------------------------- choices


def test_assessment_round_and_grouping(sample):
    from verkostolab.measures.assessment import compare_rounds, respondent_groups, score

    with pytest.raises(ParameterError) as caught:
        score(sample, round="2030")
    assert_speaks_both(caught.value, "error.unknown_round", value="2030",
                       allowed="2024-syksy, 2025-kevät")
    with pytest.raises(ParameterError) as caught:
        compare_rounds(sample, "2024-syksy", "2031")
    assert_speaks_both(caught.value, "error.unknown_round", value="2031",
                       allowed="2024-syksy, 2025-kevät")
    with pytest.raises(ParameterError) as caught:
        respondent_groups(sample, "colour")
    assert_speaks_both(caught.value, "error.parameter", name="by", value="colour",
                       allowed="sector, organisation, network")
    spring = sample.assessments[sample.assessments["round"] == "2025-kevät"]
    one_round = type(sample)({**sample.tables(), "assessments": spring})
    with pytest.raises(ParameterError) as caught:
        compare_rounds(one_round)
    assert_speaks_both(caught.value, "error.two_rounds", count=1)
    none = type(sample)({**sample.tables(), "assessments": spring.iloc[:0]})
    with pytest.raises(ParameterError) as caught:
        score(none)
    assert_speaks_both(caught.value, "error.no_assessments")


def test_boundary_spanners_by(sample):
    from verkostolab.graphs import build_graph
    from verkostolab.measures import boundary_spanners

    graph = build_graph(sample)
    with pytest.raises(ParameterError) as caught:
        boundary_spanners(graph, by="colour")
    assert caught.value.params["value"] == "colour" and "sector" in caught.value.params["allowed"]
    assert_speaks_both(caught.value, "error.parameter", **caught.value.params)
    with pytest.raises(ParameterError) as caught:
        boundary_spanners(graph, by="network")
    assert_speaks_both(caught.value, "error.by_network_needs_data")


def test_groups_size_mode_and_participants(sample):
    from verkostolab.advice.groups import group_sizes, plan_rounds

    with pytest.raises(ParameterError) as caught:
        plan_rounds(sample, size=4)
    assert_speaks_both(caught.value, "error.parameter", name="size", value=4, allowed="2, 3")
    with pytest.raises(ParameterError) as caught:
        group_sizes(10, 5)
    assert caught.value.params["value"] == 5
    with pytest.raises(ParameterError) as caught:
        plan_rounds(sample, size=2, mode="random")
    assert_speaks_both(caught.value, "error.parameter", name="mode", value="random",
                       allowed="similar, mixed")
    with pytest.raises(ParameterError) as caught:
        plan_rounds(sample, ["P01", "NOPE", "P02"], size=2)
    assert_speaks_both(caught.value, "groups.error.unknown", ids="NOPE")


def test_picture_size_by(sample):
    from verkostolab.viz import SIZE_MEASURES, network_picture

    with pytest.raises(ParameterError) as caught:
        network_picture(sample, size_by="height")
    assert_speaks_both(caught.value, "error.unknown_measure", value="height",
                       allowed=", ".join(SIZE_MEASURES))


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_wrong_values_on_the_command_line(capsys, tmp_path, lang):
    from verkostolab.viz import SIZE_MEASURES

    code, out, err = run_cli(capsys, "--lang", lang, "tips", "--round", "2030")
    assert code == 2 and out == ""
    assert err == t("error.unknown_round", lang, value="2030", allowed="2024-syksy, 2025-kevät") + "\n"
    code, out, err = run_cli(capsys, "picture", "--out", tmp_path / "p.html", "--size-by", "height",
                             "--lang", lang)
    assert code == 2 and not (tmp_path / "p.html").exists()
    assert err == t("error.unknown_measure", lang, value="height", allowed=", ".join(SIZE_MEASURES)) + "\n"
    code, out, err = run_cli(capsys, "--lang", lang, "picture", "--out", tmp_path / "p.txt")
    assert code == 2 and err == t("error.out_suffix", lang, path=tmp_path / "p.txt") + "\n"
    for shown in (out, err):
        assert t("error.unexpected", lang, message="").split(":")[0] not in shown


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_a_file_and_a_store_at_once(capsys, tmp_path, lang):
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\nA,B\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "info", edges, "--store", tmp_path / "s.sqlite", "--lang", lang)
    assert code == 2 and out == "" and t("cli.path_or_store", lang) in err


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_bad_options_are_option_errors_with_catalogue_messages(capsys, lang):
    def said(*args):
        code, out, err = run_cli(capsys, "--lang", lang, *args)
        assert code == 2 and out == "" and "Traceback" not in err
        message, help_line = err.splitlines()
        assert help_line == t("cli.try_help", lang, command=f"verkostolab {args[0]}")
        return message

    assert said("info", "--bogus") == t("error.option.unknown", lang, option="--bogus")
    assert said("info", "--jsn") == t("error.option.unknown_suggest", lang, option="--jsn",
                                      suggestions="--json")
    assert said("groups", "--size", "4", "--mode", "mixed") == t("error.option.choice", lang,
                                                                 param="'--size'", allowed="2, 3")
    assert said("groups", "--mode", "mixed") == t("error.option.missing", lang, param="'--size'")
    assert said("measures", "--top", "x") == t("error.option.integer", lang, param="'--top'")
    assert said("picture", "--out", "x.html", "--min-weight", "w") == t("error.option.number", lang,
                                                                        param="'--min-weight'")
    assert said("groups", "--size", "2", "--mode", "mixed", "--rounds", "0") == t(
        "error.option.range", lang, param="'--rounds'", range="x>=1")
    # A value the command itself refuses keeps its own catalogue message inside.
    assert said("groups", "--size", "2", "--mode", "mixed", "--participants", "P01,NOPE") == t(
        "error.option.value", lang, param="'--participants'",
        message=t("groups.error.unknown", lang, ids="NOPE"))


def test_apps_show_the_errors_own_message():
    from verkostolab.apps.common import report_error

    error = PeriodError(value="huhtikuu")
    for lang in ("fi", "en"):
        assert report_error(error, lang) == t("error.bad_period", lang, value="huhtikuu")
    wrong = ParameterError(name="mode", value="random", allowed="similar, mixed")
    assert report_error(wrong, "en") == "'random' is not a valid mode; choose one of: similar, mixed"
