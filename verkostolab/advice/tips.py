"""Tips for strengthening the network: rules (data, :mod:`.rules`) × detectors (here).

A detector looks for the reason its rule names and returns :class:`Tip` s that carry
their evidence: the figures and the actors that triggered them.  Figures shown by
group (sector, organisation) are left out and flagged when the group has fewer than
``min_group`` members or respondents, as everywhere in verkostolab.

>>> from verkostolab.datasets import generate_sample
>>> found = tips(generate_sample())
>>> "ktc.trust.consistency" in found.rules()
True
>>> print(found.by_rule("ktc.trust.consistency")[0].title("en"))
Make consistency visible
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..measures.analysis import Analysis
from ..tables.data import NetworkData
from ..i18n import catalogue, default_lang, format_number, format_percent, t
from .context import Context
from .rules import RULES, Rule

__all__ = ["Tip", "TipList", "tips", "DETECTORS", "format_value", "plain", "meeting_cadence"]


# --------------------------------------------------------------------------- rendering
_SECTOR_KEYS = {"sector", "sectors", "sectors_in_co_development", "sector_a", "sector_b",
                "lowest_sector"}


def format_value(key: str, value, lang: str | None = None) -> str:
    """A figure as shown to people: shares as percentages, codes as labels."""
    if isinstance(value, (list, tuple, frozenset, set)):
        return ", ".join(format_value(key, v, lang) for v in value) or "–"
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return t("advice.yes" if value else "advice.no", lang)
    if key in _SECTOR_KEYS:
        return _label("sector", value, lang)
    if key == "item" or key.startswith("item_"):
        return _label("assessment_item", value, lang)
    if key == "stage":
        return _label("stage", value, lang)
    if key == "group_by":
        return t(f"advice.grouping.{value}", lang)
    if isinstance(value, (float, np.floating)):
        if key.endswith("_share") or key.endswith("_rate") or key == "periphery_reaching_core":
            return format_percent(value, lang)
        if key.endswith("_change") or key in ("change", "ci_low", "ci_high"):
            return format_number(value, lang, sign=True)
        return format_number(value, lang)
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)


def plain(value):
    """``value`` as plain JSON: numpy scalars as Python numbers, NaN as ``None``."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    if value is None or isinstance(value, (str, int)):
        return value
    if pd.isna(value):
        return None
    return str(value)


def _label(vocab: str, code, lang) -> str:
    try:
        return t(f"{vocab}.{code}", lang)
    except KeyError:
        return str(code)


def _fill(params: dict, lang) -> dict:
    out = {}
    for key, value in params.items():
        if key == "group" and params.get("group_by") == "sector":
            out[key] = _label("sector", value, lang)
        else:
            out[key] = format_value(key, value, lang)
    return out


@dataclass
class Tip:
    """A tip: what to do and why, with the figures and actors that triggered it.

    Attributes
    ----------
    rule : str
        The id of the rule (:data:`~verkostolab.advice.rules.RULES`).
    category : str
        ``knowing``, ``trust``, ``commitment``, ``structure``, ``coordination`` or
        ``stage``.
    variant : str or None
        Which wording of the rule applies (e.g. how strong an introduction is).
    params : dict
        Values filled into the texts (names, groups).
    evidence : dict
        The figures that triggered the tip, by name (labels ``advice.evidence.<name>``).
    actors : tuple of str
        Ids of the actors the tip is about.
    suppressed : tuple of str
        Evidence left out because its group is smaller than ``min_group``.
    """

    rule: str
    category: str
    variant: str | None = None
    params: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)
    actors: tuple = ()
    suppressed: tuple = ()
    min_group: int = 5
    priority: int = 50

    def _key(self, part: str, variant: bool = False) -> str:
        base = f"advice.tip.{self.rule.replace('.', '_')}.{part}"
        return f"{base}.{self.variant}" if variant and self.variant else base

    def title(self, lang: str | None = None) -> str:
        return t(self._key("title"), lang, **_fill(self.params, lang))

    def text(self, lang: str | None = None) -> str:
        """Why the tip fired."""
        return t(self._key("text", True), lang, **_fill(self.params, lang))

    def action(self, lang: str | None = None) -> str:
        """What the tip suggests doing (the variant's wording when it has its own)."""
        key = self._key("action", True)
        if key not in catalogue(lang or default_lang()):
            key = self._key("action")
        return t(key, lang, **_fill(self.params, lang))

    def evidence_lines(self, lang: str | None = None) -> list[str]:
        lines = [f"{t(f'advice.evidence.{k}', lang)}: {format_value(k, v, lang)}"
                 for k, v in self.evidence.items()]
        if self.suppressed:
            lines.append(t("advice.evidence.suppressed", lang, min_group=self.min_group))
        return lines

    def render(self, lang: str | None = None) -> str:
        lines = [self.title(lang), self.text(lang),
                 f"{t('advice.action', lang)}: {self.action(lang)}",
                 f"{t('advice.evidence', lang)}:"]
        lines += [f"  – {line}" for line in self.evidence_lines(lang)]
        return "\n".join(lines)

    def to_dict(self, lang: str | None = None) -> dict:
        """Plain JSON-ready values: the texts in ``lang``, evidence, actors."""
        return {"rule": self.rule, "category": self.category, "variant": self.variant,
                "title": self.title(lang), "text": self.text(lang), "action": self.action(lang),
                "evidence": {k: plain(v) for k, v in self.evidence.items()},
                "actors": list(self.actors), "suppressed": list(self.suppressed)}

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(x)}</li>" for x in self.evidence_lines())
        return (f"<p><b>{html.escape(self.title())}</b><br>{html.escape(self.text())}<br>"
                f"<i>{html.escape(self.action())}</i></p><ul>{items}</ul>")


class TipList(list):
    """The tips found, most urgent first; renders and tabulates itself."""

    def rules(self) -> list[str]:
        return sorted({tip.rule for tip in self})

    def by_rule(self, rule_id: str) -> list[Tip]:
        return [tip for tip in self if tip.rule == rule_id]

    def render(self, lang: str | None = None) -> str:
        return "\n\n".join(f"{i}. {tip.render(lang)}" for i, tip in enumerate(self, start=1))

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        return pd.DataFrame([{"rule": tip.rule, "category": tip.category,
                              "variant": tip.variant, "title": tip.title(lang),
                              "text": tip.text(lang), "action": tip.action(lang),
                              "evidence": "; ".join(tip.evidence_lines(lang)),
                              "actors": ", ".join(tip.actors)} for tip in self],
                            columns=["rule", "category", "variant", "title", "text", "action",
                                     "evidence", "actors"])

    def _repr_html_(self) -> str:
        return "".join(tip._repr_html_() for tip in self)


# --------------------------------------------------------------------------- detectors


def _tip(rule: Rule, ctx: Context, **kwargs) -> Tip:
    return Tip(rule.id, rule.category, min_group=ctx.min_group, priority=rule.priority, **kwargs)


def introductions(ctx: Context, rule: Rule) -> list[Tip]:
    """Pairs with no tie worth introducing, ranked by resource allocation on tie strength
    (Zhou, Lü & Zhang 2009; weighted as Lü & Zhou 2010): ``Σ_z w_az·w_zb / s_z`` over
    the shared contacts ``z``, so that a contact shared through a hub, whose strength
    ``s_z`` is spread over many people, counts little.  Cross-sector pairs with shared
    keywords come first.  The shared contacts shown leave out the network's top hubs (the
    ``hubs`` people of highest strength); when every shared contact is such a hub the
    evidence says so."""
    import scipy.sparse as sp

    c = rule.condition
    ids = ctx.vertex_ids
    n = len(ids)
    if n < 2:
        return []
    a = ctx.adjacency
    g = ctx.graph
    edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    w = (np.asarray(g.es["weight"], dtype=float) if "weight" in g.es.attributes()
         else np.ones(len(edges)))
    w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
    weights = sp.csr_matrix((np.concatenate([w, w]),
                             (np.concatenate([edges[:, 0], edges[:, 1]]),
                              np.concatenate([edges[:, 1], edges[:, 0]]))), shape=(n, n))
    strength = np.asarray(weights.sum(axis=1)).ravel()
    inverse = sp.diags(np.divide(1.0, strength, out=np.zeros(n), where=strength > 0))
    allocation = (weights @ inverse @ weights).tocsr()
    common = (a @ a).tocsr()
    hubs = set(np.argsort(-strength, kind="stable")[:c["hubs"]].tolist())
    # Keyword incidence: actors × keywords; shared keywords by one product.
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, aid in enumerate(ids):
        for word in ctx.keywords.get(aid, ()):
            rows.append(i)
            cols.append(vocab.setdefault(word, len(vocab)))
    k = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(len(vocab), 1)))
    shared = (k @ k.T).tocsr()
    candidates = (common + shared).tocoo()
    i, j = candidates.row, candidates.col
    keep = i < j
    i, j = i[keep], j[keep]
    if i.size == 0:
        return []
    linked = np.asarray(a[i, j]).ravel() > 0
    i, j = i[~linked], j[~linked]
    if i.size == 0:
        return []
    cn = np.asarray(common[i, j]).ravel().astype(int)
    kw = np.asarray(shared[i, j]).ravel().astype(int)
    ra = np.asarray(allocation[i, j]).ravel()
    ok = (cn >= c["min_common"]) | (kw >= 1)
    i, j, cn, kw, ra = i[ok], j[ok], cn[ok], kw[ok], ra[ok]
    if i.size == 0:
        return []
    sectors = ctx.sectors
    sa = np.array([sectors.get(ids[x]) for x in i], dtype=object)
    sb = np.array([sectors.get(ids[x]) for x in j], dtype=object)
    cross = pd.notna(sa) & pd.notna(sb) & (sa != sb)
    strength_class = np.where((cn >= c["strong_common"]) & (kw >= 1), 2,
                              np.where((cn >= c["strong_common"]) | (kw >= 1), 1, 0))
    score = ra / max(ra.max(), 1e-12) + (kw >= 1)
    if c["prefer_cross_sector"]:
        score = score + (cross & (kw >= 1))
    order = np.lexsort((j, i, -score))
    used: set[int] = set()
    out = []
    variants = {2: "strong", 1: "medium", 0: "light"}
    for x in order:
        if len(out) >= c["max_tips"]:
            break
        p, q = int(i[x]), int(j[x])
        if p in used or q in used:
            continue
        used |= {p, q}
        ida, idb = ids[p], ids[q]
        words = sorted(ctx.keywords.get(ida, frozenset()) & ctx.keywords.get(idb, frozenset()))
        mutual = np.flatnonzero(a[p].multiply(a[q]).toarray().ravel())
        # The shared contacts that carry the introduction: not hubs, strongest share first.
        own = [m for m in mutual if m not in hubs]
        own.sort(key=lambda m: -(weights[p, m] * weights[m, q] / max(strength[m], 1e-12)))
        evidence = {"common_contacts": int(cn[x]),
                    "common_contact_names": [ctx.name(ids[m]) for m in own[:5]],
                    "resource_allocation": float(ra[x]),
                    "shared_keywords": words,
                    "sector_a": sa[x], "sector_b": sb[x],
                    "cross_sector": bool(cross[x]), "tie": False}
        if len(mutual) and not own:
            del evidence["common_contact_names"]
            evidence["common_contacts_are_hubs"] = [ctx.name(ids[m]) for m in mutual[:5]]
        out.append(_tip(rule, ctx, variant=variants[int(strength_class[x])],
                        params={"a": ctx.name(ida), "b": ctx.name(idb),
                                "keywords": words or "–"},
                        evidence=evidence, actors=(ida, idb)))
    return out


def periphery(ctx: Context, rule: Rule) -> list[Tip]:
    """Isolated actors, and actors with far fewer ties than is typical."""
    nodes = ctx.nodes
    if nodes.empty:
        return []
    degree = nodes["degree"].astype(int)
    median = float(degree.median())
    limit = rule.condition["share_of_median"] * median
    out = []
    isolated = degree[degree == 0].index.tolist()
    peripheral = degree[(degree > 0) & (degree <= limit)].sort_values(kind="stable").index.tolist()
    top = rule.condition["max_names"]
    for variant, people in (("isolated", isolated), ("peripheral", peripheral)):
        if not people:
            continue
        shown = people[:top]
        out.append(_tip(rule, ctx, variant=variant,
                        params={"names": [ctx.name(p) for p in shown], "count": len(people)},
                        evidence={"people": [f"{ctx.name(p)} ({int(degree[p])})" for p in shown],
                                  "median_degree": median, "degree_limit": limit},
                        actors=tuple(shown)))
    return out


def brokers(ctx: Context, rule: Rule) -> list[Tip]:
    """People the network depends on: high betweenness and no alternative bridge."""
    from ..measures import boundary_spanners

    c = rule.condition
    g = ctx.graph
    n = g.vcount()
    if n < 4 or g.ecount() == 0:
        return []
    nodes = ctx.nodes
    top = nodes[nodes["betweenness"] >= c["min_betweenness"]]
    ranked = top.sort_values("betweenness", ascending=False, kind="stable")
    # The highest betweenness (on strength: see node_measures), and anyone whose leaving
    # would cut people off (an articulation point), however they rank.
    cuts = {str(g.vs[v]["name"]) for v in g.articulation_points()}
    top = ranked[[i < c["candidates"] or str(p) in cuts for i, p in enumerate(ranked.index)]]
    if top.empty:
        return []
    spanners = boundary_spanners(g, by="sector") if "sector" in g.vs.attributes() else None
    apl_before = g.average_path_length(directed=False, unconn=True)
    membership = np.asarray(g.connected_components().membership)
    comp_size = np.bincount(membership)
    index = {name: i for i, name in enumerate(ctx.vertex_ids)}
    out = []
    for person, row in top.iterrows():
        v = index[str(person)]
        h = g.copy()
        h.delete_vertices([v])
        # Of the people in the broker's component, how many lose the main part?
        same = np.flatnonzero(membership == membership[v])
        remaining = [x - (x > v) for x in same if x != v]
        pieces = np.asarray(h.connected_components().membership)[remaining] if remaining else []
        largest = np.bincount(pieces).max() if len(pieces) else 0
        cut_off = int(comp_size[membership[v]] - 1 - largest)
        apl_after = h.average_path_length(directed=False, unconn=True) if h.ecount() else np.nan
        increase = apl_after / apl_before - 1 if apl_before and not np.isnan(apl_after) else 0.0
        sole = []
        if spanners is not None and person in spanners.index:
            sole = list(spanners.loc[person, "sole_links"])
        if cut_off < 1 and increase < c["path_increase"] and not sole:
            continue
        variant = "cut" if cut_off >= 1 else ("sole" if sole else "paths")
        evidence = {"betweenness": float(row["betweenness"]), "cut_off": cut_off,
                    "sole_links": [s.replace(" – ", "–") for s in sole]}
        if variant != "cut":
            # Path lengths speak only when nobody is cut off: the people cut off leave
            # the average, which can then look shorter although the network broke apart.
            evidence.update(path_length_before=float(apl_before), path_length_after=float(apl_after))
        out.append(_tip(rule, ctx, variant=variant,
                        params={"name": ctx.name(person), "cut_off": cut_off},
                        evidence=evidence, actors=(str(person),)))
    return out


def silos(ctx: Context, rule: Rule) -> list[Tip]:
    """Sectors or organisations whose ties stay mostly inside, judged on tie strength:
    the share of the group's tie weight that crosses its boundary (so that the faint
    ties of one plenary do not hide a silo); the tie counts are in the evidence too."""
    c = rule.condition
    ties = ctx.ties
    if ties.empty:
        return []
    weight = (ties["weight"].astype(float).clip(lower=0).to_numpy() if "weight" in ties
              else np.ones(len(ties)))
    out = []
    for by in c["groupings"]:
        groups = ctx.sectors if by == "sector" else ctx.organisations
        ga = ties["source"].astype(str).map(groups)
        gb = ties["target"].astype(str).map(groups)
        sizes = ctx.group_sizes(by)
        for group, members in sizes.items():
            if members < c["min_members"]:
                continue
            inside = ((ga == group) & (gb == group)).to_numpy()
            across = ((ga == group) ^ (gb == group)).to_numpy()
            internal, external = int(inside.sum()), int(across.sum())
            strength_in, strength_out = float(weight[inside].sum()), float(weight[across].sum())
            total = strength_in + strength_out
            if total <= 0 or internal == 0:
                continue
            share = strength_out / total
            if share > c["max_external_share"]:
                continue
            members_ids = groups.index[groups == group].astype(str).tolist()
            evidence = {"members": int(members), "internal_ties": internal,
                        "external_ties": external, "external_share": share,
                        "internal_strength": strength_in, "external_strength": strength_out,
                        "ei_index": (strength_out - strength_in) / total}
            hidden = ()
            if members < ctx.min_group:
                hidden, evidence = tuple(evidence), {}
            out.append(_tip(rule, ctx, variant=None,
                            params={"group": group if by == "sector" else ctx.group_label(by, group),
                                    "group_by": by},
                            evidence=evidence, suppressed=hidden, actors=tuple(members_ids)))
    return out


def weak_ties(ctx: Context, rule: Rule) -> list[Tip]:
    """Pairs who met only once but share networks (with goals) or keywords."""
    c = rule.condition
    ties = ctx.ties
    once = ties[(ties["shared_events"] == 1) & (ties["reported"] == 0)]
    if once.empty:
        return []
    rows = []
    goals = ctx.goal_networks
    for a, b in zip(once["source"].astype(str), once["target"].astype(str)):
        nets = sorted(ctx.networks_of.get(a, frozenset()) & ctx.networks_of.get(b, frozenset()))
        words = sorted(ctx.keywords.get(a, frozenset()) & ctx.keywords.get(b, frozenset()))
        ground = len(nets) + len(words)
        if ground < c["min_common_ground"]:
            continue
        sa, sb = ctx.sectors.get(a), ctx.sectors.get(b)
        cross = pd.notna(sa) and pd.notna(sb) and sa != sb
        rows.append((not cross, -ground, a, b, nets, words, cross))
    rows.sort(key=lambda r: r[:4])
    used: set[str] = set()
    out = []
    for _, neg_ground, a, b, nets, words, cross in rows:
        if len(out) >= c["max_tips"]:
            break
        if a in used or b in used:
            continue
        used |= {a, b}
        shared_goals = [g for n in nets for g in goals.get(n, [])]
        out.append(_tip(rule, ctx, params={"a": ctx.name(a), "b": ctx.name(b)},
                        evidence={"shared_events": 1, "common_networks": nets,
                                  "shared_goals": shared_goals, "shared_keywords": words,
                                  "cross_sector": bool(cross)},
                        actors=(a, b)))
    return out


def missing_sectors(ctx: Context, rule: Rule) -> list[Tip]:
    """Sectors present in the network but absent from co-development and joint projects."""
    kinds = list(rule.condition["kinds"])
    events = ctx.data.events
    codev = events[events["kind"].isin(kinds)]
    if codev.empty:
        return []
    part = ctx.data.participation
    people = part[part["event_id"].isin(codev["event_id"])]["actor_id"].astype(str)
    taking_part = set(ctx.sectors.reindex(people).dropna())
    sizes = ctx.group_sizes("sector")
    out = []
    for sector, members in sizes.items():
        if sector in taking_part:
            continue
        evidence = {"members": int(members), "co_development_events": int(len(codev)),
                    "sectors_in_co_development": sorted(taking_part)}
        hidden = ()
        if members < ctx.min_group:
            hidden = ("members",)
            del evidence["members"]
        ids = ctx.sectors.index[ctx.sectors == sector].tolist()
        out.append(_tip(rule, ctx, params={"sector": sector}, evidence=evidence,
                        suppressed=hidden, actors=tuple(ids)))
    return out


def stage(ctx: Context, rule: Rule) -> list[Tip]:
    """Advice for the stage the network is in."""
    if ctx.stage.code != rule.condition["stage"]:
        return []
    evidence = {"stage": ctx.stage.code}
    evidence.update({k: v for k, v in ctx.stage.evidence.items()})
    # Advice to gather the hub people needs hub people: else the wording without them.
    variant = "no_hubs" if rule.condition["stage"] == "multi_hub" and not evidence.get("hubs") else None
    return [_tip(rule, ctx, variant=variant, evidence=evidence)]


def meeting_cadence(events: pd.DataFrame) -> pd.DataFrame:
    """Per network: its meeting days (distinct dates of its events), their span and the
    longest gap between two consecutive meeting days, in days."""
    events = events.dropna(subset=["date"])
    rows = []
    for network, group in events.assign(network=events["network"].fillna("–")).groupby("network"):
        days = np.sort(pd.to_datetime(group["date"]).dt.normalize().unique())
        gaps = np.diff(days).astype("timedelta64[D]").astype(int) if len(days) > 1 else np.array([], int)
        rows.append({"network": network, "events": int(len(group)), "meeting_days": int(len(days)),
                     "span_days": int(gaps.sum()) if len(gaps) else 0,
                     "longest_gap_days": int(gaps.max()) if len(gaps) else None})
    return pd.DataFrame(rows, columns=["network", "events", "meeting_days", "span_days",
                                       "longest_gap_days"]).set_index("network")


def regular_forums(ctx: Context, rule: Rule) -> list[Tip]:
    """Networks that do not meet at a steady cadence, judged from the dates: a network
    has a regular forum when it met on at least ``min_meetings`` days over at least
    ``min_span_days`` with no gap longer than ``max_gap_days`` (so a project's kick-off
    and review are no forum, and neither is a burst of events followed by silence)."""
    c = rule.condition
    cadence = meeting_cadence(ctx.data.events)
    if cadence.empty:
        return []
    steady = ((cadence["meeting_days"] >= c["min_meetings"]) & (cadence["span_days"] >= c["min_span_days"])
              & (cadence["longest_gap_days"].fillna(10**6) <= c["max_gap_days"]))
    lacking = sorted(cadence.index[~steady])
    if not lacking:
        return []
    out = cadence.loc[lacking]
    gap = out["longest_gap_days"].dropna()
    return [_tip(rule, ctx, params={"networks": lacking},
                 evidence={"networks_without_forum": lacking,
                           "meeting_days": [f"{n}: {int(d)}" for n, d in out["meeting_days"].items()],
                           "longest_gap_days": int(gap.max()) if len(gap) else None,
                           "networks_with_forum": sorted(cadence.index[steady]),
                           "min_meetings": int(c["min_meetings"]),
                           "max_gap_days": int(c["max_gap_days"])})]


def contact_list(ctx: Context, rule: Rule) -> list[Tip]:
    """Too many actors without contact details."""
    actors = ctx.data.actors
    if actors.empty:
        return []
    email = actors["email"].astype(object)
    missing = email.isna() | (email.astype(str).str.strip() == "")
    share = float(missing.mean())
    if share <= rule.condition["max_missing_share"]:
        return []
    return [_tip(rule, ctx, params={"count": int(missing.sum())},
                 evidence={"without_contact": int(missing.sum()), "actors": int(len(actors)),
                           "without_contact_share": share})]


def low_response(ctx: Context, rule: Rule) -> list[Tip]:
    """The round's response rate is under the threshold: its results are uncertain.
    The evidence holds the rate, the central people who did not answer and the lowest
    response by sector (suppressed groups left out); never names."""
    r = ctx.response
    if r is None or not r.actors or r.response_rate >= rule.condition["below"]:
        return []
    evidence = {"round": r.round, "respondents": r.respondents, "actors": r.actors,
                "response_rate": float(r.response_rate), "threshold_rate": float(rule.condition["below"]),
                "central_non_respondents": f"{r.central_non_respondents}/{r.central}"}
    sectors = r.groups[(r.groups["by"] == "sector") & ~r.groups["suppressed"].astype(bool)]
    if len(sectors):
        low = sectors.sort_values("response_rate", kind="stable").iloc[0]
        evidence["lowest_sector"] = low["group"]
        evidence["lowest_sector_rate"] = float(low["response_rate"])
    hidden = ("groups",) if r.groups["suppressed"].astype(bool).any() else ()
    return [_tip(rule, ctx, params={"round": r.round, "respondents": r.respondents,
                                    "actors": r.actors},
                 evidence=evidence, suppressed=hidden)]


def assessment_item(ctx: Context, rule: Rule) -> list[Tip]:
    """An item of the knowing–trust–commitment assessment scores below the threshold."""
    a = ctx.assessment
    item = rule.condition["item"]
    if a is None:
        return []
    row = a.items.loc[item]
    if row["suppressed"] or pd.isna(row["mean"]) or row["mean"] >= rule.condition["below"]:
        return []
    evidence = {"item": item, "round": a.round, "mean": float(row["mean"]),
                "threshold": float(rule.condition["below"]),
                "respondents": int(row["respondents"]), "agree_share": float(row["agree_share"])}
    if ctx.change is not None:
        ch = ctx.change.row(item)
        if not ch["suppressed"]:
            evidence.update({"previous_round": ctx.change.before, "change": float(ch["change"]),
                             "ci_low": float(ch["ci_low"]), "ci_high": float(ch["ci_high"])})
    low = rule_low_response(ctx)
    if low is not None:  # results of a round answered by few are uncertain
        evidence["uncertain_response_rate"] = low
    by_sector = a.group_scores("sector", item)  # suppressed groups are not in it
    if len(by_sector):
        low = by_sector.sort_values(kind="stable")
        evidence["lowest_sector"] = low.index[0]
        evidence["lowest_sector_mean"] = float(low.iloc[0])
    return [_tip(rule, ctx, params={"item": item}, evidence=evidence)]


def rule_low_response(ctx: Context) -> float | None:
    """The response rate of the round in use when it is under the ``low_response``
    threshold, else ``None``."""
    from .rules import rule as find_rule

    r = ctx.response
    below = find_rule("low_response").condition["below"]
    if r is None or not r.actors or r.response_rate >= below:
        return None
    return float(r.response_rate)


#: Detector name → function(context, rule) → list of tips.
DETECTORS = {
    "introductions": introductions,
    "periphery": periphery,
    "brokers": brokers,
    "silos": silos,
    "weak_ties": weak_ties,
    "missing_sectors": missing_sectors,
    "stage": stage,
    "regular_forums": regular_forums,
    "contact_list": contact_list,
    "assessment_item": assessment_item,
    "low_response": low_response,
}


def tips(data: NetworkData | Analysis | Context, *, rules=RULES, round: str | None = None,
         min_group: int = 5, seed: int | None = None, period=None) -> TipList:
    """Every tip the rules find in ``data``, most urgent first.

    Parameters
    ----------
    data : NetworkData, Analysis or Context
        The network (an :class:`~verkostolab.measures.Analysis` or a :class:`Context`
        reuses the graph and measures already computed).
    rules : sequence of Rule
        Default :data:`~verkostolab.advice.rules.RULES`.
    round : str, optional
        Assessment round to use; default the latest.
    min_group : int, default 5
        Figures of smaller groups are left out of the evidence.
    seed : int, optional
        Seed of communities and the bootstrap (default: the analysis's, or 0).
    period : str, optional
        ``"FROM:TO"``: tips for the network of that period, with the latest round
        answered within it (see :meth:`Context.from_data`); an empty period is a
        :class:`~verkostolab.errors.PeriodError` naming the data's range.
    """
    ctx = data if isinstance(data, Context) else Context.from_data(
        data, round=round, min_group=min_group, seed=seed, period=period)
    found = []
    for order, r in enumerate(rules):
        for tip in DETECTORS[r.detector](ctx, r):
            found.append((r.priority, order, tip))
    found.sort(key=lambda x: x[:2])
    return TipList(tip for _, _, tip in found)
