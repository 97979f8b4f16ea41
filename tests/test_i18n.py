import json
import re
import string
from importlib import resources

import pytest

from verkostolab.i18n import (LANGUAGES, catalogue, catalogue_files, format_number, format_percent,
                              glossary, shown_source, t)
from verkostolab.tables.schema import VOCABULARIES, normalise_value


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_languages_are_finnish_swedish_and_english():
    assert LANGUAGES == ("fi", "sv", "en")


def test_catalogues_have_the_same_keys_and_placeholders():
    fi, sv, en = catalogue("fi"), catalogue("sv"), catalogue("en")
    assert set(fi) == set(sv) == set(en)
    for key in fi:
        assert _fields(fi[key]) == _fields(sv[key]) == _fields(en[key]), key
        assert fi[key].strip() and sv[key].strip() and en[key].strip(), key


def test_every_topic_has_a_file_in_every_language_with_the_same_keys():
    files = {lang: catalogue_files(lang) for lang in LANGUAGES}
    topics = {lang: {name.rsplit(".", 2)[0] if name.count(".") == 2 else "" for name in names}
              for lang, names in files.items()}
    assert topics["fi"] == topics["sv"] == topics["en"] and "advice" in topics["sv"]
    for name, messages in files["fi"].items():
        sv_name = name.replace("fi.json", "sv.json")
        assert set(files["sv"][sv_name]) == set(messages), sv_name


def test_swedish_files_are_sorted_by_key_so_that_merges_stay_simple():
    for name, messages in catalogue_files("sv").items():
        assert list(messages) == sorted(messages), name


def _filled(template: str) -> str:
    params = {}
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name:
            params[name] = 0.5 if spec else f"<{name}>"
    return template.format(**params)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_renders_with_all_placeholders_filled(lang):
    cat = catalogue(lang)
    for key, template in cat.items():
        if key == "click.version":  # click fills it with %-formatting
            assert template % {"prog": "verkostolab", "version": "1"}, key
            continue
        fields = _fields(template)
        text = t(key, lang, **{f: f"<{f}>" for f in fields}) if fields else t(key, lang)
        assert text.strip(), key
        for field in fields:
            assert f"<{field}>" in text or f"'<{field}>'" in text, (key, field)
        assert "{" not in text.replace("{{", "") and "}" not in text.replace("}}", ""), (key, text)
        assert text == _filled(template), key


def test_swedish_uses_the_swedish_speaking_fields_terms():
    assert t("cli.help", "sv") == "verkostolab: verktyg för nätverksarbete och nätverksledning."
    assert t("chart.ktc.title", "sv") == "Kännedom, förtroende och engagemang"
    assert [t(f"assess.dimension.{d}", "sv") for d in ("knowing", "trust", "commitment")] == [
        "kännedom", "förtroende", "engagemang"]
    assert t("sector.third_sector", "sv") == "tredje sektorn"


# Texts that are the same as the English on purpose: names, method names, formats, and
# words Swedish shares with English.
_SAME_AS_ENGLISH = {
    "fi": {"PageRank", "open space", "{file}: {what}", "{file}: {count}", "{source}: {level}, {when}"},
    "sv": {"PageRank", "{file}: {what}", "{file}: {count}", "Organisation {code}", "{source}: {level}, {when}", "%(prog)s, version %(version)s",
           "ID,ID,...", "TEXT", "text", "id", "Person", "Organisation", "organisation",
           "organisation_id", "period", "period {period}", "Period: {start} – {end}", "diameter",
           "Silo: {group}", "workshop", "cell"},
}


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_finnish_and_swedish_texts_are_not_left_in_english(lang):
    cat, en = catalogue(lang), catalogue("en")
    same = {text for key, text in cat.items() if text == en[key]}
    assert same <= _SAME_AS_ENGLISH[lang], same - _SAME_AS_ENGLISH[lang]


def test_sv_vocabulary_labels_and_headers_read_back(tmp_path):
    from verkostolab import read
    from verkostolab.datasets import load_sample
    from verkostolab.io.workbook import write_workbook

    sample = load_sample()
    path = write_workbook(sample, tmp_path / "nätverk.xlsx", lang="sv")
    from openpyxl import load_workbook

    sheets = load_workbook(path, read_only=True).sheetnames
    assert {"aktörer", "händelser", "förbindelser", "deltaganden"} <= set(sheets)
    back = read(path)
    for table in ("actors", "organisations", "events", "ties", "participation"):
        assert len(back.table(table)) == len(sample.table(table)), table
    assert sorted(back.organisations["sector"].unique()) == sorted(sample.organisations["sector"].unique())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_vocabulary_code_has_a_label_that_reads_back(lang):
    for vocab, codes in VOCABULARIES.items():
        for code in codes:
            label = t(f"{vocab}.{code}", lang)
            assert normalise_value(vocab, label) == code, (vocab, code, label)
            assert normalise_value(vocab, code) == code


def test_unknown_key_is_an_error():
    with pytest.raises(KeyError):
        t("no.such.message", "fi")


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang"):
        t("sector.public", "de")


def test_numbers_are_written_as_the_language_writes_them():
    assert format_number(3.6249, "fi") == "3,62" and format_number(3.6249, "sv") == "3,62"
    assert format_number(3.6249, "en") == "3.62"
    assert format_number(0.55, "fi", sign=True) == "+0,55" and format_number(-0.2, "en", sign=True) == "-0.20"
    assert format_number(12, "fi") == "12"
    assert format_percent(0.73, "fi") == "73 %" and format_percent(0.73, "sv") == "73 %"
    assert format_percent(0.73, "en") == "73%" and format_percent(1.0, "en") == "100%"
    assert format_percent(0.125, "fi", 1) == "12,5 %"


def test_tips_and_stage_use_the_languages_numbers():
    from verkostolab.advice.tips import format_value

    assert format_value("cross_sector_share", 0.731, "fi") == "73 %"
    assert format_value("cross_sector_share", 0.731, "en") == "73%"
    assert format_value("mean", 3.6249, "sv") == "3,62"
    assert format_value("ci_low", 0.39, "fi") == "+0,39"
    from verkostolab.measures.stage import Stage

    stage = Stage("core_periphery", {"core_share": 0.45, "core_density": 0.712,
                                     "periphery_reaching_core": 0.8})
    assert "45 %" in stage.explain("fi") and "0,71" in stage.explain("fi")
    assert "80 %" in stage.explain("sv") and "0,71" in stage.explain("sv")
    assert "45%" in stage.explain("en") and "0.71" in stage.explain("en")


def test_the_sample_is_named_in_the_language_it_is_shown_in():
    from verkostolab.datasets import SAMPLE_SOURCE

    assert t("source.sample", "en") == SAMPLE_SOURCE  # the catalogue knows the sample's source
    assert shown_source(SAMPLE_SOURCE, "fi") == "Järvilaakso (kuvitteellinen esimerkkiverkosto)"
    assert shown_source(SAMPLE_SOURCE, "sv") == "Järvilaakso (fiktivt exempelnätverk)"
    assert shown_source(t("source.sample", "sv"), "en") == SAMPLE_SOURCE
    assert shown_source("verkosto.xlsx", "fi") == "verkosto.xlsx" and shown_source(None, "fi") == ""


def _plain(text: str) -> str:
    """A catalogue text without its placeholders and option names."""
    return re.sub(r"--[a-z][a-z-]*", "", re.sub(r"\{[^}]*\}", "", text))


def test_glossary_file_names_one_word_per_term_in_every_language():
    raw = json.loads(resources.files("verkostolab.i18n").joinpath("glossary.json").read_text("utf-8"))
    terms = glossary()
    assert len(terms) >= 20 and set(terms) == {k for k in raw if not k.startswith("_")}
    for term, entry in terms.items():
        for lang in LANGUAGES:
            assert entry[lang].strip(), (term, lang)
            # the glossary's own word matches its pattern
            assert re.search(entry["match"][lang], entry[lang], re.I), (term, lang)
    assert terms["event"]["fi"] == "tapahtuma" and terms["transaction"]["fi"] == "transaktio"
    assert terms["knowing"]["sv"] == "kännedom" and terms["network_work"]["sv"] == "nätverksarbete"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_catalogues_use_the_glossarys_word_for_each_term(lang):
    """Wherever the English text names a term, the Finnish and Swedish texts use the
    glossary's word for it, and never a word the glossary rules out (e.g. "tapahtuma",
    a network event, for a database transaction)."""
    en, cat = catalogue("en"), catalogue(lang)
    wrong = []
    for term, entry in glossary().items():
        for key, text in en.items():
            if key in entry.get("except", ()) or key.startswith("click."):
                continue
            if not re.search(entry["match"]["en"], _plain(text), re.I):
                continue
            shown = _plain(cat[key])
            if not re.search(entry["match"][lang], shown, re.I) or any(
                    word in shown.lower() for word in entry.get("avoid", {}).get(lang, ())):
                wrong.append((term, key, cat[key]))
    assert wrong == []


def test_import_help_calls_a_transaction_a_transaction():
    assert "transaktio" in t("cli.import.help", "fi") and "tapahtum" not in t("cli.import.help", "fi")
    assert "transaktion" in t("cli.import.help", "sv")
