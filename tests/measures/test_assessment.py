"""The knowing–trust–commitment instrument: wording, scores, groups, privacy, change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from verkostolab.measures.assessment import ITEMS, compare_rounds, instrument, respondent_groups, score
from verkostolab.datasets import generate_sample
from verkostolab.tables.schema import ASSESSMENT_ITEMS

from support.networks import small_groups_data


@pytest.fixture(scope="module")
def sample():
    return generate_sample()


def test_instrument_has_twelve_worded_items_in_both_languages():
    fi, en = instrument(lang="fi"), instrument(lang="en")
    assert list(fi["item"]) == list(ASSESSMENT_ITEMS) and len(fi) == 12
    assert fi["dimension"].value_counts().to_dict() == {"knowing": 4, "trust": 4, "commitment": 4}
    assert fi["statement"].is_unique and en["statement"].is_unique
    assert (fi["statement"] != en["statement"]).all()
    assert "lupaukset" in fi.set_index("item").loc["commitment.keeping_promises", "statement"]


def test_scores_of_the_sample_round(sample):
    result = score(sample, round="2025-kevät")
    answers = sample.assessments
    spring = answers[answers["round"] == "2025-kevät"]
    assert result.response["respondents"] == spring["respondent"].nunique() == 36
    assert result.response["response_rate"] == pytest.approx(36 / 60)
    # Item: mean of the given answers; missing = respondents who left it blank.
    item = spring[spring["item"] == "trust.consistency"]
    row = result.items.loc["trust.consistency"]
    assert row["mean"] == pytest.approx(item["value"].dropna().astype(float).mean())
    assert row["missing"] == item["value"].isna().sum() + (36 - len(item))
    assert row["missing_share"] == pytest.approx(row["missing"] / 36)
    # Dimension: mean over respondents of their own mean over the dimension's items.
    trust_items = [i for i in ITEMS if ASSESSMENT_ITEMS[i] == "trust"]
    own = (spring[spring["item"].isin(trust_items)].astype({"value": "float64"})
           .groupby("respondent")["value"].mean())
    assert result.dimensions.loc["trust", "mean"] == pytest.approx(own.mean())
    assert result.to_frame().index.tolist() == list(ITEMS)
    assert "<table" in result._repr_html_()


def test_latest_round_is_the_default(sample):
    assert score(sample).round == "2025-kevät"
    with pytest.raises(ValueError, match="no assessment round"):
        score(sample, round="2030")


def test_every_shown_group_figure_has_at_least_min_group_respondents(sample):
    result = score(sample)
    shown = result.groups[~result.groups["suppressed"]]
    hidden = result.groups[result.groups["suppressed"]]
    assert len(shown) and len(hidden)  # the sample has both kinds of group
    assert (shown["respondents"] >= 5).all()
    assert hidden[["mean", "sd", "agree_share", "respondents", "group_size"]].isna().all().all()


def test_a_group_of_four_has_no_figure_and_cannot_be_recovered():
    data = small_groups_data()
    result = score(data, round="r2")
    sector = result.groups[result.groups["by"] == "sector"]
    politics = sector[sector["group"] == "politics"]
    assert politics["suppressed"].all() and politics["mean"].isna().all()
    assert politics["respondents"].isna().all()
    # Secondary suppression: the next smallest sector is hidden too, otherwise the
    # total minus the shown groups would give the group of four.
    assert sector[sector["group"] == "public"]["suppressed"].all()
    private = sector[sector["group"] == "private"]
    assert not private["suppressed"].any() and private["mean"].notna().all()
    organisation = result.groups[result.groups["by"] == "organisation"]
    assert organisation[organisation["group"] == "O2"]["mean"].isna().all()
    assert result.group_scores("sector", "trust").index.tolist() == ["private"]


def test_items_with_few_answers_are_suppressed_and_missing_answers_counted():
    data = small_groups_data({"private": 6})
    answers = data.assessments
    blank = (answers["item"] == "knowing.needs") & answers["respondent"].isin(["pri0", "pri1"])
    gone = (answers["item"] == "trust.vulnerability") & answers["respondent"].isin(["pri0", "pri1"])
    answers.loc[blank, "value"] = pd.NA
    data = data.replace(assessments=answers[~gone])
    result = score(data, round="r1")
    needs = result.items.loc["knowing.needs"]
    assert needs["missing"] == 2 and needs["missing_share"] == pytest.approx(2 / 6)
    assert needs["suppressed"] and np.isnan(needs["mean"])  # 4 answers < 5
    assert result.items.loc["trust.vulnerability", "missing"] == 2
    assert not result.items.loc["knowing.person", "suppressed"]


def test_network_groups_are_the_networks_attended(sample):
    groups = respondent_groups(sample, "network")
    part = sample.participation.merge(sample.events, on="event_id")
    p01 = set(part[part["actor_id"] == "P01"]["network"])
    assert set(groups[groups["respondent"] == "P01"]["group"]) == p01


def test_change_between_rounds_with_a_bootstrap_interval(sample):
    change = compare_rounds(sample, seed=7)
    assert (change.before, change.after) == ("2024-syksy", "2025-kevät")
    trust = change.row("trust")
    autumn, spring = score(sample, round="2024-syksy"), score(sample, round="2025-kevät")
    assert trust["change"] == pytest.approx(spring.dimensions.loc["trust", "mean"]
                                            - autumn.dimensions.loc["trust", "mean"])
    assert trust["ci_low"] < trust["change"] < trust["ci_high"]
    assert trust["significant"] and trust["ci_low"] > 0
    both = set(sample.assessments.query("round == '2024-syksy'")["respondent"]) & \
        set(sample.assessments.query("round == '2025-kevät'")["respondent"])
    assert trust["n_both"] == len(both)
    again = compare_rounds(sample, seed=7)
    pd.testing.assert_frame_equal(change.table, again.table)
    other = compare_rounds(sample, seed=8)
    assert other.row("trust")["ci_low"] != trust["ci_low"]


def test_no_change_gives_an_interval_around_zero():
    data = small_groups_data({"private": 8, "public": 8}, shift=0.0, seed=5)
    row = compare_rounds(data, "r1", "r2", resamples=1000).row("knowing")
    assert row["ci_low"] < 0 < row["ci_high"] or abs(row["change"]) < 0.3
    shifted = small_groups_data({"private": 8, "public": 8}, shift=1.0, seed=5)
    up = compare_rounds(shifted, "r1", "r2", resamples=1000).row("knowing")
    assert up["significant"] and up["ci_low"] > 0


def test_change_by_group_suppresses_the_group_of_four():
    change = compare_rounds(small_groups_data(shift=0.5), by="sector", resamples=500)
    table = change.to_frame()
    politics = table[table["group"] == "politics"]
    assert politics["suppressed"].all()
    assert politics[["before", "after", "change", "ci_low", "ci_high", "n_before"]].isna().all().all()
    assert not table[table["group"] == "private"]["suppressed"].any()
    assert {r["group"] for r in change.to_dict()["rows"] if r["change"] is not None} == {"all", "private"}
