"""The workshop room's work above the store (no widgets): warm-up rounds made from who
is present and recorded once, for the room's pages and the Voilà warm-up app alike.

A round is planned over the run's present members (:meth:`Store.run_members`), avoiding
the pairs of the run's earlier rounds, and kept in the store (:meth:`Store.save_round`)
until the facilitator records it: then its groups become events of kind
``acquaintance`` (ids ``<run's prefix><round>-<group>``), imported once.  A second
"record" of the same round is refused (:class:`verkostolab.store.RoomError`
``room.round_recorded``), whichever page or kernel asks.
"""

from __future__ import annotations

import datetime as dt

from ..store import RoomError

__all__ = ["present_members", "make_round", "record_round"]


def present_members(store, run: dict) -> list[str]:
    """Ids of the run's present members (joined, or added by the facilitator)."""
    return [m["actor_id"] for m in store.run_members(run["run_id"]) if m["present"]]


def make_round(store, run: dict, *, size: int = 2, mode: str = "mixed",
               people: list[str] | None = None) -> dict:
    """Plan the next warm-up round over who is present and keep it in the store.

    Made again before it is recorded, the newest round is replaced (a new draw); after a
    recorded round, the next number is made.  Returns the stored round
    (``number``, ``groups``, ``size``, ``mode``, ``recorded_at``).
    """
    from ..advice.groups import plan_rounds

    if int(size) not in (2, 3):
        raise RoomError("room.bad_size", field="size")
    if mode not in ("similar", "mixed"):
        raise RoomError("room.bad_mode", field="mode")
    chosen = list(people) if people is not None else present_members(store, run)
    if len(chosen) < int(size):
        raise RoomError("room.too_few", field="size", people=len(chosen), size=int(size))
    earlier = store.rounds(run["run_id"])
    history = [[tuple(g) for g in r["groups"]] for r in earlier if r["recorded_at"]]
    # everyone present is grouped, people who said no to being shown too (their groups
    # are for meeting in the room; the projector shows them as "•", never by name)
    plan = plan_rounds(store.load(refused=True), chosen, size=int(size), mode=mode, rounds=1,
                       seed=len(earlier) + 1, history=history or None)
    return store.save_round(run["run_id"], [list(g) for g in plan.rounds[0]], size=int(size), mode=mode)


def record_round(store, run: dict, number: int, *, lang: str | None = None) -> dict:
    """Record round ``number`` as events (once); returns ``{"number", "events"}``."""
    from ..advice.groups import RoundPlan
    from ..ingest import import_data
    from ..i18n import t

    rounds = {r["number"]: r for r in store.rounds(run["run_id"])}
    chosen = rounds.get(int(number))
    if chosen is None:
        raise RoomError("room.no_round", field="number", number=number)
    if chosen["recorded_at"] or not store.claim_recording(run["run_id"], int(number)):
        raise RoomError("room.round_recorded", field="number", number=number)
    try:
        plan = RoundPlan(rounds=[[tuple(g) for g in chosen["groups"]]], size=chosen["size"],
                         mode=chosen["mode"], seed=0,
                         participants=[a for g in chosen["groups"] for a in g])
        day = dt.date.fromisoformat(run["started_at"][:10])
        events = plan.to_events(number_from=int(number), date=day, prefix=run["event_prefix"], lang=lang)
        report = import_data(store, events, source=t("apps.warmup.title", lang))
    except BaseException:
        store.release_recording(run["run_id"], int(number))
        raise
    store.finish_recording(run["run_id"], int(number), report.new["events"])
    return {"number": int(number), "events": report.new["events"]}
