"""One analysis of a network: the graph, node measures, network figures and stage,
built once from the data and the options and shared by the command line, the advice,
the views, the notebooks and the report.

>>> from verkostolab.datasets import load_sample
>>> a = analyse(load_sample())
>>> a.graph.vcount() == len(a.nodes)
True
>>> data = load_sample()
>>> analyse(data) is analyse(data)
True
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cached_property
from threading import Lock

from ..tables.data import NetworkData

__all__ = ["Analysis", "analyse"]

#: Options that change the graph (passed to :func:`verkostolab.graphs.build_graph`).
GRAPH_OPTIONS = ("kind", "event_weights", "half_life", "reported_weight", "include_reported",
                 "max_event_size", "nodes", "size_weighting")


class Analysis:
    """The graph of ``data`` at ``level`` (optionally within ``period`` and ``network``) and
    everything measured on it, each computed on first use and then kept.

    Build it with :func:`analyse`, which returns the same object for the same data and
    options.  Attributes: ``graph`` (:class:`igraph.Graph`), ``nodes`` (node measures,
    a DataFrame by id), ``summary`` (:class:`~verkostolab.measures.NetworkSummary`),
    ``stage`` (:class:`~verkostolab.measures.Stage`), ``estimated`` (the measures that
    were estimated rather than computed exactly).
    """

    def __init__(self, data: NetworkData, *, level: str = "person", period=None, network=None,
                 seed: int = 0, **graph_options):
        unknown = set(graph_options) - set(GRAPH_OPTIONS)
        if unknown:
            raise TypeError(f"unknown graph options: {', '.join(sorted(unknown))}")
        self.data = data
        self.level = level
        self.period = period
        self.network = network
        self.seed = seed
        self.graph_options = dict(graph_options)

    def __repr__(self) -> str:
        return (f"Analysis(level={self.level!r}, period={self.period!r}, network={self.network!r}, "
                f"nodes={self.graph.vcount()}, ties={self.graph.ecount()})")

    @cached_property
    def selected(self) -> NetworkData:
        """The data within the analysis's period, network and event kind (the data itself
        when none is chosen): what the graph was built from."""
        kind = self.graph_options.get("kind")
        if self.period is None and self.network is None and kind is None:
            return self.data
        return self.data.filter(period=self.period, network=self.network, kind=kind)

    @cached_property
    def graph(self):
        from ..graphs import build_graph

        return build_graph(self.data, level=self.level, period=self.period, network=self.network,
                           **self.graph_options)

    @cached_property
    def nodes(self):
        from .centrality import node_measures

        return node_measures(self.graph, seed=self.seed)

    @cached_property
    def summary(self):
        from .structure import network_measures

        ties = self.data.ties if self.level == "person" else None
        return network_measures(self.graph, seed=self.seed, ties=ties,
                                membership=self.nodes["community"].to_numpy())

    @cached_property
    def stage(self):
        from .stage import network_stage

        return network_stage(self.graph, self.nodes)

    @property
    def estimated(self) -> list[str]:
        return sorted(set(self.nodes.attrs.get("estimated", [])) | set(self.summary.estimated))

    def to_dict(self) -> dict:
        """The network figures, the stage and its evidence, as plain values."""
        out = dict(self.summary.to_dict())
        out["stage"] = self.stage.code
        out["stage_evidence"] = dict(self.stage.evidence)
        out["level"] = self.level
        out["estimated"] = self.estimated
        return out


_CACHE: "OrderedDict[tuple, Analysis]" = OrderedDict()
_CACHE_SIZE = 16
_LOCK = Lock()


def _key(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _key(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_key(v) for v in value)
    return value


def analyse(data: NetworkData, *, level: str = "person", period=None, network=None, seed: int = 0,
            **graph_options) -> Analysis:
    """The :class:`Analysis` of ``data`` with these options: the same object again for the
    same data object and options (the last 16 are kept), so that a notebook, a report
    or an app that shows the picture, the measures and the tips computes them once."""
    key = (id(data), level, _key(period), _key(network), seed, _key(graph_options))
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit.data is data:
            _CACHE.move_to_end(key)
            return hit
    made = Analysis(data, level=level, period=period, network=network, seed=seed, **graph_options)
    with _LOCK:
        _CACHE[key] = made
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return made
