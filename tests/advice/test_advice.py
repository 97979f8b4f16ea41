"""Tips and the evaluation: each rule fires for the reason it names, and only then."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from verkostolab.advice import RULES, Context, evaluate, tips
from verkostolab.cli.advice import tips_command
from verkostolab.graphs import tie_table
from verkostolab.tables.data import NetworkData
from verkostolab.i18n import catalogue
from verkostolab.io import write_workbook
from verkostolab.datasets import generate_sample

from support.networks import small_groups_data


# --------------------------------------------------------------------------- helpers
def make(people, ties=(), events=(), *, goals=()):
    """A NetworkData by hand.

    ``people``: id -> (organisation, sector, keywords); ``ties``: reported pairs;
    ``events``: (event_id, date, kind, network, title, members).
    """
    orgs = {}
    actors = []
    for aid, (org, sector, words) in people.items():
        orgs[org] = sector
        actors.append((aid, f"Name {aid}", org, "asiantuntija", words, f"{aid}@x.example"))
    ev = [e[:5] for e in events]
    part = [(e[0], m) for e in events for m in e[5]]
    return NetworkData(
        organisations=pd.DataFrame([(o, f"Org {o}", s, None) for o, s in orgs.items()],
                                   columns=["organisation_id", "name", "sector", "kind"]),
        actors=pd.DataFrame(actors, columns=["actor_id", "name", "organisation_id", "role",
                                             "keywords", "email"]),
        events=pd.DataFrame(ev, columns=["event_id", "date", "kind", "network", "title"]),
        participation=pd.DataFrame(part, columns=["event_id", "actor_id"]),
        ties=pd.DataFrame([(a, b, "knows") for a, b in ties], columns=["source", "target", "kind"]),
        goals=pd.DataFrame(list(goals), columns=["goal_id", "title", "network"]))


def rules_of(found):
    return {tip.rule for tip in found}


def add_people(data, people, events, ties=()):
    """``data`` plus new organisations, people, events and ties."""
    extra = make(people, ties, events)
    return data.replace(
        organisations=pd.concat([data.organisations, extra.organisations], ignore_index=True)
        .drop_duplicates("organisation_id"),
        actors=pd.concat([data.actors, extra.actors], ignore_index=True),
        events=pd.concat([data.events, extra.events], ignore_index=True),
        participation=pd.concat([data.participation, extra.participation], ignore_index=True),
        ties=pd.concat([data.ties, extra.ties], ignore_index=True))


@pytest.fixture(scope="module")
def sample():
    return generate_sample()


@pytest.fixture(scope="module")
def ctx(sample):
    return Context.from_data(sample)


@pytest.fixture(scope="module")
def sample_tips(ctx):
    return tips(ctx)


# --------------------------------------------------------------------------- rules
def test_introductions_are_pairs_who_never_met_but_share_contacts_or_keywords(ctx, sample_tips):
    intro = sample_tips.by_rule("introduction")
    assert 1 <= len(intro) <= 5
    ties = tie_table(ctx.data)
    met = set(zip(ties["source"], ties["target"])) | set(zip(ties["target"], ties["source"]))
    for tip in intro:
        a, b = tip.actors
        assert (a, b) not in met
        neighbours = [set(ctx.graph.neighbors(ctx.vertex_ids.index(x))) for x in (a, b)]
        assert tip.evidence["common_contacts"] == len(neighbours[0] & neighbours[1])
        assert tip.evidence["common_contacts"] >= 2 or tip.evidence["shared_keywords"]
        assert tip.evidence["cross_sector"] == (ctx.sectors[a] != ctx.sectors[b])
    assert intro[0].evidence["cross_sector"]  # cross-sector pairs first
    people = [p for tip in intro for p in tip.actors]
    assert len(people) == len(set(people))  # nobody in two introductions


def test_introduction_wording_scales_with_the_strength_of_the_reason():
    hubs = {f"h{i}": ("OH", "public", "") for i in range(4)}
    people = {"a": ("OA", "private", "kiertotalous, rahoitus"),
              "b": ("OB", "research", "kiertotalous"),
              "c": ("OC", "private", "matkailu"), "d": ("OD", "research", "terveys"), **hubs}
    ties = [(x, h) for h in hubs for x in "ab"] + [("c", "h0"), ("c", "h1"), ("d", "h0"),
                                                   ("d", "h1")]
    found = tips(make(people, ties)).by_rule("introduction")
    by_pair = {tuple(sorted(t.actors)): t for t in found}
    assert by_pair[("a", "b")].variant == "strong"
    assert by_pair[("a", "b")].evidence["shared_keywords"] == ["kiertotalous"]
    assert "yhteinen tehtävä" in by_pair[("a", "b")].action("fi")
    assert "shared task" in by_pair[("a", "b")].action("en")
    assert by_pair[("c", "d")].variant == "light"
    assert "talk" in by_pair[("c", "d")].action("en")


def test_no_introduction_when_everyone_has_met_or_nothing_is_shared():
    people = {x: (f"O{x}", "public", "sama") for x in "abcd"}
    complete = make(people, [(a, b) for a in "abcd" for b in "abcd" if a < b])
    assert not tips(complete).by_rule("introduction")
    apart = make({x: (f"O{x}", "public", x) for x in "abcd"}, [("a", "b"), ("c", "d")])
    assert not tips(apart).by_rule("introduction")


def test_periphery_names_the_actors_with_few_ties(ctx, sample_tips):
    (tip,) = sample_tips.by_rule("periphery")
    assert tip.variant == "peripheral"
    degree = ctx.nodes["degree"]
    limit = 0.25 * degree.median()
    assert set(tip.actors) == set(degree[(degree > 0) & (degree <= limit)].index)
    assert tip.evidence["median_degree"] == degree.median()


def test_an_isolated_newcomer_is_named(sample):
    data = add_people(sample, {"NEW": ("O01", "public", "")}, [])
    found = tips(data).by_rule("periphery")
    isolated = [t for t in found if t.variant == "isolated"]
    assert isolated and isolated[0].actors == ("NEW",)


def test_no_periphery_when_everyone_has_as_many_ties():
    ring = make({x: ("O", "public", "") for x in "abcdef"},
                [(a, b) for a, b in zip("abcdef", "bcdefa")])
    assert not tips(ring).by_rule("periphery")


def test_broker_fires_when_a_group_hangs_on_one_person(sample, sample_tips):
    # The sample's planted broker: the village agent is the village group's only link.
    (planted,) = sample_tips.by_rule("broker")
    assert planted.actors == ("P29",) and planted.variant == "cut"
    assert planted.evidence["cut_off"] == 2  # the volunteer coordinator and the foreman
    newcomers = {f"N{i}": ("ONEW", "third_sector", "") for i in range(3)}
    data = add_people(sample, newcomers,
                      [("X1", "2025-05-01", "meeting", None, "Uusi yhdistys", ["P26", "N0", "N1", "N2"])])
    (tip,) = [t for t in tips(data).by_rule("broker") if t.actors == ("P26",)]
    assert tip.actors == ("P26",) and tip.variant == "cut"
    assert tip.evidence["cut_off"] == 3 and tip.evidence["betweenness"] >= 0.05


def test_no_broker_in_a_network_with_alternative_bridges():
    people = {x: ("O", "public", "") for x in "abcdef"}
    two_bridges = make(people, [("a", "b"), ("a", "c"), ("b", "c"), ("d", "e"), ("d", "f"),
                                ("e", "f"), ("a", "d"), ("b", "e"), ("c", "f")])
    assert not tips(two_bridges).by_rule("broker")
    bowtie = make(people, [("a", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("d", "e"),
                           ("d", "f"), ("e", "f")])
    assert {t.actors[0] for t in tips(bowtie).by_rule("broker")} == {"c", "d"}


def test_silo_is_an_organisation_whose_ties_stay_inside(sample, sample_tips):
    # The sample's planted silo: the politicians meet mostly each other.
    (planted,) = sample_tips.by_rule("silo")
    assert planted.params == {"group": "politics", "group_by": "sector"}
    assert planted.evidence["external_share"] <= 0.35
    members = [f"S{i}" for i in range(5)]
    data = add_people(sample, {m: ("OSILO", "third_sector", "") for m in members},
                      [(f"S-E{k}", f"2025-0{k}-10", "meeting", None, "Sisäinen palaveri", members)
                       for k in range(1, 4)], ties=[("S0", "P01")])
    (tip,) = [t for t in tips(data).by_rule("silo") if t.params["group_by"] == "organisation"]
    assert tip.params["group_by"] == "organisation" and tip.params["group"] == "Org OSILO"
    assert tip.evidence["internal_ties"] == 10 and tip.evidence["external_ties"] == 1
    # On strength: three meetings of five give each of the 10 pairs 3 × 1/4; the one
    # reported tie outside weighs 1.
    assert tip.evidence["internal_strength"] == pytest.approx(7.5)
    assert tip.evidence["external_share"] == pytest.approx(1 / 8.5)
    assert set(tip.actors) == set(members)


def test_a_plenary_does_not_erase_a_silo(sample):
    """Five people of one organisation meet monthly among themselves and once at a
    30-person plenary: by tie counts 125 of their 135 ties cross the boundary, by
    strength under a quarter of their tie weight does."""
    members = [f"S{i}" for i in range(5)]
    others = [f"P{i:02d}" for i in range(1, 26)]
    data = add_people(sample, {m: ("OSILO", "third_sector", "") for m in members},
                      [(f"S-E{k}", f"2025-0{k}-10", "meeting", None, "Sisäinen palaveri", members)
                       for k in range(1, 7)]
                      + [("PLEN", "2025-02-01", "workshop", None, "Suuri aloitus", members + others)])
    (tip,) = [t for t in tips(data).by_rule("silo") if t.params["group_by"] == "organisation"]
    assert tip.params["group"] == "Org OSILO"
    assert tip.evidence["internal_ties"] == 10 and tip.evidence["external_ties"] == 125
    assert tip.evidence["external_share"] == pytest.approx(
        (125 / 29) / (125 / 29 + 10 * (6 / 4 + 1 / 29)))
    assert tip.evidence["external_share"] < 0.35


def test_a_silo_of_four_is_named_without_figures(sample):
    members = [f"S{i}" for i in range(4)]
    data = add_people(sample, {m: ("OSILO", "third_sector", "") for m in members},
                      [("S-E1", "2025-03-10", "meeting", None, "Sisäinen palaveri", members)],
                      ties=[("S0", "P01")])
    (tip,) = [t for t in tips(data).by_rule("silo") if t.params["group_by"] == "organisation"]
    assert tip.evidence == {} and "members" in tip.suppressed
    assert "alle 5" in tip.render("fi") and "fewer than 5" in tip.render("en")


def test_weak_ties_met_once_and_share_networks_or_keywords(ctx, sample_tips):
    weak = sample_tips.by_rule("weak_tie")
    assert weak
    ties = tie_table(ctx.data).set_index(["source", "target"])
    for tip in weak:
        row = ties.loc[tuple(sorted(tip.actors))]
        assert row["shared_events"] == 1 and row["reported"] == 0
        assert len(tip.evidence["common_networks"]) + len(tip.evidence["shared_keywords"]) >= 2


def test_no_weak_tie_when_pairs_met_several_times():
    people = {"a": ("OA", "public", "x"), "b": ("OB", "private", "x")}
    once = make(people, events=[("E1", "2025-01-01", "meeting", "N", "Tapaaminen", ["a", "b"])])
    assert tips(once).by_rule("weak_tie")  # met once, share network N and keyword x
    twice = make(people, events=[("E1", "2025-01-01", "meeting", "N", "Tapaaminen", ["a", "b"]),
                                 ("E2", "2025-02-01", "meeting", "N", "Tapaaminen", ["a", "b"])])
    assert not tips(twice).by_rule("weak_tie")


def test_missing_sector_in_co_development(sample, sample_tips):
    (tip,) = sample_tips.by_rule("missing_sector")
    assert tip.params["sector"] == "politics" and tip.evidence["members"] == 5
    codev = sample.events[sample.events["kind"].isin(["co_development", "joint_project"])]
    attended = sample.participation[sample.participation["event_id"].isin(codev["event_id"])]
    assert not set(attended["actor_id"]) & set(tip.actors)
    # A politician joins a joint project: the reason is gone.
    extra = pd.DataFrame({"event_id": [codev["event_id"].iloc[0]], "actor_id": [tip.actors[0]]})
    fixed = sample.replace(participation=pd.concat([sample.participation, extra]))
    assert not tips(fixed).by_rule("missing_sector")


def test_stage_advice_follows_the_stage(ctx, sample_tips):
    assert ctx.stage.code == "multi_hub"
    assert {r for r in rules_of(sample_tips) if r.startswith("stage.")} == {"stage.multi_hub"}
    star = make({x: ("O", "public", "") for x in "habcdef"}, [("h", x) for x in "abcdef"])
    assert {r for r in rules_of(tips(star)) if r.startswith("stage.")} == {"stage.hub_and_spoke"}
    assert "kutojia" in tips(star).by_rule("stage.hub_and_spoke")[0].action("fi")


def test_regular_forums_missing_in_one_theme_network(sample_tips):
    (tip,) = sample_tips.by_rule("regular_forums")
    assert tip.evidence["networks_without_forum"] == ["Ruoka- ja elämysmatkailun teemaverkosto"]
    assert tip.evidence["longest_gap_days"] > tip.evidence["max_gap_days"]
    assert "vuosikello" in tip.action("fi").casefold()


def test_no_forum_advice_when_a_forum_meets_every_month():
    people = {x: (f"O{x}", "public", "") for x in "abc"}
    monthly = make(people, events=[(f"E{m}", f"2025-{m:02d}-05", "meeting", "N",
                                    f"Koordinaatiokokous {m}/2025", list("abc")) for m in range(1, 6)])
    assert not tips(monthly).by_rule("regular_forums")
    # Forums are recognised from the dates, not from repeated titles: a monthly rhythm
    # under changing titles is a forum ...
    themes = make(people, events=[(f"E{m}", f"2025-{m:02d}-05", "meeting", "N",
                                   f"Aihe {c}", list("abc")) for m, c in zip(range(1, 6), "vwxyz")])
    assert not tips(themes).by_rule("regular_forums")
    # ... a project's kick-off and review are not, nor a burst followed by silence.
    project = make(people, events=[("K", "2025-01-10", "joint_project", "N", "Hanke: käynnistys", list("abc")),
                                   ("R", "2025-06-10", "joint_project", "N", "Hanke: väliarvio", list("abc"))])
    (tip,) = tips(project).by_rule("regular_forums")
    assert tip.evidence["networks_without_forum"] == ["N"]
    burst = make(people, events=[(f"E{d}", f"2025-01-{d:02d}", "meeting", "N", "Kokous", list("abc"))
                                 for d in (5, 12, 19, 26)] + [("E9", "2025-09-01", "meeting", "N", "Kokous", list("abc"))])
    (tip,) = tips(burst).by_rule("regular_forums")
    assert tip.evidence["longest_gap_days"] == 218


def test_contact_list_when_contact_details_are_missing(sample, sample_tips):
    assert not sample_tips.by_rule("contact_list")
    actors = sample.actors
    actors.loc[actors.index[:20], "email"] = None
    (tip,) = tips(sample.replace(actors=actors)).by_rule("contact_list")
    assert tip.evidence["without_contact"] == 20


def test_knowing_trust_commitment_rules_fire_on_low_items(ctx, sample_tips):
    fired = {r for r in rules_of(sample_tips) if r.startswith("ktc.")}
    low = ctx.assessment.items[ctx.assessment.items["mean"] < 3.0].index
    assert fired == {f"ktc.{i}" for i in low}
    assert {"ktc.trust.consistency", "ktc.commitment.structures"} <= fired
    tip = sample_tips.by_rule("ktc.trust.consistency")[0]
    assert tip.evidence["mean"] == pytest.approx(ctx.assessment.items.loc["trust.consistency", "mean"])
    assert tip.evidence["change"] > 0 and tip.evidence["previous_round"] == "2024-syksy"
    assert "foorumeista" in tip.action("fi")


def test_needs_round_when_knowing_needs_is_low(sample):
    answers = sample.assessments
    spring = (answers["round"] == "2025-kevät") & (answers["item"] == "knowing.needs")
    answers.loc[spring & answers["value"].notna(), "value"] = 2
    found = tips(sample.replace(assessments=answers))
    (tip,) = found.by_rule("ktc.knowing.needs")
    assert tip.evidence["mean"] == 2.0
    assert "odotusten kierros" in tip.action("fi") and "expectations round" in tip.action("en")


# --------------------------------------------------------------------------- privacy
def test_tips_never_show_a_figure_of_a_group_of_four():
    data = small_groups_data(shift=0.0)  # politics: 4 respondents, low answers
    found = tips(data)
    ktc = [t for t in found if t.rule.startswith("ktc.")]
    assert ktc  # the low items fire ...
    for tip in ktc:  # ... but the group of four (and its secondary) never shows
        assert tip.evidence.get("lowest_sector") not in ("politics", "public")
        assert "politiikka" not in tip.render("fi") and "politics" not in tip.render("en")


def test_cli_json_has_no_figure_for_a_group_of_four(tmp_path):
    path = write_workbook(small_groups_data(), tmp_path / "small.xlsx")
    result = CliRunner().invoke(tips_command, [str(path), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    politics = [g for g in out["assessment"]["groups"] if g["group"] in ("politics", "O2")]
    assert politics and all(g["suppressed"] and g["mean"] is None and g["respondents"] is None
                            for g in politics)
    assert "politics" not in json.dumps(out["tips"])


# --------------------------------------------------------------------------- rendering
def _covering_tips(sample):
    """Tips of several networks, together firing every kind of rule and variant."""
    newcomers = {f"N{i}": ("ONEW", "third_sector", "") for i in range(3)}
    broker = add_people(sample, {**newcomers, "LONE": ("O01", "public", "")},
                        [("X1", "2025-05-01", "meeting", None, "Uusi yhdistys", ["P26", "N0", "N1", "N2"])])
    actors = broker.actors
    actors.loc[actors.index[:20], "email"] = None
    answers = broker.assessments
    answers.loc[answers["round"] == "2025-kevät", "value"] = 1
    low = broker.replace(actors=actors, assessments=answers)
    silo = add_people(sample, {f"S{i}": ("OSILO", "third_sector", "") for i in range(5)},
                      [(f"S-E{k}", f"2025-0{k}-10", "meeting", None, "Sisäinen", [f"S{i}" for i in range(5)])
                       for k in range(1, 3)], ties=[("S0", "P01")])
    core = make({x: ("O", "public", "") for x in "abcdefghij"},
                [(a, b) for a in "abcde" for b in "abcde" if a < b] + list(zip("abcde", "fghij")))
    fragments = make({x: ("O", "public", "") for x in "abcdef"}, [("a", "b"), ("c", "d"), ("e", "f")])
    star = make({x: ("O", "public", "") for x in "habcdef"}, [("h", x) for x in "abcdef"])
    light = make({"a": ("OA", "private", "p"), "b": ("OB", "research", "q"), "h0": ("OH", "public", ""),
                  "h1": ("OH", "public", "")}, [("a", "h0"), ("a", "h1"), ("b", "h0"), ("b", "h1")])
    found = []
    for data in (sample, low, silo, core, fragments, star, light):
        found += tips(data)
    return found


def test_every_rule_fires_somewhere_and_every_tip_renders_in_both_languages(sample):
    found = _covering_tips(sample)
    assert rules_of(found) == {r.id for r in RULES}
    assert {(t.rule, t.variant) for t in found if t.rule == "introduction"} >= {
        ("introduction", v) for v in ("strong", "light")}
    fi, en = catalogue("fi"), catalogue("en")
    for tip in found:
        text_fi, text_en = tip.render("fi"), tip.render("en")
        assert text_fi != text_en
        for text in (text_fi, text_en):
            assert not re.search(r"\{\w+\}", text)
        assert ("Perusteet" in text_fi) and ("Evidence" in text_en)
        for key, value in tip.evidence.items():
            assert fi[f"advice.evidence.{key}"] in text_fi
            assert en[f"advice.evidence.{key}"] in text_en
        d = tip.to_dict("en")
        json.dumps(d)
        assert d["evidence"].keys() == tip.evidence.keys()
    assert "<b>" in found[0]._repr_html_()


def test_tip_list_tabulates_and_puts_urgent_tips_first(sample_tips):
    frame = sample_tips.to_frame("en")
    assert list(frame.columns) == ["rule", "category", "variant", "title", "text", "action",
                                   "evidence", "actors"]
    assert len(frame) == len(sample_tips)
    priorities = [t.priority for t in sample_tips]
    assert priorities == sorted(priorities)


# --------------------------------------------------------------------------- evaluation
def test_strengths_and_targets_of_the_sample(ctx):
    result = evaluate(ctx)
    assert {"connected", "crosses_sectors", "improved"} <= set(result.codes("strength"))
    # With Newman's size share, the sample's plenary ties are weak: under a third of its
    # ties reach the strong-tie weight, so strong ties are not a strength.
    assert "strong_ties" not in set(result.codes("strength"))
    assert {"item_low", "no_regular_forums", "sectors_missing_co_development"} <= set(result.codes("target"))
    low = [f for f in result.targets if f.id == "item_low"]
    items = ctx.assessment.items
    assert {f.subject for f in low} <= set(items.index[items["mean"] < 3.0])
    assert {"trust.consistency", "commitment.structures"} <= {f.subject for f in low}
    assert all(f.value < 3.0 for f in low)
    connected = next(f for f in result.strengths if f.id == "connected")
    assert connected.value == 1.0 and "100%" in connected.why("en")
    for f in [*result.strengths, *result.targets]:
        assert f.title("fi") != f.title("en") and f.why("fi") != f.why("en")
    frame = result.to_frame("fi")
    assert set(frame["kind"]) == {"strength", "target"}
    assert "Vahvuudet" in result.render("fi") and "Development targets" in result.render("en")


def test_a_fragmented_network_is_a_target_not_a_strength():
    data = make({x: (f"O{x}", "public", "") for x in "abcdefgh"},
                [("a", "b"), ("c", "d"), ("e", "f"), ("g", "h")])
    result = evaluate(data)
    assert "fragmented" in result.codes("target") and "connected" not in result.codes("strength")


# --------------------------------------------------------------------------- CLI
def test_tips_command_in_finnish_and_english():
    fi = CliRunner().invoke(tips_command, [])
    assert fi.exit_code == 0, fi.output
    assert "Vahvuudet" in fi.output and "Kehittämiskohteet" in fi.output and "Perusteet" in fi.output
    en = CliRunner().invoke(tips_command, ["--lang", "en"])
    assert en.exit_code == 0 and "Development targets" in en.output and "Evidence" in en.output
    js = json.loads(CliRunner().invoke(tips_command, ["--json", "--lang", "en"]).output)
    assert js["tips"] and all(t["evidence"] and t["title"] for t in js["tips"])
    assert {"strengths", "development_targets", "assessment"} <= set(js)
    assert js["stage"] == "multi_hub"
