import re
import string

import pytest

from verkostolab.i18n import LANGUAGES, catalogue, t
from verkostolab.tables.schema import VOCABULARIES, normalise_value


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogues_have_the_same_keys_and_placeholders():
    fi, en = catalogue("fi"), catalogue("en")
    assert set(fi) == set(en)
    for key in fi:
        assert _fields(fi[key]) == _fields(en[key]), key
        assert fi[key].strip() and en[key].strip(), key


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
        t("sector.public", "sv")
