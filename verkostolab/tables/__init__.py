"""The tables of a network and the pure work on them: the schema (tables, columns,
vocabularies), :class:`NetworkData`, validation of raw tables, identity resolution
(merge proposals) and pseudonyms.  Nothing here reads files or talks to a store."""

from .data import NetworkData

__all__ = ["NetworkData"]
