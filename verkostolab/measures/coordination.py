"""Coordination (phase 3 of the cycle): which network is the core, the recurring forums
and their cadence, the year ahead as an annual clock, the gaps, the contact list and the
people who connect the networks.

Rules, written once here:

* **Core network** (:func:`core_network`): the network with the most events; a tie goes
  to the one with more distinct participants, then alphabetically.  ``core=`` overrides
  it.  Every other network is a *theme network*.
* **Recurring forum** (:func:`recurring_forums`): a network whose events (distinct days,
  up to ``as_of``) number at least :data:`MIN_FORUM_EVENTS` and come at a steady
  cadence: the median gap between meeting days says the cadence (up to 10 days weekly,
  up to 21 biweekly, up to 45 monthly, up to 120 quarterly), and at least 75 % of the
  gaps lie between half and twice the median (a skipped summer month still counts).
  When at least 60 % of the meeting days fall on one weekday the cadence is *regular*
  and has an RRULE: ``FREQ=WEEKLY;BYDAY=TU`` (``INTERVAL=2`` for biweekly),
  ``FREQ=MONTHLY;BYDAY=2TH`` (the most common n-th weekday; ``INTERVAL=3`` for
  quarterly).  Otherwise the next meetings are projected at the median gap.  When the
  history covers at least :data:`SEASON_MONTHS` months, the months the network never
  met in are its breaks (``BYMONTH`` in the RRULE) and get no projected meeting.
* **As of** (:func:`default_as_of`): today; for data that ended more than a year ago
  (an old data set, the sample) the day after its last event, so the clock looks
  forward from the data's own end.
* **Planned events**: events dated after ``as_of``.

>>> from verkostolab.datasets import load_sample
>>> plan = clock_plan(load_sample())
>>> plan.core, plan.year
('Järvilaakson kasvuverkosto', 2025)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from ..tables.data import NetworkData

__all__ = ["core_network", "network_order", "recurring_forums", "clock_plan", "ClockPlan",
           "default_as_of", "contact_check", "network_coordinators", "network_spanners", "network_members",
           "MIN_FORUM_EVENTS", "CADENCES", "forums_table", "gaps_table", "contacts_table",
           "spanners_table", "coordinators_table"]

#: Fewest meeting days that can make a recurring forum.
MIN_FORUM_EVENTS = 3
#: A history of at least this many months shows the network's breaks: months it never
#: met in are left out of its projected meetings (e.g. a summer break).
SEASON_MONTHS = 9
#: Cadence name -> (longest median gap in days, RRULE frequency, interval, days).
CADENCES = {"weekly": (10, "WEEKLY", 1, 7), "biweekly": (21, "WEEKLY", 2, 14),
            "monthly": (45, "MONTHLY", 1, 30), "quarterly": (120, "MONTHLY", 3, 91)}
_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _dated(data: NetworkData) -> pd.DataFrame:
    events = data.events.dropna(subset=["date"]).copy()
    events["date"] = pd.to_datetime(events["date"])
    return events


def core_network(data: NetworkData, core: str | None = None) -> str | None:
    """The core network's name by the rule above (``core`` when given and present)."""
    events = data.events.dropna(subset=["network"])
    names = sorted(set(events["network"].astype(str)))
    if core is not None:
        if core not in names:
            from ..errors import ParameterError

            raise ParameterError("error.unknown_network", value=core, allowed=", ".join(names) or "-")
        return core
    if not names:
        return None
    n_events = events.groupby("network").size()
    part = data.participation.merge(events[["event_id", "network"]], on="event_id")
    n_people = part.groupby("network")["actor_id"].nunique()
    return sorted(names, key=lambda n: (-int(n_events.get(n, 0)), -int(n_people.get(n, 0)), n))[0]


def network_order(data: NetworkData, core: str | None = None) -> list[str]:
    """The core network first, then the theme networks alphabetically."""
    names = sorted(set(data.events["network"].dropna().astype(str)))
    first = core_network(data, core)
    return ([first] if first else []) + [n for n in names if n != first]


def default_as_of(data: NetworkData, today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    events = _dated(data)
    if events.empty:
        return today
    last = events["date"].max().date()
    if last < today - dt.timedelta(days=365):
        return last + dt.timedelta(days=1)
    return today


@dataclass
class _Forum:
    network: str
    title: str
    cadence: str
    rrule: str | None
    gap: int
    time: dt.time | None
    last: dt.date
    days: list
    rest: list


def _rrule_text(cadence: str, dates: list[dt.date], median: float) -> str | None:
    weekdays = Counter(d.weekday() for d in dates)
    day, n = weekdays.most_common(1)[0]
    if n < 0.6 * len(dates):
        return None
    _, freq, interval, _ = CADENCES[cadence]
    if freq == "WEEKLY":  # every third week is not every other week
        interval = max(1, round(median / 7))
    step = f";INTERVAL={interval}" if interval > 1 else ""
    if freq == "WEEKLY":
        return f"FREQ=WEEKLY{step};BYDAY={_WEEKDAYS[day]}"
    nth, times = Counter((d.day - 1) // 7 + 1 for d in dates if d.weekday() == day).most_common(1)[0]
    if times < 0.6 * len(dates):
        return None  # the same weekday but not the same week of the month: no rule says it
    return f"FREQ=MONTHLY{step};BYDAY={nth}{_WEEKDAYS[day]}"


def _forum(network: str, events: pd.DataFrame) -> _Forum | None:
    days = sorted(set(events["date"].dt.date))
    if len(days) < MIN_FORUM_EVENTS:
        return None
    gaps = [(b - a).days for a, b in zip(days, days[1:])]
    median = float(pd.Series(gaps).median())
    cadence = next((name for name, (limit, *_r) in CADENCES.items() if median <= limit), None)
    if cadence is None:
        return None
    steady = sum(0.5 * median <= g <= 2 * median for g in gaps) / len(gaps)
    if steady < 0.75:
        return None
    months = sorted({d.month for d in days})
    span = (days[-1].year - days[0].year) * 12 + days[-1].month - days[0].month + 1
    rest = [m for m in range(1, 13) if m not in months] if span >= SEASON_MONTHS else []
    rrule = _rrule_text(cadence, days, median)
    if rrule and rest:
        rrule += ";BYMONTH=" + ",".join(str(m) for m in months)
    titles = Counter(" ".join(str(x).split()) for x in events["title"].dropna())
    title, count = titles.most_common(1)[0] if titles else (network, 0)
    times = Counter(d.time() for d in events["date"])
    time = times.most_common(1)[0][0]
    gap = int(round(median))
    day, n = Counter(d.weekday() for d in days).most_common(1)[0]
    if rrule is None and n >= 0.6 * len(days) and gap >= 7:
        gap = 7 * round(median / 7)  # a forum kept on one weekday is projected onto that weekday
    return _Forum(network, title if count >= 2 else network, cadence, rrule,
                  gap, None if time == dt.time(0) else time, days[-1], days, rest)


def recurring_forums(data: NetworkData, *, as_of: dt.date | None = None,
                     core: str | None = None) -> pd.DataFrame:
    """The recurring forums (one per network at most) recognised from the events up to
    ``as_of``: ``network``, ``title``, ``cadence`` (weekly, biweekly, monthly,
    quarterly), ``rrule`` (None when not regular), ``gap`` (median days; whole weeks
    when the forum keeps one weekday without a rule), ``time``
    (None: all day), ``last`` (date), ``meetings`` (count), ``breaks`` (months without
    meetings), ``core`` (bool)."""
    as_of = as_of or default_as_of(data)
    events = _dated(data)
    events = events[events["date"].dt.date <= as_of].dropna(subset=["network"])
    first = core_network(data, core)
    rows = []
    for network in network_order(data, core):
        forum = _forum(network, events[events["network"] == network])
        if forum is not None:
            rows.append({"network": forum.network, "title": forum.title, "cadence": forum.cadence,
                         "rrule": forum.rrule, "gap": forum.gap, "time": forum.time,
                         "last": forum.last, "meetings": len(forum.days), "breaks": forum.rest,
                         "core": forum.network == first})
    return _none(pd.DataFrame(rows, columns=["network", "title", "cadence", "rrule", "gap", "time",
                                             "last", "meetings", "breaks", "core"]))


def _none(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype(object)
    return frame.where(pd.notna(frame), None)


def _project(forum: dict, start: dt.date, end: dt.date) -> list[dt.date]:
    """The forum's meeting days after its last meeting, from ``start`` to ``end``."""
    from dateutil.rrule import rrulestr

    after = max(start, forum["last"] + dt.timedelta(days=1))
    if after > end:
        return []
    if isinstance(forum["rrule"], str) and forum["rrule"]:
        # counted from the last meeting, so that a biweekly forum keeps its phase
        rule = rrulestr(forum["rrule"], dtstart=dt.datetime.combine(forum["last"], dt.time(0)))
        return [d.date() for d in rule.between(dt.datetime.combine(after, dt.time(0)),
                                                dt.datetime.combine(end, dt.time(23, 59)), inc=True)]
    out, day = [], forum["last"]
    while True:
        day += dt.timedelta(days=forum["gap"])
        if day > end:
            return out
        if day >= after and day.month not in forum["breaks"]:
            out.append(day)


def _uid(year: int, network: str, what: str) -> str:
    import hashlib

    digest = hashlib.sha1(f"{year}|{network}|{what}".encode()).hexdigest()[:16]
    return f"{digest}@verkostolab"


@dataclass
class ClockPlan:
    """The year on the annual clock.

    ``occurrences``: one row per meeting of the year: ``network``, ``date``, ``title``,
    ``source`` (``held``: a past event, ``forum``: a projected meeting of a recurring
    forum, ``planned``: an event dated after ``as_of``), ``time`` (None: all day).
    ``forums``: :func:`recurring_forums`.  ``gaps``: network -> months (1-12) with
    nothing on the clock.
    """

    year: int
    as_of: dt.date
    core: str | None
    networks: list[str]
    forums: pd.DataFrame
    occurrences: pd.DataFrame
    gaps: dict[str, list[int]] = field(default_factory=dict)

    @property
    def planned(self) -> pd.DataFrame:
        return self.occurrences[self.occurrences["source"] == "planned"]

    def forum_days(self, network: str) -> list[dt.date]:
        occ = self.occurrences
        return list(occ[(occ["network"] == network) & (occ["source"] == "forum")]["date"])

    def calendar_items(self) -> list[dict]:
        """What the clock's ``.ics`` holds (see
        :func:`verkostolab.io.calendar.write_calendar`): each regular forum once, with
        its RRULE from its first meeting after ``as_of`` to the end of the year (meetings
        replaced by a planned event on the same day as EXDATE); the projected meetings of
        irregular forums and the planned events one by one."""
        items = []
        occ = self.occurrences
        end = dt.date(self.year, 12, 31)
        for _, f in self.forums.iterrows():
            days = self.forum_days(f["network"])
            if not days:
                continue
            time = f["time"] if isinstance(f["time"], dt.time) else None

            def at(day, time=time):
                return dt.datetime.combine(day, time) if time else day

            if f["rrule"]:
                every = _project(f, days[0], end)
                items.append({"uid": _uid(self.year, f["network"], "forum"), "summary": f["title"],
                              "start": at(days[0]), "rrule": f["rrule"], "until": end,
                              "exdates": [at(d) for d in every if d not in set(days)],
                              "category": f["network"]})
            else:
                items += [{"uid": _uid(self.year, f["network"], d.isoformat()), "summary": f["title"],
                           "start": at(d), "rrule": None, "until": None, "exdates": [],
                           "category": f["network"]} for d in days]
        for _, e in occ[occ["source"] == "planned"].iterrows():
            start = dt.datetime.combine(e["date"], e["time"]) if isinstance(e["time"], dt.time) else e["date"]
            items.append({"uid": _uid(self.year, e["network"], f"{e['date']}-{e['title']}"),
                          "summary": e["title"], "start": start, "rrule": None, "until": None,
                          "exdates": [], "category": e["network"]})
        return items


def clock_plan(data: NetworkData, *, year: int | None = None, as_of: dt.date | None = None,
               network: str | None = None, core: str | None = None) -> ClockPlan:
    """The annual clock of ``year`` (default: the year of ``as_of``), for every network
    or the one named ``network``."""
    as_of = as_of or default_as_of(data)
    year = year or as_of.year
    networks = network_order(data, core)
    if network is not None:
        if network not in networks:
            from ..errors import ParameterError

            raise ParameterError("error.unknown_network", value=network,
                                 allowed=", ".join(networks) or "-")
        networks = [network]
    forums = recurring_forums(data, as_of=as_of, core=core)
    forums = forums[forums["network"].isin(networks)].reset_index(drop=True)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    events = _dated(data)
    events = events[(events["date"].dt.year == year) & events["network"].isin(networks)]
    rows = []
    for _, e in events.sort_values("date").iterrows():
        when = e["date"].to_pydatetime()
        rows.append({"network": e["network"], "date": when.date(),
                     "title": " ".join(str(e["title"]).split()) if pd.notna(e["title"]) else e["network"],
                     "source": "planned" if when.date() > as_of else "held",
                     "time": None if when.time() == dt.time(0) else when.time()})
    for _, f in forums.iterrows():
        planned_days = {r["date"] for r in rows if r["network"] == f["network"] and r["source"] == "planned"}
        for day in _project(f, max(start, as_of + dt.timedelta(days=1)), end):
            if day not in planned_days:
                rows.append({"network": f["network"], "date": day, "title": f["title"],
                             "source": "forum", "time": f["time"] if isinstance(f["time"], dt.time) else None})
    occ = pd.DataFrame(rows, columns=["network", "date", "title", "source", "time"])
    occ = occ.sort_values(["date", "network"], kind="stable").reset_index(drop=True)
    gaps = {}
    for n in networks:
        months = {d.month for d in occ[occ["network"] == n]["date"]}
        gaps[n] = [m for m in range(1, 13) if m not in months]
    return ClockPlan(year, as_of, core_network(data, core), networks, forums, occ, gaps)


def contact_check(data: NetworkData) -> pd.DataFrame:
    """People the coordinator cannot reach or place: ``actor_id``, ``name``,
    ``no_email``, ``no_organisation`` (one row per person missing either)."""
    actors = data.actors
    email = actors["email"] if "email" in actors else pd.Series(None, index=actors.index)
    org = actors["organisation_id"] if "organisation_id" in actors else pd.Series(None, index=actors.index)
    no_email = email.isna() | (email.astype(str).str.strip() == "")
    no_org = org.isna() | (org.astype(str).str.strip() == "")
    out = pd.DataFrame({"actor_id": actors["actor_id"], "name": actors["name"],
                        "no_email": no_email, "no_organisation": no_org})
    return out[out["no_email"] | out["no_organisation"]].reset_index(drop=True)


def network_members(data: NetworkData) -> pd.DataFrame:
    """``actor_id``, ``network``, ``events`` (how many of the network's events they attended)."""
    part = data.participation.merge(data.events[["event_id", "network"]], on="event_id")
    part = part.dropna(subset=["network"])
    return part.groupby(["network", "actor_id"]).size().rename("events").reset_index()


def network_coordinators(data: NetworkData, *, core: str | None = None, top: int = 3) -> pd.DataFrame:
    """Who could coordinate each network: its most frequent participants (ties broken by
    how many other networks they also attend, then name).  ``network``, ``actor_id``,
    ``name``, ``events``, ``other_networks``."""
    members = network_members(data)
    reach = members.groupby("actor_id")["network"].nunique()
    names = dict(zip(data.actors["actor_id"], data.actors["name"]))
    rows = []
    for n in network_order(data, core):
        sub = members[members["network"] == n].copy()
        sub["other_networks"] = sub["actor_id"].map(reach) - 1
        sub["name"] = sub["actor_id"].map(names)
        sub = sub.sort_values(["events", "other_networks", "name"], ascending=[False, False, True])
        rows.append(sub.head(top))
    cols = ["network", "actor_id", "name", "events", "other_networks"]
    return pd.concat(rows)[cols].reset_index(drop=True) if rows else pd.DataFrame(columns=cols)


def network_spanners(data: NetworkData, *, core: str | None = None) -> pd.DataFrame:
    """The boundary spanners between networks: one row per person and pair of networks
    whose events they both attended: ``actor_id``, ``name``, ``a``, ``b`` (the pair, the
    core first), ``with_core`` (the pair includes the core).  Sorted by pair."""
    members = network_members(data)
    order = {n: i for i, n in enumerate(network_order(data, core))}
    first = core_network(data, core)
    names = dict(zip(data.actors["actor_id"], data.actors["name"]))
    rows = []
    for actor, sub in members.groupby("actor_id"):
        nets = sorted(set(sub["network"]), key=lambda n: order.get(n, len(order)))
        for i, a in enumerate(nets):
            for b in nets[i + 1:]:
                rows.append({"actor_id": actor, "name": names.get(actor, actor), "a": a, "b": b,
                             "with_core": first in (a, b)})
    out = pd.DataFrame(rows, columns=["actor_id", "name", "a", "b", "with_core"])
    return out.sort_values(["a", "b", "name"]).reset_index(drop=True)


# --------------------------------------------------------------------------- tables for people


def _weekday_text(rrule: str | None, lang: str | None) -> str:
    from ..i18n import t

    if not rrule:
        return t("coordination.no_rule", lang)
    parts = dict(p.split("=", 1) for p in rrule.split(";"))
    day = parts.get("BYDAY", "")
    nth, code = (day[:-2], day[-2:]) if day else ("", "")
    weekday = t(f"coordination.weekday.{code}", lang) if code else ""
    return t("coordination.nth_weekday", lang, nth=nth, weekday=weekday) if nth else weekday


def forums_table(plan: ClockPlan, lang: str | None = None) -> pd.DataFrame:
    """The recurring forums of a :class:`ClockPlan` with their cadence, day, last and next
    meeting, with headings in ``lang``."""
    from ..i18n import t

    rows = []
    for _, f in plan.forums.iterrows():
        days = plan.forum_days(f["network"])
        rows.append({t("coordination.col.network", lang): f["network"] + (
                         f" ({t('clock.core', lang)})" if f["core"] else ""),
                     t("coordination.col.forum", lang): f["title"],
                     t("coordination.col.cadence", lang): t(f"clock.cadence.{f['cadence']}", lang),
                     t("coordination.col.day", lang): _weekday_text(f["rrule"], lang),
                     t("coordination.col.meetings", lang): f["meetings"],
                     t("coordination.col.last", lang): f"{f['last']:%d.%m.%Y}",
                     t("coordination.col.next", lang): f"{days[0]:%d.%m.%Y}" if days else "–",
                     t("coordination.col.breaks", lang): ", ".join(t(f"month.{m}", lang) for m in f["breaks"]) or "–"})
    return pd.DataFrame(rows)


def gaps_table(plan: ClockPlan, lang: str | None = None) -> pd.DataFrame:
    """The months of the clock's year where a network has nothing."""
    from ..i18n import t

    return pd.DataFrame([{t("coordination.col.network", lang): n,
                          t("coordination.col.gaps", lang): ", ".join(t(f"month.{m}", lang) for m in months) or "–"}
                         for n, months in plan.gaps.items()])


def contacts_table(data: NetworkData, lang: str | None = None) -> pd.DataFrame:
    """The contact-list check: who has no e-mail or no organisation."""
    from ..i18n import t

    check = contact_check(data)
    yes, no = t("coordination.yes", lang), ""
    return pd.DataFrame({t("coordination.col.name", lang): check["name"],
                         t("coordination.col.no_email", lang): [yes if v else no for v in check["no_email"]],
                         t("coordination.col.no_organisation", lang): [yes if v else no for v in check["no_organisation"]]})


def spanners_table(data: NetworkData, *, core: str | None = None, lang: str | None = None) -> pd.DataFrame:
    """The boundary spanners by pair of networks: how many and who (the core's pairs first)."""
    from ..i18n import t

    pairs = network_spanners(data, core=core)
    if pairs.empty:
        return pd.DataFrame(columns=[t("coordination.col.pair", lang), t("coordination.col.count", lang),
                                     t("coordination.col.people", lang)])
    rows = []
    for (a, b), sub in pairs.groupby(["a", "b"], sort=False):
        rows.append((not sub["with_core"].iloc[0], f"{a} – {b}", sub["actor_id"].nunique(),
                     ", ".join(sorted(sub["name"].astype(str)))))
    rows.sort(key=lambda r: (r[0], -r[2], r[1]))
    return pd.DataFrame([{t("coordination.col.pair", lang): p, t("coordination.col.count", lang): n,
                          t("coordination.col.people", lang): who} for _, p, n, who in rows])


def coordinators_table(data: NetworkData, *, core: str | None = None, top: int = 3,
                       lang: str | None = None) -> pd.DataFrame:
    """Who could coordinate each network (see :func:`network_coordinators`)."""
    from ..i18n import t

    c = network_coordinators(data, core=core, top=top)
    return pd.DataFrame({t("coordination.col.network", lang): c["network"],
                         t("coordination.col.name", lang): c["name"],
                         t("coordination.col.events", lang): c["events"],
                         t("coordination.col.other_networks", lang): c["other_networks"]})
