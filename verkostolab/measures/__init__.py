"""Measures of networks, by topic: node centrality, whole-network structure, change
between periods (tie trajectories), goals measured against the data, the network's stage, the knowing-trust-commitment assessment, and
:class:`Analysis`, which builds the graph and its measures once for every view."""

from .analysis import Analysis, analyse
from .centrality import EXACT_LIMIT, NODE_COLUMNS, burt_constraint, communities, node_measures
from .change import STATUSES, Change, check_period, compare_graphs, compare_periods, default_periods
from .goals import GOAL_MEASURES, goal_measure, measure_goals
from .stage import STAGES, Stage, core_members, network_stage
from .structure import NetworkSummary, boundary_spanners, ei_index, network_measures, reciprocity

__all__ = [
    "Analysis", "analyse",
    "EXACT_LIMIT", "NODE_COLUMNS", "node_measures", "communities", "burt_constraint",
    "NetworkSummary", "network_measures", "ei_index", "reciprocity", "boundary_spanners",
    "Change", "STATUSES", "compare_graphs", "compare_periods", "default_periods", "check_period",
    "GOAL_MEASURES", "goal_measure", "measure_goals",
    "Stage", "STAGES", "network_stage", "core_members",
]
