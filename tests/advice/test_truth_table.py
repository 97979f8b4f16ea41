"""A truth table for every tip rule: small networks built so that the truth is known,
where each rule must fire and where it must not; and a consistency check that no tip's
text claims what its evidence contradicts, on every one of these networks and on the
sample."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from verkostolab.advice import RULES, tips
from verkostolab.advice.rules import ITEM_THRESHOLD, rule
from verkostolab.datasets import load_sample
from verkostolab.measures.assessment import response_diagnostics
from verkostolab.tables.data import NetworkData
from verkostolab.tables.schema import ASSESSMENT_ITEMS


def make(people, ties=(), events=(), *, answers=None, emails=True):
    """``people``: id -> (organisation, sector, keywords); ``ties``: reported pairs;
    ``events``: (event_id, date, kind, network, title, members); ``answers``: respondent
    -> value given to every assessment item in round ``r1``."""
    orgs, actors = {}, []
    for aid, (org, sector, words) in people.items():
        orgs[org] = sector
        actors.append((aid, f"Name {aid}", org, "asiantuntija", words,
                       f"{aid}@x.example" if emails else None))
    rows = [(who, "r1", item, value, pd.Timestamp("2025-03-01"))
            for who, value in (answers or {}).items() for item in ASSESSMENT_ITEMS]
    return NetworkData(
        organisations=pd.DataFrame([(o, f"Org {o}", s, None) for o, s in orgs.items()],
                                   columns=["organisation_id", "name", "sector", "kind"]),
        actors=pd.DataFrame(actors, columns=["actor_id", "name", "organisation_id", "role",
                                             "keywords", "email"]),
        events=pd.DataFrame([e[:5] for e in events], columns=["event_id", "date", "kind", "network", "title"]),
        participation=pd.DataFrame([(e[0], m) for e in events for m in e[5]],
                                   columns=["event_id", "actor_id"]),
        ties=pd.DataFrame([(a, b, "knows") for a, b in ties], columns=["source", "target", "kind"]),
        assessments=pd.DataFrame(rows, columns=["respondent", "round", "item", "value", "date"]))


def same(org="O", sector="public", words=""):
    return lambda ids: {x: (org, sector, words) for x in ids}


def monthly(network, members, months=range(1, 7), kind="meeting"):
    return [(f"{network}{m}", f"2025-{m:02d}-05", kind, network, f"Kokous {m}", members) for m in months]


RING = make(same()("abcdef"), [(a, b) for a, b in zip("abcdef", "bcdefa")])
CLIQUE = make(same()("abcd"), [(a, b) for a in "abcd" for b in "abcd" if a < b])

#: rule id -> (networks where it must fire, networks where it must not)
TABLE = {
    "introduction": (
        # a and b share two contacts who are not hubs of a bigger network, and a keyword
        [make({"a": ("OA", "private", "kiertotalous"), "b": ("OB", "research", "kiertotalous"),
               "c": ("OC", "public", ""), "d": ("OD", "public", "")},
              [("a", "c"), ("a", "d"), ("b", "c"), ("b", "d")])],
        [CLIQUE]),
    "periphery": (
        [make(same()("abcdefx"), [(a, b) for a in "abcdef" for b in "abcdef" if a < b] + [("a", "x")])],
        [RING]),
    "broker": (
        # two groups joined only through c and d: removing either cuts the paths between them
        [make(same()("abcdef"), [("a", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("d", "e"),
                                 ("d", "f"), ("e", "f")])],
        [make(same()("abcdef"), [("a", "b"), ("a", "c"), ("b", "c"), ("d", "e"), ("d", "f"),
                                 ("e", "f"), ("a", "d"), ("b", "e"), ("c", "f")])]),
    "silo": (
        # an organisation whose tie strength stays inside (monthly meetings, one tie out)
        [make({**same("OS", "third_sector")("stuv"), **same("OX", "public")("xyz")},
              [("s", "x"), ("x", "y"), ("y", "z")], monthly("N", list("stuv")))],
        [make({"s": ("O1", "public", ""), "t": ("O2", "private", ""), "u": ("O1", "public", ""),
               "v": ("O2", "private", "")}, [("s", "t"), ("u", "v"), ("s", "v"), ("t", "u")])]),
    "weak_tie": (
        [make({"a": ("OA", "public", "x, y"), "b": ("OB", "private", "x, y")},
              events=[("E1", "2025-01-01", "meeting", "N", "Tapaaminen", ["a", "b"])])],
        [make({"a": ("OA", "public", "x, y"), "b": ("OB", "private", "x, y")},
              events=[("E1", "2025-01-01", "meeting", "N", "Tapaaminen", ["a", "b"]),
                      ("E2", "2025-02-01", "meeting", "N", "Tapaaminen", ["a", "b"])])]),
    "missing_sector": (
        [make({"a": ("OA", "public", ""), "b": ("OB", "private", ""), "p": ("OP", "politics", "")},
              [("a", "p")], [("C1", "2025-01-01", "co_development", "N", "Työpaja", ["a", "b"])])],
        [make({"a": ("OA", "public", ""), "b": ("OB", "private", ""), "p": ("OP", "politics", "")},
              [("a", "p")], [("C1", "2025-01-01", "co_development", "N", "Työpaja", ["a", "b", "p"])])]),
    "stage.fragments": (
        [make(same()("abcdef"), [("a", "b"), ("c", "d"), ("e", "f")])], [RING]),
    "stage.hub_and_spoke": (
        [make(same()("habcdef"), [("h", x) for x in "abcdef"])], [RING]),
    "stage.core_periphery": (
        [make(same()("abcdefghij"), [(a, b) for a in "abcde" for b in "abcde" if a < b]
              + list(zip("abcde", "fghij")))], [RING]),
    "stage.multi_hub": (
        [make(same()("abcdefghijkl"), [(a, b) for a, b in zip("abcdefghijkl", "bcdefghijkla")]
              + [("a", "g"), ("d", "j"), ("b", "h")])],
        [make(same()("habcdef"), [("h", x) for x in "abcdef"])]),
    "regular_forums": (
        # met twice (a project's kick-off and review), or a burst and then silence
        [make(same()("abc"), events=[("K", "2025-01-10", "joint_project", "N", "Hanke: käynnistys", list("abc")),
                                     ("R", "2025-06-10", "joint_project", "N", "Hanke: väliarvio", list("abc"))]),
         make(same()("abc"), events=monthly("N", list("abc"), months=(1, 2, 3, 9)))],
        [make(same()("abc"), events=monthly("N", list("abc")))]),
    "contact_list": (
        [make(same()("abcde"), [("a", "b")], emails=False)],
        [make(same()("abcde"), [("a", "b")])]),
    "low_response": (
        [make(same()("abcdefghij"), [("a", "b")], answers={x: 3 for x in "abc"})],
        [make(same()("abcdefghij"), [("a", "b")], answers={x: 3 for x in "abcdefgh"})]),
    **{f"ktc.{item}": ([make(same()("abcdefgh"), [("a", "b")], answers={x: 2 for x in "abcdefg"})],
                       [make(same()("abcdefgh"), [("a", "b")], answers={x: 4 for x in "abcdefg"})])
       for item in ASSESSMENT_ITEMS},
}

NETWORKS = [(rule_id, kind, k, data) for rule_id, (fire, quiet) in TABLE.items()
            for kind, nets in (("fires", fire), ("quiet", quiet)) for k, data in enumerate(nets)]


def test_every_rule_has_a_row_with_both_sides():
    assert set(TABLE) == {r.id for r in RULES}
    assert all(fire and quiet for fire, quiet in TABLE.values())


@pytest.mark.parametrize("rule_id,kind,k,data", NETWORKS,
                         ids=[f"{r}-{kind}-{k}" for r, kind, k, _ in NETWORKS])
def test_rule_fires_exactly_where_its_reason_is(rule_id, kind, k, data):
    found = tips(data).by_rule(rule_id)
    assert bool(found) == (kind == "fires")


# --------------------------------------------------------------------------- consistency
def contradictions(tip, data) -> list[str]:
    """What in ``tip``'s text its evidence contradicts (an empty list when nothing)."""
    e, c, out = tip.evidence, rule(tip.rule).condition, []
    text = tip.render("fi") + "\n" + tip.render("en")
    if re.search(r"\{\w+\}", text):
        out.append("unfilled placeholder")
    if tip.rule == "introduction":
        if e["tie"] or not (e["common_contacts"] >= c["min_common"] or e["shared_keywords"]):
            out.append("introduction without shared contacts or keywords")
    elif tip.rule == "periphery":
        for person in e["people"]:
            degree = int(re.search(r"\((\d+)\)$", person).group(1))
            if degree > e["degree_limit"]:
                out.append(f"{person} above the limit {e['degree_limit']}")
    elif tip.rule == "broker":
        if tip.variant == "cut" and e["cut_off"] < 1:
            out.append("cut variant with nobody cut off")
        if ("path_length_after" in e and "path_length_before" in e
                and e["path_length_after"] < e["path_length_before"]):
            out.append("a broker whose leaving would shorten the paths")
        if tip.variant == "paths" and e["path_length_after"] < e["path_length_before"] * (1 + c["path_increase"]):
            out.append("paths variant without longer paths")
        if tip.variant == "sole" and not e["sole_links"]:
            out.append("sole variant without sole links")
    elif tip.rule == "silo" and e:
        if e["external_share"] > c["max_external_share"]:
            out.append("silo whose strength crosses its boundary")
    elif tip.rule == "missing_sector":
        if tip.params["sector"] in e["sectors_in_co_development"]:
            out.append("missing sector listed as taking part")
    elif tip.rule.startswith("stage."):
        if e["stage"] != tip.rule.split(".", 1)[1]:
            out.append("stage tip of another stage")
        if tip.rule == "stage.multi_hub" and e.get("hubs", 0) < 1 and tip.variant != "no_hubs":
            out.append("advice to gather hub people with no hubs")
    elif tip.rule == "regular_forums":
        if not e["networks_without_forum"] or set(e["networks_without_forum"]) & set(e["networks_with_forum"]):
            out.append("forum both missing and present")
    elif tip.rule == "contact_list":
        if e["without_contact_share"] <= c["max_missing_share"] or e["without_contact"] == 0:
            out.append("contact list tip with contacts in place")
    elif tip.rule == "low_response":
        if e["response_rate"] >= e["threshold_rate"]:
            out.append("low response tip at a sufficient rate")
        r = response_diagnostics(data, round=e["round"])
        if r.respondents != e["respondents"]:
            out.append("respondents differ from the data")
    elif tip.rule.startswith("ktc."):
        if e["mean"] >= e["threshold"]:
            out.append("item tip at or above the threshold")
    for key, value in e.items():
        if key.endswith("_share") or key.endswith("_rate"):
            if value is not None and not 0 <= value <= 1:
                out.append(f"{key} outside 0..1")
    return out


@pytest.fixture(scope="module")
def sample():
    return load_sample()


def test_no_tip_contradicts_its_evidence_on_any_network(sample):
    problems = []
    for rule_id, kind, k, data in NETWORKS + [("sample", "-", 0, sample)]:
        for tip in tips(data):
            problems += [f"{rule_id}/{kind}/{k}: {tip.rule}: {p}" for p in contradictions(tip, data)]
    assert problems == []


def test_the_sample_tips_name_what_was_planted(sample):
    found = tips(sample)
    names = dict(zip(sample.actors["actor_id"], sample.actors["name"]))
    (broker,) = found.by_rule("broker")
    assert broker.actors == ("P29",) and names["P29"] in broker.title("fi")
    (silo,) = found.by_rule("silo")
    assert silo.params["group"] == "politics"
    (periphery,) = found.by_rule("periphery")
    assert {"P26", "P30"} <= set(periphery.actors)
    (forum,) = found.by_rule("regular_forums")
    assert forum.evidence["networks_without_forum"] == ["Ruoka- ja elämysmatkailun teemaverkosto"]
    assert not found.by_rule("low_response")  # 60 % answered the spring round


def test_items_are_marked_uncertain_when_few_answered():
    people = [f"p{i:02d}" for i in range(20)]
    data = make(same()(people), [("p00", "p01")], answers={x: 1 for x in people[:6]})
    found = tips(data)
    (low,) = found.by_rule("low_response")
    assert low.evidence["respondents"] == 6 and low.evidence["response_rate"] == pytest.approx(0.3)
    item = found.by_rule("ktc.trust.consistency")[0]
    assert item.evidence["uncertain_response_rate"] == pytest.approx(0.3)
    # Enough answers: no longer uncertain.
    data = make(same()(people), [("p00", "p01")], answers={x: 1 for x in people[:15]})
    assert "uncertain_response_rate" not in tips(data).by_rule("ktc.trust.consistency")[0].evidence
    assert "epävarma" in item.render("fi") and "uncertain" in item.render("en")


def test_threshold_of_items_is_the_middle_of_the_scale():
    assert ITEM_THRESHOLD == 3.0
