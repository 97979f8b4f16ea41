"""Consent belongs to the person (issue 16, finding 3): another participant's page that
still lists a person who said no cannot turn the no into a yes, cannot send or answer the
evaluation as that person, and the organisation known only through them is in no pick
list.  The facilitator (the Python API without a page token) still can."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from verkostolab import Store
from verkostolab.ingest import import_files
from verkostolab.store import CONSENT_TABLE

REFUSER = "Åke Närhi-Öberg"
ONE_PERSON_ORG = "Närhi-Öberg Konsultointi"


@pytest.fixture
def settings(tmp_path):
    from verkostolab.apps.common import AppSettings
    from verkostolab.datasets import sample_path

    url = f"sqlite:///{tmp_path / 'workshop.sqlite'}"
    import_files(Store(url), sample_path())
    return AppSettings(store_url=url, lang="fi", facilitator_code="k7Rq2xZp")


def consent_row(url, actor_id):
    with sa.create_engine(url).connect() as conn:
        return conn.execute(sa.text(f"SELECT consent FROM {CONSENT_TABLE} WHERE actor_id = :a"),
                            {"a": actor_id}).scalar()


def refuse_on_own_page(settings):
    from verkostolab.apps.mapping import MappingApp

    own = MappingApp(settings)
    own.mode.value = "new"
    own.name.value = REFUSER
    own.organisation.value = ONE_PERSON_ORG
    own.add_person("P05")
    own.consent.value = False
    return own, own.submit_form()["actor_id"]


def test_a_no_is_not_overwritten_by_a_page_that_still_lists_the_person(settings):
    from verkostolab.apps.mapping import MappingApp

    attacker = MappingApp(settings)  # opened before the refusal: its list is stale
    own, refuser = refuse_on_own_page(settings)
    assert consent_row(settings.store_url, refuser) == 0
    attacker.me.options = list(attacker.me.options) + [(REFUSER, refuser)]  # the stale list
    attacker.me.value = refuser
    attacker.add_person("P01")
    attacker.consent.value = True
    assert attacker.submit_form() is None
    assert "kuuluvat toiselle" in attacker.status.value and "vl-status-error" in attacker.status.value
    assert consent_row(settings.store_url, refuser) == 0
    store = Store(settings.store_url)
    assert refuser not in set(store.load().actors["actor_id"])
    ties = store.load(refused=True).ties
    assert set(ties[ties["source"] == refuser]["target"]) == {"P05"}  # nothing added as them
    # Their own page can still change its mind; the facilitator can too.
    own.add_person("P07")
    own.consent.value = True
    assert own.submit_form()["actor_id"] == refuser
    assert consent_row(settings.store_url, refuser) == 1
    store.set_consent(refuser, False)
    assert consent_row(settings.store_url, refuser) == 0


def test_a_listed_person_is_owned_by_the_first_page_that_sends_as_them(settings):
    from verkostolab.apps.mapping import MappingApp

    first, second = MappingApp(settings), MappingApp(settings)
    first.me.value = "P10"
    first.consent.value = False
    assert first.submit_form()["actor_id"] == "P10"
    second.me.options = list(second.me.options)  # still lists P10 (opened before)
    second.me.value = "P10"
    second.consent.value = True
    assert second.submit_form() is None
    assert consent_row(settings.store_url, "P10") == 0
    # A "no" recorded by the facilitator belongs to nobody's page: no page may undo it.
    Store(settings.store_url).set_consent("P11", False)
    third = MappingApp(settings)
    third.me.options = list(third.me.options) + [("P11", "P11")]
    third.me.value = "P11"
    third.consent.value = True
    assert third.submit_form() is None
    assert consent_row(settings.store_url, "P11") == 0


def test_the_organisation_of_a_refusing_person_is_in_no_pick_list(settings):
    from verkostolab.apps.mapping import MappingApp

    before = set(MappingApp(settings).organisation.options)
    own, refuser = refuse_on_own_page(settings)
    other = MappingApp(settings)
    assert ONE_PERSON_ORG not in other.organisation.options
    assert ONE_PERSON_ORG not in Store(settings.store_url).organisation_names()
    assert set(other.organisation.options) == before  # shared organisations stay
    assert not any(REFUSER in label for label, _ in other.me.options + other.pick.options)


def test_evaluation_answers_only_by_their_own_page(settings):
    from verkostolab.apps.facilitator import EvaluationApp
    from verkostolab.tables.schema import ASSESSMENT_ITEMS

    item = list(ASSESSMENT_ITEMS)[0]
    mine, other = EvaluationApp(settings, round="r1"), EvaluationApp(settings, round="r1")
    mine.me.value = "P03"
    mine.items[item].value = 5
    assert mine.submit() == len(ASSESSMENT_ITEMS)
    other.me.value = "P03"
    other.items[item].value = 1
    assert other.submit() is None and "kuuluvat toiselle" in other.status.value
    data = Store(settings.store_url).load()
    rows = data.assessments[(data.assessments["respondent"] == "P03") & (data.assessments["round"] == "r1")]
    assert list(rows[rows["item"] == item]["value"]) == [5]
    # Their own page may answer again; nobody answers for someone who said no.
    mine.items[item].value = 4
    assert mine.submit() == len(ASSESSMENT_ITEMS)
    Store(settings.store_url).set_consent("P04", False)
    other.me.options = list(other.me.options) + [("P04", "P04")]
    other.me.value = "P04"
    other.items[item].value = 2
    assert other.submit() is None
    assert "P04" not in {aid for _, aid in EvaluationApp(settings, round="r1").me.options}
