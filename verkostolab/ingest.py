"""Importing files into a store: read, propose merges, apply reviewed merges, validate
against what the store holds, write in one transaction.

* :func:`import_files`: files (:func:`verkostolab.io.read_raws`) → a reviewed merge report
  applied (:func:`verkostolab.io.merges.read_merges`,
  :func:`verkostolab.tables.identity.apply_merges`) → validated against the store →
  written by :meth:`verkostolab.store.Store.write_tables`: every row or, with any
  problem, none (an :class:`~verkostolab.errors.InputError` lists every problem).
* :func:`propose_merges`: who in the files (and between them and the store) is probably
  one person under two names; nothing is written.
* :func:`import_data`: an already validated :class:`~verkostolab.tables.data.NetworkData`.

>>> import os, tempfile
>>> from verkostolab.datasets import sample_path
>>> from verkostolab.store import Store
>>> store = Store(os.path.join(tempfile.mkdtemp(), "demo.sqlite"))
>>> import_files(store, sample_path()).new["actors"]
60
>>> again = import_files(store, sample_path())  # the same file again adds nothing
>>> sum(again.new.values()), again.skipped["actors"]
(0, 60)
>>> store.close()
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import StoreError
from .i18n import t
from .io import read_raws
from .io.merges import read_merges
from .store import Store
from .tables import identity
from .tables.data import NetworkData
from .tables.schema import TABLE_ORDER
from .tables.validation import RawTable, dropped_dict, render_dropped, render_left_out, validate

__all__ = ["ImportReport", "import_files", "import_data", "propose_merges"]


@dataclass
class ImportReport:
    """What an import added (``new``) and left out as already present (``skipped``)."""

    source: str
    store: str
    new: dict[str, int]
    skipped: dict[str, int]
    #: ``(file, reason, count)``: what the readers left out on purpose
    left_out: list = field(default_factory=list)
    #: ``(reason, count)``: what merging actors changed (``identity.change.<reason>``)
    merged: list = field(default_factory=list)
    #: records of lenient files that could not be read and were left out, each a
    #: :class:`~verkostolab.errors.Problem` (file, line or message, field, why)
    dropped: list = field(default_factory=list)

    def render(self, lang: str | None = None) -> str:
        lines = [t("import.done", lang, source=self.source, store=self.store)]
        for table in TABLE_ORDER:
            if self.new.get(table) or self.skipped.get(table):
                lines.append(t("import.rows", lang, table=t(f"table.{table}", lang),
                               new=self.new.get(table, 0), skipped=self.skipped.get(table, 0)))
        lines += [f"  {line}" for line in render_left_out(self.left_out, lang)]
        lines += [f"  {t(f'identity.change.{reason}', lang, count=count)}"
                  for reason, count in self.merged if count]
        lines += render_dropped(self.dropped, lang)
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"source": self.source, "store": self.store, "new": self.new,
                "skipped": self.skipped,
                "left_out": [{"file": f, "reason": r, "count": c} for f, r, c in self.left_out],
                "merged": {reason: int(count) for reason, count in self.merged},
                **dropped_dict(self.dropped)}


def import_files(store: Store, paths, *, format: str = "auto", encoding: str | None = None,
                 merges=None, network: str | None = None,
                 lenient: bool | None = None) -> ImportReport:
    """Validate files against ``store`` and import them in one transaction.

    Raises :class:`~verkostolab.errors.InputError` (listing every problem) and leaves the
    store as it was, or imports every row.  ``merges`` is a merge report reviewed by a
    person (see :func:`propose_merges` and :mod:`verkostolab.tables.identity`): the actors
    it joins become one before anything is written, empty fields of stored actors are
    filled from the merged rows, and :attr:`ImportReport.merged` says what changed.
    ``network`` is the network of every imported event whose network is empty
    (:func:`verkostolab.io.set_network`).  ``lenient`` (None: by format, see
    :func:`verkostolab.io.read_raw`): records that cannot be read are left out and listed
    in :attr:`ImportReport.dropped`; the rest is imported in one transaction.
    """
    raws, source = read_raws(paths, format=format, encoding=encoding, network=network,
                             lenient=lenient)

    def validate_against(existing):
        result = validate(raws, source=source, existing=existing)
        if merges is not None:
            result.merged = _merged(result, merges, existing)
        return result

    report = _import(store, validate_against, source)
    if merges is not None:
        _remember_declined(store, merges)
    return report


def _remember_declined(store: Store, merges) -> None:
    """Write the pairs a person marked *no* in the merge report to the store's change log
    (kind ``decline``) with both people's name and e-mail as they are now, so that
    :func:`propose_merges` does not propose them again until one of them changes."""
    pairs = read_merges(merges).declined_pairs
    if not pairs:
        return
    actors = store.load(refused=True).actors.set_index("actor_id")
    logged = {(c["actor_id"], c["other_id"]) for c in store.changes("decline")}

    def person(actor_id):
        row = actors.loc[actor_id]
        return {"actor_id": actor_id, "name": _text(row.get("name")), "email": _text(row.get("email"))}

    for actor_id, keep_id in pairs:
        if actor_id in actors.index and keep_id in actors.index and (actor_id, keep_id) not in logged:
            store.log_change("decline", person(actor_id), person(keep_id))


def _text(value):
    return None if value is None or value != value or str(value).strip() == "" else str(value)


def propose_merges(store: Store, paths, *, format: str = "auto", encoding: str | None = None,
                   lang: str | None = None, network: str | None = None,
                   lenient: bool | None = None) -> identity.MergeProposal:
    """Who in ``paths`` (and between them and ``store``) is probably one person under two
    names or accounts: a :class:`verkostolab.tables.identity.MergeProposal`.  Nothing is
    written; raises :class:`~verkostolab.errors.InputError` for invalid files."""
    raws, source = read_raws(paths, format=format, encoding=encoding, network=network,
                             lenient=lenient)
    if not store.exists():
        return identity.propose_merges(validate(raws, source=source).data, lang=lang)
    existing = store.load(refused=True)
    result = validate(raws, source=source, existing=existing)
    proposal = identity.propose_merges(result.data, existing, lang=lang)
    # Pairs a person declined earlier stay apart while their names and e-mails do.
    return identity.without_declined(proposal, [
        {**c, "actor_id": c["actor_id"], "other_id": c["other_id"]} for c in store.changes("decline")])


def import_data(store: Store, data: NetworkData, *, source: str | None = None) -> ImportReport:
    """Import an already validated bundle (e.g. from another store or a generator)."""
    raws = []
    for name in TABLE_ORDER:
        frame = data.table(name)
        if frame.empty:
            continue
        records = frame.astype(object).where(frame.notna(), None).values.tolist()
        raws.append(RawTable.from_records(name, list(frame.columns), records,
                                          list(range(2, len(frame) + 2)),
                                          file=source or data.source or "data"))
    source = source or data.source or "data"
    return _import(store, lambda existing: validate(raws, source=source, existing=existing), source)


def _import(store: Store, validate_against, source: str) -> ImportReport:
    result = store.write_tables(validate_against, source)
    return ImportReport(source, store._shown_url(), result.data.counts(), result.skipped, result.left_out,
                        result.merged.changes if result.merged is not None else [],
                        list(result.dropped))


def _merged(result, merges, existing):
    """Apply a reviewed merge report to validated new data (``result.data`` is replaced)."""
    existing = existing if existing is not None and not existing.actors.empty else None
    applied = identity.apply_merges(result.data, read_merges(merges, result.data, existing=existing),
                                    existing=existing)
    if applied.store_renamed:
        raise StoreError("import.merge.stored_ids", path=str(merges),
                         ids=", ".join(f"{a} → {b}" for a, b in sorted(applied.store_renamed.items())))
    result.data = applied.data
    return applied
