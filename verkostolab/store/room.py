"""The workshop room's state: runs, who joined, warm-up rounds and what each page sent.

A **workshop run** (työpajakerta) is one workshop held with ``verkostolab workshop``:
its phase (``join`` → ``warmup`` → ``mapping`` → ``evaluation`` → ``results``), its round
timer, who joined it (from which page), its warm-up rounds and the ties each participant
sent in it.  All of it lives in the store, so that a reloaded page, a restarted server or
a second facilitator device continues where the room was:

* a page is identified by a random token it keeps (``owner``); the person it joined as is
  found again from the token after a reload (:meth:`_Room.member_of`);
* joining with a name or e-mail already in the store asks "is this you?" instead of
  creating a second person (:meth:`_Room.join_run`);
* sending again **replaces** what the person sent in this run (an edit), and undo removes
  it (:meth:`_Room.send_in_run`, :meth:`_Room.undo_in_run`);
* a warm-up round is recorded once: a second "record" is refused, never appended
  (:meth:`_Room.claim_recording`).

The tables are not part of :data:`verkostolab.store.sqlschema.SQL_TABLES` (the network's
own tables): :meth:`verkostolab.store.Store.forget` erases a person's rows from them as
from any other table that holds their id.

>>> import tempfile, pathlib
>>> from verkostolab.store import Store
>>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "room.sqlite")
>>> run = store.current_run()
>>> run["phase"], run["baseline_tie"]
('join', 0)
>>> store.join_run(run["run_id"], owner="page-a", name="Aino Aalto")["status"]
'joined'
>>> store.join_run(run["run_id"], owner="page-b", name="aino  AALTO")["status"]
'is_this_you'
>>> store.run_counts(run["run_id"])
{'joined': 1, 'present': 1, 'sent': 0, 'evaluated': 0}
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import sqlalchemy as sa

from ..errors import VerkostolabError
from ..tables.schema import fold
from .sqlschema import CLAIMS_TABLE, SQL_TABLES, refused_ids
from .workshop import NotYours, Submission, TieAnswer, _claim

__all__ = ["PHASES", "ROOM_TABLES", "RoomError"]

#: The phases of a workshop, in the order the facilitator moves the room through them.
PHASES = ("join", "warmup", "mapping", "evaluation", "results")

_MD = sa.MetaData()
ROOM_TABLES = {
    "runs": sa.Table(
        "workshop_runs", _MD,
        sa.Column("run_id", sa.String, primary_key=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("phase", sa.String, nullable=False),
        sa.Column("phase_at", sa.DateTime, nullable=False),
        sa.Column("timer_end", sa.DateTime),
        sa.Column("round", sa.String, nullable=False),
        sa.Column("baseline_tie", sa.Integer, nullable=False),
        sa.Column("event_prefix", sa.String, nullable=False),
    ),
    "members": sa.Table(
        "run_members", _MD,
        sa.Column("run_id", sa.String, primary_key=True),
        sa.Column("actor_id", sa.String, primary_key=True),
        sa.Column("owner", sa.String),
        sa.Column("joined_at", sa.DateTime, nullable=False),
        sa.Column("present", sa.Boolean, nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False),
        sa.Column("created", sa.Boolean, nullable=False),
    ),
    "rounds": sa.Table(
        "run_rounds", _MD,
        sa.Column("run_id", sa.String, primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("mode", sa.String, nullable=False),
        sa.Column("made_at", sa.DateTime, nullable=False),
        sa.Column("recording", sa.Boolean, nullable=False),
        sa.Column("recorded_at", sa.DateTime),
        sa.Column("events", sa.Integer),
    ),
    # one row per person in a group of a round (so that erasure finds them)
    "grouped": sa.Table(
        "run_round_members", _MD,
        sa.Column("run_id", sa.String, primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("actor_id", sa.String, primary_key=True),
        sa.Column("group_no", sa.Integer, nullable=False),
    ),
    # which tie rows a member sent in a run (replaced by a new send, removed by undo)
    "sent": sa.Table(
        "run_sent", _MD,
        sa.Column("run_id", sa.String, primary_key=True),
        sa.Column("tie_row", sa.Integer, primary_key=True),
        sa.Column("actor_id", sa.String, nullable=False),
    ),
}


class RoomError(VerkostolabError):
    """Something the room refuses (a catalogue key under ``room.``); ``field`` names the
    form field the message belongs next to."""

    def __init__(self, key: str, /, field: str | None = None, **params):
        self.field = field
        super().__init__(key, **params)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _iso(value):
    return value.isoformat() if isinstance(value, (dt.datetime, dt.date)) else value


def _name_key(text: str | None) -> str:
    return fold(re.sub(r"\s+", " ", (text or "").strip()))


def label(name: str, organisation: str | None) -> str:
    """"Name (Organisation)", as pick lists show a person."""
    return f"{name} ({organisation})" if organisation else str(name)


class _Room:
    """Workshop runs (part of :class:`verkostolab.store.Store`)."""

    _room_ready = False

    def _room(self, conn) -> None:
        if not self._room_ready:
            _MD.create_all(conn, checkfirst=True)
            SQL_TABLES[CLAIMS_TABLE].create(conn, checkfirst=True)
            self._room_ready = True

    def _has_room(self, conn) -> bool:
        """Whether the room's tables are there (asked of the database once per store)."""
        if not self._room_ready:
            self._room_ready = sa.inspect(conn).has_table("run_members")
        return self._room_ready

    def _write(self, write, retries: int = 8):
        if not self.exists():
            self.create()

        def run(conn):
            self._room(conn)
            return write(conn)

        return self._retrying(run, retries)

    # -- runs ----------------------------------------------------------------------------
    def current_run(self, *, create: bool = True, today: dt.date | None = None) -> dict | None:
        """Today's open run (a restarted server continues it); a new one when there is
        none and ``create`` (the previous day's run is closed)."""
        day = today or dt.date.today()
        runs = ROOM_TABLES["runs"]

        def write(conn):
            row = conn.execute(sa.select(runs).where(runs.c.ended_at.is_(None))
                               .order_by(runs.c.started_at.desc(), runs.c.run_id.desc())).first()
            if row is not None and row.started_at.date() == day:
                return _run(row)
            if not create:
                return None
            return self._new_run(conn, day)

        if not create and not self.exists():
            return None
        return self._write(write)

    def new_run(self, *, today: dt.date | None = None) -> dict:
        """Close the open run and start a new one (``verkostolab workshop --new-run``)."""
        return self._write(lambda conn: self._new_run(conn, today or dt.date.today()))

    def _new_run(self, conn, day: dt.date) -> dict:
        runs = ROOM_TABLES["runs"]
        now = _now()
        conn.execute(runs.update().where(runs.c.ended_at.is_(None)).values(ended_at=now))
        same_day = [r for r in conn.execute(sa.select(runs.c.run_id)).scalars()
                    if r.startswith(day.isoformat())]
        number = len(same_day) + 1
        run_id = f"{day.isoformat()}-{number}"
        while run_id in same_day:  # pragma: no cover - ids are never deleted
            number += 1
            run_id = f"{day.isoformat()}-{number}"
        baseline = conn.execute(sa.select(sa.func.max(SQL_TABLES["ties"].c.row_id))).scalar() or 0
        values = {"run_id": run_id, "started_at": now, "ended_at": None, "phase": PHASES[0],
                  "phase_at": now, "timer_end": None, "round": f"workshop-{run_id}",
                  "baseline_tie": int(baseline), "event_prefix": f"TUT{day:%y%m%d}{number}-"}
        conn.execute(runs.insert().values(**values))
        return _run(values)

    def get_run(self, run_id: str) -> dict:
        with self._reading() as conn:
            return _run(self._run_row(conn, run_id))

    def _run_row(self, conn, run_id: str):
        runs = ROOM_TABLES["runs"]
        row = conn.execute(sa.select(runs).where(runs.c.run_id == run_id)).first()
        if row is None:
            raise RoomError("room.no_run", run=run_id)
        return row

    def set_phase(self, run_id: str, phase: str) -> dict:
        if phase not in PHASES:
            raise RoomError("room.bad_phase", field="phase", phase=phase, allowed=", ".join(PHASES))
        runs = ROOM_TABLES["runs"]

        def write(conn):
            self._run_row(conn, run_id)
            conn.execute(runs.update().where(runs.c.run_id == run_id)
                         .values(phase=phase, phase_at=_now(), timer_end=None))
            return _run(self._run_row(conn, run_id))

        return self._write(write)

    def set_timer(self, run_id: str, seconds: float | None) -> dict:
        if seconds is not None and not (0 < float(seconds) <= 4 * 3600):
            raise RoomError("room.bad_timer", field="seconds")
        runs = ROOM_TABLES["runs"]
        end = None if seconds is None else dt.datetime.now() + dt.timedelta(seconds=float(seconds))

        def write(conn):
            self._run_row(conn, run_id)
            conn.execute(runs.update().where(runs.c.run_id == run_id).values(timer_end=end))
            return _run(self._run_row(conn, run_id))

        return self._write(write)

    # -- joining ---------------------------------------------------------------------------
    def join_run(self, run_id: str, *, owner: str, name: str | None = None,
                 organisation: str | None = None, sector: str | None = None,
                 email: str | None = None, actor_id: str | None = None,
                 confirm: str | None = None) -> dict:
        """Join the run from the page ``owner``; see the module text.

        Returns ``{"status": "is_this_you", "candidates": [{actor_id, label}]}`` (nothing
        written) or ``{"status": "joined", "actor_id", "label", "created"}``.
        """
        if not owner:
            raise RoomError("room.no_token")
        email = (email or "").strip() or None
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise RoomError("room.bad_email", field="email")
        members = ROOM_TABLES["members"]
        actors = SQL_TABLES["actors"]

        def write(conn):
            self._run_row(conn, run_id)
            mine = conn.execute(sa.select(members.c.actor_id).where(
                (members.c.run_id == run_id) & (members.c.owner == owner)
                & members.c.hidden.is_(False))).first()
            if mine is not None:  # this page joined already (a reload, a double tap)
                return {"status": "joined", "created": False, **self._who(conn, mine[0])}
            chosen = actor_id or (confirm if confirm not in (None, "", "new") else None)
            refused = refused_ids(conn)
            if chosen:
                if conn.execute(sa.select(actors.c.actor_id).where(actors.c.actor_id == chosen)).first() is None:
                    raise RoomError("room.unknown_person", field="name")
                _claim_or_refuse(conn, chosen, owner, chosen in refused)
                created = False
            else:
                if not (name and name.strip()):
                    raise RoomError("room.name_required", field="name")
                if len(name.strip()) > 120:
                    raise RoomError("room.name_too_long", field="name")
                if confirm != "new":
                    hidden = set(conn.execute(sa.select(members.c.actor_id).where(
                        (members.c.run_id == run_id) & members.c.hidden.is_(True))).scalars())
                    key = _name_key(name)
                    found = []
                    for row in conn.execute(sa.select(actors.c.actor_id, actors.c.name, actors.c.email)):
                        if row.actor_id in refused or row.actor_id in hidden:
                            continue
                        if _name_key(row.name) == key or (email and row.email
                                                           and row.email.strip().lower() == email.lower()):
                            found.append(row.actor_id)
                    if found:
                        return {"status": "is_this_you",
                                "candidates": [self._who(conn, a) for a in found]}
                result = self._submit(conn, Submission(name=name.strip(), organisation=organisation,
                                                       sector=sector, owner=owner))
                chosen, created = result["actor_id"], True
                if email:
                    conn.execute(actors.update().where(actors.c.actor_id == chosen).values(email=email))
            row = conn.execute(sa.select(members).where((members.c.run_id == run_id)
                                                        & (members.c.actor_id == chosen))).first()
            if row is None:
                conn.execute(members.insert().values(run_id=run_id, actor_id=chosen, owner=owner,
                                                     joined_at=_now(), present=True, hidden=False,
                                                     created=created))
            else:
                conn.execute(members.update().where((members.c.run_id == run_id)
                                                    & (members.c.actor_id == chosen))
                             .values(owner=owner, present=True, hidden=False))
            return {"status": "joined", "created": created, **self._who(conn, chosen)}

        return self._write(write)

    def _who(self, conn, actor_id: str) -> dict:
        a, o = SQL_TABLES["actors"], SQL_TABLES["organisations"]
        row = conn.execute(sa.select(a.c.actor_id, a.c.name, o.c.name.label("organisation"))
                           .select_from(a.outerjoin(o, a.c.organisation_id == o.c.organisation_id))
                           .where(a.c.actor_id == actor_id)).first()
        if row is None:
            return {"actor_id": actor_id, "label": actor_id}
        return {"actor_id": actor_id, "label": label(row.name, row.organisation)}

    def member_of(self, run_id: str, owner: str | None) -> dict | None:
        """The member this page joined as (``None`` when it has not)."""
        return self.participant_state(run_id, owner)["me"]

    def participant_state(self, run_id: str, owner: str | None) -> dict:
        """What a phone polls, in one read: ``me`` (the member this page joined as, or
        ``None``), ``sent`` (what they sent in this run, to prefill an edit, or ``None``)
        and ``answers`` (their evaluation answers of this run, item → value)."""
        out = {"me": None, "sent": None, "answers": {}}
        if not owner or not self.exists():
            return out
        with self._reading() as conn:
            if not self._has_room(conn):
                return out
            member = self._member_or_none(conn, run_id, owner)
            if member is None:
                return out
            out["me"] = self._who(conn, member.actor_id)
            out["sent"] = self._sent(conn, run_id, member.actor_id)
            out["answers"] = self._answers(conn, self._run_row(conn, run_id), member.actor_id)
        return out

    def run_members(self, run_id: str, *, include_hidden: bool = False) -> list[dict]:
        """The people who joined the run (and those the facilitator added)."""
        m, a, o = ROOM_TABLES["members"], SQL_TABLES["actors"], SQL_TABLES["organisations"]
        sent, answers = ROOM_TABLES["sent"], SQL_TABLES["assessments"]
        with self._reading() as conn:
            run = self._run_row(conn, run_id)
            query = (sa.select(m, a.c.name, a.c.email, o.c.name.label("organisation"), o.c.sector)
                     .select_from(m.join(a, a.c.actor_id == m.c.actor_id)
                                  .outerjoin(o, a.c.organisation_id == o.c.organisation_id))
                     .where(m.c.run_id == run_id).order_by(m.c.joined_at, m.c.actor_id))
            rows = conn.execute(query).all()
            counts = dict(conn.execute(sa.select(sent.c.actor_id, sa.func.count())
                                       .where(sent.c.run_id == run_id).group_by(sent.c.actor_id)).all())
            answered = set(conn.execute(sa.select(answers.c.respondent).distinct()
                                        .where(answers.c.round == run.round)).scalars())
            consent = self._consent_map(conn)
        out = []
        for r in rows:
            if r.hidden and not include_hidden:
                continue
            out.append({"actor_id": r.actor_id, "name": r.name, "email": r.email,
                        "organisation": r.organisation, "sector": r.sector,
                        "label": label(r.name, r.organisation), "joined_at": _iso(r.joined_at),
                        "present": bool(r.present), "hidden": bool(r.hidden),
                        "created_in_run": bool(r.created), "sent": int(counts.get(r.actor_id, 0)),
                        "evaluated": r.actor_id in answered, "consent": consent.get(r.actor_id),
                        "owned": r.owner is not None})
        return out

    def _consent_map(self, conn) -> dict:
        from .sqlschema import CONSENT_TABLE, has_consent_table

        if not has_consent_table(conn):
            return {}
        table = SQL_TABLES[CONSENT_TABLE]
        return {aid: bool(v) for aid, v in conn.execute(sa.select(table.c.actor_id, table.c.consent))}

    def hidden_members(self, run_id: str) -> set[str]:
        m = ROOM_TABLES["members"]
        with self._reading() as conn:
            if not self._has_room(conn):
                return set()
            return set(conn.execute(sa.select(m.c.actor_id).where(
                (m.c.run_id == run_id) & m.c.hidden.is_(True))).scalars())

    def set_present(self, run_id: str, actor_id: str, present: bool = True) -> dict:
        """The facilitator adds someone to who is present (or takes them off)."""
        m, a = ROOM_TABLES["members"], SQL_TABLES["actors"]

        def write(conn):
            self._run_row(conn, run_id)
            if conn.execute(sa.select(a.c.actor_id).where(a.c.actor_id == actor_id)).first() is None:
                raise RoomError("room.unknown_person", field="actor_id")
            where = (m.c.run_id == run_id) & (m.c.actor_id == actor_id)
            if conn.execute(sa.select(m.c.actor_id).where(where)).first() is None:
                if present:
                    conn.execute(m.insert().values(run_id=run_id, actor_id=actor_id, owner=None,
                                                   joined_at=_now(), present=True, hidden=False,
                                                   created=False))
            else:
                conn.execute(m.update().where(where).values(present=bool(present)))
            return self._who(conn, actor_id)

        return self._write(write)

    def hide_member(self, run_id: str, actor_id: str, hidden: bool = True) -> dict:
        """Hide a bogus or duplicate entry from every list of the run (and the wall)."""
        m = ROOM_TABLES["members"]

        def write(conn):
            where = (m.c.run_id == run_id) & (m.c.actor_id == actor_id)
            if conn.execute(m.update().where(where).values(hidden=bool(hidden),
                                                          present=not hidden)).rowcount == 0:
                raise RoomError("room.not_member", field="actor_id")
            return self._who(conn, actor_id)

        return self._write(write)

    def release_member(self, run_id: str, actor_id: str) -> None:
        """Forget which page owns a member (they may join again from another phone)."""
        m, claims = ROOM_TABLES["members"], SQL_TABLES[CLAIMS_TABLE]

        def write(conn):
            conn.execute(m.update().where((m.c.run_id == run_id) & (m.c.actor_id == actor_id))
                         .values(owner=None))
            conn.execute(claims.delete().where(claims.c.actor_id == actor_id))

        self._write(write)

    def merge_members(self, run_id: str, keep: str, other: str) -> dict:
        """Merge the duplicate ``other`` into ``keep`` (the store's merge, then the run's
        rows: membership, sent ties and warm-up groups follow the kept person)."""
        result = self.merge_actors(keep, other)
        m, sent, grouped = ROOM_TABLES["members"], ROOM_TABLES["sent"], ROOM_TABLES["grouped"]
        claims = SQL_TABLES[CLAIMS_TABLE]

        def write(conn):
            for table in (sent, grouped):
                conn.execute(table.update().where(table.c.actor_id == other).values(actor_id=keep))
            theirs = conn.execute(sa.select(m).where(m.c.actor_id == other)).all()
            for row in theirs:
                mine = conn.execute(sa.select(m).where((m.c.run_id == row.run_id)
                                                       & (m.c.actor_id == keep))).first()
                if mine is None:
                    conn.execute(m.update().where((m.c.run_id == row.run_id) & (m.c.actor_id == other))
                                 .values(actor_id=keep, created=False))
                else:
                    conn.execute(m.update().where((m.c.run_id == row.run_id) & (m.c.actor_id == keep))
                                 .values(owner=mine.owner or row.owner, present=mine.present or row.present,
                                         hidden=mine.hidden and row.hidden))
                    conn.execute(m.delete().where((m.c.run_id == row.run_id) & (m.c.actor_id == other)))
            conn.execute(claims.delete().where(claims.c.actor_id == other))

        self._write(write)
        return result

    # -- sending ----------------------------------------------------------------------------
    def _member_or_none(self, conn, run_id: str, owner: str | None):
        m = ROOM_TABLES["members"]
        if not owner:
            return None
        return conn.execute(sa.select(m).where((m.c.run_id == run_id) & (m.c.owner == owner)
                                               & m.c.hidden.is_(False))).first()

    def _member_row(self, conn, run_id: str, owner: str | None):
        row = self._member_or_none(conn, run_id, owner)
        if row is None:
            raise RoomError("room.join_first", field="name")
        return row

    def send_in_run(self, run_id: str, owner: str, ties: list[dict], consent: bool | None) -> dict:
        """The page's member sends whom they know; sending again replaces what they sent
        in this run.  Ratings may be ``None`` (not answered)."""
        sent, tie_table = ROOM_TABLES["sent"], SQL_TABLES["ties"]
        answers = []
        for row in ties or []:
            answers.append(TieAnswer(str(row.get("target")), row.get("knowing"), row.get("trust"),
                                     row.get("commitment")))

        def write(conn):
            member = self._member_row(conn, run_id, owner)
            actor_id = member.actor_id
            old = list(conn.execute(sa.select(sent.c.tie_row).where(
                (sent.c.run_id == run_id) & (sent.c.actor_id == actor_id))).scalars())
            if old:
                conn.execute(tie_table.delete().where(tie_table.c.row_id.in_(old)))
                conn.execute(sent.delete().where((sent.c.run_id == run_id) & (sent.c.actor_id == actor_id)))
            before = conn.execute(sa.select(sa.func.max(tie_table.c.row_id))).scalar() or 0
            result = self._submit(conn, Submission(actor_id=actor_id, ties=answers, consent=consent,
                                                   owner=owner))
            rows = list(conn.execute(sa.select(tie_table.c.row_id).where(
                (tie_table.c.source == actor_id) & (tie_table.c.row_id > before))).scalars())
            if rows:
                conn.execute(sent.insert(), [{"run_id": run_id, "tie_row": r, "actor_id": actor_id}
                                             for r in rows])
            return {"actor_id": actor_id, "ties": result["ties"], "replaced": bool(old)}

        return self._write(write)

    def undo_in_run(self, run_id: str, owner: str) -> int:
        """Remove what the page's member sent in this run; returns the ties removed."""
        sent, tie_table = ROOM_TABLES["sent"], SQL_TABLES["ties"]

        def write(conn):
            member = self._member_row(conn, run_id, owner)
            old = list(conn.execute(sa.select(sent.c.tie_row).where(
                (sent.c.run_id == run_id) & (sent.c.actor_id == member.actor_id))).scalars())
            if old:
                conn.execute(tie_table.delete().where(tie_table.c.row_id.in_(old)))
                conn.execute(sent.delete().where((sent.c.run_id == run_id)
                                                 & (sent.c.actor_id == member.actor_id)))
            return len(old)

        return self._write(write)

    def sent_in_run(self, run_id: str, owner: str | None) -> dict | None:
        """What the page's member sent in this run (to prefill an edit), or ``None``."""
        return self.participant_state(run_id, owner)["sent"]

    def _sent(self, conn, run_id: str, actor_id: str) -> dict | None:
        sent, ties = ROOM_TABLES["sent"], SQL_TABLES["ties"]
        a, o = SQL_TABLES["actors"], SQL_TABLES["organisations"]
        rows = conn.execute(
            sa.select(ties.c.target, ties.c.knowing, ties.c.trust, ties.c.commitment, a.c.name,
                      o.c.name.label("organisation"))
            .select_from(ties.join(sent, sent.c.tie_row == ties.c.row_id)
                         .outerjoin(a, a.c.actor_id == ties.c.target)
                         .outerjoin(o, a.c.organisation_id == o.c.organisation_id))
            .where((sent.c.run_id == run_id) & (sent.c.actor_id == actor_id))
            .order_by(ties.c.row_id)).all()
        if not rows:
            return None
        return {"ties": [{"target": r.target, "actor_id": r.target,
                          "label": label(r.name, r.organisation) if r.name else r.target,
                          "knowing": r.knowing, "trust": r.trust, "commitment": r.commitment}
                         for r in rows],
                "consent": self._consent_map(conn).get(actor_id)}

    def answer_in_run(self, run_id: str, owner: str, answers: dict) -> int:
        """The page's member answers the evaluation statements (answering again replaces)."""
        with self._reading() as conn:
            if not self._has_room(conn):
                raise RoomError("room.join_first", field="name")
            member = self._member_row(conn, run_id, owner)
            run = self._run_row(conn, run_id)
        if not any(v is not None for v in (answers or {}).values()):
            raise RoomError("room.answer_some", field="answers")
        return self.add_answers(member.actor_id, run.round, answers, owner=owner)

    def answered_in_run(self, run_id: str, owner: str | None) -> dict:
        """The page's member's answers of this run's evaluation (item → value)."""
        return self.participant_state(run_id, owner)["answers"]

    def _answers(self, conn, run, actor_id: str) -> dict:
        answers = SQL_TABLES["assessments"]
        return {item: value for item, value in conn.execute(
            sa.select(answers.c.item, answers.c.value).where(
                (answers.c.respondent == actor_id) & (answers.c.round == run.round)))}

    def run_counts(self, run_id: str) -> dict:
        """``joined``, ``present``, ``sent`` and ``evaluated``: this run's people only."""
        members = [m for m in self.run_members(run_id) if m["owned"] or m["present"]]
        return {"joined": sum(1 for m in members if m["owned"] or m["created_in_run"]),
                "present": sum(1 for m in members if m["present"]),
                "sent": sum(1 for m in members if m["sent"]),
                "evaluated": sum(1 for m in members if m["evaluated"])}

    # -- warm-up rounds ---------------------------------------------------------------------
    def save_round(self, run_id: str, groups: list[list[str]], *, size: int, mode: str) -> dict:
        """Keep the groups of the newest round (made again: replaced while not recorded;
        after a recorded round: the next number)."""
        rounds, grouped = ROOM_TABLES["rounds"], ROOM_TABLES["grouped"]

        def write(conn):
            self._run_row(conn, run_id)
            last = conn.execute(sa.select(rounds).where(rounds.c.run_id == run_id)
                                .order_by(rounds.c.number.desc())).first()
            if last is not None and last.recording and last.recorded_at is None:
                raise RoomError("room.round_recording")
            if last is None or last.recorded_at is not None:
                number = 1 if last is None else last.number + 1
                conn.execute(rounds.insert().values(run_id=run_id, number=number, size=int(size),
                                                    mode=str(mode), made_at=_now(), recording=False))
            else:
                number = last.number
                conn.execute(rounds.update().where((rounds.c.run_id == run_id) & (rounds.c.number == number))
                             .values(size=int(size), mode=str(mode), made_at=_now()))
                conn.execute(grouped.delete().where((grouped.c.run_id == run_id)
                                                    & (grouped.c.number == number)))
            rows = [{"run_id": run_id, "number": number, "actor_id": a, "group_no": k}
                    for k, group in enumerate(groups, start=1) for a in group]
            if rows:
                conn.execute(grouped.insert(), rows)
            return number

        number = self._write(write)
        return next(r for r in self.rounds(run_id) if r["number"] == number)

    def rounds(self, run_id: str) -> list[dict]:
        """The run's warm-up rounds, oldest first, with their groups (actor ids)."""
        if not self.exists():
            return []
        rounds, grouped = ROOM_TABLES["rounds"], ROOM_TABLES["grouped"]
        with self._reading() as conn:
            if not self._has_room(conn):
                return []
            out = []
            for r in conn.execute(sa.select(rounds).where(rounds.c.run_id == run_id)
                                  .order_by(rounds.c.number)):
                groups: dict[int, list[str]] = {}
                for actor_id, k in conn.execute(sa.select(grouped.c.actor_id, grouped.c.group_no)
                                                .where((grouped.c.run_id == run_id) & (grouped.c.number == r.number))
                                                .order_by(grouped.c.group_no, grouped.c.actor_id)):
                    groups.setdefault(k, []).append(actor_id)
                out.append({"number": r.number, "size": r.size, "mode": r.mode,
                            "groups": [groups[k] for k in sorted(groups)], "made_at": _iso(r.made_at),
                            "recorded_at": _iso(r.recorded_at), "events": r.events})
        return out

    def claim_recording(self, run_id: str, number: int) -> bool:
        """Mark round ``number`` as being recorded; ``False`` when it is (being) recorded
        already, so that a second "record" is refused rather than appended."""
        rounds = ROOM_TABLES["rounds"]

        def write(conn):
            where = ((rounds.c.run_id == run_id) & (rounds.c.number == int(number))
                     & rounds.c.recording.is_(False) & rounds.c.recorded_at.is_(None))
            return conn.execute(rounds.update().where(where).values(recording=True)).rowcount == 1

        return self._write(write)

    def finish_recording(self, run_id: str, number: int, events: int) -> None:
        rounds = ROOM_TABLES["rounds"]
        self._write(lambda conn: conn.execute(rounds.update().where(
            (rounds.c.run_id == run_id) & (rounds.c.number == int(number)))
            .values(recorded_at=_now(), events=int(events), recording=True)))

    def release_recording(self, run_id: str, number: int) -> None:
        """Recording failed: the round may be recorded again."""
        rounds = ROOM_TABLES["rounds"]
        self._write(lambda conn: conn.execute(rounds.update().where(
            (rounds.c.run_id == run_id) & (rounds.c.number == int(number))
            & rounds.c.recorded_at.is_(None)).values(recording=False)))

    # -- for polling -------------------------------------------------------------------------
    def room_people(self, run_id: str | None = None) -> list[dict]:
        """Everyone a participant may name (the store's people who may be shown), minus
        entries hidden in the run: ``{"id", "label"}`` sorted by name."""
        hidden = self.hidden_members(run_id) if run_id else set()
        return [{"id": p["actor_id"], "label": label(p["name"], p.get("organisation"))}
                for p in self.actor_choices() if p["actor_id"] not in hidden]


def people_version(people: list[dict]) -> str:
    """A short token that changes whenever the list changes."""
    return hashlib.sha1(json.dumps(people, ensure_ascii=False).encode()).hexdigest()[:12]


def _claim_or_refuse(conn, actor_id: str, owner: str, refused: bool) -> None:
    try:
        _claim(conn, actor_id, "mapping", owner, refused)
    except NotYours:
        raise RoomError("room.joined_elsewhere", field="name") from None


def _run(row) -> dict:
    data = dict(row._mapping) if hasattr(row, "_mapping") else dict(row)
    out = {k: _iso(v) for k, v in data.items()}
    if isinstance(data.get("timer_end"), dt.datetime):
        # with this machine's UTC offset: a phone in another time zone counts down right
        out["timer_end"] = data["timer_end"].astimezone().isoformat(timespec="seconds")
    return out

