"""Coordination: the core network rule, recurring forums and their cadence, the year's
clock (held, expected, planned, gaps), the contact check and the network spanners."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from verkostolab.datasets import load_sample
from verkostolab.errors import ParameterError
from verkostolab.measures.coordination import (clock_plan, contact_check, core_network,
                                               network_coordinators, network_spanners,
                                               recurring_forums)
from verkostolab.tables.data import NetworkData


def _data(meetings: dict[str, list], people: dict[str, list[str]] | None = None, emails=None):
    """meetings: network -> list of datetimes; people: network -> attendees of each meeting."""
    people = people or {}
    events, part = [], []
    for net, days in meetings.items():
        for k, day in enumerate(days):
            eid = f"{net}-{k}"
            events.append((eid, pd.Timestamp(day), "meeting", net, f"{net} kokous"))
            for a in people.get(net, ["a", "b"]):
                part.append((eid, a))
    actors = sorted({a for _, a in part})
    emails = emails or {}
    return NetworkData(
        actors=pd.DataFrame({"actor_id": actors, "name": [a.upper() for a in actors],
                             "email": [emails.get(a, f"{a}@x.fi") for a in actors],
                             "organisation_id": [None] * len(actors)}),
        events=pd.DataFrame(events, columns=["event_id", "date", "kind", "network", "title"]),
        participation=pd.DataFrame(part, columns=["event_id", "actor_id"]))


def _every(start: dt.date, days: int, n: int) -> list[dt.date]:
    return [start + dt.timedelta(days=days * k) for k in range(n)]


def test_core_is_the_network_with_most_events_and_can_be_overridden():
    sample = load_sample()
    assert core_network(sample) == "Järvilaakson kasvuverkosto"  # 17 events, the others 9
    assert core_network(sample, "Kiertotalouden teemaverkosto") == "Kiertotalouden teemaverkosto"
    with pytest.raises(ParameterError) as err:
        core_network(sample, "Olematon")
    assert "Olematon" in err.value.render("en")
    # a tie in events goes to more participants, then to the name
    tie = _data({"B": _every(dt.date(2024, 1, 1), 7, 3), "A": _every(dt.date(2024, 1, 2), 7, 3)},
                {"B": ["a", "b", "c"], "A": ["a", "b"]})
    assert core_network(tie) == "B"
    even = _data({"B": _every(dt.date(2024, 1, 1), 7, 3), "A": _every(dt.date(2024, 1, 2), 7, 3)})
    assert core_network(even) == "A"


def test_cadences_are_recognised():
    tuesday = dt.date(2024, 1, 2)
    second_thursdays = [dt.date(2024, m, d) for m, d in ((1, 11), (2, 8), (3, 14), (4, 11), (5, 9))]
    irregular_days = [dt.date(2024, 1, 3), dt.date(2024, 2, 1), dt.date(2024, 3, 4), dt.date(2024, 4, 2),
                      dt.date(2024, 5, 6)]  # monthly, but no weekday in common
    unsteady = [dt.date(2024, 1, 1), dt.date(2024, 1, 3), dt.date(2024, 4, 1), dt.date(2024, 4, 2),
                dt.date(2024, 9, 1)]
    data = _data({"weekly": _every(tuesday, 7, 6), "biweekly": _every(tuesday, 14, 6),
                  "monthly": second_thursdays, "irregular": irregular_days, "unsteady": unsteady,
                  "short": _every(tuesday, 7, 2),
                  "tuesdays": [dt.date(2024, 1, 23), dt.date(2024, 2, 20), dt.date(2024, 3, 12),
                               dt.date(2024, 4, 16), dt.date(2024, 5, 14), dt.date(2024, 6, 11)],
                  "three_weekly": _every(tuesday, 21, 5)})
    forums = recurring_forums(data, as_of=dt.date(2024, 6, 1)).set_index("network")
    assert set(forums.index) == {"weekly", "biweekly", "monthly", "irregular", "tuesdays",
                                 "three_weekly"}
    assert forums.loc["weekly", "cadence"] == "weekly"
    assert forums.loc["weekly", "rrule"] == "FREQ=WEEKLY;BYDAY=TU"
    assert forums.loc["biweekly", "rrule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    assert forums.loc["monthly", "rrule"] == "FREQ=MONTHLY;BYDAY=2TH"
    assert forums.loc["irregular", "cadence"] == "monthly" and forums.loc["irregular", "rrule"] is None
    assert forums.loc["monthly", "meetings"] == 5 and forums.loc["monthly", "time"] is None
    # always a Tuesday, but the 4th, 3rd, 2nd, 3rd, 2nd, 2nd of its month: no BYDAY=nTU is true,
    # so no rule; projected in whole weeks, it stays on Tuesdays
    assert forums.loc["tuesdays", "rrule"] is None and forums.loc["tuesdays", "gap"] == 28
    assert forums.loc["three_weekly", "rrule"] == "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU"


def test_the_sample_year_ahead():
    plan = clock_plan(load_sample())
    assert plan.as_of == dt.date(2025, 5, 23)  # the sample ended over a year ago: its own end
    assert plan.year == 2025 and plan.networks[0] == plan.core
    forums = plan.forums.set_index("network")
    # the core met on Tuesdays and Thursdays 2 to 30 days apart: no steady forum to project;
    # the food network is irregular by construction
    assert set(forums.index) == {"Hyvinvointiteknologian teemaverkosto", "Kiertotalouden teemaverkosto"}
    # always on Thursdays (Tuesdays), but not in the same week of the month: no rule claims one
    assert forums["rrule"].isna().all() and list(forums["gap"]) == [28, 28]
    # the networks never met in June-August: their summer break shows as gaps
    assert plan.gaps["Kiertotalouden teemaverkosto"] == [6, 7, 8]
    assert plan.gaps["Järvilaakson kasvuverkosto"] == [6, 7, 8, 9, 10, 11, 12]
    assert plan.forum_days("Hyvinvointiteknologian teemaverkosto") == [
        dt.date(2025, 9, 4), dt.date(2025, 10, 2), dt.date(2025, 10, 30), dt.date(2025, 11, 27),
        dt.date(2025, 12, 25)]
    assert all(d.weekday() == 1 for d in plan.forum_days("Kiertotalouden teemaverkosto"))
    occ = plan.occurrences
    assert (occ[occ["source"] == "held"]["date"] <= plan.as_of).all()
    assert (occ[occ["source"] == "forum"]["date"] > plan.as_of).all()
    only = clock_plan(load_sample(), network="Kiertotalouden teemaverkosto", year=2026)
    assert only.networks == ["Kiertotalouden teemaverkosto"] and set(only.occurrences["source"]) == {"forum"}


def test_planned_events_replace_the_expected_meeting_of_their_day():
    days = _every(dt.date(2024, 1, 2), 7, 8) + [dt.date(2024, 3, 5), dt.date(2024, 4, 20)]
    data = _data({"N": days})
    plan = clock_plan(data, as_of=dt.date(2024, 2, 21))
    occ = plan.occurrences
    planned = occ[occ["source"] == "planned"]
    assert list(planned["date"]) == [dt.date(2024, 3, 5), dt.date(2024, 4, 20)]
    assert dt.date(2024, 3, 5) not in plan.forum_days("N")  # the planned one stands for it
    assert dt.date(2024, 2, 27) in plan.forum_days("N") and dt.date(2024, 3, 12) in plan.forum_days("N")


def test_contact_check_spanners_and_coordinators():
    data = _data({"Core": _every(dt.date(2024, 1, 1), 7, 4), "Theme": _every(dt.date(2024, 1, 2), 30, 3)},
                 {"Core": ["a", "b", "c"], "Theme": ["c", "d"]}, emails={"d": None})
    check = contact_check(data)
    assert set(check["actor_id"]) == {"a", "b", "c", "d"}  # nobody has an organisation
    assert check.set_index("actor_id").loc["d", "no_email"]
    assert not check.set_index("actor_id").loc["a", "no_email"]
    spanners = network_spanners(data)
    assert spanners[["actor_id", "a", "b", "with_core"]].values.tolist() == [["c", "Core", "Theme", True]]
    coordinators = network_coordinators(data, top=1)
    assert coordinators.set_index("network").loc["Theme", "actor_id"] == "c"  # also in the core
