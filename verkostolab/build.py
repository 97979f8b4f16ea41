"""Moved: the builders are now :mod:`verkostolab.graphs`.  This module re-exports them
for this release so that older notebooks keep working; import from
``verkostolab.graphs`` instead."""

from .graphs import *  # noqa: F401,F403
from .graphs import __all__  # noqa: F401
