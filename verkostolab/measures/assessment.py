"""The knowing–trust–commitment instrument: items, scoring, groups and change.

The instrument has the twelve items of :data:`~verkostolab.tables.schema.ASSESSMENT_ITEMS`,
four per dimension.  Each is a statement answered on a 1–5
agreement scale (1 = strongly disagree … 5 = strongly agree); the wording is in the
catalogue (``assess.statement.<item>``) in Finnish and English.

Scoring
-------
* **Item**: mean, standard deviation and share agreeing (4 or 5) of the answers given;
  ``missing`` counts the respondents of the round who left the item blank.
* **Dimension**: each respondent's mean over the items of the dimension they answered,
  then the mean over respondents.
* **Groups**: a respondent belongs to their actor's ``sector`` and ``organisation``, and
  to every ``network`` whose events they attended (so network groups overlap).

Privacy
-------
A figure computed from fewer than ``min_group`` respondents (default 5) is never shown:
it is NaN and flagged ``suppressed`` in every output (group scores, change, tips).  When
a partition (sector, organisation) would have a single suppressed group, or suppressed
groups holding fewer than ``min_group`` respondents together, further small groups are
suppressed too, so that a hidden group's answers cannot be recovered by subtracting the
shown groups from the total (secondary suppression).

>>> from verkostolab.datasets import generate_sample
>>> result = score(generate_sample(), round="2025-kevät")
>>> result.response["respondents"], result.response["actors"]
(36, 60)
>>> bool(result.dimensions.loc["trust", "mean"] < result.dimensions.loc["knowing", "mean"])
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ParameterError, RoundError
from ..tables.data import NetworkData
from ..i18n import format_number, format_percent, t
from ..tables.schema import ASSESSMENT_ITEMS

__all__ = [
    "ResponseDiagnostics",
    "response_diagnostics",
    "DIMENSIONS",
    "ITEMS",
    "GROUPINGS",
    "MIN_GROUP",
    "instrument",
    "respondent_groups",
    "Assessment",
    "score",
    "RoundChange",
    "compare_rounds",
]

#: The three dimensions, in the order of the table.
DIMENSIONS = ("knowing", "trust", "commitment")
#: The item codes, in the order of the table.
ITEMS = tuple(ASSESSMENT_ITEMS)
#: Ways of grouping respondents.
GROUPINGS = ("sector", "organisation", "network")
#: Smallest group whose figures are shown.
MIN_GROUP = 5
#: Answers at or above this count as agreeing.
AGREE = 4


def instrument(*, lang: str | None = None) -> pd.DataFrame:
    """The items as a table: ``item``, ``dimension``, ``label`` and ``statement`` in ``lang``.

    >>> instrument(lang="en").loc[7, "statement"]
    'The others in the network act consistently: they do what they say.'
    """
    return pd.DataFrame({
        "item": list(ITEMS),
        "dimension": [ASSESSMENT_ITEMS[i] for i in ITEMS],
        "label": [t(f"assessment_item.{i}", lang) for i in ITEMS],
        "statement": [t(f"assess.statement.{i}", lang) for i in ITEMS],
    })


def _rounds(data: NetworkData) -> list[str]:
    answers = data.assessments
    if answers.empty:
        return []
    # Order rounds by their first answer date, then by name.
    first = answers.groupby("round")["date"].min()
    return sorted(first.index.astype(str), key=lambda r: (pd.isna(first.get(r)), first.get(r), r))


def _matrix(data: NetworkData, round_: str) -> pd.DataFrame:
    """Respondent × item matrix of one round (NaN = blank or not answered)."""
    answers = data.assessments
    answers = answers[answers["round"].astype(str) == str(round_)]
    wide = answers.pivot_table(index="respondent", columns="item", values="value",
                               aggfunc="mean", dropna=False)
    wide = wide.astype("float64").reindex(columns=list(ITEMS))
    wide.index = wide.index.astype(str)
    return wide.sort_index()


def _dimension_scores(matrix: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's mean per dimension over the items they answered."""
    out = {}
    for dim in DIMENSIONS:
        cols = [i for i in ITEMS if ASSESSMENT_ITEMS[i] == dim]
        out[dim] = matrix[cols].mean(axis=1, skipna=True)
    return pd.DataFrame(out, index=matrix.index)


def respondent_groups(data: NetworkData, by: str) -> pd.DataFrame:
    """(``respondent``, ``group``) rows: the groups each actor belongs to under ``by``.

    ``sector`` and ``organisation`` give one group per actor (``"unknown"`` when not
    known); ``network`` one row per network whose events the actor attended.
    """
    if by not in GROUPINGS:
        raise ParameterError(name="by", value=by, allowed=", ".join(GROUPINGS))
    actors = data.actors
    if by == "network":
        part = data.participation.merge(data.events[["event_id", "network"]], on="event_id")
        part = part.dropna(subset=["network"])[["actor_id", "network"]].drop_duplicates()
        return pd.DataFrame({"respondent": part["actor_id"].astype(str).to_numpy(),
                             "group": part["network"].astype(str).to_numpy()})
    if by == "sector":
        groups = data.actor_sectors()
    else:
        groups = pd.Series(actors["organisation_id"].to_numpy(), index=actors["actor_id"])
    groups = groups.astype(object).where(groups.notna(), "unknown")
    return pd.DataFrame({"respondent": groups.index.astype(str), "group": groups.astype(str).to_numpy()})


def _suppress_partition(counts: pd.Series, min_group: int) -> pd.Series:
    """Which groups of a partition to hide: the small ones, plus enough of the next
    smallest that the hidden ones hold at least ``min_group`` respondents together."""
    hidden = counts < min_group
    total_hidden = int(counts[hidden].sum())
    if 0 < total_hidden < min_group or hidden.sum() == 1:
        for group in counts[~hidden].sort_values(kind="stable").index:
            if (hidden.sum() >= 2 and counts[hidden].sum() >= min_group) or hidden.all():
                break
            hidden[group] = True
    return hidden


def _score_block(matrix: pd.DataFrame, dims: pd.DataFrame) -> pd.DataFrame:
    """Respondents, mean, sd, share agreeing per dimension and item of a set of people."""
    rows = []
    for code, column in [*((d, dims[d]) for d in DIMENSIONS), *((i, matrix[i]) for i in ITEMS)]:
        values = column.dropna()
        rows.append({"score": code,
                     "dimension": code if code in DIMENSIONS else ASSESSMENT_ITEMS[code],
                     "respondents": int(values.size),
                     "mean": float(values.mean()) if values.size else np.nan,
                     "sd": float(values.std(ddof=1)) if values.size > 1 else np.nan,
                     "agree_share": float((values >= AGREE).mean()) if values.size else np.nan})
    return pd.DataFrame(rows)


_FIGURES = ["mean", "sd", "agree_share"]


@dataclass
class Assessment:
    """Scores of one assessment round.

    Attributes
    ----------
    round : str
        The round scored.
    items : DataFrame
        Indexed by ``item``: ``dimension``, ``respondents`` (answered), ``missing``
        (respondents of the round who left it blank), ``missing_share``, ``mean``,
        ``sd``, ``agree_share`` and ``suppressed``.
    dimensions : DataFrame
        Indexed by ``dimension``: ``respondents``, ``mean``, ``sd``, ``agree_share``,
        ``suppressed``.
    groups : DataFrame
        One row per (``by``, ``group``, ``score``), where ``score`` is a dimension or an
        item: ``dimension``, ``respondents``, ``mean``, ``sd``, ``agree_share`` and
        ``suppressed`` (figures NaN when suppressed).
    response : dict
        ``respondents``, ``actors``, ``response_rate`` and ``complete`` (respondents who
        answered every item).
    min_group : int
        The suppression threshold used.
    """

    round: str
    items: pd.DataFrame
    dimensions: pd.DataFrame
    groups: pd.DataFrame
    response: dict
    min_group: int = MIN_GROUP
    rounds: list = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The item table."""
        return self.items.copy()

    def group_scores(self, by: str, score: str) -> pd.Series:
        """Mean of ``score`` per group of ``by`` (suppressed groups are left out)."""
        rows = self.groups[(self.groups["by"] == by) & (self.groups["score"] == score)
                           & ~self.groups["suppressed"]]
        return rows.set_index("group")["mean"]

    def to_dict(self) -> dict:
        def records(frame, index_name):
            out = []
            for key, row in frame.iterrows():
                rec = {index_name: key} if index_name else {}
                rec.update({k: _clean(v) for k, v in row.items()})
                out.append(rec)
            return out

        return {"round": self.round, "min_group": self.min_group,
                "response": {k: _clean(v) for k, v in self.response.items()},
                "dimensions": records(self.dimensions, "dimension"),
                "items": records(self.items, "item"),
                "groups": records(self.groups.reset_index(drop=True), None)}

    def render(self, lang: str | None = None) -> str:
        lines = [t("assess.title", lang, round=self.round)]
        rate = self.response["response_rate"]
        lines.append(t("assess.response", lang, respondents=self.response["respondents"],
                       actors=self.response["actors"],
                       rate="-" if pd.isna(rate) else format_percent(rate, lang)))
        for dim, row in self.dimensions.iterrows():
            shown = t("assess.suppressed", lang, min_group=self.min_group) if row["suppressed"] \
                else format_number(row["mean"], lang)
            lines.append(f"  {t(f'assess.dimension.{dim}', lang):<16} {shown}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = f"<p><b>{t('assess.title', None, round=self.round)}</b></p>"
        return head + self.dimensions.to_html(float_format="%.2f") + self.items.to_html(float_format="%.2f")


def _clean(value):
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    return value


def score(data: NetworkData, *, round: str | None = None, by=GROUPINGS,
          min_group: int = MIN_GROUP) -> Assessment:
    """Score one round of the knowing–trust–commitment assessment.

    Parameters
    ----------
    data : NetworkData
        Needs the ``assessments`` table; actors, organisations and participation give
        the groups.
    round : str, optional
        The round to score; default the latest (by answer date).
    by : iterable of str
        Groupings to score (:data:`GROUPINGS`).
    min_group : int, default 5
        Figures of fewer respondents are suppressed (see the module text).

    Returns
    -------
    Assessment
    """
    rounds = _rounds(data)
    if not rounds:
        raise ParameterError("error.no_assessments")
    if round is None:
        round = rounds[-1]
    round = str(round)
    if round not in rounds:
        raise RoundError("error.unknown_round", value=round, allowed=", ".join(rounds))
    matrix = _matrix(data, round)
    dims = _dimension_scores(matrix)
    n = len(matrix)
    block = _score_block(matrix, dims).set_index("score")
    items = block.loc[list(ITEMS)].copy()
    items.index.name = "item"
    items["missing"] = n - items["respondents"]
    items["missing_share"] = items["missing"] / n if n else np.nan
    items["suppressed"] = items["respondents"] < min_group
    items.loc[items["suppressed"], _FIGURES] = np.nan
    items = items[["dimension", "respondents", "missing", "missing_share", "mean", "sd",
                   "agree_share", "suppressed"]]
    dimensions = block.loc[list(DIMENSIONS)].drop(columns="dimension").copy()
    dimensions.index.name = "dimension"
    dimensions["suppressed"] = dimensions["respondents"] < min_group
    dimensions.loc[dimensions["suppressed"], _FIGURES] = np.nan

    frames = []
    for grouping in by:
        member = respondent_groups(data, grouping)
        member = member[member["respondent"].isin(matrix.index)]
        rows = []
        for group, people in member.groupby("group")["respondent"]:
            ids = sorted(set(people))
            part = _score_block(matrix.loc[ids], dims.loc[ids])
            part.insert(0, "group", group)
            part["group_size"] = len(ids)
            rows.append(part)
        if not rows:
            continue
        frame = pd.concat(rows, ignore_index=True)
        frame.insert(0, "by", grouping)
        sizes = frame.groupby("group")["group_size"].first()
        if grouping == "network":  # overlapping groups: no partition to protect
            hidden_groups = sizes < min_group
        else:
            hidden_groups = _suppress_partition(sizes, min_group)
        frame["suppressed"] = frame["group"].map(hidden_groups).astype(bool) | (frame["respondents"] < min_group)
        frames.append(frame)
    columns = ["by", "group", "score", "dimension", "group_size", "respondents", "mean", "sd",
               "agree_share", "suppressed"]
    groups = (pd.concat(frames, ignore_index=True)[columns] if frames
              else pd.DataFrame(columns=columns))
    hidden = groups["suppressed"].astype(bool)
    groups.loc[hidden, _FIGURES] = np.nan
    # The size of a hidden group would tell how many people it holds: hide it too.
    groups["group_size"] = groups["group_size"].astype("float64")
    groups["respondents"] = groups["respondents"].astype("float64")
    groups.loc[hidden, ["group_size", "respondents"]] = np.nan
    actors = len(data.actors)
    response = {"round": round, "respondents": n, "actors": actors,
                "response_rate": n / actors if actors else np.nan,
                "complete": int(matrix.notna().all(axis=1).sum())}
    return Assessment(round, items, dimensions, groups, response, min_group, rounds)


# --------------------------------------------------------------------------- change


@dataclass
class RoundChange:
    """Change of the scores between two rounds, with bootstrap confidence intervals.

    ``table`` has one row per (``group``, ``score``): ``before``, ``after``, ``change``,
    ``ci_low``, ``ci_high`` (percentile interval of the change, resampling
    respondents), ``n_before``, ``n_after``, ``n_both`` (answered both rounds),
    ``significant`` (the interval excludes 0) and ``suppressed``.  ``group`` is
    ``"all"`` for the whole network.
    """

    before: str
    after: str
    table: pd.DataFrame
    by: str | None = None
    level: float = 0.95
    resamples: int = 2000
    seed: int = 0
    min_group: int = MIN_GROUP

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def row(self, score: str, group: str = "all") -> pd.Series:
        table = self.table
        return table[(table["group"] == group) & (table["score"] == score)].iloc[0]

    def to_dict(self) -> dict:
        return {"before": self.before, "after": self.after, "by": self.by,
                "level": self.level, "resamples": self.resamples, "seed": self.seed,
                "min_group": self.min_group,
                "rows": [{k: _clean(v) for k, v in r.items()}
                         for r in self.table.to_dict(orient="records")]}

    def _repr_html_(self) -> str:
        head = f"<p><b>{t('assess.change.title', None, before=self.before, after=self.after)}</b></p>"
        return head + self.table.to_html(float_format="%.2f")


def _bootstrap(x0: np.ndarray, x1: np.ndarray, resamples: int, rng: np.random.Generator,
               level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of mean(x1) − mean(x0) per column, resampling rows (people).

    ``x0`` and ``x1`` are people × scores (NaN = no answer) over the same people, so
    that someone who answered both rounds is drawn with both answers.  Vectorised:
    the draws become a count matrix, the means two matrix products.
    """
    n = x0.shape[0]
    draws = rng.integers(0, n, size=(resamples, n))
    counts = np.zeros((resamples, n))
    np.add.at(counts, (np.repeat(np.arange(resamples), n), draws.ravel()), 1.0)
    means = []
    for x in (x0, x1):
        present = ~np.isnan(x)
        with np.errstate(invalid="ignore", divide="ignore"):
            means.append((counts @ np.where(present, x, 0.0)) / (counts @ present))
    diff = means[1] - means[0]
    alpha = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        low = np.nanquantile(diff, alpha, axis=0) if resamples else np.full(x0.shape[1], np.nan)
        high = np.nanquantile(diff, 1 - alpha, axis=0) if resamples else np.full(x0.shape[1], np.nan)
    return low, high


def compare_rounds(data: NetworkData, before: str | None = None, after: str | None = None, *,
                   by: str | None = None, min_group: int = MIN_GROUP, resamples: int = 2000,
                   seed: int = 0, level: float = 0.95) -> RoundChange:
    """Change of dimension and item scores from round ``before`` to round ``after``.

    Parameters
    ----------
    before, after : str, optional
        Rounds; default the last two.
    by : {"sector", "organisation", "network"}, optional
        Also the change within each group (suppressed where either round has fewer
        than ``min_group`` respondents in it).
    resamples : int, default 2000
        Bootstrap resamples of respondents (seeded with ``seed``).

    Examples
    --------
    >>> from verkostolab.datasets import generate_sample
    >>> change = compare_rounds(generate_sample(), resamples=500)
    >>> bool(change.row("trust")["significant"]), bool(change.row("trust")["change"] > 0)
    (True, True)
    """
    rounds = _rounds(data)
    if before is None or after is None:
        if len(rounds) < 2:
            raise ParameterError("error.two_rounds", count=len(rounds))
        before = before or rounds[-2]
        after = after or rounds[-1]
    for r in (before, after):
        if str(r) not in rounds:
            raise RoundError("error.unknown_round", value=r, allowed=", ".join(rounds))
    m0, m1 = _matrix(data, before), _matrix(data, after)
    s0 = pd.concat([_dimension_scores(m0), m0], axis=1)
    s1 = pd.concat([_dimension_scores(m1), m1], axis=1)
    people = s0.index.union(s1.index)
    s0, s1 = s0.reindex(people), s1.reindex(people)
    scores = list(s0.columns)
    rng = np.random.default_rng(seed)
    groups = [("all", list(people))]
    if by is not None:
        member = respondent_groups(data, by)
        member = member[member["respondent"].isin(people)]
        for group, ids in member.groupby("group")["respondent"]:
            groups.append((str(group), sorted(set(ids))))
    rows = []
    hide_partition = None
    if by in ("sector", "organisation"):
        smallest = {g: min(s0.loc[ids].notna().any(axis=1).sum(), s1.loc[ids].notna().any(axis=1).sum())
                    for g, ids in groups[1:]}
        hide_partition = _suppress_partition(pd.Series(smallest, dtype="int64"), min_group)
    for group, ids in groups:
        x0, x1 = s0.loc[ids].to_numpy(dtype=float), s1.loc[ids].to_numpy(dtype=float)
        n0, n1 = (~np.isnan(x0)).sum(axis=0), (~np.isnan(x1)).sum(axis=0)
        both = ((~np.isnan(x0)) & (~np.isnan(x1))).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean0 = np.where(n0 > 0, np.nansum(x0, axis=0) / np.maximum(n0, 1), np.nan)
            mean1 = np.where(n1 > 0, np.nansum(x1, axis=0) / np.maximum(n1, 1), np.nan)
        hidden = (n0 < min_group) | (n1 < min_group)
        if hide_partition is not None and group != "all" and bool(hide_partition.get(group, False)):
            hidden[:] = True
        if hidden.all():
            low = high = np.full(len(scores), np.nan)
        else:
            low, high = _bootstrap(x0, x1, resamples, rng, level)
        for k, code in enumerate(scores):
            h = bool(hidden[k])
            rows.append({"group": group, "score": code,
                         "dimension": code if code in DIMENSIONS else ASSESSMENT_ITEMS[code],
                         "before": np.nan if h else float(mean0[k]),
                         "after": np.nan if h else float(mean1[k]),
                         "change": np.nan if h else float(mean1[k] - mean0[k]),
                         "ci_low": np.nan if h else float(low[k]),
                         "ci_high": np.nan if h else float(high[k]),
                         "n_before": np.nan if h else float(n0[k]),
                         "n_after": np.nan if h else float(n1[k]),
                         "n_both": np.nan if h else float(both[k]),
                         "significant": False if h else bool(low[k] > 0 or high[k] < 0),
                         "suppressed": h})
    table = pd.DataFrame(rows)
    return RoundChange(str(before), str(after), table, by, level, resamples, seed, min_group)


# --------------------------------------------------------------------------- response
@dataclass
class ResponseDiagnostics:
    """Who answered a round: the response rate overall and by sector and organisation.

    Groups with fewer than ``min_group`` people are suppressed (with enough of the next
    smallest that their total cannot be worked out).  ``central_non_respondents``
    counts the central people (given to :func:`response_diagnostics`) who did not
    answer.  ``non_respondents`` holds their ids and is for the coordinator only: it is
    never shown in a report.
    """

    round: str
    respondents: int
    actors: int
    response_rate: float
    groups: pd.DataFrame
    central: int
    central_non_respondents: int
    non_respondents: tuple = ()
    min_group: int = MIN_GROUP

    def to_dict(self) -> dict:
        """Plain values without the names of non-respondents."""
        return {"round": self.round, "respondents": self.respondents, "actors": self.actors,
                "response_rate": _clean(self.response_rate), "central": self.central,
                "central_non_respondents": self.central_non_respondents,
                "min_group": self.min_group,
                "groups": [{k: (bool(v) if k == "suppressed" else _clean(v)) for k, v in row.items()}
                           for row in self.groups.to_dict(orient="records")]}

    def render(self, lang: str | None = None) -> str:
        lines = [t("assess.response_rate.title", lang, round=self.round,
                   respondents=self.respondents, actors=self.actors,
                   rate=format_percent(self.response_rate, lang) if self.actors else "–")]
        if self.central:
            lines.append(t("assess.response_rate.central", lang, missing=self.central_non_respondents,
                           central=self.central))
        for by, frame in self.groups.groupby("by", sort=False):
            shown = frame[~frame["suppressed"].astype(bool)]
            cells = ", ".join(f"{row.label} {row.respondents:.0f}/{row.group_size:.0f} "
                              f"({format_percent(row.response_rate, lang)})"
                              for row in shown.itertuples())
            hidden = int(frame["suppressed"].astype(bool).sum())
            line = f"  {t(f'advice.grouping.{by}', lang)}: {cells or '–'}"
            if hidden:
                line += " " + t("assess.response_rate.suppressed", lang, count=hidden,
                                min_group=self.min_group)
            lines.append(line)
        return "\n".join(lines)


def response_diagnostics(data: NetworkData, *, round: str | None = None,
                         min_group: int = MIN_GROUP, central=None, lang: str | None = None
                         ) -> ResponseDiagnostics:
    """The response of ``round`` (default the latest): overall, by sector and by
    organisation (the people of a group are the network's actors in it; groups under
    ``min_group`` people are suppressed), and how many of ``central`` (actor ids; by
    default the top fifth of the person network by tie strength) did not answer.

    >>> from verkostolab.datasets import load_sample
    >>> r = response_diagnostics(load_sample(), round="2024-syksy")
    >>> r.respondents, r.actors
    (42, 60)
    """
    rounds = _rounds(data)
    if not rounds:
        raise ParameterError("error.no_assessments")
    if round is None:
        round = rounds[-1]
    elif round not in rounds:
        raise RoundError("error.unknown_round", value=round, allowed=", ".join(rounds))
    answered = set(data.assessments.loc[data.assessments["round"].astype(str) == round,
                                        "respondent"].astype(str))
    ids = data.actors["actor_id"].astype(str)
    actors = len(ids)
    respondents = len(answered & set(ids))
    names = dict(zip(data.organisations["organisation_id"].astype(str),
                     data.organisations["name"].astype(str)))
    frames = []
    for by in ("sector", "organisation"):
        member = respondent_groups(data, by)
        member = member.assign(answered=member["respondent"].isin(answered))
        sizes = member.groupby("group")["respondent"].size()
        got = member.groupby("group")["answered"].sum()
        hidden = _suppress_partition(sizes, min_group)
        frame = pd.DataFrame({"by": by, "group": sizes.index, "group_size": sizes.to_numpy(dtype=float),
                              "respondents": got.reindex(sizes.index).to_numpy(dtype=float)})
        frame["response_rate"] = frame["respondents"] / frame["group_size"]
        frame["suppressed"] = frame["group"].map(hidden).astype(bool).to_numpy()
        frame.loc[frame["suppressed"], ["group_size", "respondents", "response_rate"]] = np.nan
        if by == "sector":
            frame["label"] = [_label_of("sector", g, lang) for g in frame["group"]]
        else:
            frame["label"] = [names.get(str(g), str(g)) for g in frame["group"]]
        frames.append(frame)
    groups = pd.concat(frames, ignore_index=True)
    if central is None:
        from .analysis import analyse

        nodes = analyse(data).nodes
        k = max(1, len(nodes) // 5)
        central = nodes["strength"].sort_values(ascending=False, kind="stable").index[:k] if len(nodes) else []
    central = [str(c) for c in central]
    missing = sorted(set(ids) - answered)
    return ResponseDiagnostics(round, respondents, actors, respondents / actors if actors else np.nan,
                               groups, len(central), sum(c not in answered for c in central),
                               tuple(missing), min_group)


def _label_of(vocab: str, code, lang) -> str:
    try:
        return t(f"{vocab}.{code}", lang)
    except KeyError:
        return str(code)
